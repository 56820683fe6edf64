import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// SPEC §3.1: an entry of 65,535 bytes or more is R-SCHEMA; one byte less is accepted.
@Suite("Entry size limit")
struct EntrySizeTests {
    /// A registration whose entry (as the ledger will build it at the current size) has exactly `target` bytes.
    static func registration(_ h: Harness, uscc: String, entryBytes target: Int) throws -> SignedSubmission {
        let size = try h.size()
        let prev = try h.store.read { try $0.nodeHash(NodeID(level: 0, index: size - 1)) }
        func entryBytes(_ n: Int) -> (SignedSubmission, Int) {
            let s = h.sign("enterprise.registered", actor: "REG-510000", key: TestKeys.sichuan, body: Body.enterprise(uscc, name: String(repeating: "x", count: n)))
            let entry = Entry(index: size, prev: prev, submission: s.submission, signature: s.signature, time: Harness.time.description)
            return (s, entry.canonicalBytes.count)
        }
        let (_, probe) = entryBytes(1000)
        let (s, bytes) = entryBytes(1000 + target - probe)
        guard bytes == target else { throw TestFailure("could not size the entry: \(bytes) ≠ \(target)") }
        return s
    }

    @Test("an entry of 65,534 bytes is appended and stored byte for byte", arguments: StoreKind.available)
    func justUnder(kind: StoreKind) throws {
        let h = try Harness(kind)
        let s = try Self.registration(h, uscc: ID.sichuan1, entryBytes: 65_534)
        let outcome = try h.send(s)
        guard case .appended(let index, _, _) = outcome else {
            Issue.record("expected an append, got \(outcome)")
            return
        }
        #expect(try h.store.read { try $0.entry(at: index) }.count == 65_534)
    }

    @Test("an entry of 65,535 bytes is R-SCHEMA and writes nothing", arguments: StoreKind.available)
    func atLimit(kind: StoreKind) throws {
        let h = try Harness(kind)
        let s = try Self.registration(h, uscc: ID.sichuan1, entryBytes: 65_535)
        let before = try h.snapshot()
        let outcome = try h.send(s)
        #expect(outcome.rule == .schema, "\(outcome)")
        #expect(try h.snapshot() == before)
        // The ledger still works afterwards.
        #expect(try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan2)).rule == nil)
    }
}

extension SubmitOutcome {
    /// The rule id of a rejection, nil for an append.
    var rule: RuleID? {
        if case .rejected(let v) = self { return v.rule }
        return nil
    }
}
