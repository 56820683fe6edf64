import Testing
import TransferRules

/// A seeded, reproducible generator (SplitMix64) for the property tests of this target.
struct Mix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Properties of the compensation statement (SPEC §2.6) over 200 seeded random inputs each.
@Suite("compensation properties")
struct CompensationPropertyTests {
    typealias C = Comp
    static let methods = ["R1", "R4", "R15", "D1", "D9", "D10", "D16", "C1", "C2", "Y10", "Y13"]
    static let codes = ["900-041-49", "772-002-18", "336-050-17", "091-001-48"]

    /// Random manifests in both directions with receipts, corrections and deliveries over 2025, random tables and closes.
    static func randomInputs(_ rng: inout Mix64, corrections: Bool = true, closes: Bool = true) -> CompensationInputs {
        var index: UInt64 = 10
        var tables = [C.table("T0", from: "2025-01-01", base: Int64.random(in: 1...20000, using: &rng), reverseBase: Int64.random(in: 1...20000, using: &rng))]
        for i in 1..<Int.random(in: 1...4, using: &rng) {
            let month = Int.random(in: 1...12, using: &rng)
            let confirmed = Bool.random(using: &rng)
            tables.append(C.table(
                "T\(i)", from: String(format: "2025-%02d-%02d", month, Int.random(in: 1...28, using: &rng)), base: Int64.random(in: 0...30000, using: &rng),
                p2p: Bool.random(using: &rng) ? Int64.random(in: 0...1000, using: &rng) : nil, publishedAt: index, confirmedAt: confirmed ? index + 1 : nil))
            index += 2
        }
        var manifests: [ManifestRecord] = []
        var serial = [C.sc: 0, C.cq: 0]
        var events: [UInt64] = []
        for _ in 0..<Int.random(in: 0...12, using: &rng) {
            let forward = Bool.random(using: &rng)
            let (g, r) = forward ? (C.scGen, C.cqRecv) : (C.cqGen, C.scRecv)
            let province = forward ? C.sc : C.cq
            serial[province]! += 1
            let no = "2025\(province.prefix(4))" + String(format: "%06d", serial[province]!)
            let lines = (0..<Int.random(in: 1...3, using: &rng)).map { _ in Int64.random(in: 0...50_000_000, using: &rng) }
            let date = String(format: "2025-%02d-%02dT%02d:00:00Z", Int.random(in: 1...12, using: &rng), Int.random(in: 1...28, using: &rng), Int.random(in: 0...23, using: &rng))
            index += UInt64.random(in: 1...5, using: &rng)
            var versions = [C.version(1, index: index, method: methods.randomElement(using: &rng)!, grams: lines)]
            events.append(index)
            if corrections {
                for v in 0..<Int.random(in: 0...2, using: &rng) {
                    index += UInt64.random(in: 1...20, using: &rng)
                    versions.append(C.version(v + 2, index: index, method: methods.randomElement(using: &rng)!,
                                              grams: lines.map { _ in Int64.random(in: 0...50_000_000, using: &rng) }))
                    events.append(index)
                }
            }
            let basis: Basis = Int.random(in: 0..<5, using: &rng) == 0 ? .p2p("P-1") : .approval("APN-\(no)")
            manifests.append(C.manifest(no, from: g, to: r, code: codes.randomElement(using: &rng)!, shipped: lines, basis: basis, deliveredAt: date, versions: versions))
        }
        var closeRecords: [ClosedStatementRecord] = []
        if closes {
            // Close some quarters of each direction, in quarter order, at increasing random indexes.
            for (payer, payee) in [(C.sc, C.cq), (C.cq, C.sc)] {
                var at: UInt64 = 10
                for q in 1...4 where Bool.random(using: &rng) {
                    at += UInt64.random(in: 1...40, using: &rng)
                    closeRecords.append(C.close("2025Q\(q)", payer: payer, payee: payee, at: at))
                }
            }
        }
        return CompensationInputs(manifests: manifests.shuffled(using: &rng), tables: tables.shuffled(using: &rng), closes: closeRecords, provinces: C.provinces)
    }

    static let quarters = ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1"]

    @Test("a statement's total equals the sum of its items and adjustments; items are sorted; item amounts are never negative")
    func totalIsSum() {
        for seed in 0..<200 {
            var rng = Mix64(seed: UInt64(seed))
            let inputs = Self.randomInputs(&rng)
            for q in Self.quarters {
                for (payer, payee) in [(C.sc, C.cq), (C.cq, C.sc)] {
                    let s = C.statement(q, payer: payer, payee: payee, inputs)
                    #expect(s.totalFen == s.items.map(\.amountFen).reduce(0, +) + s.adjustments.map(\.amountFen).reduce(0, +), "seed \(seed)")
                    #expect(s.items.allSatisfy { $0.amountFen >= 0 && $0.receivedGrams >= 0 && $0.ofQuarter == nil }, "seed \(seed) \(q)")
                    #expect(s.adjustments.allSatisfy { $0.ofQuarter != nil && $0.ofQuarter! < s.quarter }, "seed \(seed) \(q)")
                    let keys = s.items.map { "\($0.manifestNo)/\(String(format: "%03d", $0.line))" }
                    #expect(keys == keys.sorted(), "seed \(seed) \(q): items sorted")
                    let adj = s.adjustments.map { "\($0.manifestNo)/\(String(format: "%03d", $0.line))" }
                    #expect(adj == adj.sorted(), "seed \(seed) \(q): adjustments sorted")
                    for i in s.items + s.adjustments {
                        #expect(i.amountFen == Fen.lineAmount(grams: i.receivedGrams, baseFenPerTonne: i.baseFenPerTonne,
                                                              categoryPermille: i.categoryPermille, methodPermille: i.methodPermille)
                                || i.ofQuarter != nil, "seed \(seed)")
                    }
                }
            }
        }
    }

    @Test("line amounts are never negative and monotone in received grams (and in each factor)")
    func monotone() {
        for seed in 0..<200 {
            var rng = Mix64(seed: UInt64(seed))
            let base = Int64.random(in: 0...100_000, using: &rng)
            let cat = Int64.random(in: 0...3000, using: &rng)
            let method = Int64.random(in: 0...3000, using: &rng)
            var previous: Int64 = 0
            var grams: Int64 = 0
            for _ in 0..<50 {
                grams += Int64.random(in: 0...(Bool.random(using: &rng) ? 1000 : 100_000_000_000), using: &rng)
                let a = Fen.lineAmount(grams: grams, baseFenPerTonne: base, categoryPermille: cat, methodPermille: method)
                #expect(a >= 0, "seed \(seed)")
                #expect(a >= previous, "seed \(seed): \(grams) g gave \(a) < \(previous)")
                #expect(Fen.lineAmount(grams: grams, baseFenPerTonne: base + 1, categoryPermille: cat, methodPermille: method) >= a, "seed \(seed)")
                #expect(Fen.lineAmount(grams: grams, baseFenPerTonne: base, categoryPermille: cat, methodPermille: method + 1) >= a, "seed \(seed)")
                previous = a
            }
        }
    }

    @Test("the net of a quarter equals the difference of the two directions, each matching an independent model")
    func net() {
        for seed in 0..<200 {
            var rng = Mix64(seed: UInt64(seed))
            let inputs = Self.randomInputs(&rng, corrections: false, closes: false)
            for q in Self.quarters.dropLast() {
                let ab = C.statement(q, payer: C.sc, payee: C.cq, inputs)
                let ba = C.statement(q, payer: C.cq, payee: C.sc, inputs)
                let modelAB = Self.model(q, payer: C.sc, payee: C.cq, inputs)
                let modelBA = Self.model(q, payer: C.cq, payee: C.sc, inputs)
                #expect(ab.totalFen == modelAB, "seed \(seed) \(q) 510000→500000")
                #expect(ba.totalFen == modelBA, "seed \(seed) \(q) 500000→510000")
                #expect(ab.totalFen - ba.totalFen == modelAB - modelBA, "seed \(seed) \(q): net")
                #expect(ab.adjustments.isEmpty && ba.adjustments.isEmpty, "seed \(seed): no closes, no adjustments")
            }
        }
    }

    /// An independent model of the total of one direction without closes or corrections.
    static func model(_ q: String, payer: String, payee: String, _ inputs: CompensationInputs) -> Int64 {
        var total: Int64 = 0
        for m in inputs.manifests where m.returnOf == nil {
            guard let receipt = m.receipt, C.provinces[m.generator] == payer, C.provinces[m.receiver] == payee else { continue }
            let day = receipt.deliveredAt.shanghaiDate
            guard Quarter(containing: day).description == q else { continue }
            var best: RateTableRecord?
            for t in inputs.tables where t.confirmedAt != nil && t.table.effectiveFrom <= day {
                if best == nil || t.table.effectiveFrom > best!.table.effectiveFrom { best = t }
            }
            guard let t = best, let base = t.base(payer: payer, payee: payee) else { continue }
            let v = m.versions.last!
            for l in v.lines {
                let code = m.lines[l.line - 1].wasteCode
                let cat = t.categoryFactor("HW" + code.suffix(2))
                let method: Int64
                if case .p2p = m.basis { method = t.table.p2pPermille ?? 0 } else { method = t.methodFactor(v.method) }
                total += Fen.lineAmount(grams: l.grams, baseFenPerTonne: base, categoryPermille: cat, methodPermille: method)
            }
        }
        return total
    }

    @Test("a closed quarter's statement never changes: computed with later corrections and receipts it equals the one computed at close")
    func closedIsStable() {
        for seed in 0..<200 {
            var rng = Mix64(seed: UInt64(seed))
            let inputs = Self.randomInputs(&rng)
            for close in inputs.closes {
                let full = C.context.statement(quarter: close.quarter, payer: close.payer, payee: close.payee, inputs: inputs)
                // The inputs as they were when the quarter was closed: only versions and closes entered before it.
                var truncated = inputs
                truncated.manifests = inputs.manifests.compactMap { m in
                    var m = m
                    m.versions = m.versions.filter { $0.index < close.closedAt }
                    if m.versions.isEmpty { return nil }
                    return m
                }
                truncated.closes = inputs.closes.filter { $0.closedAt < close.closedAt }
                truncated.tables = inputs.tables.map { t in
                    var t = t
                    if let at = t.confirmedAt, at >= close.closedAt { t.confirmedAt = nil }
                    return t
                }
                let atClose = C.context.statement(quarter: close.quarter, payer: close.payer, payee: close.payee, inputs: truncated)
                #expect(full == atClose, "seed \(seed) \(close.quarter) \(close.payer)→\(close.payee)")
            }
        }
    }
}
