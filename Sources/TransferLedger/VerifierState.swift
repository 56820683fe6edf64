import Foundation
import LedgerCore

/// What `hwledger verify --state DIR` keeps between runs (`DIR/state.json`, beside the replayed projections in
/// `DIR/projections.sqlite`): the verified size, root, right edge and last leaf, the key registry replayed so far
/// and the checkpoints-table digest. A state that does not match the log is an integrity failure (check `state`),
/// never a silent full rerun (docs/decisions/008).
public struct VerifierState: Codable, Sendable, Equatable {
    public struct Key: Codable, Sendable, Equatable {
        /// `actor/keyId`.
        public var id: String
        /// The verifier key string.
        public var key: String
        public var revoked: Bool
    }

    public var version = 1
    public var origin: String?
    public var size: UInt64
    public var root: String
    public var lastLeaf: String
    public var rightEdge: [String]
    public var checkpointCount: Int
    public var checkpointDigest: String
    public var keys: [Key]
    /// Where the rotating comparison of the projections stopped (kind and last key); absent: at the start.
    public var projectionKind: String?
    public var projectionKey: String?
}

extension IncrementalVerifier {
    /// The state to persist after a successful run.
    public var state: VerifierState {
        let (cursor, authority, digest, position) = snapshot
        return VerifierState(
            origin: authority.origin, size: cursor.size, root: cursor.range.root.hex, lastLeaf: cursor.lastLeaf.hex,
            rightEdge: cursor.range.hashes.map(\.hex), checkpointCount: digest.count, checkpointDigest: digest.digest.hex,
            keys: authority.keys.sorted { $0.key < $1.key }.map { VerifierState.Key(id: $0.key, key: $0.value.key.description, revoked: $0.value.revoked) },
            projectionKind: position?.kind, projectionKey: position?.key)
    }

    /// A verifier that resumes from `state` (with `scratch` holding the projections replayed up to it).
    ///
    /// - Throws: a `state` failure when the state does not parse.
    public convenience init(
        ledger: TransferLedger, scratch: any LedgerStore, resuming state: VerifierState, projectionRowsPerRun: Int = defaultProjectionRowsPerRun
    ) throws(VerificationFailure) {
        self.init(ledger: ledger, scratch: scratch, projectionRowsPerRun: projectionRowsPerRun)
        try VerificationFailure.wrap(.state) {
            func hash(_ s: String) throws -> Hash {
                guard let h = Hash(hex: s) else { throw LedgerError.integrity(index: nil, "state holds a malformed hash \(s.prefix(80))") }
                return h
            }
            guard state.version == 1 else { throw LedgerError.integrity(index: nil, "state version \(state.version) is not 1") }
            var cursor = VerifierCursor(range: try CompactRange(size: state.size, hashes: state.rightEdge.map(hash)), lastLeaf: try hash(state.lastLeaf))
            cursor.checkpointsChecked = 0
            guard cursor.range.root == (try hash(state.root)) else {
                throw LedgerError.integrity(index: nil, "state's right edge does not give its root")
            }
            var authority = KeyReplay()
            authority.origin = state.origin
            for k in state.keys { authority.keys[k.id] = (try VerifierKey(parsing: k.key), k.revoked) }
            let position = state.projectionKind.flatMap { kind in state.projectionKey.map { TransferLedger.ProjectionPosition(kind: kind, key: $0) } }
            restore(
                cursor: cursor, authority: authority, digest: CheckpointDigest(size: state.size, count: state.checkpointCount, digest: try hash(state.checkpointDigest)),
                projectionPosition: position)
        }
    }
}
