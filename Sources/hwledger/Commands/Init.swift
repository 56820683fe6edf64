import ArgumentParser
import Foundation
import LedgerCore
import LedgerSQLite
import Logging
import TransferLedger
import TransferRules

extension HWLedgerCommand {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a ledger and its genesis entry from a genesis file.")

        @OptionGroup var ledger: LedgerOptions

        @Option(help: "The genesis file: origin, regulators with their verifier keys, and the policy.")
        var genesis: String

        @Option(name: .customLong("operator-key"), help: "The operator's private key file; its name must be the origin.")
        var operatorKey: String

        @Option(help: "Directory of the reference lists (divisions, waste codes, methods, holidays); recorded in the ledger.")
        var reference: String?

        func run() throws {
            let key = try InputFiles.signingKey(operatorKey)
            let genesisBytes = try InputFiles.bytes(genesis, what: "genesis file")
            let value: JSONValue
            do { value = try CanonicalJSON.decode(genesisBytes) } catch { throw CLIFailure.malformed("genesis file \(genesis): \(error)") }
            let parsed: Genesis
            do { parsed = try Genesis(json: value) } catch {
                throw CLIFailure.malformed("genesis file \(genesis): \(error.message)")
            }
            guard key.name == parsed.origin else {
                throw CLIFailure.rule(RuleViolation(.schema, "the operator key is named \(key.name), but the genesis origin is \(parsed.origin)"))
            }
            let referenceDir = try ReferenceLocator.locate(explicit: reference, store: nil)
            let data = try ReferenceLocator.load(explicit: referenceDir, store: nil)
            let location = try ledger.location()
            if let path = location.filePath, FileManager.default.fileExists(atPath: path) {
                throw CLIFailure.io("\(path) already exists; init creates a new ledger")
            }
            let store: any LedgerStore
            do { store = try location.open(create: true) } catch {
                throw CLIFailure.io("cannot create ledger database \(location.display): \(error)")
            }
            let facade = TransferLedger(store: store, reference: data, clock: TransferLedger.systemClock, logger: Logger(label: "hwledger"))
            let absoluteKey = URL(fileURLWithPath: operatorKey).standardizedFileURL.path
            let checkpoint = try facade.initialise(genesis: parsed, operatorKey: key, operatorKeyPath: absoluteKey)
            try store.write { try $0.setMeta("referencePath", URL(fileURLWithPath: referenceDir).standardizedFileURL.path) }
            Output.raw(checkpoint.note)
        }
    }
}
