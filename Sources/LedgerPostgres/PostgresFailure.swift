import LedgerCore
import PostgresNIO

/// PostgreSQL's errors as the ledger's: a full disk and an unreachable or read-only server are named as the SQLite
/// store names its own (the daemon answers 507 / 503, the CLI names them); anything else is
/// ``LedgerError/storage(_:)`` carrying the server's SQLSTATE and message.
enum PostgresFailure {
    static func ledgerError(_ error: any Error, location: PostgresLocation, doing: String) -> LedgerError {
        if let e = error as? LedgerError { return e }
        guard let e = error as? PSQLError else {
            return .storageIO("\(doing) \(location.redacted) failed: \(error); nothing of the failed write was kept")
        }
        let sqlState = e.serverInfo?[.sqlState] ?? ""
        let message = e.serverInfo?[.message] ?? ""
        switch e.code {
        case .server:
            let detail = "PostgreSQL error \(sqlState): \(message)"
            switch sqlState {
            case "53100":  // disk_full
                return .storageFull("the file system of the database server \(location.redacted) is full (\(detail)); nothing of the failed write was kept")
            case "25006":  // read_only_sql_transaction: a standby, or default_transaction_read_only
                return .storageIO("\(location.redacted) is read-only (\(detail)): a standby takes no writes; write to the primary. Nothing was written")
            case "55P03":  // lock_not_available: the writer lock stayed taken for writer_wait seconds
                return .writerBusy("another writer held the ledger's write lock on \(location.redacted) for \(location.writerWaitSeconds) s (another hwledgerd or hwledger appending); nothing was written, try again")
            case "42501":  // insufficient_privilege
                return .storage("the role \(location.username) may not do this on \(location.redacted) (\(detail)); nothing of the failed write was kept")
            case "3D000":  // invalid_catalog_name
                return .storage("no database \(location.database) on \(location.host):\(location.port) (\(detail))")
            case "28000", "28P01":  // invalid authorisation, wrong password
                return .storageIO("\(location.redacted) refused the login of \(location.username) (\(detail))")
            case _ where sqlState.hasPrefix("08") || sqlState.hasPrefix("57P"):  // connection exception, operator intervention
                return .storageIO("the connection to \(location.redacted) failed (\(detail)); nothing of the failed write was kept")
            case _ where sqlState.hasPrefix("53") || sqlState.hasPrefix("58"):  // insufficient resources, system error
                return .storageIO("the database server \(location.redacted) failed (\(detail)); nothing of the failed write was kept")
            default:
                return .storage(detail)
            }
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            let cause = e.underlying.map { " (\($0))" } ?? ""
            return .storageIO("\(doing) \(location.redacted) failed: the connection is closed or the server cannot be reached\(cause); nothing of the failed write was kept")
        default:
            return .storageIO("\(doing) \(location.redacted) failed: \(e.code)\(e.underlying.map { " (\($0))" } ?? ""); nothing of the failed write was kept")
        }
    }
}
