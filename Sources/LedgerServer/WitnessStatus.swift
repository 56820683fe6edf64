import Foundation
import LedgerCore
import Metrics
import TransferRules

/// What the daemon knows about each witness, for /healthz and /metrics; updated by the ``WitnessService``s.
public final class WitnessBoard: @unchecked Sendable {
    /// How a witness answered the last request (a cosigning request or a probe).
    public enum State: String, Sendable {
        /// Not asked yet: the first probe is on its way (at most one `--witness-timeout` after start).
        case unknown
        /// It answered and accepts this log's checkpoints.
        case ok
        /// No answer: connection refused or reset, timeout, DNS, a TLS certificate this daemon does not trust, or a
        /// proxy in front of it answering 502, 503 or 504.
        case unreachable
        /// It answers but refuses: this log's origin or key unknown to it (404, 403), a malformed request, its own
        /// storage failing (500), or an answer that is not a valid cosignature.
        case refusing
        /// It holds a checkpoint that is not in this log (split view or rollback); sticky until restart.
        case splitView = "split-view"
    }

    /// One witness's state.
    public struct Status: Sendable, Equatable {
        public var label: String
        public var name: String
        public var url: String
        public var state: State = .unknown
        /// The largest checkpoint size this witness cosigned (0: none).
        public var cosignedSize: UInt64 = 0
        /// POSIX seconds of that cosignature, as the witness stamped it.
        public var cosignedAt: Int64?
        /// The last failure talking to the witness, cleared by the next answer that is not a failure.
        public var lastError: String?
        /// POSIX seconds of the first failure of the current run of failures (nil while it answers).
        public var lastErrorSince: Int64?
        /// POSIX seconds of the last answer that was not a failure.
        public var lastContactAt: Int64?
        /// Set when the witness holds a checkpoint that is not in this log (split view or rollback); stays set.
        public var splitView: String?
    }

    /// How long the published checkpoint may lag the signed one before /healthz says `receipts-waiting`: cosigning
    /// takes milliseconds, a checkpoint is signed every second, so seconds of lag mean a witness is not cosigning.
    public static let receiptsWaitingAfter: Int64 = 10

    private let lock = NSLock()
    private var statuses: [String: Status]
    /// Since when the published (witnessed) checkpoint lags the signed one; nil when it does not.
    private var lagSince: Int64?
    public let quorum: Int
    public let order: [String]
    private let sizeGauges: [String: Gauge]
    private let timeGauges: [String: Gauge]
    private let ageGauges: [String: Gauge]
    private let alarmGauges: [String: Gauge]
    private let failures: [String: Counter]
    let publishedGauge = Gauge(label: "hwledger_witnessed_checkpoint_size")

    public init(endpoints: [WitnessEndpoint], quorum: Int) {
        self.quorum = quorum
        order = endpoints.map(\.key.name)
        var statuses: [String: Status] = [:]
        var size: [String: Gauge] = [:], time: [String: Gauge] = [:], age: [String: Gauge] = [:], alarm: [String: Gauge] = [:]
        var fails: [String: Counter] = [:]
        for e in endpoints {
            let n = e.key.name
            statuses[n] = Status(label: e.label, name: n, url: e.url)
            let dims = [("witness", e.label)]
            size[n] = Gauge(label: "hwledger_witness_cosigned_size", dimensions: dims)
            time[n] = Gauge(label: "hwledger_witness_cosigned_timestamp_seconds", dimensions: dims)
            age[n] = Gauge(label: "hwledger_witness_cosigned_age_seconds", dimensions: dims)
            alarm[n] = Gauge(label: "hwledger_witness_split_view", dimensions: dims)
            fails[n] = Counter(label: "hwledger_witness_failures_total", dimensions: dims)
            alarm[n]?.record(0)
            size[n]?.record(0)
        }
        self.statuses = statuses
        sizeGauges = size
        timeGauges = time
        ageGauges = age
        alarmGauges = alarm
        failures = fails
    }

    /// Every witness's status, in the order given at start.
    public var all: [Status] { lock.withLock { order.compactMap { statuses[$0] } } }

    public func status(_ name: String) -> Status? { lock.withLock { statuses[name] } }

    /// True when any witness raised the split-view alarm.
    public var alarm: Bool { all.contains { $0.splitView != nil } }

    /// A cosignature of `size`, stamped `time` by the witness, arrived at `now`.
    func cosigned(_ name: String, size: UInt64, at time: Int64, now: Int64) {
        let grew = lock.withLock { () -> Bool in
            answered(name, now: now)
            guard size >= statuses[name]?.cosignedSize ?? 0 else { return false }
            statuses[name]?.cosignedSize = size
            statuses[name]?.cosignedAt = time
            return true
        }
        guard grew else { return }
        sizeGauges[name]?.record(Int64(size))
        timeGauges[name]?.record(time)
        tick(now: now)
    }

    /// The cosignature stored before this start (no contact with the witness yet).
    func restored(_ name: String, size: UInt64, at time: Int64) {
        lock.withLock {
            statuses[name]?.cosignedSize = size
            statuses[name]?.cosignedAt = time
        }
        sizeGauges[name]?.record(Int64(size))
        timeGauges[name]?.record(time)
    }

    /// The witness answered without a failure (a probe's 409 with a size it may hold, or a cosignature).
    func reachable(_ name: String, now: Int64) {
        lock.withLock { answered(name, now: now) }
    }

    private func answered(_ name: String, now: Int64) {
        guard statuses[name]?.splitView == nil else { return }
        statuses[name]?.state = .ok
        statuses[name]?.lastError = nil
        statuses[name]?.lastErrorSince = nil
        statuses[name]?.lastContactAt = now
    }

    func failed(_ name: String, _ message: String, state: State, now: Int64) {
        lock.withLock {
            guard statuses[name]?.splitView == nil else { return }
            statuses[name]?.state = state
            statuses[name]?.lastError = message
            if statuses[name]?.lastErrorSince == nil { statuses[name]?.lastErrorSince = now }
        }
        failures[name]?.increment()
    }

    func raiseSplitView(_ name: String, _ message: String, now: Int64) {
        lock.withLock {
            if statuses[name]?.splitView == nil { statuses[name]?.splitView = message }
            statuses[name]?.state = .splitView
            statuses[name]?.lastError = message
            if statuses[name]?.lastErrorSince == nil { statuses[name]?.lastErrorSince = now }
        }
        alarmGauges[name]?.record(1)
    }

    /// Notes whether the published checkpoint lags the signed one (from the witness monitor and each /healthz).
    func observe(signedSize: UInt64, publishedSize: UInt64, now: Int64) {
        lock.withLock {
            if publishedSize >= signedSize { lagSince = nil } else if lagSince == nil { lagSince = now }
        }
    }

    /// What the witnesses add to /healthz: the fields `witnessQuorum`, `witnessedSize` and `witnesses` (each with its
    /// `state`, `lastError` and `lastErrorSince`); a `failing` reason `witness-split-view` per alarmed witness, a
    /// `degraded` reason `witness-unavailable` per witness that is unreachable or refusing, `witness-quorum` when fewer
    /// than the quorum may be reachable, and `receipts-waiting` when the published checkpoint has lagged the signed
    /// one for ``receiptsWaitingAfter`` seconds.
    /// A transport failure in a word an operator reads in Chinese; the English detail stays in `witnesses[].lastError`.
    public static func failureZh(_ error: String) -> String {
        let e = error.lowercased()
        if e.contains("refused") { return "连接被拒绝，服务可能未运行" }
        if e.contains("timed out") || e.contains("timeout") || e.contains("deadline") { return "连接超时" }
        if e.contains("not trusted") || e.contains("certificate") { return "TLS 证书不受信任" }
        if e.contains("host name") || e.contains("hostname") { return "TLS 证书与主机名不符" }
        if e.contains("resolve") || e.contains("dns") { return "无法解析主机名" }
        if e.contains("closed") || e.contains("reset") || e.contains("eof") { return "连接被对方关闭" }
        return "连接失败"
    }

    func health(signedSize: UInt64, witnessedSize: UInt64?, now: Int64) -> HealthContribution {
        publishedGauge.record(Int64(witnessedSize ?? 0))
        observe(signedSize: signedSize, publishedSize: witnessedSize ?? 0, now: now)
        let all = self.all
        var reasons: [HealthReason] = []
        for s in all {
            let since = s.lastErrorSince.map { UTCInstant(seconds: $0).description } ?? "?"
            let sinceZh = s.lastErrorSince.map { Display.beijingTime(UTCInstant(seconds: $0)) } ?? "?"
            switch s.state {
            case .splitView:
                let split = s.splitView ?? ""
                reasons.append(.failing(
                    "witness-split-view", "witness \(s.label) (\(s.name)) holds a checkpoint that is not in this log: \(split)",
                    zh: "见证方 \(s.label) 持有与本台账不一致的检查点（分叉或回滚）：\(split)",
                    action: "stop and compare both logs; keep the witness's evidence", actionZh: "立即停止并比对双方台账，保留见证方证据"))
            case .unreachable:
                reasons.append(.degraded(
                    "witness-unavailable", "witness \(s.label) (\(s.name)) unreachable since \(since): \(s.lastError ?? "")",
                    zh: "见证方 \(s.label) 自 \(sinceZh) 起无法连接（\(Self.failureZh(s.lastError ?? ""))）",
                    action: "check that the witness's service runs and that this host reaches \(s.url) (network, firewall, TLS certificate and --witness-ca)",
                    actionZh: "检查见证方服务是否运行、本机能否连到 \(s.url)（网络、防火墙、TLS 证书与 --witness-ca）"))
            case .refusing:
                reasons.append(.degraded(
                    "witness-unavailable", "witness \(s.label) (\(s.name)) refuses this log's checkpoints since \(since): \(s.lastError ?? "")",
                    zh: "见证方 \(s.label) 自 \(sinceZh) 起拒绝联署本台账的检查点",
                    action: "ask the witness's operator to check its log and that it trusts this log (hwledger witness serve --log ORIGIN=VKEY)",
                    actionZh: "请见证方运维人员查看其日志，并确认已配置信任本台账（hwledger witness serve --log 日志名=公钥）"))
            case .ok, .unknown:
                break
            }
        }
        let usable = all.filter { $0.state == .ok || $0.state == .unknown }.count
        if quorum > 0, usable < quorum {
            reasons.append(.degraded(
                "witness-quorum", "\(usable) of \(all.count) witnesses reachable, the quorum is \(quorum): new checkpoints cannot be published and receipts for new entries wait",
                zh: "仅 \(usable)/\(all.count) 个见证方可用，低于法定联署数 \(quorum)：新检查点无法发布，新条目的回执需等待",
                action: "restore the witnesses listed as unreachable or refusing", actionZh: "恢复下列无法连接或拒绝联署的见证方"))
        }
        let lag = lock.withLock { lagSince }
        if let lag, now - lag >= Self.receiptsWaitingAfter {
            let published = witnessedSize ?? 0
            reasons.append(.degraded(
                "receipts-waiting", "the published checkpoint (size \(published)) has lagged the signed one (size \(signedSize)) for \(now - lag) s: receipts for entries \(published) and above wait for witness cosignatures",
                zh: "已发布检查点（大小 \(published)）落后已签名检查点（大小 \(signedSize)）已 \(now - lag) 秒：序号 \(published) 及以后条目的回执等待见证方联署",
                action: "see witnesses[] for the witness that does not cosign", actionZh: "查看见证方列表中未联署的一方"))
        }
        let witnesses: [JSONValue] = all.map { s in
            .object([
                "label": .string(s.label), "name": .string(s.name), "url": .string(s.url), "state": .string(s.state.rawValue),
                "cosignedSize": .int(Int64(s.cosignedSize)),
                "cosignedAt": s.cosignedAt.map { .string(UTCInstant(seconds: $0).description) } ?? .null,
                "ageSeconds": s.cosignedAt.map { .int(max(0, now - $0)) } ?? .null,
                "lastContactAt": s.lastContactAt.map { .string(UTCInstant(seconds: $0).description) } ?? .null,
                "lastError": s.lastError.map { .string($0) } ?? .null,
                "lastErrorSince": s.lastErrorSince.map { .string(UTCInstant(seconds: $0).description) } ?? .null,
                "splitView": s.splitView.map { .string($0) } ?? .null,
            ])
        }
        return HealthContribution(reasons: reasons, fields: [
            "witnessQuorum": .int(Int64(quorum)), "witnessedSize": witnessedSize.map { .int(Int64($0)) } ?? .null,
            "witnesses": .array(witnesses),
        ])
    }

    /// Refreshes the age gauges.
    func tick(now: Int64) {
        for s in all {
            if let at = s.cosignedAt { ageGauges[s.name]?.record(max(0, now - at)) }
        }
    }
}
