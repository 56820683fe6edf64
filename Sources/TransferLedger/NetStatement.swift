import LedgerCore
import TransferRules

/// The net of a quarter's two statements between the provinces (`compensation statement --net`): what each side
/// owes the other and who pays the difference. One computation for its JSON and its CSV.
public struct NetStatement: Sendable {
    public var quarter: Quarter
    /// The two directions, `a → b` first.
    public var directions: [(payer: String, payee: String, totalFen: Int64)]
    public var payer: String
    public var payee: String
    public var amountFen: Int64

    /// The net of `ab` (a → b) and `ba` (b → a) of the same quarter.
    public init(_ ab: Statement, _ ba: Statement) {
        quarter = ab.quarter
        directions = [(ab.payer, ab.payee, ab.totalFen), (ba.payer, ba.payee, ba.totalFen)]
        let difference = ab.totalFen - ba.totalFen
        payer = difference >= 0 ? ab.payer : ba.payer
        payee = difference >= 0 ? ab.payee : ba.payee
        amountFen = abs(difference)
    }

    /// `{"quarter","directions":[{"payer","payee","totalFen"}…],"net":{"payer","payee","amountFen","amountYuan"}}`.
    public var json: JSONValue {
        .object([
            "quarter": .string(quarter.description),
            "directions": .array(directions.map { .object(["payer": .string($0.payer), "payee": .string($0.payee), "totalFen": .int($0.totalFen)]) }),
            "net": .object([
                "payer": .string(payer), "payee": .string(payee), "amountFen": .int(amountFen), "amountYuan": .string(Fen.yuan(amountFen)),
            ]),
        ])
    }

    /// One row per direction and a 合计 row with the net: quarter, payer and payee with their province names,
    /// amounts in fen and yuan; `chinese` selects Chinese column labels.
    public func csvDocument(chinese: Bool) -> CSVDocument {
        let header = chinese
            ? ["季度", "项目", "付款方", "付款方名称", "收款方", "收款方名称", "金额（分）", "金额（元）"]
            : ["quarter", "item", "payer", "payerName", "payee", "payeeName", "amountFen", "amountYuan"]
        func row(_ item: String, _ payer: String, _ payee: String, _ fen: Int64) -> [String] {
            [quarter.description, item, payer, Display.provinceName(payer), payee, Display.provinceName(payee), String(fen), Fen.yuan(fen)]
        }
        return CSVDocument(header: header, rows: directions.map { row(chinese ? "应付" : "owed", $0.payer, $0.payee, $0.totalFen) }
            + [row(chinese ? "合计（净额）" : "total (net)", payer, payee, amountFen)])
    }
}
