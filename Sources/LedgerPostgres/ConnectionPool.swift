import Foundation
import LedgerCore
import Logging

/// A few blocking connections shared by readers: a reader takes an idle one (opening a new one while fewer than
/// `capacity` are open, waiting otherwise) and gives it back; a connection that broke is dropped, not reused.
final class ConnectionPool: @unchecked Sendable {
    let location: PostgresLocation
    let capacity: Int
    let logger: Logger
    private let condition = NSCondition()
    private var idle: [BlockingConnection] = []
    private var open = 0

    init(location: PostgresLocation, capacity: Int, logger: Logger) {
        self.location = location
        self.capacity = max(1, capacity)
        self.logger = logger
    }

    /// Runs `body` with a connection of the pool.
    func with<T>(_ body: (BlockingConnection) throws -> T) throws -> T {
        let connection = try take()
        defer { give(connection) }
        return try body(connection)
    }

    private func take() throws(LedgerError) -> BlockingConnection {
        condition.lock()
        while true {
            if let c = idle.popLast() {
                condition.unlock()
                if c.isClosed {
                    condition.lock()
                    open -= 1
                    continue
                }
                return c
            }
            if open < capacity {
                open += 1
                condition.unlock()
                do {
                    return try BlockingConnection(location, logger: logger)
                } catch {
                    condition.lock()
                    open -= 1
                    condition.signal()
                    condition.unlock()
                    throw error
                }
            }
            condition.wait()
        }
    }

    private func give(_ connection: BlockingConnection) {
        condition.lock()
        if connection.isClosed { open -= 1 } else { idle.append(connection) }
        condition.signal()
        condition.unlock()
    }

    /// Closes every idle connection.
    func close() {
        condition.lock()
        let all = idle
        idle = []
        open -= all.count
        condition.unlock()
        for c in all { c.close() }
    }
}
