import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing

/// `hwledger backup` / `restore` (issue 23, docs/decisions/015): a consistent, verified copy of a live ledger, a
/// restore that refuses damaged files, and the drill "a restored copy plus the entries appended since reaches the
/// live root".
@Suite("hwledger backup and restore", .enabled(if: TestDatabase.isSQLite, "edits or copies the SQLite file itself"))
struct BackupRestoreTests {
    /// `backup --json` or `restore --json`, parsed.
    static func json(_ r: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        try #require(r.status == 0, "exit \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        return try CanonicalJSON.decode(Array(r.stdout.trimmingCharacters(in: .newlines).utf8))
    }

    @Test("a backup taken while a submit loop appends at full speed verifies, restores, and hwledgerd on the restored copy serves the backup's checkpoint")
    func backupUnderWrites() throws {
        let ledger = try CLILedger()
        try ledger.submitAccepted(Events.sichuanRegistrations(2000))
        let writer = SubmitLoop(ledger: ledger, firstSerial: 100_000, perRound: 500)
        defer { writer.stop() }
        try #require(writer.waitForRounds(1, timeout: 60), "the submit loop never completed a round: \(writer.failures)")

        let out = ledger.dir.path("nightly.sqlite")
        let backup = try Self.json(try ledger.run(["backup", "--db", ledger.db, "--out", out, "--json"]))
        #expect(writer.isRunning, "the submit loop was still appending when the backup ended")
        writer.stop()
        #expect(writer.failures.isEmpty, "the concurrent submits failed: \(writer.failures)")

        let size = try #require(backup["treeSize"]?.intValue)
        let root = try #require(backup["root"]?.stringValue)
        #expect(backup["file"]?.stringValue == out)
        #expect(backup["bytes"]?.intValue == Int64((try FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? -1))
        #expect(size >= 2001, "the backup holds at least what was appended before it started")
        let live = try Self.json(try ledger.run(["verify", "--db", ledger.db, "--json"]))
        #expect(try #require(live["size"]?.intValue) > size, "the live log grew after the backup's snapshot")
        #expect(!FileManager.default.fileExists(atPath: out + "-wal"), "the backup is one self-contained file")

        // The backup verifies on its own, and restores to the same tree.
        let verified = try Self.json(try ledger.run(["verify", "--db", out, "--json"]))
        #expect(verified["size"]?.intValue == size && verified["root"]?.stringValue == root)
        let restoredPath = ledger.dir.path("restored.sqlite")
        let restored = try Self.json(try ledger.run(["restore", "--from", out, "--db", restoredPath, "--json"]))
        #expect(restored["treeSize"]?.intValue == size && restored["root"]?.stringValue == root)
        #expect(restored["checkpointSize"] == backup["checkpointSize"])
        let backupCheckpoint = try ledger.checkpoint(db: out)

        // A daemon on the restored copy serves a checkpoint of the backup's tree (the backup's own when it covered
        // every entry; Ed25519 is deterministic, so one the daemon signs over the same tree is the same note).
        let daemon = try DaemonProcess(
            executable: Fixtures.executable("hwledgerd"),
            arguments: ["--db", restoredPath, "--listen", "127.0.0.1:0", "--verify-interval", "3600"],
            environment: ["HWLEDGER_REFERENCE": Fixtures.referenceDirectory])
        defer { _ = daemon.stop(timeout: 10) }
        var served: WireResponse?
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let r = try WireConnection(port: daemon.port).request("GET", "/checkpoint")
            if r.status == 200 {
                served = r
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let note = try #require(served, "GET /checkpoint never answered 200; daemon stderr: \(daemon.stderr)").text
        let checkpoint = try SignedCheckpoint(verifying: Array(note.utf8), keys: [TestKeys.operatorKey.verifier])
        #expect(checkpoint.checkpoint.size == UInt64(size) && checkpoint.checkpoint.root.base64 == root, "\(note)")
        if backup["checkpointSize"]?.intValue == size { #expect(note == backupCheckpoint) }
        #expect(daemon.stop(timeout: 20) == 0, "hwledgerd stops cleanly: \(daemon.stderr)")

        // An existing --db is refused without --force; with it, the old file is kept aside.
        let again = try ledger.run(["restore", "--from", out, "--db", restoredPath])
        expectFailure(again, code: 64, id: "USAGE", mentioning: restoredPath)
        let forced = try Self.json(try ledger.run(["restore", "--from", out, "--db", restoredPath, "--force", "--json"]))
        let previous = try #require(forced["previous"]?.stringValue)
        #expect(previous.hasPrefix(restoredPath + ".before-restore-") && FileManager.default.fileExists(atPath: previous))
        #expect(try ledger.run(["verify", "--db", restoredPath]).status == 0)
    }

    @Test("a backup taken while hwledger-load appends through hwledgerd at full speed holds a mid-stream snapshot that verifies and restores to its own root")
    func backupUnderLoad() throws {
        let ledger = try CLILedger()
        let entries = { () throws -> Int in
            Int(try sqlite(ledger.db, "SELECT count(*) FROM entries").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }
        let initial = try entries()
        let out = ledger.dir.path("load.out")
        let load = Process()
        load.executableURL = URL(fileURLWithPath: Fixtures.executable("hwledger-load"))
        load.arguments = [
            "--db", ledger.db, "--key", ledger.sichuanKeyPath, "--operator-key", ledger.operatorKeyPath, "--clients", "16", "--seconds", "6",
        ]
        load.environment = ProcessInfo.processInfo.environment.merging(
            ["HWLEDGER_REFERENCE": Fixtures.referenceDirectory, "HWLEDGER_PARENT_PID": String(getpid())]) { _, new in new }
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        load.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        load.standardError = load.standardOutput
        try load.run()
        defer { if load.isRunning { load.terminate(); load.waitUntilExit() } }
        // Once the load's appends are under way, back up the live file.
        let deadline = Date().addingTimeInterval(120)
        while try entries() < initial + 500, load.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        try #require(load.isRunning, "hwledger-load ended before appending: \((try? String(contentsOfFile: out, encoding: .utf8)) ?? "")")
        let backupPath = ledger.dir.path("under-load.sqlite")
        let backup = try Self.json(try ledger.run(["backup", "--db", ledger.db, "--out", backupPath, "--json"]))
        load.waitUntilExit()
        let report = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        #expect(load.terminationStatus == 0, "hwledger-load: \(report)")
        let final = try entries()
        let size = try #require(backup["treeSize"]?.intValue)
        #expect(Int(size) > initial + 500 && Int(size) < final, "a snapshot taken mid-stream: \(initial) < \(size) < \(final)")
        let restoredPath = ledger.dir.path("under-load-restored.sqlite")
        let restored = try Self.json(try ledger.run(["restore", "--from", backupPath, "--db", restoredPath, "--json"]))
        #expect(restored["treeSize"] == backup["treeSize"] && restored["root"] == backup["root"])
        #expect(try ledger.run(["verify", "--db", ledger.db]).status == 0, "the live log verifies after the load")
    }

    @Test("a restored backup plus the exact entries appended since (hwledger entries --from N) reaches the live log's root")
    func restorePlusEntriesSince() throws {
        let ledger = try TamperTests.smallLedger()
        let out = ledger.dir.path("b.sqlite")
        let backup = try Self.json(try ledger.run(["backup", "--db", ledger.db, "--out", out, "--json"]))
        let backupSize = try #require(backup["treeSize"]?.intValue)

        try ledger.submitAccepted(Events.sichuanRegistrations(30, firstSerial: 500))
        try ledger.submitAccepted(
            (0..<5).map { i in
                let division = Events.chongqingDistricts[i + 6]
                return Events.registration(uscc: TestKeys.uscc(division: division, serial: 700 + i), division: division)
            }, keyPath: ledger.chongqingKeyPath)
        let live = try Self.json(try ledger.run(["verify", "--db", ledger.db, "--json"]))
        let liveRoot = try #require(live["root"]?.stringValue)
        let liveSize = try #require(live["size"]?.intValue)

        let restoredPath = ledger.dir.path("restored.sqlite")
        _ = try Self.json(try ledger.run(["restore", "--from", out, "--db", restoredPath, "--json"]))
        // Exported from a little before the backup's end: entries the copy already holds are skipped.
        let since = try ledger.run(["entries", "--db", ledger.db, "--from", String(backupSize - 2)])
        try #require(since.status == 0, "\(since.stderr)")
        let file = ledger.dir.write("since.jsonl", since.stdout)

        // A changed entry (one signature bit) or a wrong expected root appends nothing.
        var lines = since.stdoutLines
        var bytes = Array(Data(base64Encoded: try #require(CanonicalJSON.decode(lines[5])["data"]?.stringValue))!)
        let sig = try #require(valueOffset(of: #""sig":""#, in: bytes))
        bytes[sig + 4] = bytes[sig + 4] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        lines[5] = JSONValue.object(["index": .int(backupSize + 3), "data": .string(Data(bytes).base64EncodedString())]).canonicalString
        let tampered = ledger.dir.write("tampered.jsonl", lines.map { $0 + "\n" }.joined())
        let refused = try ledger.run(["restore", "--db", restoredPath, "--append-entries", tampered])
        expectFailure(refused, code: 3, id: "INTEGRITY", mentioning: "\(backupSize + 3)")
        let wrongRoot = try ledger.run([
            "restore", "--db", restoredPath, "--append-entries", file, "--expect-root", Hash.sha256([1]).base64,
        ])
        expectFailure(wrongRoot, code: 3, id: "INTEGRITY", mentioning: "not the expected")
        #expect(try ledger.entries(db: restoredPath).count == Int(backupSize), "nothing was appended by the refused runs")

        let appended = try Self.json(try ledger.run([
            "restore", "--db", restoredPath, "--append-entries", file, "--expect-root", liveRoot, "--json",
        ]))
        #expect(appended["appended"]?.intValue == liveSize - backupSize)
        #expect(appended["alreadyPresent"]?.intValue == 2)
        #expect(appended["treeSize"]?.intValue == liveSize && appended["root"]?.stringValue == liveRoot)
        #expect(appended["checkpointSize"]?.intValue == liveSize)
        #expect(try ledger.entries(db: restoredPath) == (try ledger.entries()), "the restored copy holds the live log's exact bytes")
        let reverified = try Self.json(try ledger.run(["verify", "--db", restoredPath, "--json"]))
        #expect(reverified["root"]?.stringValue == liveRoot)
        #expect(try ledger.checkpoint(db: restoredPath) == (try ledger.checkpoint()), "the same signed checkpoint as the live log's")
    }

    @Test("restore refuses a backup with bytes flipped in the middle, or truncated, with exit 3 and writes nothing")
    func damagedBackupsAreRefused() throws {
        let ledger = try CLILedger()
        try ledger.submitAccepted(Events.sichuanRegistrations(1500))
        let out = ledger.dir.path("b.sqlite")
        _ = try Self.json(try ledger.run(["backup", "--db", ledger.db, "--out", out, "--json"]))
        let good = try #require(FileManager.default.contents(atPath: out))

        var flipped = good
        let middle = flipped.count / 2
        for i in middle..<(middle + 4096) { flipped[i] ^= 0xFF }
        let cases: [(String, Data)] = [
            ("flipped", flipped), ("truncated-half", good.prefix(good.count / 2)),
            ("truncated-odd", good.prefix(good.count - 1000)),
        ]
        for (name, bytes) in cases {
            let damaged = ledger.dir.path("\(name).sqlite")
            #expect(FileManager.default.createFile(atPath: damaged, contents: bytes))
            let target = ledger.dir.path("restored-\(name).sqlite")
            let r = try ledger.run(["restore", "--from", damaged, "--db", target])
            expectFailure(r, code: 3, id: "INTEGRITY", mentioning: "backup \(damaged)")
            #expect(r.stdout.isEmpty, "\(name)")
            let left = try FileManager.default.contentsOfDirectory(atPath: ledger.dir.url.path).filter { $0.contains("restored-\(name)") }
            #expect(left.isEmpty, "\(name): restore left \(left)")
        }
        #expect(try ledger.run(["restore", "--from", out, "--db", ledger.dir.path("restored-good.sqlite")]).status == 0)
    }

    @Test("backup refuses an existing --out with exit 64 naming it and leaves the file as it was")
    func backupRefusesExistingOut() throws {
        let ledger = try CLILedger()
        let out = ledger.dir.write("taken.sqlite", "not mine")
        let r = try ledger.run(["backup", "--db", ledger.db, "--out", out])
        expectFailure(r, code: 64, id: "USAGE", mentioning: out)
        #expect(String(decoding: FileManager.default.contents(atPath: out) ?? Data(), as: UTF8.self) == "not mine")
        let names = try FileManager.default.contentsOfDirectory(atPath: ledger.dir.url.path)
        #expect(!names.contains { $0.hasSuffix(".partial") }, "\(names)")
    }
}

/// Appends batches of registrations with `hwledger submit` in a loop on its own thread until stopped: a second
/// writer on the file at full speed. Each round is one short-lived process; ``stop()`` waits for the current one.
final class SubmitLoop: @unchecked Sendable {
    private let lock = NSLock()
    private var stopping = false
    private var completed = 0
    private var errors: [String] = []
    private let done = DispatchSemaphore(value: 0)
    private var joined = false
    private var finished = false

    init(ledger: CLILedger, firstSerial: Int, perRound: Int) {
        let files = (0..<200).map { round in
            ledger.writeLines(Events.sichuanRegistrations(perRound, firstSerial: firstSerial + round * perRound).map(\.canonicalString), stem: "loop")
        }
        let db = ledger.db
        let key = ledger.sichuanKeyPath
        Thread.detachNewThread { [self] in
            for file in files where !lock.withLock({ stopping }) {
                do {
                    let r = try Run.hwledger(["submit", "--db", db, "--key", key, file])
                    lock.withLock {
                        if r.status == 0 { completed += 1 } else { errors.append("exit \(r.status): \(r.stderr)") }
                    }
                } catch {
                    lock.withLock { errors.append("\(error)") }
                }
            }
            lock.withLock { finished = true }
            done.signal()
        }
    }

    /// True until the loop has run out of input or been stopped.
    var isRunning: Bool { lock.withLock { !finished } }

    var rounds: Int { lock.withLock { completed } }
    var failures: [String] { lock.withLock { errors } }

    /// Waits until `n` rounds have completed; false after `timeout` seconds.
    func waitForRounds(_ n: Int, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if rounds >= n { return true }
            if lock.withLock({ !errors.isEmpty }) { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Asks the loop to stop and waits for the submit in flight to end (each is bounded by its input).
    func stop() {
        lock.withLock { stopping = true }
        let wait = lock.withLock { () -> Bool in
            defer { joined = true }
            return !joined
        }
        if wait { done.wait() }
    }
}
