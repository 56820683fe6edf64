/// What a reader may ask for, checked the same way wherever it is asked (the API's query parameters, the CLI's
/// options): each function returns the rule `name` breaks, in a sentence that names it, or nil when the value is
/// acceptable. Nothing is normalised: a value is taken in its one spelling or refused.
public enum ReadParameters {
    public static func quarter(_ name: String, _ text: String) -> String? {
        Quarter(text) == nil ? "\(name) must be a quarter written YYYYQn (four-digit year, capital Q, 1 to 4), e.g. 2025Q3" : nil
    }

    public static func uscc(_ name: String, _ text: String) -> String? {
        USCC.isValid(text)
            ? nil
            : "\(name) must be a 统一社会信用代码 (USCC): 18 characters of 0-9 and capital letters except I, O, S, V, Z, the last its check character"
    }

    /// A statement's direction: two province codes, different.
    public static func direction(payer: (name: String, value: String), payee: (name: String, value: String)) -> String? {
        for p in [payer, payee] where !Division.isProvinceCode(p.value) {
            return "\(p.name) must be a province code: six digits ending in 0000, e.g. 510000"
        }
        return payer.value == payee.value ? "\(payee.name) must differ from \(payer.name): a statement runs from one province to another" : nil
    }

    /// A waste code of the 名录 as written there: `NNN-NNN-NN`, e.g. 900-041-49.
    public static func wasteCode(_ name: String, _ text: String) -> String? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let ok = parts.map(\.utf8.count) == [3, 3, 2] && parts.allSatisfy { $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        return ok ? nil : "\(name) must be a waste code written NNN-NNN-NN, e.g. 900-041-49"
    }

    /// Part of a name to search for: 1 to 100 characters (Unicode scalars), no control characters.
    public static func namePart(_ name: String, _ text: String) -> String? {
        let ok = (1...100).contains(text.unicodeScalars.count) && !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        return ok ? nil : "\(name) must be part of a name: 1 to 100 characters, no control characters"
    }
}
