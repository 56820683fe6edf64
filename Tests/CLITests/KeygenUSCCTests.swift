import Foundation
import LedgerTestSupport
import Testing

/// `hwledger keygen --name` checks a USCC's check character before writing a key.
@Suite("hwledger keygen USCC check")
struct KeygenUSCCTests {
    @Test("a USCC with a bad check character (91350203M0001QAY9B) is a usage error and writes no file; a valid one gets its key")
    func usccChecked() throws {
        let dir = TempDirectory()
        let bad = try Run.hwledger(["keygen", "--name", "91350203M0001QAY9B", "--out", dir.path("bad.key")])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("统一社会信用代码"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("bad.key")))
        let good = try Run.hwledger(["keygen", "--name", "91350200776049653A", "--out", dir.path("good.key")])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.hasPrefix("91350200776049653A+"))
        let regulator = try Run.hwledger(["keygen", "--name", "REG-510000", "--out", dir.path("reg.key")])
        #expect(regulator.status == 0)
    }
}
