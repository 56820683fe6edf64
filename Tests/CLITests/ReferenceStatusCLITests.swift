import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

/// `hwledger reference status`: what is loaded, and a warning a year before the holiday calendar runs out.
@Suite("hwledger reference status")
struct ReferenceStatusCLITests {
    @Test("lists divisions, the 名录, methods and the calendar years; warns on stdout and stderr from 2026-01-02, not on 2025-06-01")
    func status() throws {
        let quiet = try Run.hwledger(["reference", "status", "--as-of", "2025-06-01", "--json"])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stdout == #"{"calendar":{"from":2024,"source":"reference","to":2026},"divisions":245,"editions":[{"codes":467,"edition":"","effectiveFrom":null,"file":"hw_codes.csv"}],"endedDivisions":2,"methods":22,"warnings":[]}"# + "\n")
        let warned = try Run.hwledger(["reference", "status", "--as-of", "2026-01-02"])
        #expect(warned.status == 0)
        #expect(warned.stdout.contains("行政区划：245 个代码（其中已撤销 2 个）"))
        #expect(warned.stdout.contains("节假日日历（参考数据）：2024–2026 年"))
        #expect(warned.stdout.contains("缺少 2027 年"))
        #expect(warned.stderr.contains("2027 is missing"))
    }
}
