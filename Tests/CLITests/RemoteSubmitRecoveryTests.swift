import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing

/// `submit --server --key` never loses track of its lines (issue 19): a server failing part-way leaves every line
/// accounted for (exit 75), and rerunning the same command files each event exactly once (docs/decisions/012).
@Suite("a remote submit that fails part-way, and its rerun")
struct RemoteSubmitRecoveryTests {
    /// Lines per input and per batch: three batches, the second of which the proxy spoils.
    static let lineCount = 25
    static let batchItems = 10
    static let environment = ["HWLEDGER_SUBMIT_BATCH_ITEMS": String(batchItems)]

    /// A ledger served by the real `hwledgerd`, with a proxy in front of it.
    final class Setup: @unchecked Sendable {
        let ledger: CLILedger
        let daemon: DaemonProcess
        let proxy: SubmitProxy

        init(mode: SubmitProxy.Mode) throws {
            ledger = try CLILedger()
            daemon = try DaemonProcess(
                executable: Fixtures.executable("hwledgerd"),
                arguments: ["--db", ledger.db, "--listen", "127.0.0.1:0", "--operator-key", ledger.operatorKeyPath, "--log-level", "warning"],
                environment: ["HWLEDGER_REFERENCE": Fixtures.referenceDirectory])
            do { proxy = try SubmitProxy(upstream: daemon.port, mode: mode, spoiledPost: 2) } catch {
                _ = daemon.stop(timeout: 10)
                throw error
            }
        }

        /// Stops the proxy and the daemon (also on failure: `defer`).
        func stop() {
            proxy.stop()
            _ = daemon.stop(timeout: 10)
        }

        /// Runs `submit --server <proxy> --key sc.key FILE`.
        func submit(_ file: String) throws -> ProcessResult {
            try Run.hwledger(
                ["submit", "--server", "http://127.0.0.1:\(proxy.port)", "--timeout", "20", "--key", ledger.sichuanKeyPath, file],
                environment: RemoteSubmitRecoveryTests.environment)
        }

        /// Writes `lineCount` registrations and submits them through the proxy, expecting the run to stop part-way.
        func partialRun(firstSerial: Int) throws -> (file: String, result: ProcessResult, lines: [JSONValue]) {
            let events = Events.sichuanRegistrations(RemoteSubmitRecoveryTests.lineCount, firstSerial: firstSerial)
            let file = ledger.writeLines(events.map(\.canonicalString))
            let result = try submit(file)
            return (file, result, try RemoteSubmitRecoveryTests.expectPartial(result))
        }

        /// The USCC of every registration in the ledger, in index order.
        func registered() throws -> [String] {
            try ledger.entries().compactMap(Events.registeredUSCC)
        }
    }

    static func results(_ r: ProcessResult) throws -> [JSONValue] {
        try r.stdoutLines.map { try CanonicalJSON.decode($0) }
    }

    /// Checks the first run's stdout: results of lines 1–10, UNKNOWN for 11–20, NOT-APPENDED for 21–25.
    static func expectPartial(_ r: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) throws -> [JSONValue] {
        #expect(r.status == 75, "exit \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
        let lines = try results(r)
        #expect(lines.count == lineCount, "\(r.stdout)", sourceLocation: sourceLocation)
        for (i, line) in lines.enumerated() {
            let number = i + 1
            switch number {
            case 1...batchItems:
                #expect(line["index"]?.intValue == Int64(number) && line["leafHash"] != nil, "\(line)", sourceLocation: sourceLocation)
            case (batchItems + 1)...(2 * batchItems):
                #expect(line["line"]?.intValue == Int64(number) && line["error"]?["rule"]?.stringValue == "UNKNOWN", "\(line)", sourceLocation: sourceLocation)
                #expect(line["error"]?["message"]?.stringValue?.contains("rerun the same command") == true, sourceLocation: sourceLocation)
            default:
                #expect(line["line"]?.intValue == Int64(number) && line["error"]?["rule"]?.stringValue == "NOT-APPENDED", "\(line)", sourceLocation: sourceLocation)
            }
        }
        let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("error[IO]: ") && first.contains("rerun the same command"), "\(r.stderr)", sourceLocation: sourceLocation)
        return lines
    }

    /// Checks a rerun: exit 0, the lines in `before` accepted-before with their first results, the others new.
    static func expectCompleted(_ r: ProcessResult, acceptedBefore before: [Int: JSONValue], sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(r.status == 0, "exit \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.isEmpty, "\(r.stderr)", sourceLocation: sourceLocation)
        let lines = try results(r)
        #expect(lines.count == lineCount, sourceLocation: sourceLocation)
        for (i, line) in lines.enumerated() {
            #expect(line["index"] != nil && line["error"] == nil, "\(line)", sourceLocation: sourceLocation)
            if let original = before[i + 1] {
                #expect(line["acceptedBefore"] == .bool(true), "\(line)", sourceLocation: sourceLocation)
                #expect(line["index"] == original["index"] && line["leafHash"] == original["leafHash"], "\(line) vs \(original)", sourceLocation: sourceLocation)
            } else {
                #expect(line["acceptedBefore"] == nil, "\(line)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("a 500 on the second batch: the first batch's results, UNKNOWN and NOT-APPENDED lines, exit 75; rerunning files every event exactly once")
    func serverErrorOnSecondBatch() throws {
        let setup = try Setup(mode: .fail)
        defer { setup.stop() }
        let (file, first, firstLines) = try setup.partialRun(firstSerial: 100)
        #expect(first.stderr.contains("HTTP 500"), "\(first.stderr)")
        #expect(first.stderr.contains(file + ".signed.jsonl"), "\(first.stderr)")
        #expect(try setup.registered().count == Self.batchItems)
        let journal = try String(contentsOfFile: file + ".signed.jsonl", encoding: .utf8)
        #expect(journal.split(separator: "\n").count == Self.lineCount)

        // The proxy forwards everything from now on: the same command finishes the job.
        let second = try setup.submit(file)
        let before = Dictionary(uniqueKeysWithValues: (1...Self.batchItems).map { ($0, firstLines[$0 - 1]) })
        try Self.expectCompleted(second, acceptedBefore: before)
        let uscc = try setup.registered()
        #expect(uscc.count == Self.lineCount && Set(uscc).count == Self.lineCount)
        #expect(try String(contentsOfFile: file + ".signed.jsonl", encoding: .utf8) == journal, "the rerun re-signed lines")

        // A rerun of a command that succeeded is safe too: everything accepted before, nothing appended.
        let third = try setup.submit(file)
        let all = Dictionary(uniqueKeysWithValues: try Self.results(second).enumerated().map { ($0.offset + 1, $0.element) })
        try Self.expectCompleted(third, acceptedBefore: all)
        #expect(try setup.registered().count == Self.lineCount)
    }

    @Test("a connection dropped after the server committed the second batch: its lines are UNKNOWN, exit 75; the rerun reports them accepted before")
    func connectionDroppedAfterCommit() throws {
        let setup = try Setup(mode: .drop)
        defer { setup.stop() }
        let (file, first, firstLines) = try setup.partialRun(firstSerial: 200)
        #expect(first.stderr.contains("without an HTTP answer"), "\(first.stderr)")
        // The proxy let the daemon append the second batch before it hung up.
        #expect(try setup.registered().count == 2 * Self.batchItems)

        let second = try setup.submit(file)
        let resultsOfSecond = try Self.results(second)
        var before = Dictionary(uniqueKeysWithValues: (1...Self.batchItems).map { ($0, firstLines[$0 - 1]) })
        for n in (Self.batchItems + 1)...(2 * Self.batchItems) where n <= resultsOfSecond.count { before[n] = resultsOfSecond[n - 1] }
        try Self.expectCompleted(second, acceptedBefore: before)
        let uscc = try setup.registered()
        #expect(uscc.count == Self.lineCount && Set(uscc).count == Self.lineCount)
    }

    @Test("a changed line is signed afresh while unchanged lines keep their signatures; --resign signs every line anew")
    func changedLineIsSignedAfresh() throws {
        let setup = try Setup(mode: .forward)
        defer { setup.stop() }
        var events = Events.sichuanRegistrations(3, firstSerial: 300)
        let file = setup.ledger.writeLines(events.map(\.canonicalString))
        let first = try setup.submit(file)
        #expect(first.status == 0, "\(first.stderr)")
        let journal = try String(contentsOfFile: file + ".signed.jsonl", encoding: .utf8).split(separator: "\n")

        events[1] = Events.registration(uscc: TestKeys.uscc(division: "510100", serial: 399))
        try Data(events.map { $0.canonicalString + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: file))
        let second = try setup.submit(file)
        #expect(second.status == 0, "\(second.stderr)")
        let lines = try Self.results(second)
        #expect(lines.map { $0["acceptedBefore"] } == [.bool(true), nil, .bool(true)], "\(second.stdout)")
        let rewritten = try String(contentsOfFile: file + ".signed.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(rewritten[0] == journal[0] && rewritten[1] != journal[1] && rewritten[2] == journal[2])
        #expect(try setup.registered().count == 4)

        let resigned = try Run.hwledger(
            ["submit", "--server", "http://127.0.0.1:\(setup.proxy.port)", "--key", setup.ledger.sichuanKeyPath, "--resign", file])
        #expect(resigned.status == 2, "a fresh signature of a registered enterprise is judged again: \(resigned.stdout)")
        #expect(try Self.results(resigned).allSatisfy { $0["acceptedBefore"] == nil })
        #expect(try String(contentsOfFile: file + ".signed.jsonl", encoding: .utf8).split(separator: "\n").allSatisfy { !rewritten.contains($0) })
        #expect(try setup.registered().count == 4)
    }

    @Test("submit --server --key from stdin, or from several files, without --signed-out is a usage error that says why")
    func stdinNeedsAJournal() throws {
        let ledger = try CLILedger()
        let event = Events.registration(uscc: TestKeys.uscc(division: "510100", serial: 400)).canonicalString + "\n"
        let stdin = try ledger.run(["submit", "--server", "http://127.0.0.1:9", "--key", ledger.sichuanKeyPath, "-"], stdin: event)
        expectFailure(stdin, code: 64, id: "USAGE", mentioning: "--signed-out")
        #expect(stdin.stdout.isEmpty)
        let a = ledger.writeLines([event]), b = ledger.writeLines([event])
        expectFailure(
            try ledger.run(["submit", "--server", "http://127.0.0.1:9", "--key", ledger.sichuanKeyPath, a, b]), code: 64, id: "USAGE",
            mentioning: "--signed-out")
        expectFailure(
            try ledger.run(["submit", "--db", ledger.db, "--signed", a, "--signed-out", b]), code: 64, id: "USAGE", mentioning: "--signed-out")
    }

    @Test("submit --db --key --signed-out keeps the signed lines: the rerun of a local submit reports every line accepted before")
    func localSubmitWithJournal() throws {
        let ledger = try CLILedger()
        let file = ledger.writeLines(Events.sichuanRegistrations(3, firstSerial: 500).map(\.canonicalString))
        let journal = ledger.dir.path("local.signed.jsonl")
        let args = ["submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath, "--signed-out", journal, file]
        let first = try ledger.run(args)
        #expect(first.status == 0, "\(first.stderr)")
        let second = try ledger.run(args)
        #expect(second.status == 0, "\(second.stderr)")
        let a = try Self.results(first), b = try Self.results(second)
        #expect(b.count == 3 && b.allSatisfy { $0["acceptedBefore"] == .bool(true) }, "\(second.stdout)")
        #expect(zip(a, b).allSatisfy { $0["index"] == $1["index"] && $0["leafHash"] == $1["leafHash"] })
        #expect(try ledger.entries().count == 4)
        // Without --signed-out a local submit writes no journal beside its input.
        #expect(!FileManager.default.fileExists(atPath: file + ".signed.jsonl"))
    }
}

/// An HTTP proxy on 127.0.0.1 in front of `hwledgerd` that spoils one `POST`: it answers 500 without forwarding
/// (`fail`), or forwards it, lets the daemon answer, and hangs up without answering (`drop`). Every other request is
/// forwarded, each on its own connection (`Connection: close`, so the client cannot quietly retry on a kept-alive
/// one).
///
/// A python3 child (as ClientModeTests' failing server): it exits when its stdin closes (the test process ended),
/// after `lifetime` seconds in any case, and on ``stop()``.
final class SubmitProxy: @unchecked Sendable {
    enum Mode: String { case fail, drop, forward }

    let process = Process()
    let port: Int
    private let input = Pipe()

    init(upstream: Int, mode: Mode, spoiledPost: Int, lifetime: Double = 300) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", Self.script, String(upstream), mode.rawValue, String(spoiledPost), String(lifetime)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = input
        try process.run()
        final class Line: @unchecked Sendable { var text = "" }
        let line = Line()
        let ready = DispatchSemaphore(value: 0)
        let handle = output.fileHandleForReading
        Thread.detachNewThread {
            while !line.text.contains("\n") {
                let data = handle.availableData
                if data.isEmpty { break }
                line.text += String(decoding: data, as: UTF8.self)
            }
            ready.signal()
        }
        let answered = ready.wait(timeout: .now() + 20) == .success
        guard answered, let port = Int(line.text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestFailure("the test proxy did not report its port: \(line.text)")
        }
        self.port = port
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
    }

    deinit { stop() }

    static let script = #"""
        import http.client, http.server, os, socket, sys, threading
        upstream, mode, spoiled, lifetime = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
        def watch_stdin():
            sys.stdin.buffer.read()
            os._exit(0)
        threading.Thread(target=watch_stdin, daemon=True).start()
        timer = threading.Timer(lifetime, lambda: os._exit(0))
        timer.daemon = True
        timer.start()
        lock = threading.Lock()
        posts = [0]
        class Proxy(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args):
                pass
            def reply(self, status, body, content_type):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = True
            def forward(self, method, body):
                c = http.client.HTTPConnection("127.0.0.1", upstream, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "authorization")}
                c.request(method, self.path, body=body, headers=headers)
                r = c.getresponse()
                data = r.read()
                c.close()
                return r.status, data, r.getheader("Content-Type", "application/json")
            def do_GET(self):
                self.reply(*self.forward("GET", None))
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with lock:
                    posts[0] += 1
                    n = posts[0]
                if n == spoiled and mode == "fail":
                    self.reply(500, b'{"error":{"rule":"INTERNAL","message":"injected by the test proxy"}}', "application/json")
                    return
                answer = self.forward("POST", body)
                if n == spoiled and mode == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.reply(*answer)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#
}
