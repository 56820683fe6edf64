import ArgumentParser
import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerPostgres
import LedgerSQLite
import LedgerStores
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
    @Option(help: "A PostgreSQL server, postgres://USER@HOST[:PORT]/DB, to put the new temporary ledger in: a fresh database, dropped at the end (default: a SQLite file).") var postgres: String?
    @Option(help: "With --db: a regulator's private key file (REG-510000) that signs the submissions.") var key: String?
    @Option(help: "With --db: the operator key file, if none was recorded at init.") var operatorKey: String?
    @Option(help: "Reference data directory (default: $HWLEDGER_REFERENCE or the package's fixtures/reference).") var reference: String?
    @Option(help: "Start this many local witnesses (hwledger witness serve) and require all their cosignatures; also measures cosigned checkpoints/s and the latency from a 201 to a receipt with the quorum.") var witnesses = 0
    @Option(name: .customLong("checkpoint-interval"), help: "The daemon's --checkpoint-interval in seconds.") var checkpointInterval = 1.0
    @Option(help: "With --witnesses: submissions whose 201-to-witnessed-receipt latency is measured one at a time.") var receiptSamples = 50

    static let origin = "hwledger-load.local/sc-cq"
    static let targetRate = 2000.0
    static let targetP99Milliseconds = 50.0

    func validate() throws {
        guard (1...120).contains(seconds) else { throw ValidationError("--seconds must lie between 1 and 120") }
        guard !levels.isEmpty, levels.allSatisfy({ (1...512).contains($0) }) else { throw ValidationError("--clients must list counts between 1 and 512") }
        guard (db == nil) == (key == nil) else { throw ValidationError("--db and --key go together") }
        guard (0...8).contains(witnesses) else { throw ValidationError("--witnesses must lie between 0 and 8") }
        guard postgres == nil || db == nil else { throw ValidationError("--postgres makes a new ledger; with --db give the existing one's URL") }
        if let postgres {
            do { _ = try PostgresLocation(url: postgres) } catch { throw ValidationError("--postgres: \(error)") }
        }
        guard witnesses == 0 || db == nil else { throw ValidationError("--witnesses needs a new temporary ledger (no --db)") }
        guard checkpointInterval > 0, checkpointInterval <= 60 else { throw ValidationError("--checkpoint-interval must lie in (0, 60]") }
        guard (1...10_000).contains(receiptSamples) else { throw ValidationError("--receipt-samples must lie between 1 and 10000") }
    }

    var levels: [Int] { clients.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func run() throws {
        let referenceDir = try reference ?? ProcessInfo.processInfo.environment["HWLEDGER_REFERENCE"] ?? Self.findReference()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("hwledger-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let scratch = try postgres.map(Self.scratchDatabase)
        defer { scratch?.drop() }
        let (dbPath, signer, operatorKeyPath) = try prepareLedger(in: work, reference: referenceDir, database: scratch?.url)
        let daemonPath = daemon ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("hwledgerd").path
        var args = [
            "--db", dbPath, "--listen", "127.0.0.1:0", "--log-level", "warning", "--verify-interval", "3600",
            "--checkpoint-interval", "\(checkpointInterval)",
        ]
        if let operatorKeyPath { args += ["--operator-key", operatorKeyPath] }
        let witnessProcesses = try WitnessBench.start(
            count: witnesses, in: work, hwledger: URL(fileURLWithPath: daemonPath).deletingLastPathComponent().appendingPathComponent("hwledger").path,
            origin: Self.origin, logKey: try Self.operatorVerifier(dbPath))
        args += witnessProcesses.flatMap { ["--witness", $0.argument] }
        let process = try DaemonProcess(executable: daemonPath, arguments: args, environment: ["HWLEDGER_REFERENCE": referenceDir])
        print("hwledgerd on 127.0.0.1:\(process.port) (\(daemonPath)), ledger \(dbPath)")
        print("target: ≥ \(Int(Self.targetRate)) submissions/s with p99 < \(Int(Self.targetP99Milliseconds)) ms")
        if witnesses > 0 { print("\(witnesses) local witnesses, quorum \(witnesses), checkpoint interval \(checkpointInterval) s") }

        var serial = Int(Date().timeIntervalSince1970) % 100_000 * 1000
        for level in levels {
            let count = Int(seconds * 6000) + level * 10
            let bodies = Self.sign(count: count, from: serial, key: signer)
            serial += count
            let before: (signed: Int, witnessed: Int) = witnesses > 0 ? try WitnessBench.checkpoints(dbPath, quorum: witnesses) : (0, 0)
            let result = try Self.runLevel(port: process.port, clients: level, bodies: bodies, seconds: seconds)
            result.print(clients: level)
            if witnesses > 0 {
                let after = try WitnessBench.checkpoints(dbPath, quorum: witnesses)
                let (signed, witnessed) = (after.signed - before.signed, after.witnessed - before.witnessed)
                print(String(
                    format: "            %d checkpoints cosigned by all %d witnesses = %.1f cosigned checkpoints/s (%.2f× the %d checkpoints signed meanwhile)",
                    witnessed, witnesses, Double(witnessed) / result.elapsed, Double(witnessed) / Double(max(signed, 1)), signed))
            }
        }
        if witnesses > 0 {
            let bodies = Self.sign(count: receiptSamples, from: serial, key: signer)
            try WitnessBench.receiptLatency(port: process.port, bodies: bodies).print(interval: checkpointInterval)
        }
        let status = process.stop()
        for w in witnessProcesses { _ = w.process.stop() }
        print("hwledgerd exited with status \(status.map(String.init) ?? "still running")")
    }

    /// A fresh database on the PostgreSQL server `server` names, and how to drop it.
    static func scratchDatabase(_ server: String) throws -> (url: String, drop: () -> Void) {
        let location = try PostgresLocation(url: server)
        let name = "hwledger_load_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try PostgresAdmin.createDatabase(name, on: location)
        return (location.database(name).urlWithPassword, { try? PostgresAdmin.dropDatabase(name, on: location) })
    }

    /// A new ledger with fresh keys in `dir` (or in `database`, a PostgreSQL URL), or the one given by flags.
    func prepareLedger(in dir: URL, reference: String, database: String?) throws -> (String, SigningKey, String?) {
        if let db, let key {
            let signer = try SigningKey(parsing: String(decoding: FileManager.default.contents(atPath: key) ?? Data(), as: UTF8.self))
            return (db, signer, operatorKey)
        }
        let op = try SigningKey(generatingFor: Self.origin)
        let sc = try SigningKey(generatingFor: "REG-510000")
        let cq = try SigningKey(generatingFor: "REG-500000")
        let keyPath = dir.appendingPathComponent("operator.key").path
        _ = FileManager.default.createFile(atPath: keyPath, contents: Data(op.fileText.utf8), attributes: [.posixPermissions: 0o600])
        let dbPath = database ?? dir.appendingPathComponent("ledger.sqlite").path
        let store = try StoreLocation(dbPath).open(create: true)
        let ledger = TransferLedger(
            store: store, reference: try ReferenceData.load(directory: reference), clock: TransferLedger.systemClock,
            logger: Logger(label: "hwledger-load"))
        let genesis = try Genesis(json: .object([
            "origin": .string(Self.origin),
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

    /// The operator's verifier key recorded in the ledger's genesis.
    static func operatorVerifier(_ db: String) throws -> VerifierKey {
        let store = try StoreLocation(db).open()
        let note = try SignedNote(parsing: try store.read { try $0.latestCheckpoint() }?.note ?? "")
        guard let line = note.signatures.first else { throw ValidationError("the ledger's checkpoint has no signature") }
        let entry = try Entry(bytes: try store.read { try $0.entry(at: 0) })
        guard let text = entry.submission.body["operatorKey"]?.stringValue else { throw ValidationError("genesis has no operatorKey") }
        let key = try VerifierKey(parsing: text)
        guard key.keyID == line.keyID else { throw ValidationError("the checkpoint is not signed by the genesis operator key") }
        return key
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
