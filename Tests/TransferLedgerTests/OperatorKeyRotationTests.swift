import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// Operator key rotation (issue 6): a new key is announced in the log, checkpoints are signed by both keys during the
/// overlap, verifiers that know either key accept them, and the old key can be retired.
@Suite("Operator key rotation")
struct OperatorKeyRotationTests {
    let origin = TestKeys.origin
    let old = TestKeys.operatorKey
    let new = TestKeys.key(TestKeys.origin, variant: 1)

    func rule(_ outcome: SubmitOutcome) -> RuleID? {
        if case .rejected(let v) = outcome { return v.rule }
        return nil
    }

    @Test("a rotation: announce, sign with both, retire the old key; every checkpoint stays verifiable")
    func fullRotation() throws {
        let t = try TestLedger(store: InMemoryLedgerStore())
        let announce = try t.submit("operator.key.announced", actor: origin, key: old, body: ["key": .string(new.verifier.description)])
        #expect(rule(announce) == nil, "\(announce)")

        let overlap = try t.ledger.publishCheckpoint(keys: [old, new])
        #expect(throws: Never.self) { try SignedCheckpoint(verifying: Array(overlap.note.utf8), keys: [old.verifier]) }
        #expect(throws: Never.self) { try SignedCheckpoint(verifying: Array(overlap.note.utf8), keys: [new.verifier]) }

        let retire = try t.submit("operator.key.retired", actor: origin, key: new, body: ["keyId": .string(old.verifier.keyIDHex)])
        #expect(rule(retire) == nil, "\(retire)")
        #expect(throws: LedgerError.self) { try t.ledger.publishCheckpoint(keys: [old]) }
        let after = try t.ledger.publishCheckpoint(keys: [new])
        #expect(throws: Never.self) { try SignedCheckpoint(verifying: Array(after.note.utf8), keys: [new.verifier]) }
        #expect(throws: LedgerError.self) { try SignedCheckpoint(verifying: Array(after.note.utf8), keys: [old.verifier]) }

        #expect(try t.ledger.activeOperatorVerifierKeys() == [new.verifier])
        #expect(Set(try t.ledger.operatorVerifierKeys().map(\.description)) == Set([old.verifier.description, new.verifier.description]))
        let report = try t.ledger.verify(trusted: nil, scratch: InMemoryLedgerStore())
        #expect(report.checkpointsChecked == 3)
        try t.ledger.rebuildCheck(scratch: InMemoryLedgerStore())

        // The retired key no longer signs for the operator.
        let late = try t.submit("operator.key.announced", actor: origin, key: old, body: ["key": .string(TestKeys.key(origin, variant: 2).verifier.description)])
        #expect(rule(late) == .signature)
    }

    @Test("the last active operator key cannot be retired")
    func lastKeyStays() throws {
        let t = try TestLedger(store: InMemoryLedgerStore())
        let outcome = try t.submit("operator.key.retired", actor: origin, key: old, body: ["keyId": .string(old.verifier.keyIDHex)])
        #expect(rule(outcome) == .state)
    }

    @Test("only the operator announces operator keys, named after the origin, once")
    func announcementRules() throws {
        let t = try TestLedger(store: InMemoryLedgerStore())
        let byRegulator = try t.submit("operator.key.announced", actor: "REG-510000", key: TestKeys.sichuan, body: ["key": .string(new.verifier.description)])
        #expect(rule(byRegulator) == .auth)
        let misnamed = try t.submit("operator.key.announced", actor: origin, key: old, body: ["key": .string(TestKeys.key("other.example/log").verifier.description)])
        #expect(rule(misnamed) == .schema)
        #expect(rule(try t.submit("operator.key.announced", actor: origin, key: old, body: ["key": .string(new.verifier.description)])) == nil)
        #expect(rule(try t.submit("operator.key.announced", actor: origin, key: old, body: ["key": .string(new.verifier.description)])) == .duplicate)
        let unknown = try t.submit("operator.key.retired", actor: origin, key: old, body: ["keyId": "0badc0de"])
        #expect(rule(unknown) == .notFound)
    }
}
