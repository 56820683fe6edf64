import LedgerCore
import Logging

/// Databases on a PostgreSQL server: what an operator does once with `createdb`, and what the test suites do for
/// each ledger they make (a fresh database per test).
public enum PostgresAdmin {
    /// Creates the database `name` (letters, digits, `_`) on the server `server` names, connecting to `server`'s
    /// own database (e.g. `postgres`).
    public static func createDatabase(_ name: String, on server: PostgresLocation) throws(LedgerError) {
        try checkName(name)
        let c = try BlockingConnection(server, logger: Logger(label: "hwledger.postgres.admin"))
        defer { c.close() }
        try c.execute("CREATE DATABASE \(name) ENCODING 'UTF8' TEMPLATE template0")
    }

    /// Drops the database `name`, ending its sessions (`WITH (FORCE)`); nothing happens when it does not exist.
    public static func dropDatabase(_ name: String, on server: PostgresLocation) throws(LedgerError) {
        try checkName(name)
        let c = try BlockingConnection(server, logger: Logger(label: "hwledger.postgres.admin"))
        defer { c.close() }
        try c.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    static func checkName(_ name: String) throws(LedgerError) {
        guard !name.isEmpty, name.count <= 63, name.unicodeScalars.allSatisfy({ ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" }),
            !("0"..."9").contains(name.unicodeScalars.first!)
        else { throw .storage("\(name) is not a database name hwledger creates (letters, digits and _, at most 63)") }
    }
}
