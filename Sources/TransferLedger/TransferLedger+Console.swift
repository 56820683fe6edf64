import LedgerCore
import TransferRules

/// One entry as a reader of a printout needs it: who signed with which key, and the leaf hash its receipt proves.
public struct EntrySignature: Sendable, Equatable {
    public var index: UInt64
    public var actor: String
    public var keyId: String
    public var signedAt: String
    public var time: String
    public var leafHash: Hash
}

extension TransferLedger {
    /// The permits `holder` holds (operating or transport), or every permit when nil, in permit-number order.
    public func permits(of holder: String?) throws -> [PermitRecord] {
        var list: [PermitRecord] = []
        try all(PermitRecord.self, kind: ProjectionKind.permit) { p in
            if holder == nil || p.holder == holder { list.append(p) }
            return true
        }
        return list
    }

    /// The signer, key id and leaf hash of entries `indices`, read from their exact bytes.
    ///
    /// - Throws: ``LedgerError/integrity(index:_:)`` when a stored entry does not parse; storage errors.
    public func signatures(of indices: [UInt64]) throws -> [EntrySignature] {
        try store.read { r in
            try indices.map { i in
                let bytes = try r.entry(at: i)
                let entry = try Entry(bytes: bytes)
                return EntrySignature(
                    index: i, actor: entry.submission.actor, keyId: entry.submission.keyID, signedAt: entry.submission.signedAt,
                    time: entry.time, leafHash: TreeHasher.leafHash(bytes))
            }
        }
    }
}
