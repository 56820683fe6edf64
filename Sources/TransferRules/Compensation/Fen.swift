/// Money in integer fen (分). Shown as yuan with 2 decimals. Never floating point.
public enum Fen {
    /// `185175` → `"1851.75"`.
    public static func yuan(_ fen: Int64) -> String {
        let sign = fen < 0 ? "-" : ""
        let m = fen.magnitude
        let cents = m % 100
        return "\(sign)\(m / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// The normative line amount (SPEC §2.6), exact, rounded half to even:
    /// `round(receivedGrams × baseFenPerTonne × categoryPermille × methodPermille / 10^12)`.
    public static func lineAmount(grams: Int64, baseFenPerTonne: Int64, categoryPermille: Int64, methodPermille: Int64) -> Int64 {
        let numerator = Int128(grams) * Int128(baseFenPerTonne) * Int128(categoryPermille) * Int128(methodPermille)
        return Int64(roundHalfEven(numerator, 1_000_000_000_000))
    }

    /// `n / d` rounded to the nearest integer, ties to even (d > 0).
    public static func roundHalfEven(_ n: Int128, _ d: Int128) -> Int128 {
        var q = n / d
        var r = n % d
        if r < 0 {
            q -= 1
            r += d
        }
        if 2 * r > d || (2 * r == d && q % 2 != 0) { q += 1 }
        return q
    }
}

/// A calendar quarter, written `2025Q3`.
public struct Quarter: Hashable, Comparable, Sendable, TextCodable {
    public var year: Int
    public var q: Int

    public init?(year: Int, q: Int) {
        guard (1...4).contains(q), (1...9999).contains(year) else { return nil }
        self.year = year
        self.q = q
    }

    public init?(_ text: String) {
        let b = Array(text.utf8)
        guard b.count == 6, b[4] == UInt8(ascii: "Q"), b[0..<4].allSatisfy({ (0x30...0x39).contains($0) }),
            let year = Int(String(decoding: b[0..<4], as: UTF8.self)), let q = Int(String(decoding: [b[5]], as: UTF8.self))
        else { return nil }
        self.init(year: year, q: q)
    }

    public init(containing d: CivilDate) {
        year = d.year
        q = (d.month - 1) / 3 + 1
    }

    /// The quarter's first day.
    public var firstDay: CivilDate { CivilDate(year: year, month: (q - 1) * 3 + 1, day: 1)! }

    public var next: Quarter { q == 4 ? Quarter(year: year + 1, q: 1)! : Quarter(year: year, q: q + 1)! }
    public var previous: Quarter { q == 1 ? Quarter(year: year - 1, q: 4)! : Quarter(year: year, q: q - 1)! }
    /// The one spelling: a four-digit year (zero-padded, as dates are), a capital Q, the quarter; `Quarter(_:)` reads
    /// nothing else, so what is printed reads back as itself.
    public var description: String { String(repeating: "0", count: max(0, 4 - String(year).count)) + "\(year)Q\(q)" }
    public static func < (a: Quarter, b: Quarter) -> Bool { (a.year, a.q) < (b.year, b.q) }
}
