/// A perfect subtree of the log's tree: `level` 0 is a leaf, and node (level, index) covers the leaves
/// `[index · 2^level, (index + 1) · 2^level)`.
public struct NodeID: Hashable, Sendable, CustomStringConvertible {
    public var level: Int
    public var index: UInt64

    public init(level: Int, index: UInt64) {
        self.level = level
        self.index = index
    }

    /// The position of this node in the order nodes are completed while leaves are appended (post-order).
    ///
    /// A node is completed by the append of leaf `b − 1`, where `b = (index + 1) · 2^level`; before that append
    /// `2(b−1) − popcount(b−1)` nodes exist, and that append completes its levels 0, 1, … in turn. The store keys
    /// its node table by this number, so the node table is append-only and streams in the order it was written.
    public var storageID: UInt64 {
        let end = (index + 1) << UInt64(level)
        let before = end - 1
        return 2 * before - UInt64(before.nonzeroBitCount) + UInt64(level)
    }

    /// The number of nodes stored for a tree of `size` leaves.
    public static func nodeCount(forSize size: UInt64) -> UInt64 {
        2 * size - UInt64(size.nonzeroBitCount)
    }

    public var description: String { "(\(level), \(index))" }
}
