import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// The read commands of the CLI with `--server` against the real daemon print exactly what they print with `--db`
/// on the same ledger file (issue 9): one document per read, one renderer.
@Suite("hwledger reads: --server prints what --db prints")
struct ReadParityTests {
    @Test("every read command prints the same bytes with --server (operator key) as with --db on the same ledger, with and without --json")
    func readsMatch() throws {
        let d = try RegimeDaemon()
        let url = "http://127.0.0.1:\(d.port)"
        let operatorKey = d.dir.write("operator.key", TestKeys.operatorKey.fileText)
        let x = d.known("X").no
        let reads: [[String]] = [
            ["manifest", "show", x], ["manifest", "show", d.known("S2").no], ["manifest", "list"],
            ["manifest", "list", "--limit", "2"], ["manifest", "list", "--status", "inTransit", "--from", "2025-03-10"],
            ["manifest", "list", "--party", RegimeDaemon.cqRecv], ["approval", "show", "APP-X"], ["approval", "show", "APP-LATE"],
            ["approval", "list"], ["whitelist", "report", "--year", "2025"], ["audit", "anomalies", "--as-of", "2025-12-31"],
        ]
        let statement = ["compensation", "statement", "--quarter", "2025Q1"]
        let statements: [[String]] = [
            statement + ["--payer", "510000", "--payee", "500000"], statement + ["--payer", "510000", "--payee", "500000", "--format", "csv", "--labels", "zh"],
            statement + ["--net"],
        ]
        var pages: [String] = []
        for read in reads.flatMap({ [$0, $0 + ["--json"]] }) + statements {
            do {
                let args = read
                let json = read.contains("--json")
                let local = try Run.hwledger(args + ["--db", d.dbPath])
                let remote = try Run.hwledger(args + ["--server", url, "--key", operatorKey])
                #expect(local.status == 0 && remote.status == 0, "\(args): \(local.stderr) \(remote.stderr)")
                #expect(!local.stdout.isEmpty)
                #expect(remote.stdout == local.stdout, "\(args.joined(separator: " ")) differs:\n--db:\n\(local.stdout)\n--server:\n\(remote.stdout)")
                if json, read.contains("--limit"), let next = try CanonicalJSON.decode(try #require(local.stdoutLines.first))["nextCursor"]?.stringValue {
                    pages.append(next)
                }
            }
        }
        // The printed cursor continues the list on either side.
        let cursor = try #require(pages.first)
        let next = ["manifest", "list", "--limit", "2", "--cursor", cursor]
        let local = try Run.hwledger(next + ["--db", d.dbPath]), remote = try Run.hwledger(next + ["--server", url, "--key", operatorKey])
        #expect(local.status == 0 && remote.stdout == local.stdout && local.stdoutLines.count >= 3, "\(local.stdout)\(local.stderr)")
    }

    @Test("manifest show prints names beside USCCs and times in 北京时间 from the document alone")
    func printoutLabels() throws {
        let d = try RegimeDaemon()
        let operatorKey = d.dir.write("operator.key", TestKeys.operatorKey.fileText)
        let show = try Run.hwledger(["manifest", "show", d.known("X").no, "--server", "http://127.0.0.1:\(d.port)", "--key", operatorKey])
        #expect(show.status == 0, "\(show.stderr)")
        let doc = try CanonicalJSON.decode(
            try #require(try Run.hwledger(["manifest", "show", d.known("X").no, "--db", d.dbPath, "--json"]).stdoutLines.first))
        let generatorName = try #require(doc["labels"]?["parties"]?[RegimeDaemon.gen]?["name"]?.stringValue)
        #expect(show.stdout.contains("移出人：\(generatorName)（统一社会信用代码 \(RegimeDaemon.gen)"))
        // pickedUpAt 2025-03-12T01:00:00Z is 09:00 in Beijing.
        #expect(show.stdout.contains("起运时间 2025-03-12 09:00:00（北京时间）"), "\(show.stdout)")
        #expect(!show.stdout.contains("T01:00:00Z"))
        let list = try Run.hwledger(["manifest", "list", "--db", d.dbPath])
        #expect(list.stdout.contains("\(generatorName)（\(RegimeDaemon.gen)）"))
    }

    @Test("reads from --server fail in one line with a documented exit code: unknown, forbidden, unknown key, server down, --key with --db")
    func readFailures() throws {
        let d = try RegimeDaemon()
        let url = "http://127.0.0.1:\(d.port)"
        let outsider = d.dir.write("outsider.key", RegimeDaemon.key(RegimeDaemon.outsider).fileText)
        let stranger = d.dir.write("stranger.key", try SigningKey(generatingFor: RegimeDaemon.outsider).fileText)
        func expectOneLine(_ r: ProcessResult, _ status: Int32, _ id: String, _ fragment: String) {
            #expect(r.status == status, "\(r.stderr)")
            #expect(r.stdout.isEmpty)
            // A usage error adds the usage hint on a second line.
            let lines = r.stderr.split(separator: "\n").filter { !$0.hasPrefix("Usage: ") }
            #expect(lines.count == 1 && lines[0].hasPrefix("error[\(id)]: ") && lines[0].contains(fragment), "\(r.stderr)")
        }
        let missing = ["manifest", "show", "20259999000001"]
        let local = try Run.hwledger(missing + ["--db", d.dbPath])
        expectOneLine(local, 2, "R-NOT-FOUND", "does not exist")
        let remote = try Run.hwledger(missing + ["--server", url, "--key", outsider])
        #expect(remote.stderr == local.stderr && remote.status == 2)
        expectOneLine(try Run.hwledger(["manifest", "show", d.known("X").no, "--server", url, "--key", outsider]), 2, "R-AUTH", "may not read")
        expectOneLine(try Run.hwledger(["manifest", "list", "--server", url, "--key", stranger]), 2, "R-SIG", "is not an active key")
        let closed = try WireListener()
        let down = "http://127.0.0.1:\(closed.port)"
        closed.close()
        expectOneLine(try Run.hwledger(["manifest", "list", "--server", down, "--key", outsider]), 66, "IO", "connection refused")
        expectOneLine(try Run.hwledger(["manifest", "list", "--db", d.dbPath, "--key", outsider]), 64, "USAGE", "--key")
        expectOneLine(try Run.hwledger(["manifest", "list", "--server", url]), 64, "USAGE", "--key")
    }

    @Test("GET /v1/approvals[/{id}] and /v1/whitelists/report: parties and the regulators of both provinces see an application; the report is for regulators")
    func newEndpointsVisibility() throws {
        let d = try RegimeDaemon()
        func ids(_ principal: String) throws -> [String] {
            let r = try d.get("/v1/approvals", as: principal)
            #expect(r.status == 200, "\(principal): \(r.text)")
            return r.json?["applications"]?.arrayValue?.compactMap { $0["applicationId"]?.stringValue } ?? []
        }
        for principal in [TestKeys.origin, RegimeDaemon.sc, RegimeDaemon.cq, RegimeDaemon.gen, RegimeDaemon.cqRecv] {
            #expect(try ids(principal) == ["APP-LATE", "APP-X"], "\(principal)")
        }
        #expect(try ids(RegimeDaemon.outsider).isEmpty)
        #expect(try d.get("/v1/approvals/APP-X", as: RegimeDaemon.cqRecv).json?["labels"]?["parties"]?[RegimeDaemon.gen] != nil)
        #expect(try d.get("/v1/approvals/APP-X", as: RegimeDaemon.outsider).rule == "R-AUTH")
        #expect(try d.get("/v1/approvals/APP-NONE", as: TestKeys.origin).rule == "R-NOT-FOUND")
        #expect(try d.get("/v1/approvals").status == 401)
        #expect(try d.get("/v1/whitelists/report?year=2025", as: RegimeDaemon.cq).status == 200)
        #expect(try d.get("/v1/whitelists/report?year=2025", as: RegimeDaemon.gen).rule == "R-AUTH")
        for bad in ["", "?year=abc", "?year=1999"] {
            let r = try d.get("/v1/whitelists/report\(bad)", as: RegimeDaemon.sc)
            #expect(r.status == 400 && r.rule == "USAGE", "\(bad): \(r.text)")
        }
    }
}
