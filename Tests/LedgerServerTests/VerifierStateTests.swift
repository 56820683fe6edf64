import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing
import TransferLedger

/// `hwledgerd --verifier-state DIR`: the incremental verifier kept across restarts (docs/decisions/021).
@Suite("hwledgerd --verifier-state", .serialized)
struct VerifierStateTests {
    static func start(_ d: DaemonFixture, stateDir: String) throws -> DaemonProcess {
        try DaemonProcess(
            executable: Fixtures.executable("hwledgerd"),
            arguments: ["--db", d.dbPath, "--listen", "127.0.0.1:0", "--operator-key", d.operatorKeyPath, "--verify-interval", "1", "--verifier-state", stateDir],
            environment: ["HWLEDGER_REFERENCE": Fixtures.referenceDirectory])
    }

    static func health(_ daemon: DaemonProcess) throws -> WireResponse { try WireConnection(port: daemon.port).request("GET", "/healthz") }

    /// Waits for the daemon's verifier to pass over `size` entries.
    static func waitVerified(_ daemon: DaemonProcess, size: Int64) throws {
        try wait("the verifier covers \(size) entries") { try health(daemon).json?["verify"]?["size"]?.intValue == size }
    }

    @Test("a graceful stop saves the verified state and the next start resumes from it; the directory is locked while the daemon runs; after a kill there is no state and the next start verifies the whole log")
    func resumesAfterGracefulStop() throws {
        let d = try DaemonFixture()
        _ = d.daemon.stop()
        let stateDir = d.dir.path("verifier")
        let statePath = stateDir + "/state.json"

        var daemon = try Self.start(d, stateDir: stateDir)
        #expect(daemon.stderr.contains("no saved verifier state: verifying the whole log first"), "\(daemon.stderr)")
        #expect(try WireConnection(port: daemon.port).request(
            "POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: DaemonFixture.registration(serial: 8001).json.canonicalBytes).status == 201)
        let size = try d.store.read { try $0.treeSize() }
        try Self.waitVerified(daemon, size: Int64(size))
        #expect(!FileManager.default.fileExists(atPath: statePath), "no state on disk while the daemon runs")
        let busy = try Run.executable(Fixtures.executable("hwledger"), ["verify", "--db", d.dbPath, "--state", stateDir])
        #expect(busy.status == 66 && busy.stderr.contains("in use by another process"), "\(busy.status) \(busy.stderr)")
        #expect(daemon.stop() == 0)
        #expect(daemon.stderr.contains("verifier state saved"), "\(daemon.stderr)")
        let saved = try JSONDecoder().decode(VerifierState.self, from: Data(contentsOf: URL(fileURLWithPath: statePath)))
        #expect(saved.size == size, "the state covers every entry, the final checkpoint's included")

        daemon = try Self.start(d, stateDir: stateDir)
        #expect(daemon.stderr.contains("resuming verification from the saved state of \(size) entries"), "\(daemon.stderr)")
        #expect(!FileManager.default.fileExists(atPath: statePath), "the state is taken at start")
        #expect(try WireConnection(port: daemon.port).request(
            "POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: DaemonFixture.registration(serial: 8002).json.canonicalBytes).status == 201)
        try Self.waitVerified(daemon, size: Int64(size + 1))
        #expect(try Self.health(daemon).json?["status"]?.stringValue == "ok")

        daemon.signal(SIGKILL)
        _ = daemon.waitForExit()
        #expect(!FileManager.default.fileExists(atPath: statePath), "a killed daemon leaves no state")
        daemon = try Self.start(d, stateDir: stateDir)
        #expect(daemon.stderr.contains("no saved verifier state: verifying the whole log first"), "\(daemon.stderr)")
        try Self.waitVerified(daemon, size: Int64(size + 1))
        #expect(try Self.health(daemon).json?["status"]?.stringValue == "ok", "the projections of the killed run were thrown away, not replayed twice")
        #expect(daemon.stop() == 0)
    }

    @Test("a saved state of another log fails closed at start (writes 503, /healthz failing, check state) and is kept, so the next start fails too")
    func foreignStateFailsClosed() throws {
        let other = try DaemonFixture()
        _ = other.daemon.stop()
        let stateDir = other.dir.path("verifier")
        let seeded = try Run.executable(Fixtures.executable("hwledger"), ["verify", "--db", other.dbPath, "--state", stateDir])
        try #require(seeded.status == 0, "\(seeded.stderr)")

        let d = try DaemonFixture()
        _ = d.daemon.stop()
        // A longer log, so the other log's state names a prefix whose last entry differs.
        _ = try d.test.register(TestKeys.uscc(serial: 9))
        let daemon = try Self.start(d, stateDir: stateDir)
        try wait("/healthz turns failing") { try Self.health(daemon).status == 503 }
        let message = try Self.health(daemon).json?["reasons"]?.arrayValue?.first?["message"]?.stringValue ?? ""
        #expect(message.contains("check state failed"), "\(message)")
        #expect(try WireConnection(port: daemon.port).request(
            "POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: DaemonFixture.registration(serial: 8003).json.canonicalBytes).status == 503)
        #expect(daemon.stop() == 0)
        #expect(FileManager.default.fileExists(atPath: stateDir + "/state.json"), "the state that did not match is put back")
        let again = try Self.start(d, stateDir: stateDir)
        try wait("/healthz is failing again") { try Self.health(again).status == 503 }
        #expect(again.stop() == 0)
    }
}
