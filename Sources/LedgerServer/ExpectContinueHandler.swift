import HTTPServerSupport
import LedgerCore

extension ExpectContinueHandler {
    /// The daemon's `Expect: 100-continue` answer (the handler lives in `HTTPServerSupport`, shared with the
    /// witness): a declared `Content-Length` above the route's ``BodyLimits`` gets the 413 every route gives; a
    /// refused submission counts in `hwledger_rejections_total{rule="TOO-LARGE"}` as the route's own 413 does.
    convenience init(limits: BodyLimits) {
        self.init(limit: { limits.limit(path: $0) }) { path, limit in
            let problem = ErrorMapping.problem(for: ServerError.bodyTooLarge(limit: limit))
            // Counted as the route counts its own refusals, so `hwledger_rejections_total` sees every refused submission.
            if path.split(separator: "?").first == "/v1/submissions" { Rejections.count(problem.rule) }
            return Refusal(status: problem.status, contentType: "application/json", body: problem.json.canonicalBytes)
        }
    }
}

/// The largest request body each POST route reads, in one place: the routes read with these limits and
/// ``ExpectContinueHandler`` refuses a larger declared body before it is sent.
public struct BodyLimits: Sendable {
    /// `POST /v1/session/challenge` (an empty or tiny body).
    public static let challenge = 4096
    /// `POST /v1/session` (four short strings).
    public static let session = 16 * 1024

    /// Every other route (submissions, checks): SPEC §4.2's limit.
    public var standard: Int

    public init(standard: Int) {
        self.standard = standard
    }

    /// The limit for a request target (its query aside).
    public func limit(path target: String) -> Int {
        switch target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "" {
        case "/v1/session/challenge": Self.challenge
        case "/v1/session": Self.session
        default: standard
        }
    }
}
