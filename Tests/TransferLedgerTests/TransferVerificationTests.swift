import LedgerCore
import LedgerSQLite
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

private typealias P = TransferParty
private typealias B = TransferBody

/// `rebuildCheck(scratch:)` and `verify(trusted:scratch:)` after a full transfer scenario (SPEC §3.4, §4.1).
@Suite("Transfer scenario verification")
struct TransferVerificationTests {
    /// Every transfer event type at least once: both approval routes, consent, notice, whitelist suspension,
    /// manifests with handover, partial and whole rejection, a return, a cancellation and an applied correction.
    static func fullScenario(sqlite: Bool) throws -> TransferScenario {
        let s = try TransferScenario(sqlite: sqlite)
        // Full route with an incomplete notice.
        try s.apply("A-1", grams: 30 * P.t)
        try s.must("approval.incomplete", P.sc, ["applicationId": "A-1", "missing": ["经营许可证"], "notifiedOn": "2025-03-04"])
        try s.must("approval.supplemented", P.generator, ["applicationId": "A-1", "supplementedOn": "2025-03-04"])
        try s.fullRouteUpToDecision("A-1")
        try s.must("approval.decided", P.sc, B.approved("A-1", no: "N-1", grams: 30 * P.t))
        // Whitelist route with consent and notice.
        try s.confirmedWhitelist(cap: 20 * P.t)
        try s.apply("A-W", grams: 22 * P.t, to: "2025-12-31")
        try s.must("whitelist.overquota.consented", P.cq, ["applicationId": "A-W", "extraGrams": .int(2 * P.t)])
        try s.must("approval.decided", P.sc, B.approved("A-W", no: "N-W", grams: 22 * P.t))
        try s.must("approval.notified", P.sc, ["applicationId": "A-W", "notifiedOn": "2025-03-08"])
        // A denied application.
        try s.apply("A-X", grams: 1 * P.t)
        try s.review("A-X", opinion: "disagree")
        try s.requestConsultation("A-X")
        try s.reply("A-X", opinion: "disagree")
        try s.must("approval.decided", P.sc, B.denied("A-X"))

        // Cross-province manifest with a handover, partial rejection, a return and a correction.
        let m1 = try s.file(B.manifest(carriers: [P.carrier, P.carrier2], receiver: P.receiver, basis: ["approval": "N-1"], lines: [
            B.line(grams: 6 * P.t), B.line(grams: 4 * P.t),
        ]))
        try s.pickUp(m1)
        try s.must("manifest.handedOver", P.carrier2, B.handedOver(m1, from: P.carrier))
        try s.receive(m1, by: P.receiver, lines: [(1, 6 * P.t, 0), (2, 3 * P.t, 1 * P.t)])
        try s.must("manifest.correction.proposed", P.receiver, [
            "manifestNo": .string(m1), "correctionId": "C-1", "reason": "复磅", "lines": [["line": 1, "grams": 5_950_000]],
        ])
        for party in [P.generator, P.carrier, P.carrier2] {
            try s.must("manifest.correction.approved", party, ["manifestNo": .string(m1), "correctionId": "C-1"])
        }
        try s.file(B.manifest(
            generator: P.receiver, carriers: [P.carrier2], receiver: P.generator, pickup: "2025-03-14", basis: ["approval": "N-1"],
            lines: [B.line(grams: 1 * P.t)], returnOf: m1))
        // Whitelist-route manifest rejected whole; a cancelled one.
        let m2 = try s.file(B.manifest(receiver: P.receiver, basis: ["approval": "N-W"]))
        try s.pickUp(m2)
        try s.must("manifest.rejected", P.receiver, ["manifestNo": .string(m2), "deliveredAt": "2025-03-12T09:00:00Z", "reason": "不符"])
        let m3 = try s.file(B.manifest(receiver: P.receiver, basis: ["approval": "N-W"]))
        try s.must("manifest.cancelled", P.generator, ["manifestNo": .string(m3), "reason": "计划变更"])
        // Intra-province manifest delivered late; suspension.
        s.clock.set(UTCInstant("2025-04-01T08:00:00Z")!)
        try s.deliveredManifest()
        try s.must("whitelist.suspended", P.cq, ["year": 2025, "listingProvince": "500000", "receiver": .string(P.receiver), "wasteCode": .string(P.code), "reason": "严重违法"])
        return s
    }

    @Test("the full scenario's projections hold what happened")
    func scenarioState() throws {
        let s = try Self.fullScenario(sqlite: false)
        let m1 = try #require(try s.manifest("20255101000001"))
        #expect(m1.state == .received)
        #expect(m1.versions.count == 2)
        #expect(m1.versions.last?.lines.first?.grams == 5_950_000)
        #expect(m1.corrections.first?.applied == true)
        #expect(m1.returnedGrams[P.code] == 1 * P.t)
        #expect(m1.actualCarriers == [P.carrier, P.carrier2])
        #expect(try s.manifest("20255101000002")?.state == .rejected)
        #expect(try s.manifest("20255101000003")?.state == .cancelled)
        #expect(try s.application("A-1")?.filedGrams == 10 * P.t)
        #expect(try s.application("A-W")?.filedGrams == 10 * P.t)
        #expect(try s.application("A-W")?.notifiedOn == CivilDate("2025-03-08"))
    }

    @Test("rebuildCheck and verify pass after the full scenario", arguments: [false, true])
    func verifies(sqlite: Bool) throws {
        let s = try Self.fullScenario(sqlite: sqlite)
        try s.ledger.publishCheckpoint(keys: [TestKeys.operatorKey])
        let scratch1 = try SQLiteLedgerStore.scratch()
        defer { scratch1.removeScratch() }
        try s.ledger.rebuildCheck(scratch: scratch1)

        let latest = try s.ledger.latestCheckpoint()
        #expect(latest.size == (try s.size()))
        let trusted = try SignedCheckpoint(verifying: Array(latest.note.utf8), keys: try s.ledger.operatorVerifierKeys())
        let scratch2 = try SQLiteLedgerStore.scratch()
        defer { scratch2.removeScratch() }
        _ = try s.ledger.verify(trusted: trusted, scratch: scratch2)
    }

    @Test("rejected submissions in the middle of a scenario leave verify passing")
    func rejectionsLeaveNoTrace() throws {
        let s = try Self.fullScenario(sqlite: true)
        let size = try s.size()
        let attempts: [(String, String, [String: JSONValue], RuleID)] = [
            ("approval.decided", P.sc, B.approved("A-1", no: "N-9"), .state),
            ("manifest.filed", P.generator, B.manifest(receiver: P.receiver), .approvalMissing),
            ("manifest.cancelled", P.generator, ["manifestNo": "20255101000001", "reason": "x"], .state),
        ]
        for (type, actor, body, rule) in attempts {
            guard case .rejected(let v) = try s.submit(type, actor, body) else { Issue.record("\(type) was appended"); continue }
            #expect(v.rule == rule, "\(type): \(v)")
        }
        #expect(try s.size() == size)
        let scratch = try SQLiteLedgerStore.scratch()
        defer { scratch.removeScratch() }
        _ = try s.ledger.verify(trusted: nil, scratch: scratch)
    }
}
