/// Working days in Asia/Shanghai business dates: Monday–Friday, minus public holidays, plus adjusted working days
/// (调休). The calendar is data (policy or the bundled reference list), never code.
public struct WorkingCalendar: Sendable {
    public let holidays: Set<CivilDate>
    public let adjustedWorkdays: Set<CivilDate>

    /// The years the holiday data lists dates in; nil when it lists none (computed once: every deadline asks).
    public let coveredYears: ClosedRange<Int>?

    public init(holidays: Set<CivilDate>, adjustedWorkdays: Set<CivilDate>) {
        self.holidays = holidays
        self.adjustedWorkdays = adjustedWorkdays
        let years = holidays.union(adjustedWorkdays).map(\.year)
        coveredYears = years.min().flatMap { first in years.max().map { first...$0 } }
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

    /// The first year after the calendar's last one, when a working-day deadline due on `due` was counted into it on
    /// weekends alone (no holidays known): the due date is provisional.
    public func missingYear(countingTo due: CivilDate) -> Int? {
        guard let last = coveredYears?.upperBound, due.year > last else { return nil }
        return last + 1
    }

    /// A warning when the calendar does not cover `date` + `marginDays` (deadlines counted from then would be
    /// provisional), naming the missing year; nil otherwise.
    public func coverageWarning(on date: CivilDate, marginDays: Int) -> String? {
        guard let years = coveredYears else { return "the holiday calendar lists no dates: working days are counted on weekends alone" }
        let horizon = date.adding(days: marginDays)
        guard horizon.year > years.upperBound else { return nil }
        return "the holiday calendar covers \(years.lowerBound)–\(years.upperBound); \(years.upperBound + 1) is missing, so deadlines running into it are provisional (counted on weekends alone) until its holidays are loaded"
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
