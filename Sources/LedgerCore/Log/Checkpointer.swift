/// Signs checkpoints, never two without a verified consistency proof between them (SPEC §3.3).
public struct Checkpointer: Sendable {
    public let origin: String
    /// The operator key(s) that sign; each key's name must be the origin. More than one during a key rotation.
    public let keys: [SigningKey]

    public init(origin: String, keys: [SigningKey]) throws(LedgerError) {
        guard !keys.isEmpty else { throw .malformedKey("at least one operator key is needed to sign checkpoints") }
        for key in keys where key.name != origin {
            throw .malformedKey("operator key is named \(key.name), but checkpoints of \(origin) need a key named \(origin)")
        }
        self.origin = origin
        self.keys = keys
    }

    /// Signs and stores a checkpoint of the current tree unless the latest one already covers it.
    ///
    /// Before signing, the consistency proof from the latest stored checkpoint to the new tree is built from the
    /// stored nodes and verified against both roots, so a damaged store cannot make the log sign a fork.
    ///
    /// With `verified` (the size and root a verifier established from the entries), the checkpoint is of that
    /// size, not of the current tree, and the stored nodes must give that root: the daemon never signs over
    /// entries it has not verified. A latest checkpoint already beyond `verified` is returned as it is.
    ///
    /// - Returns: the latest checkpoint after the call.
    @discardableResult
    public func publish(in writer: any LedgerWriter, verified: (size: UInt64, root: Hash)? = nil) throws -> StoredCheckpoint {
        let treeSize = try writer.treeSize()
        let size = verified?.size ?? treeSize
        guard size <= treeSize else {
            throw LedgerError.integrity(index: treeSize, "the verified size \(size) exceeds the tree of size \(treeSize)")
        }
        var builder = ProofBuilder(source: writer.subtreeHashes)
        let root = try builder.root(size: size)
        if let verified, verified.root != root {
            throw LedgerError.integrity(index: nil, "the stored tree of size \(size) disagrees with the verified root")
        }
        let latest = try writer.latestCheckpoint()
        if let latest, verified != nil, latest.size > size { return latest }
        if let latest {
            if latest.size == size {
                guard latest.root == root else {
                    throw LedgerError.integrity(index: nil, "stored tree of size \(size) disagrees with its checkpoint")
                }
                return latest
            }
            guard latest.size < size else {
                throw LedgerError.integrity(index: nil, "tree of size \(size) is shorter than checkpoint \(latest.size)")
            }
            if latest.size > 0 {
                let proof = try builder.consistencyProof(from: latest.size, to: size)
                try ProofVerifier.verifyConsistency(oldSize: latest.size, oldRoot: latest.root, newSize: size, newRoot: root, proof: proof)
            }
        }
        let signed = Checkpoint(origin: origin, size: size, root: root).signed(by: keys)
        let stored = StoredCheckpoint(size: size, root: root, note: signed.text)
        try writer.insertCheckpoint(stored)
        return stored
    }
}
