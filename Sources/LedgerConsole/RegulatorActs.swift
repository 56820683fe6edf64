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
            "route": a.review != nil || a.consultationRequestedOn != nil ? "完整程序（初审、商请、复函、决定）" : "",
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
            case "approval.consultation.replied", "approval.reviewed":
                break
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
