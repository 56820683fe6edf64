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

        @Option(help: ArgumentHelp(
            "Incremental: a directory keeping the verified size, root, key registry and replayed projections between runs.",
            discussion: "A run verifies the entries appended since in full, their link to the verified prefix and the consistency with --trusted, and re-checks triggers, the stored tree, the checkpoints, --sample old entries and the next --projection-rows projection rows (docs/decisions/008, 021). A state that does not match the log exits 3."))
        var state: String?

        @Option(help: "With --state: old entries re-checked per run (all of them in a log no larger).")
        var sample: Int = 256

        @Option(name: .customLong("projection-rows"), help: "With --state: stored projection rows re-compared per run, from where the last run stopped (all of them in rotation; docs/decisions/021).")
        var projectionRows: Int = IncrementalVerifier.defaultProjectionRowsPerRun

        func validate() throws {
            guard sample >= 0 else { throw ValidationError("--sample must not be negative") }
            guard projectionRows > 0 else { throw ValidationError("--projection-rows must be positive") }
        }

        @OptionGroup var witnesses: WitnessOptions

        @OptionGroup var progress: ProgressOptions

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
            if let state {
                return try incremental(facade, stateDir: state, trusted: trustedCheckpoint)
            }
            let verified = try FullVerification.run(
                facade, trusted: trustedCheckpoint, witnesses: { try witnesses.policy(default: $0.witnessPolicy()) },
                progress: progress.reporter("verify"))
            let report = verified.report
            if json {
                var o: [String: JSONValue] = [
                    "ok": .bool(true), "size": .int(Int64(report.size)), "root": .string(report.root.base64),
                    "checkpoints": .int(Int64(report.checkpointsChecked)),
                ]
                if let t = report.trustedSize { o["trustedSize"] = .int(Int64(t)) }
                if verified.witnessed { o["cosignatures"] = .int(Int64(verified.cosignatures)) }
                Output.json(.object(o))
            } else {
                var text = "verified \(report.size) entries, root \(report.root.base64), \(report.checkpointsChecked) checkpoints"
                if let t = report.trustedSize { text += ", consistent with the trusted checkpoint of size \(t)" }
                if verified.witnessed { text += ", \(verified.cosignatures) witness cosignatures" }
                Output.line(text)
            }
        }

        /// `--state DIR`: resumes from `DIR/state.json` (a first run verifies everything), then saves the new state.
        /// The state is taken at the start and saved only after a run that passed (``VerifierStateDirectory``).
        func incremental(_ facade: TransferLedger, stateDir: String, trusted: SignedCheckpoint?) throws {
            let directory: VerifierStateDirectory
            let saved: VerifierState?
            do {
                directory = try VerifierStateDirectory(path: stateDir)
                saved = try directory.take()
            } catch let LedgerError.integrity(_, message) {
                throw CLIFailure.integrity(message)
            } catch {
                throw CLIFailure(code: 66, id: "IO", message: "\(error)")
            }
            let scratch = try SQLiteLedgerStore(path: directory.projectionsPath, create: true, durable: false, writerCacheKiB: SQLiteLedgerStore.scratchCacheKiB)
            let tip: VerifiedTip
            let verifier: IncrementalVerifier
            do {
                verifier = try saved.map { try IncrementalVerifier(ledger: facade, scratch: scratch, resuming: $0, projectionRowsPerRun: projectionRows) }
                    ?? IncrementalVerifier(ledger: facade, scratch: scratch, projectionRowsPerRun: projectionRows)
                tip = try verifier.run(sample: sample, trusted: trusted)
            } catch let failure as VerificationFailure {
                // A failure is not forgotten: the state goes back, so the next run fails too rather than start over.
                if let saved { try? directory.save(saved) }
                throw CLIFailure.integrity("\(failure)" + (failure.check == .state ? " (the state in \(stateDir) does not match this log)" : ""))
            }
            do {
                try scratch.closeSynced()
                try directory.save(verifier.state)
            } catch {
                throw CLIFailure(code: 66, id: "IO", message: "cannot save the verifier state in \(stateDir): \(error)")
            }
            let newEntries = tip.size - (saved?.size ?? 0)
            let sampled = min(UInt64(sample), saved?.size ?? 0)
            if json {
                var o: [String: JSONValue] = [
                    "ok": .bool(true), "size": .int(Int64(tip.size)), "root": .string(tip.root.base64), "incremental": .bool(saved != nil),
                    "newEntries": .int(Int64(newEntries)), "sampledEntries": .int(Int64(sampled)),
                ]
                if let t = trusted?.checkpoint.size { o["trustedSize"] = .int(Int64(t)) }
                Output.json(.object(o))
            } else {
                var text = saved == nil
                    ? "verified \(tip.size) entries, root \(tip.root.base64) (state saved in \(stateDir))"
                    : "verified \(newEntries) new entries (\(tip.size) in all), root \(tip.root.base64); re-checked triggers, stored tree, checkpoints, \(sampled) sampled old entries and the projections"
                if let t = trusted?.checkpoint.size { text += ", consistent with the trusted checkpoint of size \(t)" }
                Output.line(text)
            }
        }
    }

    struct Rebuild: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild the projections from the entries and compare them with the stored ones.")

        @OptionGroup var ledger: LedgerOptions

        @Flag(help: "Compare: exit 0 when they match, 3 naming the first difference.")
        var check = false

        @Flag(help: "Rewrite the stored projections from the entries if they are in the JSON format of before docs/decisions/019 (a write; hwledgerd and every writing command do it on their own).")
        var upgrade = false

        func validate() throws {
            guard check != upgrade else { throw ValidationError("rebuild needs one of --check or --upgrade") }
        }

        @OptionGroup var progress: ProgressOptions

        func run() throws {
            if upgrade {
                let upgraded = try ledger.openLedger().upgradeProjectionsIfNeeded()
                Output.line(upgraded ? "projections rebuilt" : "projections are already current")
                return
            }
            let facade = try ledger.openLedger()
            let scratch = try SQLiteLedgerStore.scratch()
            defer { scratch.removeScratch() }
            let reporter = progress.reporter("rebuild --check")
            try facade.rebuildCheck(scratch: scratch, progress: reporter.update)
            reporter.finish()
            Output.line("projections match the entries")
        }
    }
}
