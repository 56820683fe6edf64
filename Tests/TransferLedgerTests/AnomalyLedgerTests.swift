import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

private typealias P = TransferParty
private typealias B = TransferBody

/// Manifest anomalies over a real ledger (SPEC §2.4): A-RECEIPT-LATE, A-IN-TRANSIT-OVERDUE, A-DISCREPANCY, A-CAPACITY.
@Suite("Manifest anomalies")
struct AnomalyLedgerTests {
    static func date(_ s: String) -> CivilDate { CivilDate(s)! }

    // MARK: A-RECEIPT-LATE

    /// Delivered Monday 2025-03-10 (Shanghai); 5 working days → due 2025-03-17. The receipt is entered at `entered`.
    static func receiptEntered(at entered: String, deliveredAt: String = "2025-03-10T02:00:00Z") throws -> (TransferScenario, String) {
        let s = try TransferScenario()
        let no = try s.file(B.manifest(pickup: "2025-03-10"))
        try s.pickUp(no, at: "2025-03-10T01:00:00Z")
        s.clock.set(UTCInstant(entered)!)
        try s.receive(no, at: deliveredAt)
        return (s, no)
    }

    @Test("a receipt entered on its due date in Shanghai (2025-03-17T15:59:59Z) is not late")
    func receiptOnTime() throws {
        let (s, no) = try Self.receiptEntered(at: "2025-03-17T15:59:59Z")
        #expect(try s.manifest(no)?.receipt?.enteredOn == Self.date("2025-03-17"))
        #expect(try s.anomalies(asOf: "2025-04-30", subject: no).isEmpty)
    }

    @Test("a receipt entered one second later (2025-03-18 00:00 in Shanghai) is A-RECEIPT-LATE, due 2025-03-17")
    func receiptLate() throws {
        let (s, no) = try Self.receiptEntered(at: "2025-03-17T16:00:00Z")
        #expect(try s.manifest(no)?.receipt?.enteredOn == Self.date("2025-03-18"))
        let listed = try s.anomalies(asOf: "2025-04-30", subject: no)
        #expect(listed.map(\.id) == ["A-RECEIPT-LATE"])
        #expect(listed.first?.due == Self.date("2025-03-17"))
        #expect(try s.anomalies(asOf: "2025-03-17", subject: no).isEmpty)
    }

    @Test("the receipt period runs across National Day: delivered 2025-09-30, due 2025-10-14")
    func receiptAcrossHoliday() throws {
        let s = try TransferScenario()
        let no = try s.file(B.manifest(pickup: "2025-09-30"))
        try s.pickUp(no, at: "2025-09-30T00:00:00Z")
        s.clock.set(UTCInstant("2025-10-14T09:00:00Z")!)
        try s.receive(no, at: "2025-09-30T06:00:00Z")
        #expect(try s.anomalies(asOf: "2025-10-31", subject: no).isEmpty)

        let late = try TransferScenario()
        let no2 = try late.file(B.manifest(pickup: "2025-09-30"))
        try late.pickUp(no2, at: "2025-09-30T00:00:00Z")
        late.clock.set(UTCInstant("2025-10-15T01:00:00Z")!)
        try late.receive(no2, at: "2025-09-30T06:00:00Z")
        let listed = try late.anomalies(asOf: "2025-10-31", subject: no2)
        #expect(listed.map(\.id) == ["A-RECEIPT-LATE"])
        #expect(listed.first?.due == Self.date("2025-10-14"))
    }

    @Test("a back-entered (补录) receipt is accepted, not rejected")
    func backEnteredAccepted() throws {
        let (s, no) = try Self.receiptEntered(at: "2025-06-01T00:00:00Z")
        #expect(try s.manifest(no)?.state == .received)
    }

    // MARK: A-IN-TRANSIT-OVERDUE

    /// Picked up 2025-03-09T16:30:00Z = 2025-03-10 00:30 in Shanghai: due 2025-03-20.
    static func pickedUp() throws -> (TransferScenario, String) {
        let s = try TransferScenario()
        let no = try s.file(B.manifest(pickup: "2025-03-10"))
        try s.pickUp(no, at: "2025-03-09T16:30:00Z")
        return (s, no)
    }

    @Test("a load picked up 2025-03-10 (Shanghai) is listed from 2025-03-21, not on 03-20")
    func inTransitOverdue() throws {
        let (s, no) = try Self.pickedUp()
        #expect(try s.anomalies(asOf: "2025-03-20", subject: no).isEmpty)
        let listed = try s.anomalies(asOf: "2025-03-21", subject: no)
        #expect(listed.map(\.id) == ["A-IN-TRANSIT-OVERDUE"])
        #expect(listed.first?.due == Self.date("2025-03-20"))
        #expect(try s.anomalies(asOf: "2025-03-09", subject: no).isEmpty)
    }

    @Test("a load delivered after its due date stays listed")
    func deliveredLateStaysListed() throws {
        let (s, no) = try Self.pickedUp()
        try s.receive(no, at: "2025-03-22T02:00:00Z")
        let listed = try s.anomalies(asOf: "2025-04-30", subject: no)
        #expect(listed.map(\.id) == ["A-IN-TRANSIT-OVERDUE"])
        #expect(listed.first?.due == Self.date("2025-03-20"))
    }

    @Test("a load delivered on its due date in Shanghai (2025-03-20T15:59:59Z) is not listed")
    func deliveredOnDueDate() throws {
        let (s, no) = try Self.pickedUp()
        try s.receive(no, at: "2025-03-20T15:59:59Z")
        #expect(try s.anomalies(asOf: "2025-04-30", subject: no).isEmpty)
    }

    @Test("a whole rejection after the due date stays listed too")
    func rejectedLate() throws {
        let (s, no) = try Self.pickedUp()
        try s.must("manifest.rejected", P.scReceiver, ["manifestNo": .string(no), "deliveredAt": "2025-03-25T02:00:00Z", "reason": "包装破损"])
        #expect(try s.anomalies(asOf: "2025-04-30", subject: no).map(\.id) == ["A-IN-TRANSIT-OVERDUE"])
    }

    @Test("a filed manifest that was never picked up is not in transit")
    func neverPickedUp() throws {
        let s = try TransferScenario()
        let no = try s.file(B.manifest(pickup: "2025-03-10"))
        #expect(try s.anomalies(asOf: "2025-06-30", subject: no).isEmpty)
    }

    // MARK: A-DISCREPANCY

    struct DiscrepancyCase: Sendable, CustomTestStringConvertible {
        var desc: String
        var received: Int64
        var rejected: Int64
        var flag: Bool
        var listed: Int
        var testDescription: String { desc }
    }

    /// Shipped 10 t; the policy threshold is 50‰ = 0.5 t.
    static let discrepancies: [DiscrepancyCase] = [
        DiscrepancyCase(desc: "received exactly as shipped", received: 10_000_000, rejected: 0, flag: false, listed: 0),
        DiscrepancyCase(desc: "0.5 t short (exactly 50‰) is not listed", received: 9_500_000, rejected: 0, flag: false, listed: 0),
        DiscrepancyCase(desc: "0.5 t + 1 g short is listed", received: 9_499_999, rejected: 0, flag: false, listed: 1),
        DiscrepancyCase(desc: "0.5 t over (exactly 50‰) is not listed", received: 10_500_000, rejected: 0, flag: false, listed: 0),
        DiscrepancyCase(desc: "0.5 t + 1 g over is listed", received: 10_500_001, rejected: 0, flag: false, listed: 1),
        DiscrepancyCase(desc: "8 t received + 2 t rejected adds up", received: 8_000_000, rejected: 2_000_000, flag: false, listed: 0),
        DiscrepancyCase(desc: "the receiver's flag alone is listed", received: 10_000_000, rejected: 0, flag: true, listed: 1),
        DiscrepancyCase(desc: "the flag and an over-threshold difference are both listed", received: 9_000_000, rejected: 0, flag: true, listed: 2),
    ]

    @Test("A-DISCREPANCY: |received + rejected − shipped| × 1000 > shipped × 50, or the receiver's flag; due null", arguments: discrepancies)
    func discrepancy(_ c: DiscrepancyCase) throws {
        let s = try TransferScenario()
        let no = try s.file()
        try s.pickUp(no)
        try s.receive(no, lines: [(1, c.received, c.rejected)], flag: c.flag)
        let listed = try s.anomalies(asOf: "2025-03-13", subject: no).filter { $0.id == "A-DISCREPANCY" }
        #expect(listed.count == c.listed)
        #expect(listed.allSatisfy { $0.due == nil })
    }

    @Test("A-DISCREPANCY follows the policy's discrepancyPermille (10‰)")
    func discrepancyPolicy() throws {
        let s = try TransferScenario(policy: ["discrepancyPermille": 10])
        let a = try s.file()
        try s.pickUp(a)
        try s.receive(a, lines: [(1, 9_900_000, 0)])
        let b = try s.file()
        try s.pickUp(b)
        try s.receive(b, lines: [(1, 9_899_999, 0)])
        #expect(try s.anomalies(asOf: "2025-03-13", subject: a).isEmpty)
        #expect(try s.anomalies(asOf: "2025-03-13", subject: b).map(\.id) == ["A-DISCREPANCY"])
    }

    @Test("A-DISCREPANCY is judged per line")
    func discrepancyPerLine() throws {
        let s = try TransferScenario()
        let no = try s.file(B.manifest(lines: [B.line(grams: 5 * P.t), B.line(P.code2, grams: 5 * P.t)]))
        try s.pickUp(no)
        // Line 1 is 1 t short, line 2 1 t over: the totals agree, the lines do not.
        try s.receive(no, lines: [(1, 4 * P.t, 0), (2, 6 * P.t, 0)])
        let listed = try s.anomalies(asOf: "2025-03-13", subject: no).filter { $0.id == "A-DISCREPANCY" }
        #expect(listed.count == 2)
    }

    // MARK: A-CAPACITY

    /// An intra-Sichuan manifest of `tonnes` to scReceiver (permit capacity 25 t), delivered at `at`.
    static func deliver(_ s: TransferScenario, tonnes: Int64, at: String, pickup: String = "2025-03-12") throws -> String {
        let no = try s.file(B.manifest(pickup: pickup, lines: [B.line(grams: tonnes * P.t)]))
        try s.pickUp(no, at: "\(pickup)T00:00:00Z")
        try s.receive(no, at: at, lines: [(1, tonnes * P.t, 0)])
        return no
    }

    @Test("A-CAPACITY names the manifest whose receipt first exceeds the capacity, in delivery order; due null")
    func capacity() throws {
        let s = try TransferScenario()
        let m1 = try Self.deliver(s, tonnes: 10, at: "2025-03-12T02:00:00Z")
        let m2 = try Self.deliver(s, tonnes: 10, at: "2025-03-14T02:00:00Z")
        // Filed third, delivered second: 20 t after it, not yet above 25 t.
        let m3 = try Self.deliver(s, tonnes: 10, at: "2025-03-13T02:00:00Z")
        let m4 = try Self.deliver(s, tonnes: 10, at: "2025-03-15T02:00:00Z")
        let listed = try s.anomalies(asOf: "2025-12-31").filter { $0.id == "A-CAPACITY" }
        #expect(listed.map(\.subject) == [m2])
        #expect(listed.first?.due == nil)
        #expect(listed.first?.detail.contains(P.scReceiver) == true)
        #expect(listed.first?.detail.contains("2025") == true)
        _ = (m1, m3, m4)
        // Before the exceeding delivery nothing is listed.
        #expect(try s.anomalies(asOf: "2025-03-13").filter { $0.id == "A-CAPACITY" }.isEmpty)
    }

    @Test("A-CAPACITY is per delivery year, and exactly the capacity is not above it")
    func capacityPerYear() throws {
        let s = try TransferScenario()
        _ = try Self.deliver(s, tonnes: 20, at: "2025-12-31T15:00:00Z", pickup: "2025-12-31")
        // 2025-12-31T16:00:00Z is 2026-01-01 in Shanghai: a new year.
        _ = try Self.deliver(s, tonnes: 20, at: "2025-12-31T16:00:00Z", pickup: "2025-12-31")
        _ = try Self.deliver(s, tonnes: 5, at: "2026-01-05T02:00:00Z", pickup: "2026-01-05")
        #expect(try s.anomalies(asOf: "2026-12-31").filter { $0.id == "A-CAPACITY" }.isEmpty)
        let over = try Self.deliver(s, tonnes: 1, at: "2026-01-06T02:00:00Z", pickup: "2026-01-06")
        #expect(try s.anomalies(asOf: "2026-12-31").filter { $0.id == "A-CAPACITY" }.map(\.subject) == [over])
    }

    @Test("A-CAPACITY uses the largest operating permit valid on the delivery")
    func capacityLargestPermit() throws {
        let s = try TransferScenario()
        try s.must("permit.issued", P.sc, B.permit("SC-HW-002", holder: P.scReceiver, capacity: 40 * P.t, from: "2025-01-01", to: "2025-12-31"))
        for day in 12...14 { _ = try Self.deliver(s, tonnes: 10, at: "2025-03-\(day)T02:00:00Z") }
        #expect(try s.anomalies(asOf: "2025-12-31").filter { $0.id == "A-CAPACITY" }.isEmpty)
    }
}
