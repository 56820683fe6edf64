// The browser's canonical JSON encoder (SPEC §3.1): the bytes the page signs. It must give exactly the bytes of the
// Swift encoder (LedgerCore CanonicalJSON) on every vector of fixtures/canonical/vectors.json; the browser test checks
// that in the same CI run as the Swift test.
//
// UTF-8; no whitespace; object keys sorted by byte order (keys must be ASCII, so UTF-16 order and byte order agree);
// integers only, |n| < 2^53; strings escape only `"`, `\` and U+0000–U+001F (\b \f \n \r \t, others \u00xx in lower
// case); U+007F, C1 controls and all other text raw; a lone surrogate is refused; at most 32 levels of nesting (the
// ledger's parser refuses deeper ones). No framework, nothing from another host.
"use strict";

const HWLCanonical = (() => {
  const MAX_DEPTH = 32;
  const SHORT = { 0x08: "\\b", 0x0c: "\\f", 0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t", 0x22: "\\\"", 0x5c: "\\\\" };
  const HEX = "0123456789abcdef";

  class CanonicalError extends Error {
    constructor(path, reason) {
      super((path || "值") + "：" + reason);
      this.name = "CanonicalError";
      this.path = path;
    }
  }

  function string(s, path) {
    let out = "\"";
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) {
        const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if (!(next >= 0xdc00 && next <= 0xdfff)) throw new CanonicalError(path, "文本含有不成对的代理字符（不是有效的 Unicode）");
        out += s[i] + s[i + 1];
        i++;
      } else if (c >= 0xdc00 && c <= 0xdfff) {
        throw new CanonicalError(path, "文本含有不成对的代理字符（不是有效的 Unicode）");
      } else if (SHORT[c] !== undefined) {
        out += SHORT[c];
      } else if (c < 0x20) {
        out += "\\u00" + HEX[c >> 4] + HEX[c & 0xf];
      } else {
        out += s[i];
      }
    }
    return out + "\"";
  }

  function isPlainObject(v) {
    const proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null;
  }

  function write(v, path, depth) {
    if (v === null) return "null";
    if (v === true) return "true";
    if (v === false) return "false";
    if (typeof v === "number") {
      if (!Number.isSafeInteger(v)) throw new CanonicalError(path, "只允许绝对值小于 2^53 的整数，不是 " + String(v));
      return String(v === 0 ? 0 : v);
    }
    if (typeof v === "bigint") {
      if (v >= 9007199254740992n || v <= -9007199254740992n) throw new CanonicalError(path, "整数的绝对值须小于 2^53");
      return v.toString();
    }
    if (typeof v === "string") return string(v, path);
    if (typeof v !== "object") throw new CanonicalError(path, "不能编码 " + typeof v + " 类型的值");
    if (depth >= MAX_DEPTH) throw new CanonicalError(path, "嵌套超过 " + MAX_DEPTH + " 层");
    if (Array.isArray(v)) {
      return "[" + v.map((item, i) => write(item, path + "[" + i + "]", depth + 1)).join(",") + "]";
    }
    if (!isPlainObject(v)) throw new CanonicalError(path, "只能编码普通对象");
    const keys = Object.keys(v);
    for (const k of keys) {
      if (!/^[\x00-\x7f]*$/.test(k)) throw new CanonicalError(path, "字段名须为 ASCII：" + k);
      if (v[k] === undefined) throw new CanonicalError(path ? path + "." + k : k, "缺少值");
    }
    // ASCII keys: UTF-16 code-unit order is byte order.
    keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return "{" + keys.map((k) => string(k, path) + ":" + write(v[k], path ? path + "." + k : k, depth + 1)).join(",") + "}";
  }

  /// The canonical text of `value`; throws CanonicalError naming the offending field.
  function text(value) {
    return write(value, "", 0);
  }

  /// The canonical UTF-8 bytes of `value`.
  function encode(value) {
    return new TextEncoder().encode(text(value));
  }

  return { encode, text, CanonicalError, MAX_DEPTH };
})();
