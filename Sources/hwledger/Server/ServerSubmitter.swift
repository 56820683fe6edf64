import Foundation
import LedgerCore
import TransferLedger
import TransferRules

/// Posts signed submissions to hwledgerd in batches that fit its body limit, and reads the per-item answers back
/// into the same outcomes the local ledger gives.
///
/// A failure part-way does not lose the answers already received: ``submit(_:)`` stops at the first batch without a
/// usable answer and says, item by item, what is known (docs/decisions/012).
struct ServerSubmitter {
    let client: LedgerClient
    /// Below the daemon's 1,048,576-byte body limit, with room for the wrapper.
    static let maxBatchBytes = 900_000
    /// At most this many items per batch; `$HWLEDGER_SUBMIT_BATCH_ITEMS` (1–1000) lowers it, so that tests can make
    /// several batches out of a few lines.
    static let maxBatchItems: Int = {
        let limit = 1000
        guard let text = ProcessInfo.processInfo.environment["HWLEDGER_SUBMIT_BATCH_ITEMS"], let n = Int(text) else { return limit }
        return (1...limit).contains(n) ? n : limit
    }()

    /// What the server said about one submission, or what is known without its answer.
    enum Outcome {
        case appended(JSONValue)
        /// A replay of a submission appended before (409 R-NONCE with the original result).
        case acceptedBefore(JSONValue)
        case rejected(RuleViolation)
        /// Sent, but the answer to its batch was lost: it may or may not be in the ledger.
        case unknown
        /// Certainly not appended: never sent because an earlier batch failed, or its batch was refused whole.
        case notAppended(sent: Bool)
    }

    /// The outcome of every item, and the failure that stopped the submit early, if one did.
    struct Report {
        var outcomes: [Outcome]
        var failure: CLIFailure?

        /// True when nothing of the input can be in the ledger: the first batch already failed without being acted on.
        var nothingHappened: Bool {
            outcomes.allSatisfy { if case .notAppended = $0 { true } else { false } }
        }
    }

    /// Splits `items` into `{"batch":[…]}` bodies no larger than the limits.
    static func batches(_ items: [SignedSubmission]) -> [(range: Range<Int>, body: [UInt8])] {
        var out: [(Range<Int>, [UInt8])] = []
        var start = 0
        var parts: [[UInt8]] = []
        var size = 0
        func flush(_ end: Int) {
            guard !parts.isEmpty else { return }
            var body = Array("{\"batch\":[".utf8)
            for (i, p) in parts.enumerated() {
                if i > 0 { body.append(0x2C) }
                body += p
            }
            body += Array("]}".utf8)
            out.append((start..<end, body))
            start = end
            parts = []
            size = 0
        }
        for (i, item) in items.enumerated() {
            let bytes = item.json.canonicalBytes
            if !parts.isEmpty, size + bytes.count + 1 > maxBatchBytes || parts.count >= maxBatchItems { flush(i) }
            parts.append(bytes)
            size += bytes.count + 1
        }
        flush(items.count)
        return out
    }

    /// `POST /v1/submissions`, batch by batch, until every batch is answered or one fails.
    ///
    /// The items of the failed batch are ``Outcome/unknown`` when the request may have been acted on (a timeout, a
    /// dropped connection, a 5xx other than 503, an answer that cannot be read), ``Outcome/notAppended(sent:)``
    /// when it certainly was not (refused connection, 503, a whole-body refusal such as 413); later batches are not
    /// sent.
    func submit(_ items: [SignedSubmission]) -> Report {
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(items.count)
        for (range, body) in Self.batches(items) {
            let failure: CLIFailure
            let actedOn: Bool
            do {
                let answer = try client.deliver("POST", "/v1/submissions", body: body)
                if [201, 401, 409, 422].contains(answer.status), case .array(let list)? = answer.json, list.count == range.count {
                    do {
                        outcomes += try list.map(outcome)
                        continue
                    } catch {
                        failure = CLIFailure(error)
                        actedOn = true
                    }
                } else if case .array(let list)? = answer.json {
                    failure = .io("the server \(client.display) answered HTTP \(answer.status) with \(list.count) results for \(range.count) submissions")
                    actedOn = true
                } else {
                    // A 4xx without per-item answers (400, 413, …) refuses the whole batch; anything else unreadable
                    // may have followed an append.
                    failure = LedgerClient.failure(answer, what: "the submissions")
                    actedOn = !(400...499).contains(answer.status)
                }
            } catch {
                failure = error.failure
                actedOn = error.mayHaveArrived
            }
            outcomes += Array(repeating: actedOn ? .unknown : .notAppended(sent: true), count: range.count)
            outcomes += Array(repeating: .notAppended(sent: false), count: items.count - range.upperBound)
            return Report(outcomes: outcomes, failure: failure)
        }
        return Report(outcomes: outcomes, failure: nil)
    }

    /// One item of a batch answer.
    private func outcome(_ item: JSONValue) throws -> Outcome {
        if item["error"] == nil { return .appended(item) }
        guard case .string(let rule)? = item["error"]?["rule"], case .string(let message)? = item["error"]?["message"] else {
            throw CLIFailure.io("the server \(client.display) gave an item answer without error.rule: \(item.canonicalString.prefix(200))")
        }
        if rule == RuleID.nonce.rawValue, case .object(let o) = item, o["index"] != nil, o["leafHash"] != nil {
            return .acceptedBefore(Self.acceptedBefore(o))
        }
        return .rejected(Self.violation(rule: rule, message: message, error: item["error"]))
    }

    /// The server's rule error as the CLI reports it, keeping the rule's own Chinese sentence when the server's
    /// `messageZh` carries one (R-TIME names the field: 起运时间晚于签名时间).
    static func violation(rule: String, message: String, error: JSONValue?) -> RuleViolation {
        let id = RuleID(rawValue: rule) ?? .schema
        guard case .string(let zh)? = error?["messageZh"], zh.hasSuffix("：" + message) else { return RuleViolation(id, message) }
        let sentence = String(zh.dropLast(message.count + 1))
        return RuleViolation(id, message, sentenceZh: sentence == id.sentenceZh ? nil : sentence)
    }

    /// `{"index","leafHash","assigned","acceptedBefore":true}` of an item appended by an earlier run.
    static func acceptedBefore(_ original: [String: JSONValue]) -> JSONValue {
        var kept = original.filter { ["index", "leafHash", "assigned"].contains($0.key) }
        kept["acceptedBefore"] = .bool(true)
        return .object(kept)
    }

    /// `POST /v1/checks`, batch by batch; every independent failing rule per item.
    func check(_ items: [SignedSubmission]) throws -> [[RuleViolation]] {
        var results: [[RuleViolation]] = []
        for (range, body) in Self.batches(items) {
            let answer = try client.send("POST", "/v1/checks", body: body)
            guard answer.status == 200, case .array(let list)? = answer.json, list.count == range.count else {
                throw LedgerClient.failure(answer, what: "the check")
            }
            for item in list {
                guard case .array(let errors)? = item["errors"] else {
                    throw CLIFailure.io("the server \(client.display) gave a check answer without errors: \(item.canonicalString.prefix(200))")
                }
                results.append(errors.compactMap { e in
                    guard case .string(let rule)? = e["rule"], case .string(let message)? = e["message"] else { return nil }
                    return Self.violation(rule: rule, message: message, error: e)
                })
            }
        }
        return results
    }
}
