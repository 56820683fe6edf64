import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferRules

/// `hwledger compensation close`: prints the total and digest it signs; `--dry-run` appends nothing; the current
/// quarter (by the system clock in Asia/Shanghai) is refused.
@Suite("hwledger compensation close")
struct CompensationCloseCLITests {
    @Test("--dry-run prints total and digest and appends nothing; last quarter closes with them printed; the current quarter is R-STATE")
    func close() throws {
        let dir = TempDirectory()
        let db = TestDatabase.locator(in: dir)
        _ = try TestLedger(store: try TestDatabase.open(db, create: true))
        let key = dir.write("cq.key", TestKeys.chongqing.fileText + "\n")
        let opKey = dir.write("op.key", TestKeys.operatorKey.fileText + "\n")
        let current = Quarter(containing: UTCInstant(seconds: Int64(Date().timeIntervalSince1970)).shanghaiDate)
        var last = current
        last = last.q == 1 ? Quarter(year: last.year - 1, q: 4)! : Quarter(year: last.year, q: last.q - 1)!
        let common = ["compensation", "close", "--db", db, "--payer", "510000", "--payee", "500000"]
        let size = try Run.hwledger(["entries", "--db", db]).stdoutLines.count

        let dry = try Run.hwledger(common + ["--quarter", last.description, "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("付款方 四川省生态环境厅（510000） → 收款方 重庆市生态环境局（500000）"))
        #expect(dry.stdout.contains("合计：0.00 元（0 分）"))
        #expect(dry.stdout.contains("摘要（SHA-256）："))
        #expect(dry.stdout.contains("试运行"))
        #expect(try Run.hwledger(["entries", "--db", db]).stdoutLines.count == size)

        let json = try Run.hwledger(common + ["--quarter", last.description, "--dry-run", "--json"])
        let parsed = try CanonicalJSON.decode(Array(json.stdout.utf8.dropLast()))
        let digest = try #require(parsed["digest"]?.stringValue)
        #expect(parsed["totalFen"]?.intValue == 0 && parsed["dryRun"] == .bool(true))

        let closed = try Run.hwledger(common + ["--quarter", last.description, "--key", key, "--operator-key", opKey])
        #expect(closed.status == 0, "\(closed.stderr)")
        #expect(closed.stdout.contains(digest))
        #expect(closed.stdout.contains("已签署并关闭"))
        #expect(try Run.hwledger(["entries", "--db", db]).stdoutLines.count == size + 1)

        let refused = try Run.hwledger(common + ["--quarter", current.description, "--key", key, "--operator-key", opKey])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("error[R-STATE]"))
        #expect(refused.stderr.contains("has not ended"))
        #expect(try Run.hwledger(["entries", "--db", db]).stdoutLines.count == size + 1)
    }
}
