import Foundation
import LedgerCore
import TransferLedger
import TransferRules

/// The printouts of `approval show|list`, rendered from the read's document alone (the same from `--db` and from
/// `--server`).
enum ApprovalPrintout {
    struct List: Decodable {
        var applications: [ApplicationRecord]
        var labels: DocumentLabels
    }

    static func renderList(_ document: JSONValue) throws -> String {
        let list = try document.decoded(as: List.self)
        let names = list.labels
        return tabbed(["申请编号", "移出人", "接受人", "废物代码", "申请量(吨)", "决定", "批准文号", "剩余量(吨)"], list.applications.map { a in
            [
                a.applicationId, names.party(a.generator), names.party(a.receiver), a.wasteCode, Display.tonnes(a.grams),
                a.decision.map { Display.decision($0.decision) } ?? "待决定",
                a.decision?.approvalNo ?? "-", a.decision?.decision == .approved ? Display.tonnes(a.remainingGrams) : "-",
            ]
        })
    }

    static func render(_ document: JSONValue) throws -> String {
        let d = try document.decoded(as: Labelled<ApplicationRecord>.self)
        let a = d.record, names = d.labels
        var out = "跨省转移申请 \(a.applicationId)\n"
        out += "移出人：\(names.party(a.generator))，\(names.place(a.originProvince))\n"
        out += "接受人：\(names.party(a.receiver))，\(names.place(a.destinationProvince))\n"
        out += "废物代码：\(a.wasteCode)\n申请转移量：\(Display.tonnes(a.grams)) 吨\n利用/处置方式：\(names.method(a.method))\n"
        out += "申请有效期：\(a.validFrom) 至 \(a.validTo)\n申请日期：\(a.appliedOn)\n"
        if let i = a.incomplete { out += "补正通知：\(i.notifiedOn)，缺少 \(i.missing.joined(separator: "、"))\n" }
        if let s = a.supplementedOn { out += "补正日期：\(s)\n" }
        if let r = a.review { out += "初步审查：\(Display.opinion(r.opinion))，\(r.reviewedOn)\n" }
        if let r = a.consultationRequestedOn { out += "商请日期：\(r)\n" }
        if let r = a.reply { out += "商请复函：\(Display.opinion(r.opinion))，\(r.repliedOn)\(r.reason.map { "，\($0)" } ?? "")\n" }
        if let e = a.consentedExtraGrams { out += "超额同意：\(Display.tonnes(e)) 吨\n" }
        if let dec = a.decision {
            out += "决定：\(Display.decision(dec.decision))，\(dec.decidedOn)\(a.direct == true ? "（白名单直接决定）" : "")\n"
            if let no = dec.approvalNo { out += "批准文号：\(no)\n" }
            if let g = dec.grams {
                out += "批准转移量：\(Display.tonnes(g)) 吨，已填报 \(Display.tonnes(a.filedGrams)) 吨，剩余 \(Display.tonnes(a.remainingGrams)) 吨\n"
            }
            if let f = dec.validFrom, let t = dec.validTo { out += "批准有效期：\(f) 至 \(t)\n" }
        }
        if let n = a.notifiedOn { out += "告知对方日期：\(n)\n" }
        return out
    }
}

/// The printout of `whitelist report`, from its document: province and receiver names beside their codes.
enum WhitelistPrintout {
    typealias Document = WhitelistReportDocument

    static func render(_ document: JSONValue) throws -> String {
        let d = try document.decoded(as: Document.self)
        let header = ["名单省份", "接受单位", "废物代码", "年度上限(吨)", "已批准(吨)", "已运出(吨)", "已接收(吨)", "状态"]
        return "\(d.year) 年川渝危险废物跨省转移白名单执行情况\n" + tabbed(header, d.entries.map { r in
            [
                d.labels.places[r.listingProvince].map { "\($0)（\(r.listingProvince)）" } ?? r.listingProvince, d.labels.party(r.receiver),
                r.wasteCode, Display.tonnes(r.capGrams), Display.tonnes(r.approvedGrams), Display.tonnes(r.shippedGrams),
                Display.tonnes(r.receivedGrams), r.suspended ? "暂停" : "有效",
            ]
        })
    }
}

/// The printout of `audit anomalies`, from its normative document.
enum AnomalyPrintout {
    struct Document: Decodable {
        struct Item: Decodable {
            var id: String
            var subject: String
            var due: String?
            var detail: String
        }
        var asOf: String
        var anomalies: [Item]
    }

    static func render(_ document: JSONValue) throws -> String {
        let d = try document.decoded(as: Document.self)
        var out = "截至 \(d.asOf) 的异常（\(d.anomalies.count) 项）\n"
        for a in d.anomalies { out += [a.id, a.subject, a.due ?? "-", a.detail].joined(separator: "\t") + "\n" }
        return out
    }
}
