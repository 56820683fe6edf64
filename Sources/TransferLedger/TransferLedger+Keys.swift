import LedgerCore
import TransferRules

extension TransferLedger {
    /// The key `keyId` of `principal` if it was added (or named in the genesis entry) and not revoked, as the
    /// projections stand now.
    ///
    /// Signed HTTP reads authenticate with it. It says nothing about the key's state at an earlier index, and a
    /// key whose projection row does not parse is treated as absent.
    ///
    /// - Throws: storage errors.
    public func activeKey(principal: String, keyId: String) throws -> VerifierKey? {
        try store.read { reader in
            let state = ProjectionState(reader: reader, origin: "")
            guard let record = try state.key(principal: principal, keyId: keyId), record.revokedAt == nil else { return nil }
            return try? VerifierKey(parsing: record.key)
        }
    }
}
