import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

private typealias P = TransferParty
private typealias B = TransferBody

/// Approval deadlines in working days across the 2025 National Day holiday, with the bundled calendar
/// (fixtures/reference/cn_public_holidays.csv): 2025-09-28 (Sun) and 2025-10-11 (Sat) are adjusted working days,
/// 2025-10-01…10-08 are holidays. SPEC §1 (business dates), §2.2.
///
/// Worked by hand from the csv:
/// - 5 working days after Fri 2025-09-26: 09-28 (Sun, 调休) 1, 09-29 2, 09-30 3, [10-01…10-08 holiday], 10-09 4, 10-10 5 → **2025-10-10**.
/// - 10 working days after 2025-09-26: …10-10 5, 10-11 (Sat, 调休) 6, 10-13 7, 10-14 8, 10-15 9, 10-16 10 → **2025-10-16**.
/// - 5 working days after 2025-09-30: 10-09 1, 10-10 2, 10-11 (Sat, 调休) 3, 10-13 4, 10-14 5 → **2025-10-14**.
/// - 5 working days after 2025-10-09: 10-10 1, 10-11 2, 10-13 3, 10-14 4, 10-15 5 → **2025-10-15**.
@Suite("Approval deadlines across the National Day holiday")
struct CalendarDeadlineTests {
    static func date(_ s: String) -> CivilDate { CivilDate(s)! }

    /// An application filed (and so accepted) on Friday 2025-09-26.
    static func appliedOnSeptember26(_ s: TransferScenario, _ id: String = "A-D", to: String = "2026-06-30") throws {
        try s.apply(id, from: "2025-10-01", to: to, on: "2025-09-26")
    }

    static func ids(_ list: [Anomaly]) -> [String] { list.map(\.id) }

    @Test("the review of an application accepted on 2025-09-26 is due 2025-10-10; listed from 10-11, not on 10-10")
    func reviewDue() throws {
        let s = try TransferScenario()
        try Self.appliedOnSeptember26(s)
        #expect(try s.anomalies(asOf: "2025-10-10", subject: "A-D").isEmpty)
        let listed = try s.anomalies(asOf: "2025-10-11", subject: "A-D")
        #expect(Self.ids(listed) == ["A-DEADLINE-REVIEW"])
        #expect(listed.first?.due == Self.date("2025-10-10"))
        #expect(Self.ids(try s.anomalies(asOf: "2025-12-31", subject: "A-D")) == ["A-DEADLINE-REVIEW"])
    }

    @Test("a review done on its due date 2025-10-10 is never listed")
    func reviewOnTime() throws {
        let s = try TransferScenario()
        try Self.appliedOnSeptember26(s)
        try s.review("A-D", on: "2025-10-10")
        for asOf in ["2025-10-10", "2025-10-11", "2025-10-20"] {
            #expect(try s.anomalies(asOf: asOf, subject: "A-D").isEmpty, "as of \(asOf)")
        }
    }

    @Test("a review done on the adjusted working day 2025-10-11 is late and stays listed")
    func reviewLate() throws {
        let s = try TransferScenario()
        try Self.appliedOnSeptember26(s)
        try s.review("A-D", on: "2025-10-11")
        let listed = try s.anomalies(asOf: "2025-10-20", subject: "A-D")
        #expect(Self.ids(listed) == ["A-DEADLINE-REVIEW"])
        #expect(listed.first?.due == Self.date("2025-10-10"))
    }

    @Test("the reply to a consultation requested 2025-09-26 is due 2025-10-16, counting 09-28 and 10-11")
    func replyDue() throws {
        let s = try TransferScenario()
        try Self.appliedOnSeptember26(s)
        try s.review("A-D", on: "2025-09-26")
        try s.requestConsultation("A-D", on: "2025-09-26")
        #expect(try s.anomalies(asOf: "2025-10-16", subject: "A-D").isEmpty)
        let listed = try s.anomalies(asOf: "2025-10-17", subject: "A-D")
        #expect(Self.ids(listed) == ["A-DEADLINE-REPLY"])
        #expect(listed.first?.due == Self.date("2025-10-16"))
    }

    @Test("a reply on its due date 2025-10-16 is not listed; one on 10-17 is")
    func replyOnTimeAndLate() throws {
        let onTime = try TransferScenario()
        try Self.appliedOnSeptember26(onTime)
        try onTime.review("A-D", on: "2025-09-26")
        try onTime.requestConsultation("A-D", on: "2025-09-26")
        try onTime.reply("A-D", on: "2025-10-16")
        #expect(!Self.ids(try onTime.anomalies(asOf: "2025-10-31", subject: "A-D")).contains("A-DEADLINE-REPLY"))

        let late = try TransferScenario()
        try Self.appliedOnSeptember26(late)
        try late.review("A-D", on: "2025-09-26")
        try late.requestConsultation("A-D", on: "2025-09-26")
        try late.reply("A-D", on: "2025-10-17")
        let listed = try late.anomalies(asOf: "2025-10-20", subject: "A-D").filter { $0.id == "A-DEADLINE-REPLY" }
        #expect(listed.map(\.due) == [Self.date("2025-10-16")])
    }

    @Test("the decision after a reply on 2025-09-30 is due 2025-10-14, counting 10-11")
    func decisionDue() throws {
        let s = try TransferScenario()
        try Self.appliedOnSeptember26(s)
        try s.review("A-D", on: "2025-09-26")
        try s.requestConsultation("A-D", on: "2025-09-29")
        try s.reply("A-D", on: "2025-09-30")
        #expect(try s.anomalies(asOf: "2025-10-14", subject: "A-D").isEmpty)
        let listed = try s.anomalies(asOf: "2025-10-15", subject: "A-D")
        #expect(Self.ids(listed) == ["A-DEADLINE-DECISION"])
        #expect(listed.first?.due == Self.date("2025-10-14"))
    }

    @Test("a decision on its due date 2025-10-14 is never listed")
    func decisionOnTime() throws {
        let s = try TransferScenario()
        try Self.appliedOnSeptember26(s)
        try s.review("A-D", on: "2025-09-26")
        try s.requestConsultation("A-D", on: "2025-09-29")
        try s.reply("A-D", on: "2025-09-30")
        try s.must("approval.decided", P.sc, B.approved("A-D", no: "N-D", from: "2025-10-15", to: "2026-06-30", on: "2025-10-14"))
        #expect(try s.anomalies(asOf: "2025-10-31", subject: "A-D").isEmpty)
    }

    @Test("a whitelist-route application accepted 2025-09-26 has only its decision due, on 2025-10-10")
    func whitelistRouteDecisionOnly() throws {
        let s = try TransferScenario()
        try s.confirmedWhitelist()
        try Self.appliedOnSeptember26(s, "A-W", to: "2025-12-31")
        #expect(try s.application("A-W")?.coveredWhenApplied == true)
        #expect(try s.anomalies(asOf: "2025-10-10", subject: "A-W").isEmpty)
        let listed = try s.anomalies(asOf: "2025-10-11", subject: "A-W")
        #expect(Self.ids(listed) == ["A-DEADLINE-DECISION"])
        #expect(listed.first?.due == Self.date("2025-10-10"))
        #expect(!Self.ids(try s.anomalies(asOf: "2025-12-31", subject: "A-W")).contains("A-DEADLINE-REVIEW"))
    }

    @Test("a whitelist-route decision on 2025-10-10 is not listed")
    func whitelistRouteOnTime() throws {
        let s = try TransferScenario()
        try s.confirmedWhitelist()
        try Self.appliedOnSeptember26(s, "A-W", to: "2025-12-31")
        try s.must("approval.decided", P.sc, B.approved("A-W", no: "N-W", from: "2025-10-11", to: "2025-12-31", on: "2025-10-10"))
        #expect(try s.anomalies(asOf: "2025-11-30", subject: "A-W").isEmpty)
    }

    @Test("an application not covered by the whitelist when accepted has its review due, even if a list is confirmed later")
    func coveredOnlyWhenAccepted() throws {
        let s = try TransferScenario()
        try Self.appliedOnSeptember26(s, "A-L", to: "2025-12-31")
        try s.confirmedWhitelist()
        #expect(Self.ids(try s.anomalies(asOf: "2025-10-11", subject: "A-L")) == ["A-DEADLINE-REVIEW"])
    }

    @Test("a timely incomplete notice moves acceptance to the supplement: supplemented 2025-10-09, review due 2025-10-15")
    func incompleteStopsTheClock() throws {
        let s = try TransferScenario()
        try Self.appliedOnSeptember26(s)
        try s.must("approval.incomplete", P.sc, ["applicationId": "A-D", "missing": ["经营许可证"], "notifiedOn": "2025-09-29"])
        // Awaiting the supplement nothing is due.
        #expect(try s.anomalies(asOf: "2025-10-09", subject: "A-D").isEmpty)
        try s.must("approval.supplemented", P.generator, ["applicationId": "A-D", "supplementedOn": "2025-10-09"])
        #expect(try s.anomalies(asOf: "2025-10-15", subject: "A-D").isEmpty)
        let listed = try s.anomalies(asOf: "2025-10-16", subject: "A-D")
        #expect(Self.ids(listed) == ["A-DEADLINE-REVIEW"])
        #expect(listed.first?.due == Self.date("2025-10-15"))
    }

    @Test("an incomplete notice given after its 5 working days (2025-10-13) does not stop the clock")
    func lateNoticeDoesNotStopTheClock() throws {
        let s = try TransferScenario()
        try Self.appliedOnSeptember26(s)
        try s.must("approval.incomplete", P.sc, ["applicationId": "A-D", "missing": ["经营许可证"], "notifiedOn": "2025-10-13"])
        let listed = try s.anomalies(asOf: "2025-10-14", subject: "A-D")
        #expect(Self.ids(listed) == ["A-DEADLINE-REVIEW"])
        #expect(listed.first?.due == Self.date("2025-10-10"))
    }

    @Test("a notice on the last day of the completeness period (2025-10-10) still stops the clock")
    func noticeOnLastDay() throws {
        let s = try TransferScenario()
        try Self.appliedOnSeptember26(s)
        try s.must("approval.incomplete", P.sc, ["applicationId": "A-D", "missing": ["经营许可证"], "notifiedOn": "2025-10-10"])
        #expect(try s.anomalies(asOf: "2025-10-20", subject: "A-D").isEmpty)
    }

    @Test("anomalies of an application are not listed before it was filed")
    func notBeforeFiling() throws {
        let s = try TransferScenario()
        try Self.appliedOnSeptember26(s)
        #expect(try s.anomalies(asOf: "2025-09-25", subject: "A-D").isEmpty)
    }
}
