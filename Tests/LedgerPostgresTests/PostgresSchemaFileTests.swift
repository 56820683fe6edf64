import Foundation
import LedgerPostgres
import LedgerTestSupport
import Testing

/// `schema/ledger-postgres.sql` is what `hwledger init` creates: a DBA reviews that file, so it must not drift.
@Suite("schema/ledger-postgres.sql", .enabled(if: TestDatabase.postgresServer != nil, "needs HWLEDGER_TEST_PG"))
struct PostgresSchemaFileTests {
    /// `pg_dump --schema-only` without its comments, settings and random \restrict key: the objects themselves.
    static func objects(_ url: String) throws -> [String] {
        let r = try Run.executable("/usr/bin/pg_dump", ["--schema-only", "--no-owner", "--no-privileges", "--dbname", url])
        guard r.status == 0 else { throw TestFailure("pg_dump: \(r.stderr)") }
        return r.stdout.split(separator: "\n").map(String.init).filter {
            !$0.isEmpty && !$0.hasPrefix("--") && !$0.hasPrefix("SET ") && !$0.hasPrefix("SELECT pg_catalog.set_config")
                && !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict")
        }
    }

    @Test("a database made by the store's init has exactly the objects of schema/ledger-postgres.sql")
    func fileMatchesInit() throws {
        let dir = TempDirectory()
        let made = TestDatabase.newPostgresDatabase(cleanedUpWith: dir)
        _ = try PostgresLedgerStore(url: made, create: true)
        let fromFile = TestDatabase.newPostgresDatabase(cleanedUpWith: dir)
        let r = try Run.executable("/usr/bin/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", Fixtures.path("schema/ledger-postgres.sql"), fromFile])
        try #require(r.status == 0, "\(r.stderr)")
        let a = try Self.objects(made), b = try Self.objects(fromFile)
        #expect(a.count > 40, "the dump lists the tables and triggers")
        #expect(a == b, "\(Set(a).symmetricDifference(Set(b)))")
        #expect(try TestDatabase.sql(fromFile, "SELECT version FROM hwledger_schema").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }
}
