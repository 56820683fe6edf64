import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// The deployments of decision 018 with real processes (issue 20): two `hwledgerd`s writing to one PostgreSQL
/// primary, one of them killed mid-load; a read-only `hwledgerd` on a streaming standby beside a primary daemon.
/// Runs only when `HWLEDGER_TEST_PG` names a server; the standby test also needs `HWLEDGER_TEST_PG_STANDBY`, a hot
/// standby of that server (`scripts/pg.sh primary …` and `scripts/pg.sh standby …`).
@Suite("PostgreSQL deployments: two writers on one primary, a read-only daemon on a standby", .serialized,
    .enabled(if: TestDatabase.postgresServer != nil, "HWLEDGER_TEST_PG names no PostgreSQL server"))
struct PostgresDeploymentTests {
    /// The standby server's URL (`postgres://USER@HOST:PORT/DB`), when one is configured.
    static let standbyServer: String? = {
        let url = ProcessInfo.processInfo.environment["HWLEDGER_TEST_PG_STANDBY"] ?? ""
        return url.isEmpty ? nil : url
    }()

    /// A new PostgreSQL database holding the test ledger (test genesis: both regulators' keys), dropped with `dir`;
    /// the operator key is written to `dir`. The store used to create it is closed when this returns.
    static func newLedger(in dir: TempDirectory) throws -> (url: String, operatorKey: String) {
        let url = TestDatabase.newPostgresDatabase(cleanedUpWith: dir)
        let store = try TestDatabase.open(url, create: true)
        _ = try TestLedger(store: store)
        return (url, dir.write("operator.key", TestKeys.operatorKey.fileText))
    }

    /// `url` with its database replaced by `database` (the standby's URL of a database created on the primary).
    static func url(_ url: String, database: String) -> String {
        let path = url.split(separator: "?", maxSplits: 1)[0]
        return String(path[...path.lastIndex(of: "/")!]) + database
    }

    static func databaseName(_ url: String) -> String {
        String(url.split(separator: "?", maxSplits: 1)[0].split(separator: "/").last!)
    }

    static func startDaemon(db: String, operatorKey: String, extra: [String] = []) throws -> DaemonProcess {
        try DaemonProcess(
            executable: Fixtures.executable("hwledgerd"),
            arguments: ["--db", db, "--listen", "127.0.0.1:0", "--operator-key", operatorKey, "--verify-interval", "1"] + extra,
            environment: ["HWLEDGER_REFERENCE": Fixtures.referenceDirectory])
    }

    static func post(port: Int, _ path: String, _ body: [UInt8]) throws -> WireResponse {
        try WireConnection(port: port, timeoutSeconds: 20).request("POST", path, headers: [("Content-Type", "application/json")], body: body)
    }

    static func get(port: Int, _ path: String) throws -> WireResponse {
        try WireConnection(port: port, timeoutSeconds: 20).request("GET", path)
    }

    static func seconds(since t: UInt64, until u: UInt64 = DispatchTime.now().uptimeNanoseconds) -> Double {
        Double(Int64(u) - Int64(t)) / 1e9
    }

    /// Polls `body` every 20 ms until it returns a value or `timeout` seconds pass.
    @discardableResult
    static func poll<T>(_ what: String, timeout: Double, _ body: () throws -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let value = try body() { return value }
            guard Date() < deadline else { throw TestFailure("\(what): not within \(timeout) s") }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    // MARK: Two writers on one primary

    /// What the load's clients saw: every 201 with the daemon that answered it, and anything unexpected.
    final class LoadLog: @unchecked Sendable {
        struct Ack {
            var daemon: Character  // "A" or "B"
            var index: Int64
            var leafHash: String
            var uscc: String
            var sentAt: UInt64  // uptime nanoseconds
            var answeredAt: UInt64
        }

        let lock = NSLock()
        var acks: [Ack] = []
        var problems: [String] = []
        var lostToKill = 0
        var next = 0
        var stop = false
        /// Uptime nanoseconds just before daemon A was sent SIGKILL (0 while it runs).
        var killedAt: UInt64 = 0

        func count(_ daemon: Character) -> Int { lock.withLock { acks.count(where: { $0.daemon == daemon }) } }
    }

    /// A client that posts single pre-signed registrations on one keep-alive connection, to A (`startOnA`) or B;
    /// once A has been killed, a client of A counts its failed request as lost to the kill and goes on with B.
    static func client(startOnA: Bool, a: Int, b: Int, bodies: [(uscc: String, bytes: [UInt8])], log: LoadLog, done: DispatchGroup) {
        done.enter()
        Thread.detachNewThread {
            defer { done.leave() }
            var onA = startOnA
            var connection: WireConnection?
            while true {
                let i: Int? = log.lock.withLock {
                    guard !log.stop, log.next < bodies.count else { return nil }
                    defer { log.next += 1 }
                    return log.next
                }
                guard let i else { return }
                let daemon: Character = onA ? "A" : "B"
                let sentAt = DispatchTime.now().uptimeNanoseconds
                do {
                    if connection == nil { connection = try WireConnection(port: onA ? a : b, timeoutSeconds: 20) }
                    let r = try connection!.request("POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: bodies[i].bytes)
                    let answeredAt = DispatchTime.now().uptimeNanoseconds
                    guard r.status == 201, let index = r.json?["index"]?.intValue, let leaf = r.json?["leafHash"]?.stringValue else {
                        log.lock.withLock { log.problems.append("\(daemon): status \(r.status) \(r.text.prefix(300))") }
                        continue
                    }
                    log.lock.withLock {
                        log.acks.append(.init(daemon: daemon, index: index, leafHash: leaf, uscc: bodies[i].uscc, sentAt: sentAt, answeredAt: answeredAt))
                    }
                } catch {
                    connection = nil
                    let killed = log.lock.withLock { log.killedAt != 0 }
                    if onA && killed {
                        log.lock.withLock { log.lostToKill += 1 }
                        onA = false
                    } else {
                        log.lock.withLock { log.problems.append("\(daemon) (killed: \(killed)): \(error)") }
                        return
                    }
                }
            }
        }
    }

    @Test("two daemons on one PostgreSQL primary: SIGKILL of the one writing loses no 201 and forks nothing")
    func twoWritersOneKilled() throws {
        let dir = TempDirectory()
        let (db, operatorKey) = try Self.newLedger(in: dir)
        let a = try Self.startDaemon(db: db, operatorKey: operatorKey)
        let b = try Self.startDaemon(db: db, operatorKey: operatorKey)
        defer {
            _ = a.stop(timeout: 5)
            _ = b.stop(timeout: 5)
        }

        // Pre-signed registrations, each a distinct enterprise.
        let count = 6_000
        var bodies = [(uscc: String, bytes: [UInt8])](repeating: ("", []), count: count)
        bodies.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            DispatchQueue.concurrentPerform(iterations: count) { i in
                let signed = DaemonFixture.registration(serial: 100_000 + i)
                out[i] = (signed.submission.body["uscc"]?.stringValue ?? "?", signed.json.canonicalBytes)
            }
        }

        let log = LoadLog()
        let done = DispatchGroup()
        let clients = 16
        let start = DispatchTime.now().uptimeNanoseconds
        for c in 0..<clients { Self.client(startOnA: c % 2 == 0, a: a.port, b: b.port, bodies: bodies, log: log, done: done) }

        // ~1.5 s of both writing (and each has answered a 201), then SIGKILL to A in the middle of its writes.
        try Self.poll("both daemons answering 201s", timeout: 15) {
            Self.seconds(since: start) >= 1.5 && log.count("A") > 0 && log.count("B") > 0 ? true : nil
        }
        let killedAt = DispatchTime.now().uptimeNanoseconds
        log.lock.withLock { log.killedAt = killedAt }
        a.signal(SIGKILL)
        let aExit = a.waitForExit(timeout: 10)
        let exitedAt = DispatchTime.now().uptimeNanoseconds
        #expect(aExit != nil && a.process.terminationReason == .uncaughtSignal, "A was not killed by SIGKILL (exit \(String(describing: aExit)))")

        // B goes on alone for ~1.5 s more (or until the bodies run out), with A's clients moved over to it.
        try Self.poll("B answering 201s after the kill", timeout: 15) {
            log.lock.withLock {
                (Self.seconds(since: killedAt) >= 1.5 || log.next >= count) && log.acks.contains { $0.daemon == "B" && $0.sentAt > killedAt }
            } ? true : nil
        }
        log.lock.withLock { log.stop = true }
        #expect(done.wait(timeout: .now() + 30) == .success, "a client hung")
        let (acks, problems, lostToKill) = log.lock.withLock { (log.acks, log.problems, log.lostToKill) }
        #expect(problems.isEmpty, "\(problems.count) unexpected answers:\n\(problems.prefix(10).joined(separator: "\n"))")

        // Both wrote while both ran; handover = SIGKILL → B's next 201 (and → the first 201 to a request sent after it).
        let beforeKill = acks.filter { $0.answeredAt < killedAt }
        let aCount = beforeKill.count(where: { $0.daemon == "A" }), bBefore = beforeKill.count(where: { $0.daemon == "B" })
        #expect(aCount > 0 && bBefore > 0, "while both ran, A answered \(aCount) and B \(bBefore) 201s")
        #expect(acks.allSatisfy { $0.daemon == "B" || $0.answeredAt < exitedAt }, "A answered after it died")
        let afterKill = acks.filter { $0.daemon == "B" && $0.answeredAt >= killedAt }
        let nextB = try #require(afterKill.map(\.answeredAt).min(), "B answered no 201 after the kill")
        let nextFresh = try #require(afterKill.filter { $0.sentAt >= killedAt }.map(\.answeredAt).min())
        let handover = Self.seconds(since: killedAt, until: nextB) * 1000
        let fresh = Self.seconds(since: killedAt, until: nextFresh) * 1000
        let bAfter = afterKill.count
        print(String(
            format: "two writers: %d 201s (A %d, B %d while both ran; B %d after the kill), %d requests to A lost to the kill; handover SIGKILL → B's next 201 %.1f ms, → first 201 to a request sent after the kill %.1f ms",
            acks.count, aCount, bBefore, bAfter, lostToKill, handover, fresh))
        #expect(handover < 5000, "handover took \(handover) ms")

        // B still vouches for the log (its verifier re-checked A's entries every second), then stops cleanly.
        let health = try Self.get(port: b.port, "/healthz")
        #expect(health.json?["status"]?.stringValue != "failing", "B's health: \(health.text.prefix(600))")
        #expect(b.stop(timeout: 20) == 0, "B did not stop cleanly: \(b.stderr.suffix(1000))")

        // The log: verifies, holds every 201 at its index with its leaf hash, no index twice, each registration once.
        let verify = try DeadlineRun.hwledger(["verify", "--db", db], in: dir, timeout: 60)
        #expect(verify.status == 0 && !verify.timedOut, "verify exited \(verify.status): \(verify.stderr.suffix(1000))")
        let entries = try DaemonLedger.entries(db: db, in: dir)  // throws on a gap
        #expect(entries.count >= acks.count + 1, "tree size \(entries.count) for \(acks.count) 201s and the genesis")
        print("two writers: tree size \(entries.count) = genesis + \(acks.count) answered 201 + \(entries.count - 1 - acks.count) committed without an answer (A killed between COMMIT and its 201)")
        var seen: [Int64: Character] = [:]
        var wrong: [String] = []
        for ack in acks {
            if let other = seen[ack.index] { wrong.append("index \(ack.index) answered twice (\(other) and \(ack.daemon))") }
            seen[ack.index] = ack.daemon
            guard ack.index >= 0, Int(ack.index) < entries.count else {
                wrong.append("\(ack.daemon)'s 201 index \(ack.index) lies beyond the log (\(entries.count))")
                continue
            }
            let bytes = entries[Int(ack.index)]
            let uscc = (try? CanonicalJSON.decode(bytes))?["submission"]?["body"]?["uscc"]?.stringValue
            if TreeHasher.leafHash(bytes).hex != ack.leafHash || uscc != ack.uscc {
                wrong.append("\(ack.daemon)'s 201 index \(ack.index) \(ack.uscc) \(ack.leafHash): the log holds \(uscc ?? "?") \(TreeHasher.leafHash(bytes).hex)")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) acknowledged entries wrong:\n\(wrong.prefix(10).joined(separator: "\n"))")
        let registered = entries.compactMap { (try? CanonicalJSON.decode($0))?["submission"]?["body"]?["uscc"]?.stringValue }
        #expect(Set(registered).count == registered.count, "a registration appears twice in the log")
    }

    // MARK: A read-only daemon on a standby

    @Test("a read-only daemon on the standby serves receipts that verify and refuses writes naming the primary",
        .enabled(if: standbyServer != nil, "HWLEDGER_TEST_PG_STANDBY names no standby"))
    func readOnlyStandby() throws {
        let dir = TempDirectory()
        let (db, operatorKey) = try Self.newLedger(in: dir)
        let standbyDB = Self.url(Self.standbyServer!, database: Self.databaseName(db))
        // The database and its tables reach the standby by streaming replication.
        try Self.poll("the ledger on the standby", timeout: 15) {
            try DeadlineRun.hwledger(["checkpoint", "--db", standbyDB], in: dir, timeout: 20).status == 0 ? true : nil
        }
        let p = try Self.startDaemon(db: db, operatorKey: operatorKey)
        let primaryURL = "http://127.0.0.1:\(p.port)"
        let s = try Self.startDaemon(db: standbyDB, operatorKey: operatorKey, extra: ["--read-only", "--primary", primaryURL])
        defer {
            _ = s.stop(timeout: 5)
            _ = p.stop(timeout: 5)
        }

        // Submit through P; poll until P, then S, serves the receipt (S's includes replication and P's checkpoint).
        let submitted = try Self.post(port: p.port, "/v1/submissions", DaemonFixture.registration(serial: 7).json.canonicalBytes)
        try #require(submitted.status == 201, "P: \(submitted.status) \(submitted.text.prefix(300))")
        let t0 = DispatchTime.now().uptimeNanoseconds
        let index = try #require(submitted.json?["index"]?.intValue)
        let leafHash = try #require(submitted.json?["leafHash"]?.stringValue)
        _ = try Self.poll("P's receipt for \(index)", timeout: 10) {
            let r = try Self.get(port: p.port, "/v1/receipts/\(index)")
            return r.status == 200 ? r : nil
        }
        let onPrimary = Self.seconds(since: t0) * 1000
        let receipt = try Self.poll("S's receipt for \(index)", timeout: 15) {
            let r = try Self.get(port: s.port, "/v1/receipts/\(index)")
            return r.status == 200 ? r : nil
        }
        let onStandby = Self.seconds(since: t0) * 1000
        print(String(format: "standby: receipt for index %lld served by P %.0f ms and by S %.0f ms after the 201 (lag seen by a client %.0f ms)",
            index, onPrimary, onStandby, onStandby - onPrimary))

        let file = dir.write("receipt-\(index).txt", receipt.text)
        let verified = try Run.hwledger(["receipt", "verify", "--vkey", TestKeys.operatorKey.verifier.description, "--leaf-hash", leafHash, file])
        #expect(verified.status == 0, "S's receipt does not verify: \(verified.stderr)")
        let forged = String(leafHash.reversed())
        #expect(try Run.hwledger(["receipt", "verify", "--vkey", TestKeys.operatorKey.verifier.description, "--leaf-hash", forged, file]).status != 0)

        // Writes to S: 503 READ-ONLY naming P; nothing reaches the log.
        let treeBefore = try Self.get(port: p.port, "/healthz").json?["treeSize"]?.intValue
        let attempt = DaemonFixture.registration(serial: 8).json.canonicalBytes
        for path in ["/v1/submissions", "/v1/checks"] {
            let r = try Self.post(port: s.port, path, attempt)
            #expect(r.status == 503, "\(path): \(r.status) \(r.text.prefix(300))")
            #expect(r.rule == "READ-ONLY", "\(path): \(r.text.prefix(300))")
            let message = r.json?["error"]?["message"]?.stringValue ?? ""
            #expect(message.contains(primaryURL), "\(path): the refusal does not name \(primaryURL): \(message)")
        }
        #expect(try Self.get(port: p.port, "/healthz").json?["treeSize"]?.intValue == treeBefore)

        // S reports its replication lag.
        let health = try Self.get(port: s.port, "/healthz")
        #expect(health.json?["replicationLagMs"]?.intValue != nil, "S's /healthz: \(health.text.prefix(600))")
        #expect(health.json?["status"]?.stringValue == "ok", "S's /healthz: \(health.text.prefix(600))")
        let metrics = try Self.get(port: s.port, "/metrics").text
        #expect(metrics.contains("hwledger_replication_lag_seconds"), "S's /metrics has no hwledger_replication_lag_seconds")

        // After catch-up S serves P's checkpoint, byte for byte (S signs none of its own).
        let pCheckpoint = try Self.poll("P's /checkpoint at \(index + 1)", timeout: 10) {
            let r = try Self.get(port: p.port, "/checkpoint")
            let signed = try SignedCheckpoint(verifying: r.body, keys: [TestKeys.operatorKey.verifier])
            return Int64(signed.checkpoint.size) == index + 1 ? r : nil
        }
        _ = try Self.poll("S's /checkpoint equal to P's", timeout: 10) {
            try Self.get(port: s.port, "/checkpoint").body == pCheckpoint.body ? true : nil
        }
    }
}
