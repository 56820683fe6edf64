import Testing
import TransferRules

/// Business dates `YYYY-MM-DD` and instants `YYYY-MM-DDTHH:MM:SSZ` (SPEC §1).
@Suite("CivilDate and UTCInstant")
struct CivilDateTests {
    @Test("parses real calendar days", arguments: [
        ("2025-10-01", 2025, 10, 1), ("2024-02-29", 2024, 2, 29), ("2000-02-29", 2000, 2, 29),
        ("1970-01-01", 1970, 1, 1), ("9999-12-31", 9999, 12, 31), ("0001-01-01", 1, 1, 1),
    ])
    func parses(text: String, year: Int, month: Int, day: Int) throws {
        let d = try #require(CivilDate(text))
        #expect(d.year == year && d.month == month && d.day == day)
        #expect(d.description == text)
    }

    @Test("rejects anything but YYYY-MM-DD with a real day", arguments: [
        "2025-02-29", "1900-02-29", "2025-04-31", "2025-13-01", "2025-00-10", "2025-01-00", "0000-01-01",
        "2025-1-01", "2025-01-1", "25-01-01", "2025/01/01", "2025-01-01T00:00:00Z", " 2025-01-01", "2025-01-01 ",
        "", "abcd-ef-gh", "２０２５-01-01", "+025-01-01", "2025-0a-01",
    ])
    func rejects(text: String) {
        #expect(CivilDate(text) == nil)
    }

    @Test("the memberwise initialiser validates too")
    func memberwiseValidates() {
        #expect(CivilDate(year: 2023, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 0, month: 1, day: 1) == nil)
        #expect(CivilDate(year: 10000, month: 1, day: 1) == nil)
        #expect(CivilDate(year: 2024, month: 6, day: 31) == nil)
    }

    @Test("weekday is ISO (1 = Monday … 7 = Sunday)", arguments: [
        ("2025-10-01", 3),  // Wednesday (国庆)
        ("1970-01-01", 4),  // Thursday
        ("2025-03-01", 6),  // Saturday
        ("2025-03-02", 7),  // Sunday
        ("2025-03-03", 1),  // Monday
        ("2024-02-29", 4),  // Thursday
        ("2000-01-01", 6),  // Saturday
        ("1969-12-31", 3),  // Wednesday, before the epoch
        ("1900-01-01", 1),  // Monday
    ])
    func weekday(text: String, expected: Int) throws {
        #expect(try #require(CivilDate(text)).weekday == expected)
    }

    @Test("adding days crosses months, years and leap days", arguments: [
        ("2025-01-31", 1, "2025-02-01"), ("2024-02-28", 1, "2024-02-29"), ("2024-02-29", 1, "2024-03-01"),
        ("2025-02-28", 1, "2025-03-01"), ("2024-12-31", 1, "2025-01-01"), ("2025-01-01", -1, "2024-12-31"),
        ("2025-03-01", -1, "2025-02-28"), ("2025-10-01", 7, "2025-10-08"), ("2025-01-01", 365, "2026-01-01"),
        ("2024-01-01", 366, "2025-01-01"), ("1970-01-01", -1, "1969-12-31"), ("2025-06-15", 0, "2025-06-15"),
    ])
    func adding(start: String, days: Int, expected: String) throws {
        #expect(try #require(CivilDate(start)).adding(days: days).description == expected)
    }

    @Test("dayNumber counts days since 1970-01-01")
    func dayNumber() throws {
        #expect(try #require(CivilDate("1970-01-01")).dayNumber == 0)
        #expect(try #require(CivilDate("1970-01-02")).dayNumber == 1)
        #expect(try #require(CivilDate("1969-12-31")).dayNumber == -1)
        #expect(try #require(CivilDate("2000-03-01")).dayNumber == 11017)
        #expect(try #require(CivilDate("2025-10-01")).dayNumber == 20362)
    }

    @Test("dayNumber round-trips and orders dates like their text (property, 200 seeds)")
    func roundTrip() {
        for seed in 0..<200 {
            var rng = SeedRandom(seed: UInt64(seed))
            let a = Int(rng.next() % 3_000_000) - 700_000
            let b = Int(rng.next() % 3_000_000) - 700_000
            let da = CivilDate(dayNumber: a)
            let db = CivilDate(dayNumber: b)
            #expect(da.dayNumber == a, "seed \(seed)")
            #expect(CivilDate(da.description) == da || da.year < 1 || da.year > 9999, "seed \(seed)")
            #expect((da < db) == (a < b), "seed \(seed)")
            if (1...9999).contains(da.year), (1...9999).contains(db.year) {
                #expect((da < db) == (da.description < db.description), "seed \(seed)")
            }
            #expect(da.adding(days: b - a) == db, "seed \(seed)")
            #expect(CivilDate(dayNumber: a + 1).weekday == da.weekday % 7 + 1, "seed \(seed)")
        }
    }

    @Test("description pads years to four digits")
    func padding() throws {
        #expect(try #require(CivilDate(year: 5, month: 1, day: 9)).description == "0005-01-09")
    }

    @Test("dates and instants print as String(format:) prints their fields, year 1 to 9999 and past it, midnight to 23:59:59")
    func textAgainstFormat() throws {
        var rng = SystemRandomNumberGenerator()
        let last = try #require(CivilDate(year: 9999, month: 12, day: 31)).dayNumber
        let first = try #require(CivilDate(year: 1, month: 1, day: 1)).dayNumber
        for n in [first, first + 59, 0, 20_362, last] + (0..<300).map({ _ in Int.random(in: first...last, using: &rng) }) {
            let d = CivilDate(dayNumber: n)
            #expect(d.description == String(format: "%04d-%02d-%02d", d.year, d.month, d.day), "day \(n)")
            for rem in [0, 59, 3_600 * 23 + 60 * 59 + 59, Int.random(in: 0..<86_400, using: &rng)] {
                let t = UTCInstant(seconds: Int64(n) * 86_400 + Int64(rem))
                let want = String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month, d.day, rem / 3600, rem / 60 % 60, rem % 60)
                #expect(t.description == want && UTCInstant(want) == t, "\(n) \(rem)")
            }
        }
        #expect(CivilDate(dayNumber: last + 1).description == "10000-01-01")
        #expect(UTCInstant(seconds: Int64(last + 1) * 86_400 + 61).description == "10000-01-01T00:01:01Z")
    }

    // MARK: UTCInstant

    @Test("Shanghai date of an instant changes at 16:00Z", arguments: [
        ("2025-03-01T00:00:00Z", "2025-03-01"), ("2025-03-01T15:59:59Z", "2025-03-01"),
        ("2025-03-01T16:00:00Z", "2025-03-02"), ("2025-03-01T23:59:59Z", "2025-03-02"),
        ("2024-12-31T16:00:00Z", "2025-01-01"), ("2024-12-31T15:59:59Z", "2024-12-31"),
        ("2024-02-28T16:00:00Z", "2024-02-29"), ("2025-02-28T16:00:00Z", "2025-03-01"),
        ("1969-12-31T16:00:00Z", "1970-01-01"), ("1969-12-31T15:59:59Z", "1969-12-31"),
        ("1969-12-31T00:00:00Z", "1969-12-31"),
    ])
    func shanghaiDate(instant: String, date: String) throws {
        #expect(try #require(UTCInstant(instant)).shanghaiDate.description == date)
    }

    @Test("instants round-trip through their text and count seconds from the epoch")
    func instantRoundTrip() throws {
        let t = try #require(UTCInstant("2025-03-01T08:00:00Z"))
        #expect(t.seconds == 1_740_816_000)
        #expect(t.description == "2025-03-01T08:00:00Z")
        #expect(UTCInstant(seconds: 0).description == "1970-01-01T00:00:00Z")
        #expect(UTCInstant(seconds: -1).description == "1969-12-31T23:59:59Z")
        #expect(try #require(UTCInstant("1969-12-31T23:59:59Z")).seconds == -1)
        #expect(UTCInstant(seconds: 86_399) < UTCInstant(seconds: 86_400))
        for seed in 0..<200 {
            var rng = SeedRandom(seed: UInt64(seed))
            let s = Int64(rng.next() % 4_000_000_000) - 1_000_000_000
            #expect(UTCInstant(UTCInstant(seconds: s).description)?.seconds == s, "seed \(seed)")
        }
    }

    @Test("instants other than YYYY-MM-DDTHH:MM:SSZ are rejected", arguments: [
        "2025-03-01T24:00:00Z", "2025-03-01T23:60:00Z", "2025-03-01T23:59:60Z", "2025-02-30T00:00:00Z",
        "2025-03-01 08:00:00Z", "2025-03-01T08:00:00", "2025-03-01T08:00:00+08:00", "2025-03-01T08:00:00z",
        "2025-03-01T08:00:00.000Z", "2025-03-01t08:00:00Z", "2025-03-01T8:00:00Z", "", "2025-03-01",
    ])
    func instantRejects(text: String) {
        #expect(UTCInstant(text) == nil)
    }
}
