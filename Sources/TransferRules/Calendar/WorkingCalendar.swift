/// Working days in Asia/Shanghai business dates: Monday–Friday, minus public holidays, plus adjusted working days
/// (调休). The calendar is data (policy or the bundled reference list), never code.
public struct WorkingCalendar: Sendable {
    public let holidays: Set<CivilDate>
    public let adjustedWorkdays: Set<CivilDate>

    public init(holidays: Set<CivilDate>, adjustedWorkdays: Set<CivilDate>) {
        self.holidays = holidays
        self.adjustedWorkdays = adjustedWorkdays
    }

    /// The policy's calendar if it has one, else the reference list's.
    public init(policy: Policy, reference: ReferenceData) {
        if let list = policy.holidays {
            self.init(
                holidays: Set(list.filter { !$0.isWorkday }.map(\.date)),
                adjustedWorkdays: Set(list.filter(\.isWorkday).map(\.date)))
        } else {
            self.init(
                holidays: Set(reference.holidays.compactMap(CivilDate.init)),
                adjustedWorkdays: Set(reference.adjustedWorkdays.compactMap(CivilDate.init)))
        }
    }

    public func isWorkingDay(_ d: CivilDate) -> Bool {
        if adjustedWorkdays.contains(d) { return true }
        if holidays.contains(d) { return false }
        return d.weekday <= 5
    }

    /// The Nth working day after `trigger` (民法典 第二百零一条: the period starts the day after its trigger).
    /// A step due on that day is overdue on any later date.
    public func due(workingDays n: Int, after trigger: CivilDate) -> CivilDate {
        var d = trigger
        var counted = 0
        while counted < n {
            d = d.adding(days: 1)
            if isWorkingDay(d) { counted += 1 }
        }
        return d
    }

    /// The day `n` calendar days after `trigger`.
    public func due(calendarDays n: Int, after trigger: CivilDate) -> CivilDate { trigger.adding(days: n) }
}
