import TransferRules

/// The reports as they were computed before the read models (decision 020): every application and manifest
/// re-derived at the as-of date. Kept in the tests only, as the reference ``ReadModelParityTests`` compares the read
/// models' answers with; the ledger no longer has this code path.
private extension Int64 {
    var t: String { Mass.tonnes(self) + " t" }
}

struct LegacyReports {
    let c: RegimeContext
    let applications: [ApplicationRecord]
    let manifests: [ManifestRecord]
    let permits: [String: [PermitRecord]]
    let whitelists: [WhitelistRecord]
    let compensation: CompensationInputs

    func counted(_ s: DeadlineStep) -> DeadlineStep {
        var s = s
        s.provisionalFor = s.due.flatMap(c.calendar.missingYear(countingTo:))
        return s
    }

    func steps(of a: ApplicationRecord, asOf: CivilDate) -> [DeadlineStep] {
        guard a.appliedOn <= asOf else { return [] }
        let d = c.policy.deadlines
        let origin = a.originRegulator
        guard let accepted = a.acceptedOn(c.calendar, policy: c.policy), accepted <= asOf else {
            if a.awaitingSupplement(c.calendar, policy: c.policy) {
                return [DeadlineStep(kind: "approval.supplemented", actor: a.generator, subject: a.applicationId, due: nil, doneOn: nil)]
            }
            return []
        }
        let decidedOn = a.decision?.decidedOn
        if a.onWhitelistRoute(c.calendar, policy: c.policy) {
            var out = [counted(DeadlineStep(
                kind: "approval.decided", actor: origin, subject: a.applicationId,
                due: c.calendar.due(workingDays: d.whitelistDecisionWorkingDays, after: accepted), doneOn: decidedOn, anomaly: "A-DEADLINE-DECISION",
                detail: "whitelist-route decision due \(d.whitelistDecisionWorkingDays) working days after acceptance on \(accepted)"))]
            if let decision = a.decision, decision.decision == .approved, a.direct == true, decision.decidedOn <= asOf {
                out.append(DeadlineStep(kind: "approval.notified", actor: origin, subject: a.applicationId, due: nil, doneOn: a.notifiedOn))
            }
            return out
        }
        var out = [counted(DeadlineStep(
            kind: "approval.reviewed", actor: origin, subject: a.applicationId,
            due: c.calendar.due(workingDays: d.reviewWorkingDays, after: accepted), doneOn: a.review?.reviewedOn ?? decidedOn,
            anomaly: "A-DEADLINE-REVIEW", detail: "preliminary review due \(d.reviewWorkingDays) working days after acceptance on \(accepted)"))]
        if let reviewed = a.review?.reviewedOn, reviewed <= asOf {
            out.append(DeadlineStep(
                kind: "approval.consultation.requested", actor: origin, subject: a.applicationId, due: nil, doneOn: a.consultationRequestedOn ?? decidedOn))
        }
        if let requested = a.consultationRequestedOn, requested <= asOf {
            out.append(counted(DeadlineStep(
                kind: "approval.consultation.replied", actor: a.destinationRegulator, subject: a.applicationId,
                due: c.calendar.due(workingDays: d.replyWorkingDays, after: requested), doneOn: a.reply?.repliedOn, anomaly: "A-DEADLINE-REPLY",
                detail: "destination regulator's reply due \(d.replyWorkingDays) working days after the request on \(requested)")))
        }
        if let reply = a.reply, reply.repliedOn <= asOf {
            out.append(counted(DeadlineStep(
                kind: "approval.decided", actor: origin, subject: a.applicationId,
                due: c.calendar.due(workingDays: d.decisionWorkingDays, after: reply.repliedOn), doneOn: decidedOn, anomaly: "A-DEADLINE-DECISION",
                detail: "decision due \(d.decisionWorkingDays) working days after the reply on \(reply.repliedOn)")))
        }
        return out
    }

    func steps(of m: ManifestRecord, asOf: CivilDate) -> [DeadlineStep] {
        var out: [DeadlineStep] = []
        let days = c.policy.deadlines.inTransitDays
        if m.state == .filed, m.filedOn <= asOf, let first = m.carriers.first {
            out.append(DeadlineStep(kind: "manifest.pickedUp", actor: first, subject: m.manifestNo, due: m.plannedPickup, doneOn: nil))
        }
        if let p = m.pickup {
            let picked = p.at.shanghaiDate
            let due = c.calendar.due(calendarDays: days, after: picked)
            if picked <= asOf {
                let delivered = m.deliveredAt?.shanghaiDate
                if m.state == .inTransit, let holder = m.currentCarrier, let i = m.carriers.firstIndex(of: holder), i + 1 < m.carriers.count {
                    out.append(DeadlineStep(kind: "manifest.handedOver", actor: m.carriers[i + 1], subject: m.manifestNo, due: due, doneOn: delivered))
                }
                out.append(DeadlineStep(
                    kind: "manifest.received", actor: m.receiver, subject: m.manifestNo, due: due, doneOn: delivered,
                    anomaly: "A-IN-TRANSIT-OVERDUE", detail: "picked up \(picked), delivery due within \(days) days"))
            }
        }
        for corr in m.corrections where !corr.applied {
            for party in m.parties where party != corr.proposer && !corr.approvals.contains(party) {
                out.append(DeadlineStep(kind: "manifest.correction.approved", actor: party, subject: m.manifestNo, due: nil, doneOn: nil))
            }
        }
        return out
    }

    func statementCloseSteps(asOf: CivilDate) -> [DeadlineStep] {
        let directions = Set(compensation.tables.filter { $0.confirmedAt != nil }.flatMap(\.table.directions).map { [$0.payer, $0.payee] })
        guard !directions.isEmpty,
            let first = compensation.manifests.compactMap({ $0.receipt?.deliveredAt.shanghaiDate }).min().map(Quarter.init(containing:))
        else { return [] }
        let current = Quarter(containing: asOf)
        let closed = Set(compensation.closes.map { "\($0.quarter)/\($0.payer)/\($0.payee)" })
        var out: [DeadlineStep] = []
        var q = first
        while q < current {
            for d in directions.sorted(by: { $0.lexicographicallyPrecedes($1) }) where !closed.contains("\(q)/\(d[0])/\(d[1])") {
                let s = c.statement(quarter: q, payer: d[0], payee: d[1], inputs: compensation)
                if !s.items.isEmpty || !s.adjustments.isEmpty {
                    out.append(DeadlineStep(kind: "compensation.statement.closed", actor: Principal.regulatorID(d[1]), subject: q.description, due: nil, doneOn: nil))
                }
            }
            q = q.next
        }
        return out
    }

    func worklist(for principal: String, asOf: CivilDate) -> [WorkItem] {
        var steps: [DeadlineStep] = []
        for a in applications {
            let decided = a.decision.map { $0.decidedOn <= asOf } ?? false
            steps += self.steps(of: a, asOf: asOf).filter { !decided || $0.kind == "approval.notified" }
        }
        for m in manifests { steps += self.steps(of: m, asOf: asOf) }
        if principal.hasPrefix("REG-") { steps += c.confirmationSteps(whitelists) + statementCloseSteps(asOf: asOf) }
        let items = steps.filter { $0.actor == principal && !$0.isDone(asOf: asOf) }.map { s in
            let overdue = s.due.map { asOf > $0 } ?? false
            let left = s.due.map { c.calendar.workingDays(from: asOf, to: $0) }.map { overdue ? min($0, -1) : $0 }
            return WorkItem(kind: s.kind, subject: s.subject, due: s.due, workingDaysLeft: left, overdue: overdue)
        }
        return items.sorted { a, b in
            if a.overdue != b.overdue { return a.overdue }
            switch (a.due, b.due) {
            case (let x?, let y?) where x != y: return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return (a.kind, a.subject) < (b.kind, b.subject)
            }
        }
    }

    static func provisional(_ missing: Int?) -> String {
        missing.map { " (due date provisional: the holiday calendar has no \($0); counted on weekends alone)" } ?? ""
    }

    func anomalies(asOf: CivilDate) -> [Anomaly] {
        var out: [Anomaly] = []
        let d = c.policy.deadlines
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
                let due = c.calendar.due(workingDays: d.receiptWorkingDays, after: delivered)
                if r.enteredOn > due {
                    late("A-RECEIPT-LATE", m.manifestNo, due: due, doneOn: r.enteredOn,
                         "receipt of the delivery on \(delivered) due in the ledger within \(d.receiptWorkingDays) working days"
                            + Self.provisional(c.calendar.missingYear(countingTo: due)))
                }
            }
            steps(of: m, asOf: asOf).forEach(late)
            if let r = m.receipt, r.deliveredAt.shanghaiDate <= asOf {
                for received in r.lines {
                    let shipped = m.lines[received.line - 1].grams
                    let difference = abs(received.grams + received.rejectedGrams - shipped)
                    if difference * 1000 > shipped * c.policy.discrepancyPermille {
                        out.append(Anomaly(
                            id: "A-DISCREPANCY", subject: m.manifestNo, due: nil,
                            detail: "line \(received.line): shipped \(shipped.t), received \(received.grams.t) + rejected \(received.rejectedGrams.t), more than \(c.policy.discrepancyPermille)‰ apart"))
                    }
                }
                if r.significantDiscrepancy {
                    out.append(Anomaly(id: "A-DISCREPANCY", subject: m.manifestNo, due: nil, detail: "the receiver flagged a significant discrepancy"))
                }
            }
        }
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
        return out.sorted { a, b in
            if a.due != b.due {
                guard let x = a.due else { return true }
                guard let y = b.due else { return false }
                return x < y
            }
            return (a.id, a.subject, a.detail) < (b.id, b.subject, b.detail)
        }
    }

    func statement(quarter: Quarter, payer: String, payee: String) -> Statement {
        c.statement(quarter: quarter, payer: payer, payee: payee, inputs: compensation)
    }

    /// Grams shipped and received under a whitelist entry's approvals, as the report summed them over every manifest.
    func whitelistUsage(approvalNos: Set<String>) -> (shipped: Int64, received: Int64) {
        let under = manifests.filter { m in
            guard m.returnOf == nil, case .approval(let no) = m.basis else { return false }
            return approvalNos.contains(no)
        }
        let shipped = under.filter { $0.pickup != nil && $0.state != .cancelled }.reduce(Int64(0)) { $0 + $1.totalGrams }
        let received = under.compactMap(\.currentVersion).reduce(Int64(0)) { sum, v in sum + v.lines.reduce(Int64(0)) { $0 + $1.grams } }
        return (shipped, received)
    }
}
