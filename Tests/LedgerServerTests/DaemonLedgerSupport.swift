import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import TransferLedger
import TransferRules

/// The outcome of `hwledger` run with a deadline (a hang is a failure, never a stuck test run).
struct DeadlineResult: Sendable {
    var status: Int32
    var signaled: Bool
    var timedOut: Bool
    var stdout: String
    var stderr: String
    var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
}

enum DeadlineRun {
    /// Runs `hwledger arguments`, killing it after `timeout` seconds. Output goes to files in `dir`.
    static func hwledger(_ arguments: [String], in dir: TempDirectory, timeout: TimeInterval = 60) throws -> DeadlineResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.executable("hwledger"))
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["HWLEDGER_REFERENCE"] = Fixtures.referenceDirectory
        process.environment = env
        let tag = UUID().uuidString
        let out = dir.path("run-\(tag).stdout")
        let err = dir.path("run-\(tag).stderr")
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(5_000) }
        var timedOut = false
        if process.isRunning {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        try? outHandle.close()
        try? errHandle.close()
        defer {
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(atPath: err)
        }
        return DeadlineResult(
            status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal, timedOut: timedOut,
            stdout: String(decoding: FileManager.default.contents(atPath: out) ?? Data(), as: UTF8.self),
            stderr: String(decoding: FileManager.default.contents(atPath: err) ?? Data(), as: UTF8.self))
    }
}

/// A ledger made with `hwledger init` (test genesis: both regulators), served by the real `hwledgerd` on demand.
/// Everything it reads back goes through the `hwledger` binary or HTTP, never through the test's own store.
final class DaemonLedger: @unchecked Sendable {
    let dir = TempDirectory()
    let db: String
    let operatorKeyPath: String

    init() throws {
        db = dir.path("ledger.sqlite")
        operatorKeyPath = dir.write("operator.key", TestKeys.operatorKey.fileText + "\n")
        let genesis = dir.write("genesis.json", TestKeys.genesisJSON().canonicalString)
        let r = try DeadlineRun.hwledger(["init", "--db", db, "--genesis", genesis, "--operator-key", operatorKeyPath], in: dir)
        guard r.status == 0 else { throw TestFailure("hwledger init exited \(r.status): \(r.stderr)") }
    }

    /// Starts `hwledgerd` on 127.0.0.1:0 over the database.
    func startDaemon() throws -> DaemonProcess {
        try DaemonProcess(
            executable: Fixtures.executable("hwledgerd"),
            arguments: ["--db", db, "--listen", "127.0.0.1:0", "--operator-key", operatorKeyPath, "--verify-interval", "1"],
            environment: ["HWLEDGER_REFERENCE": Fixtures.referenceDirectory])
    }

    /// `hwledger verify --db`.
    func verify() throws -> DeadlineResult { try DeadlineRun.hwledger(["verify", "--db", db], in: dir, timeout: 120) }

    /// The exact bytes of every entry, read with `hwledger entries`; throws on a gap or a reordered index.
    func entries() throws -> [[UInt8]] { try Self.entries(db: db, in: dir) }

    /// The exact bytes of every entry of the ledger `db` (a file or a PostgreSQL URL), read with `hwledger entries`;
    /// throws on a gap or a reordered index.
    static func entries(db: String, in dir: TempDirectory) throws -> [[UInt8]] {
        let r = try DeadlineRun.hwledger(["entries", "--db", db], in: dir, timeout: 120)
        guard r.status == 0, !r.timedOut else { throw TestFailure("entries exited \(r.status): \(r.stderr)") }
        var result: [[UInt8]] = []
        for line in r.stdoutLines {
            let value = try CanonicalJSON.decode(line)
            guard let index = value["index"]?.intValue, let data = value["data"]?.stringValue, let bytes = Data(base64Encoded: data) else {
                throw TestFailure("entries printed an odd line: \(line)")
            }
            guard index == Int64(result.count) else { throw TestFailure("entries printed index \(index) after \(result.count) lines (a gap)") }
            result.append(Array(bytes))
        }
        return result
    }

    /// The tree size of `hwledger checkpoint --db`.
    func cliCheckpointSize() throws -> Int? {
        let r = try DeadlineRun.hwledger(["checkpoint", "--db", db], in: dir)
        guard r.status == 0 else { return nil }
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.count > 1 ? Int(lines[1]) : nil
    }
}

/// Reads over HTTP against a running daemon.
enum DaemonProbe {
    /// `GET /healthz` (nil when the daemon does not answer).
    static func health(port: Int) -> WireResponse? {
        try? WireConnection(port: port, timeoutSeconds: 10).request("GET", "/healthz")
    }

    /// The daemon's signed checkpoint once it covers the whole log (tree size from /healthz), as (size, root hex).
    static func settledCheckpoint(port: Int, timeout: Double = 60) throws -> (size: UInt64, root: String) {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            // A daemon verifies the whole log at start-up before it signs; on a loaded machine that takes seconds.
            let health = try WireConnection(port: port, timeoutSeconds: 30).request("GET", "/healthz")
            let tree = health.json?["treeSize"]?.intValue ?? -1
            let response = try WireConnection(port: port, timeoutSeconds: 30).request("GET", "/checkpoint")
            let signed = try SignedCheckpoint(verifying: response.body, keys: [TestKeys.operatorKey.verifier])
            if Int64(signed.checkpoint.size) == tree { return (signed.checkpoint.size, signed.checkpoint.root.hex) }
            guard Date() < deadline else { throw TestFailure("checkpoint stayed at \(signed.checkpoint.size), tree size \(tree)") }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }
}
