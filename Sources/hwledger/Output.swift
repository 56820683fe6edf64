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

    /// One JSON document, canonical and compact, on its own line.
    static func json(_ value: JSONValue) {
        line(value.canonicalString)
    }

    static func error(_ failure: CLIFailure, json: Bool) {
        guard !failure.id.isEmpty else { return }
        if json {
            Output.json(.object(["error": .object(["rule": .string(failure.id), "message": .string(failure.message)])]))
        } else {
            FileHandle.standardError.write(Data("error[\(failure.id)]: \(failure.message)\n".utf8))
        }
    }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
