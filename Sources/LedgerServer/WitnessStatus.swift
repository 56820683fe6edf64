import Foundation
import LedgerCore
import Metrics
import TransferRules

/// What the daemon knows about each witness, for /healthz and /metrics; updated by the ``WitnessService``s.
public final class WitnessBoard: @unchecked Sendable {
    /// One witness's state.
    public struct Status: Sendable, Equatable {
        public var label: String
        public var name: String
        public var url: String
        /// The largest checkpoint size this witness cosigned (0: none).
        public var cosignedSize: UInt64 = 0
        /// POSIX seconds of that cosignature, as the witness stamped it.
        public var cosignedAt: Int64?
        /// The last failure talking to the witness, cleared by the next cosignature.
        public var lastError: String?
        /// Set when the witness holds a checkpoint that is not in this log (split view or rollback); stays set.
        public var splitView: String?
    }

    private let lock = NSLock()
    private var statuses: [String: Status]
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

    func cosigned(_ name: String, size: UInt64, at time: Int64) {
        lock.withLock {
            guard size >= statuses[name]?.cosignedSize ?? 0 else { return }
            statuses[name]?.cosignedSize = size
            statuses[name]?.cosignedAt = time
            statuses[name]?.lastError = nil
        }
        sizeGauges[name]?.record(Int64(size))
        timeGauges[name]?.record(time)
        tick(now: time)
    }

    func failed(_ name: String, _ message: String) {
        lock.withLock { statuses[name]?.lastError = message }
        failures[name]?.increment()
    }

    func raiseSplitView(_ name: String, _ message: String) {
        lock.withLock {
            if statuses[name]?.splitView == nil { statuses[name]?.splitView = message }
            statuses[name]?.lastError = message
        }
        alarmGauges[name]?.record(1)
    }

    /// What the witnesses add to /healthz: the fields `witnessQuorum`, `witnessedSize` and `witnesses`; a `failing`
    /// reason `witness-split-view` per alarmed witness, a `degraded` reason `witness-unavailable` per witness whose
    /// last request failed.
    func health(witnessedSize: UInt64?, now: Int64) -> HealthContribution {
        publishedGauge.record(Int64(witnessedSize ?? 0))
        var reasons: [HealthReason] = []
        for s in all {
            if let split = s.splitView {
                reasons.append(.failing("witness-split-view", "witness \(s.label) (\(s.name)): \(split)"))
            } else if let error = s.lastError {
                reasons.append(.degraded("witness-unavailable", "witness \(s.label) (\(s.name)) did not cosign: \(error)"))
            }
        }
        let witnesses: [JSONValue] = all.map { s in
            .object([
                "label": .string(s.label), "name": .string(s.name), "url": .string(s.url),
                "cosignedSize": .int(Int64(s.cosignedSize)),
                "cosignedAt": s.cosignedAt.map { .string(UTCInstant(seconds: $0).description) } ?? .null,
                "ageSeconds": s.cosignedAt.map { .int(max(0, now - $0)) } ?? .null,
                "lastError": s.lastError.map { .string($0) } ?? .null,
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
