import Foundation
import LedgerCore
import TransferLedger
import TransferRules

/// A failure the CLI reports: exit code, the id printed in `error[ID]`, and a sentence (SPEC §4.1).
struct CLIFailure: Error {
    var code: Int32
    var id: String
    var message: String

    init(code: Int32, id: String, message: String) {
        self.code = code
        self.id = id
        self.message = message
    }

    static func usage(_ m: String) -> CLIFailure { CLIFailure(code: 64, id: "USAGE", message: m) }
    static func malformed(_ m: String) -> CLIFailure { CLIFailure(code: 65, id: "MALFORMED", message: m) }
    static func io(_ m: String) -> CLIFailure { CLIFailure(code: 66, id: "IO", message: m) }
    static func integrity(_ m: String) -> CLIFailure { CLIFailure(code: 3, id: "INTEGRITY", message: m) }
    static func rule(_ v: RuleViolation) -> CLIFailure { CLIFailure(code: 2, id: v.rule.rawValue, message: v.message) }
    /// Exit 2 without a further message (the per-line results already said why).
    static let rejectedSilently = CLIFailure(code: 2, id: "", message: "")

    /// Maps any error to the exit-code contract.
    init(_ error: any Error) {
        switch error {
        case let f as CLIFailure: self = f
        case let v as RuleViolation: self = .rule(v)
        case let e as LedgerError:
            switch e {
            case .malformedJSON(let m), .malformedSubmission(let m): self = .malformed(m)
            case .malformedKey: self = .malformed(e.description)
            case .integrity, .badProof, .badSignature, .malformedNote: self = .integrity(e.description)
            case .outOfRange(let m): self = .usage(m)
            case .storage(let m): self = CLIFailure(code: 66, id: "IO", message: m)
            case .storageFull(let m): self = CLIFailure(code: 66, id: "STORAGE-FULL", message: "the ledger database's disk is full: \(m)")
            case .storageIO(let m): self = CLIFailure(code: 66, id: "STORAGE-IO", message: m)
            case .writerBusy(let m): self = CLIFailure(code: 75, id: "WRITER-BUSY", message: m)
            case .notInitialised(let m): self = .io(m)
            }
        case let e as ReferenceLoadError: self = .io(e.description)
        default: self = CLIFailure(code: 1, id: "INTERNAL", message: "\(error)")
        }
    }
}

/// Writes results to stdout and diagnostics to stderr.
enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func raw(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func bytes(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }

    /// One JSON document, canonical and compact, on its own line.
    static func json(_ value: JSONValue) {
        line(value.canonicalString)
    }

    static func error(_ failure: CLIFailure, json: Bool) {
        guard !failure.id.isEmpty else { return }
        if json {
            Output.json(.object(["error": errorObject(rule: failure.id, message: failure.message)]))
        } else {
            FileHandle.standardError.write(Data("error[\(failure.id)]: \(Language.current.text(id: failure.id, message: failure.message))\n".utf8))
        }
    }

    /// `{"rule","message"}` of an error or a rejected line, plus `messageZh` under `--lang zh`.
    static func errorObject(rule: String, message: String) -> JSONValue {
        ErrorObject.json(rule: rule, message: message, chinese: Language.current == .zh)
    }

    /// `{"rule","message"}` of a rule violation, plus `messageZh` under `--lang zh`.
    static func errorObject(_ violation: RuleViolation) -> JSONValue {
        ErrorObject.json(violation, chinese: Language.current == .zh)
    }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// The language of messages people read (`--lang zh|en`, anywhere on the command line; default en). Rule and error
/// messages in Chinese come from ``RuleMessagesZh``, the catalogue the console and the API share.
enum Language: String, Sendable {
    case en, zh

    /// The language the command line asks for, read once.
    static let current: Language = {
        let arguments = Array(CommandLine.arguments.dropFirst())
        return (try? value(in: arguments)).flatMap { $0 } ?? .en
    }()

    /// The message of error `id` in this language.
    func text(id: String, message: String) -> String {
        self == .zh ? RuleMessagesZh.message(id: id, detail: message) : message
    }

    /// The `--lang` value of `arguments`, nil when absent; a usage error when it is missing or not zh/en.
    static func value(in arguments: [String]) throws -> Language? {
        var found: Language?
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { break }
            var text: String?
            if a == "--lang" {
                guard i + 1 < arguments.count else { throw CLIFailure.usage("--lang needs a value: zh or en") }
                text = arguments[i + 1]
                i += 1
            } else if a.hasPrefix("--lang=") {
                text = String(a.dropFirst("--lang=".count))
            }
            if let text {
                guard let language = Language(rawValue: text) else { throw CLIFailure.usage("--lang \(text): expected zh or en") }
                found = language
            }
            i += 1
        }
        return found
    }

    /// `arguments` without `--lang X` / `--lang=X`, after checking the value.
    static func strip(_ arguments: [String]) throws -> [String] {
        _ = try value(in: arguments)
        var out: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" {
                out.append(contentsOf: arguments[i...])
                break
            }
            if a == "--lang" {
                i += 2
                continue
            }
            if !a.hasPrefix("--lang=") { out.append(a) }
            i += 1
        }
        return out
    }
}
