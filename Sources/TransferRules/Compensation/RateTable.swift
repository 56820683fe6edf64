/// `compensation.rates.published`: a versioned rate table (SPEC §2.6).
public struct RatesPublished: Sendable, Equatable {
    public struct Direction: Sendable, Equatable, Codable {
        public var payer: String
        public var payee: String
        public var baseFenPerTonne: Int64
        public init(payer: String, payee: String, baseFenPerTonne: Int64) {
            self.payer = payer
            self.payee = payee
            self.baseFenPerTonne = baseFenPerTonne
        }
    }
    public var rateTableId: String
    public var effectiveFrom: CivilDate
    public var directions: [Direction]
    public var categoryPermille: [String: Int64]
    public var defaultCategoryPermille: Int64
    public var methodPermille: [String: Int64]
    public var p2pPermille: Int64?

    public init(
        rateTableId: String, effectiveFrom: CivilDate, directions: [Direction], categoryPermille: [String: Int64],
        defaultCategoryPermille: Int64, methodPermille: [String: Int64], p2pPermille: Int64?
    ) {
        self.rateTableId = rateTableId
        self.effectiveFrom = effectiveFrom
        self.directions = directions
        self.categoryPermille = categoryPermille
        self.defaultCategoryPermille = defaultCategoryPermille
        self.methodPermille = methodPermille
        self.p2pPermille = p2pPermille
    }
}

/// A published rate table and its confirmation (projection `rateTable`).
public struct RateTableRecord: Sendable, Equatable, Codable {
    public var table: Table
    public var publishedBy: String
    public var publishedAt: UInt64
    public var confirmedBy: String?
    public var confirmedAt: UInt64?

    /// The table's content.
    public struct Table: Sendable, Equatable, Codable {
        public var rateTableId: String
        public var effectiveFrom: CivilDate
        public var directions: [RatesPublished.Direction]
        public var categoryPermille: [String: Int64]
        public var defaultCategoryPermille: Int64
        public var methodPermille: [String: Int64]
        public var p2pPermille: Int64?
    }

    public init(_ e: RatesPublished, publishedBy: String, publishedAt: UInt64) {
        table = Table(
            rateTableId: e.rateTableId, effectiveFrom: e.effectiveFrom, directions: e.directions, categoryPermille: e.categoryPermille,
            defaultCategoryPermille: e.defaultCategoryPermille, methodPermille: e.methodPermille, p2pPermille: e.p2pPermille)
        self.publishedBy = publishedBy
        self.publishedAt = publishedAt
    }

    public func base(payer: String, payee: String) -> Int64? {
        table.directions.first { $0.payer == payer && $0.payee == payee }?.baseFenPerTonne
    }

    public func categoryFactor(_ category: String) -> Int64 { table.categoryPermille[category] ?? table.defaultCategoryPermille }

    /// The method factor: the exact code, else the longest `X*` prefix entry (e.g. `R*`), else 1000 (×1).
    public func methodFactor(_ method: String) -> Int64 {
        if let exact = table.methodPermille[method] { return exact }
        let wildcard = table.methodPermille.filter { $0.key.hasSuffix("*") && method.hasPrefix(String($0.key.dropLast())) }
            .max { $0.key.count < $1.key.count }
        return wildcard?.value ?? 1000
    }
}

/// `compensation.statement.closed`.
public struct StatementClosed: Sendable, Equatable {
    public var quarter: Quarter
    public var payer: String
    public var payee: String
    public var totalFen: Int64
    public var digest: String

    public init(quarter: Quarter, payer: String, payee: String, totalFen: Int64, digest: String) {
        self.quarter = quarter
        self.payer = payer
        self.payee = payee
        self.totalFen = totalFen
        self.digest = digest
    }
}

/// A closed statement (projection `statementClosed`, key `<quarter>/<payer>/<payee>`).
public struct ClosedStatementRecord: Sendable, Equatable, Codable {
    public var quarter: Quarter
    public var payer: String
    public var payee: String
    public var totalFen: Int64
    public var digest: String
    public var closedAt: UInt64

    public init(_ e: StatementClosed, closedAt: UInt64) {
        quarter = e.quarter
        payer = e.payer
        payee = e.payee
        totalFen = e.totalFen
        digest = e.digest
        self.closedAt = closedAt
    }

    public var key: String { Self.key(quarter: quarter, payer: payer, payee: payee) }
    public static func key(quarter: Quarter, payer: String, payee: String) -> String { "\(quarter)/\(payer)/\(payee)" }
}
