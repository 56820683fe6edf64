/// The one canonical JSON encoding of hwledger (SPEC §3.1).
///
/// UTF-8, no insignificant whitespace, object keys sorted by byte order, integers only, strings escaping only `"`,
/// `\` and U+0000–U+001F (`\b \f \n \r \t` short forms, others `\u00xx`), everything else raw. The output equals
/// Python's `json.dumps(x, ensure_ascii=False, separators=(",",":"), sort_keys=True)` for the same data.
///
/// Every byte that is signed or hashed comes from here. Foundation's `JSONEncoder` is never used for such bytes.
public enum CanonicalJSON {
    /// Entries of this many bytes or more are refused (R-SCHEMA).
    public static let maxEntryBytes = 65_535

    /// Encodes `value` canonically.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    /// Appends the canonical encoding of `value` to `out`.
    public static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(true): out.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
        case .bool(false): out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        case .int(let n): writeInteger(n, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let items): writeElements(items, into: &out) { write($0, into: &$1) }
        case .object(let members): writeMembers(members, key: \.key, into: &out) { write($0.value, into: &$1) }
        }
    }

    /// The order of an object's keys: by their UTF-8 bytes.
    static func keyPrecedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// Appends an object of `members`, keys (`key`) sorted by ``keyPrecedes(_:_:)``, each value written by `value`:
    /// every object hwledger writes goes through here.
    static func writeMembers<Member>(
        _ members: some Sequence<Member>, key: (Member) -> String, into out: inout [UInt8], _ value: (Member, inout [UInt8]) -> Void
    ) {
        out.append(UInt8(ascii: "{"))
        for (i, member) in members.sorted(by: { keyPrecedes(key($0), key($1)) }).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            writeString(key(member), into: &out)
            out.append(UInt8(ascii: ":"))
            value(member, &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Appends an array of `elements`, each written by `element`: every array hwledger writes goes through here.
    public static func writeElements<S: Sequence>(_ elements: S, into out: inout [UInt8], _ element: (S.Element, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "["))
        for (i, e) in elements.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            element(e, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Appends an object whose member values are written by closures, keys sorted as ``write(_:into:)`` sorts them:
    /// a large document written piece by piece, without its whole tree in memory.
    public static func writeObject(_ members: [(key: String, value: (inout [UInt8]) -> Void)], into out: inout [UInt8]) {
        writeMembers(members, key: \.key, into: &out) { $0.value(&$1) }
    }

    /// Appends an array of `elements`, each written as the value `transform` gives (one element's tree at a time).
    public static func writeArray<S: Sequence>(_ elements: S, into out: inout [UInt8], _ transform: (S.Element) -> JSONValue) {
        writeElements(elements, into: &out) { write(transform($0), into: &$1) }
    }

    static func writeInteger(_ n: Int64, into out: inout [UInt8]) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = n.magnitude
        let start = out.count
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        out[start...].reverse()
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `s` as a JSON string: the runs of bytes that need no escape are copied whole.
    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var run = 0
            for i in bytes.indices {
                let byte = bytes[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
                run = i + 1
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
                case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                default: out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// The canonical bytes of this value.
    public var canonicalBytes: [UInt8] { CanonicalJSON.encode(self) }

    /// The canonical text of this value.
    public var canonicalString: String { String(decoding: CanonicalJSON.encode(self), as: UTF8.self) }
}
