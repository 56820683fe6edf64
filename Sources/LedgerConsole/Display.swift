import LedgerServer
import TransferLedger
import TransferRules

/// What the console adds to the shared ``Display`` helpers.
extension Display {
    /// An RFC 3339 instant as stored in an entry, in 北京时间; text that is not one is shown as it is.
    static func beijingTime(_ text: String) -> String { UTCInstant(text).map { beijingTime($0) } ?? text }
}

/// Names of the principals a page mentions, looked up once per page.
struct Names {
    let enterprises: [String: Enterprise]
    let regulators: [String: String]
    let reference: ReferenceData

    init(ledger: TransferLedger) throws {
        enterprises = Dictionary(try ledger.enterprises().map { ($0.uscc, $0) }, uniquingKeysWith: { a, _ in a })
        regulators = Dictionary(try ledger.regulators().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        reference = ledger.reference
    }

    func name(_ id: String) -> String {
        enterprises[id]?.name ?? regulators[id] ?? id
    }

    /// `{"name","id","place"}` for a template: the name, with the USCC or principal id beside it.
    func party(_ id: String) -> [String: Any] {
        var out: [String: Any] = ["name": name(id), "id": id]
        if let e = enterprises[id] { out["place"] = reference.divisions[e.division]?.name ?? e.division }
        return out
    }

    func method(_ code: String) -> String { reference.methods[code].map { "\(code) \($0.meaning)" } ?? code }

    func displayName(_ p: ReadPrincipal) -> String {
        switch p {
        case .operatorOf(let o): "运营方 \(o)"
        case .regulator(let id, _): regulators[id] ?? id
        case .enterprise(let uscc, _): enterprises[uscc]?.name ?? uscc
        }
    }
}
