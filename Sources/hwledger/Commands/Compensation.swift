import ArgumentParser
import Foundation
import LedgerCore
import TransferLedger
import TransferRules

extension HWLedgerCommand {
    struct Compensation: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cross-regional disposal compensation (跨区域处置补偿): statements, closing, rate tables.",
            subcommands: [StatementCommand.self, Close.self, Rates.self])

        struct StatementCommand: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "statement", abstract: "The statement of a quarter for one direction, or the net of both.")

            @OptionGroup var source: ReadTarget
            @Option(help: "The quarter, e.g. 2025Q3.") var quarter: String
            @Option(help: "The paying province (the generators' side), e.g. 510000.") var payer: String?
            @Option(help: "The receiving province, e.g. 500000.") var payee: String?
            @Flag(help: "Net the two directions between the provinces.") var net = false
            @Option(help: "json or csv (default json; csv with --excel).") var format: String?
            @Option(help: "CSV column labels: en or zh.") var labels: String = "en"
            @Flag(help: "CSV for Excel: UTF-8 with a byte-order mark and CRLF line ends (implies --format csv).") var excel = false

            var csv: Bool { format == "csv" || (format == nil && excel) }

            func validate() throws {
                if let problem = ReadParameters.quarter("--quarter", quarter) { throw ValidationError(problem) }
                guard format == nil || ["json", "csv"].contains(format!) else { throw ValidationError("--format must be json or csv") }
                if excel, !csv { throw ValidationError("--excel applies to CSV output; it cannot go with --format json") }
                guard ["en", "zh"].contains(labels) else { throw ValidationError("--labels must be en or zh") }
                if !net { guard payer != nil, payee != nil else { throw ValidationError("give --payer and --payee, or --net") } }
                if let problem = ReadParameters.direction(payer: ("--payer", direction.payer), payee: ("--payee", direction.payee)) {
                    throw ValidationError(problem)
                }
            }

            /// The statement (SPEC §2.6) of one direction, from the ledger or from hwledgerd's normative document.
            func statement(_ q: Quarter, payer: String, payee: String) throws -> Statement {
                let path = "/v1/compensation/statements" + LedgerClient.query([("quarter", q.description), ("payer", payer), ("payee", payee)])
                return try source.value(path, what: "the \(q) statement \(payer) → \(payee)") { facade in
                    try facade.statement(quarter: q, payer: payer, payee: payee)
                } decode: { try $0.decoded(as: Statement.self) }
            }

            /// The direction asked for; with --net either may be left out (Sichuan and Chongqing, either way round).
            var direction: (payer: String, payee: String) {
                let a = payer ?? (payee == "510000" ? "500000" : "510000")
                return (a, payee ?? (a == "510000" ? "500000" : "510000"))
            }

            func run() throws {
                let q = Quarter(quarter)!
                if net {
                    let (a, b) = direction
                    let netted = NetStatement(try statement(q, payer: a, payee: b), try statement(q, payer: b, payee: a))
                    if csv { Output.raw(netted.csvDocument(chinese: labels == "zh").text(excel: excel)) } else { Output.json(netted.json) }
                    return
                }
                let s = try statement(q, payer: payer!, payee: payee!)
                // The document written item by item (a quarter at national volume has ~10^5 lines): the bytes of
                // StatementJSON.json(s), without the tree.
                if csv { Output.raw(StatementJSON.csv(s, chinese: labels == "zh", excel: excel)) } else { Output.bytes(StatementJSON.canonicalBytes(s) + [0x0A]) }
            }
        }

        struct Close: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Close a quarter's statement: print its total and digest, then sign compensation.statement.closed with them (payee regulator); --dry-run prints them without appending.")

            @OptionGroup var ledger: LedgerOptions
            @Option(help: "The quarter, e.g. 2025Q3.") var quarter: String
            @Option(help: "The paying province.") var payer: String
            @Option(help: "The receiving province, whose regulator closes.") var payee: String
            @Option(help: "The payee regulator's private key file (not needed with --dry-run).") var key: String?
            @Option(name: .customLong("operator-key"), help: "An operator key for the closing checkpoint (default: recorded at init); repeatable.")
            var operatorKey: [String] = []
            @Flag(name: .customLong("dry-run"), help: "Print the total and digest that would be signed; append nothing.") var dryRun = false
            @Flag(help: "Print JSON: quarter, payer, payee, totalFen, totalYuan, digest, dryRun, and index/leafHash when appended.") var json = false

            func validate() throws {
                if let problem = ReadParameters.quarter("--quarter", quarter) ?? ReadParameters.direction(payer: ("--payer", payer), payee: ("--payee", payee)) {
                    throw ValidationError(problem)
                }
                if !dryRun, key == nil { throw ValidationError("--key is required unless --dry-run") }
            }

            func run() throws {
                let facade = try dryRun ? ledger.openLedger() : ledger.openLedgerForWriting()
                let s = try facade.statement(quarter: Quarter(quarter)!, payer: payer, payee: payee)
                let digest = StatementJSON.digest(s)
                var summary: [String: JSONValue] = [
                    "quarter": .string(quarter), "payer": .string(payer), "payee": .string(payee), "totalFen": .int(s.totalFen),
                    "totalYuan": .string(Display.yuan(s.totalFen)), "digest": .string(digest), "dryRun": .bool(dryRun),
                ]
                let names = try facade.partyNames()
                func province(_ p: String) -> String { names.name(of: Principal.regulatorID(p)).map { "\($0)（\(p)）" } ?? p }
                let text = "\(quarter) 跨区域处置补偿结算：付款方 \(province(payer)) → 收款方 \(province(payee))\n"
                    + "明细 \(s.items.count) 条，调整 \(s.adjustments.count) 条\n合计：\(Display.yuan(s.totalFen)) 元（\(s.totalFen) 分）\n摘要（SHA-256）：\(digest)\n"
                if dryRun {
                    if json { Output.json(.object(summary)) } else { Output.raw(text + "试运行：未签署，未追加任何条目\n") }
                    return
                }
                let checkpointKeys = try InputFiles.operatorKeys(operatorKey, facade: facade)
                let signer = try InputFiles.signingKey(key!)
                let event = UnsignedEvent(type: "compensation.statement.closed", actor: signer.name, body: [
                    "quarter": .string(quarter), "payer": .string(payer), "payee": .string(payee), "totalFen": .int(s.totalFen),
                    "digest": .string(digest),
                ])
                let outcome = try facade.submit([event.signed(with: signer, at: TransferLedger.systemClock(), nonce: randomNonce())])[0]
                try facade.publishCheckpoint(keys: checkpointKeys)
                switch outcome {
                case .appended:
                    guard case .object(let appended)? = outcome.appendedJSON else { throw CLIFailure(code: 1, id: "INTERNAL", message: "no append result") }
                    if json {
                        summary.merge(appended) { a, _ in a }
                        Output.json(.object(summary))
                    } else {
                        Output.raw(text + "已签署并关闭：条目 \(appended["index"]?.intValue ?? -1)\n")
                    }
                case .rejected(let v): throw CLIFailure.rule(v)
                }
            }
        }

        struct Rates: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the published rate tables and whether they are confirmed.")
            @OptionGroup var ledger: LedgerOptions
            @Flag(help: "Print JSON.") var json = false

            func run() throws {
                let facade = try ledger.openLedger()
                let tables = try facade.rateTables()
                if json { Output.json(.object(["rateTables": .array(try tables.map { try $0.jsonValue() })])); return }
                Output.line(["费率表", "生效日期", "发布", "确认", "方向与基准(分/吨)"].joined(separator: "\t"))
                for t in tables {
                    Output.line([
                        t.table.rateTableId, t.table.effectiveFrom.description, t.publishedBy, t.confirmedBy ?? "未确认",
                        t.table.directions.map { "\($0.payer)→\($0.payee) \($0.baseFenPerTonne)" }.joined(separator: "; "),
                    ].joined(separator: "\t"))
                }
            }
        }
    }
}
