import LedgerCore
import TransferLedger
import TransferRules

/// `submit` and `check` results as Chinese sentences, for `--lang zh` without `--json` (issue 18): what the ledger
/// recorded, with the act's name and its number, instead of `{"index":353,…}`.
enum ResultSentences {
    /// The number a person knows the act by: the 联单编号 assigned or named, the 审批文号, the application, the
    /// registration, the enterprise, the permit, the rate table, the quarter or the whitelist year.
    static func subject(_ submission: Submission, assigned: JSONValue?) -> String {
        func text(_ value: JSONValue?) -> String? { if case .string(let s)? = value { s } else if case .int(let n)? = value { "\(n)" } else { nil } }
        let body = submission.body
        if let no = text(assigned?["manifestNo"]) ?? text(body["manifestNo"]) { return "联单编号 \(no)" }
        if let no = text(body["approvalNo"]) { return no }
        if let id = text(body["applicationId"]) { return "申请 \(id)" }
        if let no = text(body["registrationNo"]) { return "登记 \(no)" }
        if let no = text(body["permitNo"]) { return "许可证 \(no)" }
        if let id = text(body["rateTableId"]) { return "费率表 \(id)" }
        if let q = text(body["quarter"]) { return "\(q) 季度" }
        if let y = text(body["year"]) { return "\(y) 年度白名单" }
        if let uscc = text(body["uscc"]) ?? text(body["principal"]) { return uscc }
        return ""
    }

    /// `已登记：审批决定 川环危转〔2026〕1号，台账序号 353` (or `此前已登记…` for a replayed line).
    static func accepted(_ submission: Submission, result: JSONValue, before: Bool) -> String {
        let subject = subject(submission, assigned: result["assigned"])
        let index = result["index"].flatMap { if case .int(let n) = $0 { "\(n)" } else { nil } } ?? "?"
        let act = Display.eventLabel(submission.type) + (subject.isEmpty ? "" : " " + subject)
        return before ? "此前已登记（本次未重复写入）：\(act)，台账序号 \(index)" : "已登记：\(act)，台账序号 \(index)"
    }

    /// `第 3 行未登记：<the rule's Chinese message>`.
    static func refused(line: Int, _ violation: RuleViolation) -> String { "第 \(line) 行未登记：\(violation.messageZh)" }

    /// `第 3 行未登记：<Chinese sentence of an error id>`.
    static func refused(line: Int, rule: String, message: String) -> String {
        "第 \(line) 行未登记：\(RuleMessagesZh.message(id: rule, detail: message))"
    }

    /// `第 2 行预检通过：登记时台账会接受` / `第 2 行预检未通过：…；…`.
    static func checked(line: Int, _ errors: [RuleViolation]) -> String {
        errors.isEmpty
            ? "第 \(line) 行预检通过：提交时台账会接受（预检未写入任何内容）"
            : "第 \(line) 行预检未通过：" + errors.map(\.messageZh).joined(separator: "；")
    }

    /// Whether results are printed as sentences: `--lang zh` without `--json`.
    static func wanted(json: Bool) -> Bool { Language.current == .zh && !json }
}
