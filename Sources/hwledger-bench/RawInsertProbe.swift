import LedgerSQLite

/// The raw-insert limit lives in LedgerSQLite (the only module with SQL); this is the bench's handle on it.
typealias RawInsertProbe = SQLiteInsertProbe
