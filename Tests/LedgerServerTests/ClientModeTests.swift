import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// The CLI as a client of the real daemon (issue 9): `sign`, `submit --server`, `check`, and what goes wrong on the way.
@Suite("hwledger as a client of hwledgerd")
struct ClientModeTests {
    /// Writes the key file of `principal` into the fixture's directory.
    static func keyFile(_ d: RegimeDaemon, _ principal: String) -> String {
        d.dir.write("\(principal).key", RegimeDaemon.key(principal).fileText)
    }

    static func filed(_ generator: String, receiver: String, basis: JSONValue, pickup: String = "2025-03-20", grams: Int64 = 1_000_000,
        customId: String? = nil) -> String {
        var body: [String: JSONValue] = [
            "generator": .string(generator), "carriers": .array([.string(RegimeDaemon.scCarrier)]), "receiver": .string(receiver),
            "plannedPickup": .string(pickup), "method": "R4", "basis": basis, "lines": .array([RegimeDaemon.line(grams: grams)]),
        ]
        if let customId { body["customId"] = .string(customId) }
        return JSONValue.object(["type": "manifest.filed", "actor": .string(generator), "body": .object(body)]).canonicalString
    }

    func treeSize(_ d: RegimeDaemon) throws -> Int64 {
        try #require(try d.request("GET", "/healthz").json?["treeSize"]?.intValue)
    }

    @Test("sign, then submit --server --signed appends each line; the same file again reports every line accepted-before and appends nothing")
    func signPostAndRetry() throws {
        let d = try RegimeDaemon()
        let url = "http://127.0.0.1:\(d.port)"
        let key = Self.keyFile(d, RegimeDaemon.gen)
        let events = d.dir.write("events.jsonl", [
            Self.filed(RegimeDaemon.gen, receiver: RegimeDaemon.scRecv, basis: ["intraProvince": true]),
            Self.filed(RegimeDaemon.gen, receiver: RegimeDaemon.scRecv, basis: ["intraProvince": true], grams: 2_000_000),
        ].joined(separator: "\n") + "\n")
        let signed = try Run.hwledger(["sign", "--key", key, events])
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(signed.stdoutLines.count == 2)
        let signedFile = d.dir.write("signed.jsonl", signed.stdout)

        let first = try Run.hwledger(["submit", "--server", url, "--signed", signedFile])
        #expect(first.status == 0, "\(first.stderr)")
        let results = first.stdoutLines.compactMap { try? CanonicalJSON.decode($0) }
        #expect(results.count == 2)
        #expect(results.allSatisfy { $0["index"]?.intValue != nil && $0["assigned"]?["manifestNo"]?.stringValue?.count == 14 })
        let size = try treeSize(d)

        let second = try Run.hwledger(["submit", "--signed", signedFile], environment: ["HWLEDGER_SERVER": url])
        #expect(second.status == 0, "\(second.stderr)")
        let again = second.stdoutLines.compactMap { try? CanonicalJSON.decode($0) }
        #expect(again.count == 2)
        for (a, b) in zip(results, again) {
            #expect(b["acceptedBefore"] == .bool(true))
            #expect(b["index"] == a["index"] && b["leafHash"] == a["leafHash"] && b["assigned"] == a["assigned"])
        }
        #expect(try treeSize(d) == size)
    }

    @Test("submit --server prints the local submit's per-line results and exit code; a reused customId is R-DUPLICATE naming the 联单编号", .enabled(if: TestDatabase.isSQLite, "edits or copies the SQLite file itself"))
    func submitServerAndCustomId() throws {
        let d = try RegimeDaemon()
        let url = "http://127.0.0.1:\(d.port)"
        let key = Self.keyFile(d, RegimeDaemon.gen)
        let first = d.dir.write("a.jsonl", Self.filed(RegimeDaemon.gen, receiver: RegimeDaemon.scRecv, basis: ["intraProvince": true], customId: "ERP-0001") + "\n")
        let ok = try Run.hwledger(["submit", "--server", url, "--key", key, first])
        #expect(ok.status == 0, "\(ok.stderr)")
        let okLine = try #require(ok.stdoutLines.first)
        let no = try #require(try CanonicalJSON.decode(okLine)["assigned"]?["manifestNo"]?.stringValue)

        // The same business content again (a fresh nonce): refused, and the line says which manifest holds the id.
        let input = Self.filed(RegimeDaemon.gen, receiver: RegimeDaemon.scRecv, basis: ["intraProvince": true], customId: "ERP-0001") + "\n"
            + "{\"type\":\"manifest.filed\",\"actor\":\"\(RegimeDaemon.gen)\",\"body\":{}}\n"
        let remote = try Run.hwledger(["submit", "--server", url, "--key", key, "--signed-out", d.dir.path("stdin.signed.jsonl"), "-"], stdin: input)
        #expect(remote.status == 2)
        let lines = remote.stdoutLines.compactMap { try? CanonicalJSON.decode($0) }
        #expect(lines.count == 2)
        #expect(lines[0]["line"]?.intValue == 1 && lines[0]["error"]?["rule"]?.stringValue == "R-DUPLICATE")
        #expect(lines[0]["error"]?["message"]?.stringValue?.contains(no) == true)
        #expect(lines[1]["line"]?.intValue == 2 && lines[1]["error"]?["rule"]?.stringValue == "R-SCHEMA")

        // The local submit on a copy of the same ledger prints the same lines.
        let copy = d.dir.path("copy.sqlite")
        _ = try Run.executable("/usr/bin/sqlite3", [d.dbPath, ".backup '\(copy)'"])
        let local = try Run.hwledger(["submit", "--db", copy, "--operator-key", d.operatorKeyPath, "--key", key, "-"], stdin: input)
        #expect(local.status == 2)
        #expect(local.stdout == remote.stdout)
    }

    @Test("check of a manifest that breaks four independent rules lists all four, the first being submit's, locally and on the server; nothing is appended")
    func checkListsEveryIndependentRule() throws {
        let d = try RegimeDaemon()
        let url = "http://127.0.0.1:\(d.port)"
        let key = Self.keyFile(d, RegimeDaemon.gen)
        // On approval N-X (10 t approved, all filed by X, valid to 2025-12-31): a pickup in 2027 is outside the
        // approval, the receiver's permit and the carrier's permit, and 5 t exceed the 0 t left.
        var event = try CanonicalJSON.decode(Self.filed(RegimeDaemon.gen, receiver: RegimeDaemon.cqRecv, basis: ["approval": "N-X"],
            pickup: "2027-01-15", grams: 5_000_000))
        if case .object(var o) = event, case .object(var body)? = o["body"] {
            body["carriers"] = .array([.string(RegimeDaemon.cqCarrier)])
            o["body"] = .object(body)
            event = .object(o)
        }
        let file = d.dir.write("bad.jsonl", event.canonicalString + "\n")
        let size = try treeSize(d)
        let remote = try Run.hwledger(["check", "--server", url, "--key", key, file])
        #expect(remote.status == 2, "\(remote.stderr)")
        let answer = try CanonicalJSON.decode(try #require(remote.stdoutLines.first))
        let rules = answer["errors"]?.arrayValue?.compactMap { $0["rule"]?.stringValue } ?? []
        #expect(answer["ok"] == .bool(false))
        #expect(rules == ["R-APPROVAL-EXPIRED", "R-APPROVAL-QUOTA", "R-PERMIT", "R-CARRIER-PERMIT"])
        #expect(try treeSize(d) == size)

        let local = try Run.hwledger(["check", "--db", d.dbPath, "--key", key, file])
        #expect(local.status == 2)
        #expect(local.stdout == remote.stdout)

        let submitted = try Run.hwledger(["submit", "--server", url, "--key", key, file])
        #expect(try CanonicalJSON.decode(try #require(submitted.stdoutLines.first))["error"]?["rule"]?.stringValue == rules.first)

        let good = d.dir.write("good.jsonl", Self.filed(RegimeDaemon.gen, receiver: RegimeDaemon.scRecv, basis: ["intraProvince": true]) + "\n")
        let fine = try Run.hwledger(["check", "--server", url, "--key", key, good])
        #expect(fine.status == 0, "\(fine.stderr)")
        #expect(fine.stdout == "{\"errors\":[],\"line\":1,\"ok\":true}\n")
        #expect(try treeSize(d) == size)
    }

    @Test("a down server, a 5xx, a timeout, a URL typo, TLS to a plain server, --db with --server, a foreign or revoked key: one clear line and a documented exit code")
    func failuresAreOneLine() throws {
        let d = try RegimeDaemon()
        let url = "http://127.0.0.1:\(d.port)"
        let key = Self.keyFile(d, RegimeDaemon.gen)
        let events = d.dir.write("e.jsonl", Self.filed(RegimeDaemon.gen, receiver: RegimeDaemon.scRecv, basis: ["intraProvince": true]) + "\n")

        func expectOneLine(_ r: ProcessResult, _ status: Int32, _ id: String, _ fragment: String) {
            #expect(r.status == status, "\(r.stderr)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.first?.hasPrefix("error[\(id)]: ") == true, "\(r.stderr)")
            #expect(r.stderr.contains(fragment), "\(r.stderr)")
            #expect(!r.stderr.contains("Fatal error") && r.stdout.isEmpty)
        }
        // A port nobody listens on.
        let closed = try WireListener()
        let closedPort = closed.port
        closed.close()
        expectOneLine(try Run.hwledger(["submit", "--server", "http://127.0.0.1:\(closedPort)", "--key", key, events]), 66, "IO", "connection refused")
        // A listener that accepts and never answers.
        let silent = try WireListener()
        expectOneLine(
            try Run.hwledger(["check", "--server", "http://127.0.0.1:\(silent.port)", "--timeout", "1", "--key", key, events]), 66, "IO",
            "did not answer within 1 s")
        expectOneLine(
            try Run.hwledger(["manifest", "list", "--server", "http://127.0.0.1:\(silent.port)", "--timeout", "1", "--key", key]), 66, "IO",
            "did not answer within 1 s")
        silent.close()
        // A server that fails with 503 (it writes its port to a file once it listens).
        let portFile = d.dir.path("port")
        let failing = try Process.startPiped(URL(fileURLWithPath: "/usr/bin/python3"), arguments: ["-c", Self.failingServer, portFile])
        defer {
            kill(failing.processIdentifier, SIGKILL)
            failing.waitUntilExit()
        }
        var failingPort = ""
        for _ in 0..<100 where failingPort.isEmpty {
            failingPort = (try? String(contentsOfFile: portFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if failingPort.isEmpty { Thread.sleep(forTimeInterval: 0.05) }
        }
        expectOneLine(try Run.hwledger(["submit", "--server", "http://127.0.0.1:\(failingPort)", "--key", key, events]), 66, "IO", "HTTP 503")
        expectOneLine(try Run.hwledger(["approval", "list", "--server", "http://127.0.0.1:\(failingPort)", "--key", key]), 66, "IO", "HTTP 503")
        // Typos.
        expectOneLine(try Run.hwledger(["submit", "--server", "htp://127.0.0.1:\(d.port)", "--key", key, events]), 64, "USAGE", "not a server URL")
        expectOneLine(try Run.hwledger(["submit", "--server", "https://127.0.0.1:\(d.port)", "--key", key, events]), 66, "IO", "TLS")
        expectOneLine(try Run.hwledger(["manifest", "list", "--server", "https://127.0.0.1:\(d.port)", "--key", key]), 66, "IO", "TLS")
        expectOneLine(try Run.hwledger(["manifest", "list", "--server", "htp://127.0.0.1:\(d.port)", "--key", key]), 64, "USAGE", "not a server URL")
        expectOneLine(try Run.hwledger(["submit", "--server", url, "--db", d.dbPath, "--key", key, events]), 64, "USAGE", "--server and --db")
        // A key of another principal: sign refuses, the server answers R-SIG for the line.
        let other = Self.keyFile(d, RegimeDaemon.gen2)
        expectOneLine(try Run.hwledger(["sign", "--key", other, events]), 65, "MALFORMED", "belongs to \(RegimeDaemon.gen2)")
        let foreign = try Run.hwledger(["submit", "--server", url, "--key", other, events])
        #expect(foreign.status == 2)
        #expect(try CanonicalJSON.decode(try #require(foreign.stdoutLines.first))["error"]?["rule"]?.stringValue == "R-SIG")
        // A revoked key.
        let revocation = JSONValue.object([
            "type": "key.revoked", "actor": .string(RegimeDaemon.sc),
            "body": .object(["principal": .string(RegimeDaemon.gen), "keyId": .string(RegimeDaemon.key(RegimeDaemon.gen).verifier.keyIDHex)]),
        ])
        let revoke = try Run.hwledger(
            ["submit", "--server", url, "--key", Self.keyFile(d, RegimeDaemon.sc), "--signed-out", d.dir.path("revoke.signed.jsonl"), "-"],
            stdin: revocation.canonicalString + "\n")
        #expect(revoke.status == 0, "\(revoke.stdout)\(revoke.stderr)")
        let revoked = try Run.hwledger(["submit", "--server", url, "--key", key, events])
        #expect(revoked.status == 2)
        let message = try CanonicalJSON.decode(try #require(revoked.stdoutLines.first))["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("revoked"), "\(message)")
        expectOneLine(try Run.hwledger(["manifest", "list", "--server", url, "--key", key]), 2, "R-SIG", "is not an active key")
    }

    /// A one-request-at-a-time HTTP server that answers 503 to everything; prints its port.
    static let failingServer = """
        import http.server, sys
        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get('Content-Length', 0)))
                self.do_GET()
            def do_GET(self):
                body = b'{"error":{"rule":"UNAVAILABLE","message":"the ledger is shutting down"}}'
                self.send_response(503); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
            def log_message(self, *a): pass
        s = http.server.HTTPServer(('127.0.0.1', 0), H)
        open(sys.argv[1] + '.tmp', 'w').write(str(s.server_address[1]))
        import os; os.rename(sys.argv[1] + '.tmp', sys.argv[1])
        s.serve_forever()
        """

    @Test("a decimal grams is refused by sign, check, submit (local and --server) and the API's 400, naming the field and doing the arithmetic; nothing is appended")
    func decimalGramsHint() throws {
        let d = try RegimeDaemon()
        let url = "http://127.0.0.1:\(d.port)"
        let key = Self.keyFile(d, RegimeDaemon.gen)
        let line = Self.filed(RegimeDaemon.gen, receiver: RegimeDaemon.scRecv, basis: ["intraProvince": true])
            .replacingOccurrences(of: "\"grams\":1000000", with: "\"grams\":8.6")
        #expect(line.contains("\"grams\":8.6"))
        let file = d.dir.write("decimal.jsonl", line + "\n")
        let size = try treeSize(d)
        let hint = "body.lines[0].grams is 8.6: grams are integers: 8.6 t = 8600000 g"
        for args in [["sign", "--key", key, file], ["check", "--db", d.dbPath, "--key", key, file], ["check", "--server", url, "--key", key, file],
            ["submit", "--server", url, "--key", key, file]]
        {
            let r = try Run.hwledger(args)
            #expect(r.status == 65 && r.stdout.isEmpty, "\(args[0]): \(r.status) \(r.stdout) \(r.stderr)")
            #expect(r.stderr.hasPrefix("error[MALFORMED]: line 1 of \(file): \(hint) (numbers must be integers (no fraction or exponent) at byte "),
                "\(args[0]): \(r.stderr)")
        }
        // The API: the same sentence under the wrapper's path, 400 MALFORMED, for a submission and a dry run.
        let signedLine = try #require(try Run.hwledger(["sign", "--key", key, "-"], stdin: Self.filed(RegimeDaemon.gen, receiver: RegimeDaemon.scRecv,
            basis: ["intraProvince": true]) + "\n").stdoutLines.first)
        let body = Array(signedLine.replacingOccurrences(of: "\"grams\":1000000", with: "\"grams\":8.6").utf8)
        for path in ["/v1/submissions", "/v1/checks"] {
            let r = try WireConnection(port: d.port).request("POST", path, headers: [("Content-Type", "application/json")], body: body)
            #expect(r.status == 400 && r.json?["error"]?["rule"]?.stringValue == "MALFORMED", "\(path): \(r.status) \(r.text)")
            let message = r.json?["error"]?["message"]?.stringValue ?? ""
            #expect(message.contains("submission.body.lines[0].grams is 8.6: grams are integers: 8.6 t = 8600000 g"), "\(path): \(message)")
        }
        #expect(try treeSize(d) == size)

        // check's error objects come from the one encoder: messageZh under --lang zh, as submit's.
        let bad = d.dir.write("bad.jsonl", Self.filed(RegimeDaemon.gen, receiver: RegimeDaemon.cqRecv, basis: ["approval": "N-NONE"]) + "\n")
        let zh = try Run.hwledger(["check", "--db", d.dbPath, "--key", key, bad, "--lang", "zh", "--json"])
        let en = try Run.hwledger(["check", "--db", d.dbPath, "--key", key, bad])
        #expect(zh.status == 2 && en.status == 2)
        let zhError = try CanonicalJSON.decode(try #require(zh.stdoutLines.first))["errors"]?.arrayValue?.first
        #expect(zhError?["messageZh"]?.stringValue?.isEmpty == false, "\(zh.stdout)")
        #expect(try CanonicalJSON.decode(try #require(en.stdoutLines.first))["errors"]?.arrayValue?.first?["messageZh"] == nil)
    }

    @Test("a signature made by sign verifies with Python's cryptography over hwledger/submission/v1 + the canonical submission")
    func signVerifiesIndependently() throws {
        let dir = TempDirectory()
        let key = TestKeys.key("91510100MA0000001L")
        let keyPath = dir.write("k.key", key.fileText)
        let event = try #require(EventCatalogue.template("manifest.filed")?.example)
        let signed = try Run.hwledger(["sign", "--key", keyPath, "-"], stdin: event.canonicalString + "\n")
        #expect(signed.status == 0, "\(signed.stderr)")
        let script = """
            import base64, json, sys
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
            vkey, line = sys.argv[1], sys.argv[2]
            pub = base64.b64decode(vkey.strip().split('+', 2)[2])[1:]
            doc = json.loads(line)
            msg = b'hwledger/submission/v1\\n' + json.dumps(doc['submission'], ensure_ascii=False, separators=(',', ':'), sort_keys=True).encode()
            Ed25519PublicKey.from_public_bytes(pub).verify(base64.b64decode(doc['sig']), msg)
            assert len(doc['submission']['nonce']) == 32
            print('ok')
            """
        let check = try Run.executable("/usr/bin/python3", ["-c", script, key.verifier.description, try #require(signed.stdoutLines.first)])
        #expect(check.status == 0 && check.stdout == "ok\n", "\(check.stderr)")
    }
}

extension Process {
    /// Starts `executable` detached from the test's output (a child that outlives a failed test must not hold the
    /// runner's pipes open).
    static func startPiped(_ executable: URL, arguments: [String]) throws -> Process {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }
}

/// A TCP socket listening on 127.0.0.1 that never accepts: connections complete in the backlog and are never
/// answered (a hung server); closed, its port refuses connections.
final class WireListener {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let size = length
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
        guard bound == 0, listen(fd, 8) == 0 else { throw TestFailure("cannot listen: errno \(errno)") }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    func close() { _ = Glibc.close(fd) }
}
