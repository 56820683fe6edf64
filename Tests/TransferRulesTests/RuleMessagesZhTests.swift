import Testing
import TransferRules

/// The one catalogue of Chinese messages (issue 11): every rule id has its own Chinese sentence, and a Chinese
/// message keeps the English detail with its numbers.
@Suite("Chinese rule messages")
struct RuleMessagesZhTests {
    static func isCJK(_ s: Unicode.Scalar) -> Bool { (0x4E00...0x9FFF).contains(s.value) }

    @Test("every rule id of SPEC §2 has a Chinese sentence of its own", arguments: RuleID.allCases)
    func everyRule(rule: RuleID) {
        let sentence = rule.sentenceZh
        #expect(sentence.unicodeScalars.filter(Self.isCJK).count >= 4, "\(rule.rawValue): \(sentence)")
        #expect(RuleMessagesZh.sentence(for: rule.rawValue) == sentence)
        let others = RuleID.allCases.filter { $0 != rule }.map(\.sentenceZh)
        #expect(!others.contains(sentence), "\(rule.rawValue) shares its sentence with another rule")
    }

    @Test("the other error ids of the CLI and the API are catalogued too")
    func otherIDs() {
        for id in ["MALFORMED", "USAGE", "IO", "INTEGRITY", "INTERNAL", "TOO-LARGE", "UNAVAILABLE", "AWAITING-WITNESSES", "WRITER-BUSY", "READ-ONLY"] {
            let sentence = RuleMessagesZh.sentence(for: id)
            #expect(sentence.map { $0.unicodeScalars.contains(where: Self.isCJK) } == true, "\(id)")
        }
        #expect(RuleMessagesZh.sentence(for: "R-NO-SUCH-RULE") == nil)
    }

    @Test("a Chinese message is the rule's sentence followed by the English detail with its numbers")
    func keepsTheNumbers() {
        let v = RuleViolation(.approvalQuota, "12.000 t exceeds the 10.000 t left on approval 川危转2025001 (approved 20.000 t, filed 10.000 t)")
        #expect(v.messageZh == "转移数量超过审批剩余数量：" + v.message)
        #expect(v.messageZh.contains("12.000 t") && v.messageZh.contains("10.000 t"))
        #expect(RuleMessagesZh.message(id: "R-NO-SUCH-RULE", detail: "x") == "错误（R-NO-SUCH-RULE）：x")
        #expect(RuleMessagesZh.message(id: "USAGE", detail: "") == "参数用法错误")
    }
}
