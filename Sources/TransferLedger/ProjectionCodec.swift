#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LedgerCore

/// The one encoding of projection record values (docs/decisions/019): a compact, deterministic binary form of any
/// `Codable` record, written and read by every projection path through ``encode(_:)`` and
/// ``decode(_:from:kind:key:)``.
///
/// A value is the format byte ``formatByte`` followed by one tagged item:
///
/// | tag  | item                                                                        |
/// |------|-----------------------------------------------------------------------------|
/// | 0x00 | nil                                                                         |
/// | 0x01 | false; 0x02 true                                                            |
/// | 0x03 | signed integer, zigzag LEB128 varint                                        |
/// | 0x04 | unsigned integer, LEB128 varint                                             |
/// | 0x05 | string: varint byte length, then UTF-8                                      |
/// | 0x06 | floating point: the 8 bytes of the IEEE 754 double, little-endian           |
/// | 0x07 | array: varint byte length of what follows it, varint count, items           |
/// | 0x08 | keyed: varint byte length of what follows it, varint count, then per field  |
/// |      | varint key length, key UTF-8, item; fields in ascending order of key bytes  |
///
/// Fields are sorted by key, so the same value always gives the same bytes (dictionaries included), whatever
/// order its `encode(to:)` wrote them in; containers carry their byte length, so a reader steps over a field it
/// does not ask for without parsing it. Values are derived data, never signed or hashed; `verify` and
/// `rebuild --check` compare them byte for byte with a replay by the same code.
public enum ProjectionCodec {
    /// The first byte of every value. It is neither `{` nor `[` nor a UTF-8 lead byte, so a JSON row of a ledger
    /// written before the binary format is told apart at once.
    public static let formatByte: UInt8 = 0xB1

    /// The version recorded in the store's meta under ``metaKey`` once every projection row is in this format.
    public static let formatName = "binary-1"
    public static let metaKey = "projectionFormat"

    /// The bytes of `value`.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let root = EncodingBuffer(.single)
        try root.encode(value, at: root.open(key: nil))
        var out: [UInt8] = [formatByte]
        out.reserveCapacity(root.body.count + 64)
        try root.write(into: &out)
        return out
    }

    /// The record stored in projection row `kind`/`key`.
    ///
    /// - Throws: ``LedgerError/integrity(index:_:)`` naming the row when `bytes` are not a value of `T` in this format.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], kind: String, key: String) throws -> T {
        guard bytes.first == formatByte else {
            let what = bytes.first == UInt8(ascii: "{")
                ? "is JSON, the format of before docs/decisions/019 (hwledger rebuild --upgrade rewrites the projections)"
                : "does not start with the format byte"
            throw LedgerError.integrity(index: nil, "projection \(kind)/\(key) does not decode: it \(what)")
        }
        do {
            let item = try BinaryItem.read(bytes, at: 1)
            guard item.end == bytes.count else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(bytes.count - item.end) bytes after the value"))
            }
            return try T(from: BinaryDecoder(bytes: bytes, item: item, codingPath: []))
        } catch let error as DecodingError {
            throw LedgerError.integrity(index: nil, "projection \(kind)/\(key) does not decode: \(describe(error))")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ p: [any CodingKey]) -> String { p.isEmpty ? "the value" : p.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") }
        switch error {
        case .typeMismatch(let t, let c): return "\(path(c.codingPath)): not a \(t) (\(c.debugDescription))"
        case .valueNotFound(let t, let c): return "\(path(c.codingPath)): no \(t) (\(c.debugDescription))"
        case .keyNotFound(let k, let c): return "\(path(c.codingPath + [k])): missing"
        case .dataCorrupted(let c): return "\(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

// MARK: Tags and varints

enum BinaryTag {
    static let null: UInt8 = 0x00
    static let `false`: UInt8 = 0x01
    static let `true`: UInt8 = 0x02
    static let int: UInt8 = 0x03
    static let uint: UInt8 = 0x04
    static let string: UInt8 = 0x05
    static let double: UInt8 = 0x06
    static let array: UInt8 = 0x07
    static let keyed: UInt8 = 0x08
}

extension Array where Element == UInt8 {
    mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(v))
    }
}

// MARK: Encoding

/// The bytes of one container while its value is encoded. Scalars are appended to `body` as they come; a nested
/// container gets its own buffer, linked from its field's span, so fields may be written in any interleaving.
/// Nothing is assembled until the root's `encode(to:)` returned (``write(into:)``): then each keyed container's
/// fields are written in ascending key order, with the byte length and count in front.
final class EncodingBuffer {
    enum Kind { case keyed, unkeyed, single }

    struct Span {
        var keyStart: Int
        var keyEnd: Int
        var valueStart: Int
        var valueEnd: Int
        var child: EncodingBuffer?
    }

    let kind: Kind
    var body: [UInt8] = []
    var spans: [Span] = []

    init(_ kind: Kind) {
        self.kind = kind
        body.reserveCapacity(kind == .single ? 64 : 256)
    }

    /// Opens a field (keyed) or element (unkeyed): its key's bytes go to `body`; returns the span's index.
    func open(key: String?) -> Int {
        let keyStart = body.count
        if let key { body.append(contentsOf: key.utf8) }
        spans.append(Span(keyStart: keyStart, keyEnd: body.count, valueStart: body.count, valueEnd: body.count, child: nil))
        return spans.count - 1
    }

    func close(_ span: Int) { spans[span].valueEnd = body.count }

    func nested(_ kind: Kind, at span: Int) -> EncodingBuffer {
        let child = EncodingBuffer(kind)
        spans[span].child = child
        return child
    }

    func appendNull() { body.append(BinaryTag.null) }
    func append(_ v: Bool) { body.append(v ? BinaryTag.true : BinaryTag.false) }
    func append(_ v: Int64) {
        body.append(BinaryTag.int)
        body.appendVarint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }
    func append(_ v: UInt64) {
        body.append(BinaryTag.uint)
        body.appendVarint(v)
    }
    func append(_ v: String) {
        var v = v
        v.withUTF8 { utf8 in
            body.append(BinaryTag.string)
            body.appendVarint(UInt64(utf8.count))
            body.append(contentsOf: utf8)
        }
    }
    func append(_ v: Double) {
        body.append(BinaryTag.double)
        let bits = v.bitPattern
        for shift in stride(from: 0, to: 64, by: 8) { body.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }

    /// Encodes `value` into span `span` (already opened) and closes it.
    func encode<T: Encodable>(_ value: T, at span: Int) throws {
        try value.encode(to: BinaryEncoder(target: self, span: span))
        close(span)
    }

    /// The item span `span` holds.
    func writeValue(_ span: Span, into out: inout [UInt8]) throws {
        if let child = span.child {
            guard span.valueStart == span.valueEnd else {
                throw EncodingError.invalidValue((), .init(codingPath: [], debugDescription: "a value wrote both a scalar and a container"))
            }
            try child.write(into: &out)
        } else {
            guard span.valueStart < span.valueEnd else {
                throw EncodingError.invalidValue((), .init(codingPath: [], debugDescription: "a value encoded nothing"))
            }
            out.append(contentsOf: body[span.valueStart..<span.valueEnd])
        }
    }

    /// This container as one tagged item.
    func write(into out: inout [UInt8]) throws {
        switch kind {
        case .single:
            // Its one value runs to the end of the body (a super encoder's span is written after it was opened).
            guard var only = spans.first else {
                throw EncodingError.invalidValue((), .init(codingPath: [], debugDescription: "a value encoded nothing"))
            }
            only.valueEnd = body.count
            try writeValue(only, into: &out)
        case .unkeyed:
            var items: [UInt8] = []
            items.reserveCapacity(body.count + 16)
            items.appendVarint(UInt64(spans.count))
            for span in spans { try writeValue(span, into: &items) }
            out.append(BinaryTag.array)
            out.appendVarint(UInt64(items.count))
            out.append(contentsOf: items)
        case .keyed:
            // Ascending key bytes, the later of two writes of one key kept: the bytes depend on the value only
            // (a dictionary's iteration order does not leak into them). Insertion sort of the span indexes: records
            // have a few dozen fields at most, and no other buffer is needed.
            var order = Array(spans.indices)
            body.withUnsafeBufferPointer { bytes in
                func compare(_ a: Span, _ b: Span) -> Int {
                    let n = min(a.keyEnd - a.keyStart, b.keyEnd - b.keyStart)
                    if n > 0 {
                        let c = memcmp(bytes.baseAddress! + a.keyStart, bytes.baseAddress! + b.keyStart, n)
                        if c != 0 { return Int(c) }
                    }
                    return (a.keyEnd - a.keyStart) - (b.keyEnd - b.keyStart)
                }
                var i = 1
                while i < order.count {
                    let moving = order[i]
                    var j = i
                    while j > 0, compare(spans[order[j - 1]], spans[moving]) > 0 {
                        order[j] = order[j - 1]
                        j -= 1
                    }
                    order[j] = moving
                    i += 1
                }
                // Equal keys are now adjacent in write order: keep the last of each run.
                var kept = 0
                for k in order.indices {
                    if kept > 0, compare(spans[order[kept - 1]], spans[order[k]]) == 0 { order[kept - 1] = order[k] } else {
                        order[kept] = order[k]
                        kept += 1
                    }
                }
                order.removeLast(order.count - kept)
            }
            var fields: [UInt8] = []
            fields.reserveCapacity(body.count + 16)
            fields.appendVarint(UInt64(order.count))
            for index in order {
                let span = spans[index]
                fields.appendVarint(UInt64(span.keyEnd - span.keyStart))
                fields.append(contentsOf: body[span.keyStart..<span.keyEnd])
                try writeValue(span, into: &fields)
            }
            out.append(BinaryTag.keyed)
            out.appendVarint(UInt64(fields.count))
            out.append(contentsOf: fields)
        }
    }
}

struct ProjectionCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// Encodes one value into span `span` of `target`. Coding paths are not tracked while encoding: records always
/// encode, and the one failure left (a value that encodes nothing) is reported without one.
struct BinaryEncoder: Encoder {
    let target: EncodingBuffer
    let span: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let buffer = target.spans[span].child ?? target.nested(.keyed, at: span)
        return KeyedEncodingContainer(KeyedBinaryEncoding<Key>(buffer: buffer))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedBinaryEncoding(buffer: target.spans[span].child ?? target.nested(.unkeyed, at: span))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueBinaryEncoding(target: target, span: span) }
}

struct KeyedBinaryEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let buffer: EncodingBuffer
    var codingPath: [any CodingKey] { [] }

    func scalar(_ key: Key, _ write: (EncodingBuffer) -> Void) {
        let span = buffer.open(key: key.stringValue)
        write(buffer)
        buffer.close(span)
    }

    mutating func encodeNil(forKey key: Key) throws { scalar(key) { $0.appendNull() } }
    mutating func encode(_ value: Bool, forKey key: Key) throws { scalar(key) { $0.append(value) } }
    mutating func encode(_ value: String, forKey key: Key) throws { scalar(key) { $0.append(value) } }
    mutating func encode(_ value: Double, forKey key: Key) throws { scalar(key) { $0.append(value) } }
    mutating func encode(_ value: Float, forKey key: Key) throws { scalar(key) { $0.append(Double(value)) } }
    mutating func encode(_ value: Int, forKey key: Key) throws { scalar(key) { $0.append(Int64(value)) } }
    mutating func encode(_ value: Int8, forKey key: Key) throws { scalar(key) { $0.append(Int64(value)) } }
    mutating func encode(_ value: Int16, forKey key: Key) throws { scalar(key) { $0.append(Int64(value)) } }
    mutating func encode(_ value: Int32, forKey key: Key) throws { scalar(key) { $0.append(Int64(value)) } }
    mutating func encode(_ value: Int64, forKey key: Key) throws { scalar(key) { $0.append(value) } }
    mutating func encode(_ value: UInt, forKey key: Key) throws { scalar(key) { $0.append(UInt64(value)) } }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { scalar(key) { $0.append(UInt64(value)) } }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { scalar(key) { $0.append(UInt64(value)) } }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { scalar(key) { $0.append(UInt64(value)) } }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { scalar(key) { $0.append(value) } }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try buffer.encode(value, at: buffer.open(key: key.stringValue))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(KeyedBinaryEncoding<NestedKey>(buffer: buffer.nested(.keyed, at: buffer.open(key: key.stringValue))))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        UnkeyedBinaryEncoding(buffer: buffer.nested(.unkeyed, at: buffer.open(key: key.stringValue)))
    }

    mutating func superEncoder() -> any Encoder { superEncoder(key: "super") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(key: key.stringValue) }

    /// An encoder whose value is written later: it gets a buffer of its own.
    func superEncoder(key: String) -> any Encoder {
        let single = buffer.nested(.single, at: buffer.open(key: key))
        return BinaryEncoder(target: single, span: single.open(key: nil))
    }
}

struct UnkeyedBinaryEncoding: UnkeyedEncodingContainer {
    let buffer: EncodingBuffer
    var codingPath: [any CodingKey] { [] }
    var count: Int { buffer.spans.count }

    func scalar(_ write: (EncodingBuffer) -> Void) {
        let span = buffer.open(key: nil)
        write(buffer)
        buffer.close(span)
    }

    mutating func encodeNil() throws { scalar { $0.appendNull() } }
    mutating func encode(_ value: Bool) throws { scalar { $0.append(value) } }
    mutating func encode(_ value: String) throws { scalar { $0.append(value) } }
    mutating func encode(_ value: Double) throws { scalar { $0.append(value) } }
    mutating func encode(_ value: Float) throws { scalar { $0.append(Double(value)) } }
    mutating func encode(_ value: Int) throws { scalar { $0.append(Int64(value)) } }
    mutating func encode(_ value: Int8) throws { scalar { $0.append(Int64(value)) } }
    mutating func encode(_ value: Int16) throws { scalar { $0.append(Int64(value)) } }
    mutating func encode(_ value: Int32) throws { scalar { $0.append(Int64(value)) } }
    mutating func encode(_ value: Int64) throws { scalar { $0.append(value) } }
    mutating func encode(_ value: UInt) throws { scalar { $0.append(UInt64(value)) } }
    mutating func encode(_ value: UInt8) throws { scalar { $0.append(UInt64(value)) } }
    mutating func encode(_ value: UInt16) throws { scalar { $0.append(UInt64(value)) } }
    mutating func encode(_ value: UInt32) throws { scalar { $0.append(UInt64(value)) } }
    mutating func encode(_ value: UInt64) throws { scalar { $0.append(value) } }
    mutating func encode<T: Encodable>(_ value: T) throws { try buffer.encode(value, at: buffer.open(key: nil)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(KeyedBinaryEncoding<NestedKey>(buffer: buffer.nested(.keyed, at: buffer.open(key: nil))))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedBinaryEncoding(buffer: buffer.nested(.unkeyed, at: buffer.open(key: nil)))
    }

    mutating func superEncoder() -> any Encoder {
        let single = buffer.nested(.single, at: buffer.open(key: nil))
        return BinaryEncoder(target: single, span: single.open(key: nil))
    }
}

/// Writes the value of span `span` straight into its container's bytes (the caller closes the span).
struct SingleValueBinaryEncoding: SingleValueEncodingContainer {
    let target: EncodingBuffer
    let span: Int
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { target.appendNull() }
    mutating func encode(_ value: Bool) throws { target.append(value) }
    mutating func encode(_ value: String) throws { target.append(value) }
    mutating func encode(_ value: Double) throws { target.append(value) }
    mutating func encode(_ value: Float) throws { target.append(Double(value)) }
    mutating func encode(_ value: Int) throws { target.append(Int64(value)) }
    mutating func encode(_ value: Int8) throws { target.append(Int64(value)) }
    mutating func encode(_ value: Int16) throws { target.append(Int64(value)) }
    mutating func encode(_ value: Int32) throws { target.append(Int64(value)) }
    mutating func encode(_ value: Int64) throws { target.append(value) }
    mutating func encode(_ value: UInt) throws { target.append(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { target.append(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { target.append(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { target.append(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { target.append(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: BinaryEncoder(target: target, span: span)) }
}

// MARK: Decoding

/// One tagged item inside a value's bytes: its tag, where its payload starts, and where it ends.
struct BinaryItem {
    var tag: UInt8
    /// First byte after the tag (for containers: after the byte length).
    var payload: Int
    var end: Int

    static func corrupt(_ what: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: [], debugDescription: what))
    }

    static func varint(_ bytes: [UInt8], at start: Int) throws -> (value: UInt64, next: Int) {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var i = start
        while true {
            guard i < bytes.count else { throw corrupt("a varint runs past the end at byte \(start)") }
            let b = bytes[i]
            i += 1
            guard shift < 64, shift < 63 || b <= 1 else { throw corrupt("a varint overflows at byte \(start)") }
            value |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return (value, i) }
            shift += 7
        }
    }

    /// The item at `start`, checked to lie within `bytes`.
    static func read(_ bytes: [UInt8], at start: Int) throws -> BinaryItem {
        guard start < bytes.count else { throw corrupt("the value ends early at byte \(start)") }
        let tag = bytes[start]
        let p = start + 1
        switch tag {
        case BinaryTag.null, BinaryTag.false, BinaryTag.true:
            return BinaryItem(tag: tag, payload: p, end: p)
        case BinaryTag.int, BinaryTag.uint:
            return BinaryItem(tag: tag, payload: p, end: try varint(bytes, at: p).next)
        case BinaryTag.double:
            guard p + 8 <= bytes.count else { throw corrupt("a double runs past the end at byte \(start)") }
            return BinaryItem(tag: tag, payload: p, end: p + 8)
        case BinaryTag.string, BinaryTag.array, BinaryTag.keyed:
            let (length, next) = try varint(bytes, at: p)
            guard length <= UInt64(bytes.count - next) else { throw corrupt("an item of \(length) bytes runs past the end at byte \(start)") }
            return BinaryItem(tag: tag, payload: next, end: next + Int(length))
        default:
            throw corrupt("unknown tag 0x\(String(tag, radix: 16)) at byte \(start)")
        }
    }
}

struct BinaryDecoder: Decoder {
    let bytes: [UInt8]
    let item: BinaryItem
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try KeyedBinaryDecoding<Key>(bytes: bytes, item: item, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try UnkeyedBinaryDecoding(bytes: bytes, item: item, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueBinaryDecoding(bytes: bytes, item: item, codingPath: codingPath)
    }
}

/// Scalar reads shared by the three container kinds.
enum BinaryScalar {
    static func mismatch(_ type: Any.Type, _ item: BinaryItem, _ path: @autoclosure () -> [any CodingKey]) -> DecodingError {
        .typeMismatch(type, .init(codingPath: path(), debugDescription: "found tag 0x\(String(item.tag, radix: 16))"))
    }

    static func bool(_ bytes: [UInt8], _ item: BinaryItem, _ path: @autoclosure () -> [any CodingKey]) throws -> Bool {
        switch item.tag {
        case BinaryTag.true: return true
        case BinaryTag.false: return false
        default: throw mismatch(Bool.self, item, path())
        }
    }

    static func string(_ bytes: [UInt8], _ item: BinaryItem, _ path: @autoclosure () -> [any CodingKey]) throws -> String {
        guard item.tag == BinaryTag.string else { throw mismatch(String.self, item, path()) }
        guard let s = String(validating: bytes[item.payload..<item.end], as: UTF8.self) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path(), debugDescription: "a string is not UTF-8"))
        }
        return s
    }

    static func int64(_ bytes: [UInt8], _ item: BinaryItem, _ path: @autoclosure () -> [any CodingKey]) throws -> Int64 {
        guard item.tag == BinaryTag.int else { throw mismatch(Int64.self, item, path()) }
        let raw = try BinaryItem.varint(bytes, at: item.payload).value
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    static func uint64(_ bytes: [UInt8], _ item: BinaryItem, _ path: @autoclosure () -> [any CodingKey]) throws -> UInt64 {
        guard item.tag == BinaryTag.uint else { throw mismatch(UInt64.self, item, path()) }
        return try BinaryItem.varint(bytes, at: item.payload).value
    }

    static func double(_ bytes: [UInt8], _ item: BinaryItem, _ path: @autoclosure () -> [any CodingKey]) throws -> Double {
        guard item.tag == BinaryTag.double else { throw mismatch(Double.self, item, path()) }
        var bits: UInt64 = 0
        for k in 0..<8 { bits |= UInt64(bytes[item.payload + k]) << UInt64(8 * k) }
        return Double(bitPattern: bits)
    }

    static func exact<I: FixedWidthInteger, S: FixedWidthInteger>(_ type: I.Type, _ wide: S, _ path: @autoclosure () -> [any CodingKey]) throws -> I {
        guard let v = I(exactly: wide) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path(), debugDescription: "\(wide) does not fit \(I.self)"))
        }
        return v
    }

    static func value<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], _ item: BinaryItem, _ path: @autoclosure () -> [any CodingKey]) throws -> T {
        try T(from: BinaryDecoder(bytes: bytes, item: item, codingPath: path()))
    }
}

struct KeyedBinaryDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let bytes: [UInt8]
    var codingPath: [any CodingKey]
    /// Per field: where its key's bytes lie, and its item.
    let fields: [(key: Range<Int>, item: BinaryItem)]

    init(bytes: [UInt8], item: BinaryItem, codingPath: [any CodingKey]) throws {
        guard item.tag == BinaryTag.keyed else {
            throw DecodingError.typeMismatch([String: Any].self, .init(codingPath: codingPath, debugDescription: "found tag 0x\(String(item.tag, radix: 16))"))
        }
        self.bytes = bytes
        self.codingPath = codingPath
        var (count, at) = try BinaryItem.varint(bytes, at: item.payload)
        var fields: [(key: Range<Int>, item: BinaryItem)] = []
        fields.reserveCapacity(Int(min(count, 64)))
        while count > 0 {
            let (length, keyStart) = try BinaryItem.varint(bytes, at: at)
            guard length <= UInt64(item.end - keyStart) else { throw BinaryItem.corrupt("a key runs past its object at byte \(at)") }
            let keyEnd = keyStart + Int(length)
            let value = try BinaryItem.read(bytes, at: keyEnd)
            guard value.end <= item.end else { throw BinaryItem.corrupt("a field runs past its object at byte \(keyEnd)") }
            fields.append((keyStart..<keyEnd, value))
            at = value.end
            count -= 1
        }
        guard at == item.end else { throw BinaryItem.corrupt("an object's fields do not fill its \(item.end - item.payload) bytes") }
        self.fields = fields
    }

    var allKeys: [Key] {
        fields.compactMap { String(validating: bytes[$0.key], as: UTF8.self).flatMap(Key.init(stringValue:)) }
    }

    func find(_ key: Key) -> BinaryItem? {
        let wanted = key.stringValue.utf8
        for field in fields where field.key.count == wanted.count && bytes[field.key].elementsEqual(wanted) { return field.item }
        return nil
    }

    func item(_ key: Key) throws -> BinaryItem {
        guard let item = find(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no field \(key.stringValue)"))
        }
        return item
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }
    func decodeNil(forKey key: Key) throws -> Bool { try item(key).tag == BinaryTag.null }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try BinaryScalar.value(type, bytes, item(key), codingPath + [key])
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let item = find(key), item.tag != BinaryTag.null else { return nil }
        return try BinaryScalar.value(type, bytes, item, codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(try KeyedBinaryDecoding<NestedKey>(bytes: bytes, item: item(key), codingPath: codingPath + [key]))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try UnkeyedBinaryDecoding(bytes: bytes, item: item(key), codingPath: codingPath + [key])
    }

    func superDecoder() throws -> any Decoder {
        BinaryDecoder(bytes: bytes, item: try item(Key(stringValue: "super")!), codingPath: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        BinaryDecoder(bytes: bytes, item: try item(key), codingPath: codingPath + [key])
    }
}

struct UnkeyedBinaryDecoding: UnkeyedDecodingContainer {
    let bytes: [UInt8]
    var codingPath: [any CodingKey]
    let end: Int
    var position: Int
    var count: Int?
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex >= count! }

    init(bytes: [UInt8], item: BinaryItem, codingPath: [any CodingKey]) throws {
        guard item.tag == BinaryTag.array else {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "found tag 0x\(String(item.tag, radix: 16))"))
        }
        self.bytes = bytes
        self.codingPath = codingPath
        let (count, first) = try BinaryItem.varint(bytes, at: item.payload)
        guard count <= UInt64(item.end - first) else { throw BinaryItem.corrupt("an array claims \(count) items in \(item.end - first) bytes") }
        self.count = Int(count)
        self.end = item.end
        self.position = first
    }

    var path: [any CodingKey] { codingPath + [ProjectionCodingKey(intValue: currentIndex)] }

    /// The next item, consumed.
    mutating func next(_ type: Any.Type) throws -> BinaryItem {
        guard !isAtEnd else { throw DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "the array has no more items")) }
        let item = try BinaryItem.read(bytes, at: position)
        guard item.end <= end else { throw BinaryItem.corrupt("an array item runs past its array at byte \(position)") }
        position = item.end
        currentIndex += 1
        if isAtEnd, position != end { throw BinaryItem.corrupt("an array's items do not fill its bytes") }
        return item
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw DecodingError.valueNotFound(Never.self, .init(codingPath: path, debugDescription: "the array has no more items")) }
        guard bytes[position] == BinaryTag.null else { return false }
        _ = try next(Never.self)
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let p = path
        return try BinaryScalar.value(type, bytes, next(type), p)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let p = path
        return KeyedDecodingContainer(try KeyedBinaryDecoding<NestedKey>(bytes: bytes, item: next(type), codingPath: p))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let p = path
        return try UnkeyedBinaryDecoding(bytes: bytes, item: next([Any].self), codingPath: p)
    }

    mutating func superDecoder() throws -> any Decoder {
        let p = path
        return BinaryDecoder(bytes: bytes, item: try next(Any.self), codingPath: p)
    }
}

struct SingleValueBinaryDecoding: SingleValueDecodingContainer {
    let bytes: [UInt8]
    let item: BinaryItem
    var codingPath: [any CodingKey]

    func decodeNil() -> Bool { item.tag == BinaryTag.null }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try BinaryScalar.value(type, bytes, item, codingPath) }
}

// MARK: Scalar reads of each container (the protocols require one method per type)

extension KeyedBinaryDecoding {
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { let i = try item(key); return try BinaryScalar.bool(bytes, i, codingPath + [key]) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { let i = try item(key); return try BinaryScalar.string(bytes, i, codingPath + [key]) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { let i = try item(key); return try BinaryScalar.double(bytes, i, codingPath + [key]) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { let i = try item(key); return Float(try BinaryScalar.double(bytes, i, codingPath + [key])) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { let i = try item(key); return try BinaryScalar.int64(bytes, i, codingPath + [key]) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { let i = try item(key); return try BinaryScalar.uint64(bytes, i, codingPath + [key]) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { let i = try item(key); return try BinaryScalar.exact(Int.self, BinaryScalar.int64(bytes, i, codingPath + [key]), codingPath + [key]) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { let i = try item(key); return try BinaryScalar.exact(Int8.self, BinaryScalar.int64(bytes, i, codingPath + [key]), codingPath + [key]) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { let i = try item(key); return try BinaryScalar.exact(Int16.self, BinaryScalar.int64(bytes, i, codingPath + [key]), codingPath + [key]) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { let i = try item(key); return try BinaryScalar.exact(Int32.self, BinaryScalar.int64(bytes, i, codingPath + [key]), codingPath + [key]) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { let i = try item(key); return try BinaryScalar.exact(UInt.self, BinaryScalar.uint64(bytes, i, codingPath + [key]), codingPath + [key]) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { let i = try item(key); return try BinaryScalar.exact(UInt8.self, BinaryScalar.uint64(bytes, i, codingPath + [key]), codingPath + [key]) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { let i = try item(key); return try BinaryScalar.exact(UInt16.self, BinaryScalar.uint64(bytes, i, codingPath + [key]), codingPath + [key]) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { let i = try item(key); return try BinaryScalar.exact(UInt32.self, BinaryScalar.uint64(bytes, i, codingPath + [key]), codingPath + [key]) }
}

extension UnkeyedBinaryDecoding {
    mutating func decode(_ type: Bool.Type) throws -> Bool { let index = currentIndex; let i = try next(Bool.self); return try BinaryScalar.bool(bytes, i, codingPath + [ProjectionCodingKey(intValue: index)]) }
    mutating func decode(_ type: String.Type) throws -> String { let index = currentIndex; let i = try next(String.self); return try BinaryScalar.string(bytes, i, codingPath + [ProjectionCodingKey(intValue: index)]) }
    mutating func decode(_ type: Double.Type) throws -> Double { let index = currentIndex; let i = try next(Double.self); return try BinaryScalar.double(bytes, i, codingPath + [ProjectionCodingKey(intValue: index)]) }
    mutating func decode(_ type: Float.Type) throws -> Float { let index = currentIndex; let i = try next(Float.self); return Float(try BinaryScalar.double(bytes, i, codingPath + [ProjectionCodingKey(intValue: index)])) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { let index = currentIndex; let i = try next(Int64.self); return try BinaryScalar.int64(bytes, i, codingPath + [ProjectionCodingKey(intValue: index)]) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { let index = currentIndex; let i = try next(UInt64.self); return try BinaryScalar.uint64(bytes, i, codingPath + [ProjectionCodingKey(intValue: index)]) }
    mutating func decode(_ type: Int.Type) throws -> Int { let index = currentIndex; let i = try next(Int.self); return try BinaryScalar.exact(Int.self, BinaryScalar.int64(bytes, i, codingPath + [ProjectionCodingKey(intValue: index)]), codingPath + [ProjectionCodingKey(intValue: index)]) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { let index = currentIndex; let i = try next(Int8.self); return try BinaryScalar.exact(Int8.self, BinaryScalar.int64(bytes, i, codingPath + [ProjectionCodingKey(intValue: index)]), codingPath + [ProjectionCodingKey(intValue: index)]) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { let index = currentIndex; let i = try next(Int16.self); return try BinaryScalar.exact(Int16.self, BinaryScalar.int64(bytes, i, codingPath + [ProjectionCodingKey(intValue: index)]), codingPath + [ProjectionCodingKey(intValue: index)]) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { let index = currentIndex; let i = try next(Int32.self); return try BinaryScalar.exact(Int32.self, BinaryScalar.int64(bytes, i, codingPath + [ProjectionCodingKey(intValue: index)]), codingPath + [ProjectionCodingKey(intValue: index)]) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { let index = currentIndex; let i = try next(UInt.self); return try BinaryScalar.exact(UInt.self, BinaryScalar.uint64(bytes, i, codingPath + [ProjectionCodingKey(intValue: index)]), codingPath + [ProjectionCodingKey(intValue: index)]) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { let index = currentIndex; let i = try next(UInt8.self); return try BinaryScalar.exact(UInt8.self, BinaryScalar.uint64(bytes, i, codingPath + [ProjectionCodingKey(intValue: index)]), codingPath + [ProjectionCodingKey(intValue: index)]) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { let index = currentIndex; let i = try next(UInt16.self); return try BinaryScalar.exact(UInt16.self, BinaryScalar.uint64(bytes, i, codingPath + [ProjectionCodingKey(intValue: index)]), codingPath + [ProjectionCodingKey(intValue: index)]) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { let index = currentIndex; let i = try next(UInt32.self); return try BinaryScalar.exact(UInt32.self, BinaryScalar.uint64(bytes, i, codingPath + [ProjectionCodingKey(intValue: index)]), codingPath + [ProjectionCodingKey(intValue: index)]) }
}

extension SingleValueBinaryDecoding {
    func decode(_ type: Bool.Type) throws -> Bool { let i = item; return try BinaryScalar.bool(bytes, i, codingPath) }
    func decode(_ type: String.Type) throws -> String { let i = item; return try BinaryScalar.string(bytes, i, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { let i = item; return try BinaryScalar.double(bytes, i, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { let i = item; return Float(try BinaryScalar.double(bytes, i, codingPath)) }
    func decode(_ type: Int64.Type) throws -> Int64 { let i = item; return try BinaryScalar.int64(bytes, i, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { let i = item; return try BinaryScalar.uint64(bytes, i, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { let i = item; return try BinaryScalar.exact(Int.self, BinaryScalar.int64(bytes, i, codingPath), codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { let i = item; return try BinaryScalar.exact(Int8.self, BinaryScalar.int64(bytes, i, codingPath), codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { let i = item; return try BinaryScalar.exact(Int16.self, BinaryScalar.int64(bytes, i, codingPath), codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { let i = item; return try BinaryScalar.exact(Int32.self, BinaryScalar.int64(bytes, i, codingPath), codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { let i = item; return try BinaryScalar.exact(UInt.self, BinaryScalar.uint64(bytes, i, codingPath), codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { let i = item; return try BinaryScalar.exact(UInt8.self, BinaryScalar.uint64(bytes, i, codingPath), codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { let i = item; return try BinaryScalar.exact(UInt16.self, BinaryScalar.uint64(bytes, i, codingPath), codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { let i = item; return try BinaryScalar.exact(UInt32.self, BinaryScalar.uint64(bytes, i, codingPath), codingPath) }
}
