import Foundation
import LedgerCore
import TransferLedger
import TransferRules

/// Posts signed submissions to hwledgerd in batches that fit its body limit, and reads the per-item answers back
/// into the same outcomes the local ledger gives.
struct ServerSubmitter {
    let client: LedgerClient
    /// Below the daemon's 1,048,576-byte body limit, with room for the wrapper.
    static let maxBatchBytes = 900_000
    static let maxBatchItems = 1000

    /// What the server said about one submission.
    enum Outcome {
        case appended(JSONValue)
        /// A replay of a submission appended before (409 R-NONCE with the original result).
        case acceptedBefore(JSONValue)
        case rejected(RuleViolation)
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

    /// `POST /v1/submissions`, batch by batch; the answers in input order.
    func submit(_ items: [SignedSubmission]) throws -> [Outcome] {
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(items.count)
        for (range, body) in Self.batches(items) {
            let answer = try client.send("POST", "/v1/submissions", body: body)
            guard [201, 401, 409, 422].contains(answer.status), case .array(let list)? = answer.json, list.count == range.count else {
                throw LedgerClient.failure(answer, what: "the submissions")
            }
            for item in list {
                if item["error"] == nil {
                    outcomes.append(.appended(item))
                    continue
                }
                guard case .string(let rule)? = item["error"]?["rule"], case .string(let message)? = item["error"]?["message"] else {
                    throw CLIFailure.io("the server \(client.display) gave an item answer without error.rule: \(item.canonicalString.prefix(200))")
                }
                if rule == RuleID.nonce.rawValue, case .object(let o) = item, o["index"] != nil, o["leafHash"] != nil {
                    var original = o.filter { ["index", "leafHash", "assigned"].contains($0.key) }
                    original["acceptedBefore"] = .bool(true)
                    outcomes.append(.acceptedBefore(.object(original)))
                    continue
                }
                outcomes.append(.rejected(RuleViolation(RuleID(rawValue: rule) ?? .schema, message)))
            }
        }
        return outcomes
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
                    return RuleViolation(RuleID(rawValue: rule) ?? .schema, message)
                })
            }
        }
        return results
    }
}
