import Foundation
import LedgerCore

/// The health reasons that come from time passing without progress (issue 23): a checkpoint that does not follow the
/// log, and verification that stopped running.
enum LivenessProbes {
    /// `checkpoint-stale`: the log grew past the signed checkpoint, which has not advanced for ten checkpoint
    /// intervals (at least 10 s); `verification-lagging`: no verification run has finished for three verify intervals
    /// (plus a minute), since the start or since the last run.
    static func checkpointAndVerification(health: HealthState, configuration: ServerConfiguration, now: Int64 = Int64(Date().timeIntervalSince1970))
        -> HealthContribution
    {
        var reasons: [HealthReason] = []
        let sizes = health.sizes
        let stale = max(10, seconds(configuration.checkpointInterval) * 10)
        let age = now - health.checkpointSeenAt
        if sizes.tree > sizes.checkpoint, age > stale {
            reasons.append(.degraded(
                "checkpoint-stale",
                "the log holds \(sizes.tree - sizes.checkpoint) entries beyond the signed checkpoint, which has not advanced for \(age) s",
                zh: "台账已有 \(sizes.tree - sizes.checkpoint) 条未被签名检查点覆盖，检查点已 \(age) 秒未更新",
                action: "read the daemon's log for checkpoint errors", actionZh: "查看守护进程日志中的检查点错误"))
        }
        let lag = seconds(configuration.verifyInterval) * 3 + 60
        let last = health.verify?.finishedAt ?? health.startedAt
        if now - last > lag {
            reasons.append(.degraded(
                "verification-lagging",
                "no verification run has finished for \(now - last) s (every \(seconds(configuration.verifyInterval)) s expected)",
                zh: "已 \(now - last) 秒没有完成核验（应每 \(seconds(configuration.verifyInterval)) 秒一次）",
                action: "read the daemon's log; a full verification of a large log may still be running",
                actionZh: "查看守护进程日志；大型台账的全量核验可能仍在进行"))
        }
        return HealthContribution(reasons: reasons)
    }

    static func seconds(_ d: Duration) -> Int64 { max(1, d.components.seconds) }
}
