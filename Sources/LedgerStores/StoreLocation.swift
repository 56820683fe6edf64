import LedgerCore
import LedgerPostgres
import LedgerSQLite
import Logging

/// What a `--db` names: a SQLite file (the default, embedded choice) or a PostgreSQL database (`postgres://…`).
public enum StoreLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// Reads a `--db` value.
    ///
    /// - Throws: ``LedgerError/storage(_:)`` for a `postgres://` URL that does not parse.
    public init(_ text: String) throws(LedgerError) {
        self = PostgresLocation.isURL(text) ? .postgres(try PostgresLocation(url: text)) : .sqlite(path: text)
    }

    /// How logs and error messages name it (a URL's password hidden).
    public var display: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let location): location.redacted
        }
    }

    /// The local database file, if the store has one (disk-space checks, backups).
    public var filePath: String? {
        if case .sqlite(let path) = self { return path }
        return nil
    }

    /// Opens the ledger (`create`: a new SQLite file, or the ledger's tables in an existing PostgreSQL database).
    public func open(create: Bool = false, logger: Logger = Logger(label: "hwledger.store")) throws(LedgerError) -> any LedgerStore {
        switch self {
        case .sqlite(let path): try SQLiteLedgerStore(path: path, create: create)
        case .postgres(let location): try PostgresLedgerStore(location: location, create: create, logger: logger)
        }
    }
}
