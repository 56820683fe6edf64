/// An act a principal may sign on an application now (``RegimeContext/openActs(of:for:asOf:overQuota:)``).
public struct OpenAct: Sendable, Equatable {
    /// The event type, e.g. `approval.reviewed`.
    public var kind: String
    /// The due date when the act is a deadline step; nil for an optional act or a step without a deadline.
    public var due: CivilDate?
    /// True when the act is on the principal's worklist (a step the route requires of it).
    public var required: Bool

    public init(kind: String, due: CivilDate?, required: Bool) {
        self.kind = kind
        self.due = due
        self.required = required
    }
}

/// One step on a principal's worklist: the event it must emit next, on what, by when.
public struct WorkItem: Sendable, Equatable {
    /// The event type to emit, e.g. `approval.reviewed`, `manifest.received`.
    public var kind: String
    /// The application id, manifest number, whitelist year or quarter.
    public var subject: String
    /// Nil when no deadline applies to the step.
    public var due: CivilDate?
    /// Working days from the as-of date to the due date (0 = due that day; negative = overdue by that many
    /// working days, at least −1 once overdue); nil without a due date.
    public var workingDaysLeft: Int?
    public var overdue: Bool

    public init(kind: String, subject: String, due: CivilDate?, workingDaysLeft: Int?, overdue: Bool) {
        self.kind = kind
        self.subject = subject
        self.due = due
        self.workingDaysLeft = workingDaysLeft
        self.overdue = overdue
    }
}

extension WorkingCalendar {
    /// Working days after `from` up to and including `to`; negative (the working days after `to` up to and
    /// including `from`) when `to` is earlier.
    public func workingDays(from: CivilDate, to: CivilDate) -> Int {
        let (a, b, sign) = from <= to ? (from, to, 1) : (to, from, -1)
        var n = 0
        var d = a
        while d < b {
            d = d.adding(days: 1)
            if isWorkingDay(d) { n += 1 }
        }
        return n * sign
    }
}

extension RegimeContext {
    /// The worklist spans of an application: each step while it is listed, not done and not moot.
    public func workSpans(of a: ApplicationRecord) -> [StepSpan] {
        stepSpans(of: a).compactMap { $0.worklistSpan(decidedOn: a.decision?.decidedOn) }
    }

    /// The worklist spans of a manifest: each step while it is listed and not done.
    public func workSpans(of m: ManifestRecord) -> [StepSpan] {
        stepSpans(of: m).compactMap { $0.worklistSpan(decidedOn: nil) }
    }

    /// `steps` (already those listed as of `asOf`) that are `principal`'s and not done, as work items: overdue first,
    /// then by due date (undated last), then kind and subject.
    public func workItems(for principal: String, asOf: CivilDate, steps: [DeadlineStep]) -> [WorkItem] {
        let items = steps.filter { $0.actor == principal && !$0.isDone(asOf: asOf) }.map { s in
            let overdue = s.due.map { asOf > $0 } ?? false
            // A calendar-day deadline can fall on a weekend: overdue then still shows −1.
            let left = s.due.map { calendar.workingDays(from: asOf, to: $0) }.map { overdue ? min($0, -1) : $0 }
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

    /// The steps of an application that are still live as of `asOf`: a decided application's steps other than its
    /// notification are moot. The worklist's view of an application, and the base of
    /// ``openActs(of:for:asOf:overQuota:)``.
    public func pendingSteps(of a: ApplicationRecord, asOf: CivilDate) -> [DeadlineStep] {
        let decided = a.decision.map { $0.decidedOn <= asOf } ?? false
        return steps(of: a, asOf: asOf).filter { !decided || $0.kind == "approval.notified" }
    }

    /// What `principal` may sign on an application now: its due steps (those of the worklist, with their due dates)
    /// followed by the acts the regime allows at this point without requiring them — the origin regulator's
    /// 一次性告知补正 before the review, its decision at any point before one is taken (a denial needs no reply; an
    /// approval before the reply on the full route is refused by the ledger as R-APPROVAL-ROUTE, which the form's
    /// 预检 shows), and the listing (destination) regulator's over-quota consent while the application is undecided,
    /// off the full route and `overQuota` (a whitelist entry covers it but its remaining cap does not). The one
    /// computation behind the 待办 rows and the forms of the application page.
    ///
    /// Not a judgement: the ledger checks every signed act again, and an act listed here can still be refused
    /// (a stale page, a date before the previous step, a decision's grams or validity).
    public func openActs(
        of a: ApplicationRecord, for principal: String, asOf: CivilDate, overQuota: Bool = false
    ) -> [OpenAct] {
        var out = pendingSteps(of: a, asOf: asOf).filter { $0.actor == principal && !$0.isDone(asOf: asOf) }.map {
            OpenAct(kind: $0.kind, due: $0.due, required: true)
        }
        guard a.decision == nil, a.appliedOn <= asOf, !a.awaitingSupplement(calendar, policy: policy) else { return out }
        func add(_ kind: String) {
            if !out.contains(where: { $0.kind == kind }) { out.append(OpenAct(kind: kind, due: nil, required: false)) }
        }
        if principal == a.originRegulator {
            if a.incomplete == nil && a.review == nil { add("approval.incomplete") }
            add("approval.decided")
        }
        if principal == a.destinationRegulator, overQuota, a.consentedExtraGrams == nil, a.review == nil,
            a.consultationRequestedOn == nil
        {
            add("whitelist.overquota.consented")
        }
        return out
    }

    /// `whitelist.confirmed` steps: each published, unconfirmed list awaits its counterpart regulator, due the day
    /// before its year begins.
    public func confirmationSteps(_ lists: [WhitelistRecord]) -> [DeadlineStep] {
        lists.filter { !$0.confirmed }.map {
            DeadlineStep(
                kind: "whitelist.confirmed", actor: Principal.regulatorID($0.counterpartProvince), subject: String($0.year),
                due: CivilDate(year: $0.year - 1, month: 12, day: 31), doneOn: nil)
        }
    }
}
