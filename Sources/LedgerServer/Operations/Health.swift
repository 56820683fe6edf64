import Foundation
import LedgerCore
import Metrics
import TransferRules

/// What `/healthz` says as a whole: `ok` (200), `degraded` (200: serving, but an operator should look) or `failing`
/// (503: the daemon refuses writes or cannot vouch for the log).
public enum HealthStatus: String, Sendable, Comparable, CaseIterable {
    case ok, degraded, failing

    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
    private var rank: Int { self == .ok ? 0 : self == .degraded ? 1 : 2 }
}

/// One reason why the daemon is not simply `ok`, or a warning about what will need action later: a stable `code` a
/// monitor can match, the severity, an English and a Chinese sentence, what to do, and since when (set by
/// ``HealthState`` from the first report that carried the code).
///
/// Severities (issue 23): `failing` — writes refused or the log cannot be vouched for (503); `degraded` — serving, but
/// something needs action now (a witness below quorum, receipts waiting, space running out, a stale checkpoint,
/// verification lagging); `warning` — not yet (a holiday calendar that ends within the horizon): listed under
/// `warnings`, it leaves the status `ok`.
public struct HealthReason: Sendable, Equatable {
    public enum Severity: String, Sendable, Comparable {
        case warning, degraded, failing

        public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
        private var rank: Int { self == .warning ? 0 : self == .degraded ? 1 : 2 }

        /// The overall status this severity makes.
        public var status: HealthStatus { self == .failing ? .failing : self == .degraded ? .degraded : .ok }
    }

    public var code: String
    public var severity: Severity
    public var message: String
    public var messageZh: String
    /// What the operator should do, in English and Chinese (empty when the sentence says it).
    public var action: String
    public var actionZh: String
    /// Unix seconds of the first report that carried this code (nil until ``HealthState`` stamps it).
    public var since: Int64?

    public init(code: String, severity: Severity, message: String, zh: String = "", action: String = "", actionZh: String = "", since: Int64? = nil) {
        self.code = code
        self.severity = severity
        self.message = message
        self.messageZh = zh
        self.action = action
        self.actionZh = actionZh
        self.since = since
    }

    public static func degraded(_ code: String, _ message: String, zh: String = "", action: String = "", actionZh: String = "") -> Self {
        .init(code: code, severity: .degraded, message: message, zh: zh, action: action, actionZh: actionZh)
    }
    public static func failing(_ code: String, _ message: String, zh: String = "", action: String = "", actionZh: String = "") -> Self {
        .init(code: code, severity: .failing, message: message, zh: zh, action: action, actionZh: actionZh)
    }
    public static func warning(_ code: String, _ message: String, zh: String = "", action: String = "", actionZh: String = "") -> Self {
        .init(code: code, severity: .warning, message: message, zh: zh, action: action, actionZh: actionZh)
    }

    var json: JSONValue {
        .object([
            "code": .string(code), "severity": .string(severity.rawValue), "message": .string(message),
            "messageZh": .string(messageZh.isEmpty ? message : messageZh), "action": .string(action), "actionZh": .string(actionZh),
            "since": since.map { .string(UTCInstant(seconds: $0).description) } ?? .null,
        ])
    }
}

/// What one part of the daemon adds to `/healthz`: reasons, and fields of its own (e.g. `"witnesses"`).
public struct HealthContribution: Sendable {
    public var reasons: [HealthReason]
    public var fields: [String: JSONValue]

    public init(reasons: [HealthReason] = [], fields: [String: JSONValue] = [:]) {
        self.reasons = reasons
        self.fields = fields
    }

    /// The worst severity among the reasons, as a status; `ok` without any (warnings leave it `ok`).
    public var status: HealthStatus { reasons.map(\.severity).max()?.status ?? .ok }

    /// The reasons that set the status (degraded, failing), worst first.
    public var problems: [HealthReason] { reasons.filter { $0.severity != .warning } }
    /// The warnings: listed, not counted in the status.
    public var warnings: [HealthReason] { reasons.filter { $0.severity == .warning } }
}

/// The daemon's health, which `/healthz` reports and `/metrics` mirrors.
///
/// Parts of the daemon contribute in one of two ways, each one line where the part is built:
/// - push: a background service calls `health.set([.degraded("witness-stale", "…")], from: "witness:w1")` whenever
///   its view changes (an empty list clears that source's reasons);
/// - pull: `health.addProbe { HealthContribution(reasons: …, fields: …) }`, asked on every `/healthz` request and
///   every scrape of `/metrics`.
/// The overall status is the worst severity among all reasons; `failing` answers 503.
public final class HealthState: @unchecked Sendable {
    /// The outcome of one verification run.
    public struct VerifyResult: Sendable, Equatable {
        public var ok: Bool
        /// Unix seconds when the run finished.
        public var finishedAt: Int64
        /// Tree size the run covered.
        public var size: UInt64
        public var milliseconds: Int64
        public var message: String
        /// Entries checked in full by this run (the new ones, or all of them in a full run).
        public var entriesChecked: UInt64
        /// A full re-verification of the whole log (else an incremental run).
        public var full: Bool

        public init(
            ok: Bool, finishedAt: Int64, size: UInt64, milliseconds: Int64, message: String, entriesChecked: UInt64 = 0, full: Bool = false
        ) {
            self.ok = ok
            self.finishedAt = finishedAt
            self.size = size
            self.milliseconds = milliseconds
            self.message = message
            self.entriesChecked = entriesChecked
            self.full = full
        }
    }

    public typealias Probe = @Sendable () async throws -> HealthContribution

    private let lock = NSLock()
    private var _verify: VerifyResult?
    private var _lastFull: VerifyResult?
    private var _checkpointSize: UInt64 = 0
    private var _treeSize: UInt64 = 0
    private var _checkpointSeenAt: Int64
    private var pushed: [String: [HealthReason]] = [:]
    private var probes: [Probe] = []
    /// When each reason code was first reported, for `since`; a code that disappears is forgotten.
    private var firstSeen: [String: Int64] = [:]
    private let now: @Sendable () -> Int64

    let treeSizeGauge = Gauge(label: "hwledger_tree_size")
    let checkpointSizeGauge = Gauge(label: "hwledger_checkpoint_size")
    let checkpointAgeGauge = Gauge(label: "hwledger_checkpoint_age_seconds")
    let verifyOKGauge = Gauge(label: "hwledger_last_verify_ok")
    let verifyTimeGauge = Gauge(label: "hwledger_last_verify_timestamp_seconds")
    let verifyDurationGauge = Gauge(label: "hwledger_last_verify_duration_seconds")
    let verifiedSizeGauge = Gauge(label: "hwledger_verified_size")
    let entriesVerified = Counter(label: "hwledger_verified_entries_total")
    let statusGauges = HealthStatus.allCases.map { ($0, Gauge(label: "hwledger_health_status", dimensions: [("status", $0.rawValue)])) }

    /// Unix seconds when this process started (the health state is made at start).
    public let startedAt: Int64

    public init(now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.now = now
        startedAt = now()
        _checkpointSeenAt = startedAt
    }

    public var verify: VerifyResult? { lock.withLock { _verify } }
    /// The last full re-verification of this process, if one ran.
    public var lastFullVerify: VerifyResult? { lock.withLock { _lastFull } }
    public var sizes: (tree: UInt64, checkpoint: UInt64) { lock.withLock { (_treeSize, _checkpointSize) } }
    /// Unix seconds when the signed checkpoint last grew (or this process started), as `hwledger_checkpoint_age_seconds` counts.
    public var checkpointSeenAt: Int64 { lock.withLock { _checkpointSeenAt } }

    /// Replaces the reasons `source` reports (an empty list clears them).
    public func set(_ reasons: [HealthReason], from source: String) {
        lock.withLock { pushed[source] = reasons.isEmpty ? nil : reasons }
    }

    /// Adds a probe asked on every `/healthz` request and `/metrics` scrape.
    public func addProbe(_ probe: @escaping Probe) {
        lock.withLock { probes.append(probe) }
    }

    /// The pushed reasons, by source.
    public var pushedReasons: [HealthReason] {
        lock.withLock { pushed.sorted { $0.key < $1.key }.flatMap(\.value) }
    }

    /// Pushed reasons and every probe's contribution, worst first (a probe that throws is itself a `degraded`
    /// reason). Also refreshes the gauges that mirror it.
    public func report() async -> HealthContribution {
        var result = HealthContribution(reasons: pushedReasons)
        for probe in lock.withLock({ probes }) {
            do {
                let c = try await probe()
                result.reasons += c.reasons
                result.fields.merge(c.fields) { _, new in new }
            } catch {
                result.reasons.append(.degraded(
                    "health-probe-failed", "a health probe failed: \(error)", zh: "健康检查项执行失败：\(error)",
                    action: "read the daemon's log", actionZh: "查看守护进程日志"))
            }
        }
        let t = now()
        lock.withLock {
            let codes = Set(result.reasons.map(\.code))
            firstSeen = firstSeen.filter { codes.contains($0.key) }
            for i in result.reasons.indices {
                let code = result.reasons[i].code
                if firstSeen[code] == nil { firstSeen[code] = t }
                if result.reasons[i].since == nil { result.reasons[i].since = firstSeen[code] }
            }
        }
        result.reasons.sort { $0.severity > $1.severity }
        let status = result.status
        for (s, gauge) in statusGauges { gauge.record(s == status ? 1 : 0) }
        let age = lock.withLock { max(0, now() - _checkpointSeenAt) }
        checkpointAgeGauge.record(age)
        return result
    }

    func record(_ result: VerifyResult) {
        lock.withLock {
            _verify = result
            if result.full { _lastFull = result }
        }
        verifyOKGauge.record(result.ok ? 1 : 0)
        verifyTimeGauge.record(result.finishedAt)
        verifyDurationGauge.record(Double(result.milliseconds) / 1000)
        if result.ok { verifiedSizeGauge.record(Int64(result.size)) }
        entriesVerified.increment(by: Int(result.entriesChecked))
    }

    func record(treeSize: UInt64, checkpointSize: UInt64) {
        let t = now()
        lock.withLock {
            _treeSize = max(_treeSize, treeSize)
            if checkpointSize > _checkpointSize { _checkpointSeenAt = t }
            _checkpointSize = max(_checkpointSize, checkpointSize)
        }
        treeSizeGauge.record(Int64(treeSize))
        checkpointSizeGauge.record(Int64(checkpointSize))
    }
}
