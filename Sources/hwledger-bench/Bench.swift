import Crypto
import Foundation
import LedgerCore
import LedgerSQLite
import Logging
import TransferLedger
import TransferRules

/// `hwledger-bench`: the performance figures of the ledger core and, in the same run, the limits they are
/// measured against (Ed25519 verify rate, SHA-256 throughput, raw SQLite inserts of the same bytes).
///
/// Run in release: `swift run -c release hwledger-bench [--entries N] [--cli-entries N]`.
@main
struct Bench {
    static func main() throws {
        var options = Options()
        var args = CommandLine.arguments.dropFirst()[...]
        while let a = args.popFirst() {
            switch a {
            case "--entries": options.entries = Int(args.popFirst() ?? "") ?? options.entries
            case "--cli-entries": options.cliEntries = Int(args.popFirst() ?? "") ?? options.cliEntries
            case "--samples": options.samples = Int(args.popFirst() ?? "") ?? options.samples
            case "--manifests": options.manifests = Int(args.popFirst() ?? "") ?? options.manifests
            case "--worklist-page": options.worklistPage = true
            case "--db": options.db = args.popFirst()
            case "--as": options.principal = args.popFirst()
            case "--as-of": options.asOf = args.popFirst()
            case "--scale":
                options.scale = (args.popFirst() ?? "").split(separator: ",").compactMap { Int($0.replacingOccurrences(of: "_", with: "")) }.filter { $0 > 0 }
                if options.scale.isEmpty { options.scale = [0] }
            case "--build-only": options.scaleBuildOnly = true
            case "--pages": options.pagesDirectory = args.popFirst()
            case "--only": options.only = args.popFirst()
            case "--seed": options.seed = UInt64(args.popFirst() ?? "") ?? options.seed
            default:
                FileHandle.standardError.write(Data("usage: hwledger-bench [--entries N] [--cli-entries N] [--samples N] [--manifests N]\n       hwledger-bench --worklist-page [--db DB --as PRINCIPAL --as-of DATE | --manifests N] [--samples N]\n       hwledger-bench --scale N[,N2,...] [--seed S] [--samples N] [--build-only]\n       hwledger-bench --pages DIR [--seed S] [--samples N] [--only TEXT]\n".utf8))
                exit(64)
            }
        }
        if let dir = options.pagesDirectory {
            try ScaleBench(options: options).pagesOnly(dir)
            return
        }
        if !options.scale.isEmpty {
            guard !options.scale.contains(0) else {
                FileHandle.standardError.write(Data("hwledger-bench: --scale takes manifest counts, e.g. --scale 10000,100000\n".utf8))
                exit(64)
            }
            try ScaleBench(options: options).run()
            return
        }
        if options.worklistPage {
            try WorklistPageBench(options: options).run()
            return
        }
        try Bench(options: options).run()
    }

    struct Options {
        var entries = 1_000_000
        var cliEntries = 100_000
        var samples = 2000
        var manifests = 100_000
        var worklistPage = false
        var db: String?
        var principal: String?
        var asOf: String?
        /// `--scale`: the manifest counts of the realistic ledgers to build and measure (ScaleBench).
        var scale: [Int] = []
        var seed: UInt64 = 1
        /// `--build-only`: with `--scale`, build and report the build figures only (to time a large build).
        var scaleBuildOnly = false
        /// `--pages DIR`: the regulator's pages of a ledger an `HWLEDGER_BENCH_KEEP=1` scale run left in DIR.
        var pagesDirectory: String?
        /// `--only TEXT`: with `--pages`, sample only the pages whose name contains TEXT (e.g. `inTransit`, to profile one).
        var only: String?
    }

    let options: Options
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hwledger-bench-\(UUID().uuidString)")
    let report = Report()

    func run() throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // HWLEDGER_BENCH_KEEP=1 keeps the ledgers for inspection (the path is printed first).
        defer { if ProcessInfo.processInfo.environment["HWLEDGER_BENCH_KEEP"] == nil { try? FileManager.default.removeItem(at: dir) } }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print("hwledger-bench: \(options.entries) entries, \(cores) cores, \(dir.path)")

        // Limits measured in this run.
        let verifyPerCore = measureEd25519VerifyPerCore()
        let verifyAllCores = verifyPerCore * Double(cores)
        report.add("Ed25519 verify, 1 core (limit)", verifyPerCore, unit: "/s")
        report.add("Ed25519 verify, \(cores) cores (limit = per-core × cores)", verifyAllCores, unit: "/s")
        report.add("SHA-256 (limit)", measureSHA256(), unit: "MB/s")

        // Build the ledger through the library: pre-signed submissions, bulk submit.
        let dbPath = dir.appendingPathComponent("bench.sqlite").path
        let store = try SQLiteLedgerStore(path: dbPath, create: true)
        let reference = try ReferenceData.load(directory: Self.referenceDirectory())
        let ledger = TransferLedger(store: store, reference: reference, clock: TransferLedger.systemClock, logger: Logger(label: "bench"))
        let operatorKey = try SigningKey(generatingFor: "bench.example/log")
        let sichuan = try SigningKey(generatingFor: "REG-510000")
        let chongqing = try SigningKey(generatingFor: "REG-500000")
        let genesis = try Genesis(json: .object([
            "origin": "bench.example/log",
            "regulators": .array([
                .object(["id": "REG-510000", "name": "四川省生态环境厅", "province": "510000", "key": .string(sichuan.verifier.description)]),
                .object(["id": "REG-500000", "name": "重庆市生态环境局", "province": "500000", "key": .string(chongqing.verifier.description)]),
            ]),
        ]))
        try ledger.initialise(genesis: genesis, operatorKey: operatorKey, operatorKeyPath: nil)

        let submissions = Self.signRegistrations(count: options.entries, offset: 0, sichuan: sichuan, chongqing: chongqing)
        let entryBytes = submissions.count
        var start = Date()
        var appended = 0
        var i = 0
        while i < submissions.count {
            let end = min(submissions.count, i + 20_000)
            appended += try ledger.submit(Array(submissions[i..<end])).filter { if case .appended = $0 { true } else { false } }.count
            i = end
        }
        try ledger.publishCheckpoint(keys: [operatorKey])
        let libRate = Double(appended) / Date().timeIntervalSince(start)
        guard appended == entryBytes else { throw BenchError("only \(appended) of \(entryBytes) appended") }
        report.add("bulk signed submit, library (\(appended) events)", libRate, unit: "events/s",
                   against: [("target 5,000/s", 5000), ("50 % of \(cores)-core verify limit", verifyAllCores * 0.5)])

        // Raw SQLite insert of the same entry bytes (the storage limit).
        let rawRate = try measureRawInsert(from: store, count: min(options.entries, 200_000))
        report.add("raw SQLite insert of the same entry bytes", rawRate, unit: "rows/s")
        report.add("  library submit / raw insert", libRate / rawRate * 100, unit: "%")

        // Proofs at the full size.
        let size = try store.read { try $0.treeSize() }
        try measureProofs(store: store, size: size)

        // Verify through the CLI: entries/s and peak RSS of the process.
        let cli = Self.executable("hwledger")
        let keyPath = dir.appendingPathComponent("op.key").path
        _ = FileManager.default.createFile(atPath: keyPath, contents: Data(operatorKey.fileText.utf8))
        let (verifySeconds, verifyRSS, verifyStatus, _) = try Self.runMeasured(cli, ["verify", "--db", dbPath])
        guard verifyStatus == 0 else { throw BenchError("verify exited \(verifyStatus)") }
        report.add("verify via CLI (\(size) entries)", Double(size) / verifySeconds, unit: "entries/s",
                   against: [("80 % of \(cores)-core verify limit", verifyAllCores * 0.8), ("\(cores)-core verify limit", verifyAllCores)])
        report.add("verify peak RSS (\(size) entries)", Double(verifyRSS) / 1024 / 1024, unit: "MiB",
                   against: [("limit 100 MiB", 100)], lowerIsBetter: true)

        // Incremental verification (docs/decisions/008): a first `verify --state` (full, saving the state).
        let stateDir = dir.appendingPathComponent("verify-state").path
        let (firstSeconds, firstRSS, firstStatus, _) = try Self.runMeasured(cli, ["verify", "--db", dbPath, "--state", stateDir, "--json"])
        guard firstStatus == 0 else { throw BenchError("verify --state (first run) exited \(firstStatus)") }
        report.add("verify --state, first run = full + state (\(size) entries)", Double(size) / firstSeconds, unit: "entries/s",
                   against: [("\(cores)-core verify limit", verifyAllCores)])
        report.add("verify --state first run peak RSS", Double(firstRSS) / 1024 / 1024, unit: "MiB",
                   against: [("limit 100 MiB", 100)], lowerIsBetter: true)

        // Bulk signed submit through the CLI (`submit --signed`), appended to the same ledger.
        let cliSubmissions = Self.signRegistrations(count: options.cliEntries, offset: options.entries, sichuan: sichuan, chongqing: chongqing)
        let signedPath = dir.appendingPathComponent("signed.jsonl").path
        var text = ""
        text.reserveCapacity(cliSubmissions.count * 600)
        for s in cliSubmissions { text += s.json.canonicalString + "\n" }
        _ = FileManager.default.createFile(atPath: signedPath, contents: Data(text.utf8))
        start = Date()
        let (cliSeconds, _, cliStatus, _) = try Self.runMeasured(cli, ["submit", "--db", dbPath, "--signed", signedPath, "--operator-key", keyPath])
        guard cliStatus == 0 else { throw BenchError("submit --signed exited \(cliStatus)") }
        report.add("bulk signed submit, CLI process (\(cliSubmissions.count) events)", Double(cliSubmissions.count) / cliSeconds, unit: "events/s",
                   against: [("target 5,000/s", 5000), ("50 % of \(cores)-core verify limit", verifyAllCores * 0.5)])

        // The incremental run after those entries: only they are verified in full; the rest is re-checked.
        let grown = try store.read { try $0.treeSize() }
        let (incSeconds, incRSS, incStatus, incOut) = try Self.runMeasured(cli, ["verify", "--db", dbPath, "--state", stateDir, "--json"])
        guard incStatus == 0 else { throw BenchError("verify --state (incremental) exited \(incStatus)") }
        let newEntries = try Self.jsonInt(incOut, "newEntries")
        guard newEntries == Int(grown - size) else { throw BenchError("incremental run verified \(newEntries) new entries, \(grown - size) were appended") }
        report.add("verify --state, incremental after \(newEntries) new entries (\(grown) in all)", incSeconds, unit: "s",
                   against: [("full verify of \(grown) at the measured rate", Double(grown) / (Double(size) / verifySeconds))], lowerIsBetter: true)
        report.add("  its time over \(newEntries) entries at the \(cores)-core verify limit", incSeconds / (Double(newEntries) / verifyAllCores), unit: "×")
        report.add("  entries verified in full by the incremental run", Double(newEntries), unit: "entries")
        report.add("  incremental run peak RSS", Double(incRSS) / 1024 / 1024, unit: "MiB", against: [("limit 100 MiB", 100)], lowerIsBetter: true)

        // Transfer rules: filing + pickup + receipt of many manifests through the library, on a fresh ledger
        // (`--manifests 0` leaves this part out).
        guard options.manifests > 0 else { return report.print() }
        let transferRate = try TransferWorkload(directory: dir, reference: reference, manifests: options.manifests).run()
        report.add("manifest filing + pickup + receipt, library (\(options.manifests * 3) events)", transferRate, unit: "events/s",
                   against: [("rules cost < 30 % of the ledger-core rate (≥ 70 %)", libRate * 0.7),
                             ("80 % of \(cores)-core verify limit", verifyAllCores * 0.8), ("\(cores)-core verify limit", verifyAllCores)])
        report.add("  rules' share of the cost vs ledger-core", (1 - transferRate / libRate) * 100, unit: "%")

        // Full verify of that realistic mix (issue 22): signatures, tree, and the replay of every projection.
        let transfersPath = dir.appendingPathComponent("transfers.sqlite").path
        let transfersSize = try SQLiteLedgerStore(path: transfersPath).read { try $0.treeSize() }
        let (mixSeconds, mixRSS, mixStatus, _) = try Self.runMeasured(cli, ["verify", "--db", transfersPath])
        guard mixStatus == 0 else { throw BenchError("verify of the transfers ledger exited \(mixStatus)") }
        report.add("verify via CLI, transfers ledger (\(transfersSize) entries)", Double(transfersSize) / mixSeconds, unit: "entries/s",
                   against: [("95 % of \(cores)-core verify limit", verifyAllCores * 0.95), ("\(cores)-core verify limit", verifyAllCores)])
        report.add("verify peak RSS, transfers ledger", Double(mixRSS) / 1024 / 1024, unit: "MiB", against: [("limit 100 MiB", 100)], lowerIsBetter: true)
        report.print()
    }

    // MARK: Workload

    /// `enterprise.registered` submissions with distinct valid USCCs, alternating the two regulators, signed on
    /// every core.
    static func signRegistrations(count: Int, offset: Int, sichuan: SigningKey, chongqing: SigningKey) -> [SignedSubmission] {
        let slots = SubmissionSlots(count: count)
        let workers = ProcessInfo.processInfo.activeProcessorCount
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var rng = SystemRandomNumberGenerator()
            var i = w
            while i < count {
                let n = offset + i
                let sc = n % 2 == 0
                let division = sc ? "510100" : "500101"
                let uscc = USCC.complete("91" + division + String(format: "%09d", n))!
                let event = UnsignedEvent(type: "enterprise.registered", actor: sc ? "REG-510000" : "REG-500000", body: [
                    "uscc": .string(uscc), "name": .string("基准测试企业\(n)"), "division": .string(division),
                    "roles": ["generator", "carrier"],
                ])
                let nonce = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
                slots.set(i, event.signed(with: sc ? sichuan : chongqing, at: UTCInstant(seconds: 1_740_816_000 + Int64(n)), nonce: nonce))
                i += workers
            }
        }
        return slots.values
    }

    // MARK: Limits

    func measureEd25519VerifyPerCore() -> Double {
        let key = Curve25519.Signing.PrivateKey()
        let message = Array(repeating: UInt8(0x61), count: 500)
        let signature = try! key.signature(for: message)
        let pub = key.publicKey
        let n = 20_000
        let start = Date()
        var ok = 0
        for _ in 0..<n where pub.isValidSignature(signature, for: message) { ok += 1 }
        precondition(ok == n)
        return Double(n) / Date().timeIntervalSince(start)
    }

    func measureSHA256() -> Double {
        let data = [UInt8](repeating: 0x5A, count: 1 << 20)
        let rounds = 512
        let start = Date()
        var last = SHA256.hash(data: data)
        for _ in 1..<rounds { last = SHA256.hash(data: data) }
        _ = last
        return Double(rounds) / Date().timeIntervalSince(start)
    }

    /// Inserts the first `count` stored entries' bytes into a bare table of a durable database, in transactions of
    /// the same size as the ledger's batches: what SQLite alone costs for the same bytes.
    func measureRawInsert(from store: SQLiteLedgerStore, count: Int) throws -> Double {
        var rows: [[UInt8]] = []
        try store.read { r in
            try r.forEachEntry(from: 0, to: UInt64(count)) { _, bytes in
                rows.append(bytes)
                return true
            }
        }
        let raw = try RawInsertProbe(path: dir.appendingPathComponent("raw.sqlite").path)
        let start = Date()
        try raw.insert(rows, batch: TransferLedger.batchSize)
        return Double(rows.count) / Date().timeIntervalSince(start)
    }

    func measureProofs(store: SQLiteLedgerStore, size: UInt64) throws {
        var rng = SystemRandomNumberGenerator()
        var inclusion: [Double] = []
        var consistency: [Double] = []
        for _ in 0..<options.samples {
            let index = UInt64.random(in: 0..<size, using: &rng)
            var t = Date()
            _ = try store.read { try LogProofs.inclusion(index: index, size: size, in: $0) }
            inclusion.append(Date().timeIntervalSince(t) * 1000)
            let from = UInt64.random(in: 1...size, using: &rng)
            t = Date()
            _ = try store.read { try LogProofs.consistency(from: from, to: size, in: $0) }
            consistency.append(Date().timeIntervalSince(t) * 1000)
        }
        for (name, values) in [("inclusion", inclusion), ("consistency", consistency)] {
            let sorted = values.sorted()
            report.add("\(name) proof p50 at \(size) entries", sorted[sorted.count / 2], unit: "ms")
            report.add("\(name) proof p99 at \(size) entries", sorted[sorted.count * 99 / 100], unit: "ms",
                       against: [("limit 1 ms", 1)], lowerIsBetter: true)
        }
    }

    // MARK: Processes

    /// Runs a child process under `/usr/bin/time -f %M`; returns wall seconds, the child's peak RSS in bytes, its
    /// exit status and its standard output. (`wait4`'s `ru_maxrss` would report this benchmark's own resident size for a spawned child,
    /// since the maximum survives the exec; /usr/bin/time is a small parent, so its figure is the child's.)
    static func runMeasured(_ path: String, _ arguments: [String]) throws -> (Double, Int, Int32, String) {
        let timeTool = "/usr/bin/time"
        guard FileManager.default.isExecutableFile(atPath: timeTool) else { throw BenchError("\(timeTool) is needed (Debian package time)") }
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("hwledger-bench-time-\(UUID().uuidString)").path
        let stdout = report + ".out"
        defer { for p in [report, stdout] { try? FileManager.default.removeItem(atPath: p) } }
        var pid: pid_t = 0
        let argv = ([timeTool, "-o", report, "-f", "%M", path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let start = Date()
        guard posix_spawn(&pid, timeTool, &actions, nil, argv, environ) == 0 else { throw BenchError("cannot start \(path)") }
        var status: Int32 = 0
        guard waitpid(pid, &status, 0) == pid else { throw BenchError("waitpid failed") }
        let seconds = Date().timeIntervalSince(start)
        let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        let kilobytes = text.split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        return (seconds, kilobytes * 1024, exitStatus, (try? String(contentsOfFile: stdout, encoding: .utf8)) ?? "")
    }

    /// An integer member of the one-line JSON object a CLI printed.
    static func jsonInt(_ text: String, _ key: String) throws -> Int {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let value = object[key] as? Int else { throw BenchError("no integer \(key) in \(text)") }
        return value
    }

    static func executable(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent(name).path
    }

    static func referenceDirectory() -> String {
        if let env = ProcessInfo.processInfo.environment["HWLEDGER_REFERENCE"] { return env }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = url.appendingPathComponent("fixtures/reference")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            url.deleteLastPathComponent()
        }
        return "fixtures/reference"
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

final class SubmissionSlots: @unchecked Sendable {
    private var slots: [SignedSubmission?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: SignedSubmission) { lock.withLock { slots[i] = v } }
    var values: [SignedSubmission] { lock.withLock { slots.map { $0! } } }
}

/// Collects figures and prints them with their ratios to the limits measured in the same run.
final class Report {
    struct Row {
        var name: String
        var value: Double
        var unit: String
        var against: [(String, Double)]
        var lowerIsBetter: Bool
    }

    var rows: [Row] = []

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    func add(_ name: String, _ value: Double, unit: String, against: [(String, Double)] = [], lowerIsBetter: Bool = false) {
        rows.append(Row(name: name, value: value, unit: unit, against: against, lowerIsBetter: lowerIsBetter))
        Swift.print("  " + Self.pad(name, 64) + String(format: "%12.2f ", value) + unit)
    }

    func print() {
        Swift.print("\n" + Self.pad("figure", 64) + "       value            ratio to the limit measured or set")
        for row in rows {
            var line = Self.pad(row.name, 64) + String(format: "%12.2f ", row.value) + Self.pad(row.unit, 9)
            for (label, limit) in row.against {
                let ratio = row.lowerIsBetter ? limit / row.value : row.value / limit
                line += "  \(label): " + String(format: "%.2f×", ratio) + (ratio >= 1 ? " ok" : " MISSED")
            }
            Swift.print(line)
        }
    }
}
