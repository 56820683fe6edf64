import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// Rate tables and statement closes (SPEC §2.6, §5) through the real ledger.
@Suite("compensation rules through the ledger")
struct CompensationRuleTests {
    typealias L = CompensationLedger

    static func expect(
        _ l: CompensationLedger, _ type: String, _ actor: String, _ body: [String: JSONValue], _ want: RuleID?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        if type == "compensation.statement.closed", let q = body["quarter"]?.stringValue, Quarter(q) != nil { l.afterEnd(of: q) }
        let before = try l.s.snapshot()
        let outcome = try l.s.submit(type, actor, body)
        switch (want, outcome) {
        case (nil, .appended): break
        case (let rule?, .rejected(let v)):
            #expect(v.rule == rule, "got \(v)", sourceLocation: sourceLocation)
            #expect(try l.s.snapshot() == before, "a rejection changed the ledger", sourceLocation: sourceLocation)
        default:
            Issue.record("expected \(want.map(\.rawValue) ?? "appended"), got \(outcome)", sourceLocation: sourceLocation)
        }
    }

    @Test("rates: published by a regulator, confirmed by the other; the publisher confirming is R-AUTH, twice R-STATE")
    func confirm() throws {
        let l = try CompensationLedger()
        try Self.expect(l, "compensation.rates.published", "REG-500000", L.ratesBody(id: "T1", effectiveFrom: "2025-01-01"), nil)
        try Self.expect(l, "compensation.rates.confirmed", "REG-500000", ["rateTableId": "T1"], .auth)
        try Self.expect(l, "compensation.rates.confirmed", L.scGen, ["rateTableId": "T1"], .auth)
        try Self.expect(l, "compensation.rates.confirmed", "REG-510000", ["rateTableId": "T404"], .notFound)
        try Self.expect(l, "compensation.rates.confirmed", "REG-510000", ["rateTableId": "T1"], nil)
        try Self.expect(l, "compensation.rates.confirmed", "REG-510000", ["rateTableId": "T1"], .state)
        #expect(try l.ledger.rateTables().first?.confirmedBy == "REG-510000")
    }

    @Test("rates: an enterprise may not publish; a used id is R-DUPLICATE; an unknown method key is R-METHOD-CODE, R* is allowed")
    func publish() throws {
        let l = try CompensationLedger()
        try Self.expect(l, "compensation.rates.published", L.scGen, L.ratesBody(id: "T1", effectiveFrom: "2025-01-01"), .auth)
        try Self.expect(l, "compensation.rates.published", "REG-510000", L.ratesBody(id: "T1", effectiveFrom: "2025-01-01", methodOverrides: ["Z9": 100]), .methodCode)
        try Self.expect(l, "compensation.rates.published", "REG-510000", L.ratesBody(id: "T1", effectiveFrom: "2025-01-01", methodOverrides: ["R*": 400]), nil)
        try Self.expect(l, "compensation.rates.published", "REG-500000", L.ratesBody(id: "T1", effectiveFrom: "2025-06-01"), .duplicate)
    }

    static func prepared() throws -> CompensationLedger {
        let l = try CompensationLedger()
        try l.rates(L.ratesBody(id: "T1", effectiveFrom: "2025-01-01"))
        try l.ship("m1", code: "900-041-49", grams: [12_345_000], pickup: "2025-02-10")
        try l.receive("m1", deliveredAt: "2025-02-10T06:00:00Z", method: "D1")
        return l
    }

    @Test("close of a quarter that has not ended by the ledger clock (Asia/Shanghai) is R-STATE; from its first next-quarter instant it is appended")
    func closeBeforeQuarterEnd() throws {
        let l = try Self.prepared()
        let st = try l.statement("2025Q1")
        #expect(st.totalFen == 185_175)
        l.s.clock.set(UTCInstant("2025-03-31T15:59:59Z")!)
        let before = try l.s.snapshot()
        guard case .rejected(let v) = try l.s.submit("compensation.statement.closed", "REG-500000", l.closeBody(st)) else {
            Issue.record("closing 2025Q1 on its last day was appended")
            return
        }
        #expect(v.rule == .state)
        #expect(v.message.contains("2025Q1 has not ended"))
        #expect(try l.s.snapshot() == before)
        let future = try l.statement("2031Q2")
        guard case .rejected(let w) = try l.s.submit("compensation.statement.closed", "REG-500000", l.closeBody(future)) else {
            Issue.record("closing 2031Q2 was appended")
            return
        }
        #expect(w.rule == .state)
        l.s.clock.set(UTCInstant("2025-03-31T16:00:00Z")!)
        try l.s.must("compensation.statement.closed", "REG-500000", l.closeBody(st))
        #expect(try l.ledger.closedStatements().first?.totalFen == 185_175)
    }

    @Test("close: the payee's regulator with the recomputed total and digest is appended")
    func closeAccepted() throws {
        let l = try Self.prepared()
        let st = try l.statement("2025Q1")
        #expect(st.totalFen == 185_175)
        try Self.expect(l, "compensation.statement.closed", "REG-500000", l.closeBody(st), nil)
        let record = try #require(try l.ledger.closedStatements().first)
        #expect(record.totalFen == 185_175)
        #expect(record.digest == StatementJSON.digest(st))
        #expect(record.digest == StatementJSON.digest(try l.statement("2025Q1")), "re-running reproduces the closed digest")
    }

    @Test("R-STATEMENT: a close whose total or digest differs from the recomputed statement")
    func closeWrong() throws {
        let l = try Self.prepared()
        var body = l.closeBody(try l.statement("2025Q1"))
        body["totalFen"] = 185_176
        try Self.expect(l, "compensation.statement.closed", "REG-500000", body, .statement)
        body = l.closeBody(try l.statement("2025Q1"))
        body["digest"] = .string(String(repeating: "ab", count: 32))
        try Self.expect(l, "compensation.statement.closed", "REG-500000", body, .statement)
        // The digest of another quarter's statement does not fit either.
        var other = l.closeBody(try l.statement("2025Q2"))
        other["quarter"] = "2025Q1"
        try Self.expect(l, "compensation.statement.closed", "REG-500000", other, .statement)
        body = l.closeBody(try l.statement("2025Q1"))
        body["digest"] = .string(String(repeating: "AB", count: 32))
        try Self.expect(l, "compensation.statement.closed", "REG-500000", body, .schema)
    }

    @Test("close: by the payer's regulator or an enterprise is R-AUTH (before R-STATEMENT); closing twice is R-STATE")
    func closeAuthAndState() throws {
        let l = try Self.prepared()
        let body = l.closeBody(try l.statement("2025Q1"))
        try Self.expect(l, "compensation.statement.closed", "REG-510000", body, .auth)
        var wrong = body
        wrong["totalFen"] = 1
        try Self.expect(l, "compensation.statement.closed", "REG-510000", wrong, .auth)
        try Self.expect(l, "compensation.statement.closed", L.cqRecv, body, .auth)
        try Self.expect(l, "compensation.statement.closed", "REG-500000", body, nil)
        try Self.expect(l, "compensation.statement.closed", "REG-500000", body, .state)
    }

    @Test("an empty quarter can be closed with total 0; the other direction is closed by its own payee")
    func closeEmpty() throws {
        let l = try Self.prepared()
        try Self.expect(l, "compensation.statement.closed", "REG-510000", l.closeBody(try l.statement("2025Q1", payer: "500000", payee: "510000")), nil)
        try Self.expect(l, "compensation.statement.closed", "REG-500000", l.closeBody(try l.statement("2025Q3")), nil)
        #expect(try l.ledger.closedStatements().count == 2)
    }

    @Test("a close after a later correction still closes the current statement; the earlier closed one is unchanged")
    func closeAfterAdjustments() throws {
        let l = try Self.prepared()
        try l.close("2025Q1")
        try l.correct("m1", id: "c1", lines: [(1, 12_000_000)])
        let q2 = try l.statement("2025Q2")
        #expect(q2.adjustments.map(\.amountFen) == [180_000 - 185_175])
        #expect(q2.totalFen == -5175)
        try l.close("2025Q2")
        try l.expectClosedStatementsUnchanged("closeAfterAdjustments")
    }
}

/// Seeded property through the real ledger: re-running a closed statement reproduces its digest, whatever is
/// entered after the close.
@Suite("compensation properties through the ledger")
struct CompensationLedgerPropertyTests {
    @Test("re-running a closed statement reproduces its digest (200 seeds)")
    func rerunReproducesDigest() throws {
        let methods = ["R4", "R15", "D1", "D9", "D10", "C1", "Y10"]
        for seed in 0..<200 {
            var rng = SplitMix64(seed: UInt64(seed))
            let l = try CompensationLedger()
            try l.rates(CompensationLedger.ratesBody(id: "T1", effectiveFrom: "2025-01-01", baseAll: Int64.random(in: 1...20000, using: &rng)))
            let count = Int.random(in: 1...3, using: &rng)
            var refs: [String] = []
            for i in 0..<count {
                let ref = "m\(i)"
                let day = String(format: "2025-0%d-%02d", Int.random(in: 1...3, using: &rng), Int.random(in: 1...28, using: &rng))
                let grams = (0..<Int.random(in: 1...2, using: &rng)).map { _ in Int64.random(in: 1...30_000_000, using: &rng) }
                try l.ship(ref, code: "900-041-49", grams: grams, pickup: day)
                if i < count - 1 || Bool.random(using: &rng) {
                    try l.receive(ref, deliveredAt: "\(day)T06:00:00Z", method: methods.randomElement(using: &rng)!)
                    refs.append(ref)
                }
            }
            try l.close("2025Q1")
            // After the close: corrections, the outstanding receipt, a new table.
            for ref in refs where Bool.random(using: &rng) {
                try l.correct(ref, id: "c-\(ref)", lines: [(1, Int64.random(in: 0...30_000_000, using: &rng))],
                              method: Bool.random(using: &rng) ? methods.randomElement(using: &rng)! : nil)
            }
            if refs.count < count {
                try l.receive("m\(count - 1)", deliveredAt: "2025-03-30T06:00:00Z", method: "D9")
            }
            try l.rates(CompensationLedger.ratesBody(id: "T2", effectiveFrom: "2025-01-02", baseAll: 99999), publisher: "510000")
            let again = try l.statement("2025Q1")
            let record = try #require(try l.ledger.closedStatements().first)
            #expect(StatementJSON.digest(again) == record.digest, "seed \(seed)")
            #expect(again.totalFen == record.totalFen, "seed \(seed)")
            let q2 = try l.statement("2025Q2")
            let itemsSum: Int64 = q2.items.map(\.amountFen).reduce(0, +)
            let adjustmentsSum: Int64 = q2.adjustments.map(\.amountFen).reduce(0, +)
            #expect(q2.totalFen == itemsSum + adjustmentsSum, "seed \(seed)")
        }
    }
}
