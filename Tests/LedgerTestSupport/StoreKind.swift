import LedgerCore

/// The `LedgerStore` implementations a parameterised suite runs over: in memory, a SQLite file, and a PostgreSQL
/// database whenever a server is configured (`HWLEDGER_TEST_PG`, see ``TestDatabase``).
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case memory, sqlite, postgres
    public var description: String { rawValue }

    /// The kinds this run can make.
    public static let available: [StoreKind] = TestDatabase.postgresServer == nil ? [.memory, .sqlite] : [.memory, .sqlite, .postgres]

    /// The durable kinds this run can make (SQLite, and PostgreSQL when configured).
    public static let durable: [StoreKind] = available.filter { $0 != .memory }

    /// A new, empty store whose files (or database) go with `dir`; `locator` is its `--db` (nil in memory).
    public func make(in dir: TempDirectory) throws -> (store: any LedgerStore, locator: String?) {
        switch self {
        case .memory: return (InMemoryLedgerStore(), nil)
        case .sqlite:
            let path = dir.path("ledger.sqlite")
            return (try TestDatabase.open(path, create: true), path)
        case .postgres:
            let url = TestDatabase.newPostgresDatabase(cleanedUpWith: dir)
            return (try TestDatabase.open(url, create: true), url)
        }
    }
}
