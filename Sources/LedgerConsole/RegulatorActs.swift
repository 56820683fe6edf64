import Foundation
import LedgerServer
import TransferLedger
import TransferRules

/// The regulators' forms on an application's page (`/ui/approvals/{id}`): one form for each act the signed-in
/// regulator may sign now — ``RegimeContext/openActs(of:for:asOf:overQuota:)``, the computation behind its 待办 rows — beside
/// the application's facts. Each form is built and signed in the browser with the regulator's key file
/// (regulator.js over forms.js), checked first with 预检 (`POST /v1/checks`), and posted to `/v1/submissions`: the
/// ledger judges the signed event as it would one from the CLI, so a forged or stale submission is refused there
/// (R-AUTH, R-STATE), whatever the page offered.
struct ApprovalActsView {
    var application: ApplicationRecord
    var acts: [OpenAct]
    /// The whitelist of the destination province for the year the requested validity starts, if published.
    var whitelist: WhitelistRecord?
    /// Approvals already decided by this regulator in the decision year, to suggest the next 审批文号.
    var decidedThisYear: Int
    var names: Names
    var principal: String
    /// Today in 北京时间: the act dates' default and latest value (R-TIME).
    var today: CivilDate

    /// Province short names as used in 审批文号 and permit numbers.
    static func shortName(_ province: String) -> String { province == "500000" ? "渝" : province == "510000" ? "川" : province }

    /// The facts a reviewer decides on, shown beside the forms.
    var facts: [String: Any] {
        let a = application
        var out: [String: Any] = [
            "codeName": names.reference.wasteCodes[a.wasteCode]?.description ?? "（名录中无此代码）",
            "category": names.reference.wasteCodes[a.wasteCode]?.category ?? "",
        ]
        if let list = whitelist, let i = list.coveringEntry(for: a) {
            let e = list.entries[i]
            let allowed = e.remainingGrams + (a.consentedExtraGrams ?? 0)
            var text = "\(list.year) 年\(Display.provinceName(list.listingProvince))白名单已覆盖：额度 \(Display.tonnes(e.capGrams)) 吨，"
                + "已批准 \(Display.tonnes(e.approvedGrams)) 吨，剩余 \(Display.tonnes(e.remainingGrams)) 吨"
            if let extra = a.consentedExtraGrams { text += "，另经同意超出 \(Display.tonnes(extra)) 吨" }
            out["whitelist"] = text
            if a.grams > allowed { out["whitelistShort"] = "申请量超过白名单剩余额度，需名单省份事先同意超额，或走完整程序" }
        } else {
            out["whitelist"] = whitelist == nil
                ? "\(a.validFrom.year) 年\(Display.provinceName(a.destinationProvince))白名单尚未发布：走完整程序"
                : "未被已确认、未暂停的白名单条目覆盖：走完整程序"
        }
        return out
    }

    /// `{"acts": [...], "act_<kind>": {...}}` for the template; nothing when the regulator has no act to sign.
    var context: [String: Any] {
        let a = application
        var out: [String: Any] = [:]
        guard !acts.isEmpty else { return out }
        let fixed = #"{"applicationId":"\#(Self.jsonEscaped(a.applicationId))"}"#
        var list: [[String: Any]] = []
        for act in acts {
            var form: [String: Any] = [
                "kind": act.kind, "label": Display.eventLabel(act.kind), "actor": principal, "fixed": fixed, "today": today.description,
            ]
            if let due = act.due { form["due"] = due.description }
            if !act.required { form["optional"] = true }
            switch act.kind {
            case "approval.decided":
                let year = today.year
                form["approvalNo"] = "\(Self.shortName(a.originProvince))环危转〔\(year)〕\(String(format: "%03d", decidedThisYear + 1))号"
                form["tonnes"] = Display.tonnes(a.grams)
                form["validFrom"] = a.validFrom.description
                var to = a.validTo
                if a.reply == nil, let list = whitelist, list.coveringEntry(for: a) != nil,
                    let end = CivilDate(year: list.year, month: 12, day: 31), end < to
                {
                    to = end
                }
                form["validTo"] = to.description
                if a.reply == nil && (a.review != nil || a.consultationRequestedOn != nil) {
                    form["beforeReply"] = "尚未收到接受地复函：完整程序下只能作出不予批准的决定。"
                }
                if let r = a.reply, r.opinion == .disagree { form["beforeReply"] = "接受地复函不同意：只能作出不予批准的决定。" }
            case "whitelist.overquota.consented":
                if let list = whitelist, let i = list.entries.firstIndex(where: { $0.receiver == a.receiver && $0.wasteCode == a.wasteCode }) {
                    let left = list.entries[i].remainingGrams
                    form["extra"] = Display.tonnes(max(a.grams - left, 0))
                }
            default: break
            }
            out["act_" + act.kind.replacingOccurrences(of: ".", with: "_")] = form
            list.append(form)
        }
        out["acts"] = list
        out["hasActs"] = true
        return out
    }

    /// `text` inside a JSON string literal (quotes, backslashes and controls escaped).
    static func jsonEscaped(_ text: String) -> String {
        var out = ""
        for u in text.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}

/// The regulators' forms on the whitelist page: the listing regulator publishes its province's list for the year
/// (entries of receivers of its own province, with the counterpart's confirmation previewed) and suspends an entry;
/// the counterpart regulator confirms a published list. Over-quota consent is on the application's page.
struct WhitelistForms {
    var year: Int
    var principal: ReadPrincipal
    var lists: [WhitelistRecord]
    var permits: [PermitRecord]
    var names: Names
    var today: CivilDate

    var me: (id: String, province: String)? {
        if case .regulator(let id, let province) = principal { return (id, province) }
        return nil
    }

    /// The publish form, for a regulator whose province has not published this year's list.
    var context: [String: Any] {
        guard let me else { return [:] }
        var out: [String: Any] = ["actor": me.id, "today": today.description, "isRegulatorHere": true]
        guard !lists.contains(where: { $0.listingProvince == me.province }) else { return out }
        let counterpart = me.province == "510000" ? "500000" : "510000"
        let receivers = ((try? names.allEnterprises()) ?? [])
            .filter { $0.province == me.province && ($0.roles.contains(.receiver) || $0.roles.contains(.utiliser)) }
            .sorted { $0.uscc < $1.uscc }
        out["publish"] = [
            "fixed": #"{"year":\#(year),"listingProvince":"\#(me.province)","counterpartProvince":"\#(counterpart)"}"#,
            "listing": Display.provinceName(me.province), "counterpart": Display.provinceName(counterpart),
            "counterpartRegulator": names.name(Principal.regulatorID(counterpart)), "year": year,
            "receivers": receivers.map { e -> [String: Any] in
                let mine = permits.filter { $0.holder == e.uscc && $0.kind == .operating }
                let text = mine.map { "\($0.permitNo)（\($0.validFrom) 至 \($0.validTo)；\($0.wasteCodes.joined(separator: "、"))；\($0.methods.joined(separator: "、"))）" }
                return ["id": e.uscc, "name": e.name, "permits": text.isEmpty ? "无经营许可证" : "经营许可证 " + text.joined(separator: "；")]
            },
        ] as [String: Any]
        out["methodChoices"] = names.reference.methods.values.sorted { $0.code < $1.code }.map { ["code": $0.code, "meaning": $0.meaning] }
        out["wasteCodes"] = names.reference.wasteCodes.values.sorted { $0.code < $1.code }.map {
            ["code": $0.code, "category": $0.category, "description": String($0.description.prefix(60))]
        }
        return out
    }

    /// The counterpart's 确认 of an unconfirmed list.
    func confirm(_ list: WhitelistRecord) -> [String: Any]? {
        guard let me, !list.confirmed, me.province == list.counterpartProvince else { return nil }
        return [
            "actor": me.id, "fixed": #"{"year":\#(list.year),"listingProvince":"\#(list.listingProvince)"}"#,
            "count": list.entries.count, "listing": Display.provinceName(list.listingProvince),
        ]
    }

    /// The listing regulator's 暂停 of an entry still in force.
    func suspend(_ list: WhitelistRecord, _ entry: WhitelistRecord.Entry) -> [String: Any] {
        guard let me, me.province == list.listingProvince, !entry.suspended else { return [:] }
        return ["suspendForm": [
            "actor": me.id, "receiverName": names.name(entry.receiver), "code": entry.wasteCode,
            "fixed": #"{"year":\#(list.year),"listingProvince":"\#(list.listingProvince)","receiver":"\#(entry.receiver)","wasteCode":"\#(entry.wasteCode)"}"#,
        ] as [String: Any]]
    }
}
