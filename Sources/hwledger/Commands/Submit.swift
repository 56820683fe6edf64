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

        @Argument(help: "Event files (.json: one event; .jsonl: one per line), or - for JSON lines on stdin.")
        var events: [String] = []

        func validate() throws {
            try target.validate()
            if target.db == nil, !operatorKey.isEmpty { throw ValidationError("--operator-key is for --db: hwledgerd signs its own checkpoints") }
            if signed != nil {
                guard events.isEmpty, key == nil else { throw ValidationError("--signed takes no event files and no --key") }
            } else {
                guard key != nil else { throw ValidationError("--key is required unless --signed is given") }
                guard !events.isEmpty else { throw ValidationError("give at least one event file, or - for stdin") }
            }
        }

        /// One input event with the line it came from.
        struct Line {
            var number: Int
            var value: JSONValue
        }

        func run() throws {
            let client = try target.client()
            let facade = client == nil ? try target.ledgerOptions().openLedger() : nil
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
                let signer = try InputFiles.signingKey(key!)
                for line in lines {
                    do {
                        let event = try UnsignedEvent(json: line.value)
                        outcomes.append((line.number, .success(event.signed(with: signer, at: TransferLedger.systemClock(), nonce: randomNonce()))))
                    } catch {
                        outcomes.append((line.number, .failure(error)))
                    }
                }
            }

            let toSubmit = outcomes.compactMap { try? $0.1.get() }
            var results: [ServerSubmitter.Outcome] = []
            if let client {
                results = try ServerSubmitter(client: client).submit(toSubmit)
            } else {
                results = try facade!.submit(toSubmit).map { outcome in
                    switch outcome {
                    case .appended: .appended(outcome.appendedJSON!)
                    case .rejected(let v): .rejected(v)
                    }
                }
            }
            var next = results.makeIterator()
            var rejected = false
            var out = ""
            for (number, outcome) in outcomes {
                let result: ServerSubmitter.Outcome
                switch outcome {
                case .success: result = next.next()!
                case .failure(let v): result = .rejected(v)
                }
                switch result {
                case .appended(let json), .acceptedBefore(let json): out += json.canonicalString + "\n"
                case .rejected(let v):
                    rejected = true
                    out += JSONValue.object(["line": .int(Int64(number)), "error": Output.errorObject(v)]).canonicalString + "\n"
                }
            }
            Output.raw(out)
            if let facade { try facade.publishCheckpoint(keys: checkpointKeys) }
            if rejected { throw CLIFailure.rejectedSilently }
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
