import Foundation
import LedgerCore
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// One PostgreSQL connection used synchronously: the store protocol is synchronous (decision 002), so each query
/// is sent on the connection's event loop and the calling thread waits for its answer. Callers are never on an
/// event loop (the facade runs on the daemon's blocking pool or the CLI's main thread).
final class BlockingConnection: @unchecked Sendable {
    let connection: PostgresConnection
    let location: PostgresLocation
    let logger: Logger

    /// Opens a connection; ``LedgerError/storageIO(_:)`` when the server cannot be reached or refuses the login.
    init(_ location: PostgresLocation, logger: Logger) throws(LedgerError) {
        self.location = location
        self.logger = logger
        var tls = PostgresConnection.Configuration.TLS.disable
        if location.requireTLS {
            do {
                tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            } catch {
                throw .storage("cannot set up TLS for \(location.redacted): \(error)")
            }
        }
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        do {
            connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                id: Self.nextID(), logger: logger
            ).wait()
        } catch {
            throw PostgresFailure.ledgerError(error, location: location, doing: "connecting to")
        }
    }

    deinit {
        guard !connection.isClosed else { return }
        if MultiThreadedEventLoopGroup.currentEventLoop == nil {
            try? connection.close().wait()
        } else {
            connection.close().whenComplete { _ in }
        }
    }

    var isClosed: Bool { connection.isClosed }

    /// Runs one statement and returns its rows.
    ///
    /// A connection the server closed fails at once; a query without an answer within ``answerTimeout`` (a server or
    /// network that went silent) closes the connection and fails, so a caller never waits forever.
    @discardableResult
    func query(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) throws(LedgerError) -> PostgresQueryResult {
        guard !connection.isClosed else {
            throw .storageIO("querying \(location.redacted) failed: the server closed the connection; nothing of the failed write was kept")
        }
        let answer = Answer()
        connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).whenComplete { answer.set($0) }
        guard let result = answer.wait(seconds: answerTimeout) else {
            connection.close().whenComplete { _ in }
            throw .storageIO("\(location.redacted) did not answer within \(Int(answerTimeout)) s; the connection was closed and nothing of the failed write was kept")
        }
        switch result {
        case .success(let rows): return rows
        case .failure(let error): throw PostgresFailure.ledgerError(error, location: location, doing: "querying")
        }
    }

    /// Longest wait for one statement's answer: past the writer lock's wait, with room for a page of large rows.
    var answerTimeout: Double { max(120, location.writerWaitSeconds + 60) }

    /// One query's result, handed from the event loop to the waiting thread.
    private final class Answer: @unchecked Sendable {
        let semaphore = DispatchSemaphore(value: 0)
        var result: Result<PostgresQueryResult, any Error>?

        func set(_ r: Result<PostgresQueryResult, any Error>) {
            result = r
            semaphore.signal()
        }

        func wait(seconds: Double) -> Result<PostgresQueryResult, any Error>? {
            semaphore.wait(timeout: .now() + seconds) == .success ? result : nil
        }
    }

    /// Runs one statement that takes no parameters (BEGIN, COMMIT, schema).
    func execute(_ sql: String) throws(LedgerError) {
        try query(sql)
    }

    /// Closes the connection and waits for it.
    func close() {
        try? connection.close().wait()
    }

    private static let counter = Counter()
    private static func nextID() -> Int { counter.next() }

    private final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
    }
}
