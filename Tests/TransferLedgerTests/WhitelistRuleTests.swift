import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

private typealias P = TransferParty
private typealias B = TransferBody
private typealias C = TransferCase

/// The 川渝 whitelist route (SPEC §2.3): R-WHITELIST-QUOTA before R-WHITELIST-YEAR.
@Suite("Whitelist route rules")
struct WhitelistRuleTests {
    static func step(_ type: String, _ actor: String, _ body: [String: JSONValue]) -> TransferStep { TransferStep(type, actor, body) }

    static func direct(_ id: String, grams: Int64, to: String = "2025-12-31") -> TransferStep {
        step("approval.decided", P.sc, B.approved(id, no: "N-\(id)", grams: grams, to: to))
    }

    static func consent(_ s: TransferScenario, _ id: String, extra: Int64) throws {
        try s.must("whitelist.overquota.consented", P.cq, ["applicationId": .string(id), "extraGrams": .int(extra)])
    }

    // MARK: R-WHITELIST-QUOTA

    static let quota: [TransferCase] = [
        C(.whitelistQuota, "25 t requested against a 20 t cap", .rejected(.whitelistQuota)) { s in
            try s.confirmedWhitelist(cap: 20 * P.t)
            try s.apply("A-1", grams: 25 * P.t, to: "2025-12-31")
            return direct("A-1", grams: 25 * P.t)
        },
        C(.whitelistQuota, "10 t requested when an earlier direct approval left 5 t of the cap", .rejected(.whitelistQuota)) { s in
            try s.confirmedWhitelist(cap: 20 * P.t)
            try s.apply("A-0", grams: 15 * P.t, to: "2025-12-31")
            try s.must("approval.decided", P.sc, B.approved("A-0", no: "N-A-0", grams: 15 * P.t))
            try s.apply("A-1", grams: 10 * P.t, to: "2025-12-31")
            return direct("A-1", grams: 10 * P.t)
        },
        C(.whitelistQuota, "granted grams below the cap do not help when the requested grams exceed it", .rejected(.whitelistQuota)) { s in
            try s.confirmedWhitelist(cap: 20 * P.t)
            try s.apply("A-1", grams: 25 * P.t, to: "2025-12-31")
            return direct("A-1", grams: 10 * P.t)
        },
        C(.whitelistQuota, "a consent of 4 t is not enough for 25 t against 20 t", .rejected(.whitelistQuota)) { s in
            try s.confirmedWhitelist(cap: 20 * P.t)
            try s.apply("A-1", grams: 25 * P.t, to: "2025-12-31")
            try consent(s, "A-1", extra: 4 * P.t)
            return direct("A-1", grams: 25 * P.t)
        },
        C(.whitelistQuota, "exactly the cap", .appended) { s in
            try s.confirmedWhitelist(cap: 20 * P.t)
            try s.apply("A-1", grams: 20 * P.t, to: "2025-12-31")
            return direct("A-1", grams: 20 * P.t)
        },
        C(.whitelistQuota, "exactly the 5 t left after an earlier direct approval", .appended) { s in
            try s.confirmedWhitelist(cap: 20 * P.t)
            try s.apply("A-0", grams: 15 * P.t, to: "2025-12-31")
            try s.must("approval.decided", P.sc, B.approved("A-0", no: "N-A-0", grams: 15 * P.t))
            try s.apply("A-1", grams: 5 * P.t, to: "2025-12-31")
            return direct("A-1", grams: 5 * P.t)
        },
        C(.whitelistQuota, "25 t against 20 t with whitelist.overquota.consented of 5 t", .appended) { s in
            try s.confirmedWhitelist(cap: 20 * P.t)
            try s.apply("A-1", grams: 25 * P.t, to: "2025-12-31")
            try consent(s, "A-1", extra: 5 * P.t)
            return direct("A-1", grams: 25 * P.t)
        },
        C(.whitelistQuota, "above the cap the full route remains", .appended) { s in
            try s.confirmedWhitelist(cap: 20 * P.t)
            try s.apply("A-1", grams: 25 * P.t, to: "2025-12-31")
            try s.fullRouteUpToDecision("A-1")
            return direct("A-1", grams: 25 * P.t)
        },
    ]

    @Test("R-WHITELIST-QUOTA: a direct decision fits the entry's remaining cap plus any consented extra", arguments: quota)
    func whitelistQuota(_ c: TransferCase) throws { try c.check() }

    // MARK: R-WHITELIST-YEAR

    static let year: [TransferCase] = [
        C(.whitelistYear, "a direct approval valid until 2026-01-31 under the 2025 whitelist", .rejected(.whitelistYear)) { s in
            try s.confirmedWhitelist()
            try s.apply("A-1", grams: 10 * P.t, from: "2025-03-01", to: "2026-02-28")
            return direct("A-1", grams: 10 * P.t, to: "2026-01-31")
        },
        C(.whitelistYear, "a direct approval valid until 2026-01-01", .rejected(.whitelistYear)) { s in
            try s.confirmedWhitelist()
            try s.apply("A-1", grams: 10 * P.t, from: "2025-03-01", to: "2026-02-28")
            return direct("A-1", grams: 10 * P.t, to: "2026-01-01")
        },
        C(.whitelistYear, "a direct approval valid until 2025-12-31", .appended) { s in
            try s.confirmedWhitelist()
            try s.apply("A-1", grams: 10 * P.t, from: "2025-03-01", to: "2026-02-28")
            return direct("A-1", grams: 10 * P.t, to: "2025-12-31")
        },
        C(.whitelistYear, "a full-route approval may run into the next year", .appended) { s in
            try s.confirmedWhitelist()
            try s.apply("A-1", grams: 10 * P.t, from: "2025-03-01", to: "2026-02-28")
            try s.fullRouteUpToDecision("A-1")
            return direct("A-1", grams: 10 * P.t, to: "2026-02-28")
        },
        C(.whitelistQuota, "over the cap and past the year: QUOTA is reported before YEAR", .rejected(.whitelistQuota)) { s in
            try s.confirmedWhitelist(cap: 20 * P.t)
            try s.apply("A-1", grams: 25 * P.t, from: "2025-03-01", to: "2026-02-28")
            return direct("A-1", grams: 25 * P.t, to: "2026-01-31")
        },
        C(.whitelistYear, "with consent for the quota, the year is what fails", .rejected(.whitelistYear)) { s in
            try s.confirmedWhitelist(cap: 20 * P.t)
            try s.apply("A-1", grams: 25 * P.t, from: "2025-03-01", to: "2026-02-28")
            try consent(s, "A-1", extra: 5 * P.t)
            return direct("A-1", grams: 25 * P.t, to: "2026-01-31")
        },
    ]

    @Test("R-WHITELIST-YEAR: a direct approval ends by 31 December of the entry's year; QUOTA is checked first", arguments: year)
    func whitelistYear(_ c: TransferCase) throws { try c.check() }

    @Test("a direct approval is charged against the entry's cap; a full-route one is not")
    func charging() throws {
        let s = try TransferScenario()
        try s.confirmedWhitelist(cap: 20 * P.t)
        try s.apply("A-F", grams: 12 * P.t, to: "2025-12-31")
        try s.fullRouteUpToDecision("A-F")
        try s.must("approval.decided", P.sc, B.approved("A-F", no: "N-F", grams: 12 * P.t))
        try s.apply("A-D", grams: 12 * P.t, to: "2025-12-31")
        try s.must("approval.decided", P.sc, B.approved("A-D", no: "N-D", grams: 12 * P.t))
        #expect(try s.application("A-F")?.whitelistCharge == nil)
        #expect(try s.application("A-D")?.whitelistCharge != nil)
        try s.apply("A-X", grams: 9 * P.t, to: "2025-12-31")
        let before = try s.size()
        guard case .rejected(let v) = try s.submit("approval.decided", P.sc, B.approved("A-X", no: "N-X", grams: 9 * P.t)) else {
            Issue.record("9 t approved with 8 t left"); return
        }
        #expect(v.rule == .whitelistQuota)
        #expect(try s.size() == before)
    }
}
