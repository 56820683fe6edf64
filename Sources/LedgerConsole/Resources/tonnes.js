// Tonnes as people type them → integer grams, exactly (string arithmetic, never floating point), and back.
// The forms take 吨 with up to 3 decimals (1 g … 999,999,999.999 t); the ledger holds grams (SPEC §1).
"use strict";

const HWLTonnes = (() => {
  /// Grams of `text` (e.g. "12.345" → 12345000). `allowZero` for received or rejected quantities.
  /// Throws an Error whose message says, in Chinese, what is wrong and what is expected.
  function toGrams(text, { allowZero = false } = {}) {
    const t = String(text == null ? "" : text).trim();
    if (t === "") throw new Error("请填写数量（吨）");
    if (/^[-−－]/.test(t)) throw new Error("数量不能为负数：" + t);
    if (t.startsWith("+")) throw new Error("数量请直接写数字，不带正号：" + t);
    const m = /^(\d+)(?:\.(\d+))?$/.exec(t);
    if (!m) throw new Error("数量须为以吨计的数字，最多 3 位小数（例：12.345），不是 " + t);
    const [, whole, frac = ""] = m;
    if (frac.length > 3) throw new Error("数量最多 3 位小数（即精确到千克），" + t + " 有 " + frac.length + " 位");
    const digits = whole.replace(/^0+(?=\d)/, "");
    if (digits.length > 9) throw new Error("数量过大：" + t + " 吨");
    // grams = whole × 1,000,000 + frac × 1,000, written as digits: exact below 2^53.
    const grams = Number(digits + frac.padEnd(3, "0") + "000");
    if (grams === 0 && !allowZero) throw new Error("数量须大于 0");
    return grams;
  }

  /// "12.345" for 12345000 g: 3 decimals, as the console prints tonnes.
  function fromGrams(grams) {
    if (!Number.isSafeInteger(grams) || grams < 0) throw new Error("不是有效的克数：" + grams);
    const s = String(grams).padStart(7, "0");
    const whole = s.slice(0, -6).replace(/^0+(?=\d)/, "");
    const frac = s.slice(-6);
    return frac.slice(3) === "000" ? whole + "." + frac.slice(0, 3) : whole + "." + frac.replace(/0+$/, "");
  }

  return { toGrams, fromGrams };
})();
