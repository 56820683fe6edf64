import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

private typealias P = TransferParty
private typealias B = TransferBody
private typealias T = TransferStep

/// When several rules fail, the first of R-SCHEMA, …, R-NOT-FOUND, R-AUTH, the section's rules in §2 order,
/// R-DUPLICATE is reported (SPEC §2 intro).
@Suite("Transfer rule precedence")
struct TransferPrecedenceTests {
    static func underApproval(grams: Int64 = 10 * P.t, pickup: String = "2025-03-12", method: String = "R4", carriers: [String] = [P.carrier]) -> [String: JSONValue] {
        B.manifest(carriers: carriers, receiver: P.receiver, pickup: pickup, method: method, basis: ["approval": "N-1"], lines: [B.line(grams: grams)])
    }

    static let cases: [TransferCase] = [
        TransferCase(.approvalMismatch, "mismatch, expiry and quota fail: MISMATCH", .rejected(.approvalMismatch)) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            return T("manifest.filed", P.generator, underApproval(grams: 11 * P.t, pickup: "2026-01-01", method: "D10"))
        },
        TransferCase(.approvalExpired, "expiry and quota fail: EXPIRED", .rejected(.approvalExpired)) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            return T("manifest.filed", P.generator, underApproval(grams: 11 * P.t, pickup: "2026-01-01"))
        },
        TransferCase(.approvalQuota, "quota and carrier permit fail: QUOTA", .rejected(.approvalQuota)) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            return T("manifest.filed", P.generator, underApproval(grams: 11 * P.t, carriers: [P.carrierNoPermit]))
        },
        TransferCase(.approvalMissing, "missing basis and missing permit: MISSING", .rejected(.approvalMissing)) { _ in
            T("manifest.filed", P.generator, B.manifest(carriers: [P.carrierNoPermit], receiver: P.receiver2))
        },
        TransferCase(.permit, "receiver and carrier permits fail: PERMIT", .rejected(.permit)) { _ in
            T("manifest.filed", P.generator, B.manifest(carriers: [P.carrierNoPermit], receiver: P.scReceiver2))
        },
        TransferCase(.notFound, "an unknown receiver named by the wrong actor: NOT-FOUND before AUTH", .rejected(.notFound)) { _ in
            T("approval.applied", P.carrier, B.applied("A-1", receiver: TestKeys.uscc(division: "500101", serial: 998)))
        },
        TransferCase(.auth, "the wrong actor publishing a duplicate whitelist: AUTH before DUPLICATE", .rejected(.auth)) { s in
            try s.must("whitelist.published", P.cq, B.whitelist())
            return T("whitelist.published", P.sc, B.whitelist())
        },
        TransferCase(.approvalValidity, "a duplicate application id with a too-long period: VALIDITY before DUPLICATE", .rejected(.approvalValidity)) { s in
            try s.apply("A-1")
            return T("approval.applied", P.generator, B.applied("A-1", from: "2025-03-01", to: "2026-03-01"))
        },
        TransferCase(.approvalGrams, "a duplicate approval number with too many grams: GRAMS before DUPLICATE", .rejected(.approvalGrams)) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            try s.apply("A-2")
            try s.fullRouteUpToDecision("A-2")
            return T("approval.decided", P.sc, B.approved("A-2", no: "N-1", grams: 11 * P.t))
        },
        // §2.4 lists R-CARRIER-PERMIT among the rules at filing before the returns paragraph's R-RETURN.
        TransferCase(.carrierPermit, "a return over the rejected grams carried by a carrier without permit: CARRIER-PERMIT before RETURN", .rejected(.carrierPermit)) { s in
            let no = try s.deliveredManifest(receivedGrams: 8 * P.t, rejected: 2 * P.t)
            return T("manifest.filed", P.scReceiver, B.manifest(
                generator: P.scReceiver, carriers: [P.carrierNoPermit], receiver: P.generator, pickup: "2025-03-14",
                lines: [B.line(grams: 3 * P.t)], returnOf: no))
        },
        // R-SCHEMA comes first: a receipt that does not list every line exactly once, sent by the wrong actor.
        TransferCase(.schema, "a receipt listing line 1 twice, by the generator: SCHEMA before AUTH", .rejected(.schema)) { s in
            let no = try s.file(B.manifest(lines: [B.line(grams: 5 * P.t), B.line(P.code2, grams: 5 * P.t)]))
            try s.pickUp(no)
            return T("manifest.received", P.generator, B.received(no, lines: [(1, 5 * P.t, 0), (1, 5 * P.t, 0)]))
        },
        TransferCase(.schema, "a correction changing neither method nor lines, by a non-party: SCHEMA before AUTH", .rejected(.schema)) { s in
            let no = try s.deliveredManifest()
            return T("manifest.correction.proposed", P.outsider, ["manifestNo": .string(no), "correctionId": "C-1", "reason": "x"])
        },
        TransferCase(.schema, "a correction changing neither method nor lines, of an unknown manifest: SCHEMA before NOT-FOUND", .rejected(.schema)) { _ in
            T("manifest.correction.proposed", P.generator, ["manifestNo": "20255101999999", "correctionId": "C-1", "reason": "x"])
        },
    ]

    @Test("the first failing rule in the normative order is reported", arguments: cases)
    func precedence(_ c: TransferCase) throws { try c.check() }
}
