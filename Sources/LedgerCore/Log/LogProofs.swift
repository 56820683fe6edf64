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

/// Whether an entry's receipt can be given under a witness policy.
public enum ReceiptAvailability: Sendable {
    /// The receipt against the latest published checkpoint, carrying its cosignatures.
    case ready(TlogProof)
    /// The entry is in signed checkpoint `size`, which lacks the quorum: who cosigned it and who is missing.
    case awaitingWitnesses(size: UInt64, have: [String], missing: [String], quorum: Int)
    /// No signed checkpoint covers the entry.
    case notCovered(latestSize: UInt64)

    /// A sentence for the last two cases.
    public var reason: String? {
        switch self {
        case .ready: nil
        case .awaitingWitnesses(let size, let have, let missing, let quorum):
            "entry is in signed checkpoint \(size), which has \(have.count) of the \(quorum) witness cosignatures it needs; missing: \(missing.joined(separator: ", "))"
        case .notCovered(let size): "entry is not covered by the latest signed checkpoint of size \(size)"
        }
    }
}

extension LogProofs {
    /// The receipt of `index` against the latest checkpoint published under `policy` (the one API, CLI and tests
    /// use): the latest carrying the quorum of cosignatures, or the latest signed one without a quorum.
    public static func receipt(index: UInt64, policy: WitnessPolicy, in reader: any LedgerReader) throws -> ReceiptAvailability {
        guard let latest = try reader.latestCheckpoint(), index < latest.size else {
            return .notCovered(latestSize: try reader.latestCheckpoint()?.size ?? 0)
        }
        if let published = try reader.publishedCheckpoint(policy: policy), index < published.size {
            return .ready(try receipt(index: index, checkpoint: published, in: reader))
        }
        let have = try policy.cosigners(of: SignedNote(parsing: try reader.withCosignatures(latest).note))
        return .awaitingWitnesses(
            size: latest.size, have: have.map(\.name), missing: policy.witnesses.filter { !have.contains($0) }.map(\.name),
            quorum: policy.quorum)
    }
}
