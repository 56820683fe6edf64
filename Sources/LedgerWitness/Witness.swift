import LedgerCore

/// A C2SP tlog-witness: checks each submitted checkpoint against the one it last cosigned for the origin and, when
/// consistent, stores it and returns its tlog-cosignature/v1.
///
/// Check-and-persist is one ``WitnessStateStore/update(_:)`` transaction (`BEGIN IMMEDIATE`): the held size is read,
/// the request checked and the new state stored inside it, and the cosignature is made only after it committed. So
/// two concurrent requests, or a crash between check and answer, can never yield cosignatures on two checkpoints of
/// one origin that are not consistent. A validly signed checkpoint that cannot be consistent with the held one is
/// kept as ``WitnessEvidence``.
public struct Witness: Sendable {
    /// The cosigner key.
    public let key: CosignerSigningKey
    /// The logs this witness serves: origin → the log's verifier keys.
    public let logs: [String: [VerifierKey]]
    public let store: any WitnessStateStore
    /// POSIX seconds now (injected).
    public let clock: @Sendable () -> UInt64

    public init(key: CosignerSigningKey, logs: [VerifierKey], store: any WitnessStateStore, clock: @escaping @Sendable () -> UInt64) {
        self.key = key
        self.logs = Dictionary(grouping: logs, by: \.name)
        self.store = store
        self.clock = clock
    }

    /// Handles one add-checkpoint request body.
    ///
    /// - Returns: the cosignature on the submitted checkpoint.
    /// - Throws: ``WitnessError`` with the tlog-witness status code; the held state is unchanged then, and evidence is
    ///   recorded when the checkpoint is validly signed but inconsistent with the held one.
    public func addCheckpoint(_ body: [UInt8]) throws(WitnessError) -> Cosignature {
        let request = try AddCheckpointRequest(parsing: body)
        let note: SignedNote
        let checkpoint: Checkpoint
        do {
            note = try SignedNote(parsing: request.checkpointBytes)
            checkpoint = try Checkpoint(body: note.text)
        } catch {
            throw .malformed("the checkpoint: \(error)")
        }
        guard let keys = logs[checkpoint.origin] else { throw .unknownOrigin(checkpoint.origin) }
        do { try note.verify(with: keys) } catch { throw .forbidden("\(error)") }
        guard request.oldSize <= checkpoint.size else {
            throw .malformed("old size \(request.oldSize) exceeds the checkpoint size \(checkpoint.size)")
        }
        let receivedAt = Int64(clock())
        let submitted = note.serialized
        let outcome: Result<Void, WitnessError>
        do {
            outcome = try store.update { tx in
                try Self.check(request, checkpoint: checkpoint, note: submitted, receivedAt: receivedAt, in: tx)
            }
        } catch {
            throw .storage("\(error)")
        }
        try outcome.get()
        return key.cosign(checkpointBody: note.text, at: clock())
    }

    /// The check and the state update, inside the transaction. A refusal is returned, not thrown, so that evidence
    /// written in the same transaction commits.
    static func check(
        _ request: AddCheckpointRequest, checkpoint: Checkpoint, note: String, receivedAt: Int64, in tx: any WitnessStateTransaction
    ) throws -> Result<Void, WitnessError> {
        let held = try tx.state(origin: checkpoint.origin)
        let heldSize = held?.size ?? 0
        guard request.oldSize == heldSize else {
            return .failure(.conflict(heldSize: heldSize, "old size \(request.oldSize) is not the held size \(heldSize)"))
        }
        func evidence(_ reason: String) throws {
            try tx.addEvidence(WitnessEvidence(
                origin: checkpoint.origin, receivedAt: receivedAt, reason: reason, heldNote: held?.note ?? "",
                oldSize: request.oldSize, proof: request.proof, submittedNote: note))
        }
        if let held {
            if checkpoint.size == held.size {
                guard checkpoint.root == held.root else {
                    let reason = "checkpoint of size \(held.size) has root \(checkpoint.root.base64), the held one \(held.root.base64)"
                    try evidence(reason)
                    return .failure(.forked(heldSize: heldSize, reason))
                }
                guard request.proof.isEmpty else { return .failure(.badProof("a proof between equal sizes must be empty")) }
                return .success(())
            }
            do {
                try ProofVerifier.verifyConsistency(
                    oldSize: held.size, oldRoot: held.root, newSize: checkpoint.size, newRoot: checkpoint.root, proof: request.proof)
            } catch {
                try evidence("\(error)")
                return .failure(.badProof("\(error)"))
            }
        } else {
            guard request.proof.isEmpty else { return .failure(.badProof("the proof must be empty when old size is 0")) }
            if checkpoint.size == 0, checkpoint.root != TreeHasher.emptyRoot {
                return .failure(.badProof("a checkpoint of size 0 must carry the empty tree's root"))
            }
        }
        try tx.setState(WitnessLogState(origin: checkpoint.origin, size: checkpoint.size, root: checkpoint.root, note: note))
        return .success(())
    }
}
