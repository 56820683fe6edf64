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
            @OptionGroup var source: ReadTarget
            @Argument(help: "The application id.") var applicationId: String
            @Flag(help: "Print JSON (the record with the labels of its parties, provinces and method).") var json = false

            func run() throws {
                let document = try source.document("/v1/approvals/\(ReadPath.segment(applicationId))", what: "application \(applicationId)") { facade in
                    guard let a = try facade.application(applicationId) else {
                        throw CLIFailure(code: 2, id: RuleID.notFound.rawValue, message: "application \(applicationId) does not exist")
                    }
                    return try facade.applicationDocument(a)
                }
                if json { Output.json(document) } else { Output.raw(try ApprovalPrintout.render(document)) }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List applications with their state and remaining grams.")
            @OptionGroup var source: ReadTarget
            @Flag(help: "Print JSON (the records and the labels of their parties, provinces and methods).") var json = false

            func run() throws {
                let document = try source.document("/v1/approvals", what: "the application list") { facade in
                    try facade.applicationListDocument(try facade.applications())
                }
                if json { Output.json(document) } else { Output.raw(try ApprovalPrintout.renderList(document)) }
            }
        }
    }

    struct Whitelist: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The 川渝 whitelist (白名单).", subcommands: [Report.self])

        struct Report: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Per whitelist entry of a year: cap, approved, shipped and received tonnes (returns not counted).")
            @OptionGroup var source: ReadTarget
            @Option(help: "The whitelist year.") var year: Int
            @Flag(help: "Print JSON: {\"year\",\"entries\",\"labels\"}.") var json = false
            @Flag(help: "Print CSV: a Chinese header, codes and names side by side, tonnes, a 合计 row.") var csv = false
            @Flag(help: "CSV for Excel: UTF-8 with a byte-order mark and CRLF line ends (implies --csv).") var excel = false

            func validate() throws {
                guard (2000...2999).contains(year) else { throw ValidationError("--year must lie between 2000 and 2999") }
                if json, csv || excel { throw ValidationError("--json cannot go with --csv or --excel: choose one output") }
            }

            func run() throws {
                let document = try source.document("/v1/whitelists/report?year=\(year)", what: "the whitelist report") { facade in
                    try facade.whitelistReportDocument(year: year)
                }
                if json {
                    Output.json(document)
                } else if csv || excel {
                    Output.raw(try WhitelistReportCSV.document(from: document).text(excel: excel))
                } else {
                    Output.raw(try WhitelistPrintout.render(document))
                }
            }
        }
    }
}

extension HWLedgerCommand.Audit {
    struct Anomalies: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every anomaly open or incurred by a date.")
        @OptionGroup var source: ReadTarget
        @Option(name: .customLong("as-of"), help: "The date to judge at (YYYY-MM-DD, or today in 北京时间).") var asOf: String
        @Flag(help: "Print {\"asOf\",\"anomalies\":[{\"id\",\"subject\",\"due\",\"detail\"}]}.") var json = false

        func validate() throws {
            try DateArgument.check(asOf, option: "--as-of")
        }

        func run() throws {
            let date = DateArgument.parse(asOf)
            let document = try source.document("/v1/audit/anomalies?asOf=\(date)", what: "the anomalies") { facade in
                TransferLedger.anomaliesDocument(asOf: date, try facade.anomalies(asOf: date))
            }
            if json { Output.json(document) } else { Output.raw(try AnomalyPrintout.render(document)) }
        }
    }
}
