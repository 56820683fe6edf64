/// A calendar date `YYYY-MM-DD` without a time zone (business dates of SPEC §1).
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...Self.daysIn(year: year, month: month)).contains(day) else {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` with a real calendar day.
    public init?(_ text: String) {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D,
            [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy({ (0x30...0x39).contains(b[$0]) })
        else { return nil }
        func n(_ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + Int(b[$1] - 0x30) } }
        self.init(year: n(0..<4), month: n(5..<7), day: n(8..<10))
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (H. Hinnant's days_from_civil).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date `dayNumber` days after 1970-01-01.
    public init(dayNumber z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        month = m
        day = d
    }

    public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int { ((dayNumber % 7) + 7 + 3) % 7 + 1 }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.dayNumber < b.dayNumber }

    public var description: String {
        guard (0...9999).contains(year) else {
            func pad(_ v: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(v).count)) + String(v) }
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        }
        // Written byte by byte: a page of 100 manifests prints ~2,000 dates and times.
        return String(unsafeUninitializedCapacity: 10) { text in
            write(into: text)
            return 10
        }
    }

    /// Writes `YYYY-MM-DD` into the first 10 bytes of `text` (a year of four digits).
    func write(into text: UnsafeMutableBufferPointer<UInt8>) {
        Self.digits(year, 4, into: text, at: 0)
        text[4] = UInt8(ascii: "-")
        Self.digits(month, 2, into: text, at: 5)
        text[7] = UInt8(ascii: "-")
        Self.digits(day, 2, into: text, at: 8)
    }

    /// Writes the `width` last decimal digits of `value` (≥ 0) at `at`, zero-padded.
    static func digits(_ value: Int, _ width: Int, into text: UnsafeMutableBufferPointer<UInt8>, at: Int) {
        var v = value
        for i in stride(from: at + width - 1, through: at, by: -1) {
            text[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
        }
    }
}

/// An instant, seconds since the Unix epoch, read from and written as `YYYY-MM-DDTHH:MM:SSZ`.
public struct UTCInstant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    /// Parses `YYYY-MM-DDTHH:MM:SSZ` with a real calendar day.
    public init?(_ text: String) {
        let b = Array(text.utf8)
        guard b.count == 20, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x5A,
            let date = CivilDate(String(decoding: b[0..<10], as: UTF8.self)),
            [11, 12, 14, 15, 17, 18].allSatisfy({ (0x30...0x39).contains(b[$0]) })
        else { return nil }
        func n(_ i: Int) -> Int64 { Int64(b[i] - 0x30) * 10 + Int64(b[i + 1] - 0x30) }
        guard n(11) < 24, n(14) < 60, n(17) < 60 else { return nil }
        seconds = Int64(date.dayNumber) * 86400 + n(11) * 3600 + n(14) * 60 + n(17)
    }

    /// The calendar date of this instant in Asia/Shanghai (UTC+8, no daylight saving since 1991).
    public var shanghaiDate: CivilDate {
        CivilDate(dayNumber: Int((seconds + 8 * 3600).floorDiv(86400)))
    }

    public static func < (a: UTCInstant, b: UTCInstant) -> Bool { a.seconds < b.seconds }

    public var description: String {
        let day = Int(seconds.floorDiv(86400))
        let rem = Int(seconds - Int64(day) * 86400)
        let date = CivilDate(dayNumber: day)
        guard (0...9999).contains(date.year) else {
            func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
            return "\(date)T\(pad(rem / 3600)):\(pad(rem / 60 % 60)):\(pad(rem % 60))Z"
        }
        return String(unsafeUninitializedCapacity: 20) { text in
            date.write(into: text)
            text[10] = UInt8(ascii: "T")
            CivilDate.digits(rem / 3600, 2, into: text, at: 11)
            text[13] = UInt8(ascii: ":")
            CivilDate.digits(rem / 60 % 60, 2, into: text, at: 14)
            text[16] = UInt8(ascii: ":")
            CivilDate.digits(rem % 60, 2, into: text, at: 17)
            text[19] = UInt8(ascii: "Z")
            return 20
        }
    }
}

extension Int64 {
    func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}

/// A value written in JSON as its text form (`2025-03-01`, `2025-03-01T08:00:00Z`, `2025Q3`) and read back with its
/// failable text initialiser.
public protocol TextCodable: Codable, CustomStringConvertible {
    init?(_ text: String)
}

extension TextCodable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a \(Self.self): \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension CivilDate: TextCodable {}
extension UTCInstant: TextCodable {}
