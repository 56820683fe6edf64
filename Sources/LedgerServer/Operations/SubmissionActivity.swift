import Foundation
import LedgerCore
import Logging
import TransferLedger

/// What an operator follows of `POST /v1/submissions` (issue 23): at info, one log line per accepted submission
/// (index, type, actor, 联单编号 where there is one) and per refusal (rule, actor, type); the last 50 refusals for the
/// operator page; and `hwledger_rejections_total{rule}`.
public final class SubmissionActivity: @unchecked Sendable {
    /// One refused submission (actor and type unknown when the body did not parse that far).
    public struct Refusal: Sendable {
        public var time: Int64
        public var rule: String
        public var actor: String?
        public var type: String?
        public var message: String
    }

    /// Refusals kept for the operator page.
    public static let kept = 50

    let logger: Logger
    private let lock = NSLock()
    private var refusals: [Refusal] = []

    public init(logger: Logger) { self.logger = logger }

    /// The last refusals, newest first.
    public var recentRefusals: [Refusal] { lock.withLock { refusals.reversed() } }

    func accepted(_ submission: Submission, outcome: SubmitOutcome) {
        guard case .appended(let index, _, let assigned) = outcome else { return }
        var metadata: Logger.Metadata = ["index": "\(index)", "type": "\(submission.type)", "actor": "\(submission.actor)"]
        if case .string(let no)? = assigned["manifestNo"] ?? submission.body["manifestNo"] { metadata["manifestNo"] = "\(no)" }
        logger.info("accepted submission", metadata: metadata)
    }

    func refused(rule: String, message: String, submission: Submission?) {
        Rejections.count(rule)
        let refusal = Refusal(
            time: Int64(Date().timeIntervalSince1970), rule: rule, actor: submission?.actor, type: submission?.type, message: message)
        lock.withLock {
            refusals.append(refusal)
            if refusals.count > Self.kept { refusals.removeFirst(refusals.count - Self.kept) }
        }
        logger.info(
            "refused submission",
            metadata: ["rule": "\(rule)", "actor": "\(submission?.actor ?? "-")", "type": "\(submission?.type ?? "-")", "error": "\(message.prefix(200))"])
    }
}
