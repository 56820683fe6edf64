/// The ledger's tables on PostgreSQL: the same ideas as the SQLite schema (`schema/ledger.sql`), in PostgreSQL's
/// types; `schema/ledger-postgres.sql` is the same schema, commented, for review (a test keeps the two equal). Entries, tree nodes, checkpoints and cosignatures are append-only: row triggers refuse UPDATE and DELETE,
/// statement triggers refuse TRUNCATE; the daemon's role should hold only SELECT and INSERT on them (README).
enum PostgresSchema {
    /// The schema version this code writes and reads.
    static let version = 1

    /// The key of the advisory lock every write transaction takes: one writer appends at a time across every daemon
    /// and CLI on the database (decision 018). "hwledger" in ASCII.
    static let writerLockKey: Int64 = 0x6877_6c65_6467_6572

    /// The advisory lock `init` holds while it creates the schema.
    static let schemaLockKey: Int64 = 0x6877_6c65_6467_6573

    /// The append-only guards, by name; a daemon refuses to start when one is missing.
    static let guardTriggers: [String] = ["entries", "tree_nodes", "checkpoints", "cosignatures"].flatMap { table in
        ["update", "delete", "truncate"].map { "\(table)_refuse_\($0)" }
    }

    /// Version 1, one statement per element (the extended protocol runs one at a time).
    static let v1: [String] = ["""
        CREATE TABLE hwledger_schema (
            version INTEGER PRIMARY KEY,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """, """
        CREATE TABLE entries (
            idx BIGINT PRIMARY KEY CHECK (idx >= 0),
            data BYTEA NOT NULL CHECK (octet_length(data) < 65535)
        )
        """, """
        CREATE TABLE tree_nodes (
            id BIGINT PRIMARY KEY CHECK (id >= 0),
            hash BYTEA NOT NULL CHECK (octet_length(hash) = 32)
        )
        """, """
        CREATE TABLE checkpoints (
            size BIGINT PRIMARY KEY CHECK (size >= 0),
            root BYTEA NOT NULL CHECK (octet_length(root) = 32),
            note TEXT NOT NULL
        )
        """, """
        CREATE TABLE cosignatures (
            size BIGINT NOT NULL REFERENCES checkpoints (size),
            witness TEXT COLLATE "C" NOT NULL,
            line TEXT NOT NULL,
            PRIMARY KEY (size, witness)
        )
        """, """
        CREATE TABLE projections (
            kind TEXT COLLATE "C" NOT NULL,
            key TEXT COLLATE "C" NOT NULL,
            value BYTEA NOT NULL,
            PRIMARY KEY (kind, key)
        )
        """, """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
        """, """
        CREATE FUNCTION hwledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
        END
        $$
        """] + ["entries", "tree_nodes", "checkpoints", "cosignatures"].flatMap { table in
            [
                "CREATE TRIGGER \(table)_refuse_update BEFORE UPDATE ON \(table) FOR EACH ROW EXECUTE FUNCTION hwledger_refuse_change()",
                "CREATE TRIGGER \(table)_refuse_delete BEFORE DELETE ON \(table) FOR EACH ROW EXECUTE FUNCTION hwledger_refuse_change()",
                "CREATE TRIGGER \(table)_refuse_truncate BEFORE TRUNCATE ON \(table) FOR EACH STATEMENT EXECUTE FUNCTION hwledger_refuse_change()",
            ]
        } + ["INSERT INTO hwledger_schema (version) VALUES (1)"]
}
