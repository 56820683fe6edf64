import Foundation
import GRDB
import LedgerCore

extension SQLiteLedgerStore {
    /// Copies a consistent snapshot of the ledger into a new database file at `path`, with SQLite's online backup
    /// API (`sqlite3_backup_*`) run on one of the pool's reader connections.
    ///
    /// The copy is taken inside one read transaction: in WAL mode that pins a snapshot, so writers (the daemon, a
    /// `submit`) go on appending while pages are copied, and the copy holds exactly the entries, tree nodes,
    /// checkpoints and projections of one committed state. Appends made meanwhile are not in it.
    ///
    /// It does not verify the copy (open it and verify it), does not fsync it beyond what SQLite does when the
    /// destination connection closes, and refuses nothing: the caller picks a path that does not exist.
    ///
    /// - Parameters:
    ///   - path: the destination file; created.
    ///   - pagesPerStep: pages copied between two calls of `progress`.
    ///   - progress: told `(pages copied, pages in all)` after each step.
    /// - Throws: ``LedgerError/storage(_:)`` (or its full-disk and I/O forms) naming the failing side.
    public func backup(to path: String, pagesPerStep: Int32 = 2048, progress: (Int, Int) -> Void = { _, _ in }) throws(LedgerError) {
        do {
            let destination = try DatabaseQueue(path: path)
            defer { try? destination.close() }
            try withoutActuallyEscaping(progress) { progress in
                try pool.backup(to: destination, pagesPerStep: pagesPerStep) { step in
                    progress(step.completedPageCount, step.totalPageCount)
                }
            }
            // A file that holds everything by itself: no WAL beside it once the connection is closed.
            try destination.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        } catch let error as DatabaseError {
            throw Self.failure(error, path: path)
        } catch {
            throw .storage("cannot back up \(self.path) to \(path): \(error)")
        }
    }

    /// SQLite's own structural check of the file (`PRAGMA integrity_check`): b-trees, indexes, free pages, page
    /// accounting. It says nothing about the ledger's contents: that is the ledger's verification.
    ///
    /// - Returns: the problems SQLite names (at most `limit`); empty when the file is sound.
    public func structuralProblems(limit: Int = 20) throws(LedgerError) -> [String] {
        do {
            let rows = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check(\(max(1, limit)))") }
            return rows == ["ok"] ? [] : rows
        } catch let error as DatabaseError {
            throw Self.failure(error, path: path)
        } catch {
            throw .storage("cannot check \(path): \(error)")
        }
    }

    /// Folds the WAL into the database file and closes every connection, so that the file alone holds the ledger
    /// and may be renamed. The store must not be used afterwards.
    public func close() throws(LedgerError) {
        do {
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try pool.close()
        } catch let error as DatabaseError {
            throw Self.failure(error, path: path)
        } catch {
            throw .storage("cannot close \(path): \(error)")
        }
    }

    /// Checks that the database file at `path` is as long as its header says (page size × in-header page count), so
    /// that a truncated copy is refused even when the pages it lost held nothing SQLite or the ledger reads: SQLite
    /// reads missing pages as zeros. Only for a file no connection has open with a WAL beside it.
    ///
    /// - Throws: ``LedgerError/integrity(index:_:)`` naming both lengths; ``LedgerError/storage(_:)`` when the file
    ///   cannot be read.
    public static func checkFileLength(at path: String) throws(LedgerError) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .storage("cannot read \(path)") }
        defer { try? handle.close() }
        let header = [UInt8]((try? handle.read(upToCount: 100)) ?? Data())
        let length = (try? handle.seekToEnd()) ?? 0
        guard header.count == 100, header.starts(with: Array("SQLite format 3\u{0}".utf8)) else {
            throw .integrity(index: nil, "the file is not an SQLite database (no SQLite header)")
        }
        func u32(_ at: Int) -> UInt64 { header[at..<(at + 4)].reduce(0) { $0 << 8 | UInt64($1) } }
        let rawPageSize = UInt64(header[16]) << 8 | UInt64(header[17])
        let pageSize = rawPageSize == 1 ? 65536 : rawPageSize
        let pages = u32(28)
        // The in-header page count is valid only when "version-valid-for" equals the change counter.
        guard u32(92) == u32(24), pages > 0 else { return }
        guard length == pages * pageSize else {
            throw .integrity(
                index: nil, "the file is \(length) bytes but its header says \(pages) pages of \(pageSize) bytes (\(pages * pageSize)): it was truncated or extended")
        }
    }
}
