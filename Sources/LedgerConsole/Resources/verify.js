// The public check page of a printed 联单 (docs/decisions/016). Everything runs here, in the phone's browser, with
// WebCrypto (SHA-256, Ed25519) and DecompressionStream: the entries come from the URL fragment, which is never sent
// to a server; the page fetches only receipts by entry index (/v1/receipts/I), and a bucket of manifest heads by a
// 3-hex-digit prefix. The verifier keys are pinned in the page (#pins). No code from another host, no sign-in.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const pins = JSON.parse($("pins").textContent);
  const utf8 = new TextEncoder();
  const CHUNK_DIGITS = [0, 3, 5, 8, 10, 13, 15, 17];
  const STEP = {
    "manifest.filed": "填报联单", "manifest.pickedUp": "起运", "manifest.handedOver": "交接", "manifest.received": "接收",
    "manifest.rejected": "拒收", "manifest.cancelled": "作废", "manifest.correction.proposed": "提出更正",
    "manifest.correction.approved": "同意更正",
  };
  const ACT_TIME = ["pickedUpAt", "handedOverAt", "deliveredAt"];

  /// A check that failed, with the sentence the page shows after "无法核验：".
  class Unverifiable extends Error {}

  const checks = [];
  function note(ok, text) {
    checks.push({ ok, text });
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }
  const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  function unbase64(s) {
    const bin = atob(s);
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  }
  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }
  async function ed25519(publicKey, signature, message) {
    try {
      const key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
      return await crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
    } catch (e) {
      return false;
    }
  }

  // --- The fragment ---

  /// Decimal digits back to bytes: 17 digits per 7 bytes, a shorter last chunk as CHUNK_DIGITS says.
  function digitsToBytes(s) {
    if (!/^[0-9]+$/.test(s)) throw new Unverifiable("二维码内容不是本台账的核验格式");
    const out = [];
    for (let i = 0; i < s.length;) {
      const rest = s.length - i;
      const n = rest >= 17 ? 17 : rest;
      const k = CHUNK_DIGITS.indexOf(n);
      if (k <= 0) throw new Unverifiable("二维码内容不完整（长度不对）");
      let v = BigInt(s.slice(i, i + n));
      if (v >> BigInt(8 * k) !== 0n) throw new Unverifiable("二维码内容不完整（数值越界）");
      const chunk = new Array(k);
      for (let j = k - 1; j >= 0; j--) { chunk[j] = Number(v & 0xffn); v >>= 8n; }
      out.push(...chunk);
      i += n;
    }
    return new Uint8Array(out);
  }

  /// Raw DEFLATE with a preset dictionary: DecompressionStream takes none, so the dictionary goes in front as a
  /// stored (uncompressed, non-final) block and is cut off the output.
  async function inflate(data, dict) {
    const n = dict.length;
    const stored = concat(new Uint8Array([0x00, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff]), dict);
    const stream = new Blob([stored, data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    const out = new Uint8Array(await new Response(stream).arrayBuffer());
    return out.subarray(n);
  }

  async function decodeFragment(fragment) {
    const blob = digitsToBytes(fragment);
    if (blob[0] === 0x01) {
      const dict = new Uint8Array(await (await fetch("/ui/v/assets/verify-dictionary.txt")).arrayBuffer());
      let text;
      try { text = await inflate(blob.subarray(1), dict); } catch (e) { throw new Unverifiable("二维码内容无法解压"); }
      const entries = [];
      let start = 0;
      for (let i = 0; i <= text.length; i++) {
        if (i === text.length || text[i] === 0x0a) { entries.push(text.slice(start, i)); start = i + 1; }
      }
      return { kind: 1, entries };
    }
    if (blob[0] === 0x02) {
      const no = new TextDecoder().decode(blob.subarray(1, 15));
      const items = [];
      let at = 15;
      while (at < blob.length) {
        let index = 0, scale = 1, b;
        do { b = blob[at++]; index += (b & 0x7f) * scale; scale *= 128; } while (b & 0x80);
        items.push({ index, leaf: blob.slice(at, at + 32) });
        at += 32;
      }
      return { kind: 2, no, items };
    }
    throw new Unverifiable("二维码内容的格式版本未知");
  }

  // --- Keys, notes, proofs ---

  /// A verifier key string name+keyid+base64(type ‖ key), its key id recomputed.
  async function parseKey(text, type) {
    const a = text.indexOf("+"), b = text.indexOf("+", a + 1);
    const name = text.slice(0, a), id = text.slice(a + 1, b), b64 = text.slice(b + 1);
    const raw = unbase64(b64);
    if (raw[0] !== type || raw.length !== 33) throw new Error("bad pinned key");
    const computed = (await sha256(concat(utf8.encode(name), new Uint8Array([0x0a, type]), raw.subarray(1)))).subarray(0, 4);
    if (hex(computed) !== id) throw new Error("pinned key id does not match");
    return { name, keyId: computed, publicKey: raw.subarray(1) };
  }

  function parseReceipt(text) {
    const blank = text.indexOf("\n\n");
    if (blank < 0) throw new Unverifiable("收据格式错误");
    const head = text.slice(0, blank).split("\n");
    if (head[0] !== "c2sp.org/tlog-proof@v1") throw new Unverifiable("收据格式错误");
    let i = 1;
    if (head[i] && head[i].startsWith("extra ")) i++;
    if (!head[i] || !head[i].startsWith("index ")) throw new Unverifiable("收据格式错误");
    const index = Number(head[i].slice(6));
    const proof = head.slice(i + 1).map(unbase64);
    const note = text.slice(blank + 2);
    const sep = note.lastIndexOf("\n\n");
    const body = note.slice(0, sep + 1);
    const lines = body.split("\n");
    const signatures = note.slice(sep + 2).split("\n").filter((l) => l).map((l) => {
      if (!l.startsWith("\u2014 ")) throw new Unverifiable("检查点签名行格式错误");
      const [name, b64] = l.slice(2).split(" ");
      const raw = unbase64(b64);
      return { name, keyId: raw.subarray(0, 4), sig: raw.subarray(4) };
    });
    return { index, proof, body, origin: lines[0], size: Number(lines[1]), root: unbase64(lines[2]), signatures };
  }

  async function node(left, right) {
    return sha256(concat(new Uint8Array([0x01]), left, right));
  }

  /// RFC 9162 §2.1.3.2: the root the inclusion proof gives for `leaf` at `index` in a tree of `size`.
  async function inclusionRoot(index, size, leaf, proof) {
    if (index >= size) return null;
    let fn = index, sn = size - 1, r = leaf;
    for (const p of proof) {
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await node(p, r);
        if (fn % 2 === 0) { while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } }
      } else {
        r = await node(r, p);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  /// The checkpoint's operator signature and witness cosignatures: {cosigners, missing}; throws Unverifiable.
  async function checkCheckpoint(receipt, operatorKeys, witnessKeys) {
    if (receipt.origin !== pins.origin) throw new Unverifiable("收据来自另一个台账（" + receipt.origin + "）");
    const text = utf8.encode(receipt.body);
    let operatorOK = false;
    for (const s of receipt.signatures) {
      const key = operatorKeys.find((k) => k.name === s.name && equal(k.keyId, s.keyId));
      if (!key) continue;
      if (s.sig.length !== 64 || !(await ed25519(key.publicKey, s.sig, text))) throw new Unverifiable("检查点的运营方签名无效");
      operatorOK = true;
    }
    if (!operatorOK) throw new Unverifiable("检查点没有本页固定的运营方公钥的签名");
    const cosigners = [];
    for (const w of witnessKeys) {
      const line = receipt.signatures.find((s) => s.name === w.name && equal(s.keyId, w.keyId));
      if (!line) continue;
      if (line.sig.length !== 72) throw new Unverifiable(w.label + "的见证副署格式错误");
      let t = 0n;
      for (const b of line.sig.subarray(0, 8)) t = (t << 8n) | BigInt(b);
      const message = concat(utf8.encode("cosignature/v1\ntime " + t.toString() + "\n"), text);
      if (!(await ed25519(w.publicKey, line.sig.subarray(8), message))) throw new Unverifiable(w.label + "的见证副署无效");
      cosigners.push(w.label);
    }
    return { cosigners, missing: witnessKeys.map((w) => w.label).filter((l) => !cosigners.includes(l)) };
  }

  /// The receipt of entry `index`: /v1/receipts/I, or while the witnesses' quorum is not reached (503), the proof
  /// against the latest operator-signed checkpoint (weaker).
  async function fetchReceipt(index) {
    let r;
    try { r = await fetch("/v1/receipts/" + index, { cache: "no-store" }); } catch (e) { throw new Unverifiable("无法连接台账服务器"); }
    if (r.status === 200) return { text: await r.text(), awaiting: false };
    if (r.status === 503) {
      const p = await fetch("/ui/v/pending/" + index, { cache: "no-store" });
      if (p.status === 200) return { text: await p.text(), awaiting: true };
    }
    if (r.status === 404) throw new Unverifiable("台账中没有条目 " + index + "（或尚未签入检查点）");
    throw new Unverifiable("台账服务器未给出条目 " + index + " 的收据（HTTP " + r.status + "）");
  }

  // --- Display ---

  function beijing(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return iso;
    return new Date(d.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 16).replace("T", " ");
  }
  function tonnes(grams) {
    const g = BigInt(grams);
    let frac = (g % 1000000n).toString().padStart(6, "0");
    while (frac.length > 3 && frac.endsWith("0")) frac = frac.slice(0, -1);
    return (g / 1000000n).toString() + "." + frac;
  }
  const partyName = (id) => (pins.parties[id] && pins.parties[id].name) || id;
  function named(id) {
    const span = document.createElement("span");
    const b = document.createElement("strong");
    b.textContent = partyName(id);
    const small = document.createElement("span");
    small.className = "id";
    small.textContent = " " + id;
    span.append(b, small);
    return span;
  }

  /// "办理此联单": the 联单编号 is only in the fragment, so the link to its steps page is made here. Following it is the
  /// visitor's choice (a signed-in carrier or receiver at the gate); the page itself never sends the number.
  function actLink(no) {
    if (!/^\d{14}$/.test(no)) return;
    $("qv-act").href = "/ui/manifests/" + no + "/steps";
    $("qv-act-box").hidden = false;
  }

  function show(entries) {
    const filed = entries[0].submission;
    const body = filed.body;
    $("qv-no").textContent = entries[0].assigned.manifestNo;
    actLink(entries[0].assigned.manifestNo);
    $("qv-generator").append(named(body.generator));
    body.carriers.forEach((c, i) => { if (i) $("qv-carriers").append("、"); $("qv-carriers").append(named(c)); });
    $("qv-receiver").append(named(body.receiver));
    const received = entries.filter((e) => e.submission.type === "manifest.received").map((e) => e.submission.body).pop();
    const tbody = $("qv-lines").querySelector("tbody");
    body.lines.forEach((l, i) => {
      const tr = document.createElement("tr");
      let t = tonnes(l.grams);
      const r = received && received.lines.find((x) => x.line === i + 1);
      if (r) t += "（实收 " + tonnes(r.grams) + "）";
      for (const [text, cls] of [[l.wasteCode, ""], [l.name, ""], [t, "num"]]) {
        const td = document.createElement("td");
        td.textContent = text;
        if (cls) td.className = cls;
        tr.append(td);
      }
      tbody.append(tr);
    });
    for (const e of entries) {
      const s = e.submission;
      const li = document.createElement("li");
      const at = ACT_TIME.map((k) => s.body[k]).find((v) => v) || e.time;
      const what = document.createElement("strong");
      what.textContent = (STEP[s.type] || s.type) + " ";
      const when = document.createElement("span");
      when.className = "qv-time";
      when.textContent = beijing(at);
      li.append(what, when, document.createElement("br"), "签署：", named(s.actor));
      if (s.body.vehiclePlate) li.append("　车牌 " + s.body.vehiclePlate);
      $("qv-steps").append(li);
    }
    $("manifest").hidden = false;
  }

  function verdict(kind, text, detail) {
    const v = $("verdict");
    v.className = "qv-verdict " + kind;
    v.textContent = text;
    $("verdict-detail").textContent = detail || "";
    const list = $("qv-checks");
    for (const c of checks) {
      const li = document.createElement("li");
      li.className = c.ok ? "ok" : "bad";
      li.textContent = (c.ok ? "✓ " : "✗ ") + c.text;
      list.append(li);
    }
    document.body.dataset.verdict = kind;
    document.body.dataset.ms = String(Math.round(performance.now()));
  }

  // --- The check ---

  async function run() {
    const fragment = location.hash.slice(1);
    if (!fragment) throw new Unverifiable("地址中没有联单内容（请扫描联单上的二维码）");
    const decoded = await decodeFragment(fragment);
    const operatorKeys = await Promise.all(pins.operatorKeys.map((k) => parseKey(k, 0x01)));
    const witnessKeys = await Promise.all(pins.witnesses.map(async (w) => Object.assign(await parseKey(w.key, 0x04), { label: w.name })));
    let items, entries = null;
    if (decoded.kind === 1) {
      entries = [];
      items = [];
      for (const bytes of decoded.entries) {
        let e;
        try { e = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)); } catch (x) { throw new Unverifiable("二维码中的条目不是有效的 JSON"); }
        const canonical = HWLCanonical.encode(e);
        if (!equal(canonical, bytes)) throw new Unverifiable("二维码中的条目不是规范 JSON");
        entries.push(e);
        items.push({ index: e.index, leaf: await sha256(concat(new Uint8Array([0x00]), bytes)) });
      }
      const first = entries[0];
      if (!first || first.submission.type !== "manifest.filed" || !first.assigned || !first.assigned.manifestNo) {
        throw new Unverifiable("二维码中第一个条目不是联单填报");
      }
      const no = first.assigned.manifestNo;
      for (const e of entries.slice(1)) {
        if (e.submission.body.manifestNo !== no) throw new Unverifiable("二维码中的条目 " + e.index + " 属于另一张联单");
      }
      show(entries);
    } else {
      items = decoded.items;
      $("qv-no").textContent = decoded.no;
      actLink(decoded.no);
      $("manifest").hidden = false;
      note(true, "二维码只含条目哈希：联单内容仅对登录的相关方显示（/ui/manifests/" + decoded.no + "）");
    }

    // Receipts by index only, each proof and checkpoint checked here.
    let weakest = null;
    for (const item of items) {
      const got = await fetchReceipt(item.index);
      const receipt = parseReceipt(got.text);
      if (receipt.index !== item.index) throw new Unverifiable("收据的条目序号与二维码不符");
      const { cosigners, missing } = await checkCheckpoint(receipt, operatorKeys, witnessKeys);
      if (!got.awaiting && cosigners.length < pins.quorum) {
        throw new Unverifiable("见证人副署不足（" + cosigners.length + "/" + pins.quorum + "，缺" + missing.join("、") + "）");
      }
      if (got.awaiting) weakest = { cosigners, missing };
      const root = await inclusionRoot(item.index, receipt.size, item.leaf, receipt.proof);
      if (!root || !equal(root, receipt.root)) {
        throw new Unverifiable("条目 " + item.index + " 的内容与台账记录不符（哈希不在台账的默克尔树中）");
      }
      note(true, "条目 " + item.index + " 在台账中（检查点 " + receipt.size + "，运营方签名有效" +
        (pins.witnesses.length ? "，见证副署 " + cosigners.length + "/" + pins.quorum + (cosigners.length ? "：" + cosigners.join("、") : "") : "") + "）");
    }

    // Each step's party signature, with the key the register held at that index.
    if (entries) {
      for (const e of entries) {
        const s = e.submission;
        const keys = (pins.parties[s.actor] && pins.parties[s.actor].keys) || [];
        const k = keys.find(([id, , added, revoked]) => id === s.keyId && added < e.index && (revoked === null || e.index < revoked));
        const label = (STEP[s.type] || s.type) + "（条目 " + e.index + "）";
        if (!k) throw new Unverifiable(label + "的签署方 " + partyName(s.actor) + " 没有密钥 " + s.keyId);
        const message = concat(utf8.encode("hwledger/submission/v1\n"), HWLCanonical.encode(s));
        if (!(await ed25519(unbase64(k[1]), unbase64(e.sig), message))) {
          throw new Unverifiable(label + "的签名与 " + partyName(s.actor) + " 的公钥不符");
        }
        note(true, label + "由 " + partyName(s.actor) + " 签署，签名有效");
      }
    }

    // Has the manifest moved on since printing? The bucket of heads under the head key's first 3 hex digits.
    let newer = false;
    const filedLeaf = items[0].leaf;
    const headKey = hex(await sha256(concat(utf8.encode("hwledger/manifest-head/v1\n"), filedLeaf)));
    const hr = await fetch("/ui/v/heads/" + headKey.slice(0, 3), { cache: "no-store" });
    if (hr.status === 200) {
      const line = (await hr.text()).split("\n").find((l) => l.startsWith(headKey + " "));
      const latest = line ? Number(line.split(" ")[1]) : -1;
      const printed = Math.max(...items.map((i) => i.index));
      newer = latest > printed;
      note(!newer, newer ? "台账中本联单的最新条目为 " + latest + "，晚于打印时的条目 " + printed : "打印后台账中没有本联单的新条目");
    } else {
      note(false, "无法查询本联单是否有更新的记录（HTTP " + hr.status + "）");
    }

    if (newer) {
      verdict("newer", "台账中有更新的记录", "打印内容与台账一致，但此后还有新的步骤或更正；请向相关方索取最新联单。");
    } else if (weakest) {
      verdict("weak", "与台账一致（仅运营方签名）",
        "见证人副署尚未达到法定数量（" + weakest.cosigners.length + "/" + pins.quorum + "），本结果仅凭运营方签名，证明力较弱。");
    } else {
      verdict("ok", "与台账一致", pins.witnesses.length ? "运营方签名与 " + pins.quorum + " 个见证人副署均有效。" : "运营方签名有效（本台账未设见证人）。");
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    run().catch((e) => {
      const reason = e instanceof Unverifiable ? e.message : "页面出错：" + e.message;
      note(false, reason);
      verdict("bad", "无法核验：" + reason);
    });
  });
})();
