import Foundation
import LedgerCore
import Synchronization
import TransferRules

/// The manifest projections decoded, kept between reads.
///
/// Reports over every manifest (the worklist, anomalies, compensation statements, the whitelist report) each decoded
/// all manifest rows again; at 100,000 manifests one 待办 page decoded them about five times. The cache answers from
/// memory while the log's size is the one it was filled at (every projection change is made by an append, in the same
/// transaction). When the log has grown it re-reads the rows in one read transaction and decodes only those whose
/// bytes changed, recognised by their length and a per-process keyed 64-bit hash (SipHash, seeded at random, so no
/// one can aim a collision at it). It serves pages and reports only: the write path and verification never read it.
final class ManifestCache: Sendable {
    struct Snapshot: Sendable {
        /// The log size the snapshot was read at.
        var size: UInt64
        /// Every manifest in number order.
        var list: [ManifestRecord]
        /// The same manifests by number.
        var byNumber: [String: ManifestRecord]
        /// Per number, the fingerprint of the row the record was decoded from.
        var fingerprints: [String: Fingerprint]
    }

    struct Fingerprint: Equatable, Sendable {
        var length: Int
        var hash: Int

        init(_ bytes: [UInt8]) {
            var hasher = Hasher()
            hasher.combine(bytes.count)
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
            length = bytes.count
            hash = hasher.finalize()
        }
    }

    private let current = Mutex<Snapshot?>(nil)

    /// The manifests as of the log's present size, refreshing what changed since the last read.
    func snapshot(_ store: any LedgerStore) throws -> Snapshot {
        let previous = current.withLock { $0 }
        let fresh = try store.read { r -> Snapshot in
            let size = try r.treeSize()
            if let previous, previous.size == size { return previous }
            var list: [ManifestRecord] = []
            var byNumber: [String: ManifestRecord] = [:]
            var fingerprints: [String: Fingerprint] = [:]
            try r.forEachProjection(kind: ProjectionKind.manifest, after: nil) { key, bytes in
                let fingerprint = Fingerprint(bytes)
                let record: ManifestRecord
                if let previous, previous.fingerprints[key] == fingerprint, let known = previous.byNumber[key] {
                    record = known
                } else {
                    record = try ProjectionCodec.decode(ManifestRecord.self, from: bytes, kind: ProjectionKind.manifest, key: key)
                }
                list.append(record)
                byNumber[key] = record
                fingerprints[key] = fingerprint
                return true
            }
            return Snapshot(size: size, list: list, byNumber: byNumber, fingerprints: fingerprints)
        }
        current.withLock { stored in
            if (stored?.size ?? 0) <= fresh.size { stored = fresh }
        }
        return fresh
    }
}
