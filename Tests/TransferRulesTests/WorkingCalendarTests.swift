import Foundation
import Testing
import TransferRules

/// The bundled reference lists (fixtures/reference), read through #filePath.
enum BundledReference {
    static let data: ReferenceData = {
        let directory = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/reference")
        var texts: [ReferenceData.File: String] = [:]
        for file in ReferenceData.File.required {
            texts[file] = try! String(contentsOf: directory.appendingPathComponent(file.rawValue), encoding: .utf8)
        }
        return try! ReferenceData(csv: texts)
    }()

    static let context = RegimeContext(reference: data, policy: Policy())
    static var calendar: WorkingCalendar { context.calendar }
}

private func d(_ s: String) -> CivilDate { CivilDate(s)! }

/// Working days of the bundled calendar (cn_public_holidays.csv) and periods counted from the day after their
/// trigger (SPEC §1, 民法典 第二百零一条).
@Suite("WorkingCalendar over the bundled holidays")
struct WorkingCalendarTests {
    @Test("working days around National Day 2025 and Spring Festival 2026", arguments: [
        ("2025-09-26", true), ("2025-09-27", false), ("2025-09-28", true), ("2025-09-30", true), ("2025-10-01", false),
        ("2025-10-06", false), ("2025-10-08", false), ("2025-10-09", true), ("2025-10-11", true), ("2025-10-12", false),
        ("2026-01-01", false), ("2026-01-02", false), ("2026-01-04", true), ("2026-02-14", true), ("2026-02-16", false),
        ("2026-02-23", false), ("2026-02-24", true), ("2026-02-28", true), ("2025-03-08", false), ("2025-03-10", true),
    ])
    func workingDays(date: String, working: Bool) {
        #expect(BundledReference.calendar.isWorkingDay(d(date)) == working)
    }

    /// Expected dates worked by hand from the csv (see CalendarDeadlineTests for the counting).
    @Test("N working days after a trigger", arguments: [
        (5, "2025-09-26", "2025-10-10"),
        (10, "2025-09-26", "2025-10-16"),
        (5, "2025-09-30", "2025-10-14"),
        (5, "2025-10-09", "2025-10-15"),
        (1, "2025-09-30", "2025-10-09"),
        (1, "2025-09-27", "2025-09-28"),
        (3, "2025-09-26", "2025-09-30"),
        (5, "2025-03-10", "2025-03-17"),
        (5, "2026-02-13", "2026-02-27"),
        (1, "2025-12-31", "2026-01-04"),
        (0, "2025-10-01", "2025-10-01"),
    ])
    func due(days: Int, trigger: String, expected: String) {
        #expect(BundledReference.calendar.due(workingDays: days, after: d(trigger)) == d(expected))
    }

    @Test("the due date is always a working day after the trigger")
    func dueIsWorkingDay() {
        let calendar = BundledReference.calendar
        var day = d("2024-01-01")
        while day <= d("2026-12-31") {
            for n in [1, 5, 10] {
                let due = calendar.due(workingDays: n, after: day)
                #expect(due > day && calendar.isWorkingDay(due), "\(n) after \(day)")
            }
            day = day.adding(days: 1)
        }
    }

    @Test("calendar-day periods count from the day after: 10 days after 2025-03-10 is 2025-03-20")
    func calendarDays() {
        #expect(BundledReference.calendar.due(calendarDays: 10, after: d("2025-03-10")) == d("2025-03-20"))
        #expect(BundledReference.calendar.due(calendarDays: 10, after: d("2025-12-25")) == d("2026-01-04"))
    }

    @Test("a policy calendar replaces the bundled one")
    func policyCalendar() {
        var policy = Policy()
        policy.holidays = []
        let plain = RegimeContext(reference: BundledReference.data, policy: policy).calendar
        // Monday to Friday only: 09-29, 09-30, 10-01, 10-02, 10-03.
        #expect(plain.due(workingDays: 5, after: d("2025-09-26")) == d("2025-10-03"))
        policy.holidays = [Policy.Holiday(date: d("2025-09-29"), isWorkday: false), Policy.Holiday(date: d("2025-09-27"), isWorkday: true)]
        let custom = RegimeContext(reference: BundledReference.data, policy: policy).calendar
        #expect(custom.due(workingDays: 2, after: d("2025-09-26")) == d("2025-09-30"))
    }
}

/// RegimeContext.latestValidTo, manifestNumber and Mass (SPEC §1, §2.2).
@Suite("Validity, manifest numbers and mass")
struct TransferValuesTests {
    @Test("latestValidTo is validFrom + 12 months − 1 day", arguments: [
        ("2025-03-01", "2026-02-28"), ("2024-03-01", "2025-02-28"), ("2025-01-01", "2025-12-31"), ("2025-01-31", "2026-01-30"),
        ("2025-03-31", "2026-03-30"), ("2025-12-15", "2026-12-14"), ("2023-03-01", "2024-02-29"),
    ])
    func latestValidTo(from: String, expected: String) {
        #expect(BundledReference.context.latestValidTo(from: d(from)) == d(expected))
    }

    @Test("latestValidTo follows the policy's approvalMaxValidityMonths")
    func latestValidToPolicy() {
        var policy = Policy()
        policy.approvalMaxValidityMonths = 6
        let context = RegimeContext(reference: BundledReference.data, policy: policy)
        #expect(context.latestValidTo(from: d("2025-03-01")) == d("2025-08-31"))
        #expect(context.latestValidTo(from: d("2025-09-01")) == d("2026-02-28"))
        policy.approvalMaxValidityMonths = 24
        #expect(RegimeContext(reference: BundledReference.data, policy: policy).latestValidTo(from: d("2025-03-01")) == d("2027-02-28"))
    }

    @Test("manifest numbers: year + division digits 1–4 + 6-digit serial", arguments: [
        (2025, "510100", 1, "20255101000001"),
        (2026, "510700", 42, "20265107000042"),
        (2025, "500103", 123_456, "20255001123456"),
        (2025, "500101", 999_999, "20255001999999"),
    ])
    func manifestNumber(year: Int, division: String, serial: Int, expected: String) {
        let no = RegimeContext.manifestNumber(year: year, generatorDivision: division, serial: serial)
        #expect(no == expected)
        #expect(no.count == 14)
    }

    @Test("tonnes from grams", arguments: [
        (Int64(12_345_000), "12.345"), (1, "0.000001"), (0, "0.000"), (1_000_000, "1.000"), (-1_500_000, "-1.500"), (1_234_567, "1.234567"),
    ])
    func tonnes(grams: Int64, text: String) {
        #expect(Mass.tonnes(grams) == text)
    }

    @Test("grams from tonnes with up to 6 decimals", arguments: [
        ("12.345", Int64?(12_345_000)), ("0.000001", 1), ("1", 1_000_000), ("0", 0), ("1.1234567", nil), ("1e3", nil), ("", nil), ("-1", nil),
        (".5", nil), ("5.", nil), ("1,5", nil), ("12.3.4", nil), (" 1", nil), ("１", nil),
    ])
    func grams(text: String, grams: Int64?) {
        #expect(Mass.grams(fromTonnes: text) == grams)
    }

    @Test("tonnes and grams round-trip")
    func roundTrip() {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let grams = Int64(x >> 20) % 999_999_999_999
            #expect(Mass.grams(fromTonnes: Mass.tonnes(grams)) == grams, "\(grams)")
        }
    }
}
