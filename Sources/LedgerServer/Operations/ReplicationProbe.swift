import LedgerCore
import Metrics

/// A daemon on a standby (issue 20): how far its database's replay is behind the primary, as the
/// `hwledger_replication_lag_seconds` gauge and, above the limit, a degraded `/healthz` (`replication-lag`).
enum ReplicationProbe {
    static let gauge = Gauge(label: "hwledger_replication_lag_seconds")

    static func contribution(lag: @escaping @Sendable () throws -> Double?, limit: Double) async throws -> HealthContribution {
        guard let seconds = try await Blocking.run({ try lag() }) else { return HealthContribution(reasons: []) }
        gauge.record(seconds)
        let fields: [String: JSONValue] = ["replicationLagMs": .int(Int64((seconds * 1000).rounded()))]
        guard seconds > limit else { return HealthContribution(reasons: [], fields: fields) }
        let shown = (seconds * 10).rounded() / 10
        return HealthContribution(reasons: [
            .degraded(
                "replication-lag", "the standby database replays \(shown) s behind the primary (limit \(limit) s): reads here are that old",
                zh: "备库回放落后主库 \(shown) 秒（上限 \(limit) 秒）：此处读到的数据滞后",
                action: "check the primary's WAL sender and the standby's disk and network (pg_stat_replication on the primary)",
                actionZh: "检查主库的 WAL 发送与备库的磁盘和网络（在主库查看 pg_stat_replication）")
        ], fields: fields)
    }
}
