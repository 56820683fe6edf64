import Foundation
import LedgerServer
import TransferLedger
import TransferRules

/// What the console adds to the shared ``Display`` helpers.
extension Display {
    /// An RFC 3339 instant as stored in an entry, in 北京时间; text that is not one is shown as it is.
    static func beijingTime(_ text: String) -> String { UTCInstant(text).map { beijingTime($0) } ?? text }
}

/// Names of the principals a page mentions, through one ``EnterpriseLookup`` per page (which the page's visibility
/// checks share): each enterprise read once when first named, never the whole registry unless a page lists it. A
/// record that cannot be read shows as its id.
final class Names: Sendable {
    /// The page's enterprises, read as they are named.
    let enterprises: EnterpriseLookup
    let regulators: [String: String]
    let reference: ReferenceData

    init(ledger: TransferLedger) throws {
        enterprises = ledger.enterpriseLookup()
        regulators = Dictionary(try ledger.regulators().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        reference = ledger.reference
    }

    /// The enterprise `uscc` names, nil for none (or a principal that is not an enterprise).
    func enterprise(_ uscc: String) -> Enterprise? { (try? enterprises.enterprise(uscc)) ?? nil }

    /// Reads the enterprises of `usccs` not read yet, in one transaction.
    func preload(_ usccs: some Sequence<String>) throws { try enterprises.preload(usccs) }

    /// Every registered enterprise, for a page that lists or offers them all (the registry, a choice of carriers).
    func allEnterprises() throws -> [Enterprise] { try enterprises.all() }

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
