import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

private typealias P = TransferParty
private typealias B = TransferBody

/// The acts a regulator may sign on an application now: the worklist's steps plus the optional acts of the regime,
/// one computation behind the 待办 rows and the forms of the console's application page.
@Suite("Open acts")
struct OpenActsTests {
    static func kinds(_ s: TransferScenario, _ id: String, _ principal: String, _ asOf: String = "2025-03-20") throws -> [String] {
        try s.ledger.openActs(onApplication: id, for: principal, asOf: CivilDate(asOf)!)?.map(\.kind) ?? ["<none>"]
    }

    @Test("before the review the origin may review (due), give the 补正 notice once, or decide; the destination nothing")
    func beforeReview() throws {
        let s = try TransferScenario()
        try s.apply("APP-1")
        let acts = try s.ledger.openActs(onApplication: "APP-1", for: P.sc, asOf: CivilDate("2025-03-05")!)
        #expect(acts?.map(\.kind) == ["approval.reviewed", "approval.incomplete", "approval.decided"])
        #expect(acts?.first?.required == true && acts?.first?.due == CivilDate("2025-03-10"))
        #expect(try Self.kinds(s, "APP-1", P.cq).isEmpty)
        #expect(try Self.kinds(s, "APP-1", P.generator).isEmpty)
        #expect(try s.ledger.openActs(onApplication: "NOPE", for: P.sc, asOf: CivilDate("2025-03-05")!) == nil)
    }

    @Test("an incomplete notice leaves nothing to the origin until the supplement; then no second notice")
    func incompleteNotice() throws {
        let s = try TransferScenario()
        try s.apply("APP-1")
        try s.must("approval.incomplete", P.sc, ["applicationId": "APP-1", "missing": ["许可证复印件"], "notifiedOn": "2025-03-04"])
        #expect(try Self.kinds(s, "APP-1", P.sc).isEmpty)
        try s.must("approval.supplemented", P.generator, ["applicationId": "APP-1", "supplementedOn": "2025-03-06"])
        #expect(try Self.kinds(s, "APP-1", P.sc) == ["approval.reviewed", "approval.decided"])
    }

    @Test("the route moves the acts: request, the destination's reply, the decision; decided → nothing")
    func route() throws {
        let s = try TransferScenario()
        try s.apply("APP-1")
        try s.review("APP-1")
        #expect(try Self.kinds(s, "APP-1", P.sc) == ["approval.consultation.requested", "approval.decided"])
        try s.requestConsultation("APP-1")
        #expect(try Self.kinds(s, "APP-1", P.cq) == ["approval.consultation.replied"])
        #expect(try Self.kinds(s, "APP-1", P.sc) == ["approval.decided"], "a denial stays possible before the reply")
        try s.reply("APP-1")
        #expect(try Self.kinds(s, "APP-1", P.cq).isEmpty)
        let decision = try s.ledger.openActs(onApplication: "APP-1", for: P.sc, asOf: CivilDate("2025-03-07")!)
        #expect(decision?.map(\.kind) == ["approval.decided"] && decision?.first?.required == true)
        try s.must("approval.decided", P.sc, B.approved("APP-1", no: "CHUAN-1"))
        #expect(try Self.kinds(s, "APP-1", P.sc).isEmpty)
    }

    @Test("a whitelist-route approval leaves the notification; over the remaining cap the listing side may consent")
    func whitelist() throws {
        let s = try TransferScenario()
        try s.approveByWhitelist("APP-W", no: "CHUAN-W")
        #expect(try Self.kinds(s, "APP-W", P.sc) == ["approval.notified"])
        try s.apply("APP-X", grams: 15 * P.t, to: "2025-12-31")
        #expect(try Self.kinds(s, "APP-X", P.cq) == ["whitelist.overquota.consented"], "10 t of 20 t are left: 15 t needs consent")
        try s.apply("APP-Y", grams: 5 * P.t, to: "2025-12-31")
        #expect(try Self.kinds(s, "APP-Y", P.cq).isEmpty, "5 t fit the cap: no consent to give")
    }
}
