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

extension RegimeContext {
    /// Every anomaly open or incurred by `asOf`. A step due on X is listed for every as-of date after X unless it
    /// was done by X.
    public func anomalies(
        asOf: CivilDate, applications: [ApplicationRecord], manifests: [ManifestRecord], permits: [String: [PermitRecord]]
    ) -> [Anomaly] {
        var out: [Anomaly] = []
        let d = policy.deadlines
        func late(_ id: String, _ subject: String, due: CivilDate, doneOn: CivilDate?, _ detail: String) {
            guard asOf > due else { return }
            if let doneOn, doneOn <= due { return }
            out.append(Anomaly(id: id, subject: subject, due: due, detail: detail + (doneOn.map { "; done \($0)" } ?? "; not done")))
        }
        func late(_ step: DeadlineStep) {
            guard let id = step.anomaly, let due = step.due else { return }
            late(id, step.subject, due: due, doneOn: step.doneOn, step.detail + Self.provisional(step.provisionalFor))
        }
        for a in applications { steps(of: a, asOf: asOf).forEach(late) }
        for m in manifests {
            if let r = m.receipt {
                let delivered = r.deliveredAt.shanghaiDate
                let due = calendar.due(workingDays: d.receiptWorkingDays, after: delivered)
                if r.enteredOn > due {
                    late("A-RECEIPT-LATE", m.manifestNo, due: due, doneOn: r.enteredOn,
                         "receipt of the delivery on \(delivered) due in the ledger within \(d.receiptWorkingDays) working days"
                            + Self.provisional(calendar.missingYear(countingTo: due)))
                }
            }
            steps(of: m, asOf: asOf).forEach(late)
            if let r = m.receipt, r.deliveredAt.shanghaiDate <= asOf {
                for received in r.lines {
                    let shipped = m.lines[received.line - 1].grams
                    let difference = abs(received.grams + received.rejectedGrams - shipped)
                    if difference * 1000 > shipped * policy.discrepancyPermille {
                        out.append(Anomaly(
                            id: "A-DISCREPANCY", subject: m.manifestNo, due: nil,
                            detail: "line \(received.line): shipped \(shipped.t), received \(received.grams.t) + rejected \(received.rejectedGrams.t), more than \(policy.discrepancyPermille)‰ apart"))
                    }
                }
                if r.significantDiscrepancy {
                    out.append(Anomaly(id: "A-DISCREPANCY", subject: m.manifestNo, due: nil, detail: "the receiver flagged a significant discrepancy"))
                }
            }
        }
        out += capacityAnomalies(asOf: asOf, manifests: manifests, permits: permits)
        // By due date (undated first), then id, subject, detail; dates compared as dates, not as printed strings.
        return out.sorted { a, b in
            if a.due != b.due {
                guard let x = a.due else { return true }
                guard let y = b.due else { return false }
                return x < y
            }
            return (a.id, a.subject, a.detail) < (b.id, b.subject, b.detail)
        }
    }

    /// The note an anomaly carries when its due date was counted past the holiday calendar.
    static func provisional(_ missing: Int?) -> String {
        missing.map { " (due date provisional: the holiday calendar has no \($0); counted on weekends alone)" } ?? ""
    }

    /// A-CAPACITY: the receipt that first takes a receiver's received grams in a delivery year above the capacity of
    /// its largest operating permit valid on that delivery.
    func capacityAnomalies(asOf: CivilDate, manifests: [ManifestRecord], permits: [String: [PermitRecord]]) -> [Anomaly] {
        var out: [Anomaly] = []
        // Sorted as positions, not records: a manifest record is large to copy.
        let received = manifests.indices.filter { manifests[$0].receipt.map { $0.deliveredAt.shanghaiDate <= asOf } ?? false }
            .map { (at: manifests[$0].receipt!.deliveredAt, no: manifests[$0].manifestNo, position: $0) }
            .sorted { ($0.at, $0.no) < ($1.at, $1.no) }
        var totals: [String: Int64] = [:]
        var flagged: Set<String> = []
        for position in received.map(\.position) {
            let m = manifests[position]
            let date = m.receipt!.deliveredAt.shanghaiDate
            let key = "\(m.receiver)/\(date.year)"
            totals[key, default: 0] += (m.currentVersion?.lines ?? m.receipt!.lines).reduce(0) { $0 + $1.grams }
            guard !flagged.contains(key) else { continue }
            let capacity = (permits[m.receiver] ?? []).filter { $0.kind == .operating && $0.isValid(on: date) }.compactMap(\.capacityGrams).max()
            if let capacity, totals[key]! > capacity {
                flagged.insert(key)
                out.append(Anomaly(
                    id: "A-CAPACITY", subject: m.manifestNo, due: nil,
                    detail: "receiver \(m.receiver), \(date.year): \(totals[key]!.t) received exceed the permitted capacity of \(capacity.t)"))
            }
        }
        return out
    }
}
