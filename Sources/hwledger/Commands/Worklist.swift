import ArgumentParser
import Foundation
import LedgerCore
import TransferLedger
import TransferRules

extension HWLedgerCommand {
    struct WorklistCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "worklist",
            abstract: "The steps a principal must take, with due dates and working days left, overdue first.")
        @OptionGroup var ledger: LedgerOptions
        @Option(name: .customLong("as"), help: "The principal: a USCC or a regulator id (REG-510000).") var principal: String
        @Option(name: .customLong("as-of"), help: "The date to judge at (YYYY-MM-DD, or today in 北京时间).") var asOf = "today"
        @Flag(help: "Print {\"asOf\",\"principal\",\"items\":[{\"kind\",\"subject\",\"due\",\"workingDaysLeft\",\"overdue\"}]}.") var json = false

        func validate() throws {
            try DateArgument.check(asOf, option: "--as-of")
            guard Principal(principal, origin: "") != nil, principal != "" else {
                throw ValidationError("--as must be a USCC (18 characters) or a regulator id REG-<province>")
            }
        }

        func run() throws {
            let facade = try ledger.openLedger()
            let list = try facade.worklist(for: principal, asOf: DateArgument.parse(asOf))
            if json { Output.json(list.json); return }
            let names = try facade.partyNames()
            Output.raw(Self.render(list, names: names))
        }

        static func render(_ list: Worklist, names: PartyNames) -> String {
            let overdue = list.items.filter(\.overdue).count
            var out = "待办事项：\(names.label(list.principal))\n截至 \(list.asOf)（北京时间），共 \(list.items.count) 项，其中逾期 \(overdue) 项\n"
            guard !list.items.isEmpty else { return out + "无待办事项\n" }
            out += ["状态", "事项", "事件", "对象", "截止日期", "剩余工作日"].joined(separator: "\t") + "\n"
            for i in list.items {
                let status = i.overdue ? "逾期" : (i.workingDaysLeft == 0 ? "今日到期" : (i.due == nil ? "无时限" : "待办"))
                out += [
                    status, Display.eventLabel(i.kind), i.kind, i.subject, i.due?.description ?? "-", i.workingDaysLeft.map(String.init) ?? "-",
                ].joined(separator: "\t") + "\n"
            }
            return out
        }
    }
}

/// Dates given on the command line: `YYYY-MM-DD`, or `today` (the date in 北京时间 by the system clock).
enum DateArgument {
    static func parse(_ text: String) -> CivilDate {
        text == "today" ? TransferLedger.systemClock().shanghaiDate : CivilDate(text)!
    }

    static func check(_ text: String, option: String) throws {
        guard text == "today" || CivilDate(text) != nil else { throw ValidationError("\(option) must be a date YYYY-MM-DD or today") }
    }
}
