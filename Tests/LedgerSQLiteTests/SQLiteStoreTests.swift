import Foundation
import LedgerCore
import LedgerSQLite
import LedgerTestSupport
import Testing

/// What only the SQLite store promises (SPEC §3.4): WAL, synchronous=FULL, append-only tables by trigger,
/// the entry size CHECK, persistence and safe concurrent writers.
@Suite("SQLiteLedgerStore")
struct SQLiteStoreTests {
    /// A store with 5 entries, a checkpoint, a projection and a setting.
    static func populated() throws -> StoreFixture {
        let f = try StoreKind.sqlite.make()
        try f.append(payloads(5, seed: 9))
        try f.store.write { w throws in
            try w.insertCheckpoint(StoredCheckpoint(size: 5, root: hash(5), note: "note\n"))
            try w.putProjection(kind: "enterprise", key: "x", value: [1])
            try w.setMeta("origin", "o")
        }
        return f
    }

    static func contents(_ store: any LedgerStore) throws -> ([[UInt8]], [Hash], [StoredCheckpoint]) {
        try store.read { r throws in
            var entries: [[UInt8]] = []
            try r.forEachEntry(from: 0, to: UInt64.max) { _, b in
                entries.append(b)
                return true
            }
            var nodes: [Hash] = []
            try r.forEachNode(fromStorageID: 0, to: UInt64.max) { _, h in
                nodes.append(h)
                return true
            }
            return (entries, nodes, try r.checkpoints())
        }
    }

    @Test("synchronousMode() is 2 (FULL) for a ledger, 0 (OFF) for a scratch store")
    func synchronous() throws {
        let f = try StoreKind.sqlite.make()
        let store = try #require(f.store as? SQLiteLedgerStore)
        #expect(try store.synchronousMode() == 2)
        let reopened = try SQLiteLedgerStore(path: f.path)
        #expect(try reopened.synchronousMode() == 2)
        let scratch = try SQLiteLedgerStore.scratch()
        defer { scratch.removeScratch() }
        #expect(try scratch.synchronousMode() == 0)
    }

    @Test("secure_delete is FAST on the writer and the readers (Debian's libsqlite3 defaults to zeroing every deleted page)")
    func secureDelete() throws {
        let f = try StoreKind.sqlite.make()
        let store = try #require(f.store as? SQLiteLedgerStore)
        let modes = try store.secureDeleteModes()
        #expect(modes.writer == 2 && modes.reader == 2, "\(modes)")
        let scratch = try SQLiteLedgerStore.scratch()
        defer { scratch.removeScratch() }
        #expect(try scratch.secureDeleteModes().writer == 2)
    }

    @Test("the database is in WAL journal mode")
    func wal() throws {
        let f = try Self.populated()
        let result = try SQLite3.run(f.path, "PRAGMA journal_mode;")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "wal")
    }

    static let refused: [(String, String)] = [
        ("entries", "UPDATE entries SET data = x'00' WHERE idx = 0"),
        ("entries", "DELETE FROM entries WHERE idx = 4"),
        ("entries", "DELETE FROM entries"),
        ("tree_nodes", "UPDATE tree_nodes SET hash = zeroblob(32) WHERE id = 0"),
        ("tree_nodes", "DELETE FROM tree_nodes"),
        ("checkpoints", "UPDATE checkpoints SET note = 'forged'"),
        ("checkpoints", "DELETE FROM checkpoints"),
    ]

    @Test("triggers refuse UPDATE and DELETE on entries, tree_nodes and checkpoints", arguments: refused)
    func appendOnlyTriggers(table: String, sql: String) throws {
        let f = try Self.populated()
        let before = try Self.contents(f.store)
        let result = try SQLite3.run(f.path, sql)
        #expect(result.status != 0, "\(sql) succeeded")
        #expect(result.stderr.contains("\(table) are append-only"), "\(result.stderr)")
        let after = try Self.contents(f.store)
        #expect(after.0 == before.0 && after.1 == before.1 && after.2 == before.2)
    }

    @Test("projections and meta are not append-only (they are rebuilt)")
    func projectionsWritable() throws {
        let f = try Self.populated()
        #expect(try SQLite3.run(f.path, "UPDATE projections SET value = x'02'").status == 0)
        #expect(try SQLite3.run(f.path, "DELETE FROM meta").status == 0)
        #expect(try f.store.read { try $0.projection(kind: "enterprise", key: "x") } == [2])
    }

    @Test("INSERT OR REPLACE cannot rewrite an entry, a tree node or a checkpoint", arguments: [
        "INSERT OR REPLACE INTO entries (idx, data) VALUES (0, x'00')",
        "REPLACE INTO tree_nodes (id, hash) VALUES (0, zeroblob(32))",
        "INSERT OR REPLACE INTO checkpoints (size, root, note) VALUES (5, zeroblob(32), 'forged')",
    ])
    func replaceRefused(sql: String) throws {
        let f = try Self.populated()
        let before = try Self.contents(f.store)
        let result = try SQLite3.run(f.path, sql)
        let after = try Self.contents(f.store)
        #expect(after.0 == before.0 && after.1 == before.1 && after.2 == before.2, "\(sql) rewrote history (exit \(result.status))")
    }

    @Test("the entry CHECK refuses 65,535 bytes and accepts 65,534")
    func entrySizeCheck() throws {
        let f = try StoreKind.sqlite.make()
        let error = #expect(throws: LedgerError.self) { try f.append([[UInt8](repeating: 0x61, count: 65_535)]) }
        if case .storage? = error {} else { Issue.record("expected LedgerError.storage, got \(String(describing: error))") }
        #expect(try f.size() == 0)
        try f.append([[UInt8](repeating: 0x61, count: 65_534)])
        #expect(try f.size() == 1)
    }

    @Test("an empty projection value and an empty key are stored as an empty blob and empty text, never NULL")
    func emptyValuesNotNull() throws {
        let f = try StoreKind.sqlite.make()
        try f.store.write { w throws in
            try w.putProjection(kind: "index", key: "", value: [])
            try w.putProjection(kind: "index", key: "汉字/1", value: [0, 1, 0])
        }
        let result = try SQLite3.run(f.path, "SELECT quote(key), typeof(value), length(value) FROM projections ORDER BY key;")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "''|blob|0\n'汉字/1'|blob|3\n", "\(result.stdout)")
        #expect(try f.store.read { try $0.projection(kind: "index", key: "") } == [])
        #expect(try f.store.read { try $0.projection(kind: "index", key: "汉字/1") } == [0, 1, 0])
        #expect(try f.store.read { try $0.projection(kind: "index", key: "汉字") } == nil)
    }

    @Test("an entry whose index exists is refused with SQLite's message, and the write keeps nothing")
    func duplicateEntryNamed() throws {
        let f = try Self.populated()
        let error = #expect(throws: LedgerError.self) {
            try f.store.write { w throws in
                try w.putProjection(kind: "enterprise", key: "y", value: [3])
                try w.appendEntry(index: 2, bytes: [1], nodes: [])
            }
        }
        guard case .storage(let message)? = error else { Issue.record("expected LedgerError.storage, got \(String(describing: error))"); return }
        #expect(message.contains("append-only") || message.contains("UNIQUE"), "\(message)")
        #expect(try f.store.read { try $0.projection(kind: "enterprise", key: "y") } == nil)
    }

    @Test("the writer folds the WAL into the file past 16,384 pages, not SQLite's 1,000")
    func walAutocheckpoint() throws {
        let f = try StoreKind.sqlite.make()
        let store = try #require(f.store as? SQLiteLedgerStore)
        #expect(try store.walAutocheckpoint() == SQLiteLedgerStore.walAutocheckpointPages)
        #expect(SQLiteLedgerStore.walAutocheckpointPages == 16384)
    }

    @Test("a SQLite error inside write surfaces as LedgerError.storage")
    func storageError() throws {
        let f = try Self.populated()
        let error = #expect(throws: LedgerError.self) {
            try f.store.write { try $0.insertCheckpoint(StoredCheckpoint(size: 5, root: hash(1), note: "again\n")) }
        }
        if case .storage? = error {} else { Issue.record("expected LedgerError.storage, got \(String(describing: error))") }
    }

    @Test("data survives closing and reopening the file")
    func persistence() throws {
        let f = try Self.populated()
        let before = try Self.contents(f.store)
        let reopened = try SQLiteLedgerStore(path: f.path)
        let after = try Self.contents(reopened)
        #expect(after.0 == before.0 && after.1 == before.1 && after.2 == before.2)
        #expect(try reopened.read { try $0.meta("origin") } == "o")
    }

    @Test("opening a missing file without create is LedgerError.storage and creates nothing")
    func missingFile() throws {
        let dir = TempDirectory()
        let path = dir.path("absent.sqlite")
        #expect(throws: LedgerError.self) { try SQLiteLedgerStore(path: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a file that is not a database is LedgerError.storage")
    func notADatabase() throws {
        let dir = TempDirectory()
        let path = dir.write("junk.sqlite", String(repeating: "not a database ", count: 100))
        let error = #expect(throws: LedgerError.self) { try SQLiteLedgerStore(path: path) }
        if case .storage? = error {} else { Issue.record("expected LedgerError.storage, got \(String(describing: error))") }
    }

    @Test("two stores on one file appending concurrently never fork the log")
    func concurrentWriters() throws {
        let f = try StoreKind.sqlite.make()
        let other = try SQLiteLedgerStore(path: f.path)
        let stores: [any LedgerStore] = [f.store, other]
        let perWriter = 25
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 2) { w in
            for i in 0..<perWriter {
                do { try StoreFixture.append([[UInt8(w), UInt8(i)]], to: stores[w]) } catch { failures.add("\(error)") }
            }
        }
        #expect(failures.list.isEmpty, "\(failures.list)")
        let (entries, nodes, _) = try Self.contents(f.store)
        #expect(entries.count == 2 * perWriter)
        #expect(Set(entries).count == 2 * perWriter)
        var range = CompactRange()
        var expected: [Hash] = []
        for e in entries { expected += range.append(TreeHasher.leafHash(e)).map(\.1) }
        #expect(nodes == expected)
    }
}

/// Collects errors from concurrent work.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.withLock { items.append(s) } }
    var list: [String] { lock.withLock { items } }
}
