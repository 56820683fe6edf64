import ArgumentParser
import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerSQLite
import Logging
import TransferLedger
import TransferRules

/// `hwledger-load`: a bounded loopback load test of `hwledgerd`'s `POST /v1/submissions`.
///
/// It starts the daemon on `127.0.0.1:0` against a new temporary ledger (or `--db` with `--key`), pre-signs
/// `enterprise.registered` submissions as a regulator, then for each client count runs that many threads, each
/// with one keep-alive connection, for `--seconds`, and prints submissions/s and p50/p99 latency next to the
/// target (2,000/s, p99 < 50 ms). Only loopback; at most 120 s per level.
@main
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hwledger-load", abstract: "Measure signed submissions/s and latency against a local hwledgerd.")

    @Option(help: "Client counts to run, comma-separated.") var clients = "8,64"
    @Option(help: "Seconds per client count (1–120).") var seconds: Double = 5
    @Option(help: "The hwledgerd executable (default: next to this one).") var daemon: String?
    @Option(help: "An existing ledger to load (default: a new temporary one). Needs --key.") var db: String?
    @Option(help: "With --db: a regulator's private key file (REG-510000) that signs the submissions.") var key: String?
    @Option(help: "With --db: the operator key file, if none was recorded at init.") var operatorKey: String?
    @Option(help: "Reference data directory (default: $HWLEDGER_REFERENCE or the package's fixtures/reference).") var reference: String?

    static let targetRate = 2000.0
    static let targetP99Milliseconds = 50.0

    func validate() throws {
        guard (1...120).contains(seconds) else { throw ValidationError("--seconds must lie between 1 and 120") }
        guard !levels.isEmpty, levels.allSatisfy({ (1...512).contains($0) }) else { throw ValidationError("--clients must list counts between 1 and 512") }
        guard (db == nil) == (key == nil) else { throw ValidationError("--db and --key go together") }
    }

    var levels: [Int] { clients.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func run() throws {
        let referenceDir = try reference ?? ProcessInfo.processInfo.environment["HWLEDGER_REFERENCE"] ?? Self.findReference()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("hwledger-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let (dbPath, signer, operatorKeyPath) = try prepareLedger(in: work, reference: referenceDir)
        let daemonPath = daemon ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("hwledgerd").path
        var args = ["--db", dbPath, "--listen", "127.0.0.1:0", "--log-level", "warning", "--verify-interval", "3600"]
        if let operatorKeyPath { args += ["--operator-key", operatorKeyPath] }
        let process = try DaemonProcess(executable: daemonPath, arguments: args, environment: ["HWLEDGER_REFERENCE": referenceDir])
        print("hwledgerd on 127.0.0.1:\(process.port) (\(daemonPath)), ledger \(dbPath)")
        print("target: ≥ \(Int(Self.targetRate)) submissions/s with p99 < \(Int(Self.targetP99Milliseconds)) ms")

        var serial = Int(Date().timeIntervalSince1970) % 100_000 * 1000
        for level in levels {
            let count = Int(seconds * 6000) + level * 10
            let bodies = Self.sign(count: count, from: serial, key: signer)
            serial += count
            let result = try Self.runLevel(port: process.port, clients: level, bodies: bodies, seconds: seconds)
            result.print(clients: level)
        }
        let status = process.stop()
        print("hwledgerd exited with status \(status.map(String.init) ?? "still running")")
    }

    /// A new ledger with fresh keys in `dir`, or the one given by flags.
    func prepareLedger(in dir: URL, reference: String) throws -> (String, SigningKey, String?) {
        if let db, let key {
            let signer = try SigningKey(parsing: String(decoding: FileManager.default.contents(atPath: key) ?? Data(), as: UTF8.self))
            return (db, signer, operatorKey)
        }
        let origin = "hwledger-load.local/sc-cq"
        let op = try SigningKey(generatingFor: origin)
        let sc = try SigningKey(generatingFor: "REG-510000")
        let cq = try SigningKey(generatingFor: "REG-500000")
        let keyPath = dir.appendingPathComponent("operator.key").path
        _ = FileManager.default.createFile(atPath: keyPath, contents: Data(op.fileText.utf8), attributes: [.posixPermissions: 0o600])
        let dbPath = dir.appendingPathComponent("ledger.sqlite").path
        let store = try SQLiteLedgerStore(path: dbPath, create: true)
        let ledger = TransferLedger(
            store: store, reference: try ReferenceData.load(directory: reference), clock: TransferLedger.systemClock,
            logger: Logger(label: "hwledger-load"))
        let genesis = try Genesis(json: .object([
            "origin": .string(origin),
            "regulators": .array([
                .object(["id": "REG-510000", "name": "四川省生态环境厅", "province": "510000", "key": .string(sc.verifier.description)]),
                .object(["id": "REG-500000", "name": "重庆市生态环境局", "province": "500000", "key": .string(cq.verifier.description)]),
            ]),
            "policy": .object([:]),
        ]))
        try ledger.initialise(genesis: genesis, operatorKey: op, operatorKeyPath: keyPath)
        return (dbPath, sc, nil)
    }

    /// Request bodies `{"submission","sig"}` registering distinct enterprises, signed in parallel.
    static func sign(count: Int, from serial: Int, key: SigningKey) -> [[UInt8]] {
        var bodies = [[UInt8]](repeating: [], count: count)
        let now = TransferLedger.systemClock()
        bodies.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            DispatchQueue.concurrentPerform(iterations: count) { i in
                let uscc = USCC.complete("91510100" + String(format: "%09d", serial + i))!
                let event = UnsignedEvent(type: "enterprise.registered", actor: key.name, body: [
                    "uscc": .string(uscc), "name": "负载测试企业", "division": "510100", "roles": ["generator"],
                ])
                out[i] = event.signed(with: key, at: now, nonce: randomNonce()).json.canonicalBytes
            }
        }
        return bodies
    }

    struct LevelResult {
        var accepted: Int
        var failed: Int
        var elapsed: Double
        var latencies: [Double]

        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return .nan }
            return latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }

        func print(clients: Int) {
            let rate = Double(accepted) / elapsed
            let p50 = percentile(0.5) * 1000, p99 = percentile(0.99) * 1000
            Swift.print(String(
                format: "clients %3d: %6d accepted, %d failed in %.2f s = %7.0f submissions/s (%.2f× target); p50 %.2f ms, p99 %.2f ms (%.2f× the 50 ms budget)",
                clients, accepted, failed, elapsed, rate, rate / LoadCommand.targetRate, p50, p99, p99 / LoadCommand.targetP99Milliseconds))
        }
    }

    /// `clients` threads, each POSTing bodies in turn on one connection until `seconds` pass or bodies run out.
    static func runLevel(port: Int, clients: Int, bodies: [[UInt8]], seconds: Double) throws -> LevelResult {
        final class Shared: @unchecked Sendable {
            let lock = NSLock()
            var next = 0
            var latencies: [Double] = []
            var accepted = 0
            var failed = 0
        }
        let shared = Shared()
        let group = DispatchGroup()
        let start = Date()
        let deadline = start.addingTimeInterval(seconds)
        for _ in 0..<clients {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                var local: [Double] = []
                var ok = 0, bad = 0
                if let connection = try? WireConnection(port: port) {
                    while Date() < deadline {
                        let i: Int? = shared.lock.withLock {
                            guard shared.next < bodies.count else { return nil }
                            defer { shared.next += 1 }
                            return shared.next
                        }
                        guard let i else { break }
                        let t0 = DispatchTime.now().uptimeNanoseconds
                        let response = try? connection.request(
                            "POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: bodies[i])
                        local.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
                        if response?.status == 201 { ok += 1 } else { bad += 1 }
                        if response == nil { break }
                    }
                } else {
                    bad += 1
                }
                shared.lock.withLock {
                    shared.latencies += local
                    shared.accepted += ok
                    shared.failed += bad
                }
            }
        }
        group.wait()
        let elapsed = Date().timeIntervalSince(start)
        return LevelResult(accepted: shared.accepted, failed: shared.failed, elapsed: elapsed, latencies: shared.latencies.sorted())
    }

    static func findReference() throws -> String {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = url.appendingPathComponent("fixtures/reference")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            url.deleteLastPathComponent()
        }
        throw ValidationError("no reference data found: pass --reference DIR or set HWLEDGER_REFERENCE")
    }
}
