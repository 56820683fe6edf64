import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// Every rule id the registry can produce (SPEC §2.1): a submission that triggers it is rejected with that id and
/// writes nothing (same tree size, checkpoints and projections); one that passes it is appended.
@Suite("Registry rules through the ledger")
struct RegistryRuleTests {
    @Test("R-SCHEMA rejects malformed events and writes nothing", arguments: Scenarios.schemaRejected)
    func schemaRejected(_ s: Scenario) throws { try s.check() }

    @Test("R-SCHEMA passes well-formed events", arguments: Scenarios.schemaPassed)
    func schemaPassed(_ s: Scenario) throws { try s.check() }

    @Test("R-SIG rejects bad, unknown, foreign and revoked keys and writes nothing", arguments: Scenarios.signatureRejected)
    func signatureRejected(_ s: Scenario) throws { try s.check() }

    @Test("R-SIG passes valid signatures", arguments: Scenarios.signaturePassed)
    func signaturePassed(_ s: Scenario) throws { try s.check() }

    @Test("R-NONCE rejects a replay by the same actor and writes nothing", arguments: Scenarios.nonceRejected)
    func nonceRejected(_ s: Scenario) throws { try s.check() }

    @Test("R-NONCE passes fresh nonces and another actor's nonce", arguments: Scenarios.noncePassed)
    func noncePassed(_ s: Scenario) throws { try s.check() }

    @Test("R-USCC rejects bad codes and writes nothing", arguments: Scenarios.usccRejected)
    func usccRejected(_ s: Scenario) throws { try s.check() }

    @Test("R-USCC passes valid codes", arguments: Scenarios.usccPassed)
    func usccPassed(_ s: Scenario) throws { try s.check() }

    @Test("R-DIVISION rejects divisions outside the list and writes nothing", arguments: Scenarios.divisionRejected)
    func divisionRejected(_ s: Scenario) throws { try s.check() }

    @Test("R-DIVISION passes listed divisions", arguments: Scenarios.divisionPassed)
    func divisionPassed(_ s: Scenario) throws { try s.check() }

    @Test("R-NOT-FOUND rejects references to missing registrations and keys", arguments: Scenarios.notFoundRejected)
    func notFoundRejected(_ s: Scenario) throws { try s.check() }

    @Test("R-NOT-FOUND passes existing references", arguments: Scenarios.notFoundPassed)
    func notFoundPassed(_ s: Scenario) throws { try s.check() }

    @Test("R-AUTH rejects actors that may not emit the event", arguments: Scenarios.authRejected)
    func authRejected(_ s: Scenario) throws { try s.check() }

    @Test("R-AUTH passes the competent regulator", arguments: Scenarios.authPassed)
    func authPassed(_ s: Scenario) throws { try s.check() }

    @Test("R-STATE rejects revoking twice and a second genesis", arguments: Scenarios.stateRejected)
    func stateRejected(_ s: Scenario) throws { try s.check() }

    @Test("R-STATE passes allowed transitions", arguments: Scenarios.statePassed)
    func statePassed(_ s: Scenario) throws { try s.check() }

    @Test("R-DUPLICATE rejects an existing USCC or key", arguments: Scenarios.duplicateRejected)
    func duplicateRejected(_ s: Scenario) throws { try s.check() }

    @Test("R-DUPLICATE passes new ids", arguments: Scenarios.duplicatePassed)
    func duplicatePassed(_ s: Scenario) throws { try s.check() }

    @Test("when several rules fail, the first in SPEC §2's order is reported", arguments: Scenarios.precedence)
    func precedence(_ s: Scenario) throws { try s.check() }

    @Test("a few scenarios behave the same on SQLite", arguments: [
        Scenarios.schemaRejected[0], Scenarios.signatureRejected[3], Scenarios.nonceRejected[0], Scenarios.authRejected[1],
        Scenarios.stateRejected[0], Scenarios.duplicateRejected[0], Scenarios.schemaPassed[1], Scenarios.noncePassed[0],
        Scenarios.schemaRejected.first { $0.desc.contains("65,535") }!,
    ])
    func onSQLite(_ s: Scenario) throws { try s.check(.sqlite) }

    @Test("every rule id the registry can produce has a triggering and a passing scenario")
    func coverage() {
        let registryRules: Set<RuleID> = [.schema, .signature, .nonce, .uscc, .division, .notFound, .auth, .state, .duplicate]
        let triggered = Set(Scenarios.allRejected.compactMap { s -> RuleID? in
            if case .rejected(let r) = s.expected, r == s.rule { return r } else { return nil }
        })
        let passed = Set(Scenarios.allPassed.map(\.rule))
        #expect(triggered == registryRules)
        #expect(passed == registryRules)
    }

    // MARK: Effects of accepted events on the projections

    @Test("an accepted registration and key are visible in the projections")
    func projectionsAfterRegistration() throws {
        let h = try Harness()
        let key = try h.register(ID.sichuan1, roles: ["generator", "carrier"])
        let e = try #require(try h.enterpriseRecord(ID.sichuan1))
        #expect(e.uscc == ID.sichuan1 && e.division == "510100" && e.roles == [.generator, .carrier] && e.registeredAt == 1)
        let k = try #require(try h.keyRecord(ID.sichuan1, key.verifier.keyIDHex))
        #expect(k.key == key.verifier.description && k.addedAt == 2 && k.revokedAt == nil)
        try h.require(try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, key)))
        #expect(try h.keyRecord(ID.sichuan1, key.verifier.keyIDHex)?.revokedAt == 3)
    }

    @Test("genesis registers both regulators' keys and the operator key")
    func genesisProjections() throws {
        let h = try Harness()
        #expect(try h.size() == 1)
        #expect(try h.keyRecord("REG-510000", TestKeys.sichuan.verifier.keyIDHex)?.addedAt == 0)
        #expect(try h.keyRecord("REG-500000", TestKeys.chongqing.verifier.keyIDHex)?.addedAt == 0)
        #expect(try h.keyRecord(TestKeys.origin, TestKeys.operatorKey.verifier.keyIDHex) != nil)
        #expect(try h.ledger.origin() == TestKeys.origin)
        #expect(try h.ledger.genesis().regulators.map(\.regulator.id) == ["REG-510000", "REG-500000"])
        #expect(try h.store.read { try $0.checkpoints() }.map(\.size) == [1])
    }

    @Test("initialising a ledger twice is refused and writes nothing")
    func initialiseTwice() throws {
        let h = try Harness()
        let before = try h.snapshot()
        #expect(throws: LedgerError.self) {
            try h.ledger.initialise(genesis: try Genesis(json: TestKeys.genesisJSON()), operatorKey: TestKeys.operatorKey, operatorKeyPath: nil)
        }
        #expect(try h.snapshot() == before)
    }

    @Test("rule messages name the field involved", arguments: [
        (Scenarios.schemaRejected[0], "body.name"), (Scenarios.schemaRejected[2], "body.legalRepresentative"),
        (Scenarios.schemaRejected[6], "body.roles[1]"), (Scenarios.usccRejected[0], "body.uscc"),
        (Scenarios.divisionRejected[0], "body.division"), (Scenarios.notFoundRejected[0], "body.principal"),
        (Scenarios.notFoundRejected[1], "body.keyId"),
    ])
    func messagesNameTheField(_ s: Scenario, field: String) throws {
        let h = try Harness()
        let outcome = try s.prepare(h)()
        guard case .rejected(let v) = outcome else {
            Issue.record("expected a rejection, got \(outcome)")
            return
        }
        #expect(v.message.contains(field), "\(v)")
    }
}
