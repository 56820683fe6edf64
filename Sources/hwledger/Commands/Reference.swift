import ArgumentParser
import Foundation
import LedgerCore
import LedgerSQLite
import Logging
import TransferLedger
import TransferRules

extension HWLedgerCommand {
    struct ReferenceCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reference", abstract: "The reference data a ledger judges with.", subcommands: [Status.self])

        struct Status: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List the loaded divisions, 名录 editions, method codes and holiday calendar; warn a year before the calendar runs out.")
            @Option(help: "A ledger database: its genesis policy may bring its own calendar.") var db: String?
            @Option(help: "The reference data directory (default: the one recorded at init, $HWLEDGER_REFERENCE, or fixtures/reference).")
            var reference: String?
            @Option(name: .customLong("as-of"), help: "The date to judge at (YYYY-MM-DD, or today in 北京时间).") var asOf = "today"
            @Flag(help: "Print JSON.") var json = false

            func validate() throws { try DateArgument.check(asOf, option: "--as-of") }

            func run() throws {
                let context: RegimeContext
                if let db {
                    context = try LedgerOptions.parse(["--db", db]).openLedger(reference: reference).context()
                } else {
                    context = RegimeContext(reference: try ReferenceLocator.load(explicit: reference, store: nil), policy: Policy())
                }
                let s = context.referenceStatus(today: DateArgument.parse(asOf))
                if json { Output.json(Self.json(s)); return }
                Output.raw(Self.render(s))
                for w in s.warnings { Output.note("warning: \(w)") }
            }

            static func json(_ s: ReferenceStatus) -> JSONValue {
                .object([
                    "divisions": .int(Int64(s.divisions)), "endedDivisions": .int(Int64(s.endedDivisions)),
                    "editions": .array(s.editions.map {
                        .object([
                            "edition": .string($0.edition), "effectiveFrom": $0.effectiveFrom.map { .string($0.description) } ?? .null,
                            "codes": .int(Int64($0.codes)), "file": .string($0.file),
                        ])
                    }),
                    "methods": .int(Int64(s.methods)),
                    "calendar": .object([
                        "from": s.calendarYears.map { .int(Int64($0.lowerBound)) } ?? .null, "to": s.calendarYears.map { .int(Int64($0.upperBound)) } ?? .null,
                        "source": .string(s.calendarFromPolicy ? "policy" : "reference"),
                    ]),
                    "warnings": .array(s.warnings.map { .string($0) }),
                ])
            }

            static func render(_ s: ReferenceStatus) -> String {
                var out = "参考数据\n行政区划：\(s.divisions) 个代码（其中已撤销 \(s.endedDivisions) 个）\n"
                for e in s.editions {
                    let label = e.edition.isEmpty ? "名录" : "名录 \(e.edition) 版"
                    out += "\(label)：\(e.codes) 个废物代码，\(e.effectiveFrom.map { "自 \($0) 起施行" } ?? "适用于所有日期")（\(e.file)）\n"
                }
                out += "利用/处置方式：\(s.methods) 个代码\n"
                let source = s.calendarFromPolicy ? "创世策略" : "参考数据"
                out += "节假日日历（\(source)）：" + (s.calendarYears.map { "\($0.lowerBound)–\($0.upperBound) 年" } ?? "无") + "\n"
                if !s.warnings.isEmpty {
                    out += s.calendarYears.map {
                        "警告：节假日日历只覆盖 \($0.lowerBound)–\($0.upperBound) 年，缺少 \($0.upperBound + 1) 年；跨入该年的期限为暂定（仅按周末计算），请加载 \($0.upperBound + 1) 年的节假日安排\n"
                    } ?? "警告：节假日日历为空，工作日仅按周末计算\n"
                }
                return out
            }
        }
    }
}
