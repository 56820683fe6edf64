import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// `hwledger worklist --as PRINCIPAL [--as-of DATE|today] [--json]` run as a process.
@Suite("hwledger worklist")
struct WorklistCLITests {
    static let gen = TestKeys.uscc(division: "510100", serial: 901)
    static let recv = TestKeys.uscc(division: "500101", serial: 902)

    /// A SQLite ledger with application APP-1 filed Monday 2025-03-03 (review due 2025-03-10).
    final class Prepared {
        let dir = TempDirectory()
        let db: String

        init() throws {
            db = TestDatabase.locator(in: dir)
            let t = try TestLedger(store: try TestDatabase.open(db, create: true))
            let key = try t.register(gen, division: "510100", roles: ["generator"], name: "成都测试化工有限公司")
            _ = try t.register(recv, division: "500101", roles: ["receiver"], name: "重庆测试环保有限公司")
            let o = try t.submit("approval.applied", actor: gen, key: key, body: [
                "applicationId": "APP-1", "generator": .string(gen), "receiver": .string(recv), "wasteCode": "900-052-31", "grams": 5_000_000,
                "method": "R4", "validFrom": "2025-03-10", "validTo": "2025-12-31", "appliedOn": "2025-03-03",
            ])
            guard case .appended = o else { throw TestFailure("approval.applied: \(o)") }
        }
    }

    @Test("--json prints the GET /v1/worklist body: the origin regulator's review of APP-1, due 2025-03-10, 3 working days left on 03-05")
    func json() throws {
        let p = try Prepared()
        let r = try Run.hwledger(["worklist", "--db", p.db, "--as", "REG-510000", "--as-of", "2025-03-05", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == #"{"asOf":"2025-03-05","items":[{"due":"2025-03-10","kind":"approval.reviewed","overdue":false,"subject":"APP-1","workingDaysLeft":3}],"principal":"REG-510000"}"# + "\n")
    }

    @Test("the printout is Chinese with the regulator's name beside its id, and marks an overdue step")
    func printout() throws {
        let p = try Prepared()
        let r = try Run.hwledger(["worklist", "--db", p.db, "--as", "REG-510000", "--as-of", "2025-03-12"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("四川省生态环境厅（REG-510000）"))
        #expect(r.stdout.contains("其中逾期 1 项"))
        #expect(r.stdout.contains("逾期\t初步审查\tapproval.reviewed\tAPP-1\t2025-03-10\t-2"))
        let generator = try Run.hwledger(["worklist", "--db", p.db, "--as", Self.gen, "--as-of", "2025-03-12"])
        #expect(generator.stdout.contains("成都测试化工有限公司（\(Self.gen)）"))
        #expect(generator.stdout.contains("无待办事项"))
    }

    @Test("--as-of today judges at today's date in 北京时间; a malformed --as or --as-of is a usage error (64)")
    func todayAndUsage() throws {
        let p = try Prepared()
        let r = try Run.hwledger(["worklist", "--db", p.db, "--as", "REG-510000", "--as-of", "today", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let today = UTCInstant(seconds: Int64(Date().timeIntervalSince1970)).shanghaiDate
        #expect(r.stdout.hasPrefix(#"{"asOf":"\#(today)""#))
        #expect(try Run.hwledger(["worklist", "--db", p.db, "--as", "REG-510000", "--as-of", "2025-02-30"]).status == 64)
        #expect(try Run.hwledger(["worklist", "--db", p.db, "--as", "nobody"]).status == 64)
    }

    @Test("approval show and list print names beside USCCs and Chinese values (待决定), never agree/approved")
    func approvalPrintout() throws {
        let p = try Prepared()
        let show = try Run.hwledger(["approval", "show", "--db", p.db, "APP-1"])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("移出人：成都测试化工有限公司（\(Self.gen)）"))
        #expect(show.stdout.contains("接受人：重庆测试环保有限公司（\(Self.recv)）"))
        let list = try Run.hwledger(["approval", "list", "--db", p.db])
        #expect(list.stdout.contains("APP-1\t成都测试化工有限公司（\(Self.gen)）\t重庆测试环保有限公司（\(Self.recv)）"))
        #expect(list.stdout.contains("待决定"))
        #expect(!list.stdout.contains("pending"))
    }
}
