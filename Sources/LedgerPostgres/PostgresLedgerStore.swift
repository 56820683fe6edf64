import Foundation
import LedgerCore
import Logging
import PostgresNIO

/// The ledger in a PostgreSQL database (issue 20, decision 018): the same protocol and guarantees as
/// `SQLiteLedgerStore`, for a deployment whose operators run PostgreSQL with a standby.
///
/// Reads run in `REPEATABLE READ READ ONLY` transactions (one snapshot, and they work on a hot standby). Every
/// write is one transaction that first takes the ledger's advisory lock (`pg_advisory_xact_lock`): one writer
/// appends at a time across all daemons and CLIs on the database, the lock goes with the transaction (a killed
/// writer's lock is released with its connection), and a writer waits at most `writer_wait` seconds for it.
public final class PostgresLedgerStore: LedgerStore, @unchecked Sendable {
    public let location: PostgresLocation
    let readers: ConnectionPool
    /// One connection: the pool's capacity of 1 also makes this process's writes take turns.
    let writer: ConnectionPool
    let logger: Logger

    /// Opens the ledger in the database `location` names.
    ///
    /// - Parameters:
    ///   - create: create the ledger's tables when the database has none (`hwledger init`); otherwise a database
    ///     without them is an error. The database itself must exist.
    ///   - readers: connections kept for concurrent reads.
    /// - Throws: ``LedgerError`` naming the server and what failed (unreachable, login refused, no such database,
    ///   not a ledger, another schema version).
    public init(location: PostgresLocation, create: Bool = false, readers: Int = 4, logger: Logger = Logger(label: "hwledger.postgres")) throws(LedgerError) {
        self.location = location
        self.logger = logger
        self.readers = ConnectionPool(location: location, capacity: readers, logger: logger)
        writer = ConnectionPool(location: location, capacity: 1, logger: logger)
        do {
            try self.readers.with { c in
                let version = try Self.schemaVersion(c)
                if version == nil {
                    guard create else {
                        throw LedgerError.storage("no ledger database at \(location.redacted): the database holds no hwledger tables (run hwledger init --db)")
                    }
                    try Self.createSchema(c)
                } else if version != PostgresSchema.version {
                    throw LedgerError.storage("\(location.redacted) holds hwledger schema version \(version!), this build reads version \(PostgresSchema.version)")
                }
            }
        } catch let e as LedgerError {
            throw e
        } catch {
            throw .storage("cannot open \(location.redacted): \(error)")
        }
    }

    /// Parses `url` and opens the ledger there.
    public convenience init(url: String, create: Bool = false, logger: Logger = Logger(label: "hwledger.postgres")) throws(LedgerError) {
        try self.init(location: PostgresLocation(url: url), create: create, logger: logger)
    }

    /// Closes the connections.
    public func close() {
        readers.close()
        writer.close()
    }

    static func schemaVersion(_ c: BlockingConnection) throws(LedgerError) -> Int? {
        let rows = try c.query("SELECT to_regclass('hwledger_schema') IS NOT NULL")
        guard let row = rows.first, (try? row.decode(Bool.self)) == true else { return nil }
        let versions = try c.query("SELECT max(version) FROM hwledger_schema")
        return versions.first.flatMap { try? $0.decode(Int?.self) } ?? nil
    }

    /// Creates the tables under an advisory lock, so two `init`s racing on one database create them once.
    static func createSchema(_ c: BlockingConnection) throws(LedgerError) {
        try c.execute("BEGIN")
        do throws(LedgerError) {
            try c.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.schemaLockKey))")
            if try schemaVersion(c) == nil {
                for statement in PostgresSchema.v1 { try c.execute(statement) }
            }
            try c.execute("COMMIT")
        } catch {
            try? c.execute("ROLLBACK")
            throw error
        }
    }

    public func read<T>(_ body: (any LedgerReader) throws -> T) throws -> T {
        try readers.with { c in
            try c.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            let transaction = PostgresTransaction(c)
            do {
                let result = try body(transaction)
                try c.execute("COMMIT")
                return result
            } catch {
                try? c.execute("ROLLBACK")
                throw error
            }
        }
    }

    public func write<T>(_ body: (any LedgerWriter) throws -> T) throws -> T {
        try writer.with { c in
            let waitMillis = Int(location.writerWaitSeconds * 1000)
            do {
                try c.execute("BEGIN")
                // lock_timeout set for this transaction first (the subquery), then the lock waited for.
                try c.execute(
                    "SELECT pg_advisory_xact_lock(\(PostgresSchema.writerLockKey)) FROM (SELECT set_config('lock_timeout', '\(max(1, waitMillis))', true)) AS t")
                let transaction = PostgresTransaction(c)
                let result = try body(transaction)
                try transaction.flush()
                try c.execute("COMMIT")
                return result
            } catch {
                try? c.execute("ROLLBACK")
                if c.isClosed {
                    logger.warning("lost the connection to the database during a write; it was rolled back", metadata: ["db": "\(location.redacted)"])
                }
                throw error
            }
        }
    }

    /// The server's replay lag when it is a standby: seconds since the last transaction it replayed was committed on
    /// the primary (0 when it has replayed everything it received and nothing is pending); nil on a primary.
    public func replicationLag() throws -> Double? {
        try readers.with { c -> Double? in
            let rows = try c.query("""
                SELECT pg_is_in_recovery(),
                       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)::float8 END
                """)
            guard let row = rows.first, let (standby, lag) = try? row.decode((Bool, Double?).self), standby else { return nil }
            return lag ?? 0
        }
    }
}
