import Foundation
import LedgerCore
import TransferRules

/// Reads what a compensation statement needs from the projections.
struct CompensationReader {
    let reader: any LedgerReader
    let context: RegimeContext
    /// The manifests when the caller has them already (read paths: those the statement can hold, from the read
    /// model); nil reads them all through `reader` (the write path, which must see its own transaction).
    var manifests: [ManifestRecord]? = nil

    func inputs() throws -> CompensationInputs {
        func all<T: Decodable>(_ type: T.Type, _ kind: String) throws -> [T] {
            var out: [T] = []
            try reader.forEachProjection(kind: kind, after: nil) { key, bytes in
                out.append(try ProjectionCodec.decode(T.self, from: bytes, kind: kind, key: key))
                return true
            }
            return out
        }
        // The provinces of the generators and receivers of the manifests given (point reads), else of everyone.
        var provinces: [String: String] = [:]
        if let manifests {
            let state = ProjectionState(reader: reader, origin: "")
            for uscc in Set(manifests.flatMap { [$0.generator, $0.receiver] }) { provinces[uscc] = try state.enterprise(uscc)?.province }
        } else {
            provinces = Dictionary(try all(Enterprise.self, ProjectionKind.enterprise).map { ($0.uscc, $0.province) }, uniquingKeysWith: { a, _ in a })
        }
        return CompensationInputs(
            manifests: try manifests ?? all(ManifestRecord.self, ProjectionKind.manifest), tables: try all(RateTableRecord.self, ProjectionKind.rateTable),
            closes: try all(ClosedStatementRecord.self, ProjectionKind.statementClosed), provinces: provinces)
    }

    func statement(quarter: Quarter, payer: String, payee: String) throws -> Statement {
        context.statement(quarter: quarter, payer: payer, payee: payee, inputs: try inputs())
    }
}

/// The normative statement JSON (SPEC §2.6) and its digest: exactly the object of the SPEC, nothing added.
public enum StatementJSON {
    public static func json(_ s: Statement) -> JSONValue {
        func item(_ i: StatementItem) -> JSONValue {
            var o: [String: JSONValue] = [
                "manifestNo": .string(i.manifestNo), "line": .int(Int64(i.line)), "wasteCode": .string(i.wasteCode),
                "category": .string(i.category), "method": .string(i.method), "receivedGrams": .int(i.receivedGrams),
                "rateTableId": .string(i.rateTableId), "baseFenPerTonne": .int(i.baseFenPerTonne),
                "categoryPermille": .int(i.categoryPermille), "methodPermille": .int(i.methodPermille), "amountFen": .int(i.amountFen),
            ]
            if let q = i.ofQuarter { o["ofQuarter"] = .string(q.description) }
            return .object(o)
        }
        return .object([
            "quarter": .string(s.quarter.description), "payer": .string(s.payer), "payee": .string(s.payee),
            "items": .array(s.items.map(item)), "adjustments": .array(s.adjustments.map(item)), "totalFen": .int(s.totalFen),
        ])
    }

    /// Hex SHA-256 of the statement's canonical JSON.
    public static func digest(_ s: Statement) -> String { Hash.sha256(json(s).canonicalBytes).hex }

    static let columns: [(en: String, zh: String)] = [
        ("manifestNo", "联单编号"), ("line", "序号"), ("wasteCode", "废物代码"), ("category", "废物类别"), ("method", "利用/处置方式"),
        ("receivedGrams", "接收量（克）"), ("receivedTonnes", "接收量（吨）"), ("rateTableId", "费率表"), ("baseFenPerTonne", "基准（分/吨）"),
        ("categoryPermille", "类别系数（‰）"), ("methodPermille", "方式系数（‰）"), ("amountFen", "金额（分）"), ("amountYuan", "金额（元）"),
        ("ofQuarter", "调整所属季度"),
    ]

    /// The statement as a CSV document: a header row, one row per item and adjustment (amounts in fen and yuan), a
    /// total row; `chinese` selects Chinese column labels.
    public static func csvDocument(_ s: Statement, chinese: Bool) -> CSVDocument {
        let rows = (s.items + s.adjustments).map { i in
            [
                i.manifestNo, String(i.line), i.wasteCode, i.category, i.method, String(i.receivedGrams), Mass.tonnes(i.receivedGrams),
                i.rateTableId, String(i.baseFenPerTonne), String(i.categoryPermille), String(i.methodPermille), String(i.amountFen),
                Fen.yuan(i.amountFen), i.ofQuarter?.description ?? "",
            ]
        }
        var total = Array(repeating: "", count: columns.count)
        total[0] = chinese ? "合计" : "total"
        total[11] = String(s.totalFen)
        total[12] = Fen.yuan(s.totalFen)
        return CSVDocument(header: columns.map { chinese ? $0.zh : $0.en }, rows: rows + [total])
    }

    /// The statement as CSV text (``CSVDocument/text(excel:)``: `excel` adds the UTF-8 BOM and CRLF line ends).
    public static func csv(_ s: Statement, chinese: Bool, excel: Bool = false) -> String {
        csvDocument(s, chinese: chinese).text(excel: excel)
    }
}

extension TransferLedger {
    /// The statement of a quarter for one direction (SPEC §2.6).
    public func statement(quarter: Quarter, payer: String, payee: String) throws -> Statement {
        let context = try context()
        let manifests = try statementManifests(from: quarter, payer: payer, payee: payee)
        return try store.read { try CompensationReader(reader: $0, context: context, manifests: manifests).statement(quarter: quarter, payer: payer, payee: payee) }
    }

    /// Every rate table, published or confirmed.
    public func rateTables() throws -> [RateTableRecord] {
        var out: [RateTableRecord] = []
        try all(RateTableRecord.self, kind: ProjectionKind.rateTable) { out.append($0); return true }
        return out
    }

    /// The closed statements.
    public func closedStatements() throws -> [ClosedStatementRecord] {
        var out: [ClosedStatementRecord] = []
        try all(ClosedStatementRecord.self, kind: ProjectionKind.statementClosed) { out.append($0); return true }
        return out
    }

    /// Registrations of the 点对点 pilot.
    public func p2pRegistrations() throws -> [P2PRecord] {
        var out: [P2PRecord] = []
        try all(P2PRecord.self, kind: ProjectionKind.p2p) { out.append($0); return true }
        return out
    }

    public func p2pRegistration(_ no: String) throws -> P2PRecord? { try withState { try $0.p2p(no) } }
}
