import GRDB

/// The schema migrations, append-only. `schema/ledger.sql` is the current schema in one file; a test checks
/// that a migrated database matches it.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2-refuse-replace") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3-witness-cosignatures") { db in
            try db.execute(sql: v3WitnessCosignatures)
        }
        return migrator
    }

    /// The triggers that make entries, tree nodes and checkpoints append-only; the daemon checks they are all there.
    static let guardTriggers = [
        "entries_refuse_update", "entries_refuse_delete", "entries_refuse_replace",
        "tree_nodes_refuse_update", "tree_nodes_refuse_delete", "tree_nodes_refuse_replace",
        "checkpoints_refuse_update", "checkpoints_refuse_delete", "checkpoints_refuse_replace",
    ]

    /// `INSERT OR REPLACE` deletes the old row without firing DELETE triggers; these refuse an insert whose key exists.
    static let v2 = """
        CREATE TRIGGER entries_refuse_replace BEFORE INSERT ON entries
        WHEN EXISTS (SELECT 1 FROM entries WHERE idx = NEW.idx)
        BEGIN SELECT RAISE(ABORT, 'entries are append-only: REPLACE refused'); END;
        CREATE TRIGGER tree_nodes_refuse_replace BEFORE INSERT ON tree_nodes
        WHEN EXISTS (SELECT 1 FROM tree_nodes WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, 'tree_nodes are append-only: REPLACE refused'); END;
        CREATE TRIGGER checkpoints_refuse_replace BEFORE INSERT ON checkpoints
        WHEN EXISTS (SELECT 1 FROM checkpoints WHERE size = NEW.size)
        BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: REPLACE refused'); END;
        """

    /// Witness cosignatures of checkpoints (C2SP tlog-cosignature), kept beside the checkpoints they cosign.
    static let v3WitnessCosignatures = """
        CREATE TABLE cosignatures (
            size INTEGER NOT NULL REFERENCES checkpoints (size),
            witness TEXT NOT NULL,
            line TEXT NOT NULL,
            PRIMARY KEY (size, witness)
        ) WITHOUT ROWID;
        CREATE TRIGGER cosignatures_refuse_update BEFORE UPDATE ON cosignatures
        BEGIN SELECT RAISE(ABORT, 'cosignatures are append-only: UPDATE refused'); END;
        CREATE TRIGGER cosignatures_refuse_delete BEFORE DELETE ON cosignatures
        BEGIN SELECT RAISE(ABORT, 'cosignatures are append-only: DELETE refused'); END;
        """

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
