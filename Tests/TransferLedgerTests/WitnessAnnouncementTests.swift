import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// `witnesses.announced` (issue 12): the operator names, after genesis, the witnesses checkpoints need.
@Suite("Witnesses announced by the operator")
struct WitnessAnnouncementTests {
    let origin = TestKeys.origin
    let op = TestKeys.operatorKey

    func rule(_ outcome: SubmitOutcome) -> RuleID? {
        if case .rejected(let v) = outcome { return v.rule }
        return nil
    }

    func body(_ witnesses: [(String, String)], quorum: Int? = nil) -> [String: JSONValue] {
        var b: [String: JSONValue] = ["witnesses": .array(witnesses.map { .object(["regulator": .string($0.0), "key": .string($0.1)]) })]
        if let quorum { b["witnessQuorum"] = .int(Int64(quorum)) }
        return b
    }

    @Test("the last announcement is the ledger's witness policy, and a replay of the log reaches the same projection")
    func announceThenReplace() throws {
        let t = try TestLedger(store: InMemoryLedgerStore())
        #expect(try t.ledger.witnessPolicy() == .none)
        let sc = WitnessFixture.sichuan.verifier, cq = WitnessFixture.chongqing.verifier
        let first = try t.submit("witnesses.announced", actor: origin, key: op, body: body([("REG-510000", sc.description)]))
        #expect(rule(first) == nil, "\(first)")
        #expect(try t.ledger.witnessPolicy() == WitnessPolicy(witnesses: [sc], quorum: 1))
        let second = try t.submit(
            "witnesses.announced", actor: origin, key: op, body: body([("REG-510000", sc.description), ("REG-500000", cq.description)], quorum: 2))
        #expect(rule(second) == nil, "\(second)")
        #expect(try t.ledger.witnessPolicy() == WitnessPolicy(witnesses: [sc, cq], quorum: 2))
        _ = try t.ledger.publishCheckpoint(keys: [op])
        _ = try t.ledger.verify(trusted: nil, scratch: InMemoryLedgerStore())
        try t.ledger.rebuildCheck(scratch: InMemoryLedgerStore())
    }

    @Test("only the operator announces; keys must be cosigner keys of listed regulators; the quorum at most their number")
    func refusals() throws {
        let t = try TestLedger(store: InMemoryLedgerStore())
        let sc = WitnessFixture.sichuan.verifier.description
        #expect(rule(try t.submit("witnesses.announced", actor: "REG-510000", key: TestKeys.sichuan, body: body([("REG-510000", sc)]))) == .auth)
        #expect(rule(try t.submit("witnesses.announced", actor: origin, key: op, body: body([("REG-440000", sc)]))) == .notFound)
        #expect(rule(try t.submit("witnesses.announced", actor: origin, key: op, body: body([("REG-510000", TestKeys.sichuan.verifier.description)]))) == .schema)
        #expect(rule(try t.submit("witnesses.announced", actor: origin, key: op, body: body([("REG-510000", sc)], quorum: 2))) == .schema)
        #expect(rule(try t.submit("witnesses.announced", actor: origin, key: op, body: [:])) == .schema)
        #expect(try t.ledger.witnessPolicy() == .none)
    }
}
