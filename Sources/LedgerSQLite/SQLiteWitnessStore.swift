import Foundation
import GRDB
import LedgerCore

/// A witness's state in one SQLite file (`schema/witness.sql`): WAL, `synchronous=FULL`, each update one
/// `BEGIN IMMEDIATE` transaction, so a check-and-persist survives SIGKILL whole or not at all.
public final class SQLiteWitnessStore: WitnessStateStore, Sendable {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) the witness state file at `path`.
    ///
    /// - Throws: ``LedgerError/storage(_:)`` when it cannot be opened or migrated.
    public init(path: String) throws(LedgerError) {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(60)
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try Self.migrator.migrate(pool)
        } catch {
            throw .storage("cannot open witness state \(path): \(SQLiteLedgerStore.describe(error))")
        }
    }

    public func update<T>(_ body: (any WitnessStateTransaction) throws -> T) throws -> T {
        do {
            return try SQLiteLedgerStore.immediate(pool) { try body(Transaction($0)) }
        } catch let error as DatabaseError {
            throw SQLiteLedgerStore.failure(error, path: path)
        }
    }

    public func states() throws -> [WitnessLogState] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT origin, size, root, note FROM logs ORDER BY origin").map(Transaction.state) }
    }

    public func evidence() throws -> [WitnessEvidence] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, origin, received_at, reason, held_note, old_size, proof, submitted_note FROM evidence ORDER BY id"
            ).map { row in
                let proofText: String = row[6]
                let proof = proofText.split(separator: "\n").compactMap { Hash(base64: String($0)) }
                return WitnessEvidence(
                    id: row[0], origin: row[1], receivedAt: row[2], reason: row[3], heldNote: row[4],
                    oldSize: UInt64(row[5] as Int64), proof: proof, submittedNote: row[7])
            }
        }
    }

    final class Transaction: WitnessStateTransaction {
        let db: Database
        init(_ db: Database) { self.db = db }

        static func state(_ row: Row) throws -> WitnessLogState {
            let root: Data = row[2]
            guard let hash = Hash(bytes: root) else { throw LedgerError.storage("witness state root is not 32 bytes") }
            return WitnessLogState(origin: row[0], size: UInt64(row[1] as Int64), root: hash, note: row[3])
        }

        func state(origin: String) throws -> WitnessLogState? {
            try Row.fetchOne(db, sql: "SELECT origin, size, root, note FROM logs WHERE origin = ?", arguments: [origin]).map(Self.state)
        }

        func setState(_ state: WitnessLogState) throws {
            try db.execute(
                sql: """
                    INSERT INTO logs (origin, size, root, note) VALUES (?, ?, ?, ?)
                    ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, note = excluded.note
                    """,
                arguments: [state.origin, Int64(state.size), Data(state.root.bytes), state.note])
        }

        func addEvidence(_ evidence: WitnessEvidence) throws {
            try db.execute(
                sql: """
                    INSERT INTO evidence (origin, received_at, reason, held_note, old_size, proof, submitted_note)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    evidence.origin, evidence.receivedAt, evidence.reason, evidence.heldNote, Int64(evidence.oldSize),
                    evidence.proof.map { $0.base64 + "\n" }.joined(), evidence.submittedNote,
                ])
        }
    }

    /// Append-only migrations of the witness file; `schema/witness.sql` is the current schema.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("witness-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE logs (
                        origin TEXT PRIMARY KEY NOT NULL,
                        size INTEGER NOT NULL CHECK (size >= 0),
                        root BLOB NOT NULL CHECK (length(root) = 32),
                        note TEXT NOT NULL
                    );
                    CREATE TRIGGER logs_refuse_shrink BEFORE UPDATE ON logs
                    WHEN NEW.size < OLD.size OR (NEW.size = OLD.size AND NEW.root != OLD.root)
                    BEGIN SELECT RAISE(ABORT, 'a witness never rolls a log back'); END;
                    CREATE TABLE evidence (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        origin TEXT NOT NULL,
                        received_at INTEGER NOT NULL,
                        reason TEXT NOT NULL,
                        held_note TEXT NOT NULL,
                        old_size INTEGER NOT NULL CHECK (old_size >= 0),
                        proof TEXT NOT NULL,
                        submitted_note TEXT NOT NULL
                    );
                    CREATE TRIGGER evidence_refuse_update BEFORE UPDATE ON evidence
                    BEGIN SELECT RAISE(ABORT, 'evidence is append-only: UPDATE refused'); END;
                    CREATE TRIGGER evidence_refuse_delete BEFORE DELETE ON evidence
                    BEGIN SELECT RAISE(ABORT, 'evidence is append-only: DELETE refused'); END;
                    """)
        }
        return migrator
    }
}
