import ArgumentParser
import Foundation
import LedgerCore
import TransferLedger
import TransferRules

extension HWLedgerCommand {
    struct EnterpriseCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enterprise", abstract: "The registered enterprises (企业名录): list, or one with its permits.",
            subcommands: [List.self, Show.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Every registered enterprise: USCC, name, place, roles.")
            @OptionGroup var source: ReadTarget
            @Flag(help: "Print JSON: {\"enterprises\",\"labels\"}.") var json = false

            func run() throws {
                let document = try source.document("/v1/enterprises", what: "the enterprise list") { try $0.enterpriseListDocument() }
                if json { Output.json(document) } else { Output.raw(try RegisterPrintout.renderEnterprises(document)) }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "One enterprise: name, place, roles and the permits it holds.")
            @OptionGroup var source: ReadTarget
            @Argument(help: "The enterprise's 统一社会信用代码 (USCC).") var uscc: String
            @Flag(help: "Print JSON: {\"enterprise\",\"permits\",\"labels\"}.") var json = false

            func validate() throws {
                if let problem = ReadParameters.uscc("USCC", uscc) { throw ValidationError(problem) }
            }

            func run() throws {
                let document = try source.document("/v1/enterprises/\(uscc)", what: "enterprise \(uscc)") { facade in
                    guard let d = try facade.enterpriseDocument(uscc) else {
                        throw CLIFailure(code: 2, id: RuleID.notFound.rawValue, message: "enterprise \(uscc) is not registered")
                    }
                    return d
                }
                if json { Output.json(document) } else { Output.raw(try RegisterPrintout.renderEnterprise(document)) }
            }
        }
    }

    struct PermitCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "permit", abstract: "Permits (经营许可证, 运输许可) as issued by the regulators.", subcommands: [List.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Every permit, or a holder's: number, holder, kind, codes, methods, capacity, validity.")
            @OptionGroup var source: ReadTarget
            @Option(help: "Only the permits of this holder (USCC).") var holder: String?
            @Flag(help: "Print JSON: {\"permits\",\"labels\"}.") var json = false

            func validate() throws {
                if let holder, let problem = ReadParameters.uscc("--holder", holder) { throw ValidationError(problem) }
            }

            func run() throws {
                let path = "/v1/permits" + LedgerClient.query([("holder", holder)])
                let document = try source.document(path, what: "the permit list") { try $0.permitListDocument(holder: holder) }
                if json { Output.json(document) } else { Output.raw(try RegisterPrintout.renderPermits(document)) }
            }
        }
    }
}
