import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// Statement output (SPEC §2.6, §4.1): CSV with header, fen and yuan, Chinese labels; JSON exactly the normative
/// object; the `--net` view; run through the built `hwledger` against a SQLite ledger prepared with the library.
@Suite("compensation statement output")
struct CompensationOutputTests {
    static func prepared() throws -> CompensationLedger {
        let l = try CompensationLedger(sqlite: true)
        try l.rates(CompensationLedger.ratesBody(id: "T1", effectiveFrom: "2025-01-01", base: ["500000>510000": 9000]))
        try l.ship("m1", code: "900-041-49", grams: [12_345_000], pickup: "2025-07-10")
        try l.receive("m1", deliveredAt: "2025-07-10T06:00:00Z", method: "D1")
        try l.ship("m2", from: "500000", code: "900-041-49", grams: [3_000_000], pickup: "2025-07-11")
        try l.receive("m2", deliveredAt: "2025-07-11T06:00:00Z", method: "D10")
        return l
    }

    @Test("StatementJSON.csv: UTF-8, a header row, amounts in fen and yuan, a total row; Chinese labels on request")
    func csvLibrary() throws {
        let l = try Self.prepared()
        let st = try l.statement("2025Q3")
        let en = StatementJSON.csv(st, chinese: false)
        let lines = en.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("manifestNo,line,wasteCode") == true)
        #expect(lines.first?.contains("amountFen") == true && lines.first?.contains("amountYuan") == true)
        #expect(lines.count == 3, "header, one item, total: \(en)")
        #expect(lines[1].contains(",185175,1851.75,"), "\(lines[1])")
        #expect(lines[1].hasPrefix(l.numbers["m1"]! + ",1,900-041-49,HW49,D1,12345000,12.345,T1,10000,1000,1500,"))
        #expect(lines[2].contains("185175,1851.75"))
        let zh = StatementJSON.csv(st, chinese: true)
        let header = zh.split(separator: "\n").first.map(String.init) ?? ""
        for label in ["联单编号", "废物代码", "金额（分）", "金额（元）"] { #expect(header.contains(label), "\(label) in \(header)") }
        #expect(zh.contains("合计"))
        #expect(String(data: Data(zh.utf8), encoding: .utf8) == zh)
    }

    @Test("hwledger compensation statement: JSON equals the library's normative object; CSV with --labels zh; the net view")
    func cli() throws {
        let l = try Self.prepared()
        let db = l.s.locator!
        let st = try l.statement("2025Q3")
        let json = try Run.hwledger(["compensation", "statement", "--db", db, "--quarter", "2025Q3", "--payer", "510000", "--payee", "500000"])
        #expect(json.status == 0, "\(json.stderr)")
        let printed = try CanonicalJSON.decode(json.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(printed == StatementJSON.json(st))
        #expect(Set(printed.objectValue!.keys) == ["quarter", "payer", "payee", "items", "adjustments", "totalFen"], "nothing added")
        #expect(Hash.sha256(printed.canonicalBytes).hex == StatementJSON.digest(st))
        #expect(StatementJSON.canonicalBytes(st) == printed.canonicalBytes, "the item-by-item writer gives the document's canonical bytes")
        #expect(!st.items.isEmpty)

        let csv = try Run.hwledger(["compensation", "statement", "--db", db, "--quarter", "2025Q3", "--payer", "510000", "--payee", "500000", "--format", "csv", "--labels", "zh"])
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout == StatementJSON.csv(st, chinese: true))
        #expect(csv.stdout.hasPrefix("联单编号,"))
        #expect(csv.stdout.contains("185175,1851.75"))

        let en = try Run.hwledger(["compensation", "statement", "--db", db, "--quarter", "2025Q3", "--payer", "510000", "--payee", "500000", "--format", "csv"])
        #expect(en.stdout.hasPrefix("manifestNo,"))

        // 510000→500000: 185175; 500000→510000: 3 t × 9000 × 1.2 = 32400; net 152775 paid by Sichuan.
        let net = try Run.hwledger(["compensation", "statement", "--db", db, "--quarter", "2025Q3", "--net"])
        #expect(net.status == 0, "\(net.stderr)")
        let n = try CanonicalJSON.decode(net.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let back = try l.statement("2025Q3", payer: "500000", payee: "510000")
        #expect(back.totalFen == 32400)
        #expect(n["net"]?["amountFen"]?.intValue == st.totalFen - back.totalFen)
        #expect(n["net"]?["amountFen"]?.intValue == 152_775)
        #expect(n["net"]?["payer"]?.stringValue == "510000")
        #expect(n["net"]?["payee"]?.stringValue == "500000")
        #expect(n["net"]?["amountYuan"]?.stringValue == "1527.75")

        let bad = try Run.hwledger(["compensation", "statement", "--db", db, "--quarter", "2025Q5", "--payer", "510000", "--payee", "500000"])
        #expect(bad.status == 64)
    }

    @Test("the net view names the other province as payer when it owes more")
    func netReversed() throws {
        let l = try CompensationLedger(sqlite: true)
        try l.rates(CompensationLedger.ratesBody(id: "T1", effectiveFrom: "2025-01-01"))
        try l.ship("m1", from: "500000", code: "900-041-49", grams: [2_000_000], pickup: "2025-07-11")
        try l.receive("m1", deliveredAt: "2025-07-11T06:00:00Z", method: "D9")
        let net = try Run.hwledger(["compensation", "statement", "--db", l.s.locator!, "--quarter", "2025Q3", "--net"])
        let n = try CanonicalJSON.decode(net.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(n["net"]?["payer"]?.stringValue == "500000")
        #expect(n["net"]?["amountFen"]?.intValue == 20000)
    }
}
