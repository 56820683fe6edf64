-- hwledger PostgreSQL schema, version 1 (issue 20, docs/decisions/018). `hwledger init --db postgres://…` creates
-- exactly these objects, as the database's owner (LedgerPostgres/PostgresSchema.swift); PostgresSchemaFileTests checks
-- that they agree. Same tables as the SQLite schema (schema/ledger.sql), in PostgreSQL's types.
--
-- Append-only: entries, tree_nodes, checkpoints and cosignatures refuse UPDATE, DELETE and TRUNCATE by trigger, for
-- every role including the owner. The daemon's role should hold only:
--   GRANT SELECT, INSERT ON entries, tree_nodes, checkpoints, cosignatures TO hwledger_writer;
--   GRANT SELECT, INSERT, UPDATE, DELETE ON projections, meta TO hwledger_writer;
--   GRANT SELECT ON hwledger_schema TO hwledger_writer;
-- Writers serialise on a transaction-scoped advisory lock (pg_advisory_xact_lock(0x68776c6564676572), "hwledger").

-- hwledger_schema: the schema version this database holds.
CREATE TABLE hwledger_schema (
    version INTEGER PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- entries: the log, one row per entry in index order, holding the exact canonical JSON bytes the leaf hash covers.
CREATE TABLE entries (
    idx BIGINT PRIMARY KEY CHECK (idx >= 0),
    data BYTEA NOT NULL CHECK (octet_length(data) < 65535)
);

-- tree_nodes: every perfect subtree's hash (RFC 9162), keyed by its storage id in completion order.
CREATE TABLE tree_nodes (
    id BIGINT PRIMARY KEY CHECK (id >= 0),
    hash BYTEA NOT NULL CHECK (octet_length(hash) = 32)
);

-- checkpoints: every signed checkpoint (C2SP signed note) by tree size, its note kept byte for byte.
CREATE TABLE checkpoints (
    size BIGINT PRIMARY KEY CHECK (size >= 0),
    root BYTEA NOT NULL CHECK (octet_length(root) = 32),
    note TEXT NOT NULL
);

-- cosignatures: witness cosignature lines (C2SP tlog-cosignature) of stored checkpoints, one per witness.
CREATE TABLE cosignatures (
    size BIGINT NOT NULL REFERENCES checkpoints (size),
    witness TEXT COLLATE "C" NOT NULL,
    line TEXT NOT NULL,
    PRIMARY KEY (size, witness)
);

-- projections: derived state, rebuilt from the entries by replay and compared by verify / rebuild --check.
-- Keys compare as bytes (COLLATE "C"), as SQLite's and the in-memory store's do.
CREATE TABLE projections (
    kind TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C" NOT NULL,
    value BYTEA NOT NULL,
    PRIMARY KEY (kind, key)
);

-- meta: ledger settings (origin, operator key path, reference data path).
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE FUNCTION hwledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER entries_refuse_update BEFORE UPDATE ON entries FOR EACH ROW EXECUTE FUNCTION hwledger_refuse_change();
CREATE TRIGGER entries_refuse_delete BEFORE DELETE ON entries FOR EACH ROW EXECUTE FUNCTION hwledger_refuse_change();
CREATE TRIGGER entries_refuse_truncate BEFORE TRUNCATE ON entries FOR EACH STATEMENT EXECUTE FUNCTION hwledger_refuse_change();
CREATE TRIGGER tree_nodes_refuse_update BEFORE UPDATE ON tree_nodes FOR EACH ROW EXECUTE FUNCTION hwledger_refuse_change();
CREATE TRIGGER tree_nodes_refuse_delete BEFORE DELETE ON tree_nodes FOR EACH ROW EXECUTE FUNCTION hwledger_refuse_change();
CREATE TRIGGER tree_nodes_refuse_truncate BEFORE TRUNCATE ON tree_nodes FOR EACH STATEMENT EXECUTE FUNCTION hwledger_refuse_change();
CREATE TRIGGER checkpoints_refuse_update BEFORE UPDATE ON checkpoints FOR EACH ROW EXECUTE FUNCTION hwledger_refuse_change();
CREATE TRIGGER checkpoints_refuse_delete BEFORE DELETE ON checkpoints FOR EACH ROW EXECUTE FUNCTION hwledger_refuse_change();
CREATE TRIGGER checkpoints_refuse_truncate BEFORE TRUNCATE ON checkpoints FOR EACH STATEMENT EXECUTE FUNCTION hwledger_refuse_change();
CREATE TRIGGER cosignatures_refuse_update BEFORE UPDATE ON cosignatures FOR EACH ROW EXECUTE FUNCTION hwledger_refuse_change();
CREATE TRIGGER cosignatures_refuse_delete BEFORE DELETE ON cosignatures FOR EACH ROW EXECUTE FUNCTION hwledger_refuse_change();
CREATE TRIGGER cosignatures_refuse_truncate BEFORE TRUNCATE ON cosignatures FOR EACH STATEMENT EXECUTE FUNCTION hwledger_refuse_change();

INSERT INTO hwledger_schema (version) VALUES (1);
