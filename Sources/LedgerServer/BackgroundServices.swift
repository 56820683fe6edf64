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

    func run() async throws {
        writer.start()
        try? await gracefulShutdown()
        await writer.close()
    }
}

/// Publishes a checkpoint whenever the tree grew, checking every `interval`. Growth from any writer counts, the
/// CLI appending to the same database included.
struct CheckpointService: Service {
    let ledger: TransferLedger
    let writer: GroupCommitWriter
    let health: HealthState
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
                if tree > checkpoint {
                    signed = try await writer.publishCheckpoint().size
                }
                health.record(treeSize: tree, checkpointSize: signed)
            } catch ServerError.shuttingDown {
                return
            } catch {
                logger.error("checkpoint publication failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

/// Verifies the log every `interval` while it changes: a full `verify(trusted:scratch:)` against the last
/// checkpoint it verified, so each run also proves the log still extends what the previous run saw.
///
/// Cost: each run replays the whole log (signatures on every core, projections into a scratch SQLite file), so it
/// is O(log size) per run; see docs/decisions/003-daemon-group-commit.md. A run in progress is not interrupted by
/// shutdown; the service stops waiting for it.
struct VerifierService: Service {
    let ledger: TransferLedger
    let health: HealthState
    let interval: Duration
    let makeScratch: @Sendable () throws -> ScratchStore
    let logger: Logger

    func run() async throws {
        var trusted: SignedCheckpoint?
        var lastVerifiedSize: UInt64?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let ledger = self.ledger
            let currentSize = try? await Blocking.run { try ledger.latestCheckpoint().size }
            if let currentSize, currentSize != lastVerifiedSize {
                let trustedNow = trusted
                let makeScratch = self.makeScratch
                let started = ContinuousClock.now
                let outcome: Result<(VerificationReport, SignedCheckpoint?), any Error> = await Result(asyncCatching: {
                    try await Blocking.run {
                        let scratch = try makeScratch()
                        defer { scratch.remove() }
                        let report = try ledger.verify(trusted: trustedNow, scratch: scratch.store)
                        let keys = try ledger.operatorVerifierKeys()
                        let checkpoints = try ledger.store.read { try $0.checkpoints() }
                        let covering = checkpoints.last { $0.size <= report.size }
                        let next = try covering.map { try SignedCheckpoint(verifying: Array($0.note.utf8), keys: keys) }
                        return (report, next)
                    }
                })
                let elapsed = ContinuousClock.now - started
                let ms = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
                let now = Int64(Date().timeIntervalSince1970)
                switch outcome {
                case .success(let (report, next)):
                    trusted = next ?? trusted
                    lastVerifiedSize = currentSize
                    health.record(.init(
                        ok: true, finishedAt: now, size: report.size, milliseconds: ms, message: "verified \(report.size) entries",
                        entriesChecked: report.size))
                    health.set([], from: "verifier")
                    logger.debug("verified the log", metadata: ["size": "\(report.size)", "ms": "\(ms)"])
                case .failure(let error):
                    health.record(.init(ok: false, finishedAt: now, size: currentSize, milliseconds: ms, message: "\(error)"))
                    health.set([.failing("verification-failed", "verification of the log failed: \(error)")], from: "verifier")
                    logger.critical("log verification FAILED", metadata: ["error": "\(error)"])
                }
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

extension Result where Failure == any Error {
    init(asyncCatching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
