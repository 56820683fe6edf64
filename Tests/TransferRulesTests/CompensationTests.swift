import Foundation
import Testing
import TransferRules

/// The line golden vectors of `fixtures/compensation/line-*.json` (SPEC §2.6 normative formula).
@Suite("compensation line amounts (golden)")
struct CompensationLineGoldenTests {
    struct LineCase: Decodable {
        var desc: String
        var kind: String
        var receivedGrams: Int64?
        var baseFenPerTonne: Int64?
        var categoryPermille: Int64?
        var methodPermille: Int64?
        var wantFen: Int64?
    }

    static let lineFiles: [String] = GoldenFiles.names().filter {
        (try? JSONDecoder().decode(LineCase.self, from: GoldenFiles.data($0)))?.kind == "line"
    }

    @Test("there are line vectors, including the SPEC example and both kinds of tie")
    func present() {
        #expect(Self.lineFiles.count >= 15)
        #expect(Self.lineFiles.contains("line-spec-example.json"))
        #expect(Self.lineFiles.contains { $0.contains("down-to-even") })
        #expect(Self.lineFiles.contains { $0.contains("up-to-even") })
    }

    @Test("line vector", arguments: lineFiles)
    func vector(_ file: String) throws {
        let c = try JSONDecoder().decode(LineCase.self, from: GoldenFiles.data(file))
        #expect(!c.desc.isEmpty)
        let got = Fen.lineAmount(
            grams: try #require(c.receivedGrams), baseFenPerTonne: try #require(c.baseFenPerTonne),
            categoryPermille: try #require(c.categoryPermille), methodPermille: try #require(c.methodPermille))
        #expect(got == c.wantFen, "\(file): \(c.desc)")
    }
}

@Suite("Fen, roundHalfEven, Quarter, methodFactor")
struct CompensationArithmeticTests {
    @Test("the SPEC example: 12.345 t × 10000 fen/t × 1.000 × 1.500 = 185175 fen = 1851.75 元")
    func specExample() {
        let fen = Fen.lineAmount(grams: 12_345_000, baseFenPerTonne: 10000, categoryPermille: 1000, methodPermille: 1500)
        #expect(fen == 185_175)
        #expect(Fen.yuan(fen) == "1851.75")
    }

    @Test("yuan shows two decimals, sign and small amounts")
    func yuan() {
        #expect(Fen.yuan(0) == "0.00")
        #expect(Fen.yuan(5) == "0.05")
        #expect(Fen.yuan(10) == "0.10")
        #expect(Fen.yuan(-5000) == "-50.00")
        #expect(Fen.yuan(-1) == "-0.01")
        #expect(Fen.yuan(123_456_789) == "1234567.89")
    }

    @Test("roundHalfEven: ties go to the even neighbour, both directions, also for negative quotients")
    func halfEven() {
        let cases: [(Int128, Int128, Int128)] = [
            (5, 10, 0), (15, 10, 2), (25, 10, 2), (35, 10, 4), (45, 10, 4), (14, 10, 1), (16, 10, 2), (0, 10, 0),
            (-5, 10, 0), (-15, 10, -2), (-25, 10, -2), (-14, 10, -1), (-16, 10, -2), (7, 7, 1), (1, 3, 0), (2, 3, 1),
        ]
        for (n, d, want) in cases { #expect(Fen.roundHalfEven(n, d) == want, "\(n)/\(d)") }
    }

    @Test("Quarter parses 2025Q3, rejects malformed, orders and steps over the year")
    func quarter() {
        #expect(Quarter("2025Q3")?.description == "2025Q3")
        for bad in ["2025Q0", "2025Q5", "2025q3", "25Q3", "2025-Q3", "2025Q33", "", "abcdQ1"] { #expect(Quarter(bad) == nil, "\(bad)") }
        #expect(Quarter("2025Q4")!.next == Quarter("2026Q1")!)
        #expect(Quarter("2025Q1")!.next == Quarter("2025Q2")!)
        #expect(Quarter("2024Q4")! < Quarter("2025Q1")!)
        #expect(Quarter(containing: CivilDate("2025-03-31")!) == Quarter("2025Q1")!)
        #expect(Quarter(containing: CivilDate("2025-04-01")!) == Quarter("2025Q2")!)
        #expect(Quarter(containing: CivilDate("2025-12-31")!) == Quarter("2025Q4")!)
        #expect(Quarter(containing: CivilDate("2025-07-01")!) == Quarter("2025Q3")!)
    }

    @Test("methodFactor: exact code first, then the longest X* wildcard, else ×1")
    func methodFactor() {
        let t = Comp.table("T", from: "2025-01-01", methods: ["R*": 500, "R1*": 700, "R4": 900, "D1": 1500])
        #expect(t.methodFactor("R4") == 900)
        #expect(t.methodFactor("R2") == 500)
        #expect(t.methodFactor("R15") == 700)
        #expect(t.methodFactor("R1") == 700)
        #expect(t.methodFactor("D1") == 1500)
        #expect(t.methodFactor("D10") == 1000)
        #expect(t.methodFactor("C1") == 1000)
        let d = Comp.table("D", from: "2025-01-01")
        for (m, want) in [("D1", 1500), ("D10", 1200), ("Y10", 1200), ("Y16", 1200), ("D9", 1000), ("D16", 1000), ("C1", 800), ("C3", 800),
                          ("R1", 500), ("R9", 500), ("R15", 500)] as [(String, Int64)] {
            #expect(d.methodFactor(m) == want, "\(m)")
        }
        #expect(d.categoryFactor("HW18") == 1500)
        #expect(d.categoryFactor("HW17") == 1200)
        #expect(d.categoryFactor("HW48") == 1200)
        #expect(d.categoryFactor("HW49") == 1000)
    }
}

/// `RegimeContext.statement` over hand-built records.
@Suite("RegimeContext.statement")
struct CompensationStatementTests {
    typealias C = Comp

    @Test("one item per received line of the direction, priced with the table in force at delivery")
    func basic() {
        let m = C.manifest("20255101000001", shipped: [12_345_000], deliveredAt: "2025-02-10T02:00:00Z",
                           versions: [C.version(1, index: 10, method: "D1", grams: [12_345_000])])
        let s = C.statement("2025Q1", C.inputs([m], tables: [C.table("T1", from: "2025-01-01")]))
        #expect(s.items.count == 1)
        #expect(s.items.first?.amountFen == 185_175)
        #expect(s.items.first?.methodPermille == 1500)
        #expect(s.items.first?.category == "HW49")
        #expect(s.totalFen == 185_175)
        #expect(C.statement("2025Q1", payer: C.cq, payee: C.sc, C.inputs([m], tables: [C.table("T1", from: "2025-01-01")])).items.isEmpty)
        #expect(C.statement("2025Q2", C.inputs([m], tables: [C.table("T1", from: "2025-01-01")])).items.isEmpty)
    }

    @Test("an unconfirmed table is not used, even if its effectiveFrom is later")
    func unconfirmed() {
        let m = C.manifest("20255101000001", shipped: [1_000_000], deliveredAt: "2025-03-01T02:00:00Z",
                           versions: [C.version(1, index: 10, method: "D9", grams: [1_000_000])])
        let tables = [C.table("T1", from: "2025-01-01"), C.table("T2", from: "2025-02-01", base: 20000, confirmedAt: nil)]
        let s = C.statement("2025Q1", C.inputs([m], tables: tables))
        #expect(s.items.map(\.rateTableId) == ["T1"])
        #expect(s.totalFen == 10000)
    }

    @Test("a rate change inside a quarter: deliveries before effectiveFrom use the old table, on or after it the new")
    func rateChange() {
        let tables = [C.table("T1", from: "2025-01-01"), C.table("T2", from: "2025-05-15", base: 12000, publishedAt: 3, confirmedAt: 4)]
        let a = C.manifest("20255101000001", shipped: [1_000_000], deliveredAt: "2025-05-14T15:59:59Z", versions: [C.version(1, index: 10, method: "D9", grams: [1_000_000])])
        let b = C.manifest("20255101000002", shipped: [1_000_000], deliveredAt: "2025-05-14T16:00:00Z", versions: [C.version(1, index: 11, method: "D9", grams: [1_000_000])])
        let s = C.statement("2025Q2", C.inputs([b, a], tables: tables))
        #expect(s.items.map(\.rateTableId) == ["T1", "T2"])
        #expect(s.items.map(\.amountFen) == [10000, 12000])
        #expect(s.items.map(\.manifestNo) == ["20255101000001", "20255101000002"], "sorted by manifest number")
    }

    @Test("received grams exclude rejected grams; a return and a manifest without receipt are not compensated")
    func rejectedAndReturn() {
        let m = C.manifest("20255101000001", shipped: [10_000_000], deliveredAt: "2025-02-10T02:00:00Z",
                           versions: [C.version(1, index: 10, method: "D9", grams: [7_500_000], rejected: [2_500_000])])
        let r = C.manifest("20255001000001", from: C.cqRecv, to: C.scGen, shipped: [2_500_000], deliveredAt: "2025-02-20T02:00:00Z",
                           versions: [C.version(1, index: 20, method: "D9", grams: [2_500_000])], returnOf: "20255101000001")
        let open = C.manifest("20255101000002", shipped: [1_000_000], deliveredAt: "2025-02-10T02:00:00Z", versions: [])
        let inputs = C.inputs([m, r, open], tables: [C.table("T1", from: "2025-01-01")])
        #expect(C.statement("2025Q1", inputs).items.map(\.receivedGrams) == [7_500_000])
        #expect(C.statement("2025Q1", inputs).totalFen == 75000)
        #expect(C.statement("2025Q1", payer: C.cq, payee: C.sc, inputs).items.isEmpty)
    }

    @Test("a 点对点 manifest uses p2pPermille (default 0) in place of the method factor")
    func p2p() {
        let m = C.manifest("20245101000001", shipped: [4_000_000], basis: .p2p("P-1"), deliveredAt: "2024-05-05T02:00:00Z",
                           versions: [C.version(1, index: 10, method: "D1", grams: [4_000_000])])
        let zero = C.statement("2024Q2", C.inputs([m], tables: [C.table("T1", from: "2024-01-01")]))
        #expect(zero.items.map(\.methodPermille) == [0])
        #expect(zero.totalFen == 0)
        let paid = C.statement("2024Q2", C.inputs([m], tables: [C.table("T1", from: "2024-01-01", p2p: 300)]))
        #expect(paid.items.map(\.methodPermille) == [300])
        #expect(paid.totalFen == 12000)
    }

    @Test("a correction after close: the closed quarter is unchanged, the next open quarter gets the differences")
    func adjustmentAfterClose() {
        let m = C.manifest("20255101000001", shipped: [3_000_000], deliveredAt: "2025-02-10T02:00:00Z",
                           versions: [C.version(1, index: 10, method: "D9", grams: [3_000_000]), C.version(2, index: 30, method: "D1", grams: [3_500_000])])
        let inputs = C.inputs([m], tables: [C.table("T1", from: "2025-01-01")], closes: [C.close("2025Q1", at: 20)])
        let q1 = C.statement("2025Q1", inputs)
        #expect(q1.items.map(\.receivedGrams) == [3_000_000])
        #expect(q1.totalFen == 30000)
        #expect(q1.adjustments.isEmpty)
        let q2 = C.statement("2025Q2", inputs)
        #expect(q2.items.isEmpty)
        #expect(q2.adjustments.count == 1)
        let a = q2.adjustments[0]
        #expect(a.receivedGrams == 500_000)
        #expect(a.amountFen == 52500 - 30000)
        #expect(a.method == "D1")
        #expect(a.methodPermille == 1500)
        #expect(a.ofQuarter == Quarter("2025Q1"))
        #expect(q2.totalFen == 22500)
        // Before the correction the next quarter had nothing; the closed quarter equals the one computed without it.
        let before = C.inputs([C.manifest("20255101000001", shipped: [3_000_000], deliveredAt: "2025-02-10T02:00:00Z",
                                          versions: [C.version(1, index: 10, method: "D9", grams: [3_000_000])])],
                              tables: [C.table("T1", from: "2025-01-01")], closes: [C.close("2025Q1", at: 20)])
        #expect(C.statement("2025Q1", before) == q1)
    }

    @Test("a receipt entered after its quarter was closed is an adjustment with the full amount")
    func lateReceipt() {
        let m = C.manifest("20255101000001", shipped: [2_000_000], deliveredAt: "2025-03-25T02:00:00Z",
                           versions: [C.version(1, index: 30, method: "D1", grams: [2_000_000])])
        let inputs = C.inputs([m], tables: [C.table("T1", from: "2025-01-01")], closes: [C.close("2025Q1", at: 20)])
        #expect(C.statement("2025Q1", inputs).items.isEmpty)
        let q2 = C.statement("2025Q2", inputs)
        #expect(q2.adjustments.map(\.amountFen) == [30000])
        #expect(q2.adjustments.map(\.receivedGrams) == [2_000_000])
        #expect(q2.adjustments.first?.ofQuarter == Quarter("2025Q1"))
    }

    @Test("adjustments skip quarters closed when the correction was approved, but not quarters closed after it")
    func skipClosed() {
        let m = C.manifest("20255101000001", shipped: [2_000_000], deliveredAt: "2025-02-10T02:00:00Z",
                           versions: [C.version(1, index: 10, method: "D9", grams: [2_000_000]), C.version(2, index: 40, method: "D9", grams: [1_500_000])])
        let tables = [C.table("T1", from: "2025-01-01")]
        let bothClosedBefore = C.inputs([m], tables: tables, closes: [C.close("2025Q1", at: 20), C.close("2025Q2", at: 30)])
        #expect(C.statement("2025Q2", bothClosedBefore).adjustments.isEmpty)
        #expect(C.statement("2025Q3", bothClosedBefore).adjustments.map(\.amountFen) == [-5000])
        let q2ClosedAfter = C.inputs([m], tables: tables, closes: [C.close("2025Q1", at: 20), C.close("2025Q2", at: 50)])
        #expect(C.statement("2025Q2", q2ClosedAfter).adjustments.map(\.amountFen) == [-5000])
        #expect(C.statement("2025Q3", q2ClosedAfter).adjustments.isEmpty)
    }

    @Test("closes of the other direction do not affect this one")
    func otherDirectionClose() {
        let m = C.manifest("20255101000001", shipped: [2_000_000], deliveredAt: "2025-02-10T02:00:00Z",
                           versions: [C.version(1, index: 10, method: "D9", grams: [2_000_000]), C.version(2, index: 40, method: "D9", grams: [1_500_000])])
        let inputs = C.inputs([m], tables: [C.table("T1", from: "2025-01-01")], closes: [C.close("2025Q1", payer: C.cq, payee: C.sc, at: 20)])
        #expect(C.statement("2025Q1", inputs).items.map(\.receivedGrams) == [1_500_000])
        #expect(C.statement("2025Q2", inputs).adjustments.isEmpty)
    }
}
