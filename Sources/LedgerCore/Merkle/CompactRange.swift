/// The right edge of a tree: the roots of the perfect subtrees that make up `[0, size)`, largest first.
///
/// Enough to append leaves and compute the root without reading anything else. It holds at most 64 hashes.
public struct CompactRange: Sendable, Equatable {
    /// Number of leaves covered.
    public private(set) var size: UInt64
    /// Perfect-subtree roots, from the leftmost (largest) to the rightmost (smallest).
    public private(set) var hashes: [Hash]

    /// The empty range.
    public init() {
        size = 0
        hashes = []
    }

    /// A range from its perfect-subtree roots; the count must equal the number of one bits in `size`.
    public init(size: UInt64, hashes: [Hash]) throws(LedgerError) {
        guard hashes.count == size.nonzeroBitCount else {
            throw .integrity(index: nil, "compact range of size \(size) needs \(size.nonzeroBitCount) hashes, got \(hashes.count)")
        }
        self.size = size
        self.hashes = hashes
    }

    /// The nodes whose hashes make up the compact range of a tree of `size` leaves, largest first.
    public static func nodes(forSize size: UInt64) -> [NodeID] {
        var result: [NodeID] = []
        var start: UInt64 = 0
        for level in stride(from: 63, through: 0, by: -1) where size & (1 << UInt64(level)) != 0 {
            result.append(NodeID(level: level, index: start >> UInt64(level)))
            start += 1 << UInt64(level)
        }
        return result
    }

    /// Appends one leaf hash and returns the nodes it completes, the leaf first, then its new ancestors.
    @discardableResult
    public mutating func append(_ leaf: Hash) -> [(NodeID, Hash)] {
        var completed: [(NodeID, Hash)] = [(NodeID(level: 0, index: size), leaf)]
        var hash = leaf
        var level = 0
        var index = size
        hashes.append(leaf)
        while index & 1 == 1 {
            let left = hashes[hashes.count - 2]
            hashes.removeLast(2)
            hash = TreeHasher.nodeHash(left, hash)
            level += 1
            index >>= 1
            hashes.append(hash)
            completed.append((NodeID(level: level, index: index), hash))
        }
        size += 1
        return completed
    }

    /// The RFC 9162 root hash of the covered tree.
    public var root: Hash {
        guard var acc = hashes.last else { return TreeHasher.emptyRoot }
        for h in hashes.dropLast().reversed() { acc = TreeHasher.nodeHash(h, acc) }
        return acc
    }
}
