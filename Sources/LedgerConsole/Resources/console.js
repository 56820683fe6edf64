// The console's script: sign-in with the user's key file (WebCrypto Ed25519; the key never leaves this page),
// sign-out, printing. No framework, nothing from another host.
"use strict";

const HWL = (() => {
  const PKCS8_ED25519_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

  function base64ToBytes(text) {
    const raw = atob(text);
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function bytesToBase64(bytes) {
    let raw = "";
    for (const b of bytes) raw += String.fromCharCode(b);
    return btoa(raw);
  }

  // Parses `PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 || 32-byte seed)>` and imports the seed as a
  // non-extractable WebCrypto Ed25519 signing key.
  async function loadKeyFile(file) {
    if (!file) throw new Error("请选择密钥文件");
    if (file.size > 4096) throw new Error("所选文件不是密钥文件（过大）");
    const text = (await file.text()).trim();
    // Names never hold "+" (C2SP signed-note key names); the base64 part may.
    const m = /^PRIVATE\+KEY\+([^+]+)\+([^+]*)\+([A-Za-z0-9+/=]+)$/.exec(text);
    if (!m) throw new Error("所选文件不是 PRIVATE+KEY+<名称>+<密钥ID>+<密钥> 格式的密钥文件");
    const [, name, keyId, encoded] = m;
    if (!/^[0-9a-f]{8}$/.test(keyId)) throw new Error("密钥文件中的密钥 ID 不是 8 位十六进制数");
    let raw;
    try { raw = base64ToBytes(encoded); } catch (e) { throw new Error("密钥文件的密钥部分不是有效的 base64"); }
    if (raw.length !== 33 || raw[0] !== 0x01) throw new Error("密钥文件不是 Ed25519 密钥（应为 0x01 加 32 字节种子）");
    const pkcs8 = new Uint8Array(PKCS8_ED25519_PREFIX.length + 32);
    pkcs8.set(PKCS8_ED25519_PREFIX, 0);
    pkcs8.set(raw.subarray(1), PKCS8_ED25519_PREFIX.length);
    const privateKey = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
    raw.fill(0);
    pkcs8.fill(0);
    return { name, keyId, privateKey };
  }

  async function sign(key, text) {
    const sig = await crypto.subtle.sign({ name: "Ed25519" }, key.privateKey, new TextEncoder().encode(text));
    return bytesToBase64(new Uint8Array(sig));
  }

  async function errorText(response) {
    try {
      const body = await response.json();
      if (body && body.error) return (body.error.messageZh ? body.error.messageZh + "：" : "") + body.error.message + "（" + body.error.rule + "，HTTP " + response.status + "）";
    } catch (e) { /* not JSON */ }
    return "HTTP " + response.status;
  }

  // A refused sign-in as a person reads it: the Chinese sentence of messageZh alone. The English detail after it
  // (key id, principal: for the operator's log) is left out; an answer without messageZh falls back to errorText.
  async function refusalText(response) {
    try {
      const body = await response.clone().json();
      const error = body && body.error;
      if (error && error.messageZh) {
        const detail = "：" + error.message;
        return error.messageZh.endsWith(detail) ? error.messageZh.slice(0, -detail.length) : error.messageZh;
      }
    } catch (e) { /* not JSON */ }
    return await errorText(response);
  }

  async function signIn(file) {
    const key = await loadKeyFile(file);
    const challengeResponse = await fetch("/v1/session/challenge", { method: "POST", credentials: "same-origin" });
    if (!challengeResponse.ok) throw new Error("无法取得登录挑战：" + await refusalText(challengeResponse));
    const { challenge } = await challengeResponse.json();
    const sig = await sign(key, "hwledger/session/v1\n" + challenge + "\n");
    const response = await fetch("/v1/session", {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ principal: key.name, keyId: key.keyId, challenge, sig }),
    });
    if (response.status !== 204) throw new Error("登录被拒绝：" + await refusalText(response));
    return key.name;
  }

  function setup() {
    const form = document.getElementById("signin-form");
    if (form) {
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const status = document.getElementById("signin-status");
        const button = document.getElementById("signin-button");
        button.disabled = true;
        status.className = "status";
        status.textContent = "正在签名……";
        try {
          const name = await signIn(document.getElementById("keyfile").files[0]);
          status.textContent = "已登录：" + name;
          window.location.assign(form.dataset.next || "/ui/");
        } catch (e) {
          status.className = "status bad";
          status.textContent = e.message;
          button.disabled = false;
        }
      });
    }
    const signout = document.getElementById("signout");
    if (signout) {
      signout.addEventListener("click", async () => {
        await fetch("/v1/session", { method: "DELETE", credentials: "same-origin", headers: { "X-HWL-CSRF": signout.dataset.csrf } });
        window.location.assign("/ui/signin");
      });
    }
    const print = document.getElementById("print");
    if (print) print.addEventListener("click", () => window.print());
  }

  document.addEventListener("DOMContentLoaded", setup);
  return { loadKeyFile, sign, errorText, refusalText, base64ToBytes, bytesToBase64 };
})();
