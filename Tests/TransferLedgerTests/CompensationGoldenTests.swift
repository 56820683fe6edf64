import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// The whole-statement golden cases of `fixtures/compensation/scenario-*.json` (SPEC §2.6), run through the real
/// ledger: every step is a signed submission that must be appended, then each wanted statement must equal the
/// ledger's statement JSON exactly (manifest references replaced by the assigned numbers), and every closed
/// statement must re-run to its closed digest.
@Suite("compensation golden scenarios")
struct CompensationGoldenTests {
    static let directory = Fixtures.path("fixtures/compensation")

    static func load(_ name: String) throws -> JSONValue {
        try CanonicalJSON.decode(Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))))
    }

    static let scenarioFiles: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().filter { (try? load($0))?["kind"]?.stringValue == "scenario" }
    }()

    @Test("there are at least 20 golden cases, each with a desc")
    func enoughCases() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory).filter { $0.hasSuffix(".json") }
        #expect(names.count >= 20)
        #expect(Self.scenarioFiles.count >= 10)
        for name in names {
            let value = try Self.load(name)
            #expect((value["desc"]?.stringValue ?? "").count > 10, "\(name) has no desc")
            #expect(["line", "scenario"].contains(value["kind"]?.stringValue ?? ""), "\(name) kind")
        }
    }

    @Test("scenario", arguments: scenarioFiles)
    func scenario(_ file: String) throws {
        let c = try Self.load(file)
        let desc = c["desc"]?.stringValue ?? file
        let ledger = try CompensationLedger(policy: c["policy"]?.objectValue ?? [:])
        for (i, step) in (c["steps"]?.arrayValue ?? []).enumerated() {
            do { try Self.run(step, on: ledger) } catch {
                Issue.record("\(file) step \(i) \(step.canonicalString): \(error)")
                return
            }
        }
        for want in c["want"]?.arrayValue ?? [] {
            let quarter = want["quarter"]!.stringValue!
            let payer = want["payer"]!.stringValue!
            let payee = want["payee"]!.stringValue!
            let statement = try ledger.statement(quarter, payer: payer, payee: payee)
            let got = StatementJSON.json(statement)
            #expect(StatementJSON.canonicalBytes(statement) == got.canonicalBytes, "\(file): the item-by-item writer gives the same bytes")
            let expected = Self.resolve(want, numbers: ledger.numbers)
            #expect(got == expected, "\(file) (\(desc)) \(quarter) \(payer)→\(payee)\n got:  \(got.canonicalString)\n want: \(expected.canonicalString)")
            let items = (got["items"]?.arrayValue ?? []) + (got["adjustments"]?.arrayValue ?? [])
            #expect(got["totalFen"]?.intValue == items.reduce(0) { $0 + ($1["amountFen"]?.intValue ?? 0) }, "\(file): total = Σ items + adjustments")
        }
        try ledger.expectClosedStatementsUnchanged(file)
    }

    /// The wanted statement with each item's `ref` replaced by the manifest number it stands for.
    static func resolve(_ want: JSONValue, numbers: [String: String]) -> JSONValue {
        func item(_ v: JSONValue) -> JSONValue {
            var o = v.objectValue!
            if let ref = o.removeValue(forKey: "ref")?.stringValue { o["manifestNo"] = .string(numbers[ref] ?? "?\(ref)") }
            return .object(o)
        }
        var o = want.objectValue!
        o["items"] = .array((o["items"]?.arrayValue ?? []).map(item))
        o["adjustments"] = .array((o["adjustments"]?.arrayValue ?? []).map(item))
        return .object(o)
    }

    static func run(_ step: JSONValue, on l: CompensationLedger) throws {
        func str(_ k: String) -> String? { step[k]?.stringValue }
        func ints(_ k: String) -> [Int64]? { step[k]?.arrayValue?.map { $0.intValue! } }
        func pairs(_ k: String) -> [(Int64, Int64)]? { step[k]?.arrayValue?.map { ($0.arrayValue![0].intValue!, $0.arrayValue![1].intValue!) } }
        switch str("do") {
        case "rates":
            var base: [String: Int64] = [:]
            for (k, v) in step["base"]?.objectValue ?? [:] { base[k] = v.intValue! }
            var methods: [String: Int64] = [:]
            for (k, v) in step["methodPermille"]?.objectValue ?? [:] { methods[k] = v.intValue! }
            let body = CompensationLedger.ratesBody(
                id: str("id")!, effectiveFrom: str("effectiveFrom")!, base: base, baseAll: step["baseAll"]?.intValue ?? 10000,
                methodOverrides: methods, p2pPermille: step["p2pPermille"]?.intValue)
            try l.rates(body, publisher: str("publisher") ?? "500000", confirm: step["confirm"] != .bool(false))
        case "p2p":
            try l.registerP2P(str("no")!, code: str("code")!, cap: step["cap"]!.intValue!, validFrom: str("validFrom")!, validTo: str("validTo")!)
        case "ship":
            try l.ship(str("ref")!, from: str("from") ?? "510000", code: str("code")!, grams: ints("grams")!, method: str("method") ?? "R4",
                       pickup: str("pickup")!, basis: str("basis") ?? "approval")
        case "deliver":
            let at = str("deliveredAt")!
            try l.ship(str("ref")!, from: str("from") ?? "510000", code: str("code")!, grams: ints("grams")!, method: str("method") ?? "R4",
                       pickup: str("pickup") ?? String(at.prefix(10)), basis: str("basis") ?? "approval")
            try l.receive(str("ref")!, deliveredAt: at, method: str("receivedMethod")!, lines: pairs("received"))
        case "receive":
            try l.receive(str("ref")!, deliveredAt: str("deliveredAt")!, method: str("method")!, lines: pairs("lines"))
        case "reject":
            try l.reject(str("ref")!, deliveredAt: str("deliveredAt")!)
        case "return":
            try l.returnShipment(str("ref")!, of: str("of")!, grams: ints("grams")!, deliveredAt: str("deliveredAt")!, method: str("receivedMethod") ?? "D9")
        case "correct":
            try l.correct(str("ref")!, id: str("id")!, lines: pairs("lines"), method: str("method"))
        case "close":
            try l.close(str("quarter")!, payer: str("payer")!, payee: str("payee")!)
        default:
            throw TestFailure("unknown step \(step.canonicalString)")
        }
    }
}
