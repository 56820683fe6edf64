import Foundation
import LedgerCore
import Logging
import Metrics
import ServiceLifecycle
import TransferLedger

/// Runs the group-commit writer for the daemon's lifetime; on graceful shutdown (it is the last service to stop)
/// it drains the queue and publishes the final checkpoint.
struct WriterService: Service {
    let writer: GroupCommitWriter
    /// Removes the incremental verifier's scratch store once the final checkpoint no longer needs it.
    let onStop: @Sendable () -> Void

    func run() async throws {
        writer.start()
        try? await gracefulShutdown()
        await writer.close()
        onStop()
    }
}

/// Publishes a checkpoint whenever the tree grew, checking every `interval`. Growth from any writer counts, the
/// CLI appending to the same database included. It never signs over entries it has not verified: the new entries
/// are verified first and the checkpoint is of exactly the verified size (``IncrementalVerifier/advanceAndSign(_:)``;
/// SQLite serialises this write with the group-commit writer's).
struct CheckpointService: Service {
    let ledger: TransferLedger
    let operatorKey: SigningKey
    let verifier: IncrementalVerifier
    let latch: IntegrityLatch
    let health: HealthState
    let storage: StorageHealth
    /// Told of each checkpoint published here, so `/checkpoint` serves it from then on.
    let checkpointCache: CheckpointCache
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let ledger = self.ledger
                let (tree, checkpoint) = try await Blocking.run {
                    try ledger.store.read { r in (try r.treeSize(), try r.latestCheckpoint()?.size ?? 0) }
                }
                var signed = checkpoint
                if tree > checkpoint, latch.failure == nil {
                    let verifier = self.verifier, latch = self.latch, key = self.operatorKey, cache = checkpointCache
                    signed = try await Blocking.run {
                        try verifier.advanceAndSign { tip in
                            try latch.requireOpen()
                            let size = try ledger.publishCheckpoint(keys: [key], verified: tip).size
                            cache.invalidate()
                            return size
                        }
                    }
                }
                health.record(treeSize: tree, checkpointSize: signed)
            } catch ServerError.shuttingDown {
                return
            } catch ServerError.integrityHalted {
                // The latch already said why.
            } catch let failure as VerificationFailure {
                latch.trip(failure)
            } catch let LedgerError.integrity(index, message) {
                latch.trip(VerificationFailure(check: .treeNodes, index: index, message: message))
            } catch let error as LedgerError where error.isStorageFailure {
                // Named once by the storage monitor, which /healthz reports; not once a second here.
                storage.recordFailure(error)
            } catch {
                logger.error("checkpoint publication failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

/// Verifies the log every `interval` whether or not it grew: the entries appended since the last run in full,
/// then the re-checks of what someone with access to the file could have changed (``IncrementalVerifier/run(sample:)``).
/// Every `fullInterval` it re-verifies the whole log from scratch instead (O(log size), in a fresh scratch store).
/// A failure trips the ``IntegrityLatch``. A run in progress is not interrupted by shutdown; the service stops
/// waiting for it.
struct VerifierService: Service {
    let ledger: TransferLedger
    let verifier: IncrementalVerifier
    let latch: IntegrityLatch
    let health: HealthState
    let interval: Duration
    let fullInterval: Duration
    let sample: Int
    let makeScratch: @Sendable () throws -> ScratchStore
    let logger: Logger

    func run() async throws {
        var lastFull = ContinuousClock.now
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if latch.failure == nil {
                let full = ContinuousClock.now - lastFull >= fullInterval
                if full { lastFull = ContinuousClock.now }
                await runOnce(full: full)
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    private func runOnce(full: Bool) async {
        let ledger = self.ledger, verifier = self.verifier, sample = self.sample, makeScratch = self.makeScratch
        let started = ContinuousClock.now
        let outcome: Result<VerifiedTip, VerificationFailure> = await Blocking.result { () throws(VerificationFailure) -> VerifiedTip in
            if full {
                let scratch = try VerificationFailure.wrap(.full) { try makeScratch() }
                defer { scratch.remove() }
                let report = try VerificationFailure.wrap(.full) { try ledger.verify(trusted: nil, scratch: scratch.store) }
                return VerifiedTip(size: report.size, root: report.root, entriesChecked: report.size)
            }
            return try verifier.run(sample: sample)
        }
        let elapsed = ContinuousClock.now - started
        let ms = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        let now = Int64(Date().timeIntervalSince1970)
        let kind = full ? "full" : "incremental"
        switch outcome {
        case .success(let tip):
            health.record(.init(
                ok: true, finishedAt: now, size: tip.size, milliseconds: ms,
                message: "\(kind) verification of \(tip.size) entries passed (\(tip.entriesChecked) checked in full)",
                entriesChecked: tip.entriesChecked, full: full))
            logger.debug("verified the log", metadata: ["kind": "\(kind)", "size": "\(tip.size)", "checked": "\(tip.entriesChecked)", "ms": "\(ms)"])
        case .failure(let failure):
            health.record(.init(ok: false, finishedAt: now, size: verifier.verifiedSize, milliseconds: ms, message: "\(failure)", full: full))
            latch.trip(failure)
        }
    }
}

extension Result where Failure == any Error {
    init(asyncCatching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
