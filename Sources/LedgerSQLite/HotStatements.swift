import GRDB
import GRDBSQLite

/// The statements every append and every read-model change runs (a point read, put and delete of a projection row,
/// an entry and its tree nodes), bound and stepped through SQLite's C API on GRDB's cached statements.
///
/// GRDB's `execute(arguments:)` and `fetchOne` box each argument as a `DatabaseValue` (a blob copied into `Data`) and
/// validate the statement's arguments on every call: 13 % of the writer's time in a bulk submit, beside SQLite's own
/// 32 % (perf, 2×10^4 manifests). Here strings and bytes are bound as they are and a row's blob is copied once.
extension SQLiteLedgerStore.Transaction {
    /// Binds with `bind`, steps `statement` once and hands a row, if there is one, to `row`; the statement is reset
    /// and its bindings cleared whatever happens. A SQLite error is thrown as GRDB's `DatabaseError`, as GRDB would.
    func step<T>(_ statement: Statement, bind: (OpaquePointer) -> Int32, row: (OpaquePointer) -> T) throws -> T? {
        let s = statement.sqliteStatement
        defer {
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
        }
        var code = bind(s)
        if code == SQLITE_OK { code = sqlite3_step(s) }
        switch code {
        case SQLITE_ROW: return row(s)
        case SQLITE_DONE: return nil
        default:
            let connection = sqlite3_db_handle(s)
            throw DatabaseError(
                resultCode: ResultCode(rawValue: sqlite3_extended_errcode(connection)),
                message: String(cString: sqlite3_errmsg(connection)), sql: statement.sql)
        }
    }

    /// Runs a statement that returns no row.
    func run(_ sql: String, bind: (OpaquePointer) -> Int32) throws {
        _ = try step(db.cachedStatement(sql: sql), bind: bind) { _ in () }
    }

    /// The first column of the first row as bytes (a blob, or text as UTF-8); nil when there is no row.
    func fetchBytes(_ sql: String, bind: (OpaquePointer) -> Int32) throws -> [UInt8]? {
        try step(db.cachedStatement(sql: sql), bind: bind) { s in
            let count = Int(sqlite3_column_bytes(s, 0))
            guard count > 0, let base = sqlite3_column_blob(s, 0) else { return [] }
            return Array(UnsafeRawBufferPointer(start: base, count: count))
        }
    }
}

/// Parameter binding for ``SQLiteLedgerStore/Transaction/step(_:bind:row:)``: each returns SQLite's result code;
/// ``all(_:)`` reports the first that failed, and the statement is then not stepped.
enum Bind {
    /// SQLite copies the bytes before the call returns, so Swift's buffers need not outlive it.
    nonisolated(unsafe) static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static func text(_ s: OpaquePointer, _ index: Int32, _ value: String) -> Int32 {
        var value = value
        return value.withUTF8 { utf8 in
            guard let base = utf8.baseAddress, !utf8.isEmpty else { return sqlite3_bind_text(s, index, "", 0, transient) }
            return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { sqlite3_bind_text(s, index, $0, Int32(utf8.count), transient) }
        }
    }

    /// An empty array is bound as an empty blob, never NULL.
    static func blob(_ s: OpaquePointer, _ index: Int32, _ value: [UInt8]) -> Int32 {
        value.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_zeroblob(s, index, 0) }
            return sqlite3_bind_blob(s, index, base, Int32(bytes.count), transient)
        }
    }

    static func int(_ s: OpaquePointer, _ index: Int32, _ value: Int64) -> Int32 { sqlite3_bind_int64(s, index, value) }

    /// The codes of several bindings in order: SQLITE_OK, or the first that is not.
    static func all(_ codes: Int32...) -> Int32 { codes.first { $0 != SQLITE_OK } ?? SQLITE_OK }
}
