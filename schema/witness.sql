-- hwledger witness state, version 1 (`hwledger witness serve --db STATE.sqlite`).
-- LedgerSQLite's SQLiteWitnessStore migration "witness-v1" creates exactly these objects; SchemaSnapshotTests checks
-- that they agree. WAL with synchronous=FULL; every add-checkpoint is one BEGIN IMMEDIATE transaction that reads the
-- held size, checks the request and stores the new state before the cosignature is returned.

-- logs: per log origin, the latest checkpoint this witness cosigned (C2SP tlog-witness "latest cosigned checkpoint").
CREATE TABLE logs (
    -- origin: the checkpoint origin line, e.g. hwledger.example/sc-cq.
    origin TEXT PRIMARY KEY NOT NULL,
    -- size: the tree size of the latest cosigned checkpoint.
    size INTEGER NOT NULL CHECK (size >= 0),
    -- root: its 32-byte root hash.
    root BLOB NOT NULL CHECK (length(root) = 32),
    -- note: the signed checkpoint as the log sent it (text and the log's signature lines).
    note TEXT NOT NULL
);
-- The held state only moves forward: a smaller size, or the same size with another root, is refused.
CREATE TRIGGER logs_refuse_shrink BEFORE UPDATE ON logs
WHEN NEW.size < OLD.size OR (NEW.size = OLD.size AND NEW.root != OLD.root)
BEGIN SELECT RAISE(ABORT, 'a witness never rolls a log back'); END;

-- evidence: validly signed checkpoints refused because they cannot be consistent with the held one (a consistency
-- proof that does not verify, or the same size with another root): proof of a fork or split view. Append-only.
CREATE TABLE evidence (
    -- id: record number, in arrival order.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- origin: the log's origin.
    origin TEXT NOT NULL,
    -- received_at: POSIX seconds at which the request arrived.
    received_at INTEGER NOT NULL,
    -- reason: why the checkpoint was refused, a sentence.
    reason TEXT NOT NULL,
    -- held_note: the checkpoint the witness held at the time, as the log had sent it.
    held_note TEXT NOT NULL,
    -- old_size: the request's "old N" size.
    old_size INTEGER NOT NULL CHECK (old_size >= 0),
    -- proof: the request's consistency proof, one base64 hash a line.
    proof TEXT NOT NULL,
    -- submitted_note: the refused checkpoint, with the log's signature lines.
    submitted_note TEXT NOT NULL
);
CREATE TRIGGER evidence_refuse_update BEFORE UPDATE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is append-only: UPDATE refused'); END;
CREATE TRIGGER evidence_refuse_delete BEFORE DELETE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is append-only: DELETE refused'); END;
