/// What reference data a ledger judges with, and what is about to run out (`hwledger reference status`, `/healthz`).
public struct ReferenceStatus: Sendable, Equatable {
    public struct Edition: Sendable, Equatable {
        public var edition: String
        /// Nil for the single list without an editions index (it applies on every date).
        public var effectiveFrom: CivilDate?
        public var codes: Int
        public var file: String
    }

    public var divisions: Int
    /// Division codes no longer in force (with `valid_to`).
    public var endedDivisions: Int
    public var editions: [Edition]
    public var methods: Int
    /// The years the working-day calendar lists; nil when it lists none.
    public var calendarYears: ClosedRange<Int>?
    /// Whether the calendar comes from the genesis policy rather than the reference files.
    public var calendarFromPolicy: Bool
    /// Sentences an operator should act on.
    public var warnings: [String]

    /// Days ahead that `reference status` looks: it warns a year before the calendar runs out.
    public static let statusMarginDays = 365
    /// Days ahead that `/healthz` looks: deadlines counted now (10 working days, a holiday week) can reach this far.
    public static let healthMarginDays = 60
}

extension RegimeContext {
    /// The loaded reference data, with a warning when the holiday calendar does not reach `marginDays` past `today`.
    public func referenceStatus(today: CivilDate, marginDays: Int = ReferenceStatus.statusMarginDays) -> ReferenceStatus {
        let r = reference
        let editions: [ReferenceStatus.Edition] = r.editions.isEmpty
            ? [.init(edition: "", effectiveFrom: nil, codes: r.wasteCodes.count, file: ReferenceData.File.wasteCodes.rawValue)]
            : r.editions.map { .init(edition: $0.edition, effectiveFrom: $0.effectiveFrom, codes: $0.codes.count, file: $0.file) }
        return ReferenceStatus(
            divisions: r.divisions.count, endedDivisions: r.divisions.values.filter { $0.validTo != nil }.count, editions: editions,
            methods: r.methods.count, calendarYears: calendar.coveredYears, calendarFromPolicy: policy.holidays != nil,
            warnings: calendar.coverageWarning(on: today, marginDays: marginDays).map { [$0] } ?? [])
    }
}
