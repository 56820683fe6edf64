/// Proofs served from a store, against stored checkpoints.
public enum LogProofs {
    /// The inclusion proof of `index` in the tree of `size` (RFC 9162 order).
    public static func inclusion(index: UInt64, size: UInt64, in reader: any LedgerReader) throws -> [Hash] {
        let treeSize = try reader.treeSize()
        guard size <= treeSize else { throw LedgerError.outOfRange("size \(size) exceeds the tree size \(treeSize)") }
        guard index < size else { throw LedgerError.outOfRange("index \(index) is not below size \(size)") }
        var builder = ProofBuilder(source: reader.subtreeHashes)
        return try builder.inclusionProof(index: index, size: size)
    }

    /// The consistency proof from `from` to `to`.
    public static func consistency(from: UInt64, to: UInt64, in reader: any LedgerReader) throws -> [Hash] {
        let treeSize = try reader.treeSize()
        guard to <= treeSize else { throw LedgerError.outOfRange("size \(to) exceeds the tree size \(treeSize)") }
        guard from >= 1, from <= to else { throw LedgerError.outOfRange("from must be between 1 and \(to)") }
        var builder = ProofBuilder(source: reader.subtreeHashes)
        return try builder.consistencyProof(from: from, to: to)
    }

    /// The tlog-proof (receipt) of `index` against `checkpoint`.
    public static func receipt(index: UInt64, checkpoint: StoredCheckpoint, in reader: any LedgerReader) throws -> TlogProof {
        let note = try SignedNote(parsing: checkpoint.note)
        let parsed = try Checkpoint(body: note.text)
        let proof = try inclusion(index: index, size: checkpoint.size, in: reader)
        return TlogProof(index: index, proof: proof, checkpoint: SignedCheckpoint(checkpoint: parsed, note: note))
    }
}
