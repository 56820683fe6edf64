/// An irregularity the ledger reports without rejecting anything (SPEC §2.2, §2.4).
public struct Anomaly: Sendable, Equatable {
    /// The anomaly id, e.g. `A-DEADLINE-REVIEW`.
    public var id: String
    /// The manifest number or application id.
    public var subject: String
    /// The date the step was due; nil for A-DISCREPANCY and A-CAPACITY.
    public var due: CivilDate?
    public var detail: String

    public init(id: String, subject: String, due: CivilDate?, detail: String) {
        self.id = id
        self.subject = subject
        self.due = due
        self.detail = detail
    }
}

/// An anomaly with the date from which it is reported (nil: for every as-of date). The read model keeps these per
/// record; "anomalies as of D" are those with `from <= D` (decision 020).
public struct AnomalySpan: Sendable, Equatable {
    public var anomaly: Anomaly
    public var from: CivilDate?

    public init(_ anomaly: Anomaly, from: CivilDate?) {
        self.anomaly = anomaly
        self.from = from
    }

    public func covers(_ asOf: CivilDate) -> Bool { from.map { $0 <= asOf } ?? true }
}

extension RegimeContext {
    /// Every anomaly open or incurred by `asOf`. A step due on X is listed for every as-of date after X unless it
    /// was done by X.
    public func anomalies(
        asOf: CivilDate, applications: [ApplicationRecord], manifests: [ManifestRecord], permits: [String: [PermitRecord]]
    ) -> [Anomaly] {
        var out: [Anomaly] = []
        for a in applications { out += anomalySpans(of: a).filter { $0.covers(asOf) }.map(\.anomaly) }
        for m in manifests { out += anomalySpans(of: m).filter { $0.covers(asOf) }.map(\.anomaly) }
        out += capacityAnomalies(asOf: asOf, manifests: manifests, permits: permits)
        return Self.sorted(out)
    }

    /// By due date (undated first), then id, subject, detail; dates compared as dates, not as printed strings.
    public static func sorted(_ anomalies: [Anomaly]) -> [Anomaly] {
        anomalies.sorted { a, b in
            if a.due != b.due {
                guard let x = a.due else { return true }
                guard let y = b.due else { return false }
                return x < y
            }
            return (a.id, a.subject, a.detail) < (b.id, b.subject, b.detail)
        }
    }

    /// The late steps of an application (A-DEADLINE-…), each from the day after it was due.
    public func anomalySpans(of a: ApplicationRecord) -> [AnomalySpan] {
        stepSpans(of: a).compactMap { $0.anomalySpan() }.map(Self.lateness)
    }

    /// A manifest's anomalies: a receipt entered after its due date (A-RECEIPT-LATE, from the day after), a late delivery
    /// (A-IN-TRANSIT-OVERDUE, from the day after it was due) and the discrepancies of its receipt (from delivery).
    /// A-CAPACITY belongs to a receiver's year, not to one manifest (``capacityAnomaly(receiver:year:receipts:permits:)``).
    public func anomalySpans(of m: ManifestRecord) -> [AnomalySpan] {
        var out: [AnomalySpan] = []
        let d = policy.deadlines
        if let r = m.receipt {
            let delivered = r.deliveredAt.shanghaiDate
            let due = calendar.due(workingDays: d.receiptWorkingDays, after: delivered)
            if r.enteredOn > due {
                out.append(AnomalySpan(Anomaly(
                    id: "A-RECEIPT-LATE", subject: m.manifestNo, due: due,
                    detail: "receipt of the delivery on \(delivered) due in the ledger within \(d.receiptWorkingDays) working days"
                        + Self.provisional(calendar.missingYear(countingTo: due)) + "; done \(r.enteredOn)"), from: due.adding(days: 1)))
            }
        }
        out += stepSpans(of: m).compactMap { $0.anomalySpan() }.map(Self.lateness)
        if let r = m.receipt {
            let delivered = r.deliveredAt.shanghaiDate
            for received in r.lines {
                let shipped = m.lines[received.line - 1].grams
                let difference = abs(received.grams + received.rejectedGrams - shipped)
                if difference * 1000 > shipped * policy.discrepancyPermille {
                    out.append(AnomalySpan(Anomaly(
                        id: "A-DISCREPANCY", subject: m.manifestNo, due: nil,
                        detail: "line \(received.line): shipped \(shipped.t), received \(received.grams.t) + rejected \(received.rejectedGrams.t), more than \(policy.discrepancyPermille)‰ apart"), from: delivered))
                }
            }
            if r.significantDiscrepancy {
                out.append(AnomalySpan(Anomaly(id: "A-DISCREPANCY", subject: m.manifestNo, due: nil, detail: "the receiver flagged a significant discrepancy"), from: delivered))
            }
        }
        return out
    }

    /// A late step's anomaly, reported from the day after it was due.
    static func lateness(_ span: StepSpan) -> AnomalySpan {
        let s = span.step
        return AnomalySpan(
            Anomaly(id: s.anomaly!, subject: s.subject, due: s.due,
                    detail: s.detail + provisional(s.provisionalFor) + (s.doneOn.map { "; done \($0)" } ?? "; not done")),
            from: span.from)
    }

    /// The note an anomaly carries when its due date was counted past the holiday calendar.
    static func provisional(_ missing: Int?) -> String {
        missing.map { " (due date provisional: the holiday calendar has no \($0); counted on weekends alone)" } ?? ""
    }

    /// A-CAPACITY of every receiver's year, as of `asOf`, over all `manifests`.
    func capacityAnomalies(asOf: CivilDate, manifests: [ManifestRecord], permits: [String: [PermitRecord]]) -> [Anomaly] {
        var receipts: [String: [CapacityReceipt]] = [:]
        for m in manifests {
            guard let r = CapacityReceipt(m) else { continue }
            receipts["\(m.receiver)/\(r.at.shanghaiDate.year)", default: []].append(r)
        }
        return receipts.keys.sorted().compactMap { key in
            let list = receipts[key]!
            let receiver = String(key.prefix { $0 != "/" })
            return capacityAnomaly(receiver: receiver, receipts: list.sorted(), permits: permits[receiver] ?? [])
        }.filter { $0.covers(asOf) }.map(\.anomaly)
    }

    /// A-CAPACITY of one receiver's delivery year: the receipt that first takes the received grams, counted in
    /// (delivery time, manifest number) order, above the capacity of the receiver's largest operating permit valid on
    /// that delivery; reported from its delivery date. `receipts` are that year's, in that order.
    public func capacityAnomaly(receiver: String, receipts: [CapacityReceipt], permits: [PermitRecord]) -> AnomalySpan? {
        var total: Int64 = 0
        for r in receipts {
            let date = r.at.shanghaiDate
            total += r.grams
            let capacity = permits.filter { $0.kind == .operating && $0.isValid(on: date) }.compactMap(\.capacityGrams).max()
            if let capacity, total > capacity {
                return AnomalySpan(Anomaly(
                    id: "A-CAPACITY", subject: r.manifestNo, due: nil,
                    detail: "receiver \(receiver), \(date.year): \(total.t) received exceed the permitted capacity of \(capacity.t)"), from: date)
            }
        }
        return nil
    }
}

/// One receipt as A-CAPACITY counts it: when it was delivered and the grams received (its latest version).
public struct CapacityReceipt: Sendable, Equatable, Comparable {
    public var at: UTCInstant
    public var manifestNo: String
    public var grams: Int64

    public init(at: UTCInstant, manifestNo: String, grams: Int64) {
        self.at = at
        self.manifestNo = manifestNo
        self.grams = grams
    }

    /// The manifest's receipt, nil when it has none.
    public init?(_ m: ManifestRecord) {
        guard let r = m.receipt else { return nil }
        self.init(at: r.deliveredAt, manifestNo: m.manifestNo, grams: (m.currentVersion?.lines ?? r.lines).reduce(0) { $0 + $1.grams })
    }

    public static func < (a: CapacityReceipt, b: CapacityReceipt) -> Bool { (a.at, a.manifestNo) < (b.at, b.manifestNo) }
}
