import ArgumentParser
import Foundation

/// `hwledger`: the command-line front end of the ledger (SPEC §4.1).
@main
struct HWLedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hwledger",
        abstract: "Tamper-evident ledger of hazardous-waste transfers between Sichuan and Chongqing.",
        version: "0.1.0",
        subcommands: [
            Keygen.self, Init.self, Submit.self, Verify.self, CheckpointCommand.self, Proof.self, ReceiptCommand.self,
            Audit.self, Entries.self, Rebuild.self, Manifest.self, Approval.self, Whitelist.self,
            P2P.self, Compensation.self,
        ])

    /// Parses, runs, and maps every outcome to SPEC §4.1's exit codes and `error[ID]: sentence` lines.
    static func main() {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help and --version
                Output.raw(fullMessage(for: error) + "\n")
                Foundation.exit(0)
            }
            let message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
            let trimmed = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
            Output.error(.usage(trimmed), json: false)
            FileHandle.standardError.write(Data((usageString() + "\n").utf8))
            Foundation.exit(64)
        }
        let json = CommandLine.arguments.contains("--json")
        do {
            try command.run()
        } catch {
            let failure = CLIFailure(error)
            Output.error(failure, json: json)
            Foundation.exit(failure.code)
        }
        Foundation.exit(0)
    }

    static func usageString() -> String {
        "Usage: hwledger <subcommand> [options]; see hwledger --help"
    }
}
