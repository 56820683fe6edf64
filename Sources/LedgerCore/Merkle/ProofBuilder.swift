/// Something that can hand out the hash of any perfect subtree of a tree.
public protocol SubtreeHashSource {
    /// The hash of the perfect subtree `node`; it must lie within the tree the proof is for.
    func hash(of node: NodeID) throws -> Hash
}

/// Builds RFC 9162 proofs from stored perfect-subtree hashes with O(log n) reads.
///
/// Every range the RFC's recursion hashes is either a perfect subtree (one read) or a right edge `[k, n)` whose
/// perfect subtrees are those of n's binary decomposition; those are read once and cached for the call.
public struct ProofBuilder<Source: SubtreeHashSource> {
    let source: Source
    var cache: [NodeID: Hash] = [:]

    public init(source: Source) { self.source = source }

    mutating func node(_ id: NodeID) throws -> Hash {
        if let h = cache[id] { return h }
        let h = try source.hash(of: id)
        cache[id] = h
        return h
    }

    /// MTH(D[start:end]).
    mutating func rangeHash(_ start: UInt64, _ end: UInt64) throws -> Hash {
        let n = end - start
        if n.nonzeroBitCount == 1, start % n == 0 {
            let level = n.trailingZeroBitCount
            return try node(NodeID(level: level, index: start >> UInt64(level)))
        }
        let k = largestPowerOfTwo(below: n)
        let left = try rangeHash(start, start + k)
        let right = try rangeHash(start + k, end)
        return TreeHasher.nodeHash(left, right)
    }

    /// RFC 9162 §2.1.3.1 PATH(index, D[0:size]), leaf-to-root order.
    public mutating func inclusionProof(index: UInt64, size: UInt64) throws -> [Hash] {
        guard index < size else { throw LedgerError.outOfRange("index \(index) is not below tree size \(size)") }
        return try path(index, 0, size)
    }

    mutating func path(_ m: UInt64, _ start: UInt64, _ end: UInt64) throws -> [Hash] {
        let n = end - start
        if n == 1 { return [] }
        let k = largestPowerOfTwo(below: n)
        if m < k {
            return try path(m, start, start + k) + [rangeHash(start + k, end)]
        }
        return try path(m - k, start + k, end) + [rangeHash(start, start + k)]
    }

    /// RFC 9162 §2.1.4.1 PROOF(from, D[0:to]).
    public mutating func consistencyProof(from m: UInt64, to n: UInt64) throws -> [Hash] {
        guard m > 0 else { throw LedgerError.outOfRange("no consistency proof from the empty tree") }
        guard m <= n else { throw LedgerError.outOfRange("from \(m) exceeds to \(n)") }
        if m == n { return [] }
        return try subproof(m, 0, n, true)
    }

    mutating func subproof(_ m: UInt64, _ start: UInt64, _ end: UInt64, _ complete: Bool) throws -> [Hash] {
        let n = end - start
        if m == n {
            return complete ? [] : [try rangeHash(start, end)]
        }
        let k = largestPowerOfTwo(below: n)
        if m <= k {
            return try subproof(m, start, start + k, complete) + [rangeHash(start + k, end)]
        }
        return try subproof(m - k, start + k, end, false) + [rangeHash(start, start + k)]
    }

    /// The root of the tree of `size` leaves, computed from stored subtrees.
    public mutating func root(size: UInt64) throws -> Hash {
        size == 0 ? TreeHasher.emptyRoot : try rangeHash(0, size)
    }
}

/// The largest power of two strictly smaller than `n` (n ≥ 2).
@inline(__always)
func largestPowerOfTwo(below n: UInt64) -> UInt64 {
    1 << UInt64(63 - (n - 1).leadingZeroBitCount)
}
