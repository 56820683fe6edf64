import Foundation
import LedgerCore
import Logging
import Metrics
import TransferLedger

/// The daemon's only writer: one dedicated thread that drains a queue of submission requests into one
/// `TransferLedger.submit` call (one `BEGIN IMMEDIATE` transaction) per round, then answers every request of the
/// round. This is group commit: under load, many requests share one fsync.
///
/// An answer is given only after the transaction committed (the store runs with `synchronous=FULL`), so a 201
/// built from it means the entry is on disk. The thread is a `Thread`, not a task: GRDB blocks, and a blocked
/// cooperative thread would stall every connection.
///
/// Requests are judged in queue order, each against the log including the ones accepted before it in the same
/// round, exactly as a bulk `hwledger submit` judges its lines. A round holds at most ``maxRoundItems`` items unless
/// one request alone is larger (`TransferLedger.submit` then splits it into several transactions).
///
/// Not guaranteed: fairness between clients beyond FIFO, and an answer to a request whose round failed with a
/// storage error other than that error.
public final class GroupCommitWriter: @unchecked Sendable {
    enum Job {
        case submit([SignedSubmission], CheckedContinuation<[SubmitOutcome], any Error>)
    }

    /// Largest number of submissions taken into one round.
    public static let maxRoundItems = TransferLedger.batchSize

    let ledger: TransferLedger
    let operatorKey: SigningKey
    let logger: Logger
    /// Tripped by a failed verification: the writer then refuses every job.
    let latch: IntegrityLatch
    /// Verifies what the final checkpoint at shutdown covers.
    let verifier: IncrementalVerifier
    /// Told of every round's storage failure and success (full disk, I/O error; recovery).
    let storage: StorageHealth
    let appends = Counter(label: "hwledger_appends_total")
    let queueDepth = Gauge(label: "hwledger_writer_queue_depth")
    let roundSize = Recorder(label: "hwledger_group_commit_round_items", aggregate: true)
    /// A read-only daemon (on a standby) refuses every job with this, and signs no final checkpoint.
    let refusal: ServerError?

    private let condition = NSCondition()
    private var queue: [Job] = []
    /// Submissions in `queue`, for `hwledger_writer_queue_depth`.
    private var queuedItems = 0
    private var closing = false
    private var finished = false
    private var finishWaiters: [CheckedContinuation<Void, Never>] = []

    public init(
        ledger: TransferLedger, operatorKey: SigningKey, latch: IntegrityLatch, verifier: IncrementalVerifier, storage: StorageHealth,
        logger: Logger, refusal: ServerError? = nil
    ) {
        self.refusal = refusal
        self.ledger = ledger
        self.operatorKey = operatorKey
        self.latch = latch
        self.verifier = verifier
        self.storage = storage
        self.logger = logger
    }

    /// Starts the writer thread.
    public func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "hwledgerd-writer"
        thread.start()
    }

    /// Queues `items` and returns their outcomes once the round that holds them committed.
    ///
    /// - Throws: ``ServerError/shuttingDown`` after ``close()`` began; the store's error if the round failed.
    public func submit(_ items: [SignedSubmission]) async throws -> [SubmitOutcome] {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(.submit(items, continuation))
        }
    }

    private func enqueue(_ job: Job) {
        condition.lock()
        if closing || refusal != nil {
            condition.unlock()
            switch job {
            case .submit(_, let c): c.resume(throwing: refusal ?? ServerError.shuttingDown)
            }
            return
        }
        queue.append(job)
        if case .submit(let s, _) = job { queuedItems += s.count }
        queueDepth.record(queuedItems)
        condition.signal()
        condition.unlock()
    }

    /// Refuses new work, drains everything queued, publishes a final checkpoint and stops the thread.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            closing = true
            if finished {
                condition.unlock()
                continuation.resume()
                return
            }
            finishWaiters.append(continuation)
            condition.signal()
            condition.unlock()
        }
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !closing { condition.wait() }
            if queue.isEmpty && closing {
                condition.unlock()
                break
            }
            var round: [Job] = []
            var items = 0
            while let first = queue.first {
                if case .submit(let s, _) = first, !round.isEmpty, items + s.count > Self.maxRoundItems { break }
                if case .submit(let s, _) = first { items += s.count }
                round.append(queue.removeFirst())
            }
            queuedItems -= items
            queueDepth.record(queuedItems)
            condition.unlock()
            run(round)
        }
        if latch.failure == nil, refusal == nil {
            do {
                let final = try verifier.advanceAndSign { try ledger.publishCheckpoint(keys: [operatorKey], verified: $0) }
                logger.info("published the final checkpoint", metadata: ["size": "\(final.size)"])
            } catch let failure as VerificationFailure {
                latch.trip(failure)
            } catch {
                logger.error("could not publish the final checkpoint", metadata: ["error": "\(error)"])
            }
        }
        condition.lock()
        finished = true
        let waiters = finishWaiters
        finishWaiters = []
        condition.unlock()
        for w in waiters { w.resume() }
    }

    private func run(_ round: [Job]) {
        var submissions: [SignedSubmission] = []
        var owners: [(CheckedContinuation<[SubmitOutcome], any Error>, Int)] = []
        if let failure = latch.failure {
            for case .submit(_, let c) in round { c.resume(throwing: ServerError.integrityHalted(failure)) }
            return
        }
        for case .submit(let items, let c) in round {
            submissions += items
            owners.append((c, items.count))
        }
        if !owners.isEmpty {
            do {
                let outcomes = submissions.isEmpty ? [] : try ledger.submit(submissions)
                storage.recordSuccess()
                var appended = 0
                for o in outcomes { if case .appended = o { appended += 1 } }
                appends.increment(by: appended)
                roundSize.record(submissions.count)
                var offset = 0
                for (c, count) in owners {
                    c.resume(returning: Array(outcomes[offset..<(offset + count)]))
                    offset += count
                }
            } catch {
                if let e = error as? LedgerError, e.isStorageFailure {
                    storage.recordFailure(e)
                } else {
                    logger.error("a group-commit round failed", metadata: ["items": "\(submissions.count)", "error": "\(error)"])
                }
                for (c, _) in owners { c.resume(throwing: error) }
            }
        }
    }
}
