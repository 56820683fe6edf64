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
    /// The steps `principal` must take as of `asOf`: every deadline step of the applications and manifests not done
    /// by then (steps of a decided application other than its notification are moot), plus the other steps passed
    /// in (whitelist confirmations, statement closes). Overdue first, then by due date (undated last).
    public func worklist(
        for principal: String, asOf: CivilDate, applications: [ApplicationRecord], manifests: [ManifestRecord], other: [DeadlineStep] = []
    ) -> [WorkItem] {
        var steps: [DeadlineStep] = []
        for a in applications {
            let decided = a.decision.map { $0.decidedOn <= asOf } ?? false
            steps += self.steps(of: a, asOf: asOf).filter { !decided || $0.kind == "approval.notified" }
        }
        for m in manifests { steps += self.steps(of: m, asOf: asOf) }
        steps += other
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
