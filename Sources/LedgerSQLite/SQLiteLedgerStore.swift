import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB
import LedgerCore

/// The ledger in one SQLite file (system libsqlite3 through GRDB): WAL, `synchronous=FULL`, every write one
/// `BEGIN IMMEDIATE` transaction. Two processes may write the same file; SQLite's lock serialises them and each
/// re-reads the right edge inside its transaction.
public final class SQLiteLedgerStore: LedgerStore, Sendable {
    let pool: DatabasePool
    /// The database file.
    public let path: String

    /// Opens the ledger at `path`.
    ///
    /// - Parameters:
    ///   - create: create the file if it does not exist; otherwise a missing file is an error.
    ///   - durable: `synchronous=FULL` (the default). Only scratch databases (projection replays that are thrown
    ///     away) pass false.
    ///   - writerCacheKiB: the writer connection's page cache (``writerCacheKiB``; scratch stores: ``scratchCacheKiB``).
    /// - Throws: ``LedgerError/storage(_:)`` when the file cannot be opened or migrated.
    public init(path: String, create: Bool = false, durable: Bool = true, writerCacheKiB: Int = writerCacheKiB) throws(LedgerError) {
        self.path = path
        if !create, !FileManager.default.fileExists(atPath: path) {
            throw .storage("no ledger database at \(path)")
        }
        var config = Configuration()
        config.busyMode = .timeout(60)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // Debian's libsqlite3 is built with SECURE_DELETE: every deleted row, and every page of a table emptied
            // by a projection rebuild, would be overwritten with zeros — a 6 GB write to empty a verifier's replayed
            // projections at 10^6 manifests. What is deleted here is derived from entries that stay in the file
            // (projections are rewritten from them), so zeroing protects nothing: FAST zeroes only where it costs no
            // extra I/O.
            try db.execute(sql: "PRAGMA secure_delete = FAST")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try pool.writeWithoutTransaction { db in
                // GRDB's WAL setup leaves synchronous at NORMAL; durability is part of the contract.
                try db.execute(sql: durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF")
                // Appends look up nonces, keys and records by random keys; past a million entries the default 2 MiB
                // page cache turns those into disk reads (the benchmark's submit rate fell by a third). The writer
                // gets 32 MiB; readers keep the default, so verify's memory stays flat.
                try db.execute(sql: "PRAGMA cache_size = -\(max(2048, writerCacheKiB))")
                // SQLite folds the WAL into the file after any commit that leaves it past 1,000 pages, so with a bulk
                // submit's thousands of pages per commit every page a transaction changed was copied twice, once to
                // the WAL and once to the file, even the pages every transaction changes again (the right edge of
                // the entries and tree nodes, count rows, the newest rows of each index). Past 16,384 pages (64 MiB),
                // a checkpoint copies each of them once for several transactions: a 3×10^4-manifest build wrote
                // 2.3 GB instead of 3.5 GB.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.walAutocheckpointPages)")
            }
            try Migrations.migrator.migrate(pool)
        } catch {
            throw .storage("cannot open ledger database \(path): \(Self.describe(error))")
        }
    }

    /// The WAL size, in pages, past which a commit folds it into the database file.
    public static let walAutocheckpointPages = 16384
    /// The page cache of a ledger's writer connection, KiB.
    public static let writerCacheKiB = 32768
    /// The page cache of a scratch store's writer (a verification's replayed projections), KiB: a verify holds it
    /// beside the ledger's reader and two chunks of parsed entries. With 32 MiB a full verify of the bench's 10^4
    /// ledger peaked at 89 MB (6.7 s), with 8 MiB at 63 MB (5.9 s): the operating system's file cache still holds
    /// the scratch file, so a miss is a copy, not a seek.
    public static let scratchCacheKiB = 8192

    /// A throw-away store in a new temporary directory, removed by ``removeScratch()``.
    public static func scratch() throws(LedgerError) -> SQLiteLedgerStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hwledger-scratch-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw .storage("cannot create a scratch directory: \(error)")
        }
        return try SQLiteLedgerStore(path: dir.appendingPathComponent("scratch.sqlite").path, create: true, durable: false, writerCacheKiB: scratchCacheKiB)
    }

    /// Deletes a scratch store's directory.
    public func removeScratch() {
        try? pool.close()
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    /// Closes the store (the last connection folds the WAL into the file) and syncs the file to disk: what a
    /// non-durable store kept for a later run (a verifier's projections) needs before its state is written.
    public func closeSynced() throws(LedgerError) {
        do { try pool.close() } catch { throw .storage("cannot close \(path): \(error)") }
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
            let fd = open(path + suffix, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .storage("cannot open \(path + suffix) to sync it") }
            defer { Glibc.close(fd) }
            guard fsync(fd) == 0 else { throw .storage("cannot sync \(path + suffix): \(String(cString: strerror(errno)))") }
        }
    }

    /// The writer connection's `PRAGMA synchronous` (2 = FULL).
    public func synchronousMode() throws -> Int { try writerPragma("synchronous") }

    /// The writer connection's `PRAGMA wal_autocheckpoint` (pages).
    public func walAutocheckpoint() throws -> Int { try writerPragma("wal_autocheckpoint") }

    /// `PRAGMA secure_delete` of the writer and of a reader connection (2 = FAST).
    public func secureDeleteModes() throws -> (writer: Int, reader: Int) {
        (try writerPragma("secure_delete"), try pool.read { try Int.fetchOne($0, sql: "PRAGMA secure_delete") ?? -1 })
    }

    /// An integer setting of the writer connection; -1 when SQLite gives none.
    func writerPragma(_ name: String) throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA \(name)") ?? -1 }
    }

    public func read<T>(_ body: (any LedgerReader) throws -> T) throws -> T {
        do {
            return try pool.read { db in try body(Transaction(db)) }
        } catch let error as DatabaseError {
            throw Self.failure(error, path: path)
        }
    }

    public func write<T>(_ body: (any LedgerWriter) throws -> T) throws -> T {
        do {
            return try Self.immediate(pool) { try body(Transaction($0)) }
        } catch let error as DatabaseError {
            throw Self.failure(error, path: path)
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction on `pool`'s writer, committed when it returns (rolled back
    /// whole when it throws or the commit fails); SQLite errors are thrown as they come.
    static func immediate<T>(_ pool: DatabasePool, _ body: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    /// A SQLite error of the database at `path` as the ledger's error: a full file system and an I/O failure are
    /// named as such (the daemon answers them 507 and 503, the CLI names the disk), anything else is ``LedgerError/storage(_:)``.
    static func failure(_ error: DatabaseError, path: String) -> LedgerError {
        let detail = describe(error)
        switch error.resultCode {
        case .SQLITE_FULL:
            return .storageFull("the file system holding \(path) is full (\(detail)); nothing of the failed write was kept")
        case .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN:
            return .storageIO("\(path) could not be read or written (\(detail)); nothing of the failed write was kept")
        default:
            return .storage(detail)
        }
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? DatabaseError {
            return "SQLite error \(e.resultCode.rawValue): \(e.message ?? "\(e.resultCode)")"
        }
        return "\(error)"
    }

    /// Reads and writes on one connection inside one transaction.
    final class Transaction: LedgerWriter {
        let db: Database
        init(_ db: Database) { self.db = db }

        func treeSize() throws -> UInt64 {
            let max = try Int64.fetchOne(db, sql: "SELECT max(idx) FROM entries")
            return max.map { UInt64($0) + 1 } ?? 0
        }

        func entry(at index: UInt64) throws -> [UInt8] {
            guard let data = try Data.fetchOne(db.cachedStatement(sql: "SELECT data FROM entries WHERE idx = ?"), arguments: [Int64(index)])
            else { throw LedgerError.outOfRange("no entry \(index)") }
            return Array(data)
        }

        func forEachEntry(from: UInt64, to: UInt64, _ body: (UInt64, [UInt8]) throws -> Bool) throws {
            let upper = to > UInt64(Int64.max) ? Int64.max : Int64(to)
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT idx, data FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx",
                arguments: [Int64(from), upper])
            while let row = try cursor.next() {
                let idx: Int64 = row[0]
                let data: Data = row[1]
                guard try body(UInt64(idx), Array(data)) else { return }
            }
        }

        func nodeHash(_ id: NodeID) throws -> Hash {
            guard let data = try Data.fetchOne(db.cachedStatement(sql: "SELECT hash FROM tree_nodes WHERE id = ?"), arguments: [Int64(id.storageID)]),
                let hash = Hash(bytes: data)
            else { throw LedgerError.integrity(index: nil, "tree node \(id) is missing") }
            return hash
        }

        func forEachNode(fromStorageID: UInt64, to: UInt64, _ body: (UInt64, Hash) throws -> Bool) throws {
            let upper = to > UInt64(Int64.max) ? Int64.max : Int64(to)
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT id, hash FROM tree_nodes WHERE id >= ? AND id < ? ORDER BY id",
                arguments: [Int64(fromStorageID), upper])
            while let row = try cursor.next() {
                let id: Int64 = row[0]
                let data: Data = row[1]
                guard let hash = Hash(bytes: data) else { throw LedgerError.integrity(index: nil, "tree node \(id) is not 32 bytes") }
                guard try body(UInt64(id), hash) else { return }
            }
        }

        func checkpoints() throws -> [StoredCheckpoint] {
            try Row.fetchAll(db, sql: "SELECT size, root, note FROM checkpoints ORDER BY size").map(Self.checkpoint)
        }

        func latestCheckpoint() throws -> StoredCheckpoint? {
            try Row.fetchOne(db, sql: "SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1").map(Self.checkpoint)
        }

        func checkpoint(size: UInt64) throws -> StoredCheckpoint? {
            try Row.fetchOne(db, sql: "SELECT size, root, note FROM checkpoints WHERE size = ?", arguments: [Int64(size)]).map(Self.checkpoint)
        }

        static func checkpoint(_ row: Row) throws -> StoredCheckpoint {
            let size: Int64 = row[0]
            let root: Data = row[1]
            guard let hash = Hash(bytes: root) else { throw LedgerError.integrity(index: nil, "checkpoint root is not 32 bytes") }
            return StoredCheckpoint(size: UInt64(size), root: hash, note: row[2])
        }

        func projection(kind: String, key: String) throws -> [UInt8]? {
            try fetchBytes("SELECT value FROM projections WHERE kind = ? AND key = ?") { s in
                Bind.all(Bind.text(s, 1, kind), Bind.text(s, 2, key))
            }
        }

        func forEachProjection(kind: String, after afterKey: String?, _ body: (String, [UInt8]) throws -> Bool) throws {
            let cursor = try afterKey.map {
                try Row.fetchCursor(db, sql: "SELECT key, value FROM projections WHERE kind = ? AND key > ? ORDER BY key", arguments: [kind, $0])
            } ?? Row.fetchCursor(db, sql: "SELECT key, value FROM projections WHERE kind = ? ORDER BY key", arguments: [kind])
            while let row = try cursor.next() {
                let data: Data = row[1]
                guard try body(row[0], Array(data)) else { return }
            }
        }

        func projectionKinds() throws -> [String] {
            try String.fetchAll(db, sql: "SELECT DISTINCT kind FROM projections ORDER BY kind")
        }

        func meta(_ key: String) throws -> String? {
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
        }

        func missingGuards() throws -> [String] {
            let present = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            return Migrations.guardTriggers.filter { !present.contains($0) }
        }

        func appendEntry(index: UInt64, bytes: [UInt8], nodes: [(NodeID, Hash)]) throws {
            try run("INSERT INTO entries (idx, data) VALUES (?, ?)") { s in
                Bind.all(Bind.int(s, 1, Int64(index)), Bind.blob(s, 2, bytes))
            }
            let insertNode = try db.cachedStatement(sql: "INSERT INTO tree_nodes (id, hash) VALUES (?, ?)")
            for (id, hash) in nodes {
                _ = try step(insertNode, bind: { s in Bind.all(Bind.int(s, 1, Int64(id.storageID)), Bind.blob(s, 2, hash.bytes)) }) { _ in () }
            }
        }

        func putProjection(kind: String, key: String, value: [UInt8]) throws {
            try run("INSERT OR REPLACE INTO projections (kind, key, value) VALUES (?, ?, ?)") { s in
                Bind.all(Bind.text(s, 1, kind), Bind.text(s, 2, key), Bind.blob(s, 3, value))
            }
        }

        func deleteProjection(kind: String, key: String) throws {
            try run("DELETE FROM projections WHERE kind = ? AND key = ?") { s in Bind.all(Bind.text(s, 1, kind), Bind.text(s, 2, key)) }
        }

        func deleteAllProjections() throws {
            try db.execute(sql: "DELETE FROM projections")
        }

        func insertCheckpoint(_ checkpoint: StoredCheckpoint) throws {
            try db.execute(
                sql: "INSERT INTO checkpoints (size, root, note) VALUES (?, ?, ?)",
                arguments: [Int64(checkpoint.size), Data(checkpoint.root.bytes), checkpoint.note])
        }

        func cosignatures(size: UInt64) throws -> [String] {
            try String.fetchAll(db, sql: "SELECT line FROM cosignatures WHERE size = ? ORDER BY witness", arguments: [Int64(size)])
        }

        func latestCosignedSize(witnesses: [String], quorum: Int) throws -> UInt64? {
            guard !witnesses.isEmpty else { return nil }
            let marks = Array(repeating: "?", count: witnesses.count).joined(separator: ",")
            return try Int64.fetchOne(
                db,
                sql: """
                    SELECT size FROM cosignatures WHERE witness IN (\(marks))
                    GROUP BY size HAVING count(*) >= ? ORDER BY size DESC LIMIT 1
                    """,
                arguments: StatementArguments(witnesses.map { $0 as any DatabaseValueConvertible } + [quorum])
            ).map { UInt64($0) }
        }

        func insertCosignature(size: UInt64, witness: String, line: String) throws {
            try db.execute(
                sql: "INSERT INTO cosignatures (size, witness, line) VALUES (?, ?, ?) ON CONFLICT (size, witness) DO NOTHING",
                arguments: [Int64(size), witness, line])
        }

        func setMeta(_ key: String, _ value: String) throws {
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
        }
    }
}

/// A bare table in a durable database, for measuring what SQLite alone costs to store entry bytes: the limit the
/// benchmark compares appends against.
public final class SQLiteInsertProbe {
    let queue: DatabaseQueue

    public init(path: String) throws {
        queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "CREATE TABLE raw (idx INTEGER PRIMARY KEY, data BLOB NOT NULL)")
        }
    }

    /// Inserts `rows` in transactions of `batch` rows.
    public func insert(_ rows: [[UInt8]], batch: Int) throws {
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + batch)
            try queue.write { db in
                let statement = try db.cachedStatement(sql: "INSERT INTO raw (idx, data) VALUES (?, ?)")
                for i in start..<end { try statement.execute(arguments: [i, Data(rows[i])]) }
            }
            start = end
        }
    }
}
