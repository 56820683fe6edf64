import Foundation
import LedgerCore
import LedgerPostgres
import LedgerStores

/// Where the suites' ledgers live (issue 20): SQLite files by default; with `HWLEDGER_TEST_STORE=postgres` a fresh
/// PostgreSQL database per ledger on the server `HWLEDGER_TEST_PG` names (`postgres://USER@HOST:PORT/DB`, the
/// database used only to create and drop others). `scripts/test.sh` runs the store, facade, CLI and daemon suites
/// once each way; a test about SQLite's file itself runs only in the SQLite pass.
public enum TestDatabase {
    static let environment = ProcessInfo.processInfo.environment

    /// The PostgreSQL server the tests may use, when one is configured (the store conformance suite adds it to the
    /// stores it checks whenever it is there).
    public static let postgresServer: PostgresLocation? = {
        guard let url = environment["HWLEDGER_TEST_PG"], !url.isEmpty else { return nil }
        do { return try PostgresLocation(url: url) } catch { fatalError("HWLEDGER_TEST_PG: \(error)") }
    }()

    /// Whether this pass keeps every ledger in PostgreSQL.
    public static let isPostgres: Bool = {
        guard environment["HWLEDGER_TEST_STORE"] == "postgres" else { return false }
        guard postgresServer != nil else { fatalError("HWLEDGER_TEST_STORE=postgres needs HWLEDGER_TEST_PG=postgres://USER@HOST:PORT/DB") }
        return true
    }()

    /// Whether this pass keeps ledgers in SQLite files (tests of the file itself run only then).
    public static var isSQLite: Bool { !isPostgres }

    /// A `--db` for a new ledger of a test whose files live in `dir`: the file `dir/name`, or the URL of a new empty
    /// PostgreSQL database that is dropped when `dir` is released.
    public static func locator(in dir: TempDirectory, name: String = "ledger.sqlite") -> String {
        isPostgres ? newPostgresDatabase(cleanedUpWith: dir) : dir.path(name)
    }

    /// A new empty PostgreSQL database on ``postgresServer``, dropped when `dir` is released.
    public static func newPostgresDatabase(cleanedUpWith dir: TempDirectory) -> String {
        guard let server = postgresServer else { fatalError("no PostgreSQL server configured (HWLEDGER_TEST_PG)") }
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(24)
        do { try PostgresAdmin.createDatabase(String(name), on: server) } catch { fatalError("cannot create a test database: \(error)") }
        dir.onRemove { try? PostgresAdmin.dropDatabase(String(name), on: server) }
        return server.database(String(name)).urlWithPassword
    }

    /// Opens the ledger database `locator` names.
    public static func open(_ locator: String, create: Bool = false) throws -> any LedgerStore {
        try StoreLocation(locator).open(create: create)
    }
}

extension TestDatabase {
    /// Every row stored, as text (`sqlite3 .dump` of a file; `pg_dump --data-only` of a PostgreSQL database): equal
    /// before and after means nothing was written.
    public static func dump(_ locator: String) throws -> String {
        let r = PostgresLocation.isURL(locator)
            ? try Run.executable("/usr/bin/pg_dump", ["--data-only", "--no-owner", "--dbname", locator])
            : try Run.executable("/usr/bin/sqlite3", [locator, ".dump"])
        guard r.status == 0 else { throw TestFailure("dumping \(locator): \(r.stderr)") }
        guard PostgresLocation.isURL(locator) else { return r.stdout }
        // pg_dump's \restrict line carries a fresh random key each run, and rows come in physical order (which a
        // rewrite of an unchanged row moves): the rows as a sorted set are what must not change.
        return r.stdout.split(separator: "\n").filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }.sorted().joined(separator: "\n")
    }
}

extension TestDatabase {
    /// Runs one SQL statement on the database with the store's own client (`sqlite3`, `psql -At`), its output as text:
    /// what an operator at the console sees, for tests that look underneath the store.
    public static func sql(_ locator: String, _ statement: String) throws -> ProcessResult {
        PostgresLocation.isURL(locator)
            ? try Run.executable("/usr/bin/psql", ["-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", statement, locator])
            : try Run.executable("/usr/bin/sqlite3", [locator, statement])
    }
}
