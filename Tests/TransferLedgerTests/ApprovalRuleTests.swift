import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

private typealias P = TransferParty
private typealias B = TransferBody
private typealias C = TransferCase

/// Cross-province approval (SPEC §2.2): R-APPROVAL-VALIDITY, R-APPROVAL-ROUTE, R-APPROVAL-GRAMS.
@Suite("Cross-province approval rules")
struct ApprovalRuleTests {
    static func step(_ type: String, _ actor: String, _ body: [String: JSONValue]) -> TransferStep { TransferStep(type, actor, body) }

    // MARK: R-APPROVAL-VALIDITY

    static let validity: [TransferCase] = [
        C(.approvalValidity, "a requested period 2025-03-01…2026-03-01 (one day over 12 months)", .rejected(.approvalValidity)) { _ in
            step("approval.applied", P.generator, B.applied("A-1", from: "2025-03-01", to: "2026-03-01"))
        },
        C(.approvalValidity, "a requested period 2025-03-01…2026-02-28 (exactly 12 months)", .appended) { _ in
            step("approval.applied", P.generator, B.applied("A-1", from: "2025-03-01", to: "2026-02-28"))
        },
        C(.approvalValidity, "a requested period that ends before it starts", .rejected(.approvalValidity)) { _ in
            step("approval.applied", P.generator, B.applied("A-1", from: "2025-06-01", to: "2025-05-31"))
        },
        C(.approvalValidity, "an approved validity starting before the requested period", .rejected(.approvalValidity)) { s in
            try s.apply("A-1", from: "2025-03-10", to: "2025-12-31")
            try s.fullRouteUpToDecision("A-1")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1", from: "2025-03-09", to: "2025-12-31"))
        },
        C(.approvalValidity, "an approved validity ending after the requested period", .rejected(.approvalValidity)) { s in
            try s.apply("A-1", from: "2025-03-10", to: "2025-12-31")
            try s.fullRouteUpToDecision("A-1")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1", from: "2025-03-10", to: "2026-01-01"))
        },
        C(.approvalValidity, "an approved validity ending after the receiver's permit (validTo 2026-06-30)", .rejected(.approvalValidity)) { s in
            try s.apply("A-1", from: "2025-08-01", to: "2026-07-31")
            try s.fullRouteUpToDecision("A-1")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1", from: "2025-08-01", to: "2026-07-01"))
        },
        C(.approvalValidity, "an approved validity ending on the receiver's permit validTo", .appended) { s in
            try s.apply("A-1", from: "2025-08-01", to: "2026-07-31")
            try s.fullRouteUpToDecision("A-1")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1", from: "2025-08-01", to: "2026-06-30"))
        },
        C(.approvalValidity, "a later permit covering code and method extends the latest validTo", .appended) { s in
            try s.must("permit.issued", P.cq, B.permit("CQ-HW-002", holder: P.receiver, codes: [P.code], methods: ["R4"], from: "2026-06-01", to: "2027-05-31"))
            try s.apply("A-1", from: "2025-08-01", to: "2026-07-31")
            try s.fullRouteUpToDecision("A-1")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1", from: "2025-08-01", to: "2026-07-31"))
        },
        C(.approvalValidity, "a later permit that does not cover the method does not extend it", .rejected(.approvalValidity)) { s in
            try s.must("permit.issued", P.cq, B.permit("CQ-HW-002", holder: P.receiver, codes: [P.code], methods: ["D10"], from: "2026-06-01", to: "2027-05-31"))
            try s.apply("A-1", from: "2025-08-01", to: "2026-07-31")
            try s.fullRouteUpToDecision("A-1")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1", from: "2025-08-01", to: "2026-07-31"))
        },
        C(.approvalValidity, "approving a transfer to a receiver with no covering operating permit", .rejected(.approvalValidity)) { s in
            try s.apply("A-1", receiver: P.receiver2)
            try s.fullRouteUpToDecision("A-1")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1"))
        },
    ]

    @Test("R-APPROVAL-VALIDITY: requested and approved periods of at most 12 months, within the request and the receiver's permit", arguments: validity)
    func approvalValidity(_ c: TransferCase) throws { try c.check() }

    // MARK: R-APPROVAL-ROUTE

    static let route: [TransferCase] = [
        C(.approvalRoute, "consultation requested before the preliminary review", .rejected(.approvalRoute)) { s in
            try s.apply("A-1")
            return step("approval.consultation.requested", P.sc, ["applicationId": "A-1", "requestedOn": "2025-03-05"])
        },
        C(.approvalRoute, "consultation requested after the review", .appended) { s in
            try s.apply("A-1")
            try s.review("A-1")
            return step("approval.consultation.requested", P.sc, ["applicationId": "A-1", "requestedOn": "2025-03-05"])
        },
        C(.approvalRoute, "a reply without a consultation request", .rejected(.approvalRoute)) { s in
            try s.apply("A-1")
            try s.review("A-1")
            return step("approval.consultation.replied", P.cq, ["applicationId": "A-1", "opinion": "agree", "repliedOn": "2025-03-06"])
        },
        C(.approvalRoute, "approval after a disagreeing reply", .rejected(.approvalRoute)) { s in
            try s.apply("A-1")
            try s.review("A-1")
            try s.requestConsultation("A-1")
            try s.reply("A-1", opinion: "disagree")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1"))
        },
        C(.approvalRoute, "a denial after a disagreeing reply", .appended) { s in
            try s.apply("A-1")
            try s.review("A-1")
            try s.requestConsultation("A-1")
            try s.reply("A-1", opinion: "disagree")
            return step("approval.decided", P.sc, B.denied("A-1"))
        },
        C(.approvalRoute, "approving on the full route after the request but without a reply", .rejected(.approvalRoute)) { s in
            try s.apply("A-1")
            try s.review("A-1")
            try s.requestConsultation("A-1")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1"))
        },
        C(.approvalRoute, "approving after the review alone (no consultation, no whitelist)", .rejected(.approvalRoute)) { s in
            try s.apply("A-1")
            try s.review("A-1")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1"))
        },
        C(.approvalRoute, "approving on the full route after an agreeing reply", .appended) { s in
            try s.apply("A-1")
            try s.fullRouteUpToDecision("A-1")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1"))
        },
        C(.approvalRoute, "a direct decision with no whitelist at all", .rejected(.approvalRoute)) { s in
            try s.apply("A-1", to: "2025-12-31")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1"))
        },
        C(.approvalRoute, "a direct decision under a published but unconfirmed whitelist", .rejected(.approvalRoute)) { s in
            try s.must("whitelist.published", P.cq, B.whitelist())
            try s.apply("A-1", to: "2025-12-31")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1"))
        },
        C(.approvalRoute, "a direct decision when the entry is suspended", .rejected(.approvalRoute)) { s in
            try s.confirmedWhitelist()
            try s.must("whitelist.suspended", P.cq, ["year": 2025, "listingProvince": "500000", "receiver": .string(P.receiver), "reason": "严重违法"])
            try s.apply("A-1", to: "2025-12-31")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1"))
        },
        C(.approvalRoute, "a direct decision when the method is not among the entry's", .rejected(.approvalRoute)) { s in
            try s.confirmedWhitelist()
            try s.apply("A-1", to: "2025-12-31", method: "D10")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1"))
        },
        C(.approvalRoute, "a direct decision when the entry is of another year than validFrom", .rejected(.approvalRoute)) { s in
            try s.confirmedWhitelist(year: 2026)
            try s.apply("A-1", to: "2025-12-31")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1"))
        },
        C(.approvalRoute, "a direct decision covered by a confirmed, unsuspended entry", .appended) { s in
            try s.confirmedWhitelist()
            try s.apply("A-1", to: "2025-12-31")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1"))
        },
        C(.approvalRoute, "a review before the supplement after an incomplete notice", .rejected(.approvalRoute)) { s in
            try s.apply("A-1")
            try s.must("approval.incomplete", P.sc, ["applicationId": "A-1", "missing": ["经营许可证复印件"], "notifiedOn": "2025-03-04"])
            return step("approval.reviewed", P.sc, ["applicationId": "A-1", "opinion": "agree", "reviewedOn": "2025-03-05"])
        },
        C(.approvalRoute, "a direct decision before the supplement after an incomplete notice", .rejected(.approvalRoute)) { s in
            try s.confirmedWhitelist()
            try s.apply("A-1", to: "2025-12-31")
            try s.must("approval.incomplete", P.sc, ["applicationId": "A-1", "missing": ["危险废物特性说明"], "notifiedOn": "2025-03-04"])
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1"))
        },
        C(.approvalRoute, "a review after the supplement", .appended) { s in
            try s.apply("A-1")
            try s.must("approval.incomplete", P.sc, ["applicationId": "A-1", "missing": ["经营许可证复印件"], "notifiedOn": "2025-03-04"])
            try s.must("approval.supplemented", P.generator, ["applicationId": "A-1", "supplementedOn": "2025-03-05"])
            return step("approval.reviewed", P.sc, ["applicationId": "A-1", "opinion": "agree", "reviewedOn": "2025-03-05"])
        },
        C(.approvalRoute, "approval.notified after a full-route approval", .rejected(.approvalRoute)) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            return step("approval.notified", P.sc, ["applicationId": "A-1", "notifiedOn": "2025-03-08"])
        },
        C(.approvalRoute, "approval.notified before any decision", .rejected(.approvalRoute)) { s in
            try s.confirmedWhitelist()
            try s.apply("A-1", to: "2025-12-31")
            return step("approval.notified", P.sc, ["applicationId": "A-1", "notifiedOn": "2025-03-08"])
        },
        C(.approvalRoute, "approval.notified after a whitelist-route approval", .appended) { s in
            try s.approveByWhitelist("A-1", no: "N-1")
            return step("approval.notified", P.sc, ["applicationId": "A-1", "notifiedOn": "2025-03-08"])
        },
    ]

    @Test("R-APPROVAL-ROUTE: steps in the order of the full or the whitelist route", arguments: route)
    func approvalRoute(_ c: TransferCase) throws { try c.check() }

    // MARK: R-APPROVAL-GRAMS

    static let grams: [TransferCase] = [
        C(.approvalGrams, "approved grams one gram above the requested", .rejected(.approvalGrams)) { s in
            try s.apply("A-1", grams: 10 * P.t)
            try s.fullRouteUpToDecision("A-1")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1", grams: 10 * P.t + 1))
        },
        C(.approvalGrams, "approved grams above the requested on the whitelist route", .rejected(.approvalGrams)) { s in
            try s.confirmedWhitelist()
            try s.apply("A-1", grams: 5 * P.t, to: "2025-12-31")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1", grams: 6 * P.t))
        },
        C(.approvalGrams, "approved grams equal to the requested", .appended) { s in
            try s.apply("A-1", grams: 10 * P.t)
            try s.fullRouteUpToDecision("A-1")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1", grams: 10 * P.t))
        },
        C(.approvalGrams, "approved grams below the requested", .appended) { s in
            try s.apply("A-1", grams: 10 * P.t)
            try s.fullRouteUpToDecision("A-1")
            return step("approval.decided", P.sc, B.approved("A-1", no: "N-1", grams: 7 * P.t))
        },
    ]

    @Test("R-APPROVAL-GRAMS: an approval grants at most the requested grams", arguments: grams)
    func approvalGrams(_ c: TransferCase) throws { try c.check() }

    @Test("a rule reported on a decision is the route before grams before validity")
    func routeBeforeGramsBeforeValidity() throws {
        let s = try TransferScenario()
        try s.apply("A-1", grams: 10 * P.t, from: "2025-03-10", to: "2025-12-31")
        try s.review("A-1")
        // Route (no reply), grams and validity all fail: the route is reported.
        let bad = B.approved("A-1", no: "N-1", grams: 11 * P.t, from: "2025-03-01", to: "2026-03-31")
        let size = try s.size()
        guard case .rejected(let v1) = try s.submit("approval.decided", P.sc, bad) else { Issue.record("appended"); return }
        #expect(v1.rule == .approvalRoute)
        try s.requestConsultation("A-1")
        try s.reply("A-1")
        let size2 = try s.size()
        guard case .rejected(let v2) = try s.submit("approval.decided", P.sc, bad) else { Issue.record("appended"); return }
        #expect(v2.rule == .approvalGrams)
        guard case .rejected(let v3) = try s.submit("approval.decided", P.sc, B.approved("A-1", no: "N-1", from: "2025-03-01")) else {
            Issue.record("appended"); return
        }
        #expect(v3.rule == .approvalValidity)
        #expect(try s.size() == size2 && size2 == size + 2)
    }

    @Test("an approval's record keeps the route and the granted grams")
    func approvalRecord() throws {
        let s = try TransferScenario()
        try s.approveFullRoute("A-1", no: "N-1", grams: 8 * P.t)
        let a = try #require(try s.application("A-1"))
        #expect(a.decision?.grams == 8 * P.t)
        #expect(a.direct == false)
        #expect(a.remainingGrams == 8 * P.t)
        try s.approveByWhitelistSecond()
    }
}

extension TransferScenario {
    /// A second, whitelist-route application on the same ledger (after a full-route one): it is direct.
    fileprivate func approveByWhitelistSecond() throws {
        try confirmedWhitelist()
        try apply("A-W", grams: 5 * TransferParty.t, to: "2025-12-31")
        try must("approval.decided", TransferParty.sc, TransferBody.approved("A-W", no: "N-W", grams: 5 * TransferParty.t))
        let a = try #require(try application("A-W"))
        #expect(a.direct == true)
        #expect(a.whitelistCharge?.year == 2025)
    }
}
