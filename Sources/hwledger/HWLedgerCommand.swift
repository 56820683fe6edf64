import ArgumentParser
import Foundation
import LedgerCore
import TransferLedger
import TransferRules

/// `hwledger`: the command-line front end of the ledger (SPEC §4.1).
@main
struct HWLedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hwledger",
        abstract: "Tamper-evident ledger of hazardous-waste transfers between Sichuan and Chongqing.",
        discussion: """
            Global option: --lang zh|en (anywhere on the command line) prints rule and error messages in Chinese \
            (zh) or English (en, the default); JSON output then carries both, as "message" and "messageZh".
            """,
        version: BuildInfo.version,
        subcommands: [
            Keygen.self, Init.self, Submit.self, Verify.self, CheckpointCommand.self, Proof.self, ReceiptCommand.self,
            Audit.self, Entries.self, Rebuild.self, Manifest.self, Approval.self, Whitelist.self, EnterpriseCommand.self, PermitCommand.self,
            P2P.self, Compensation.self, WitnessCommand.self, WorklistCommand.self, ReferenceCommand.self, Sign.self, Check.self, Template.self,
            Backup.self, Restore.self, TilesCommand.self, Migrate.self,
        ])

    /// Parses, runs, and maps every outcome to SPEC §4.1's exit codes and `error[ID]: sentence` lines.
    static func main() {
        let json = CommandLine.arguments.contains("--json")
        do {
            let arguments = try Language.strip(Array(CommandLine.arguments.dropFirst()))
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let error as CLIFailure {
            fail(error, json: json)
        } catch let error where error is RuleViolation || error is LedgerError || error is ReferenceLoadError {
            fail(CLIFailure(error), json: json)
        } catch let error where isParserError(error) {
            if exitCode(for: error) == .success {
                let asked = CommandLine.arguments.dropFirst().contains { ["-h", "--help", "help", "--version"].contains($0) }
                if asked {
                    Output.raw(fullMessage(for: error) + "\n")
                    Foundation.exit(0)
                }
                // A command group run without a subcommand: show its help, as a usage error.
                Output.error(.usage("a subcommand is required"), json: false)
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(64)
            }
            let message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
            fail(.usage(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message), json: false)
        } catch {
            fail(CLIFailure(error), json: json)
        }
        Foundation.exit(0)
    }

    static func fail(_ failure: CLIFailure, json: Bool) -> Never {
        Output.error(failure, json: json)
        if failure.code == 64 { FileHandle.standardError.write(Data((usageString() + "\n").utf8)) }
        Foundation.exit(failure.code)
    }

    /// Errors ArgumentParser throws while parsing or validating (its own types; `CommandError` is internal).
    static func isParserError(_ error: any Error) -> Bool {
        error is ValidationError || error is CleanExit || error is ExitCode || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }

    static func usageString() -> String {
        "Usage: hwledger <subcommand> [options]; see hwledger --help"
    }
}
