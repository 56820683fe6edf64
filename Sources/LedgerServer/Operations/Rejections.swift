import Metrics

/// `hwledger_rejections_total{rule}`: one count per refused submission, labelled with the rule id its error names
/// (R-SIG, R-NONCE, …) or the HTTP-level refusal (MALFORMED, TOO-LARGE, UNSUPPORTED-MEDIA-TYPE, UNAVAILABLE).
enum Rejections {
    static func count(_ rule: String, by n: Int = 1) {
        Counter(label: "hwledger_rejections_total", dimensions: [("rule", rule)]).increment(by: n)
    }
}
