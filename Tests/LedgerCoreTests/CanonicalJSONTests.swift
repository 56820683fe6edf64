import Foundation
import LedgerCore
import Testing

struct EncodeCase: Sendable, CustomTestStringConvertible {
    var desc: String
    var value: JSONValue
    /// Output of Python's json.dumps(x, ensure_ascii=False, separators=(",",":"), sort_keys=True), as hex of UTF-8.
    var pythonHex: String
    var testDescription: String { desc }
}

struct RejectCase: Sendable, CustomTestStringConvertible {
    var desc: String
    var bytes: [UInt8]
    var testDescription: String { desc }

    init(_ desc: String, _ text: String) {
        self.desc = desc
        self.bytes = Array(text.utf8)
    }

    init(_ desc: String, bytes: [UInt8]) {
        self.desc = desc
        self.bytes = bytes
    }
}

private func quoted(_ inner: [UInt8]) -> [UInt8] { [0x22] + inner + [0x22] }
private func nested(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
private func nestedObjects(_ depth: Int) -> String {
    String(repeating: "{\"a\":", count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
}

@Suite("Canonical JSON")
struct CanonicalJSONTests {
    static let encodeCases: [EncodeCase] = [
        EncodeCase(desc: "short escapes \\b \\f \\n \\r \\t", value: "\u{8}\u{C}\n\r\t", pythonHex: "225c625c665c6e5c725c7422"),
        EncodeCase(desc: "other controls as lower-case \\u00xx", value: "\u{0}\u{1}\u{1F}", pythonHex: "225c75303030305c75303030315c753030316622"),
        EncodeCase(desc: "U+007F and C1 controls raw", value: "\u{7F}\u{80}\u{9F}", pythonHex: "227fc280c29f22"),
        EncodeCase(desc: "non-ASCII raw", value: "é中😀", pythonHex: "22c3a9e4b8adf09f988022"),
        EncodeCase(desc: "slash not escaped", value: "a/b", pythonHex: "22612f6222"),
        EncodeCase(desc: "quote and backslash escaped", value: "\"\\", pythonHex: "225c225c5c22"),
        EncodeCase(desc: "U+2028 and U+2029 raw", value: "\u{2028}\u{2029}", pythonHex: "22e280a8e280a922"),
        EncodeCase(
            desc: "keys sorted by bytes, no whitespace", value: ["b": 1, "a": [true, false, .null, -5, 0], "A": ["z": "x", "aa": [:]], "": []],
            pythonHex: Hex.encode(Array(#"{"":[],"A":{"aa":{},"z":"x"},"a":[true,false,null,-5,0],"b":1}"#.utf8))),
        EncodeCase(desc: "largest integers", value: [9_007_199_254_740_991, -9_007_199_254_740_991], pythonHex: Hex.encode(Array("[9007199254740991,-9007199254740991]".utf8))),
        EncodeCase(desc: "empty string and containers", value: ["": "", "x": [], "y": [:]], pythonHex: Hex.encode(Array(#"{"":"","x":[],"y":{}}"#.utf8))),
    ]

    @Test("the encoder matches Python json.dumps", arguments: encodeCases)
    func encodesLikePython(_ c: EncodeCase) throws {
        #expect(Hex.encode(CanonicalJSON.encode(c.value)) == c.pythonHex)
        #expect(try CanonicalJSON.decode(hexBytes(c.pythonHex)) == c.value)
    }

    @Test("an object written member by member and an array element by element equal the encoding of the whole value")
    func pieceByPiece() {
        let members: [String: JSONValue] = ["z": .int(-7), "a": .array([.string("x\n"), .null]), "é": .bool(true), "B": .object(["k": .int(1)])]
        var out: [UInt8] = []
        CanonicalJSON.writeObject(members.map { member in (member.key, { CanonicalJSON.write(member.value, into: &$0) }) }, into: &out)
        #expect(out == CanonicalJSON.encode(.object(members)))
        var list: [UInt8] = []
        CanonicalJSON.writeArray([3, 1, 2], into: &list) { .int(Int64($0)) }
        #expect(String(decoding: list, as: UTF8.self) == "[3,1,2]")
        var empty: [UInt8] = []
        CanonicalJSON.writeArray([Int](), into: &empty) { .int(Int64($0)) }
        #expect(empty == Array("[]".utf8))
    }

    @Test("JSONValueEncoder: nil members left out, explicit nulls kept, Data as base64, nested values; floats and integers past Int64 refused")
    func valueEncoder() throws {
        struct Inner: Encodable, Equatable { var n: UInt8; var tags: [String] }
        struct Outer: Encodable {
            var name: String
            var gone: String?
            var inner: Inner
            var list: [Inner?]
            var bytes: Data
            var flag: Bool
            enum CodingKeys: String, CodingKey { case name, gone, inner, list, bytes, flag, explicit }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(name, forKey: .name)
                try c.encodeIfPresent(gone, forKey: .gone)
                try c.encode(inner, forKey: .inner)
                try c.encode(list, forKey: .list)
                try c.encode(bytes, forKey: .bytes)
                try c.encode(flag, forKey: .flag)
                try c.encodeNil(forKey: .explicit)
            }
        }
        let value = Outer(name: "联单", gone: nil, inner: Inner(n: 7, tags: ["a"]), list: [nil, Inner(n: 0, tags: [])], bytes: Data([0xFF, 0x00]), flag: false)
        let expected: JSONValue = .object([
            "name": .string("联单"), "inner": .object(["n": .int(7), "tags": .array([.string("a")])]),
            "list": .array([.null, .object(["n": .int(0), "tags": .array([])])]), "bytes": .string("/wA="), "flag": .bool(false), "explicit": .null,
        ])
        #expect(try JSONValueEncoder.encode(value) == expected)
        #expect(try CanonicalJSON.encode(encoding: value) == CanonicalJSON.encode(expected), "the bytes from the slots are the tree's")
        #expect(try JSONValueEncoder.encode(Int64.min) == .int(Int64.min))
        #expect(throws: EncodingError.self) { try JSONValueEncoder.encode(UInt64.max) }
        #expect(throws: EncodingError.self) { try JSONValueEncoder.encode(["x": 1.5]) }
    }

    @Test("encoding's canonical bytes: keys in byte order past the members' index (17 and more), a key encoded twice keeps its last value, empty containers")
    func encodingBytes() throws {
        struct Twice: Encodable {
            enum CodingKeys: String, CodingKey { case b, a }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode("first", forKey: .b)
                try c.encode(1, forKey: .a)
                try c.encode("second", forKey: .b)
            }
        }
        #expect(String(decoding: try CanonicalJSON.encode(encoding: Twice()), as: UTF8.self) == #"{"a":1,"b":"second"}"#)
        #expect(try JSONValueEncoder.encode(Twice()) == .object(["a": .int(1), "b": .string("second")]))
        let many = Dictionary(uniqueKeysWithValues: (0..<40).map { ("k\($0)", [$0]) } + [("é", []), ("Z", [])])
        let tree = try JSONValueEncoder.encode(many)
        #expect(try CanonicalJSON.encode(encoding: many) == CanonicalJSON.encode(tree))
        #expect(try CanonicalJSON.encode(encoding: many).starts(with: Array(#"{"Z":[],"k0":[0],"k1":[1],"k10":[10]"#.utf8)))
        #expect(try CanonicalJSON.encode(encoding: [String: Int]()) == Array("{}".utf8))
        #expect(try CanonicalJSON.encode(encoding: [Int]()) == Array("[]".utf8))
    }

    @Test("every control character is escaped and every other scalar below U+0100 is raw")
    func everyLowScalar() {
        let short: [UInt32: String] = [0x08: "\\b", 0x0C: "\\f", 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x22: "\\\"", 0x5C: "\\\\"]
        for v in UInt32(0)..<0x100 {
            let s = String(Character(Unicode.Scalar(v)!))
            let want: String
            if let e = short[v] {
                want = e
            } else if v < 0x20 {
                let h = String(v, radix: 16)
                want = "\\u00" + (h.count == 1 ? "0" + h : h)
            } else {
                want = s
            }
            #expect(JSONValue.string(s).canonicalString == "\"" + want + "\"", "U+\(String(v, radix: 16))")
        }
    }

    static let rejectCases: [RejectCase] = [
        RejectCase("duplicate key", #"{"a":1,"a":1}"#),
        RejectCase("duplicate key in a nested object", #"{"x":{"b":1,"a":2,"b":3}}"#),
        RejectCase("duplicate key spelled with an escape", #"{"a":1,"\u0061":2}"#),
        RejectCase("fraction", "1.5"),
        RejectCase("zero fraction", "[1.0]"),
        RejectCase("exponent", "1e5"),
        RejectCase("upper-case exponent", "1E5"),
        RejectCase("negative exponent", "-2e-3"),
        RejectCase("integer 2^53", "9007199254740992"),
        RejectCase("integer -2^53", "-9007199254740992"),
        RejectCase("huge integer", "123456789012345678901234567890"),
        RejectCase("huge negative integer", "-123456789012345678901234567890"),
        RejectCase("leading zero", "01"),
        RejectCase("negative leading zero", "-01"),
        RejectCase("double zero", "[00]"),
        RejectCase("lone minus", "-"),
        RejectCase("plus sign", "+1"),
        RejectCase("overlong slash (C0 AF)", bytes: quoted([0xC0, 0xAF])),
        RejectCase("overlong two-byte (C1 BF)", bytes: quoted([0xC1, 0xBF])),
        RejectCase("overlong three-byte (E0 80 AF)", bytes: quoted([0xE0, 0x80, 0xAF])),
        RejectCase("overlong four-byte (F0 80 80 AF)", bytes: quoted([0xF0, 0x80, 0x80, 0xAF])),
        RejectCase("UTF-8 encoded high surrogate (ED A0 80)", bytes: quoted([0xED, 0xA0, 0x80])),
        RejectCase("UTF-8 encoded low surrogate (ED BF BF)", bytes: quoted([0xED, 0xBF, 0xBF])),
        RejectCase("above U+10FFFF (F4 90 80 80)", bytes: quoted([0xF4, 0x90, 0x80, 0x80])),
        RejectCase("F5 lead byte", bytes: quoted([0xF5, 0x80, 0x80, 0x80])),
        RejectCase("lone continuation byte", bytes: quoted([0x80])),
        RejectCase("FF byte", bytes: quoted([0xFF])),
        RejectCase("truncated two-byte sequence before the quote", bytes: quoted([0xC3])),
        RejectCase("truncated three-byte sequence before the quote", bytes: quoted([0xE4, 0xB8])),
        RejectCase("truncated four-byte sequence at end of input", bytes: [0x22, 0xF0, 0x9F, 0x98]),
        RejectCase("bad continuation byte", bytes: quoted([0xE4, 0x41, 0xAD])),
        RejectCase("invalid UTF-8 outside a string", bytes: [0x5B, 0xC3, 0xA9, 0x5D]),
        RejectCase("lone high surrogate escape", #""\ud800""#),
        RejectCase("lone low surrogate escape", #""\udc00""#),
        RejectCase("high surrogate followed by a letter escape", #""\ud800\u0041""#),
        RejectCase("two high surrogate escapes", #""\ud800\ud800""#),
        RejectCase("reversed surrogate pair", #""\udc00\ud800""#),
        RejectCase("high surrogate at end of string", #""a\ud83d""#),
        RejectCase("nesting depth 33 (arrays)", nested(33)),
        RejectCase("nesting depth 33 (objects)", nestedObjects(33)),
        RejectCase("trailing data", "{} {}"),
        RejectCase("trailing garbage after a number", "1x"),
        RejectCase("trailing comma", "[1,]"),
        RejectCase("trailing comma in object", #"{"a":1,}"#),
        RejectCase("non-ASCII key", #"{"é":1}"#),
        RejectCase("non-ASCII key via escape", #"{"\u00e9":1}"#),
        RejectCase("raw control character in a string", "\"a\u{1}b\""),
        RejectCase("raw newline in a string", "\"a\nb\""),
        RejectCase("invalid escape", #""\x41""#),
        RejectCase("short \\u escape", #""\u12""#),
        RejectCase("non-hex \\u escape", #""\u12g4""#),
        RejectCase("unterminated string", #""abc"#),
        RejectCase("single quotes", "'a'"),
        RejectCase("bare word", "nul"),
        RejectCase("capitalised literal", "True"),
        RejectCase("empty input", ""),
        RejectCase("only whitespace", "  \n"),
        RejectCase("missing colon", #"{"a" 1}"#),
        RejectCase("non-string key", "{1:2}"),
        RejectCase("unclosed array", "[1,2"),
        RejectCase("byte order mark", "\u{FEFF}{}"),
        RejectCase("NaN", "NaN"),
    ]

    @Test("the decoder rejects malformed or non-restricted input", arguments: rejectCases)
    func rejects(_ c: RejectCase) {
        let error = #expect(throws: LedgerError.self) { try CanonicalJSON.decode(c.bytes) }
        if let error, case .malformedJSON = error {} else if error != nil { Issue.record("expected malformedJSON, got \(String(describing: error))") }
    }

    static let acceptCases: [(String, JSONValue)] = [
        ("nesting depth 32 (arrays)", { var v: JSONValue = []; for _ in 1..<32 { v = [v] }; return v }()),
        ("2^53 - 1", 9_007_199_254_740_991),
        ("-(2^53 - 1)", -9_007_199_254_740_991),
        ("zero", 0),
        ("minus zero reads as zero", 0),
        ("escaped slash", "/"),
        ("surrogate pair escape", "😀"),
        ("upper-case hex escape", "é"),
        ("whitespace around tokens", ["a": [1, 2]]),
        ("U+007F raw", "\u{7F}"),
        ("max four-byte scalar", "\u{10FFFF}"),
        ("escaped NUL", "\u{0}"),
    ]

    @Test("the decoder accepts what the restricted grammar allows")
    func accepts() throws {
        let inputs: [String] = [
            nested(32), "9007199254740991", "-9007199254740991", "0", "-0", #""\/""#, #""\ud83d\ude00""#, #""\u00E9""#,
            " { \"a\" :\t[ 1 ,\r\n2 ] } ", "\"\u{7F}\"", "\"\u{10FFFF}\"", #""\u0000""#,
        ]
        for ((desc, want), input) in zip(Self.acceptCases, inputs) {
            #expect(try CanonicalJSON.decode(input) == want, "\(desc)")
        }
        #expect(try CanonicalJSON.decode(nestedObjects(32)).canonicalString == nestedObjects(32))
        var depth = 0
        var v = try CanonicalJSON.decode(nested(32))
        while case .array(let a) = v, let first = a.first { v = first; depth += 1 }
        #expect(depth == 31)
    }

    @Test("decoding then encoding normalises non-canonical input, and a second round changes nothing")
    func normalises() throws {
        let cases: [(String, String)] = [
            (" {\"b\" : 1 , \"a\":\"\\u0041\\/\\u00e9\"} ", #"{"a":"A/é","b":1}"#),
            (#"["\u007f","\u001F","\b"]"#, "[\"\u{7F}\",\"\\u001f\",\"\\b\"]"),
            ("-0", "0"),
            (#"{"z":{"y":[],"x":null},"a":false}"#, #"{"a":false,"z":{"x":null,"y":[]}}"#),
        ]
        for (input, canonical) in cases {
            let once = CanonicalJSON.encode(try CanonicalJSON.decode(input))
            #expect(String(decoding: once, as: UTF8.self) == canonical, "\(input)")
            #expect(CanonicalJSON.encode(try CanonicalJSON.decode(once)) == once, "\(input)")
        }
    }

    @Test("random values survive encode, decode, encode byte for byte")
    func roundTrip() throws {
        for seed in UInt64(0)..<300 {
            var rng = TestRNG(seed: seed)
            let value = randomValue(depth: 0, rng: &rng)
            let bytes = CanonicalJSON.encode(value)
            let decoded = try CanonicalJSON.decode(bytes)
            #expect(CanonicalJSON.encode(decoded) == bytes, "seed \(seed)")
            #expect(decoded == value, "seed \(seed)")
        }
    }

    @Test("equal JSON values encode to the same bytes (JSONValue's documented invariant)")
    func equalValuesEncodeAlike() {
        // JSONValue documents: "two values that are equal encode to the same bytes". Swift String equality is
        // canonical equivalence, so precomposed é (U+00E9) and e + U+0301 compare equal but encode differently.
        let precomposed = JSONValue.string("\u{E9}")
        let decomposed = JSONValue.string("e\u{301}")
        if precomposed == decomposed {
            #expect(precomposed.canonicalBytes == decomposed.canonicalBytes, "equal values, different bytes")
        }
    }
}

/// A random value of the restricted kind: ASCII keys, integers with |n| < 2^53, strings of any scalars.
private func randomValue(depth: Int, rng: inout TestRNG) -> JSONValue {
    let kind = depth >= 4 ? Int.random(in: 0..<4, using: &rng) : Int.random(in: 0..<6, using: &rng)
    switch kind {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &rng))
    case 2: return .int(Int64.random(in: -(JSONValue.integerLimit - 1)...(JSONValue.integerLimit - 1), using: &rng))
    case 3: return .string(randomString(rng: &rng, asciiOnly: false))
    case 4: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in randomValue(depth: depth + 1, rng: &rng) })
    default:
        var o: [String: JSONValue] = [:]
        for _ in 0..<Int.random(in: 0...4, using: &rng) { o[randomString(rng: &rng, asciiOnly: true)] = randomValue(depth: depth + 1, rng: &rng) }
        return .object(o)
    }
}

private func randomString(rng: inout TestRNG, asciiOnly: Bool) -> String {
    var s = String.UnicodeScalarView()
    for _ in 0..<Int.random(in: 0...8, using: &rng) {
        let v: UInt32
        switch asciiOnly ? Int.random(in: 0..<2, using: &rng) : Int.random(in: 0..<5, using: &rng) {
        case 0: v = UInt32.random(in: 0..<0x20, using: &rng)
        case 1: v = UInt32.random(in: 0x20..<0x80, using: &rng)
        case 2: v = UInt32.random(in: 0x80..<0x800, using: &rng)
        case 3: v = UInt32.random(in: 0x800..<0xD800, using: &rng)
        default: v = UInt32.random(in: 0x10000...0x10FFFF, using: &rng)
        }
        s.append(Unicode.Scalar(v)!)
    }
    return String(s)
}

@Suite("CanonicalJSON.firstFraction: the field of a refused number")
struct FirstFractionTests {
    @Test("names the path of the first number with a fraction or exponent, through objects, arrays and escaped strings")
    func paths() {
        #expect(CanonicalJSON.firstFraction(in: Array(#"{"a":1,"b":{"lines":[{"grams":1},{"grams":8.6}]}}"#.utf8))! == ("b.lines[1].grams", "8.6"))
        #expect(CanonicalJSON.firstFraction(in: Array(#"{"s":"x\"1.5,","t":[1,[2,3e2]]}"#.utf8))! == ("t[1][1]", "3e2"))
        #expect(CanonicalJSON.firstFraction(in: Array(#"{"batch":[{"x":-0.5}]}"#.utf8))! == ("batch[0].x", "-0.5"))
        #expect(CanonicalJSON.firstFraction(in: Array(#"{"a":[1,2],"b":-3}"#.utf8)) == nil)
    }
}
