import Foundation
import LedgerServer
import TransferLedger
import TransferRules

/// What the console adds to the shared ``Display`` helpers.
extension Display {
    /// An RFC 3339 instant as stored in an entry, in 北京时间; text that is not one is shown as it is.
    static func beijingTime(_ text: String) -> String { UTCInstant(text).map { beijingTime($0) } ?? text }
}

/// Names of the principals a page mentions, each enterprise read once per page when first named (or with
/// ``preload(_:)``, many in one read): never the whole registry, which grows with the ledger, unless a page lists it
/// (``allEnterprises()``).
final class Names: @unchecked Sendable {
    private let ledger: TransferLedger
    let regulators: [String: String]
    let reference: ReferenceData
    private let lock = NSLock()
    /// USCC → the enterprise, or nil when there is none.
    private var known: [String: Enterprise?] = [:]
    private var everyone: [Enterprise]?

    init(ledger: TransferLedger) throws {
        self.ledger = ledger
        regulators = Dictionary(try ledger.regulators().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        reference = ledger.reference
    }

    /// The enterprise `uscc` names, nil for none (or a principal that is not an enterprise).
    func enterprise(_ uscc: String) -> Enterprise? {
        if let hit = lock.withLock({ known[uscc] }) { return hit }
        guard uscc.utf8.count == 18 else { return nil }
        let found = try? ledger.enterprise(uscc)
        lock.withLock { known[uscc] = .some(found) }
        return found
    }

    /// Reads the enterprises of `usccs` not read yet, in one transaction.
    func preload(_ usccs: some Sequence<String>) throws {
        let missing = Set(usccs.filter { $0.utf8.count == 18 }).subtracting(lock.withLock { Set(known.keys) })
        guard !missing.isEmpty else { return }
        let found = try ledger.enterprises(named: missing)
        lock.withLock { for uscc in missing { known[uscc] = .some(found[uscc]) } }
    }

    /// Every registered enterprise, for a page that lists or offers them all (the registry, a choice of carriers).
    func allEnterprises() throws -> [Enterprise] {
        if let all = lock.withLock({ everyone }) { return all }
        let all = try ledger.enterprises()
        lock.withLock {
            everyone = all
            for e in all { known[e.uscc] = .some(e) }
        }
        return all
    }

    func name(_ id: String) -> String {
        enterprise(id)?.name ?? regulators[id] ?? id
    }

    /// `{"name","id","place"}` for a template: the name, with the USCC or principal id beside it.
    func party(_ id: String) -> [String: Any] {
        var out: [String: Any] = ["name": name(id), "id": id]
        if let e = enterprise(id) { out["place"] = reference.divisions[e.division]?.name ?? e.division }
        return out
    }

    /// The 地市 of a division, by name: a county's prefecture (市、州), or the municipality itself for its districts
    /// (重庆's 区县 hang from 500000, so 重庆市). Never a bare code: an unknown code falls back to its province's name.
    func cityName(division: String) -> String {
        var code = division
        while let info = reference.divisions[code] {
            if info.level == "city" || info.level == "province" || info.parent.isEmpty { return info.name }
            code = info.parent
        }
        if let prefecture = reference.divisions[String(division.prefix(4)) + "00"] { return prefecture.name }
        return Display.provinceName(String(division.prefix(2)) + "0000")
    }

    func method(_ code: String) -> String { reference.methods[code].map { "\(code) \($0.meaning)" } ?? code }

    func displayName(_ p: ReadPrincipal) -> String {
        switch p {
        case .operatorOf(let o): "运营方 \(o)"
        case .regulator(let id, _): regulators[id] ?? id
        case .enterprise(let uscc, _): enterprise(uscc)?.name ?? uscc
        }
    }
}
