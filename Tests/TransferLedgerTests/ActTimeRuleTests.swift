import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

private typealias P = TransferParty
private typealias B = TransferBody

/// R-TIME (SPEC §2, issue 19): no act may be dated after the signature that records it, and no signature more than
/// 300 s ahead of the ledger's time. Each act field is tried one second (instants) or one day (dates) after
/// `signedAt` and at `signedAt` itself, on a ledger where the event is otherwise acceptable.
@Suite("R-TIME: acts not later than signedAt, signedAt not ahead of the ledger")
struct ActTimeRuleTests {
    /// One act field: the state before it, and the event with the act's value.
    struct Case: CustomTestStringConvertible, Sendable {
        var field: String
        var type: String
        var actor: String
        var setup: @Sendable (TransferScenario) throws -> Void
        var body: @Sendable (String) -> [String: JSONValue]
        var testDescription: String { "\(field) of \(type)" }
    }

    /// Signed at 2025-03-20 16:00 in Shanghai: every setup step lies before it.
    static let signedAt = UTCInstant("2025-03-20T08:00:00Z")!

    static let dateCases: [Case] = [
        Case(field: "appliedOn", type: "approval.applied", actor: P.generator, setup: { _ in }, body: { B.applied("A-T", on: $0) }),
        Case(field: "notifiedOn", type: "approval.incomplete", actor: P.sc, setup: { try $0.apply("A-T") }) {
            ["applicationId": "A-T", "missing": ["危险废物特性说明"], "notifiedOn": .string($0)]
        },
        Case(field: "supplementedOn", type: "approval.supplemented", actor: P.generator, setup: { s in
            try s.apply("A-T")
            try s.must("approval.incomplete", P.sc, ["applicationId": "A-T", "missing": ["危险废物特性说明"], "notifiedOn": "2025-03-04"])
        }) { ["applicationId": "A-T", "supplementedOn": .string($0)] },
        Case(field: "reviewedOn", type: "approval.reviewed", actor: P.sc, setup: { try $0.apply("A-T") }) {
            ["applicationId": "A-T", "opinion": "agree", "reviewedOn": .string($0)]
        },
        Case(field: "requestedOn", type: "approval.consultation.requested", actor: P.sc, setup: { s in
            try s.apply("A-T")
            try s.review("A-T")
        }) { ["applicationId": "A-T", "requestedOn": .string($0)] },
        Case(field: "repliedOn", type: "approval.consultation.replied", actor: P.cq, setup: { s in
            try s.apply("A-T")
            try s.review("A-T")
            try s.requestConsultation("A-T")
        }) { ["applicationId": "A-T", "opinion": "agree", "repliedOn": .string($0)] },
        Case(field: "decidedOn", type: "approval.decided", actor: P.sc, setup: { s in
            try s.apply("A-T")
            try s.fullRouteUpToDecision("A-T")
        }) { B.approved("A-T", no: "川环危转〔2025〕9号", on: $0) },
        Case(field: "notifiedOn", type: "approval.notified", actor: P.sc, setup: { s in
            try s.confirmedWhitelist()
            try s.apply("A-T", to: "2025-12-31")
            try s.must("approval.decided", P.sc, B.approved("A-T", no: "川环危转〔2025〕9号"))
        }) { ["applicationId": "A-T", "notifiedOn": .string($0)] },
        Case(field: "revokedOn", type: "p2p.revoked", actor: P.sc, setup: { s in
            try s.must("p2p.registered", P.sc, P2PRuleTests.registration())
        }) { ["registrationNo": "SC-P2P-1", "revokedOn": .string($0), "reason": "利用单位违规"] },
    ]

    static let instantCases: [Case] = [
        Case(field: "pickedUpAt", type: "manifest.pickedUp", actor: P.carrier, setup: { try $0.file() }) { B.pickedUp("20255101000001", at: $0) },
        Case(field: "handedOverAt", type: "manifest.handedOver", actor: P.carrier2, setup: { s in
            let no = try s.file(B.manifest(carriers: [P.carrier, P.carrier2]))
            try s.pickUp(no)
        }) { B.handedOver("20255101000001", from: P.carrier, at: $0) },
        Case(field: "deliveredAt", type: "manifest.received", actor: P.scReceiver, setup: { s in
            try s.pickUp(try s.file())
        }) { B.received("20255101000001", at: $0) },
        Case(field: "deliveredAt", type: "manifest.rejected", actor: P.scReceiver, setup: { s in
            try s.pickUp(try s.file())
        }) { ["manifestNo": "20255101000001", "deliveredAt": .string($0), "reason": "包装破损"] },
    ]

    /// A ledger where the case's event is acceptable, standing at `signedAt`.
    static func ledger(for c: Case) throws -> TransferScenario {
        let s = c.type == "p2p.revoked" ? try P2PRuleTests.ledger() : try TransferScenario()
        try c.setup(s)
        s.clock.set(signedAt)
        return s
    }

    static func submit(_ c: Case, value: String, on s: TransferScenario, signedAt: UTCInstant = signedAt) throws -> SubmitOutcome {
        let signed = UnsignedEvent(type: c.type, actor: c.actor, body: c.body(value))
            .signed(with: TransferScenario.key(c.actor), at: signedAt, nonce: randomNonce())
        return try s.ledger.submit([signed])[0]
    }

    @Test("a date act one day after signedAt's date in Asia/Shanghai is R-TIME and writes nothing", arguments: dateCases)
    func dateAfterSignature(_ c: Case) throws {
        let s = try Self.ledger(for: c)
        let before = try s.snapshot()
        let outcome = try Self.submit(c, value: "2025-03-21", on: s)
        guard case .rejected(let v) = outcome else { Issue.record("accepted: \(outcome)"); return }
        #expect(v.rule == .time)
        #expect(v.message.contains("body.\(c.field)"))
        #expect(v.messageZh.hasPrefix(ActTimeRule.dateFields[c.field]! + "晚于签名日期"))
        #expect(try s.snapshot() == before)
    }

    @Test("a date act on signedAt's date in Asia/Shanghai is accepted", arguments: dateCases)
    func dateOnSignature(_ c: Case) throws {
        let s = try Self.ledger(for: c)
        let outcome = try Self.submit(c, value: "2025-03-20", on: s)
        guard case .appended = outcome else { Issue.record("rejected: \(outcome)"); return }
    }

    @Test("the date is Shanghai's: signed 2025-03-20T17:00:00Z (03-21 01:00 in Shanghai), an act dated 03-21 passes")
    func dateInShanghai() throws {
        let c = Self.dateCases.first { $0.field == "reviewedOn" }!
        let s = try Self.ledger(for: c)
        let late = UTCInstant("2025-03-20T17:00:00Z")!
        s.clock.set(late)
        guard case .appended = try Self.submit(c, value: "2025-03-21", on: s, signedAt: late) else { Issue.record("refused"); return }
        let t = try Self.ledger(for: c)
        let early = UTCInstant("2025-03-20T15:59:59Z")!
        guard case .rejected(let v) = try Self.submit(c, value: "2025-03-21", on: t, signedAt: early) else { Issue.record("accepted"); return }
        #expect(v.rule == .time)
    }

    @Test("an instant act one second after signedAt is R-TIME and writes nothing", arguments: instantCases)
    func instantAfterSignature(_ c: Case) throws {
        let s = try Self.ledger(for: c)
        let before = try s.snapshot()
        let outcome = try Self.submit(c, value: "2025-03-20T08:00:01Z", on: s)
        guard case .rejected(let v) = outcome else { Issue.record("accepted: \(outcome)"); return }
        #expect(v.rule == .time)
        #expect(v.messageZh.hasPrefix(ActTimeRule.instantFields[c.field]! + "晚于签名时间"))
        #expect(try s.snapshot() == before)
    }

    @Test("an instant act at signedAt itself is accepted", arguments: instantCases)
    func instantAtSignature(_ c: Case) throws {
        let s = try Self.ledger(for: c)
        guard case .appended = try Self.submit(c, value: "2025-03-20T08:00:00Z", on: s) else { Issue.record("refused"); return }
    }

    @Test("signedAt 301 s ahead of the ledger's time is R-TIME; 300 s ahead is accepted")
    func signatureAheadOfLedger() throws {
        let c = Self.instantCases[0]
        let s = try Self.ledger(for: c)
        let before = try s.snapshot()
        let ahead = UTCInstant(seconds: Self.signedAt.seconds + 301)
        guard case .rejected(let v) = try Self.submit(c, value: "2025-03-12T01:00:00Z", on: s, signedAt: ahead) else {
            Issue.record("accepted"); return
        }
        #expect(v.rule == .time)
        #expect(v.message.contains("301 s ahead"))
        #expect(try s.snapshot() == before)
        let justInTime = UTCInstant(seconds: Self.signedAt.seconds + 300)
        guard case .appended = try Self.submit(c, value: "2025-03-12T01:00:00Z", on: s, signedAt: justInTime) else {
            Issue.record("refused at 300 s"); return
        }
    }

    @Test("a receipt back-entered (补录) in 2026 for a 2025 delivery is accepted, its lateness an A-RECEIPT-LATE anomaly")
    func backEnteredRecordIsAccepted() throws {
        let s = try TransferScenario()
        let no = try s.file()
        try s.pickUp(no)
        s.clock.set(UTCInstant("2026-01-15T02:00:00Z")!)
        try s.receive(no)
        #expect(try s.anomalies(asOf: "2026-01-15", subject: no).contains { $0.id == "A-RECEIPT-LATE" })
    }

    @Test("R-TIME comes after R-NONCE: a replay of a submission with a future act is R-NONCE; R-TIME before R-AUTH")
    func order() throws {
        let c = Self.instantCases[0]
        let s = try Self.ledger(for: c)
        let future = UnsignedEvent(type: c.type, actor: P.outsider, body: c.body("2025-03-21T00:00:00Z"))
            .signed(with: TransferScenario.key(P.outsider), at: Self.signedAt, nonce: randomNonce())
        guard case .rejected(let v) = try s.ledger.submit([future])[0] else { Issue.record("accepted"); return }
        #expect(v.rule == .time, "R-TIME before R-AUTH")
        let ok = UnsignedEvent(type: c.type, actor: c.actor, body: c.body("2025-03-20T00:00:00Z"))
            .signed(with: TransferScenario.key(c.actor), at: Self.signedAt, nonce: randomNonce())
        guard case .appended = try s.ledger.submit([ok])[0] else { Issue.record("refused"); return }
        var replay = ok
        replay.submission.body = c.body("2025-03-21T00:00:00Z")
        replay = SignedSubmission(submission: replay.submission, signature: replay.submission.signature(with: TransferScenario.key(c.actor)))
        guard case .rejected(let w) = try s.ledger.submit([replay])[0] else { Issue.record("accepted"); return }
        #expect(w.rule == .nonce)
    }

    @Test("hwledger check's dry run reports R-TIME with the field's Chinese sentence and appends nothing")
    func dryRun() throws {
        let c = Self.instantCases[1]
        let s = try Self.ledger(for: c)
        let before = try s.snapshot()
        let signed = UnsignedEvent(type: c.type, actor: c.actor, body: c.body("2025-03-20T15:50:00Z"))
            .signed(with: TransferScenario.key(c.actor), at: Self.signedAt, nonce: randomNonce())
        let found = try s.ledger.check([signed])
        #expect(found.first?.map(\.rule) == [.time])
        #expect(found.first?.first?.messageZh.hasPrefix("交接时间晚于签名时间") == true)
        #expect(try s.snapshot() == before)
    }
}
