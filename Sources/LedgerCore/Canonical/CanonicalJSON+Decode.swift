extension CanonicalJSON {
    /// The deepest nesting of arrays and objects accepted.
    public static let maxDepth = 32

    /// Parses `bytes` as one JSON document of the restricted kind hwledger accepts.
    ///
    /// Rejects: invalid UTF-8, syntax errors, trailing data, duplicate object keys, non-ASCII object keys,
    /// numbers with a fraction or exponent, integers with |n| ≥ 2^53, lone surrogate escapes and nesting deeper
    /// than ``maxDepth``. The input need not be canonical; re-encode it to get the canonical bytes.
    ///
    /// - Throws: ``LedgerError/malformedJSON(_:)`` naming the byte offset and the reason.
    public static func decode(_ bytes: some Collection<UInt8>) throws(LedgerError) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(LedgerError) -> JSONValue in
            var parser = Parser(bytes: buffer)
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            if parser.position != buffer.count {
                throw parser.failure("unexpected data after the JSON value")
            }
            return value
        }
    }

    /// Parses UTF-8 text; see ``decode(_:)-swift.type.method``.
    public static func decode(_ text: String) throws(LedgerError) -> JSONValue {
        try decode(Array(text.utf8))
    }

    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func failure(_ reason: String) -> LedgerError {
            .malformedJSON("\(reason) at byte \(position)")
        }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func expect(_ literal: StaticString, value: JSONValue) throws(LedgerError) -> JSONValue {
            let count = literal.utf8CodeUnitCount
            guard position + count <= bytes.count else { throw failure("truncated literal") }
            let start = literal.utf8Start
            for i in 0..<count where bytes[position + i] != start[i] {
                throw failure("invalid literal")
            }
            position += count
            return value
        }

        mutating func parseValue(depth: Int) throws(LedgerError) -> JSONValue {
            guard position < bytes.count else { throw failure("unexpected end of input") }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): return try expect("true", value: .bool(true))
            case UInt8(ascii: "f"): return try expect("false", value: .bool(false))
            case UInt8(ascii: "n"): return try expect("null", value: .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .int(try parseInteger())
            default: throw failure("unexpected character")
            }
        }

        mutating func parseObject(depth: Int) throws(LedgerError) -> JSONValue {
            guard depth <= CanonicalJSON.maxDepth else { throw failure("nesting deeper than \(CanonicalJSON.maxDepth)") }
            position += 1
            var members: [String: JSONValue] = [:]
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw failure("expected an object key")
                }
                let keyStart = position
                let key = try parseString()
                guard key.utf8.allSatisfy({ $0 < 0x80 }) else {
                    position = keyStart
                    throw failure("object key \"\(key)\" is not ASCII")
                }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw failure("expected ':'") }
                position += 1
                skipWhitespace()
                let value = try parseValue(depth: depth)
                if members.updateValue(value, forKey: key) != nil {
                    position = keyStart
                    throw failure("duplicate key \"\(key)\"")
                }
                skipWhitespace()
                guard position < bytes.count else { throw failure("unexpected end of input in object") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                if bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .object(members)
                }
                throw failure("expected ',' or '}'")
            }
        }

        mutating func parseArray(depth: Int) throws(LedgerError) -> JSONValue {
            guard depth <= CanonicalJSON.maxDepth else { throw failure("nesting deeper than \(CanonicalJSON.maxDepth)") }
            position += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(items)
            }
            while true {
                skipWhitespace()
                items.append(try parseValue(depth: depth))
                skipWhitespace()
                guard position < bytes.count else { throw failure("unexpected end of input in array") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                if bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(items)
                }
                throw failure("expected ',' or ']'")
            }
        }

        mutating func parseInteger() throws(LedgerError) -> Int64 {
            let start = position
            var negative = false
            if bytes[position] == UInt8(ascii: "-") {
                negative = true
                position += 1
            }
            guard position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) else {
                throw failure("invalid number")
            }
            if bytes[position] == UInt8(ascii: "0"), position + 1 < bytes.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position + 1])
            {
                throw failure("leading zero in number")
            }
            var magnitude: Int64 = 0
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                magnitude = magnitude * 10 + Int64(bytes[position] - UInt8(ascii: "0"))
                position += 1
                if magnitude >= JSONValue.integerLimit {
                    position = start
                    throw failure("integer magnitude must be below 2^53")
                }
            }
            if position < bytes.count,
                [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[position])
            {
                position = start
                throw failure("numbers must be integers (no fraction or exponent)")
            }
            return negative ? -magnitude : magnitude
        }

        mutating func parseHex4() throws(LedgerError) -> UInt32 {
            guard position + 4 <= bytes.count else { throw failure("truncated \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[position]
                let digit: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
                default: throw failure("invalid hex digit in \\u escape")
                }
                value = value << 4 | digit
                position += 1
            }
            return value
        }

        mutating func parseString() throws(LedgerError) -> String {
            position += 1  // opening quote
            var runStart = position
            var out: [UInt8] = []
            while true {
                guard position < bytes.count else { throw failure("unterminated string") }
                let c = bytes[position]
                if c == UInt8(ascii: "\"") {
                    out.append(contentsOf: bytes[runStart..<position])
                    position += 1
                    break
                }
                if c < 0x20 { throw failure("unescaped control character in string") }
                if c == UInt8(ascii: "\\") {
                    out.append(contentsOf: bytes[runStart..<position])
                    position += 1
                    guard position < bytes.count else { throw failure("unterminated escape") }
                    let e = bytes[position]
                    position += 1
                    switch e {
                    case UInt8(ascii: "\""): out.append(0x22)
                    case UInt8(ascii: "\\"): out.append(0x5C)
                    case UInt8(ascii: "/"): out.append(0x2F)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = try parseHex4()
                        if (0xD800...0xDBFF).contains(code) {
                            guard position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"),
                                bytes[position + 1] == UInt8(ascii: "u")
                            else { throw failure("lone surrogate escape") }
                            position += 2
                            let low = try parseHex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw failure("lone surrogate escape") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(code) {
                            throw failure("lone surrogate escape")
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw failure("invalid \\u escape") }
                        out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    default: throw failure("invalid escape")
                    }
                    runStart = position
                    continue
                }
                if c < 0x80 {
                    position += 1
                    continue
                }
                // Validate one UTF-8 sequence (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF).
                let length: Int
                var lower: UInt8 = 0x80
                var upper: UInt8 = 0xBF
                switch c {
                case 0xC2...0xDF: length = 2
                case 0xE0: length = 3; lower = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: length = 3
                case 0xED: length = 3; upper = 0x9F
                case 0xF0: length = 4; lower = 0x90
                case 0xF1...0xF3: length = 4
                case 0xF4: length = 4; upper = 0x8F
                default: throw failure("invalid UTF-8")
                }
                guard position + length <= bytes.count else { throw failure("truncated UTF-8 sequence") }
                let second = bytes[position + 1]
                guard second >= lower, second <= upper else { throw failure("invalid UTF-8") }
                for i in 2..<max(length, 2) where !(0x80...0xBF).contains(bytes[position + i]) {
                    throw failure("invalid UTF-8")
                }
                position += length
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
