import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// `hwledger enterprise list|show` and `permit list` (issue 14): Chinese printouts with names, places and division
/// codes, `--json` the document of `GET /v1/enterprises[/{uscc}]` and `GET /v1/permits`, the same from --db and
/// --server, for any principal.
@Suite("hwledger enterprise and permit")
struct RegisterReadTests {
    @Test("enterprise list/show and permit list print the same with --db and --server (an enterprise's key too), in Chinese with names and places; unknown USCC exit 2 R-NOT-FOUND, a bad one 64")
    func registerReads() throws {
        let d = try RegimeDaemon()
        let url = "http://127.0.0.1:\(d.port)"
        let operatorKey = d.dir.write("operator.key", TestKeys.operatorKey.fileText)
        let outsiderKey = d.dir.write("outsider.key", RegimeDaemon.key(RegimeDaemon.outsider).fileText)
        let reads: [[String]] = [
            ["enterprise", "list"], ["enterprise", "show", RegimeDaemon.cqRecv], ["enterprise", "show", RegimeDaemon.outsider],
            ["permit", "list"], ["permit", "list", "--holder", RegimeDaemon.scCarrier],
        ]
        var printed: [String: String] = [:]
        for read in reads.flatMap({ [$0, $0 + ["--json"]] }) {
            let local = try Run.hwledger(read + ["--db", d.dbPath])
            #expect(local.status == 0 && !local.stdout.isEmpty, "\(read): \(local.stderr)")
            for key in [operatorKey, outsiderKey] {
                let remote = try Run.hwledger(read + ["--server", url, "--key", key])
                #expect(remote.status == 0 && remote.stdout == local.stdout, "\(read) with \(key): \(remote.stderr)\n\(remote.stdout)\n\(local.stdout)")
            }
            printed[read.joined(separator: " ")] = local.stdout
        }

        let list = try #require(printed["enterprise list"])
        #expect(list.hasPrefix("企业名录（共 \(RegimeDaemon.enterprises.count) 家）\n统一社会信用代码\t单位名称\t所在地（行政区划代码）\t类别\n"))
        #expect(list.contains("\(RegimeDaemon.cqRecv)\t测试企业\t重庆市"), "\(list)")
        #expect(list.contains("（500101）\t接受单位"), "\(list)")
        let show = try #require(printed["enterprise show \(RegimeDaemon.cqRecv)"])
        #expect(show.contains("统一社会信用代码：\(RegimeDaemon.cqRecv)\n") && show.contains("所在地：重庆市") && show.contains("（500101）"), "\(show)")
        #expect(show.contains("CQ-HW-001\t测试企业（\(RegimeDaemon.cqRecv)）\t危险废物经营许可证"), "\(show)")
        #expect(try #require(printed["enterprise show \(RegimeDaemon.outsider)"]).contains("许可证：无\n"))
        let permits = try #require(printed["permit list"])
        for no in ["CQ-HW-001", "SC-HW-001", "SC-YS-001", "CQ-YS-001"] { #expect(permits.contains("\n\(no)\t"), "\(no) in \(permits)") }
        let carriers = try #require(printed["permit list --holder \(RegimeDaemon.scCarrier)"])
        #expect(carriers.hasPrefix("许可证（共 1 份）\n") && carriers.contains("SC-YS-001\t测试企业（\(RegimeDaemon.scCarrier)）\t道路危险货物运输许可"), "\(carriers)")
        let json = try CanonicalJSON.decode(try #require(printed["enterprise show \(RegimeDaemon.cqRecv) --json"]).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(json["enterprise"]?["division"]?.stringValue == "500101")
        #expect(json["labels"]?["parties"]?[RegimeDaemon.cqRecv]?["name"]?.stringValue == "测试企业")

        let unknown = TestKeys.uscc(division: "510100", serial: 999)
        for target in [["--db", d.dbPath], ["--server", url, "--key", operatorKey]] {
            let missing = try Run.hwledger(["enterprise", "show", unknown] + target)
            #expect(missing.status == 2 && missing.stdout.isEmpty && missing.stderr.contains("R-NOT-FOUND"), "\(target): \(missing.stderr)")
        }
        let bad = try Run.hwledger(["permit", "list", "--holder", "91510100MA0000099X", "--db", d.dbPath])
        #expect(bad.status == 64 && bad.stderr.contains("--holder"), "\(bad.stderr)")
    }
}
