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

            @OptionGroup var source: ReadTarget
            @Argument(help: "The 14-digit manifest number (联单编号).") var number: String
            @Flag(help: "Print JSON (the record with the labels of its parties and methods) instead of the printout with the official labels.")
            var json = false

            func run() throws {
                let document = try source.document("/v1/manifests/\(ReadPath.segment(number))", what: "manifest \(number)") { facade in
                    guard let m = try facade.manifest(number) else {
                        throw CLIFailure(code: 2, id: RuleID.notFound.rawValue, message: "manifest \(number) does not exist")
                    }
                    return try facade.manifestDocument(m)
                }
                if json { Output.json(document) } else { Output.raw(try ManifestPrintout.render(document)) }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List manifests with filters and paging.")

            @OptionGroup var source: ReadTarget
            @Option(help: "Only manifests in this state: filed, inTransit, received, rejected, cancelled.") var status: String?
            @Option(help: "Only manifests naming this enterprise (USCC) as generator, carrier or receiver.") var party: String?
            @Option(help: "Filed on or after this date (YYYY-MM-DD or today, Asia/Shanghai).") var from: String?
            @Option(help: "Filed on or before this date (YYYY-MM-DD or today, Asia/Shanghai).") var to: String?
            @Option(name: .customLong("waste-code"), help: "Only manifests with a line of this waste code, e.g. 900-041-49.") var wasteCode: String?
            @Option(help: "Only manifests a party of which (generator, carrier, receiver) has this in its name, e.g. 示例.") var name: String?
            @Option(name: .customLong("pickup-from"), help: "Planned pickup on or after this date (YYYY-MM-DD or today).") var pickupFrom: String?
            @Option(name: .customLong("pickup-to"), help: "Planned pickup on or before this date (YYYY-MM-DD or today).") var pickupTo: String?
            @Option(help: "Continue after this cursor (printed as nextCursor).") var cursor: String?
            @Option(help: "Manifests per page, 1–1000.") var limit: Int = 100
            @Flag(help: "Print JSON.") var json = false

            func validate() throws {
                guard (1...1000).contains(limit) else { throw ValidationError("--limit must lie between 1 and 1000") }
                if let status, ManifestState(rawValue: status) == nil {
                    throw ValidationError("--status must be one of filed, inTransit, received, rejected, cancelled")
                }
                if let party, let problem = ReadParameters.uscc("--party", party) { throw ValidationError(problem) }
                for (option, value) in [("--from", from), ("--to", to), ("--pickup-from", pickupFrom), ("--pickup-to", pickupTo)] {
                    if let value { try DateArgument.check(value, option: option) }
                }
                if let wasteCode, let problem = ReadParameters.wasteCode("--waste-code", wasteCode) { throw ValidationError(problem) }
                if let name, let problem = ReadParameters.namePart("--name", name) { throw ValidationError(problem) }
                if let cursor, ManifestCursor.decode(cursor) == nil { throw ValidationError("--cursor is not a nextCursor this ledger printed") }
            }

            func run() throws {
                // `today` is resolved here (北京时间), so hwledgerd gets the date itself.
                let (from, to) = (from.map { DateArgument.parse($0).description }, to.map { DateArgument.parse($0).description })
                let (pickupFrom, pickupTo) = (pickupFrom.map { DateArgument.parse($0).description }, pickupTo.map { DateArgument.parse($0).description })
                let path = "/v1/manifests" + LedgerClient.query([
                    ("status", status), ("party", party), ("from", from), ("to", to), ("wasteCode", wasteCode), ("name", name),
                    ("pickupFrom", pickupFrom), ("pickupTo", pickupTo), ("cursor", cursor), ("limit", String(limit)),
                ])
                let document = try source.document(path, what: "the manifest list") { facade in
                    var filter = ManifestFilter(
                        status: status.flatMap(ManifestState.init), party: party, from: from.flatMap(CivilDate.init), to: to.flatMap(CivilDate.init))
                    filter.wasteCode = wasteCode
                    filter.name = name
                    filter.pickupFrom = pickupFrom.flatMap(CivilDate.init)
                    filter.pickupTo = pickupTo.flatMap(CivilDate.init)
                    return try facade.manifestPageDocument(try facade.manifests(filter, cursor: cursor.flatMap(ManifestCursor.decode), limit: limit))
                }
                if json { Output.json(document) } else { Output.raw(try ManifestPrintout.renderList(document)) }
            }
        }
    }
}
