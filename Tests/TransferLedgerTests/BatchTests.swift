import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// `submit` judges a batch in input order, each line against the log including the earlier accepted lines.
@Suite("Batches")
struct BatchTests {
    static let sc = TestKeys.sichuan

    @Test("line 2 may depend on line 1: register then add the key in one submit call", arguments: StoreKind.available)
    func dependentLines(kind: StoreKind) throws {
        let h = try Harness(kind)
        let key = TestKeys.key(ID.sichuan1)
        let outcomes = try h.ledger.submit([
            h.sign("enterprise.registered", actor: "REG-510000", key: Self.sc, body: Body.enterprise(ID.sichuan1)),
            h.sign("key.added", actor: "REG-510000", key: Self.sc, body: Body.keyAdded(ID.sichuan1, key)),
        ])
        #expect(outcomes.count == 2)
        guard case .appended(1, _, _) = outcomes[0], case .appended(2, _, _) = outcomes[1] else {
            Issue.record("\(outcomes)")
            return
        }
        #expect(try h.size() == 3)
        #expect(try h.keyRecord(ID.sichuan1, key.verifier.keyIDHex) != nil)
    }

    @Test("a key added earlier in the batch signs a later line (signature checked inside the transaction)")
    func keyAddedInBatchSigns() throws {
        let h = try Harness()
        let key = TestKeys.key(ID.sichuan1)
        let outcomes = try h.ledger.submit([
            h.sign("enterprise.registered", actor: "REG-510000", key: Self.sc, body: Body.enterprise(ID.sichuan1)),
            h.sign("key.added", actor: "REG-510000", key: Self.sc, body: Body.keyAdded(ID.sichuan1, key)),
            h.sign("enterprise.registered", actor: ID.sichuan1, key: key, body: Body.enterprise(ID.sichuan2)),
            h.sign("enterprise.registered", actor: ID.sichuan1, key: key, body: Body.enterprise(ID.sichuan3)).corrupted(),
        ])
        #expect(outcomes[2].rule == .auth, "\(outcomes[2])")
        #expect(outcomes[3].rule == .signature, "\(outcomes[3])")
    }

    @Test("a key revoked earlier in the batch no longer signs")
    func keyRevokedInBatch() throws {
        let h = try Harness()
        let k2 = TestKeys.key("REG-510000", variant: 1)
        try h.require(try h.submit("key.added", body: Body.keyAdded("REG-510000", k2)))
        let outcomes = try h.ledger.submit([
            h.sign("enterprise.registered", actor: "REG-510000", key: Self.sc, body: Body.enterprise(ID.sichuan1)),
            h.sign("key.revoked", actor: "REG-510000", key: k2, body: Body.keyRevoked("REG-510000", Self.sc)),
            h.sign("enterprise.registered", actor: "REG-510000", key: Self.sc, body: Body.enterprise(ID.sichuan2)),
            h.sign("enterprise.registered", actor: "REG-510000", key: k2, body: Body.enterprise(ID.sichuan3)),
        ])
        #expect(outcomes.map(\.rule) == [nil, nil, .signature, nil])
    }

    @Test("the next transaction's lines are pre-checked while one is written: a key revoked in it no longer signs there, a bad signature there is R-SIG", arguments: StoreKind.available)
    func precheckedAheadOfTheWriter(kind: StoreKind) throws {
        let h = try Harness(kind)
        let k2 = TestKeys.key("REG-510000", variant: 1)
        try h.require(try h.submit("key.added", body: Body.keyAdded("REG-510000", k2)))
        var items: [SignedSubmission] = []
        func register(_ serial: Int, key: SigningKey) -> SignedSubmission {
            h.sign("enterprise.registered", actor: "REG-510000", key: key, body: Body.enterprise(TestKeys.uscc(division: "510100", serial: 1000 + serial)))
        }
        for i in 0..<10 { items.append(register(i, key: k2)) }
        // Revoked in the first transaction; the second's lines signed with it were pre-checked against the keys the
        // log held while the first was written.
        items.append(h.sign("key.revoked", actor: "REG-510000", key: Self.sc, body: Body.keyRevoked("REG-510000", k2)))
        for i in items.count..<(TransferLedger.batchSize + 3) { items.append(register(i, key: Self.sc)) }
        let revokedAt = items.count
        items.append(register(revokedAt, key: k2))
        let corruptedAt = items.count
        items.append(register(corruptedAt, key: Self.sc).corrupted())
        items.append(register(corruptedAt + 1, key: Self.sc))
        let outcomes = try h.ledger.submit(items)
        #expect(outcomes.count == items.count)
        for (i, outcome) in outcomes.enumerated() {
            #expect(outcome.rule == ([revokedAt, corruptedAt].contains(i) ? .signature : nil), "line \(i): \(outcome)")
        }
        #expect(try h.size() == UInt64(2 + items.count - 2))
    }

    @Test("the same nonce twice in one batch: the second is a replay")
    func nonceWithinBatch() throws {
        let h = try Harness()
        let nonce: [UInt8] = Array(repeating: 7, count: 16)
        let outcomes = try h.ledger.submit([
            h.sign("enterprise.registered", actor: "REG-510000", key: Self.sc, body: Body.enterprise(ID.sichuan1), nonce: nonce),
            h.sign("enterprise.registered", actor: "REG-510000", key: Self.sc, body: Body.enterprise(ID.sichuan2), nonce: nonce),
            h.sign("enterprise.registered", actor: "REG-500000", key: TestKeys.chongqing, body: Body.enterprise(ID.chongqing1, division: "500101"), nonce: nonce),
        ])
        #expect(outcomes.map(\.rule) == [nil, .nonce, nil])
    }

    @Test("a rejected line in the middle writes nothing and later lines get the next indices", arguments: StoreKind.available)
    func rejectedInTheMiddle(kind: StoreKind) throws {
        let h = try Harness(kind)
        let outcomes = try h.ledger.submit([
            h.sign("enterprise.registered", actor: "REG-510000", key: Self.sc, body: Body.enterprise(ID.sichuan1)),
            h.sign("enterprise.registered", actor: "REG-510000", key: Self.sc, body: Body.enterprise(ID.sichuan1)),
            h.sign("enterprise.registered", actor: "REG-510000", key: Self.sc, body: Body.enterprise(ID.badCheck)),
            h.sign("enterprise.registered", actor: "REG-510000", key: Self.sc, body: Body.enterprise(ID.sichuan2)),
        ])
        #expect(outcomes.map(\.rule) == [nil, .duplicate, .uscc, nil])
        guard case .appended(1, _, _) = outcomes[0], case .appended(2, _, _) = outcomes[3] else {
            Issue.record("\(outcomes)")
            return
        }
        #expect(try h.size() == 3)
        try h.ledger.rebuildCheck(scratch: InMemoryLedgerStore())
    }

    @Test("leaf hashes returned by submit are those of the stored entries and chain through prev")
    func leafHashesChain() throws {
        let h = try Harness()
        let outcomes = try h.ledger.submit([
            h.sign("enterprise.registered", actor: "REG-510000", key: Self.sc, body: Body.enterprise(ID.sichuan1)),
            h.sign("enterprise.registered", actor: "REG-510000", key: Self.sc, body: Body.enterprise(ID.sichuan2)),
        ])
        for outcome in outcomes {
            guard case .appended(let index, let leaf, let assigned) = outcome else {
                Issue.record("\(outcome)")
                continue
            }
            #expect(assigned.isEmpty)
            let bytes = try h.store.read { try $0.entry(at: index) }
            #expect(TreeHasher.leafHash(bytes) == leaf)
            let previous = try h.store.read { try $0.entry(at: index - 1) }
            #expect(try Entry(bytes: bytes).prev == TreeHasher.leafHash(previous))
            #expect(try Entry(bytes: bytes).time == "2025-03-01T08:00:00Z")
        }
    }

    @Test("a batch larger than one transaction keeps input order and cross-transaction dependencies")
    func largerThanOneTransaction() throws {
        let h = try Harness()
        let count = TransferLedger.batchSize + 5
        var items = [h.sign("enterprise.registered", actor: "REG-510000", key: Self.sc, body: Body.enterprise(ID.sichuan1))]
        for i in 0..<count {
            items.append(h.sign("enterprise.registered", actor: "REG-510000", key: Self.sc, body: Body.enterprise(TestKeys.uscc(division: "510100", serial: 1000 + i))))
        }
        items.append(h.sign("key.added", actor: "REG-510000", key: Self.sc, body: Body.keyAdded(ID.sichuan1, TestKeys.key(ID.sichuan1))))
        items.append(h.sign("enterprise.registered", actor: "REG-510000", key: Self.sc, body: Body.enterprise(ID.sichuan1)))
        let outcomes = try h.ledger.submit(items)
        #expect(outcomes.count == items.count)
        #expect(outcomes.dropLast().allSatisfy { $0.rule == nil })
        #expect(outcomes.last?.rule == .duplicate)
        #expect(try h.size() == UInt64(1 + count + 2))
        if case .appended(let index, _, _) = outcomes[count + 1] { #expect(index == UInt64(count + 2)) } else { Issue.record("\(outcomes[count + 1])") }
    }
}
