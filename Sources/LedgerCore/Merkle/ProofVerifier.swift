/// RFC 9162 proof verification. Pure functions over hashes; nothing here trusts a tree size on its own.
public enum ProofVerifier {
    /// Verifies an inclusion proof (RFC 9162 §2.1.3.2).
    ///
    /// - Throws: ``LedgerError/badProof(_:)`` when the proof does not lead from `leaf` to `root`.
    public static func verifyInclusion(leaf: Hash, index: UInt64, size: UInt64, proof: [Hash], root: Hash) throws(LedgerError) {
        guard index < size else { throw .badProof("index \(index) is not below tree size \(size)") }
        var fn = index
        var sn = size - 1
        var r = leaf
        for p in proof {
            guard sn != 0 else { throw .badProof("inclusion proof is too long") }
            if fn & 1 == 1 || fn == sn {
                r = TreeHasher.nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = TreeHasher.nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw .badProof("inclusion proof is too short") }
        guard r == root else { throw .badProof("inclusion proof leads to \(r.hex), not the root \(root.hex)") }
    }

    /// Verifies a consistency proof between two tree heads (RFC 9162 §2.1.4.2).
    ///
    /// A proof from size 0 is rejected: RFC 9162 defines none.
    public static func verifyConsistency(
        oldSize: UInt64, oldRoot: Hash, newSize: UInt64, newRoot: Hash, proof: [Hash]
    ) throws(LedgerError) {
        guard oldSize > 0 else { throw .badProof("no consistency proof from the empty tree") }
        guard oldSize <= newSize else { throw .badProof("old size \(oldSize) exceeds new size \(newSize)") }
        if oldSize == newSize {
            guard proof.isEmpty else { throw .badProof("a proof between equal sizes must be empty") }
            guard oldRoot == newRoot else { throw .badProof("equal sizes with different roots") }
            return
        }
        var path = proof
        if oldSize.nonzeroBitCount == 1 { path.insert(oldRoot, at: 0) }
        guard !path.isEmpty else { throw .badProof("empty consistency proof") }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { throw .badProof("consistency proof is too long") }
            if fn & 1 == 1 || fn == sn {
                fr = TreeHasher.nodeHash(c, fr)
                sr = TreeHasher.nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = TreeHasher.nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw .badProof("consistency proof is too short") }
        guard fr == oldRoot else { throw .badProof("consistency proof does not match the old root") }
        guard sr == newRoot else { throw .badProof("consistency proof does not match the new root") }
    }
}
