import Dispatch

/// Runs blocking store reads off Swift's cooperative thread pool.
///
/// GRDB's API is synchronous. A read holds a thread for as long as SQLite needs, so request handlers hop to this
/// queue rather than stall the executor that serves every connection. Writes never come here: they go through
/// ``GroupCommitWriter``.
package enum Blocking {
    package static let queue = DispatchQueue(label: "hwledgerd.reads", qos: .userInitiated, attributes: .concurrent)

    /// Runs `body` and returns what it returned or threw, typed.
    package static func result<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async -> Result<T, E> {
        await withCheckedContinuation { continuation in
            queue.async {
                do throws(E) { continuation.resume(returning: .success(try body())) } catch { continuation.resume(returning: .failure(error)) }
            }
        }
    }

    package static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
