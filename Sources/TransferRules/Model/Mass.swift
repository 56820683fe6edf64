/// Mass in integer grams; humans read tonnes with up to 6 decimals (`12.345000 t`). Never floating point.
public enum Mass {
    /// `12345000` → `"12.345"` (trailing zeros of the fraction dropped, at least 3 decimals).
    public static func tonnes(_ grams: Int64) -> String {
        let sign = grams < 0 ? "-" : ""
        let g = grams.magnitude
        let whole = g / 1_000_000
        var frac = String(g % 1_000_000)
        frac = String(repeating: "0", count: 6 - frac.count) + frac
        while frac.count > 3, frac.hasSuffix("0") { frac.removeLast() }
        return "\(sign)\(whole).\(frac)"
    }

    /// Parses tonnes with up to 6 decimals (`"12.345"`) into grams; nil otherwise.
    public static func grams(fromTonnes text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            whole.count <= 9, let w = Int64(whole)
        else { return nil }
        var f: Int64 = 0
        if parts.count == 2 {
            let frac = parts[1]
            guard !frac.isEmpty, frac.count <= 6, frac.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            f = Int64(frac + String(repeating: "0", count: 6 - frac.count))!
        }
        return w * 1_000_000 + f
    }
}
