import Synchronization
import TransferRules

/// Enterprises for one request, each read the first time it is asked for (or with ``preload(_:)``, many in one
/// read): a page or a visibility check reads the parties it meets, never the whole registry (5,700 enterprises at
/// 10^6 manifests) unless it lists it (``all()``). The console's names and the API's visibility checks both read
/// through it.
public final class EnterpriseLookup: Sendable {
    let ledger: TransferLedger
    /// USCC → the enterprise, or nil when none is registered; and the whole registry once a page listed it.
    private let state = Mutex<(known: [String: Enterprise?], everyone: [Enterprise]?)>(([:], nil))

    init(ledger: TransferLedger) { self.ledger = ledger }

    /// The enterprise `uscc` names; nil when none is registered (a regulator's or the operator's id included).
    public func enterprise(_ uscc: String) throws -> Enterprise? {
        if let hit = state.withLock({ $0.known[uscc] }) { return hit }
        guard uscc.utf8.count == 18 else { return nil }
        let found = try ledger.enterprise(uscc)
        state.withLock { $0.known[uscc] = .some(found) }
        return found
    }

    /// The province of enterprise `uscc`; nil when it is not registered.
    public func province(_ uscc: String) throws -> String? { try enterprise(uscc)?.province }

    /// Reads the enterprises of `usccs` not read yet, in one transaction.
    public func preload(_ usccs: some Sequence<String>) throws {
        let known = state.withLock { Set($0.known.keys) }
        let missing = Set(usccs.filter { $0.utf8.count == 18 }).subtracting(known)
        guard !missing.isEmpty else { return }
        let found = try ledger.enterprises(named: missing)
        state.withLock { for uscc in missing { $0.known[uscc] = .some(found[uscc]) } }
    }

    /// Every registered enterprise, for a page that lists or offers them all (the registry, a choice of carriers).
    public func all() throws -> [Enterprise] {
        if let all = state.withLock({ $0.everyone }) { return all }
        let all = try ledger.enterprises()
        state.withLock {
            $0.everyone = all
            for e in all { $0.known[e.uscc] = .some(e) }
        }
        return all
    }
}

extension TransferLedger {
    /// A lookup of enterprises read as they are asked for, for one request's pages and visibility checks.
    public func enterpriseLookup() -> EnterpriseLookup { EnterpriseLookup(ledger: self) }
}
