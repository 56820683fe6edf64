/// A step a principal must take on an application or a manifest: the event it must emit, by when, and when (if at
/// all) it was done. Anomalies (A-DEADLINE-…, A-IN-TRANSIT-OVERDUE) are the late ones among the steps with an
/// anomaly id; the worklist is the ones not yet done. One computation serves both.
public struct DeadlineStep: Sendable, Equatable {
    /// The event type the principal must emit, e.g. `approval.reviewed`.
    public var kind: String
    /// Who must emit it: a USCC or a `REG-…` id.
    public var actor: String
    /// The application id, manifest number, whitelist year or quarter.
    public var subject: String
    /// The date the step is due; nil when no deadline applies.
    public var due: CivilDate?
    /// The date the step was done (or the step that closes it), if it was.
    public var doneOn: CivilDate?
    /// The anomaly reported when the step is late, if lateness is an anomaly.
    public var anomaly: String?
    /// For the anomaly's detail.
    public var detail: String
    /// The year missing from the holiday calendar when the due date was counted into it on weekends alone.
    public var provisionalFor: Int?

    public init(kind: String, actor: String, subject: String, due: CivilDate?, doneOn: CivilDate?, anomaly: String? = nil, detail: String = "") {
        self.kind = kind
        self.actor = actor
        self.subject = subject
        self.due = due
        self.doneOn = doneOn
        self.anomaly = anomaly
        self.detail = detail
    }

    /// Marks a working-day due date provisional when the calendar does not cover it.
    func counted(on calendar: WorkingCalendar) -> DeadlineStep {
        var s = self
        s.provisionalFor = due.flatMap(calendar.missingYear(countingTo:))
        return s
    }

    /// Done on or before `asOf`.
    public func isDone(asOf: CivilDate) -> Bool { doneOn.map { $0 <= asOf } ?? false }
}

extension RegimeContext {
    /// The steps of an application accepted (受理) by `asOf`, in route order. Steps without a deadline (the
    /// supplement, the consultation request, the notification) carry no anomaly.
    public func steps(of a: ApplicationRecord, asOf: CivilDate) -> [DeadlineStep] {
        guard a.appliedOn <= asOf else { return [] }
        let d = policy.deadlines
        let origin = a.originRegulator
        guard let accepted = a.acceptedOn(calendar, policy: policy), accepted <= asOf else {
            if a.awaitingSupplement(calendar, policy: policy) {
                return [DeadlineStep(kind: "approval.supplemented", actor: a.generator, subject: a.applicationId, due: nil, doneOn: nil)]
            }
            return []
        }
        let decidedOn = a.decision?.decidedOn
        if a.onWhitelistRoute(calendar, policy: policy) {
            var out = [DeadlineStep(
                kind: "approval.decided", actor: origin, subject: a.applicationId,
                due: calendar.due(workingDays: d.whitelistDecisionWorkingDays, after: accepted), doneOn: decidedOn, anomaly: "A-DEADLINE-DECISION",
                detail: "whitelist-route decision due \(d.whitelistDecisionWorkingDays) working days after acceptance on \(accepted)").counted(on: calendar)]
            if let decision = a.decision, decision.decision == .approved, a.direct == true, decision.decidedOn <= asOf {
                out.append(DeadlineStep(kind: "approval.notified", actor: origin, subject: a.applicationId, due: nil, doneOn: a.notifiedOn))
            }
            return out
        }
        var out = [DeadlineStep(
            kind: "approval.reviewed", actor: origin, subject: a.applicationId,
            due: calendar.due(workingDays: d.reviewWorkingDays, after: accepted), doneOn: a.review?.reviewedOn ?? decidedOn,
            anomaly: "A-DEADLINE-REVIEW", detail: "preliminary review due \(d.reviewWorkingDays) working days after acceptance on \(accepted)").counted(on: calendar)]
        if let reviewed = a.review?.reviewedOn, reviewed <= asOf {
            out.append(DeadlineStep(
                kind: "approval.consultation.requested", actor: origin, subject: a.applicationId, due: nil,
                doneOn: a.consultationRequestedOn ?? decidedOn))
        }
        if let requested = a.consultationRequestedOn, requested <= asOf {
            out.append(DeadlineStep(
                kind: "approval.consultation.replied", actor: a.destinationRegulator, subject: a.applicationId,
                due: calendar.due(workingDays: d.replyWorkingDays, after: requested), doneOn: a.reply?.repliedOn, anomaly: "A-DEADLINE-REPLY",
                detail: "destination regulator's reply due \(d.replyWorkingDays) working days after the request on \(requested)").counted(on: calendar))
        }
        if let reply = a.reply, reply.repliedOn <= asOf {
            out.append(DeadlineStep(
                kind: "approval.decided", actor: origin, subject: a.applicationId,
                due: calendar.due(workingDays: d.decisionWorkingDays, after: reply.repliedOn), doneOn: decidedOn, anomaly: "A-DEADLINE-DECISION",
                detail: "decision due \(d.decisionWorkingDays) working days after the reply on \(reply.repliedOn)").counted(on: calendar))
        }
        return out
    }

    /// The steps of a manifest: pickup by the first carrier (due the planned pickup date), handover
    /// to the next listed carrier and receipt (due the in-transit limit after pickup; late receipt is
    /// A-IN-TRANSIT-OVERDUE), and the approvals a proposed correction still needs.
    public func steps(of m: ManifestRecord, asOf: CivilDate) -> [DeadlineStep] {
        var out: [DeadlineStep] = []
        let days = policy.deadlines.inTransitDays
        if m.state == .filed, m.filedOn <= asOf, let first = m.carriers.first {
            out.append(DeadlineStep(kind: "manifest.pickedUp", actor: first, subject: m.manifestNo, due: m.plannedPickup, doneOn: nil))
        }
        if let p = m.pickup {
            let picked = p.at.shanghaiDate
            let due = calendar.due(calendarDays: days, after: picked)
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
        for c in m.corrections where !c.applied {
            for party in m.parties where party != c.proposer && !c.approvals.contains(party) {
                out.append(DeadlineStep(kind: "manifest.correction.approved", actor: party, subject: m.manifestNo, due: nil, doneOn: nil))
            }
        }
        return out
    }
}
