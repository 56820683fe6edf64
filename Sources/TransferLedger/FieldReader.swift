import LedgerCore
import TransferRules

/// Reads one JSON object field by field for a typed event, turning every shape problem into R-SCHEMA with the
/// field's path. ``finish()`` rejects any field that was not read (unknown fields are R-SCHEMA, SPEC §5).
struct FieldReader {
    let path: String
    let members: [String: JSONValue]
    private var seen: Set<String> = []

    init(_ value: JSONValue, path: String) throws(RuleViolation) {
        guard case .object(let o) = value else {
            throw RuleViolation(.schema, "\(path) must be an object, got \(value.typeName)")
        }
        self.path = path
        self.members = o
    }

    func fail(_ field: String, _ problem: String) -> RuleViolation {
        RuleViolation(.schema, "\(path).\(field) \(problem)")
    }

    mutating func value(_ field: String) throws(RuleViolation) -> JSONValue {
        seen.insert(field)
        guard let v = members[field] else { throw fail(field, "is missing") }
        return v
    }

    mutating func optionalValue(_ field: String) -> JSONValue? {
        seen.insert(field)
        return members[field]
    }

    mutating func string(_ field: String) throws(RuleViolation) -> String {
        let v = try value(field)
        guard case .string(let s) = v else { throw fail(field, "must be a string, got \(v.typeName)") }
        guard !s.isEmpty else { throw fail(field, "must not be empty") }
        return s
    }

    mutating func optionalString(_ field: String) throws(RuleViolation) -> String? {
        guard let v = optionalValue(field) else { return nil }
        guard case .string(let s) = v, !s.isEmpty else { throw fail(field, "must be a non-empty string") }
        return s
    }

    mutating func int(_ field: String, min: Int64 = 0) throws(RuleViolation) -> Int64 {
        let v = try value(field)
        guard case .int(let n) = v else { throw fail(field, "must be an integer, got \(v.typeName)") }
        guard n >= min else { throw fail(field, "must be at least \(min), got \(n)") }
        return n
    }

    mutating func optionalInt(_ field: String, min: Int64 = 0) throws(RuleViolation) -> Int64? {
        guard members[field] != nil else {
            seen.insert(field)
            return nil
        }
        return try int(field, min: min)
    }

    mutating func bool(_ field: String) throws(RuleViolation) -> Bool {
        let v = try value(field)
        guard case .bool(let b) = v else { throw fail(field, "must be true or false, got \(v.typeName)") }
        return b
    }

    mutating func array(_ field: String, nonEmpty: Bool = true) throws(RuleViolation) -> [JSONValue] {
        let v = try value(field)
        guard case .array(let a) = v else { throw fail(field, "must be an array, got \(v.typeName)") }
        if nonEmpty, a.isEmpty { throw fail(field, "must not be empty") }
        return a
    }

    mutating func stringArray(_ field: String, nonEmpty: Bool = true) throws(RuleViolation) -> [String] {
        var out: [String] = []
        for (i, item) in try array(field, nonEmpty: nonEmpty).enumerated() {
            guard case .string(let s) = item, !s.isEmpty else { throw fail("\(field)[\(i)]", "must be a non-empty string") }
            out.append(s)
        }
        return out
    }

    mutating func date(_ field: String) throws(RuleViolation) -> CivilDate {
        let s = try string(field)
        guard let d = CivilDate(s) else { throw fail(field, "must be a date YYYY-MM-DD, got \(s)") }
        return d
    }

    mutating func instant(_ field: String) throws(RuleViolation) -> UTCInstant {
        let s = try string(field)
        guard let t = UTCInstant(s) else { throw fail(field, "must be an RFC 3339 UTC instant like 2025-03-01T08:00:00Z, got \(s)") }
        return t
    }

    /// An enumerated field; an unknown value is R-SCHEMA naming every allowed value with its Chinese word.
    mutating func enumeration<E: ChoiceLabelled>(_ field: String, _ type: E.Type) throws(RuleViolation) -> E {
        let s = try string(field)
        guard let e = E(rawValue: s) else {
            let zh = E.allCases.map { "\($0.rawValue)（\($0.labelZh)）" }.joined(separator: "、")
            throw RuleViolation(
                .schema, "\(path).\(field) is \(s), not one of the allowed values \(E.allowedText)",
                sentenceZh: "\(path).\(field) 的取值 \(s) 不在允许范围内，应为 \(zh) 之一")
        }
        return e
    }

    /// Rejects fields that were never read.
    func finish() throws(RuleViolation) {
        for key in members.keys.sorted() where !seen.contains(key) {
            throw RuleViolation(.schema, "\(path).\(key) is not a known field")
        }
    }
}
