import Foundation
import LedgerCore
import TransferRules

/// Reads what a compensation statement needs from the projections, through one transaction's `state` (a write path
/// sees its own transaction).
struct CompensationReader {
    let state: ProjectionState

    func all<T: Decodable>(_ type: T.Type, _ kind: String) throws -> [T] {
        var out: [T] = []
        try state.reader.forEachProjection(kind: kind, after: nil) { key, bytes in
            out.append(try ProjectionCodec.decode(T.self, from: bytes, kind: kind, key: key))
            return true
        }
        return out
    }

    func tables() throws -> [RateTableRecord] { try all(RateTableRecord.self, ProjectionKind.rateTable) }
    func closes() throws -> [ClosedStatementRecord] { try all(ClosedStatementRecord.self, ProjectionKind.statementClosed) }

    /// The manifests a statement of `quarter` for one direction can hold, each once, in index order (that quarter's
    /// deliveries first), read `chunk` index rows at a time, as much of each as statements read; `body` returns false
    /// to stop.
    func forEachCandidate(from quarter: Quarter, payer: String, payee: String, chunk: Int = 256, _ body: (StatementManifest) throws -> Bool) throws {
        var after: String?
        var seen: Set<String> = []
        while true {
            var numbers: [String] = []
            guard let last = try TransferLedger.forEachStatementKey(state.reader, from: quarter, direction: "\(payer)>\(payee)", after: after, limit: chunk, { no in
                if seen.insert(no).inserted { numbers.append(no) }
                return true
            }) else { return }
            after = last
            for no in numbers {
                guard let bytes = try state.reader.projection(kind: ProjectionKind.manifest, key: no) else {
                    throw LedgerError.integrity(index: nil, "read model \(ReadModelKind.statementManifest) names \(no), which is not a manifest")
                }
                guard try body(try ProjectionCodec.decode(StatementManifest.self, from: bytes, kind: ProjectionKind.manifest, key: no)) else { return }
            }
        }
    }

    /// The statement of `quarter` for one direction, from the manifests its `statementManifest` rows name, added one at
    /// a time (memory holds the items, not the manifests).
    func statement(quarter: Quarter, payer: String, payee: String) throws -> Statement {
        var builder = StatementBuilder(quarter: quarter, payer: payer, payee: payee, tables: try tables(), closes: try closes())
        var provinces: [String: String] = [:]
        try forEachCandidate(from: quarter, payer: payer, payee: payee) { m in
            for uscc in [m.generator, m.receiver] where provinces[uscc] == nil { provinces[uscc] = try state.enterprise(uscc)?.province ?? "" }
            builder.add(m, provinces: provinces)
            return true
        }
        return builder.statement
    }
}

/// The normative statement JSON (SPEC §2.6) and its digest: exactly the object of the SPEC, nothing added.
public enum StatementJSON {
    static func item(_ i: StatementItem) -> JSONValue {
        var o: [String: JSONValue] = [
            "manifestNo": .string(i.manifestNo), "line": .int(Int64(i.line)), "wasteCode": .string(i.wasteCode),
            "category": .string(i.category), "method": .string(i.method), "receivedGrams": .int(i.receivedGrams),
            "rateTableId": .string(i.rateTableId), "baseFenPerTonne": .int(i.baseFenPerTonne),
            "categoryPermille": .int(i.categoryPermille), "methodPermille": .int(i.methodPermille), "amountFen": .int(i.amountFen),
        ]
        if let q = i.ofQuarter { o["ofQuarter"] = .string(q.description) }
        return .object(o)
    }

    /// The members other than the two lists.
    static func head(_ s: Statement) -> [String: JSONValue] {
        ["quarter": .string(s.quarter.description), "payer": .string(s.payer), "payee": .string(s.payee), "totalFen": .int(s.totalFen)]
    }

    public static func json(_ s: Statement) -> JSONValue {
        var o = head(s)
        o["items"] = .array(s.items.map(item))
        o["adjustments"] = .array(s.adjustments.map(item))
        return .object(o)
    }

    /// The canonical bytes of ``json(_:)``, written item by item (a quarter at national volume holds ~10^5 items; their
    /// tree would take hundreds of MiB).
    public static func canonicalBytes(_ s: Statement) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + 320 * (s.items.count + s.adjustments.count))
        var members: [(key: String, value: (inout [UInt8]) -> Void)] = head(s).map { member in
            (member.key, { CanonicalJSON.write(member.value, into: &$0) })
        }
        members.append(("items", { CanonicalJSON.writeArray(s.items, into: &$0, item) }))
        members.append(("adjustments", { CanonicalJSON.writeArray(s.adjustments, into: &$0, item) }))
        CanonicalJSON.writeObject(members, into: &out)
        return out
    }

    /// Hex SHA-256 of the statement's canonical JSON.
    public static func digest(_ s: Statement) -> String { Hash.sha256(canonicalBytes(s)).hex }

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
        try store.read { try CompensationReader(state: ProjectionState(reader: $0, origin: "")).statement(quarter: quarter, payer: payer, payee: payee) }
    }

    /// Every rate table, published or confirmed.
    public func rateTables() throws -> [RateTableRecord] { try store.read { try CompensationReader(state: ProjectionState(reader: $0, origin: "")).tables() } }

    /// The closed statements.
    public func closedStatements() throws -> [ClosedStatementRecord] {
        try store.read { try CompensationReader(state: ProjectionState(reader: $0, origin: "")).closes() }
    }

    /// Registrations of the 点对点 pilot.
    public func p2pRegistrations() throws -> [P2PRecord] {
        var out: [P2PRecord] = []
        try all(P2PRecord.self, kind: ProjectionKind.p2p) { out.append($0); return true }
        return out
    }

    public func p2pRegistration(_ no: String) throws -> P2PRecord? { try withState { try $0.p2p(no) } }
}
