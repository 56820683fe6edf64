import LedgerCore
import TransferRules

/// `{"rule","message"}` of an error or a rejected item, with `messageZh` (from ``RuleMessagesZh``) when asked: the
/// one encoder of error objects. The API always adds the Chinese message; the CLI adds it under `--lang zh`, so its
/// default output keeps SPEC §4.1's `{"rule","message"}`.
public enum ErrorObject {
    public static func json(rule: String, message: String, chinese: Bool) -> JSONValue {
        json(rule: rule, message: message, messageZh: chinese ? RuleMessagesZh.message(id: rule, detail: message) : nil)
    }

    public static func json(_ violation: RuleViolation, chinese: Bool) -> JSONValue {
        json(rule: violation.rule.rawValue, message: violation.message, messageZh: chinese ? violation.messageZh : nil)
    }

    static func json(rule: String, message: String, messageZh: String?) -> JSONValue {
        var object: [String: JSONValue] = ["rule": .string(rule), "message": .string(message)]
        if let messageZh { object["messageZh"] = .string(messageZh) }
        return .object(object)
    }
}
