import GRDB

/// The schema migrations, append-only. `schema/ledger.sql` is the current schema in one file; a test checks
/// that a migrated database matches it.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: v1)
        }
        return migrator
    }

    static let v1 = """
        CREATE TABLE entries (
            idx INTEGER PRIMARY KEY CHECK (idx >= 0),
            data BLOB NOT NULL CHECK (length(data) < 65535)
        );
        CREATE TRIGGER entries_refuse_update BEFORE UPDATE ON entries
        BEGIN SELECT RAISE(ABORT, 'entries are append-only: UPDATE refused'); END;
        CREATE TRIGGER entries_refuse_delete BEFORE DELETE ON entries
        BEGIN SELECT RAISE(ABORT, 'entries are append-only: DELETE refused'); END;
        CREATE TABLE tree_nodes (
            id INTEGER PRIMARY KEY CHECK (id >= 0),
            hash BLOB NOT NULL CHECK (length(hash) = 32)
        );
        CREATE TRIGGER tree_nodes_refuse_update BEFORE UPDATE ON tree_nodes
        BEGIN SELECT RAISE(ABORT, 'tree_nodes are append-only: UPDATE refused'); END;
        CREATE TRIGGER tree_nodes_refuse_delete BEFORE DELETE ON tree_nodes
        BEGIN SELECT RAISE(ABORT, 'tree_nodes are append-only: DELETE refused'); END;
        CREATE TABLE checkpoints (
            size INTEGER PRIMARY KEY CHECK (size >= 0),
            root BLOB NOT NULL CHECK (length(root) = 32),
            note TEXT NOT NULL
        );
        CREATE TRIGGER checkpoints_refuse_update BEFORE UPDATE ON checkpoints
        BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: UPDATE refused'); END;
        CREATE TRIGGER checkpoints_refuse_delete BEFORE DELETE ON checkpoints
        BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: DELETE refused'); END;
        CREATE TABLE projections (
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            value BLOB NOT NULL,
            PRIMARY KEY (kind, key)
        ) WITHOUT ROWID;
        CREATE TABLE meta (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        );
        """
}
