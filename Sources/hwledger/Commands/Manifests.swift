import ArgumentParser
import Foundation
import LedgerCore
import TransferLedger
import TransferRules

extension HWLedgerCommand {
    struct Manifest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show and list electronic transfer manifests (电子转移联单).", subcommands: [Show.self, List.self])

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print one manifest with its parties, lines, every event and every version.")

            @OptionGroup var ledger: LedgerOptions
            @Argument(help: "The 14-digit manifest number (联单编号).") var number: String
            @Flag(help: "Print JSON instead of the printout with the official labels.") var json = false

            func run() throws {
                let facade = try ledger.openLedger()
                guard let m = try facade.manifest(number) else {
                    throw CLIFailure(code: 2, id: RuleID.notFound.rawValue, message: "manifest \(number) does not exist")
                }
                if json {
                    Output.json(try m.jsonValue())
                } else {
                    Output.raw(try ManifestPrintout(facade: facade).render(m))
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List manifests with filters and paging.")

            @OptionGroup var ledger: LedgerOptions
            @Option(help: "Only manifests in this state: filed, inTransit, received, rejected, cancelled.") var status: String?
            @Option(help: "Only manifests naming this enterprise (USCC) as generator, carrier or receiver.") var party: String?
            @Option(help: "Filed on or after this date (YYYY-MM-DD, Asia/Shanghai).") var from: String?
            @Option(help: "Filed on or before this date (YYYY-MM-DD, Asia/Shanghai).") var to: String?
            @Option(help: "Continue after this cursor (printed as nextCursor).") var cursor: String?
            @Option(help: "Manifests per page, 1–1000.") var limit: Int = 100
            @Flag(help: "Print JSON.") var json = false

            func validate() throws {
                guard (1...1000).contains(limit) else { throw ValidationError("--limit must lie between 1 and 1000") }
                if let status, ManifestState(rawValue: status) == nil {
                    throw ValidationError("--status must be one of filed, inTransit, received, rejected, cancelled")
                }
                if let party, let problem = ReadParameters.uscc("--party", party) { throw ValidationError(problem) }
                for (name, value) in [("--from", from), ("--to", to)] where value != nil && CivilDate(value!) == nil {
                    throw ValidationError("\(name) must be a date YYYY-MM-DD")
                }
            }

            func run() throws {
                let facade = try ledger.openLedger()
                let filter = ManifestFilter(
                    status: status.flatMap(ManifestState.init), party: party, from: from.flatMap(CivilDate.init), to: to.flatMap(CivilDate.init))
                let page = try facade.manifests(filter, cursor: cursor, limit: limit)
                if json {
                    var o: [String: JSONValue] = ["manifests": .array(try page.manifests.map { try $0.jsonValue() })]
                    if let next = page.nextCursor { o["nextCursor"] = .string(next) }
                    Output.json(.object(o))
                    return
                }
                Output.line(["联单编号", "状态", "移出人", "接受人", "填报日期", "重量(吨)"].joined(separator: "\t"))
                for m in page.manifests {
                    Output.line([m.manifestNo, ManifestPrintout.stateLabel(m.state), m.generator, m.receiver, m.filedOn.description, Mass.tonnes(m.totalGrams)].joined(separator: "\t"))
                }
                if let next = page.nextCursor { Output.line("下一页 (nextCursor): \(next)") }
            }
        }
    }
}

/// The human printout of a manifest, with the official Chinese field names.
struct ManifestPrintout {
    let facade: TransferLedger

    static func stateLabel(_ s: ManifestState) -> String {
        switch s {
        case .filed: "已填报 (filed)"
        case .inTransit: "运输中 (inTransit)"
        case .received: "已接收 (received)"
        case .rejected: "已拒收 (rejected)"
        case .cancelled: "已作废 (cancelled)"
        }
    }

    func party(_ uscc: String) throws -> String {
        guard let e = try facade.enterprise(uscc) else { return uscc }
        let place = facade.reference.divisions[e.division]?.name ?? e.division
        return "\(e.name)（统一社会信用代码 \(uscc)，\(place)）"
    }

    func method(_ code: String) -> String {
        facade.reference.methods[code].map { "\(code) \($0.meaning)" } ?? code
    }

    func render(_ m: ManifestRecord) throws -> String {
        var out = "危险废物转移联单\n"
        out += "联单编号：\(m.manifestNo)\n"
        out += "状态：\(Self.stateLabel(m.state))\n"
        out += "移出人：\(try party(m.generator))\n"
        for (i, c) in m.carriers.enumerated() { out += "承运人\(m.carriers.count > 1 ? "（\(i + 1)）" : "")：\(try party(c))\n" }
        out += "接受人：\(try party(m.receiver))\n"
        out += "计划转移日期：\(m.plannedPickup)\n"
        out += "利用/处置方式：\(method(m.method))\n"
        switch m.basis {
        case .approval(let no): out += "转移依据：跨省转移批准文号 \(no)\n"
        case .p2p(let no): out += "转移依据：“点对点”定向利用登记 \(no)\n"
        case .intraProvince: out += "转移依据：省内转移\n"
        }
        if let r = m.returnOf { out += "退回原联单：\(r)\n" }
        if let c = m.customId { out += "企业自编号：\(c)\n" }
        out += "填报日期：\(m.filedOn)\n\n废物明细：\n"
        out += "  序号\t废物名称\t废物代码\t危险特性\t形态\t包装方式\t数量（件）\t转移量（吨）\n"
        for (i, l) in m.lines.enumerated() {
            out += "  \(i + 1)\t\(l.name)\t\(l.wasteCode)\t\(l.hazards.joined(separator: "/"))\t\(l.form)\t\(l.packaging)\t\(l.packages)\t\(Mass.tonnes(l.grams))\n"
        }
        if let p = m.pickup {
            out += "\n运输：承运人 \(p.carrier)，车牌号 \(p.vehiclePlate)，驾驶员 \(p.driver)，起运时间 \(p.at)\n"
        }
        for h in m.handovers {
            out += "交接：\(h.fromCarrier) → \(h.toCarrier)，车牌号 \(h.vehiclePlate)，驾驶员 \(h.driver)，交接时间 \(h.at)\n"
        }
        if let r = m.receipt {
            out += "\n接收：送达时间 \(r.deliveredAt)，实际利用/处置方式 \(method(r.method))，重大差异 \(r.significantDiscrepancy ? "是" : "否")"
            out += r.note.map { "，备注 \($0)" } ?? ""
            out += "，录入日期 \(r.enteredOn)\n"
        }
        if let r = m.rejection { out += "\n拒收：送达时间 \(r.deliveredAt)，原因 \(r.reason)，录入日期 \(r.enteredOn)\n" }
        if let reason = m.cancelReason { out += "\n作废原因：\(reason)\n" }
        for v in m.versions {
            out += "\n版本 \(v.version)（条目 \(v.index)\(v.correctionId.map { "，更正 \($0)" } ?? "")）：方式 \(v.method)\n"
            for l in v.lines {
                out += "  序号 \(l.line)：接收量 \(Mass.tonnes(l.grams)) 吨，拒收量 \(Mass.tonnes(l.rejectedGrams)) 吨\n"
            }
        }
        for c in m.corrections {
            out += "更正 \(c.correctionId)：提出方 \(c.proposer)，理由 \(c.reason)，已同意 \(c.approvals.joined(separator: "、"))，\(c.applied ? "已生效" : "待同意")\n"
        }
        out += "\n事件：\n"
        for e in m.events { out += "  条目 \(e.index)\t\(e.time)\t\(e.type)\t\(e.actor)\n" }
        return out
    }
}
