/// One item of a compensation statement: a received manifest line, or (with `ofQuarter`) an adjustment carrying
/// differences for a line of a closed quarter.
public struct StatementItem: Sendable, Equatable, Codable {
    public var manifestNo: String
    public var line: Int
    public var wasteCode: String
    public var category: String
    public var method: String
    public var receivedGrams: Int64
    public var rateTableId: String
    public var baseFenPerTonne: Int64
    public var categoryPermille: Int64
    public var methodPermille: Int64
    public var amountFen: Int64
    public var ofQuarter: Quarter?
}

/// A statement for (quarter, payer province, payee province) (SPEC §2.6). Items and adjustments are sorted by
/// manifest number, then line; the total is their sum.
public struct Statement: Sendable, Equatable, Codable {
    public var quarter: Quarter
    public var payer: String
    public var payee: String
    public var items: [StatementItem]
    public var adjustments: [StatementItem]
    public var totalFen: Int64 { items.reduce(0) { $0 + $1.amountFen } + adjustments.reduce(0) { $0 + $1.amountFen } }
}

/// What a statement is computed from, all read from the projections.
public struct CompensationInputs: Sendable {
    public var manifests: [ManifestRecord]
    public var tables: [RateTableRecord]
    public var closes: [ClosedStatementRecord]
    /// Province of each enterprise.
    public var provinces: [String: String]

    public init(manifests: [ManifestRecord], tables: [RateTableRecord], closes: [ClosedStatementRecord], provinces: [String: String]) {
        self.manifests = manifests
        self.tables = tables
        self.closes = closes
        self.provinces = provinces
    }
}

extension RegimeContext {
    /// The statement of `quarter` for one direction over all of `inputs` (``StatementBuilder``, one manifest at a time).
    public func statement(quarter: Quarter, payer: String, payee: String, inputs: CompensationInputs) -> Statement {
        var builder = StatementBuilder(quarter: quarter, payer: payer, payee: payee, tables: inputs.tables, closes: inputs.closes)
        for m in inputs.manifests { builder.add(StatementManifest(m), provinces: inputs.provinces) }
        return builder.statement
    }
}

/// A statement for (quarter, payer, payee) computed one manifest at a time: only the items are kept, so a caller can
/// read the manifests in chunks. A closed quarter is computed as of its close (entries before the close), so it never
/// changes; later corrections and late receipts become adjustments of the first quarter after it that was not closed
/// when they were entered.
public struct StatementBuilder: Sendable {
    public let quarter: Quarter
    public let payer: String
    public let payee: String
    let tables: [RateTableRecord]
    /// Close entry index of each closed quarter of this direction.
    let closes: [Quarter: UInt64]
    var items: [StatementItem] = []
    var adjustments: [StatementItem] = []

    public init(quarter: Quarter, payer: String, payee: String, tables: [RateTableRecord], closes: [ClosedStatementRecord]) {
        self.quarter = quarter
        self.payer = payer
        self.payee = payee
        self.tables = tables
        self.closes = Dictionary(closes.filter { $0.payer == payer && $0.payee == payee }.map { ($0.quarter, $0.closedAt) }, uniquingKeysWith: { a, _ in a })
    }

    /// Whether no manifest added so far gave an item or an adjustment.
    public var isEmpty: Bool { items.isEmpty && adjustments.isEmpty }

    /// Items and adjustments sorted by manifest number, then line.
    public var statement: Statement {
        let order: (StatementItem, StatementItem) -> Bool = { ($0.manifestNo, $0.line) < ($1.manifestNo, $1.line) }
        return Statement(quarter: quarter, payer: payer, payee: payee, items: items.sorted(by: order), adjustments: adjustments.sorted(by: order))
    }

    /// The first quarter after `p` not closed at entry `index`.
    func target(after p: Quarter, at index: UInt64) -> Quarter {
        var t = p.next
        while let closedAt = closes[t], closedAt < index { t = t.next }
        return t
    }

    /// Adds the items and adjustments of `m` (each manifest once); `provinces` gives its generator's and receiver's.
    public mutating func add(_ m: StatementManifest, provinces: [String: String]) {
        guard m.returnOf == nil, let receipt = m.receipt, provinces[m.generator] == payer, provinces[m.receiver] == payee else { return }
        let limit = closes[quarter] ?? UInt64.max
        let delivered = receipt.deliveredAt.shanghaiDate
        let p = Quarter(containing: delivered)
        guard p <= quarter else { return }
        let closeP = closes[p]
        let versions = m.versions.sorted { $0.index < $1.index }
        // Value of each line as last accounted for, to compute adjustment differences.
        var accounted: [Int: StatementItem] = [:]
        for v in versions {
            let inP = closeP.map { v.index < $0 } ?? true
            if inP {
                guard p == quarter, v.index < limit else {
                    if let closeP { for item in evaluate(m, v, delivered: delivered, asOf: closeP) { accounted[item.line] = item } }
                    continue
                }
                for item in evaluate(m, v, delivered: delivered, asOf: min(closeP ?? UInt64.max, limit)) { accounted[item.line] = item }
                continue
            }
            guard v.index < limit else { continue }
            let t = target(after: p, at: v.index)
            for new in evaluate(m, v, delivered: delivered, asOf: v.index + 1) {
                let old = accounted[new.line]
                accounted[new.line] = new
                guard t == quarter else { continue }
                var diff = new
                diff.receivedGrams = new.receivedGrams - (old?.receivedGrams ?? 0)
                diff.amountFen = new.amountFen - (old?.amountFen ?? 0)
                diff.ofQuarter = p
                if diff.receivedGrams != 0 || diff.amountFen != 0 || old == nil { adjustments.append(diff) }
            }
        }
        if p == quarter { items += Array(accounted.values) }
    }

    /// The items of one version of a manifest's receipt, priced with the table in force at delivery among those
    /// confirmed before entry `asOf`.
    func evaluate(_ m: StatementManifest, _ v: ManifestRecord.Version, delivered: CivilDate, asOf: UInt64) -> [StatementItem] {
        let table = tables
            .filter { ($0.confirmedAt ?? UInt64.max) < asOf && $0.table.effectiveFrom <= delivered && $0.base(payer: payer, payee: payee) != nil }
            .max { ($0.table.effectiveFrom, $0.confirmedAt ?? 0) < ($1.table.effectiveFrom, $1.confirmedAt ?? 0) }
        guard let table, let base = table.base(payer: payer, payee: payee) else { return [] }
        var out: [StatementItem] = []
        for received in v.lines {
            let code = m.lines[received.line - 1].wasteCode
            let category = WasteCode.category(of: code)
            let categoryFactor = table.categoryFactor(category)
            let methodFactor: Int64
            if case .p2p = m.basis { methodFactor = table.table.p2pPermille ?? 0 } else { methodFactor = table.methodFactor(v.method) }
            out.append(StatementItem(
                manifestNo: m.manifestNo, line: received.line, wasteCode: code, category: category, method: v.method,
                receivedGrams: received.grams, rateTableId: table.table.rateTableId, baseFenPerTonne: base, categoryPermille: categoryFactor,
                methodPermille: methodFactor,
                amountFen: Fen.lineAmount(grams: received.grams, baseFenPerTonne: base, categoryPermille: categoryFactor, methodPermille: methodFactor),
                ofQuarter: nil))
        }
        return out
    }
}
