import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

private typealias P = TransferParty

/// Deadlines counted past the last year of the holiday calendar (2024–2026 in the bundled list) are provisional.
@Suite("Calendar coverage")
struct CalendarCoverageTests {
    @Test("a review due in 2027 (accepted 2026-12-28) is flagged provisional naming 2027; one due inside 2026 is not")
    func provisional2027() throws {
        let s = try TransferScenario()
        try s.apply("APP-2027", from: "2027-01-04", to: "2027-12-31", on: "2026-12-28")
        try s.apply("APP-2026", from: "2026-06-01", to: "2026-12-31", on: "2026-06-01")
        let late = try s.anomalies(asOf: "2027-03-01")
        let flagged = try #require(late.first { $0.subject == "APP-2027" })
        #expect(flagged.id == "A-DEADLINE-REVIEW")
        #expect(flagged.due == CivilDate("2027-01-04"))
        #expect(flagged.detail.contains("due date provisional: the holiday calendar has no 2027"))
        let inside = try #require(late.first { $0.subject == "APP-2026" })
        #expect(!inside.detail.contains("provisional"))
    }

    @Test("the calendar's years and the warning: a year ahead for reference status, 60 days ahead for /healthz")
    func warnings() throws {
        let context = try TransferScenario(standard: false).ledger.context()
        #expect(context.calendar.coveredYears == 2024...2026)
        #expect(context.referenceStatus(today: CivilDate("2025-12-31")!).warnings.isEmpty)
        let yearAhead = context.referenceStatus(today: CivilDate("2026-01-02")!).warnings
        #expect(yearAhead.count == 1 && yearAhead[0].contains("2027 is missing"))
        #expect(context.referenceStatus(today: CivilDate("2026-10-01")!, marginDays: ReferenceStatus.healthMarginDays).warnings.isEmpty)
        #expect(context.referenceStatus(today: CivilDate("2026-11-02")!, marginDays: ReferenceStatus.healthMarginDays).warnings.count == 1)
    }
}
