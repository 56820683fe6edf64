-- hwledger SQLite schema, version 3 (the canonical current schema).
-- LedgerSQLite's migration "v1" creates exactly these objects; SchemaSnapshotTests checks that they agree.
-- The database runs in WAL mode with synchronous=FULL: a committed append is on disk.
-- Migrations are append-only: a released migration is never edited, a change is a new migration and a new
-- version of this file.

-- entries: the log. One row per entry, in index order, holding the exact canonical JSON bytes (SPEC §3) that the
-- leaf hash covers. Append-only: the triggers below refuse UPDATE and DELETE.
CREATE TABLE entries (
    -- idx: the entry's index, 0-based and contiguous; entry 0 is ledger.genesis.
    idx INTEGER PRIMARY KEY CHECK (idx >= 0),
    -- data: the entry's canonical JSON bytes, < 65,535 bytes.
    data BLOB NOT NULL CHECK (length(data) < 65535)
);
CREATE TRIGGER entries_refuse_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'entries are append-only: UPDATE refused'); END;
CREATE TRIGGER entries_refuse_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'entries are append-only: DELETE refused'); END;
-- INSERT OR REPLACE deletes the old row without firing the DELETE trigger; this refuses an insert whose idx exists.
CREATE TRIGGER entries_refuse_replace BEFORE INSERT ON entries
WHEN EXISTS (SELECT 1 FROM entries WHERE idx = NEW.idx)
BEGIN SELECT RAISE(ABORT, 'entries are append-only: REPLACE refused'); END;

-- tree_nodes: the hash of every perfect subtree of the RFC 9162 tree over the entries, so that any proof needs
-- O(log n) reads. Node (level, index) covers leaves [index·2^level, (index+1)·2^level); level 0 is the leaf hash.
CREATE TABLE tree_nodes (
    -- id: the node's position in completion order, 2(b−1) − popcount(b−1) + level with b = (index+1)·2^level;
    -- the append of leaf i writes ids 2i − popcount(i) … 2(i+1) − popcount(i+1) − 1.
    id INTEGER PRIMARY KEY CHECK (id >= 0),
    -- hash: the 32-byte SHA-256 node hash (leaf: SHA-256(0x00 ‖ entry); node: SHA-256(0x01 ‖ left ‖ right)).
    hash BLOB NOT NULL CHECK (length(hash) = 32)
);
CREATE TRIGGER tree_nodes_refuse_update BEFORE UPDATE ON tree_nodes
BEGIN SELECT RAISE(ABORT, 'tree_nodes are append-only: UPDATE refused'); END;
CREATE TRIGGER tree_nodes_refuse_delete BEFORE DELETE ON tree_nodes
BEGIN SELECT RAISE(ABORT, 'tree_nodes are append-only: DELETE refused'); END;
CREATE TRIGGER tree_nodes_refuse_replace BEFORE INSERT ON tree_nodes
WHEN EXISTS (SELECT 1 FROM tree_nodes WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'tree_nodes are append-only: REPLACE refused'); END;

-- checkpoints: every checkpoint the ledger signed (C2SP signed notes). Each was signed only after a consistency
-- proof from the previous one verified.
CREATE TABLE checkpoints (
    -- size: the tree size the checkpoint commits to; one checkpoint per size.
    size INTEGER PRIMARY KEY CHECK (size >= 0),
    -- root: the 32-byte root hash of the tree of that size.
    root BLOB NOT NULL CHECK (length(root) = 32),
    -- note: the signed note text exactly as published.
    note TEXT NOT NULL
);
CREATE TRIGGER checkpoints_refuse_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: UPDATE refused'); END;
CREATE TRIGGER checkpoints_refuse_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: DELETE refused'); END;
CREATE TRIGGER checkpoints_refuse_replace BEFORE INSERT ON checkpoints
WHEN EXISTS (SELECT 1 FROM checkpoints WHERE size = NEW.size)
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: REPLACE refused'); END;

-- cosignatures: witnesses' C2SP tlog-cosignature/v1 lines on stored checkpoints, gathered by hwledgerd from the
-- witnesses given with --witness. A checkpoint counts as published (served at /checkpoint, used for receipts) once it
-- carries cosignatures from the quorum. Append-only; a witness's first cosignature of a checkpoint is kept.
CREATE TABLE cosignatures (
    -- size: the cosigned checkpoint's tree size.
    size INTEGER NOT NULL REFERENCES checkpoints (size),
    -- witness: the cosigner's key name.
    witness TEXT NOT NULL,
    -- line: the signature line, '— <name> base64(key id ‖ timestamp ‖ signature)', without its newline.
    line TEXT NOT NULL,
    PRIMARY KEY (size, witness)
) WITHOUT ROWID;
CREATE TRIGGER cosignatures_refuse_update BEFORE UPDATE ON cosignatures
BEGIN SELECT RAISE(ABORT, 'cosignatures are append-only: UPDATE refused'); END;
CREATE TRIGGER cosignatures_refuse_delete BEFORE DELETE ON cosignatures
BEGIN SELECT RAISE(ABORT, 'cosignatures are append-only: DELETE refused'); END;

-- projections: state derived from the entries (registry, keys, nonces, manifests, …), written in the same
-- transaction as the append that causes it. Never authoritative: `hwledger rebuild --check` and `verify` rebuild
-- it from the entries and compare.
CREATE TABLE projections (
    -- kind: the projection's name, e.g. 'enterprise', 'key', 'nonce'.
    kind TEXT NOT NULL,
    -- key: the row's key within its kind, e.g. a USCC or '<principal>/<key id>'.
    key TEXT NOT NULL,
    -- value: the derived record in ProjectionCodec's binary form (docs/decisions/019), or raw text for index rows.
    value BLOB NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;

-- meta: ledger settings, one row per setting ('origin', 'operatorKeyPath', 'schemaVersion', 'projectionFormat').
CREATE TABLE meta (
    -- key: the setting's name.
    key TEXT PRIMARY KEY NOT NULL,
    -- value: the setting's value as text.
    value TEXT NOT NULL
);
