import Foundation
import LedgerCore
import TransferLedger
import TransferRules

/// The human printouts of `manifest show` and `manifest list`, with the official Chinese field names, rendered
/// from the read's JSON document alone (the same from `--db` and from `--server`): names beside USCCs, times in
/// 北京时间, tonnes.
enum ManifestPrintout {
    /// A page of manifests with their labels, as `GET /v1/manifests` answers it.
    struct Page: Decodable {
        var manifests: [ManifestRecord]
        var labels: DocumentLabels
        var nextCursor: String?
    }

    static func stateLabel(_ s: ManifestState) -> String { "\(Display.state(s)) (\(s.rawValue))" }

    static func time(_ t: UTCInstant) -> String { Display.beijingTimeLabelled(t) }

    static func renderList(_ document: JSONValue) throws -> String {
        let page = try document.decoded(as: Page.self)
        var out = tabbed(["联单编号", "状态", "移出人", "接受人", "填报日期", "重量(吨)"], page.manifests.map { m in
            [
                m.manifestNo, stateLabel(m.state), page.labels.party(m.generator), page.labels.party(m.receiver), m.filedOn.description,
                Display.tonnes(m.totalGrams),
            ]
        })
        if let next = page.nextCursor { out += "下一页 (nextCursor): \(next)\n" }
        return out
    }

    static func render(_ document: JSONValue) throws -> String {
        let d = try document.decoded(as: Labelled<ManifestRecord>.self)
        let m = d.record, names = d.labels
        var out = "危险废物转移联单\n"
        out += "联单编号：\(m.manifestNo)\n"
        out += "状态：\(stateLabel(m.state))\n"
        out += "移出人：\(names.partyInFull(m.generator))\n"
        for (i, c) in m.carriers.enumerated() { out += "承运人\(m.carriers.count > 1 ? "（\(i + 1)）" : "")：\(names.partyInFull(c))\n" }
        out += "接受人：\(names.partyInFull(m.receiver))\n"
        out += "计划转移日期：\(m.plannedPickup)\n"
        out += "利用/处置方式：\(names.method(m.method))\n"
        switch m.basis {
        case .approval(let no): out += "转移依据：跨省转移批准文号 \(no)\n"
        case .p2p(let no): out += "转移依据：“点对点”定向利用登记 \(no)\n"
        case .intraProvince: out += "转移依据：省内转移\n"
        }
        if let r = m.returnOf { out += "退回原联单：\(r)\n" }
        if let c = m.customId { out += "企业自编号：\(c)\n" }
        if let c = m.emergencyContact { out += "应急联系人：\(c.name)　应急联系电话：\(c.phone)\n" }
        out += "填报日期：\(m.filedOn)\n\n废物明细：\n"
        out += "  序号\t废物名称\t废物代码\t危险特性\t形态\t包装方式\t数量（件）\t转移量（吨）\n"
        for (i, l) in m.lines.enumerated() {
            out += "  \(i + 1)\t\(l.name)\t\(l.wasteCode)\t\(l.hazards.joined(separator: "/"))\t\(l.form)\t\(l.packaging)\t\(l.packages)\t\(Display.tonnes(l.grams))\n"
            if let c = l.components { out += "  \t有害成分：\(c)\n" }
        }
        if let p = m.pickup {
            out += "\n运输：承运人 \(names.party(p.carrier))，车牌号 \(p.vehiclePlate)，驾驶员 \(p.driver)，起运时间 \(time(p.at))\n"
        }
        for h in m.handovers {
            out += "交接：\(names.party(h.fromCarrier)) → \(names.party(h.toCarrier))，车牌号 \(h.vehiclePlate)，驾驶员 \(h.driver)，交接时间 \(time(h.at))\n"
        }
        if let r = m.receipt {
            out += "\n接收：送达时间 \(time(r.deliveredAt))，实际利用/处置方式 \(names.method(r.method))，重大差异 \(r.significantDiscrepancy ? "是" : "否")"
            out += r.note.map { "，备注 \($0)" } ?? ""
            out += "，录入日期 \(r.enteredOn)\n"
        }
        if let r = m.rejection { out += "\n拒收：送达时间 \(time(r.deliveredAt))，原因 \(r.reason)，录入日期 \(r.enteredOn)\n" }
        if let reason = m.cancelReason { out += "\n作废原因：\(reason)\n" }
        for v in m.versions {
            out += "\n版本 \(v.version)（条目 \(v.index)\(v.correctionId.map { "，更正 \($0)" } ?? "")）：方式 \(names.method(v.method))\n"
            for l in v.lines {
                out += "  序号 \(l.line)：接收量 \(Display.tonnes(l.grams)) 吨，拒收量 \(Display.tonnes(l.rejectedGrams)) 吨\n"
            }
        }
        for c in m.corrections {
            out += "更正 \(c.correctionId)：提出方 \(names.party(c.proposer))，理由 \(c.reason)，"
            out += "已同意 \(c.approvals.map(names.party).joined(separator: "、"))，\(c.applied ? "已生效" : "待同意")\n"
        }
        out += "\n事件（时间为北京时间）：\n"
        for e in m.events {
            out += "  条目 \(e.index)\t\(Display.beijingTime(e.time))\t\(Display.eventLabel(e.type))（\(e.type)）\t\(names.party(e.actor))\n"
        }
        return out
    }
}

/// A table as tab-separated lines, header first.
func tabbed(_ header: [String], _ rows: [[String]]) -> String {
    ([header] + rows).map { $0.joined(separator: "\t") + "\n" }.joined()
}

/// A record with the `labels` the read's document carries beside its fields (`GET /v1/manifests/{no}`,
/// `GET /v1/approvals/{id}`).
struct Labelled<Record: Decodable>: Decodable {
    var record: Record
    var labels: DocumentLabels

    enum Key: String, CodingKey { case labels }

    init(from decoder: any Decoder) throws {
        record = try Record(from: decoder)
        labels = try decoder.container(keyedBy: Key.self).decode(DocumentLabels.self, forKey: .labels)
    }
}

/// Path segments of signed reads, percent-encoded so that the target sent is the target signed.
enum ReadPath {
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
