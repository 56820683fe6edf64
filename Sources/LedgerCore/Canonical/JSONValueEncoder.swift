import Foundation

/// Encodes an `Encodable` value straight into a ``JSONValue`` tree: what Foundation's `JSONEncoder` followed by
/// ``CanonicalJSON/decode(_:)`` gives (`Data` as base64, `nil` members left out unless encoded as null), without the
/// JSON text in between — a page of 100 manifests spent most of its time there. Integers must fit in Int64 and there
/// are no floating-point numbers, as in every JSON value hwledger hashes or serves (SPEC §3.1).
///
/// ``CanonicalJSON/encode(encoding:)`` writes the same value's canonical bytes from the same slots, without building
/// the tree's dictionaries (a read document of 100 manifests spent most of its time hashing and then sorting their
/// keys).
public enum JSONValueEncoder {
    public static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        try slots(value).value
    }

    static func slots<T: Encodable>(_ value: T) throws -> Slot {
        let root = Slot()
        try root.store(value, path: [])
        return root
    }

    /// An object's members in the order they were first encoded; a key encoded again reaches its first slot, as a
    /// dictionary would (looked up through an index once an object is large, e.g. a dictionary of labels).
    struct Members {
        var pairs: [(key: String, slot: Slot)] = []
        var index: [String: Int]?

        mutating func slot(_ key: String) -> Slot {
            if let index {
                if let i = index[key] { return pairs[i].slot }
            } else if let i = pairs.firstIndex(where: { $0.key == key }) {
                return pairs[i].slot
            }
            let child = Slot()
            pairs.append((key, child))
            if index != nil {
                index![key] = pairs.count - 1
            } else if pairs.count > 16 {
                index = Dictionary(uniqueKeysWithValues: pairs.enumerated().map { ($1.key, $0) })
            }
            return child
        }
    }

    /// One value under construction: a scalar, or the members or elements containers add to it.
    final class Slot {
        enum Content {
            case empty
            case scalar(JSONValue)
            case object(Members)
            case array([Slot])
        }
        var content = Content.empty

        var value: JSONValue {
            switch content {
            case .empty: .object([:])
            case .scalar(let v): v
            case .object(let members): .object(Dictionary(uniqueKeysWithValues: members.pairs.map { ($0.key, $0.slot.value) }))
            case .array(let items): .array(items.map(\.value))
            }
        }

        /// Appends the canonical encoding of ``value`` to `out`.
        func write(into out: inout [UInt8]) {
            switch content {
            case .empty: out.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
            case .scalar(let v): CanonicalJSON.write(v, into: &out)
            case .object(let members): CanonicalJSON.writeMembers(members.pairs, key: \.key, into: &out) { $0.slot.write(into: &$1) }
            case .array(let items): CanonicalJSON.writeElements(items, into: &out) { $0.write(into: &$1) }
            }
        }

        func store<T: Encodable>(_ value: T, path: [any CodingKey]) throws {
            // A type comparison, not a cast: this runs for every value encoded.
            if T.self == Data.self, let data = value as? Data {
                content = .scalar(.string(data.base64EncodedString()))
                return
            }
            try value.encode(to: SlotEncoder(slot: self, codingPath: path))
        }

        /// The slot of member `key` (made an object if it is not one). The members are taken out of `content` while
        /// they change, so they are changed in place rather than copied per member.
        func member(_ key: String) -> Slot {
            guard case .object(var members) = content else {
                var members = Members()
                let child = members.slot(key)
                content = .object(members)
                return child
            }
            content = .empty
            let child = members.slot(key)
            content = .object(members)
            return child
        }

        /// A new last element (made an array if it is not one), appended in place as ``member(_:)`` is.
        func append() -> Slot {
            let child = Slot()
            guard case .array(var items) = content else {
                content = .array([child])
                return child
            }
            content = .empty
            items.append(child)
            content = .array(items)
            return child
        }

        func becomeObject() { if case .object = content {} else { content = .object(Members()) } }
        func becomeArray() { if case .array = content {} else { content = .array([]) } }
    }

    static func integer<I: BinaryInteger>(_ v: I, _ path: [any CodingKey]) throws -> JSONValue {
        guard let n = Int64(exactly: v) else {
            throw EncodingError.invalidValue(v, .init(codingPath: path, debugDescription: "\(v) does not fit in a signed 64-bit integer"))
        }
        return .int(n)
    }

    static func noFloat(_ v: Any, _ path: [any CodingKey]) -> EncodingError {
        EncodingError.invalidValue(v, .init(codingPath: path, debugDescription: "JSON values here hold integers only"))
    }

    struct SlotEncoder: Encoder {
        let slot: Slot
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            slot.becomeObject()
            return KeyedEncodingContainer(Keyed<Key>(slot: slot, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            slot.becomeArray()
            return Unkeyed(slot: slot, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(slot: slot, codingPath: codingPath) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let slot: Slot
        let codingPath: [any CodingKey]

        func set(_ v: JSONValue, _ key: Key) { slot.member(key.stringValue).content = .scalar(v) }

        mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
        mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { throw noFloat(value, codingPath + [key]) }
        mutating func encode(_ value: Float, forKey key: Key) throws { throw noFloat(value, codingPath + [key]) }
        mutating func encode(_ value: Int, forKey key: Key) throws { set(try integer(value, codingPath + [key]), key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { set(try integer(value, codingPath + [key]), key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { set(try integer(value, codingPath + [key]), key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { set(try integer(value, codingPath + [key]), key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { set(.int(value), key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { set(try integer(value, codingPath + [key]), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { set(try integer(value, codingPath + [key]), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { set(try integer(value, codingPath + [key]), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { set(try integer(value, codingPath + [key]), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { set(try integer(value, codingPath + [key]), key) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try slot.member(key.stringValue).store(value, path: codingPath + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let child = slot.member(key.stringValue)
            child.becomeObject()
            return KeyedEncodingContainer(Keyed<NestedKey>(slot: child, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = slot.member(key.stringValue)
            child.becomeArray()
            return Unkeyed(slot: child, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder { SlotEncoder(slot: slot.member("super"), codingPath: codingPath) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { SlotEncoder(slot: slot.member(key.stringValue), codingPath: codingPath + [key]) }
    }

    /// What an unkeyed and a single-value container share: each scalar becomes one value (an element, or the value).
    protocol ScalarSink {
        var codingPath: [any CodingKey] { get }
        func put(_ v: JSONValue)
        func put<T: Encodable>(_ value: T) throws
    }

    struct Unkeyed: UnkeyedEncodingContainer, ScalarSink {
        let slot: Slot
        let codingPath: [any CodingKey]
        var count: Int {
            if case .array(let items) = slot.content { return items.count }
            return 0
        }

        func put(_ v: JSONValue) { slot.append().content = .scalar(v) }
        func put<T: Encodable>(_ value: T) throws { try slot.append().store(value, path: codingPath) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let child = slot.append()
            child.becomeObject()
            return KeyedEncodingContainer(Keyed<NestedKey>(slot: child, codingPath: codingPath))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = slot.append()
            child.becomeArray()
            return Unkeyed(slot: child, codingPath: codingPath)
        }

        mutating func superEncoder() -> any Encoder { SlotEncoder(slot: slot.append(), codingPath: codingPath) }
    }

    struct Single: SingleValueEncodingContainer, ScalarSink {
        let slot: Slot
        let codingPath: [any CodingKey]

        func put(_ v: JSONValue) { slot.content = .scalar(v) }
        func put<T: Encodable>(_ value: T) throws { try slot.store(value, path: codingPath) }
    }
}

extension JSONValueEncoder.ScalarSink {
    mutating func encodeNil() throws { put(.null) }
    mutating func encode(_ value: Bool) throws { put(.bool(value)) }
    mutating func encode(_ value: String) throws { put(.string(value)) }
    mutating func encode(_ value: Double) throws { throw JSONValueEncoder.noFloat(value, codingPath) }
    mutating func encode(_ value: Float) throws { throw JSONValueEncoder.noFloat(value, codingPath) }
    mutating func encode(_ value: Int) throws { put(try JSONValueEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: Int8) throws { put(try JSONValueEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: Int16) throws { put(try JSONValueEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: Int32) throws { put(try JSONValueEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: Int64) throws { put(.int(value)) }
    mutating func encode(_ value: UInt) throws { put(try JSONValueEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: UInt8) throws { put(try JSONValueEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: UInt16) throws { put(try JSONValueEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: UInt32) throws { put(try JSONValueEncoder.integer(value, codingPath)) }
    mutating func encode(_ value: UInt64) throws { put(try JSONValueEncoder.integer(value, codingPath)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try put(value) }
}

extension CanonicalJSON {
    /// The canonical bytes of `value` as ``JSONValueEncoder`` encodes it: `encode(JSONValueEncoder.encode(value))`,
    /// written from the encoder's slots without the tree.
    public static func encode<T: Encodable>(encoding value: T) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        try write(encoding: value, into: &out)
        return out
    }

    /// Appends the canonical bytes of `value` (``encode(encoding:)``) to `out`.
    public static func write<T: Encodable>(encoding value: T, into out: inout [UInt8]) throws {
        try JSONValueEncoder.slots(value).write(into: &out)
    }
}
