import Foundation
import LedgerCore

/// Says which field held a number the canonical parser refuses for its fraction or exponent, and for a mass in grams
/// does the arithmetic the user meant: "grams are integers: 8.6 t = 8600000 g". The refusal stays (SPEC §3: numbers
/// are integers); only the message improves. Used by `sign`, `check`, `submit` and the API's 400.
public enum NumberHint {
    /// The description of a failure to decode `bytes`: the improved sentence for a fractional number, else the
    /// error's own description.
    public static func describe(_ error: any Error, in bytes: some Collection<UInt8>) -> String {
        let plain = "\(error)"
        guard plain.contains("numbers must be integers"), let (path, number) = CanonicalJSON.firstFraction(in: bytes) else { return plain }
        let field = path.split(separator: ".").last.map(String.init) ?? path
        let reason = plain.replacingOccurrences(of: "malformed JSON: ", with: "")
        guard field.lowercased().hasSuffix("grams") else { return "\(path) is \(number): \(reason)" }
        return "\(path) is \(number): grams are integers: \(conversion(number)) (\(reason))"
    }

    /// `8.6 t = 8600000 g`, exactly; or why the tonnes are not a whole number of grams.
    static func conversion(_ number: String) -> String {
        guard let tonnes = Decimal(string: number, locale: Locale(identifier: "en_US_POSIX")) else { return "1 t = 1000000 g" }
        var grams = tonnes * Decimal(1_000_000)
        var whole = Decimal()
        NSDecimalRound(&whole, &grams, 0, .plain)
        guard whole == grams else { return "\(number) t is not a whole number of grams (1 t = 1000000 g)" }
        return "\(number) t = \(whole) g"
    }
}
