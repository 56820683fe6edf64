/// A JSON document restricted to what hwledger signs: no floats, integers with |n| < 2^53.
///
/// Objects keep their members in a dictionary; order is imposed only when encoding (byte order of keys).
/// Equality and hashing compare the canonical bytes, so two values are equal exactly when they encode to the same
/// bytes: `"\u{E9}"` and `"e\u{301}"` are different values here, although Swift's `String` calls them equal.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        CanonicalJSON.encode(a) == CanonicalJSON.encode(b)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(CanonicalJSON.encode(self))
    }

    /// The largest magnitude an integer may have (exclusive): 2^53.
    public static let integerLimit: Int64 = 1 << 53

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var intValue: Int64? {
        if case .int(let n) = self { return n }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// Checks what the decoder guarantees for parsed input, for values built in code: integers with |n| < 2^53 and
    /// nesting of at most ``CanonicalJSON/maxDepth``.
    ///
    /// - Throws: ``LedgerError/malformedSubmission(_:)`` naming the path of the first offending value.
    public func checkLimits(path: String = "$", depth: Int = 0) throws(LedgerError) {
        switch self {
        case .int(let n):
            guard n.magnitude < UInt64(Self.integerLimit) else {
                throw .malformedSubmission("\(path): integer \(n) is outside ±2^53")
            }
        case .array(let items):
            guard depth < CanonicalJSON.maxDepth else { throw .malformedSubmission("\(path): nesting deeper than \(CanonicalJSON.maxDepth)") }
            for (i, item) in items.enumerated() { try item.checkLimits(path: "\(path)[\(i)]", depth: depth + 1) }
        case .object(let members):
            guard depth < CanonicalJSON.maxDepth else { throw .malformedSubmission("\(path): nesting deeper than \(CanonicalJSON.maxDepth)") }
            for (key, value) in members { try value.checkLimits(path: "\(path).\(key)", depth: depth + 1) }
        case .null, .bool, .string: break
        }
    }

    /// A short name of the value's JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
