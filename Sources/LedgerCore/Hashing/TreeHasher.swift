import Crypto

/// RFC 6962 / RFC 9162 hashing with domain separation: leaves are prefixed 0x00, interior nodes 0x01.
public enum TreeHasher {
    /// Prefix of a leaf hash input.
    public static let leafPrefix: UInt8 = 0x00
    /// Prefix of an interior node hash input.
    public static let nodePrefix: UInt8 = 0x01

    /// The root of the empty tree: SHA-256 of nothing.
    public static let emptyRoot = Hash.sha256([UInt8]())

    /// SHA-256(0x00 ‖ data).
    public static func leafHash(_ data: some Collection<UInt8>) -> Hash {
        var hasher = SHA256()
        hasher.update(data: [leafPrefix])
        if let done = data.withContiguousStorageIfAvailable({ buffer in hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer)) }) {
            _ = done
        } else {
            hasher.update(data: Array(data))
        }
        return Hash(digest: hasher.finalize())
    }

    /// SHA-256(0x01 ‖ left ‖ right).
    public static func nodeHash(_ left: Hash, _ right: Hash) -> Hash {
        nodeHash(rawLeft: left.bytes, rawRight: right.bytes)
    }

    /// The node hash over arbitrary child bytes (only the reference vectors need this form).
    public static func nodeHash(rawLeft: [UInt8], rawRight: [UInt8]) -> Hash {
        var hasher = SHA256()
        hasher.update(data: [nodePrefix])
        hasher.update(data: rawLeft)
        hasher.update(data: rawRight)
        return Hash(digest: hasher.finalize())
    }
}
