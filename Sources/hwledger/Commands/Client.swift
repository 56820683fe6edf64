import ArgumentParser
import Foundation
import LedgerCore
import TransferLedger
import TransferRules

/// The client commands: sign events for `hwledgerd`, dry-run them, and compose them from templates (issue 9).
extension HWLedgerCommand {
    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign events: print one {\"submission\",\"sig\"} line per event, the body POST /v1/submissions and submit --signed take.",
            discussion: """
                Reads {"type","actor","body"} events, one per line ('-' or no file: stdin), adds a fresh 128-bit nonce and \
                signedAt, and signs with KEY (Ed25519 over hwledger/submission/v1\\n + the canonical submission). Needs no \
                database. Every event must be well-formed and acted by the key's principal, or nothing is printed (exit 65).
                """)

        @Option(help: "The signer's private key file (hwledger keygen wrote it).") var key: String
        @Argument(help: "A JSON-lines file of events, or - for stdin.") var file: String = "-"

        func run() throws {
            let signer = try InputFiles.signingKey(key)
            let events = try ClientInput.events(file, signer: signer, keyPath: key)
            let now = TransferLedger.systemClock()
            var out = ""
            for (_, event) in events { out += event.signed(with: signer, at: now, nonce: randomNonce()).json.canonicalString + "\n" }
            Output.raw(out)
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dry-run events: would each be accepted? Print every independent failing rule per line; append nothing.",
            discussion: """
                Signs the events with KEY and judges them as submit would (later lines see the earlier acceptable ones), \
                locally (--db) or on hwledgerd (--server, POST /v1/checks), then rolls back: no nonce is used and the tree \
                is unchanged. Prints {"line","ok","errors":[{"rule","message"}]} per event (with messageZh under --lang zh); for manifest.filed, \
                approval.applied and approval.decided every independent failing rule, the first being the one submit \
                would report. Exit 0 when every event would be accepted, 2 otherwise.
                """)

        @OptionGroup var target: LedgerTarget
        @Option(help: "The signer's private key file.") var key: String
        @Argument(help: "A JSON-lines file of events, or - for stdin.") var file: String = "-"
        @Flag(help: "Print the JSON result lines even under --lang zh (which otherwise prints a Chinese sentence per line).")
        var json = false

        func validate() throws { try target.validate() }

        func run() throws {
            let signer = try InputFiles.signingKey(key)
            let events = try ClientInput.events(file, signer: signer, keyPath: key, requireActor: false)
            let now = TransferLedger.systemClock()
            let signed = events.map { ($0.0, $0.1.signed(with: signer, at: now, nonce: randomNonce())) }
            let results: [[RuleViolation]]
            if let client = try target.client() {
                results = try ServerSubmitter(client: client).check(signed.map(\.1))
            } else {
                results = try target.ledgerOptions().openLedger().check(signed.map(\.1))
            }
            var out = ""
            for ((line, _), errors) in zip(signed, results) {
                if ResultSentences.wanted(json: json) {
                    out += ResultSentences.checked(line: line, errors) + "\n"
                    continue
                }
                out += JSONValue.object([
                    "line": .int(Int64(line)), "ok": .bool(errors.isEmpty),
                    "errors": .array(errors.map { Output.errorObject($0) }),
                ]).canonicalString + "\n"
            }
            Output.raw(out)
            if results.contains(where: { !$0.isEmpty }) { throw CLIFailure.rejectedSilently }
        }
    }

    struct Template: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a valid-shaped example event of TYPE (one JSON line), or explain its fields.",
            discussion: "hwledger template --list names every type; --explain lists each field with its meaning (中文, English), unit, format and allowed values.")

        @Argument(help: "An event type, e.g. manifest.filed.") var type: String?
        @Flag(help: "List each field's meaning, unit, format and allowed values.") var explain = false
        @Flag(help: "List every event type.") var list = false

        func validate() throws {
            if list { guard type == nil, !explain else { throw ValidationError("--list takes no TYPE and no --explain") } } else {
                guard type != nil else { throw ValidationError("give an event TYPE, or --list") }
            }
        }

        func run() throws {
            if list {
                let width = EventCatalogue.all.map(\.type.count).max() ?? 0
                Output.raw(EventCatalogue.all.map { $0.type.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.zh + " — " + $0.actorRole }
                    .joined(separator: "\n") + "\n")
                return
            }
            guard let template = EventCatalogue.template(type!) else {
                throw CLIFailure.usage("\(type!) is not an event type; hwledger template --list names them")
            }
            // Quantities in tonnes, as clerks write them; submit, sign and check convert them to grams exactly.
            let example = TonnesInput.tonnesForm(template.example)
            guard explain else {
                Output.json(example)
                return
            }
            var out = "\(template.type)  \(template.zh)\nactor: \(template.actorRole)\n\n"
            for f in template.fields {
                out += "body.\(f.path)\(f.optional ? " (optional)" : "")\n"
                out += "    \(f.zh) · \(f.en)\n    format: \(f.format)\n"
                if let allowed = f.allowed { out += "    allowed: \(allowed)\n" }
                let last = f.path.split(separator: ".").last.map(String.init) ?? f.path
                if let tonnes = TonnesInput.tonnesField(for: last.replacingOccurrences(of: "[]", with: "")) {
                    out += "    in tonnes: write \(tonnes) as a decimal string, e.g. \"8.600\" (吨, converted exactly to grams before signing)\n"
                }
            }
            out += "\nexample:\n\(example.canonicalString)\n"
            Output.raw(out)
        }
    }
}

/// Reading events for `sign` and `check`.
enum ClientInput {
    /// The events of `path`, each with its line number. A line that is not JSON, not an event, or (with
    /// `requireActor`) acted by another principal than the key's fails the whole input (exit 65), naming the line.
    static func events(_ path: String, signer: SigningKey, keyPath: String, requireActor: Bool = true) throws -> [(Int, UnsignedEvent)] {
        let lines = try HWLedgerCommand.Submit.parseLines(
            try InputFiles.bytes(path, what: "event file"), source: path, wholeFile: path != "-" && path.hasSuffix(".json"), firstNumber: 1)
        guard !lines.isEmpty else { throw CLIFailure.malformed("the input holds no event") }
        return try lines.map { line in
            let event: UnsignedEvent
            do throws(RuleViolation) { event = try UnsignedEvent(json: line.value) } catch {
                throw CLIFailure.malformed("line \(line.number) of \(path): \(error.message)")
            }
            if requireActor, event.actor != signer.name {
                throw CLIFailure.malformed(
                    "line \(line.number) of \(path): the event's actor is \(event.actor), but the key file \(keyPath) belongs to \(signer.name)")
            }
            return (line.number, event)
        }
    }
}

/// `--db DB` or `--server URL` (or `$HWLEDGER_SERVER`): where a client command reads or writes.
struct LedgerTarget: ParsableArguments {
    @Option(name: .long, help: "The ledger's SQLite database file.") var db: String?
    @Option(name: .long, help: "The hwledgerd to use instead of a database, e.g. https://ledger.example.cn (default: $HWLEDGER_SERVER).")
    var server: String?
    @Option(name: .long, help: "Seconds to wait for the server's answer.") var timeout: Double = 30

    func validate() throws {
        if db != nil, server != nil { throw ValidationError("--server and --db together: give one") }
        if db == nil, LedgerClient.serverURL(server) == nil { throw ValidationError("give --db DB or --server URL (or set HWLEDGER_SERVER)") }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be between 0 and 3600 seconds") }
    }

    /// The server client when this command talks to hwledgerd (`--db` wins over `$HWLEDGER_SERVER`).
    func client() throws -> LedgerClient? {
        guard db == nil, let url = LedgerClient.serverURL(server) else { return nil }
        return try LedgerClient(url, timeout: timeout)
    }

    func ledgerOptions() throws -> LedgerOptions {
        try LedgerOptions.parse(["--db", db!])
    }
}
