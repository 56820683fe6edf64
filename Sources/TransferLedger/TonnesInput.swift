import LedgerCore
import TransferRules

/// Quantities as clerks write them (issue 18): in an event file a mass may be given in tonnes, as a decimal string —
/// `"tonnes":"240.000"` for `grams`, `"capTonnes":"20"` for `capGrams`, `"rejectedTonnes":"0.2"` for `rejectedGrams` —
/// and is converted exactly (up to 6 decimals, 1 t = 1,000,000 g) before the event is signed. What is signed and
/// appended is always SPEC §5's integer grams; `grams` fields stay accepted as they are, for machines.
public enum TonnesInput {
    /// `tonnes` → `grams`, `xxxTonnes` → `xxxGrams`, at any depth of `body`.
    ///
    /// - Throws: R-SCHEMA naming the field when a tonnes value is not a decimal string with at most 6 decimals, or
    ///   when both spellings of one quantity are given.
    public static func convert(_ body: [String: JSONValue], path: String = "body") throws(RuleViolation) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (key, value) in body {
            let field = "\(path).\(key)"
            if let gramsKey = gramsField(for: key) {
                guard body[gramsKey] == nil else {
                    throw RuleViolation(.schema, "\(field) and \(path).\(gramsKey) give the same quantity twice: keep one", sentenceZh: "同一数量不能同时以吨和克填写")
                }
                guard case .string(let text) = value, let grams = Mass.grams(fromTonnes: text) else {
                    throw RuleViolation(
                        .schema, "\(field) must be tonnes as a decimal string with at most 6 decimals, like \"240.000\", got \(value.canonicalString.prefix(40))",
                        sentenceZh: "数量（吨）须写成最多 6 位小数的数字字符串，例如 \"240.000\"")
                }
                out[gramsKey] = .int(grams)
                continue
            }
            out[key] = try convert(value, path: field)
        }
        return out
    }

    static func convert(_ value: JSONValue, path: String) throws(RuleViolation) -> JSONValue {
        switch value {
        case .object(let o): return .object(try convert(o, path: path))
        case .array(let items):
            var out: [JSONValue] = []
            for (i, item) in items.enumerated() { out.append(try convert(item, path: "\(path)[\(i)]")) }
            return .array(out)
        default: return value
        }
    }

    /// The clerk's form of `value`: every `grams` / `xxxGrams` integer as `tonnes` / `xxxTonnes` with 3 decimals
    /// (`8600000` → `"8.600"`); what `hwledger template` prints.
    public static func tonnesForm(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let o):
            var out: [String: JSONValue] = [:]
            for (key, v) in o {
                if case .int(let grams) = v, let tonnesKey = tonnesField(for: key) {
                    out[tonnesKey] = .string(Mass.tonnes(grams))
                } else {
                    out[key] = tonnesForm(v)
                }
            }
            return .object(out)
        case .array(let items): return .array(items.map(tonnesForm))
        default: return value
        }
    }

    /// `grams` → `tonnes`, `capGrams` → `capTonnes`; nil for other fields.
    public static func tonnesField(for key: String) -> String? {
        if key == "grams" { return "tonnes" }
        guard key.hasSuffix("Grams"), key.count > 5 else { return nil }
        return String(key.dropLast(5)) + "Tonnes"
    }

    /// The grams field a tonnes field stands for: `tonnes` → `grams`, `capTonnes` → `capGrams`; nil for others.
    static func gramsField(for key: String) -> String? {
        if key == "tonnes" { return "grams" }
        guard key.hasSuffix("Tonnes"), key.count > 6 else { return nil }
        return String(key.dropLast(6)) + "Grams"
    }
}
