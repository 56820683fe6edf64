import ArgumentParser
import Foundation
import LedgerCore
import TransferLedger
import TransferRules

extension HWLedgerCommand {
    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign and append events; print one JSON result line per event.",
            discussion: """
                An EVENT is {"type","actor","body"}; a .jsonl file or '-' (stdin) holds one per line. Each event is \
                judged alone against the log including earlier accepted lines. Exit 2 if any was rejected; exit 65, \
                appending nothing, if any line is not well-formed JSON. With --server the events are signed here and \
                posted to hwledgerd in batches (the key never leaves this machine); the results and exit codes are the \
                same, and a line the server had already appended (a retry) prints its original result with \
                "acceptedBefore":true.

                With --server and --key the signed lines are first written to a journal (--signed-out, by default \
                <input>.signed.jsonl beside the one input file; stdin or several files need --signed-out), and a rerun \
                reuses the signature of every unchanged event: running the same command again after a failure never \
                files an event twice. The journal is kept after a complete run, so rerunning a command that succeeded \
                reports every line "acceptedBefore":true; --resign signs every event anew (to file identical content \
                again on purpose). With --db the journal is written only when --signed-out is given.

                If the server fails part-way (a 5xx, a timeout, a dropped connection), every answered line prints its \
                result, every line sent without an answer prints {"line","error":{"rule":"UNKNOWN",…}} (it may or may \
                not be in the ledger), every line not appended prints {"line","error":{"rule":"NOT-APPENDED",…}}, \
                stderr names the failure, and the exit code is 75 (EX_TEMPFAIL): rerun the same command to finish. \
                When nothing can have been appended (the first batch could not be delivered, or was refused with 503) \
                it is error[IO] and exit 66 as before, with nothing on stdout.
                """)

        @OptionGroup var target: LedgerTarget

        @Option(help: "The signer's private key file (an enterprise, regulator or operator key).")
        var key: String?

        @Option(help: "A JSON-lines file of submissions already signed elsewhere: {\"submission\":{…},\"sig\":\"base64\"}.")
        var signed: String?

        @Option(
            name: .customLong("operator-key"),
            help: "An operator key that signs the closing checkpoint (default: the one recorded at init); repeat it during a key rotation.")
        var operatorKey: [String] = []

        @Option(
            name: .customLong("signed-out"),
            help: "The journal that keeps the lines signed with --key before anything is sent, reused by a rerun (default with --server: <input>.signed.jsonl).")
        var signedOut: String?

        @Flag(help: "Sign every event anew instead of reusing the journal's signatures (files identical events again).")
        var resign = false

        @Flag(help: "Print the JSON result lines even under --lang zh (which otherwise prints a Chinese sentence per line).")
        var json = false

        @Argument(help: "Event files (.json: one event; .jsonl: one per line), or - for JSON lines on stdin.")
        var events: [String] = []

        @OptionGroup var progress: ProgressOptions

        /// Exit code of a submit that stopped part-way: some lines answered or unknown, the rest not appended.
        static let partialFailureExitCode: Int32 = 75

        func validate() throws {
            try target.validate()
            if target.db == nil, !operatorKey.isEmpty { throw ValidationError("--operator-key is for --db: hwledgerd signs its own checkpoints") }
            if signed != nil {
                guard events.isEmpty, key == nil else { throw ValidationError("--signed takes no event files and no --key") }
                guard signedOut == nil, !resign else {
                    throw ValidationError("--signed-out and --resign are for --key: the lines of --signed are already signed, and a rerun sends them as they are")
                }
            } else {
                guard key != nil else { throw ValidationError("--key is required unless --signed is given") }
                guard !events.isEmpty else { throw ValidationError("give at least one event file, or - for stdin") }
                if target.db == nil, signedOut == nil {
                    if events.contains("-") {
                        throw ValidationError(
                            "submit --server --key reading stdin (-) needs --signed-out FILE: the signed lines are kept there before anything is sent, so that a rerun after a lost answer sends the same signatures instead of filing every event twice")
                    }
                    if events.count > 1 {
                        throw ValidationError(
                            "submit --server --key with several event files needs --signed-out FILE: one journal keeps the signed lines of the whole command for a rerun")
                    }
                }
            }
        }

        /// Where the signed lines are kept: `--signed-out`, else (with `--server`) beside the one input file.
        var journalPath: String? {
            if let signedOut { return signedOut }
            guard target.db == nil, events.count == 1, events[0] != "-" else { return nil }
            return events[0] + ".signed.jsonl"
        }

        /// One input event with the line it came from.
        struct Line {
            var number: Int
            var value: JSONValue
        }

        func run() throws {
            let client = try target.client()
            let facade = client == nil ? try target.ledgerOptions().openLedgerForWriting() : nil
            let checkpointKeys = try facade.map { try InputFiles.operatorKeys(operatorKey, facade: $0) } ?? []

            var lines: [Line] = []
            if let signed {
                lines = try Self.parseLines(try InputFiles.bytes(signed, what: "signed submissions"), source: signed, wholeFile: false, firstNumber: 1)
            } else {
                for path in events {
                    let bytes = try InputFiles.bytes(path, what: "event file")
                    let whole = path != "-" && !path.hasSuffix(".jsonl")
                    lines += try Self.parseLines(bytes, source: path, wholeFile: whole, firstNumber: lines.count + 1)
                }
            }
            guard !lines.isEmpty else { throw CLIFailure.malformed("the input holds no event") }

            var outcomes: [(Int, Result<SignedSubmission, RuleViolation>)] = []
            if signed != nil {
                for line in lines {
                    do { outcomes.append((line.number, .success(try SignedSubmission(json: line.value)))) } catch {
                        outcomes.append((line.number, .failure(error)))
                    }
                }
            } else {
                outcomes = try signEvents(lines)
            }

            let toSubmit = outcomes.compactMap { try? $0.1.get() }
            var results: [ServerSubmitter.Outcome] = []
            var failure: CLIFailure?
            if let client {
                let report = ServerSubmitter(client: client).submit(toSubmit)
                if let stop = report.failure, report.nothingHappened { throw stop }
                results = report.outcomes
                failure = report.failure
            } else {
                let appended = try Self.submitReporting(toSubmit, to: facade!, progress: progress.reporter("submit"))
                for (item, outcome) in zip(toSubmit, appended) {
                    switch outcome {
                    case .appended: results.append(.appended(outcome.appendedJSON!))
                    case .rejected(let v):
                        // A journal line appended by an earlier run: its original result, as the server gives it.
                        if signed == nil, v.rule == .nonce, let original = try facade!.original(of: item)?.appendedJSON?.objectValue {
                            results.append(.acceptedBefore(ServerSubmitter.acceptedBefore(original)))
                        } else {
                            results.append(.rejected(v))
                        }
                    }
                }
            }
            var next = results.makeIterator()
            var rejected = false
            var counts = (answered: 0, unknown: 0, notSent: 0, refused: 0)
            var out = ""
            let sentences = ResultSentences.wanted(json: json)
            func lineError(_ number: Int, rule: String, message: String) {
                out += sentences
                    ? ResultSentences.refused(line: number, rule: rule, message: message) + "\n"
                    : JSONValue.object(["line": .int(Int64(number)), "error": Output.errorObject(rule: rule, message: message)]).canonicalString + "\n"
            }
            for (number, outcome) in outcomes {
                let result: ServerSubmitter.Outcome
                switch outcome {
                case .success: result = next.next()!
                case .failure(let v): result = .rejected(v)
                }
                switch result {
                case .appended(let json), .acceptedBefore(let json):
                    counts.answered += 1
                    if sentences, case .success(let item) = outcome {
                        var before = false
                        if case .acceptedBefore = result { before = true }
                        out += ResultSentences.accepted(item.submission, result: json, before: before) + "\n"
                    } else {
                        out += json.canonicalString + "\n"
                    }
                case .rejected(let v):
                    counts.answered += 1
                    rejected = true
                    out += sentences
                        ? ResultSentences.refused(line: number, v) + "\n"
                        : JSONValue.object(["line": .int(Int64(number)), "error": Output.errorObject(v)]).canonicalString + "\n"
                case .unknown:
                    counts.unknown += 1
                    lineError(number, rule: "UNKNOWN", message: "sent, but the server's answer was lost: rerun the same command to learn whether it was appended")
                case .notAppended(let sent):
                    if sent { counts.refused += 1 } else { counts.notSent += 1 }
                    lineError(
                        number, rule: "NOT-APPENDED",
                        message: sent
                            ? "not appended: the server refused its batch whole; rerun the same command once the server works"
                            : "not appended: not sent, because the server failed on an earlier batch; rerun the same command to send it")
                }
            }
            Output.raw(out)
            if let facade { try facade.publishCheckpoint(keys: checkpointKeys) }
            if let failure {
                var parts = ["\(counts.answered) answered (results above)"]
                if counts.unknown > 0 { parts.append("\(counts.unknown) sent without an answer (UNKNOWN: may or may not be appended)") }
                if counts.refused > 0 { parts.append("\(counts.refused) refused with their batch") }
                if counts.notSent > 0 { parts.append("\(counts.notSent) not sent") }
                let journal = journalPath.map { "; the signed lines are kept in \($0)" } ?? ""
                throw CLIFailure(
                    code: Self.partialFailureExitCode, id: failure.id,
                    message: "\(failure.message); of \(outcomes.count) lines, \(parts.joined(separator: ", "))\(journal): "
                        + "rerun the same command to finish (lines already appended print \"acceptedBefore\":true)")
            }
            if rejected { throw CLIFailure.rejectedSilently }
        }

        /// Appends `items` through `facade` in slices of a few batches, telling `progress` after each slice; the
        /// outcomes are those of one ``TransferLedger/submit(_:)`` call (each item judged against the log including
        /// the earlier ones), only the signature pre-checks of the next slice do not overlap the last batch of this one.
        static func submitReporting(_ items: [SignedSubmission], to facade: TransferLedger, progress: ProgressReporter) throws -> [SubmitOutcome] {
            let slice = TransferLedger.batchSize * 5
            var outcomes: [SubmitOutcome] = []
            outcomes.reserveCapacity(items.count)
            var start = 0
            while start < items.count {
                let end = min(items.count, start + slice)
                outcomes += try facade.submit(Array(items[start..<end]))
                progress.update(UInt64(end), of: UInt64(items.count))
                start = end
            }
            progress.finish()
            return outcomes
        }

        /// Signs each event line with `--key`, reusing the journal's signatures (see ``SignedJournal``), and writes the
        /// journal before anything is sent. A line that is not an event is rejected here (R-SCHEMA) and not signed.
        func signEvents(_ lines: [Line]) throws -> [(Int, Result<SignedSubmission, RuleViolation>)] {
            let signer = try InputFiles.signingKey(key!)
            var parsed: [(Int, Result<UnsignedEvent, RuleViolation>)] = []
            for line in lines {
                do { parsed.append((line.number, .success(try UnsignedEvent(json: line.value)))) } catch {
                    parsed.append((line.number, .failure(error)))
                }
            }
            let events = parsed.compactMap { try? $0.1.get() }
            let now = TransferLedger.systemClock()
            let signedItems =
                try journalPath.map { try SignedJournal(path: $0).sign(events, with: signer, resign: resign, now: now).items }
                ?? events.map { $0.signed(with: signer, at: now, nonce: randomNonce()) }
            var next = signedItems.makeIterator()
            return parsed.map { number, event in (number, event.map { _ in next.next()! }) }
        }

        /// Splits input into JSON values; any line that is not well-formed JSON fails the whole input (exit 65).
        static func parseLines(_ bytes: [UInt8], source: String, wholeFile: Bool, firstNumber: Int) throws -> [Line] {
            if wholeFile {
                do { return [Line(number: firstNumber, value: try CanonicalJSON.decode(bytes))] } catch {
                    throw CLIFailure.malformed("\(source) (line \(firstNumber)): \(NumberHint.describe(error, in: bytes))")
                }
            }
            var result: [Line] = []
            var lineNumber = firstNumber - 1
            for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
                lineNumber += 1
                let trimmed = raw.last == 0x0D ? raw.dropLast() : raw
                if trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                do { result.append(Line(number: lineNumber, value: try CanonicalJSON.decode(trimmed))) } catch {
                    throw CLIFailure.malformed("line \(lineNumber) of \(source): \(NumberHint.describe(error, in: trimmed))")
                }
            }
            return result
        }
    }
}
