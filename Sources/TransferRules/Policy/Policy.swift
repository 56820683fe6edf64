/// The versioned policy document carried by the genesis entry (SPEC §5). Every number here is policy data:
/// rules read it from here, never from constants.
public struct Policy: Sendable, Equatable {
    public struct Deadlines: Sendable, Equatable {
        public var reviewWorkingDays = 5
        public var replyWorkingDays = 10
        public var decisionWorkingDays = 5
        public var whitelistDecisionWorkingDays = 5
        public var receiptWorkingDays = 5
        public var inTransitDays = 10
        public init() {}
    }

    public struct Pilot: Sendable, Equatable {
        public var province: String
        public var from: CivilDate
        public var to: CivilDate
        public init(province: String, from: CivilDate, to: CivilDate) {
            self.province = province
            self.from = from
            self.to = to
        }
    }

    public struct P2P: Sendable, Equatable {
        public var pilots = [Pilot(province: "510000", from: CivilDate("2022-10-05")!, to: CivilDate("2024-10-04")!)]
        public var minAnnualGrams: Int64 = 0
        public var crossProvincePairs = false
        public init() {}
    }

    public struct Holiday: Sendable, Equatable {
        public var date: CivilDate
        public var isWorkday: Bool
        public init(date: CivilDate, isWorkday: Bool) {
            self.date = date
            self.isWorkday = isWorkday
        }
    }

    public var approvalMaxValidityMonths = 12
    public var deadlines = Deadlines()
    public var discrepancyPermille: Int64 = 50
    /// Nil means the bundled calendar of the reference data.
    public var holidays: [Holiday]?
    public var p2p = P2P()

    public init() {}
}
