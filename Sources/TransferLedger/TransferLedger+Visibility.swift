import Synchronization
import TransferRules

/// Enterprises' provinces for one request's visibility checks, each read the first time it is asked for: a page
/// reads the parties it shows, not every enterprise's record (5,700 of them at 10^6 manifests).
public final class EnterpriseProvinces: Sendable {
    let ledger: TransferLedger
    let known = Mutex<[String: String]>([:])

    init(ledger: TransferLedger) { self.ledger = ledger }

    /// The province of enterprise `uscc`; nil when it is not registered.
    public func province(_ uscc: String) throws -> String? {
        if let p = known.withLock({ $0[uscc] }) { return p.isEmpty ? nil : p }
        let p = try ledger.enterprise(uscc)?.province
        known.withLock { $0[uscc] = p ?? "" }
        return p
    }
}

extension TransferLedger {
    /// The provinces of enterprises, read as they are asked for, for visibility checks over many records at once.
    public func enterpriseProvinces() -> EnterpriseProvinces { EnterpriseProvinces(ledger: self) }
}
