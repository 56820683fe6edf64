import ArgumentParser
import Foundation
import LedgerCore
import LedgerSQLite
import TransferLedger

extension HWLedgerCommand {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute chain, signatures, tree, checkpoints and projections; name the first bad index.",
            discussion: "Exit 0 when everything holds, 3 on any integrity failure.")

        @OptionGroup var ledger: LedgerOptions

        @Option(help: "A signed checkpoint kept by the auditor: the log must extend it and not be shorter.")
        var trusted: String?

        @Flag(help: "Print the result as JSON on stdout.")
        var json = false

        @OptionGroup var witnesses: WitnessOptions

        func run() throws {
            let facade = try ledger.openLedger()
            var trustedCheckpoint: SignedCheckpoint?
            if let trusted {
                let bytes = try InputFiles.bytes(trusted, what: "trusted checkpoint")
                let keys: [VerifierKey]
                do { keys = try facade.operatorVerifierKeys() } catch {
                    throw CLIFailure.integrity("genesis does not parse: \(error)")
                }
                do { trustedCheckpoint = try SignedCheckpoint(verifying: bytes, keys: keys) } catch {
                    throw CLIFailure.integrity("trusted checkpoint \(trusted): \(error)")
                }
                try witnesses.requireQuorum(on: trustedCheckpoint!.note, what: "trusted checkpoint \(trusted)")
            }
            let scratch = try SQLiteLedgerStore.scratch()
            defer { scratch.removeScratch() }
            let report = try facade.verify(trusted: trustedCheckpoint, scratch: scratch)
            let witnessKeys = try witnesses.policy(default: facade.witnessPolicy()).witnesses
            let cosignatures: CosignatureAudit.Report
            do { cosignatures = try facade.store.read { try CosignatureAudit.verify(witnesses: witnessKeys, in: $0) } } catch {
                throw CLIFailure.integrity("\(error)")
            }
            if json {
                var o: [String: JSONValue] = [
                    "ok": .bool(true), "size": .int(Int64(report.size)), "root": .string(report.root.base64),
                    "checkpoints": .int(Int64(report.checkpointsChecked)),
                ]
                if let t = report.trustedSize { o["trustedSize"] = .int(Int64(t)) }
                if !witnessKeys.isEmpty { o["cosignatures"] = .int(Int64(cosignatures.verified)) }
                Output.json(.object(o))
            } else {
                var text = "verified \(report.size) entries, root \(report.root.base64), \(report.checkpointsChecked) checkpoints"
                if let t = report.trustedSize { text += ", consistent with the trusted checkpoint of size \(t)" }
                if !witnessKeys.isEmpty { text += ", \(cosignatures.verified) witness cosignatures" }
                Output.line(text)
            }
        }
    }

    struct Rebuild: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild the projections from the entries and compare them with the stored ones.")

        @OptionGroup var ledger: LedgerOptions

        @Flag(help: "Compare only (the only mode): exit 0 when they match, 3 naming the first difference.")
        var check = false

        func validate() throws {
            guard check else { throw ValidationError("rebuild needs --check (projections are only ever rebuilt to compare)") }
        }

        func run() throws {
            let facade = try ledger.openLedger()
            let scratch = try SQLiteLedgerStore.scratch()
            defer { scratch.removeScratch() }
            try facade.rebuildCheck(scratch: scratch)
            Output.line("projections match the entries")
        }
    }
}
