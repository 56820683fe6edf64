/// R-TIME (SPEC §2): an event may not say that its act happened after it was signed, and a signature may not be
/// dated ahead of the ledger. Plans and periods (`plannedPickup`, `validFrom`, `validTo`, …) are not act fields and
/// may lie in the future; a back-entered record (补录) is untouched: the rule bounds acts from above only.
public enum ActTimeRule {
    /// How far `signedAt` may lie ahead of the ledger's time at append (clock skew between a signer and the ledger).
    public static let maxSignatureLeadSeconds: Int64 = 300

    /// The act fields of SPEC §2 with their Chinese names: dates (`…On`) and instants (`…At`).
    public static let dateFields: [String: String] = [
        "appliedOn": "申请日期", "notifiedOn": "通知日期", "supplementedOn": "补正日期", "reviewedOn": "初审日期",
        "requestedOn": "商请日期", "repliedOn": "复函日期", "decidedOn": "决定日期", "revokedOn": "撤销日期",
    ]
    public static let instantFields: [String: String] = [
        "pickedUpAt": "起运时间", "handedOverAt": "交接时间", "deliveredAt": "送达时间",
    ]

    /// Checks `signedAt` against the ledger's time `now`, then each act field of `body` (top-level members, already
    /// of the right form) against `signedAt`.
    ///
    /// - Parameter acts: the body's members that are act fields, by name, as written.
    public static func check(acts: [String: String], signedAt: UTCInstant, now: UTCInstant) throws(RuleViolation) {
        let lead = signedAt.seconds - now.seconds
        guard lead <= maxSignatureLeadSeconds else {
            throw RuleViolation(
                .time,
                "submission.signedAt \(signedAt) is \(lead) s ahead of the ledger's time \(now) (at most \(maxSignatureLeadSeconds) s): check the signer's clock",
                sentenceZh: "签名时间超前于台账时间 \(lead) 秒（最多 \(maxSignatureLeadSeconds) 秒），请校准签名设备的时钟")
        }
        for name in acts.keys.sorted() {
            let text = acts[name]!
            if let label = instantFields[name], let at = UTCInstant(text), at > signedAt {
                throw RuleViolation(
                    .time, "body.\(name) \(text) is later than submission.signedAt \(signedAt): an act cannot be recorded before it happens",
                    sentenceZh: "\(label)晚于签名时间")
            }
            if let label = dateFields[name], let on = CivilDate(text), on > signedAt.shanghaiDate {
                throw RuleViolation(
                    .time,
                    "body.\(name) \(text) is later than the date of submission.signedAt \(signedAt) in Asia/Shanghai (\(signedAt.shanghaiDate)): an act cannot be recorded before it happens",
                    sentenceZh: "\(label)晚于签名日期")
            }
        }
    }

    /// The earliest `signedAt` at which every act in `acts` is allowed (an instant itself; a date from 00:00 of that
    /// day in Asia/Shanghai); nil when there is no act field. For signers that replay a scenario in time order.
    public static func earliestSigningTime(acts: [String: String]) -> UTCInstant? {
        var earliest: UTCInstant?
        for (name, text) in acts {
            var t: UTCInstant?
            if instantFields[name] != nil { t = UTCInstant(text) }
            if dateFields[name] != nil, let on = CivilDate(text) { t = UTCInstant(seconds: Int64(on.dayNumber) * 86400 - 8 * 3600) }
            if let t, earliest.map({ t > $0 }) ?? true { earliest = t }
        }
        return earliest
    }

    /// The members of `body` that are act fields and hold strings.
    public static func acts<Value>(in body: [String: Value], string: (Value) -> String?) -> [String: String] {
        var acts: [String: String] = [:]
        for (name, value) in body where dateFields[name] != nil || instantFields[name] != nil {
            if let text = string(value) { acts[name] = text }
        }
        return acts
    }
}
