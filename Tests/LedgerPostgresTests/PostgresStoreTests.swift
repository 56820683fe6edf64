import Foundation
import LedgerCore
import LedgerPostgres
import LedgerTestSupport
import Testing

/// What only the PostgreSQL store promises (issue 20, decision 018): append-only tables by trigger (TRUNCATE too),
/// clear errors for a wrong URL, a down server, a missing database, a role without INSERT, a writer lock held too
/// long and a connection lost inside a write, and nothing half-written after any of them. The protocol itself is
/// the conformance suite's, run over PostgreSQL beside memory and SQLite.
@Suite("PostgresLedgerStore", .enabled(if: TestDatabase.postgresServer != nil, "needs HWLEDGER_TEST_PG"))
struct PostgresStoreTests {
    /// A fresh database with a store holding 5 entries, a checkpoint with one cosignature, a projection, a setting.
    final class Populated {
        let dir = TempDirectory()
        let url: String
        let store: PostgresLedgerStore

        init() throws {
            url = TestDatabase.newPostgresDatabase(cleanedUpWith: dir)
            store = try PostgresLedgerStore(url: url, create: true)
            try store.write { w in
                var range = CompactRange()
                for i in 0..<5 {
                    let bytes = Array("entry \(i)".utf8)
                    try w.appendEntry(index: UInt64(i), bytes: bytes, nodes: range.append(TreeHasher.leafHash(bytes)))
                }
                try w.insertCheckpoint(StoredCheckpoint(size: 5, root: range.root, note: "note\n"))
                try w.insertCosignature(size: 5, witness: "w", line: "— w AAAA")
                try w.putProjection(kind: "enterprise", key: "x", value: [1])
                try w.setMeta("origin", "o")
            }
        }

        func size() throws -> UInt64 { try store.read { try $0.treeSize() } }
        func psql(_ sql: String) throws -> ProcessResult { try TestDatabase.sql(url, sql) }
    }

    @Test("the triggers refuse UPDATE, DELETE and TRUNCATE on entries, tree nodes, checkpoints and cosignatures, even for the owner")
    func appendOnly() throws {
        let p = try Populated()
        for (table, column) in [("entries", "idx"), ("tree_nodes", "id"), ("checkpoints", "size"), ("cosignatures", "size")] {
            for statement in ["UPDATE \(table) SET \(column) = \(column)", "DELETE FROM \(table)", "TRUNCATE \(table) CASCADE"] {
                let r = try p.psql(statement)
                #expect(r.status != 0, "\(statement) must be refused")
                #expect(r.stderr.contains("\(table) is append-only"), "\(statement): \(r.stderr)")
            }
        }
        #expect(try p.size() == 5)
        #expect(try p.store.read { try $0.missingGuards() }.isEmpty)
        #expect(try p.psql("DROP TRIGGER entries_refuse_delete ON entries").status == 0)
        #expect(try p.store.read { try $0.missingGuards() } == ["entries_refuse_delete"], "a dropped guard is named")
    }

    /// The error opening `location` throws, nil when it opens.
    static func openFailure(_ location: PostgresLocation) -> LedgerError? {
        do {
            _ = try PostgresLedgerStore(location: location)
            return nil
        } catch {
            return error
        }
    }

    /// The error parsing and opening `url` throws, nil when it opens.
    static func openFailure(_ url: String) -> LedgerError? {
        do {
            return openFailure(try PostgresLocation(url: url))
        } catch {
            return error
        }
    }

    @Test("a malformed URL names the part that is wrong; a down server and a missing database are named errors")
    func badLocations() throws {
        for (url, words) in [
            ("postgres://127.0.0.1/ledger", "names no user"), ("postgres://u@127.0.0.1", "names no database"),
            ("postgres://u@127.0.0.1:99999/x", "port"), ("postgres://u@127.0.0.1/x?sslmode=maybe", "sslmode"),
            ("postgres://u@127.0.0.1/x?colour=red", "unknown parameter colour"),
        ] {
            let failure = Self.openFailure(url)
            #expect(failure.map { "\($0)".contains(words) } == true, "\(url): \(String(describing: failure))")
        }
        let server = try #require(TestDatabase.postgresServer)
        var down = server.database("x")
        down.port = 9  // nothing listens there
        let unreachable = Self.openFailure(down)
        if case .storageIO(let m)? = unreachable {
            #expect(m.contains("cannot be reached") && m.contains("127.0.0.1:9"), "\(m)")
        } else {
            Issue.record("a down server is a storage I/O failure, got \(String(describing: unreachable))")
        }
        let missing = Self.openFailure(server.database("no_such_ledger_db"))
        #expect(missing.map { "\($0)".contains("no database no_such_ledger_db") } == true, "\(String(describing: missing))")
        let empty = TempDirectory()
        let notLedger = Self.openFailure(TestDatabase.newPostgresDatabase(cleanedUpWith: empty))
        #expect(notLedger.map { "\($0)".contains("holds no hwledger tables") } == true, "\(String(describing: notLedger))")
    }

    @Test("the password of a URL never shows in an error")
    func passwordHidden() throws {
        let server = try #require(TestDatabase.postgresServer)
        let failure = try #require(Self.openFailure("postgres://nobody_here:s3cret@\(server.host):9/x"))
        #expect(!"\(failure)".contains("s3cret"), "\(failure)")
        #expect("\(failure)".contains("nobody_here:***@"), "\(failure)")
    }

    @Test("a role with SELECT but no INSERT is refused naming the role, and the batch writes nothing")
    func roleWithoutInsert() throws {
        let p = try Populated()
        let role = "ro_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let database = String(p.url.split(separator: "/").last!)
        try #require(try p.psql("CREATE ROLE \(role) LOGIN").status == 0)
        defer { _ = try? p.psql("DROP OWNED BY \(role); DROP ROLE \(role)") }
        try #require(try p.psql("GRANT CONNECT ON DATABASE \(database) TO \(role); GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(role)").status == 0)
        let server = try #require(TestDatabase.postgresServer)
        var location = server.database(database)
        location.username = role
        location.password = nil
        let reader = try PostgresLedgerStore(location: location)
        #expect(try reader.read { try $0.treeSize() } == 5, "a read-only role reads")
        do {
            try reader.write { w in
                let bytes = Array("entry 5".utf8)
                try w.appendEntry(index: 5, bytes: bytes, nodes: [(NodeID(level: 0, index: 5), TreeHasher.leafHash(bytes))])
            }
            Issue.record("a role without INSERT must not append")
        } catch {
            #expect("\(error)".contains("the role \(role) may not"), "\(error)")
        }
        #expect(try p.size() == 5)
    }

    @Test("a write waits at most writer_wait for the lock another writer holds, then is WRITER-BUSY with nothing written")
    func writerBusy() throws {
        let p = try Populated()
        let busy = try PostgresLedgerStore(url: p.url + "?writer_wait=1")
        // Another session holds the ledger's writer lock for 4 s (as a long write transaction would).
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        holder.arguments = ["-X", "-q", "-c", "BEGIN; SELECT pg_advisory_xact_lock(\(0x6877_6c65_6467_6572)); SELECT pg_sleep(4); COMMIT;", p.url]
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        defer { holder.waitUntilExit() }
        let deadline = Date().addingTimeInterval(10)
        while try p.psql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted").stdout.hasPrefix("0"), Date() < deadline {
            usleep(20_000)
        }
        let started = Date()
        do {
            try busy.write { w in try w.setMeta("x", "y") }
            Issue.record("the write must not pass the held lock")
        } catch let e as LedgerError {
            guard case .writerBusy(let m) = e else { Issue.record("expected writerBusy, got \(e)"); return }
            #expect(m.contains("write lock"), "\(m)")
        }
        let waited = Date().timeIntervalSince(started)
        #expect(waited >= 0.9 && waited < 3.5, "waited \(waited) s for a 1 s writer_wait")
        #expect(try p.store.read { try $0.meta("x") } == nil)
        holder.waitUntilExit()
        try busy.write { w in try w.setMeta("x", "y") }
        #expect(try p.store.read { try $0.meta("x") } == "y", "once the lock is free the next write passes")
    }

    @Test("a connection lost in the middle of a batch leaves nothing of it, and the next write reconnects")
    func lostConnection() throws {
        let p = try Populated()
        do {
            try p.store.write { w in
                var range = try CompactRange(size: 5, hashes: CompactRange.nodes(forSize: 5).map { try w.nodeHash($0) })
                for i in 5..<500 {
                    let bytes = Array("entry \(i)".utf8)
                    try w.appendEntry(index: UInt64(i), bytes: bytes, nodes: range.append(TreeHasher.leafHash(bytes)))
                    try w.putProjection(kind: "k", key: "\(i)", value: [UInt8(i % 256)])
                }
                // The server ends this session (as a restart or a network cut would) before the batch is committed.
                let r = try p.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle in transaction'")
                #expect(r.status == 0, "\(r.stderr)")
            }
            Issue.record("the write must fail")
        } catch let e as LedgerError {
            guard case .storageIO = e else { Issue.record("expected storageIO, got \(e)"); return }
        }
        #expect(try p.size() == 5, "all or nothing")
        #expect(try p.store.read { try $0.projection(kind: "k", key: "5") } == nil)
        try p.store.write { w in try w.setMeta("after", "reconnected") }
        #expect(try p.store.read { try $0.meta("after") } == "reconnected")
    }
}
