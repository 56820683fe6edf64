import LedgerCore
import Logging
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

private typealias P = TransferParty
private typealias B = TransferBody

/// The worklist: the steps a principal must take, from the same deadline steps as the anomalies.
@Suite("Worklist")
struct WorklistTests {
    static func date(_ s: String) -> CivilDate { CivilDate(s)! }

    static func items(_ s: TransferScenario, _ principal: String, _ asOf: String) throws -> [WorkItem] {
        try s.ledger.worklist(for: principal, asOf: date(asOf)).items
    }

    @Test("an application accepted Monday 2025-03-03 puts approval.reviewed on the origin regulator's list, due 03-10 with 3 working days left on 03-05")
    func reviewDue() throws {
        let s = try TransferScenario()
        try s.apply("APP-1")
        let items = try Self.items(s, P.sc, "2025-03-05")
        #expect(items == [WorkItem(kind: "approval.reviewed", subject: "APP-1", due: Self.date("2025-03-10"), workingDaysLeft: 3, overdue: false)])
        #expect(try Self.items(s, P.cq, "2025-03-05").isEmpty)
        #expect(try Self.items(s, P.generator, "2025-03-05").isEmpty)
        #expect(try Self.items(s, P.sc, "2025-03-10").first?.workingDaysLeft == 0)
        let late = try Self.items(s, P.sc, "2025-03-12")
        #expect(late.first?.overdue == true)
        #expect(late.first?.workingDaysLeft == -2)
        #expect(try Self.items(s, P.sc, "2025-03-02").isEmpty, "nothing is due before the application was filed")
    }

    @Test("the route moves the step: request → the destination regulator's reply, reply → the origin's decision, decision → nothing")
    func routeMovesStep() throws {
        let s = try TransferScenario()
        try s.apply("APP-1")
        try s.review("APP-1")
        #expect(try Self.items(s, P.sc, "2025-03-04").map(\.kind) == ["approval.consultation.requested"])
        #expect(try Self.items(s, P.sc, "2025-03-04").first?.due == nil)
        try s.requestConsultation("APP-1")
        #expect(try Self.items(s, P.sc, "2025-03-05").isEmpty)
        #expect(try Self.items(s, P.cq, "2025-03-05") == [
            WorkItem(kind: "approval.consultation.replied", subject: "APP-1", due: Self.date("2025-03-19"), workingDaysLeft: 10, overdue: false)
        ])
        try s.reply("APP-1")
        #expect(try Self.items(s, P.cq, "2025-03-06").isEmpty)
        #expect(try Self.items(s, P.sc, "2025-03-06").map(\.kind) == ["approval.decided"])
        #expect(try Self.items(s, P.sc, "2025-03-06").first?.due == Self.date("2025-03-13"))
        try s.must("approval.decided", P.sc, B.approved("APP-1", no: "CHUAN-1"))
        #expect(try Self.items(s, P.sc, "2025-04-30").isEmpty)
    }

    @Test("a whitelist-route approval leaves approval.notified, without a due date, until the listing side is notified")
    func notifiedAfterDirectDecision() throws {
        let s = try TransferScenario()
        try s.approveByWhitelist("APP-W", no: "CHUAN-W")
        #expect(try Self.items(s, P.sc, "2025-03-10") == [
            WorkItem(kind: "approval.notified", subject: "APP-W", due: nil, workingDaysLeft: nil, overdue: false)
        ])
        try s.must("approval.notified", P.sc, ["applicationId": "APP-W", "notifiedOn": "2025-03-10"])
        #expect(try Self.items(s, P.sc, "2025-03-10").isEmpty)
    }

    @Test("a published, unconfirmed whitelist is the counterpart regulator's whitelist.confirmed, due the last day before its year")
    func whitelistConfirmation() throws {
        let s = try TransferScenario()
        try s.must("whitelist.published", P.cq, B.whitelist(year: 2026, cap: 5 * P.t))
        #expect(try Self.items(s, P.sc, "2025-12-01") == [
            WorkItem(kind: "whitelist.confirmed", subject: "2026", due: Self.date("2025-12-31"), workingDaysLeft: 22, overdue: false)
        ])
        #expect(try Self.items(s, P.cq, "2025-12-01").isEmpty)
        try s.must("whitelist.confirmed", P.sc, ["year": 2026, "listingProvince": "500000"])
        #expect(try Self.items(s, P.sc, "2025-12-01").isEmpty)
    }

    @Test("a filed manifest is the first carrier's pickup (due the planned date); once picked up, the receiver's receipt (due 10 days later)")
    func manifestSteps() throws {
        let s = try TransferScenario()
        let no = try s.file(B.manifest(carriers: [P.carrier, P.carrier2]))
        #expect(try Self.items(s, P.carrier, "2025-03-11") == [
            WorkItem(kind: "manifest.pickedUp", subject: no, due: Self.date("2025-03-12"), workingDaysLeft: 1, overdue: false)
        ])
        #expect(try Self.items(s, P.scReceiver, "2025-03-11").isEmpty)
        try s.pickUp(no)
        #expect(try Self.items(s, P.carrier, "2025-03-12").isEmpty)
        #expect(try Self.items(s, P.carrier2, "2025-03-12").map(\.kind) == ["manifest.handedOver"])
        let receipt = try Self.items(s, P.scReceiver, "2025-03-23")
        #expect(receipt == [WorkItem(kind: "manifest.received", subject: no, due: Self.date("2025-03-22"), workingDaysLeft: -1, overdue: true)])
        try s.receive(no)
        #expect(try Self.items(s, P.scReceiver, "2025-03-23").isEmpty)
        #expect(try Self.items(s, P.carrier2, "2025-03-23").isEmpty)
    }

    @Test("a second facade on the same file reads each change another writer appends (the read models hold no cache)")
    func manifestReadsFollowAppends() throws {
        let s = try TransferScenario(sqlite: true)
        // A second facade on the same file: the daemon's, while the scenario's plays the CLI writing beside it.
        let reader = TransferLedger(
            store: try TestDatabase.open(s.locator!), reference: s.ledger.reference, clock: { s.clock.now },
            logger: Logger(label: "reader"))
        let no = try s.file(B.manifest(carriers: [P.carrier]))
        #expect(try reader.worklist(for: P.carrier, asOf: Self.date("2025-03-11")).items.map(\.kind) == ["manifest.pickedUp"])
        #expect(try reader.manifest(no)?.state == .filed)
        try s.pickUp(no)
        #expect(try reader.worklist(for: P.carrier, asOf: Self.date("2025-03-11")).items.isEmpty, "the pickup by the other writer is seen")
        #expect(try reader.manifest(no)?.state == .inTransit)
        #expect(try reader.worklist(for: P.scReceiver, asOf: Self.date("2025-03-23")).items.map(\.kind) == ["manifest.received"])
        let second = try s.file(B.manifest(carriers: [P.carrier]))
        #expect(try reader.manifests(ManifestFilter(party: P.carrier)).manifests.map(\.manifestNo) == [no, second].sorted(), "a new manifest is read in")
    }

    @Test("overdue items come first, then by due date, undated last")
    func ordering() throws {
        let s = try TransferScenario()
        try s.apply("APP-A", on: "2025-03-03")
        try s.apply("APP-B", on: "2025-03-14")
        try s.must("whitelist.published", P.cq, B.whitelist(year: 2026, cap: 5 * P.t))
        try s.apply("APP-C", on: "2025-03-04")
        try s.review("APP-C", on: "2025-03-05")
        let items = try Self.items(s, P.sc, "2025-03-17")
        #expect(items.map(\.subject) == ["APP-A", "APP-B", "2026", "APP-C"])
        #expect(items.map(\.overdue) == [true, false, false, false])
    }

    @Test("every overdue deadline on a worklist is an anomaly with the same subject and due date")
    func agreesWithAnomalies() throws {
        let s = try TransferScenario()
        try s.apply("APP-A")
        try s.apply("APP-B")
        try s.review("APP-B")
        try s.requestConsultation("APP-B")
        let no = try s.file()
        try s.pickUp(no)
        for asOf in ["2025-03-11", "2025-03-20", "2025-03-31"] {
            let anomalies = try s.ledger.anomalies(asOf: Self.date(asOf))
            for principal in [P.sc, P.cq, P.scReceiver] {
                for item in try Self.items(s, principal, asOf) where item.overdue {
                    #expect(anomalies.contains { $0.subject == item.subject && $0.due == item.due }, "\(principal) \(item) as of \(asOf)")
                }
            }
        }
    }

    @Test("the JSON body is {asOf, principal, items:[{kind, subject, due, workingDaysLeft, overdue}]} with nulls for undated steps")
    func jsonShape() throws {
        let list = Worklist(asOf: Self.date("2025-03-05"), principal: P.sc, items: [
            WorkItem(kind: "approval.reviewed", subject: "APP-1", due: Self.date("2025-03-10"), workingDaysLeft: 3, overdue: false),
            WorkItem(kind: "approval.notified", subject: "APP-2", due: nil, workingDaysLeft: nil, overdue: false),
        ])
        #expect(list.json.canonicalString == #"{"asOf":"2025-03-05","items":[{"due":"2025-03-10","kind":"approval.reviewed","overdue":false,"subject":"APP-1","workingDaysLeft":3},{"due":null,"kind":"approval.notified","overdue":false,"subject":"APP-2","workingDaysLeft":null}],"principal":"REG-510000"}"#)
    }

    @Test("whitelist.confirmed of a year with no published list is R-NOT-FOUND and writes nothing")
    func confirmWithoutList() throws {
        let s = try TransferScenario()
        try s.must("whitelist.published", P.cq, B.whitelist(year: 2025))
        let before = try s.snapshot()
        guard case .rejected(let v) = try s.submit("whitelist.confirmed", P.sc, ["year": 2031, "listingProvince": "500000"]) else {
            Issue.record("a confirmation of 2031 was appended")
            return
        }
        #expect(v.rule == .notFound)
        #expect(v.message.contains("no 2031 whitelist of 500000"))
        #expect(try s.snapshot() == before)
    }
}
