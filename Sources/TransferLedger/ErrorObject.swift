import LedgerCore
import TransferRules

/// `{"rule","message"}` of an error or a rejected item, with `messageZh` (from ``RuleMessagesZh``) when asked: the
/// one encoder of error objects. The API always adds the Chinese message; the CLI adds it under `--lang zh`, so its
/// default output keeps SPEC §4.1's `{"rule","message"}`.
public enum ErrorObject {
    /// - Parameter sentenceZh: the rule's own Chinese sentence for this violation, when it has one (R-TIME).
    public static func json(rule: String, message: String, chinese: Bool, sentenceZh: String? = nil) -> JSONValue {
        var object: [String: JSONValue] = ["rule": .string(rule), "message": .string(message)]
        if chinese { object["messageZh"] = .string(RuleMessagesZh.message(id: rule, detail: message, sentenceZh: sentenceZh)) }
        return .object(object)
    }

    public static func json(_ violation: RuleViolation, chinese: Bool) -> JSONValue {
        json(rule: violation.rule.rawValue, message: violation.message, chinese: chinese, sentenceZh: violation.sentenceZh)
    }
}
