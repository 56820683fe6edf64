import ArgumentParser
import Foundation
import LedgerCore
import TransferLedger
import TransferRules

extension HWLedgerCommand {
    struct Approval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show and list cross-province transfer applications and approvals (跨省转移审批).", subcommands: [Show.self, List.self])

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print one application with every step and its remaining grams.")
            @OptionGroup var ledger: LedgerOptions
            @Argument(help: "The application id.") var applicationId: String
            @Flag(help: "Print JSON.") var json = false

            func run() throws {
                let facade = try ledger.openLedger()
                guard let a = try facade.application(applicationId) else {
                    throw CLIFailure(code: 2, id: RuleID.notFound.rawValue, message: "application \(applicationId) does not exist")
                }
                if json { Output.json(try a.jsonValue()); return }
                Output.raw(Approval.render(a, names: try facade.partyNames()))
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List applications with their state and remaining grams.")
            @OptionGroup var ledger: LedgerOptions
            @Flag(help: "Print JSON.") var json = false

            func run() throws {
                let facade = try ledger.openLedger()
                let list = try facade.applications()
                let names = try facade.partyNames()
                if json { Output.json(.object(["applications": .array(try list.map { try $0.jsonValue() })])); return }
                Output.line(["申请编号", "移出人", "接受人", "废物代码", "申请量(吨)", "决定", "批准文号", "剩余量(吨)"].joined(separator: "\t"))
                for a in list {
                    Output.line([
                        a.applicationId, names.label(a.generator), names.label(a.receiver), a.wasteCode, Display.tonnes(a.grams),
                        a.decision.map { Display.decision($0.decision) } ?? "待决定",
                        a.decision?.approvalNo ?? "-", a.decision?.decision == .approved ? Mass.tonnes(a.remainingGrams) : "-",
                    ].joined(separator: "\t"))
                }
            }
        }

        static func render(_ a: ApplicationRecord, names: PartyNames) -> String {
            var out = "跨省转移申请 \(a.applicationId)\n"
            out += "移出人：\(names.label(a.generator))，\(a.originProvince)\n接受人：\(names.label(a.receiver))，\(a.destinationProvince)\n"
            out += "废物代码：\(a.wasteCode)\n申请转移量：\(Mass.tonnes(a.grams)) 吨\n利用/处置方式：\(a.method)\n"
            out += "申请有效期：\(a.validFrom) 至 \(a.validTo)\n申请日期：\(a.appliedOn)\n"
            if let i = a.incomplete { out += "补正通知：\(i.notifiedOn)，缺少 \(i.missing.joined(separator: "、"))\n" }
            if let s = a.supplementedOn { out += "补正日期：\(s)\n" }
            if let r = a.review { out += "初步审查：\(Display.opinion(r.opinion))，\(r.reviewedOn)\n" }
            if let r = a.consultationRequestedOn { out += "商请日期：\(r)\n" }
            if let r = a.reply { out += "商请复函：\(Display.opinion(r.opinion))，\(r.repliedOn)\(r.reason.map { "，\($0)" } ?? "")\n" }
            if let e = a.consentedExtraGrams { out += "超额同意：\(Mass.tonnes(e)) 吨\n" }
            if let d = a.decision {
                out += "决定：\(Display.decision(d.decision))，\(d.decidedOn)\(a.direct == true ? "（白名单直接决定）" : "")\n"
                if let no = d.approvalNo { out += "批准文号：\(no)\n" }
                if let g = d.grams { out += "批准转移量：\(Mass.tonnes(g)) 吨，已填报 \(Mass.tonnes(a.filedGrams)) 吨，剩余 \(Mass.tonnes(a.remainingGrams)) 吨\n" }
                if let f = d.validFrom, let t = d.validTo { out += "批准有效期：\(f) 至 \(t)\n" }
            }
            if let n = a.notifiedOn { out += "告知对方日期：\(n)\n" }
            return out
        }
    }

    struct Whitelist: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The 川渝 whitelist (白名单).", subcommands: [Report.self])

        struct Report: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Per whitelist entry of a year: cap, approved, shipped and received tonnes (returns not counted).")
            @OptionGroup var ledger: LedgerOptions
            @Option(help: "The whitelist year.") var year: Int
            @Flag(help: "Print JSON.") var json = false

            func run() throws {
                let facade = try ledger.openLedger()
                let rows = try facade.whitelistReport(year: year)
                if json {
                    Output.json(.object([
                        "year": .int(Int64(year)),
                        "entries": .array(rows.map {
                            .object([
                                "listingProvince": .string($0.listingProvince), "receiver": .string($0.receiver), "wasteCode": .string($0.wasteCode),
                                "capGrams": .int($0.capGrams), "approvedGrams": .int($0.approvedGrams), "shippedGrams": .int($0.shippedGrams),
                                "receivedGrams": .int($0.receivedGrams), "suspended": .bool($0.suspended),
                            ])
                        }),
                    ]))
                    return
                }
                Output.line("\(year) 年川渝危险废物跨省转移白名单执行情况")
                Output.line(["名单省份", "接受单位", "废物代码", "年度上限(吨)", "已批准(吨)", "已运出(吨)", "已接收(吨)", "状态"].joined(separator: "\t"))
                for r in rows {
                    Output.line([
                        r.listingProvince, r.receiver, r.wasteCode, Mass.tonnes(r.capGrams), Mass.tonnes(r.approvedGrams),
                        Mass.tonnes(r.shippedGrams), Mass.tonnes(r.receivedGrams), r.suspended ? "暂停" : "有效",
                    ].joined(separator: "\t"))
                }
            }
        }
    }
}

extension HWLedgerCommand.Audit {
    struct Anomalies: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every anomaly open or incurred by a date.")
        @OptionGroup var ledger: LedgerOptions
        @Option(name: .customLong("as-of"), help: "The date to judge at (YYYY-MM-DD, or today in 北京时间).") var asOf: String
        @Flag(help: "Print {\"asOf\",\"anomalies\":[{\"id\",\"subject\",\"due\",\"detail\"}]}.") var json = false

        func validate() throws {
            try DateArgument.check(asOf, option: "--as-of")
        }

        func run() throws {
            let facade = try ledger.openLedger()
            let date = DateArgument.parse(asOf)
            let list = try facade.anomalies(asOf: date)
            if json {
                Output.json(.object([
                    "asOf": .string(date.description),
                    "anomalies": .array(list.map {
                        .object(["id": .string($0.id), "subject": .string($0.subject), "due": $0.due.map { .string($0.description) } ?? .null, "detail": .string($0.detail)])
                    }),
                ]))
                return
            }
            Output.line("截至 \(date) 的异常（\(list.count) 项）")
            for a in list { Output.line([a.id, a.subject, a.due?.description ?? "-", a.detail].joined(separator: "\t")) }
        }
    }
}
