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

/// A step with the dates between which it is listed: as of a date D the record's steps are those with
/// `from <= D < until` (nil `from`: always; nil `until`: never ends). The dates come from the record alone, so a
/// read model can store them when the record changes and answer "as of D" with a range scan instead of recomputing
/// every record (decision 020).
public struct StepSpan: Sendable, Equatable {
    public var step: DeadlineStep
    public var from: CivilDate?
    public var until: CivilDate?

    public init(_ step: DeadlineStep, from: CivilDate?, until: CivilDate? = nil) {
        self.step = step
        self.from = from
        self.until = until
    }

    /// Listed as of `asOf`.
    public func covers(_ asOf: CivilDate) -> Bool {
        (from.map { $0 <= asOf } ?? true) && (until.map { asOf < $0 } ?? true)
    }

    /// The span during which the step is on its actor's worklist: listed and not yet done (and, for an application's
    /// steps other than the notification, not moot by a decision taken); nil when it never is.
    public func worklistSpan(decidedOn: CivilDate?) -> StepSpan? {
        var end = [until, step.doneOn].compactMap { $0 }.min()
        if let decidedOn, step.kind != "approval.notified" { end = [end, decidedOn].compactMap { $0 }.min() }
        if let end, let from, end <= from { return nil }
        return StepSpan(step, from: from, until: end)
    }

    /// The dates on which lateness is an anomaly: listed, past its due date and not done by it; nil when never.
    public func anomalySpan() -> StepSpan? {
        guard step.anomaly != nil, let due = step.due else { return nil }
        if let done = step.doneOn, done <= due { return nil }
        let start = [from, due.adding(days: 1)].compactMap { $0 }.max()!
        if let until, until <= start { return nil }
        return StepSpan(step, from: start, until: until)
    }
}

/// Later of two dates when both are present.
private func later(_ a: CivilDate, _ b: CivilDate) -> CivilDate { max(a, b) }

extension RegimeContext {
    /// The steps of an application as of `asOf`, in route order (``stepSpans(of:)-(ApplicationRecord)`` listed then).
    public func steps(of a: ApplicationRecord, asOf: CivilDate) -> [DeadlineStep] {
        stepSpans(of: a).filter { $0.covers(asOf) }.map(\.step)
    }

    /// The steps of a manifest as of `asOf` (``stepSpans(of:)-(ManifestRecord)`` listed then).
    public func steps(of m: ManifestRecord, asOf: CivilDate) -> [DeadlineStep] {
        stepSpans(of: m).filter { $0.covers(asOf) }.map(\.step)
    }

    /// Every step of an application with the dates it is listed, in route order: from acceptance (受理) on, the
    /// route's steps as each becomes due; before acceptance, the supplement while an incomplete notice awaits one.
    /// Steps without a deadline (the supplement, the consultation request, the notification) carry no anomaly.
    public func stepSpans(of a: ApplicationRecord) -> [StepSpan] {
        let d = policy.deadlines
        let origin = a.originRegulator
        let acceptedOn = a.acceptedOn(calendar, policy: policy)
        var out: [StepSpan] = []
        if a.awaitingSupplement(calendar, policy: policy) {
            let step = DeadlineStep(kind: "approval.supplemented", actor: a.generator, subject: a.applicationId, due: nil, doneOn: nil)
            if acceptedOn.map({ a.appliedOn < $0 }) ?? true { out.append(StepSpan(step, from: a.appliedOn, until: acceptedOn)) }
        }
        guard let accepted = acceptedOn else { return out }
        let open = later(a.appliedOn, accepted)
        let decidedOn = a.decision?.decidedOn
        if a.onWhitelistRoute(calendar, policy: policy) {
            out.append(StepSpan(DeadlineStep(
                kind: "approval.decided", actor: origin, subject: a.applicationId,
                due: calendar.due(workingDays: d.whitelistDecisionWorkingDays, after: accepted), doneOn: decidedOn, anomaly: "A-DEADLINE-DECISION",
                detail: "whitelist-route decision due \(d.whitelistDecisionWorkingDays) working days after acceptance on \(accepted)").counted(on: calendar),
                from: open))
            if let decision = a.decision, decision.decision == .approved, a.direct == true {
                out.append(StepSpan(
                    DeadlineStep(kind: "approval.notified", actor: origin, subject: a.applicationId, due: nil, doneOn: a.notifiedOn),
                    from: later(open, decision.decidedOn)))
            }
            return out
        }
        out.append(StepSpan(DeadlineStep(
            kind: "approval.reviewed", actor: origin, subject: a.applicationId,
            due: calendar.due(workingDays: d.reviewWorkingDays, after: accepted), doneOn: a.review?.reviewedOn ?? decidedOn,
            anomaly: "A-DEADLINE-REVIEW", detail: "preliminary review due \(d.reviewWorkingDays) working days after acceptance on \(accepted)").counted(on: calendar),
            from: open))
        if let reviewed = a.review?.reviewedOn {
            out.append(StepSpan(DeadlineStep(
                kind: "approval.consultation.requested", actor: origin, subject: a.applicationId, due: nil,
                doneOn: a.consultationRequestedOn ?? decidedOn), from: later(open, reviewed)))
        }
        if let requested = a.consultationRequestedOn {
            out.append(StepSpan(DeadlineStep(
                kind: "approval.consultation.replied", actor: a.destinationRegulator, subject: a.applicationId,
                due: calendar.due(workingDays: d.replyWorkingDays, after: requested), doneOn: a.reply?.repliedOn, anomaly: "A-DEADLINE-REPLY",
                detail: "destination regulator's reply due \(d.replyWorkingDays) working days after the request on \(requested)").counted(on: calendar),
                from: later(open, requested)))
        }
        if let reply = a.reply {
            out.append(StepSpan(DeadlineStep(
                kind: "approval.decided", actor: origin, subject: a.applicationId,
                due: calendar.due(workingDays: d.decisionWorkingDays, after: reply.repliedOn), doneOn: decidedOn, anomaly: "A-DEADLINE-DECISION",
                detail: "decision due \(d.decisionWorkingDays) working days after the reply on \(reply.repliedOn)").counted(on: calendar),
                from: later(open, reply.repliedOn)))
        }
        return out
    }

    /// Every step of a manifest with the dates it is listed: pickup by the first carrier (due the planned pickup
    /// date) from filing while it is still filed, handover to the next listed carrier and receipt (due the in-transit
    /// limit after pickup; late receipt is A-IN-TRANSIT-OVERDUE) from pickup, and the approvals a proposed correction
    /// still needs (always).
    public func stepSpans(of m: ManifestRecord) -> [StepSpan] {
        var out: [StepSpan] = []
        let days = policy.deadlines.inTransitDays
        if m.state == .filed, let first = m.carriers.first {
            out.append(StepSpan(DeadlineStep(kind: "manifest.pickedUp", actor: first, subject: m.manifestNo, due: m.plannedPickup, doneOn: nil), from: m.filedOn))
        }
        if let p = m.pickup {
            let picked = p.at.shanghaiDate
            let due = calendar.due(calendarDays: days, after: picked)
            let delivered = m.deliveredAt?.shanghaiDate
            if m.state == .inTransit, let holder = m.currentCarrier, let i = m.carriers.firstIndex(of: holder), i + 1 < m.carriers.count {
                out.append(StepSpan(DeadlineStep(kind: "manifest.handedOver", actor: m.carriers[i + 1], subject: m.manifestNo, due: due, doneOn: delivered), from: picked))
            }
            out.append(StepSpan(DeadlineStep(
                kind: "manifest.received", actor: m.receiver, subject: m.manifestNo, due: due, doneOn: delivered,
                anomaly: "A-IN-TRANSIT-OVERDUE", detail: "picked up \(picked), delivery due within \(days) days"), from: picked))
        }
        for c in m.corrections where !c.applied {
            for party in m.parties where party != c.proposer && !c.approvals.contains(party) {
                out.append(StepSpan(DeadlineStep(kind: "manifest.correction.approved", actor: party, subject: m.manifestNo, due: nil, doneOn: nil), from: nil))
            }
        }
        return out
    }
}
