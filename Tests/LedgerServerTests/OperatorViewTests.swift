import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// What a night operator reads (issue 23): one info line per accepted and per refused submission, and the operator
/// page with version, start, verification, storage, reference coverage and the last refusals by rule.
@Suite("Operator view: submission log lines and the operator page", .serialized)
struct OperatorViewTests {
    @Test("at info, an accepted submission logs its index, type and actor; a refusal its rule, actor and type")
    func submissionLogLines() throws {
        let d = try DaemonFixture()
        let ok = try d.post(DaemonFixture.registration(serial: 7001).json)
        #expect(ok.status == 201, "\(ok.text)")
        let replay = DaemonFixture.registration(serial: 7001)
        let refused = try d.post(replay.json)
        #expect(refused.status == 422, "\(refused.text)")
        let deadline = Date().addingTimeInterval(5)
        while !d.daemon.stderr.contains("refused submission"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let log = d.daemon.stderr.split(separator: "\n")
        let accepted = log.filter { $0.contains("accepted submission") }
        #expect(accepted.count == 1, "\(d.daemon.stderr)")
        #expect(accepted.first?.contains("index=3") == true && accepted.first?.contains("type=enterprise.registered") == true
            && accepted.first?.contains("actor=REG-510000") == true, "\(accepted)")
        let refusal = log.filter { $0.contains("refused submission") }
        #expect(refusal.count == 1, "\(d.daemon.stderr)")
        #expect(refusal.first?.contains("rule=R-DUPLICATE") == true && refusal.first?.contains("actor=REG-510000") == true, "\(refusal)")
    }

    @Test("the operator page shows version, start and uptime, verification, storage, reference coverage and the last refusals by rule")
    func operatorPage() throws {
        let d = try RegimeDaemon()
        // Two refusals the page must list: a duplicate registration and a malformed body.
        let dup = UnsignedEvent(type: "enterprise.registered", actor: RegimeDaemon.sc, body: [
            "uscc": .string(RegimeDaemon.gen), "name": "重复登记", "division": "510100", "roles": ["generator"],
        ]).signed(with: RegimeDaemon.key(RegimeDaemon.sc), at: TransferLedger.systemClock(), nonce: randomNonce())
        let r1 = try WireConnection(port: d.port).request(
            "POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: dup.json.canonicalBytes)
        #expect(r1.status == 422)
        let r2 = try WireConnection(port: d.port).request("POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: Array("{".utf8))
        #expect(r2.status == 400)
        let cookie = try ConsoleSessionTests().cookie(
            try ConsoleSessionTests().signIn(d, key: RegimeDaemon.key(RegimeDaemon.sc), challenge: try ConsoleSessionTests().challenge(d)))
        let page = try WireConnection(port: d.port).request("GET", "/ui/operator", headers: [("Cookie", cookie)])
        #expect(page.status == 200)
        let text = page.text
        let storage = TestDatabase.isSQLite ? ["台账数据库", "SQLite 文件", "台账文件", "可用"] : ["台账数据库", "PostgreSQL postgres://", "由 PostgreSQL 服务器管理"]
        for expected in [
            "hwledgerd \(BuildInfo.version)", "已运行", "存储空间", "节假日日历", "危险废物名录", "行政区划",
            "R-DUPLICATE", "MALFORMED", "最近 50 次拒绝提交", "四川省生态环境厅",
        ] + storage {
            #expect(text.contains(expected), "the operator page shows \(expected)")
        }
        #expect(text.contains("R-DUPLICATE × 1") && text.contains("MALFORMED × 1"), "refusals counted by rule")
    }
}
