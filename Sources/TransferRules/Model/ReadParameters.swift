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
}
