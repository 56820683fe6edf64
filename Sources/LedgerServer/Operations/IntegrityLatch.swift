import Foundation
import Logging
import TransferLedger

/// Fail closed: the first failed verification trips the latch and it stays tripped until the daemon is restarted
/// (on a log that verifies). While tripped, every write answers 503 naming the failed check and index, no
/// checkpoint is signed, `/healthz` is failing; reads of what was already published go on.
public final class IntegrityLatch: @unchecked Sendable {
    private let lock = NSLock()
    private var _failure: VerificationFailure?
    let health: HealthState
    let logger: Logger

    public init(health: HealthState, logger: Logger) {
        self.health = health
        self.logger = logger
    }

    /// The failure that tripped the latch, if any.
    public var failure: VerificationFailure? { lock.withLock { _failure } }

    /// Trips the latch (the first failure is the one kept and reported).
    public func trip(_ failure: VerificationFailure) {
        let first = lock.withLock { () -> Bool in
            guard _failure == nil else { return false }
            _failure = failure
            return true
        }
        guard first else { return }
        health.set([.failing(
            "integrity", "\(failure); writes and checkpoint signing stopped until restart on a log that verifies",
            zh: "台账核验失败（\(failure.check.rawValue)，条目 \(failure.index.map(String.init) ?? "-")），已停止写入和签署检查点",
            action: "keep the file as evidence, find the cause, restore from a verified backup", actionZh: "保留数据库文件作为证据，查明原因，从已核验的备份恢复")],
            from: "integrity")
        logger.critical("log verification FAILED: writes and checkpoint signing stopped", metadata: [
            "check": "\(failure.check.rawValue)", "index": "\(failure.index.map(String.init) ?? "-")", "error": "\(failure.message)",
        ])
    }

    /// Throws the 503 a write gets while the latch is tripped.
    func requireOpen() throws {
        if let failure { throw ServerError.integrityHalted(failure) }
    }
}
