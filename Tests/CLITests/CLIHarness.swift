import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// A ledger created with `hwledger init` in its own temporary directory, driven only through the built binary.
///
/// Keys are the deterministic ``TestKeys``; the genesis names both regulators. Every path it hands out lives in
/// ``dir`` and disappears with it.
final class CLILedger: @unchecked Sendable {
    let dir = TempDirectory()
    let db: String
    let operatorKeyPath: String
    let sichuanKeyPath: String
    let chongqingKeyPath: String
    let genesisPath: String
    /// The log's verifier key string (the operator key).
    let vkey = TestKeys.operatorKey.verifier.description
    private var fileCounter = 0

    init(dbName: String = "ledger.sqlite") throws {
        db = TestDatabase.locator(in: dir, name: dbName)
        operatorKeyPath = dir.write("operator.key", TestKeys.operatorKey.fileText + "\n")
        sichuanKeyPath = dir.write("sc.key", TestKeys.sichuan.fileText + "\n")
        chongqingKeyPath = dir.write("cq.key", TestKeys.chongqing.fileText + "\n")
        genesisPath = dir.write("genesis.json", TestKeys.genesisJSON().canonicalString)
        let r = try Run.hwledger(["init", "--db", db, "--genesis", genesisPath, "--operator-key", operatorKeyPath])
        guard r.status == 0 else { throw TestFailure("hwledger init exited \(r.status): \(r.stderr)") }
    }

    /// Runs `hwledger` with `arguments`.
    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil) throws -> ProcessResult {
        try Run.hwledger(arguments, stdin: stdin)
    }

    /// A fresh file name in the ledger's directory.
    func uniqueName(_ stem: String, ext: String) -> String {
        fileCounter += 1
        return "\(stem)-\(fileCounter).\(ext)"
    }

    /// Writes `lines` as a `.jsonl` file and returns its path.
    func writeLines(_ lines: [String], stem: String = "events") -> String {
        dir.write(uniqueName(stem, ext: "jsonl"), lines.map { $0 + "\n" }.joined())
    }

    /// Signs and submits `events` (one `.jsonl` file) with the key file at `keyPath` (default: Sichuan's regulator).
    @discardableResult
    func submit(_ events: [JSONValue], keyPath: String? = nil) throws -> ProcessResult {
        let file = writeLines(events.map(\.canonicalString))
        return try run(["submit", "--db", db, "--key", keyPath ?? sichuanKeyPath, file])
    }

    /// Submits `events` and fails the setup unless every one was appended.
    func submitAccepted(_ events: [JSONValue], keyPath: String? = nil) throws {
        let r = try submit(events, keyPath: keyPath)
        guard r.status == 0 else { throw TestFailure("submit exited \(r.status): \(r.stdout) \(r.stderr)") }
    }

    /// The exact bytes of every entry, in index order, read with `hwledger entries`.
    func entries(db path: String? = nil, from: Int? = nil, to: Int? = nil) throws -> [[UInt8]] {
        var args = ["entries", "--db", path ?? db]
        if let from { args += ["--from", String(from)] }
        if let to { args += ["--to", String(to)] }
        let r = try run(args)
        guard r.status == 0 else { throw TestFailure("entries exited \(r.status): \(r.stderr)") }
        var result: [[UInt8]] = []
        for line in r.stdoutLines {
            let value = try CanonicalJSON.decode(line)
            guard let index = value["index"]?.intValue, let data = value["data"]?.stringValue,
                let bytes = Data(base64Encoded: data)
            else { throw TestFailure("entries printed an odd line: \(line)") }
            guard index == Int64((from ?? 0) + result.count) else {
                throw TestFailure("entries printed index \(index) after \(result.count) lines")
            }
            result.append(Array(bytes))
        }
        return result
    }

    /// The latest signed checkpoint, as `hwledger checkpoint` prints it.
    func checkpoint(db path: String? = nil) throws -> String {
        let r = try run(["checkpoint", "--db", path ?? db])
        guard r.status == 0 else { throw TestFailure("checkpoint exited \(r.status): \(r.stderr)") }
        return r.stdout
    }

    /// Copies the database (and its WAL, which holds the newest commits until SQLite checkpoints it) to `name`.
    func copyDatabase(to name: String) throws -> String {
        let target = dir.path(name)
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: db + suffix) {
            try? FileManager.default.removeItem(atPath: target + suffix)
            try FileManager.default.copyItem(atPath: db + suffix, toPath: target + suffix)
        }
        return target
    }
}

/// Event builders.
enum Events {
    /// Sichuan's prefecture-level divisions in the bundled reference list (the province's own code excluded).
    static let sichuanDivisions = [
        "510100", "510300", "510400", "510500", "510600", "510700", "510800", "510900", "511000", "511100", "511300",
        "511400", "511500", "511600", "511700", "511800", "511900", "512000", "513200", "513300", "513400",
    ]
    /// Chongqing's districts 5001xx in force today in the bundled reference list (江北区 500105 and 渝北区 500112
    /// ended on 2025-11-05; 两江新区 500157 replaced them).
    static let chongqingDistricts = [
        "500101", "500102", "500103", "500104", "500157", "500106", "500107", "500108", "500109", "500110", "500111",
        "500113", "500114", "500115", "500116", "500117", "500118", "500119", "500120", "500151", "500152",
        "500153", "500154", "500155", "500156",
    ]

    /// `enterprise.registered` by the regulator of `division`'s province.
    static func registration(uscc: String, division: String = "510100", name: String = "测试企业", actor: String? = nil) -> JSONValue {
        let regulator = actor ?? (division.hasPrefix("51") ? "REG-510000" : "REG-500000")
        return .object([
            "type": "enterprise.registered", "actor": .string(regulator),
            "body": .object([
                "uscc": .string(uscc), "name": .string(name), "division": .string(division), "roles": ["generator"],
            ]),
        ])
    }

    /// `count` Sichuan registrations with serials from `firstSerial`.
    static func sichuanRegistrations(_ count: Int, firstSerial: Int = 1) -> [JSONValue] {
        (0..<count).map { registration(uscc: TestKeys.uscc(division: "510100", serial: firstSerial + $0)) }
    }

    /// The USCC an entry registers (`submission.body.uscc`), if it is a registration.
    static func registeredUSCC(_ entry: [UInt8]) throws -> String? {
        let value = try CanonicalJSON.decode(entry)
        return value["submission"]?["body"]?["uscc"]?.stringValue
    }
}

/// Runs `/usr/bin/sqlite3` on `db` with `sql`, the way an attacker with file access would.
@discardableResult
func sqlite(_ db: String, _ sql: String) throws -> ProcessResult {
    try Run.executable("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", db, sql])
}

/// The tree size a checkpoint note commits to (its second line).
func checkpointSize(_ note: String) -> Int? {
    let lines = note.split(separator: "\n", omittingEmptySubsequences: false)
    return lines.count > 1 ? Int(lines[1]) : nil
}

/// Number of stored tree nodes for a tree of `size` leaves (every perfect subtree): 2n − popcount(n).
func treeNodeCount(size: Int) -> Int { 2 * size - size.nonzeroBitCount }

/// Upper-case hex for an SQL blob literal.
func sqlBlob(_ bytes: [UInt8]) -> String {
    "X'" + bytes.map { String(format: "%02X", $0) }.joined() + "'"
}

/// Expects exit `code` and a first stderr line `error[ID]: sentence`.
func expectFailure(
    _ r: ProcessResult, code: Int32, id: String, mentioning fragment: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(r.status == code, "exit \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
    let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
    let prefix = "error[\(id)]: "
    #expect(
        first.hasPrefix(prefix) && first.count > prefix.count + 3, "stderr first line: \(first)",
        sourceLocation: sourceLocation)
    if let fragment {
        #expect(r.stderr.contains(fragment), "stderr \(r.stderr) does not mention \(fragment)", sourceLocation: sourceLocation)
    }
}

/// Runs `hwledger` on a background thread, so that several processes can run at once without blocking the
/// cooperative thread pool.
func runInBackground(_ arguments: [String], stdin: String? = nil) async -> Result<ProcessResult, any Error> {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(returning: Result { try Run.hwledger(arguments, stdin: stdin) })
        }
    }
}

/// Byte offset of the first occurrence of `needle` in `bytes`, plus the needle's length (the value's start).
func valueOffset(of needle: String, in bytes: [UInt8]) -> Int? {
    let n = Array(needle.utf8)
    guard n.count <= bytes.count else { return nil }
    for i in 0...(bytes.count - n.count) where bytes[i] == n[0] && Array(bytes[i..<(i + n.count)]) == n {
        return i + n.count
    }
    return nil
}

/// Kills a child at a moment the test chooses, without racing it.
///
/// The child runs in short slices (SIGCONT, a few milliseconds, SIGSTOP); between slices, while it is frozen,
/// `condition` is asked whether to kill now. When it says yes the child is SIGKILLed still frozen, so the kill lands
/// mid-run by construction; a child that finishes first is simply waited for. Under the suite's parallel load a kill
/// timed by the wall clock, or by a poll that may itself run late, often came after the child had exited.
enum FrozenKill {
    /// Returns true when the child was killed while running, false when it exited first (or `timeout` passed).
    ///
    /// Synchronous on purpose: a `Task.sleep` between slices could resume seconds late when the suite's blocking
    /// tests hold every thread of the cooperative pool, and the child would run on unwatched.
    static func kill(_ process: Process, timeout: Double = 180, when condition: () throws -> Bool) throws -> Bool {
        let pid = process.processIdentifier
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            Glibc.kill(pid, SIGSTOP)
            guard waitUntilStopped(pid) else { break }
            if try condition() {
                Glibc.kill(pid, SIGKILL)
                process.waitUntilExit()
                return process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
            }
            Glibc.kill(pid, SIGCONT)
            usleep(UInt32(Int.random(in: 2...10) * 1000))
        }
        if process.isRunning { Glibc.kill(pid, SIGCONT) }
        process.waitUntilExit()
        return false
    }

    /// The CPU time `process` used in all, read until it exits (polled from this thread, every 5 ms).
    static func cpuTicksUntilExit(_ process: Process) -> Int {
        var ticks = 0
        while process.isRunning {
            ticks = cpuTicks(process.processIdentifier) ?? ticks
            usleep(5000)
        }
        process.waitUntilExit()
        return ticks
    }

    /// The child's CPU time so far (user + system, all threads) in clock ticks, or nil once it has exited.
    static func cpuTicks(_ pid: Int32) -> Int? {
        guard let fields = statFields(pid), fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }

    /// Fields of /proc/PID/stat after the command name: state first.
    private static func statFields(_ pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    /// Waits until the child is in the stopped state; false when it has exited (or become a zombie) instead.
    private static func waitUntilStopped(_ pid: Int32) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            guard let state = statFields(pid)?.first else { return false }
            switch state {
            case "T", "t": return true
            case "Z", "X", "x": return false
            default: usleep(200)
            }
        }
        return false
    }
}
