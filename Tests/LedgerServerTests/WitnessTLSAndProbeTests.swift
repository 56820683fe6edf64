import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing
import TransferRules

/// hwledgerd's witness client over real HTTP (issue 23): witnesses behind TLS with a CA given by `--witness-ca`, the
/// probe that shows a dead witness with nothing filed, and the outage log lines.
@Suite("hwledgerd and witnesses over TLS; probes and outage logs", .serialized)
struct WitnessTLSAndProbeTests {
    typealias W = WitnessedDaemonTests

    /// The `witnesses[]` entry of /healthz for `label`.
    static func witness(_ health: JSONValue?, _ label: String) -> JSONValue? {
        guard case .array(let ws)? = health?["witnesses"] else { return nil }
        return ws.first { $0["label"]?.stringValue == label }
    }

    static func codes(_ health: JSONValue?) -> [String] {
        guard case .array(let reasons)? = health?["reasons"] else { return [] }
        return reasons.compactMap { $0["code"]?.stringValue }
    }

    /// The round-trip milliseconds of each add-checkpoint request in a debug log (`witness answered … ms=N`).
    static func roundTrips(_ log: String, witness label: String) -> [Int] {
        log.split(separator: "\n").filter { $0.contains("witness answered") && $0.contains("witness=\(label)") }.compactMap { line in
            guard let r = line.range(of: "ms=") else { return nil }
            return Int(line[r.upperBound...].prefix { $0.isNumber })
        }
    }

    static func median(_ xs: [Int]) -> Int { xs.isEmpty ? -1 : xs.sorted()[xs.count / 2] }

    @Test("witnesses behind TLS (one on 127.0.0.1, one on [::1]) with a test CA given by --witness-ca: the quorum is reached and /checkpoint carries both cosignatures, which verify")
    func quorumOverTLS() throws {
        let ca = try TestCertificateAuthority()
        let sc = try WitnessFixture(key: WitnessFixture.sichuan, tls: ca.issue("sichuan", names: ["IP:127.0.0.1", "DNS:localhost"]))
        let cq = try WitnessFixture(key: WitnessFixture.chongqing, host: "::1", tls: ca.issue("chongqing", names: ["IP:::1"]))
        #expect(sc.url().hasPrefix("https://127.0.0.1:") && cq.url().hasPrefix("https://[::1]:"))
        let d = try DaemonFixture(extraArguments: [
            "--witness", sc.daemonArgument(label: "sichuan"), "--witness", cq.daemonArgument(label: "chongqing"),
            "--witness-quorum", "2", "--witness-ca", ca.certificatePath, "--checkpoint-interval", "0.05", "--log-level", "debug",
        ])
        _ = try W.published(d, atLeast: 3)
        for n in 0..<20 { #expect(try d.post(DaemonFixture.registration(serial: 50_000 + n).json).status == 201) }
        let cp = try W.published(d, atLeast: 23)
        #expect(try W.policy.requireQuorum(on: cp.note).count == 2)
        let health = try d.request("GET", "/healthz").json
        #expect(health?["status"]?.stringValue == "ok", "\(String(describing: health))")
        for label in ["sichuan", "chongqing"] {
            let w = Self.witness(health, label)
            #expect(w?["state"]?.stringValue == "ok")
            #expect(w?["lastError"] == .null)
            #expect(w?["cosignedSize"]?.intValue ?? 0 >= 23)
        }
        let trips = Self.roundTrips(d.daemon.stderr, witness: "sichuan") + Self.roundTrips(d.daemon.stderr, witness: "chongqing")
        print("cosign round trip over TLS: median \(Self.median(trips)) ms, max \(trips.max() ?? -1) ms over \(trips.count) requests")
        #expect(!trips.isEmpty)
    }

    @Test("cosigning round trips over plain HTTP, for comparison with TLS (measured, printed)")
    func plainRoundTrips() throws {
        let sc = try WitnessFixture(key: WitnessFixture.sichuan)
        let cq = try WitnessFixture(key: WitnessFixture.chongqing)
        let d = try DaemonFixture(extraArguments: [
            "--witness", sc.daemonArgument(label: "sichuan"), "--witness", cq.daemonArgument(label: "chongqing"),
            "--witness-quorum", "2", "--checkpoint-interval", "0.05", "--log-level", "debug",
        ])
        _ = try W.published(d, atLeast: 3)
        for n in 0..<20 { #expect(try d.post(DaemonFixture.registration(serial: 51_000 + n).json).status == 201) }
        _ = try W.published(d, atLeast: 23)
        let trips = Self.roundTrips(d.daemon.stderr, witness: "sichuan") + Self.roundTrips(d.daemon.stderr, witness: "chongqing")
        print("cosign round trip over plain HTTP: median \(Self.median(trips)) ms, max \(trips.max() ?? -1) ms over \(trips.count) requests")
        #expect(!trips.isEmpty)
    }

    @Test("a witness whose certificate comes from a CA not trusted, or names another host, is refused: /healthz witnesses[].lastError says which, the state is unreachable, the status degraded")
    func wrongCertificates() throws {
        let ca = try TestCertificateAuthority()
        let stranger = try TestCertificateAuthority(name: "some other CA")
        let untrusted = try WitnessFixture(key: WitnessFixture.sichuan, tls: stranger.issue("sichuan", names: ["IP:127.0.0.1"]))
        let otherHost = try WitnessFixture(key: WitnessFixture.chongqing, tls: ca.issue("chongqing", names: ["DNS:witness.example.org"]))
        let d = try DaemonFixture(extraArguments: [
            "--witness", untrusted.daemonArgument(label: "sichuan"), "--witness", otherHost.daemonArgument(label: "chongqing"),
            "--witness-quorum", "2", "--witness-ca", ca.certificatePath, "--checkpoint-interval", "0.05",
        ])
        let health = try W.wait("both witnesses refused", timeout: 20) { () -> JSONValue? in
            let h = try d.request("GET", "/healthz").json
            return Self.witness(h, "sichuan")?["lastError"] != .null && Self.witness(h, "chongqing")?["lastError"] != .null ? h : nil
        }
        let sc = Self.witness(health, "sichuan"), cq = Self.witness(health, "chongqing")
        print("untrusted CA: \(sc?["lastError"]?.stringValue ?? "-")\nanother host: \(cq?["lastError"]?.stringValue ?? "-")")
        #expect(sc?["state"]?.stringValue == "unreachable")
        #expect(sc?["lastError"]?.stringValue?.contains("not signed by a trusted CA") == true, "\(String(describing: sc))")
        #expect(cq?["state"]?.stringValue == "unreachable")
        #expect(cq?["lastError"]?.stringValue?.contains("not valid for that host name") == true, "\(String(describing: cq))")
        #expect(sc?["lastErrorSince"]?.stringValue.flatMap(UTCInstant.init) != nil)
        #expect(health["status"]?.stringValue == "degraded")
        let codes = Self.codes(health)
        #expect(codes.filter { $0 == "witness-unavailable" }.count == 2)
        #expect(codes.contains("witness-quorum"))
        guard case .array(let reasons)? = health["reasons"],
            let reason = reasons.first(where: { $0["code"]?.stringValue == "witness-unavailable" })
        else { Issue.record("no witness-unavailable reason"); return }
        #expect(reason["messageZh"]?.stringValue?.contains("无法连接") == true)
        #expect(reason["actionZh"]?.stringValue?.isEmpty == false)
        #expect(try d.request("GET", "/checkpoint").status == 503)
        // Logged once each, however often it is retried.
        Thread.sleep(forTimeInterval: 2)
        let lines = d.daemon.stderr.split(separator: "\n")
        #expect(lines.filter { $0.contains("witness sichuan unreachable: TLS") }.count == 1, "\(d.daemon.stderr)")
        #expect(lines.filter { $0.contains("witness chongqing unreachable: TLS") }.count == 1)
    }

    @Test("hwledgerd refuses at start a --witness-ca that holds no PEM certificate and a --witness URL that is not http or https (exit 64)")
    func badWitnessOptions() throws {
        let dir = TempDirectory()
        let notPEM = dir.write("ca.pem", "not a certificate\n")
        let key = WitnessFixture.sichuan.verifier
        let cases: [([String], String)] = [
            (["--witness", "sichuan=https://127.0.0.1:8421=\(key)", "--witness-ca", notPEM], "--witness-ca"),
            (["--witness", "sichuan=https://127.0.0.1:8421=\(key)", "--witness-ca", dir.path("missing.pem")], "--witness-ca"),
            (["--witness", "sichuan=ftp://127.0.0.1:8421=\(key)"], "http[s]://HOST[:PORT][/prefix]"),
        ]
        for (arguments, mention) in cases {
            let r = try Run.executable(Fixtures.executable("hwledgerd"), ["--db", dir.path("none.sqlite")] + arguments)
            #expect(r.status == 64, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains(mention), "\(r.stderr)")
        }
    }

    @Test("one of two witnesses killed: /healthz is degraded with witness-unavailable within one probe interval, also right after a daemon restart with nothing filed; ok again once it returns; the log says unreachable once, at most one summary, recovered once")
    func deadWitnessProbed() throws {
        let probe = 1.0
        let sc = try WitnessFixture(key: WitnessFixture.sichuan)
        let cq = try WitnessFixture(key: WitnessFixture.chongqing)
        let extra = [
            "--witness", sc.daemonArgument(label: "sichuan"), "--witness", cq.daemonArgument(label: "chongqing"),
            "--witness-quorum", "2", "--checkpoint-interval", "0.05", "--witness-probe-interval", "\(probe)",
            "--witness-log-summary-interval", "3",
        ]
        let d = try DaemonFixture(extraArguments: extra)
        _ = try W.published(d, atLeast: 3)
        _ = try W.wait("ok") { try d.request("GET", "/healthz").json?["status"]?.stringValue == "ok" ? true : nil }

        func degraded(_ port: Int) throws -> JSONValue? {
            let h = try WireConnection(port: port).request("GET", "/healthz").json
            guard h?["status"]?.stringValue == "degraded", Self.witness(h, "chongqing")?["state"]?.stringValue == "unreachable" else { return nil }
            return h
        }
        cq.kill()
        var start = Date()
        let seen = try W.wait("chongqing unreachable", timeout: 10) { try degraded(d.port) }
        let detected = Date().timeIntervalSince(start)
        print("dead witness shown after \(String(format: "%.2f", detected)) s (probe interval \(probe) s)")
        #expect(detected <= probe + 1)
        #expect(Self.codes(seen).contains("witness-unavailable"))
        #expect(Self.codes(seen).contains("witness-quorum"))
        #expect(Self.witness(seen, "sichuan")?["state"]?.stringValue == "ok")

        // Restarted with nothing filed: the probe at start finds it dead.
        #expect(d.daemon.stop(timeout: 10) == 0)
        let first = d.daemon.stderr.split(separator: "\n")
        #expect(first.filter { $0.contains("witness chongqing unreachable:") }.count == 1, "\(d.daemon.stderr)")
        start = Date()
        let again = try DaemonProcess(
            executable: Fixtures.executable("hwledgerd"),
            arguments: ["--db", d.dbPath, "--listen", "127.0.0.1:0", "--operator-key", d.operatorKeyPath, "--verify-interval", "1"] + extra,
            environment: ["HWLEDGER_REFERENCE": Fixtures.referenceDirectory])
        defer { _ = again.stop(timeout: 10) }
        let restarted = try W.wait("chongqing unreachable after the restart", timeout: 10) { try degraded(again.port) }
        let afterStart = Date().timeIntervalSince(start)
        print("dead witness shown \(String(format: "%.2f", afterStart)) s after the restart began")
        #expect(afterStart <= probe + 5)
        #expect(Self.witness(restarted, "chongqing")?["lastErrorSince"] != .null)

        // Long enough for one summary (3 s), not two.
        Thread.sleep(forTimeInterval: 4)
        try cq.restart(samePort: true)
        start = Date()
        _ = try W.wait("ok again", timeout: 10) { () -> Bool? in
            let h = try WireConnection(port: again.port).request("GET", "/healthz").json
            return h?["status"]?.stringValue == "ok" && Self.witness(h, "chongqing")?["state"]?.stringValue == "ok" ? true : nil
        }
        print("recovered witness shown after \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
        #expect(Date().timeIntervalSince(start) <= probe + 2)
        Thread.sleep(forTimeInterval: 0.5)
        let lines = again.stderr.split(separator: "\n").filter { $0.contains("witness chongqing") }
        print(lines.joined(separator: "\n"))
        #expect(lines.filter { $0.contains("witness chongqing unreachable: ") }.count == 1)
        #expect(lines.filter { $0.contains("witness chongqing unreachable for ") }.count <= 1)
        #expect(lines.filter { $0.contains("witness chongqing recovered after ") }.count == 1)
        // Nothing per attempt at the default level: the outage's lines are those three at most.
        #expect(lines.count <= 3)
        #expect(!again.stderr.contains("witness sichuan unreachable"))
    }
}
