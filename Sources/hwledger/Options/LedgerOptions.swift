import ArgumentParser
import Foundation
import LedgerCore
import LedgerSQLite
import LedgerStores
import Logging
import TransferLedger
import TransferRules

/// `--db`, shared by every command that reads or writes a ledger.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "The ledger's SQLite database file, or a PostgreSQL database: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=require].")
    var db: String

    /// What `--db` names (a malformed postgres:// URL is a usage error, exit 64).
    func location() throws -> StoreLocation {
        do { return try StoreLocation(db) } catch { throw CLIFailure.usage("\(error)") }
    }

    /// Opens the existing ledger database (exit 66 if it does not exist, cannot be reached or is not a ledger).
    func openStore() throws -> any LedgerStore {
        let location = try location()
        do {
            return try location.open()
        } catch {
            throw CLIFailure.io("cannot open ledger database \(location.display): \(error)")
        }
    }

    /// Opens the ledger's SQLite file, for what only a file has (backup, restore); a PostgreSQL `--db` is refused
    /// with the tool to use instead.
    func openSQLiteStore(for command: String, instead: String) throws -> SQLiteLedgerStore {
        guard case .sqlite(let path) = try location() else {
            throw CLIFailure.usage("\(command) works on a SQLite ledger file; for a PostgreSQL ledger use \(instead)")
        }
        do {
            return try SQLiteLedgerStore(path: path)
        } catch {
            throw CLIFailure.io("cannot open ledger database \(path): \(error)")
        }
    }

    /// Opens the ledger with its reference data.
    func openLedger(reference: String? = nil) throws -> TransferLedger {
        let store = try openStore()
        let data = try ReferenceLocator.load(explicit: reference, store: store)
        return TransferLedger(store: store, reference: data, clock: TransferLedger.systemClock, logger: Logger(label: "hwledger"))
    }

    /// Opens the ledger for a command that writes: projections in the JSON format of before docs/decisions/019 are
    /// rebuilt first (logged), so the command's own reads of them work.
    func openLedgerForWriting(reference: String? = nil) throws -> TransferLedger {
        let facade = try openLedger(reference: reference)
        try facade.upgradeProjectionsIfNeeded()
        return facade
    }
}

/// Finds the reference data directory: `--reference`, then the path recorded at init, then `$HWLEDGER_REFERENCE`,
/// then `fixtures/reference` next to the executable's package.
enum ReferenceLocator {
    static func load(explicit: String?, store: (any LedgerStore)?) throws -> ReferenceData {
        let dir = try locate(explicit: explicit, store: store)
        do {
            return try ReferenceData.load(directory: dir)
        } catch let e as ReferenceLoadError {
            throw CLIFailure.io(e.description)
        } catch let v as RuleViolation {
            throw CLIFailure.malformed("reference data in \(dir): \(v.message)")
        }
    }

    static func locate(explicit: String?, store: (any LedgerStore)?) throws -> String {
        if let explicit { return explicit }
        if let store, let recorded = try? store.read({ try $0.meta("referencePath") }) { return recorded }
        if let env = ProcessInfo.processInfo.environment["HWLEDGER_REFERENCE"] { return env }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = url.appendingPathComponent("fixtures/reference")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(ReferenceData.File.divisions.rawValue).path) {
                return candidate.path
            }
            url.deleteLastPathComponent()
        }
        throw CLIFailure.io("no reference data found: pass --reference DIR or set HWLEDGER_REFERENCE")
    }
}

/// Reading the small files the CLI takes: keys, checkpoints, events.
enum InputFiles {
    static func bytes(_ path: String, what: String) throws -> [UInt8] {
        if path == "-" {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIFailure.io("cannot read \(what) \(path)")
        }
        return Array(data)
    }

    static func text(_ path: String, what: String) throws -> String {
        guard let text = String(validating: try bytes(path, what: what), as: UTF8.self) else {
            throw CLIFailure.malformed("\(what) \(path) is not UTF-8 text")
        }
        return text
    }

    static func signingKey(_ path: String) throws -> SigningKey {
        let text = try self.text(path, what: "key file")
        do { return try SigningKey(parsing: text) } catch { throw CLIFailure.malformed("key file \(path): \(error)") }
    }

    /// The operator keys that sign closing checkpoints: the given files, or the one recorded at init. Each must be an
    /// active operator key, checked before anything is appended (exit 66 when unreadable, 65 when not usable).
    static func operatorKeys(_ paths: [String], facade: TransferLedger) throws -> [SigningKey] {
        var chosen = paths
        if chosen.isEmpty {
            guard let recorded = try facade.operatorKeyPath() else { throw CLIFailure.io("no operator key: pass --operator-key") }
            chosen = [recorded]
        }
        let keys = try chosen.map(signingKey)
        let active = try facade.activeOperatorVerifierKeys()
        for (path, key) in zip(chosen, keys) where !active.contains(key.verifier) {
            throw CLIFailure.malformed("operator key \(path) (\(key.verifier.keyIDHex)) is not an active operator key of this ledger")
        }
        return keys
    }

    /// A verifier key given as the string itself or as the path of a file holding it.
    static func verifierKey(_ value: String, option: String = "--vkey") throws -> VerifierKey {
        try keyString(value, option: option) { text throws(LedgerError) in try VerifierKey(parsing: text) }
    }

    /// A witness (cosigner, type 0x04) verifier key given as the string itself or as the path of a file holding it.
    static func cosignerKey(_ value: String, option: String = "--witness") throws -> CosignerVerifierKey {
        try keyString(value, option: option) { text throws(LedgerError) in try CosignerVerifierKey(parsing: text) }
    }

    static func keyString<K>(_ value: String, option: String, _ parse: (String) throws(LedgerError) -> K) throws -> K {
        if let key = try? parse(value) { return key }
        guard FileManager.default.fileExists(atPath: value) else {
            if value.contains("+") {
                do { return try parse(value) } catch { throw CLIFailure.malformed("\(option) \(value): \(error)") }
            }
            throw CLIFailure.malformed("\(option) \(value) is neither a verifier key string nor a readable file")
        }
        let text = try self.text(value, what: "verifier key file")
        do { return try parse(text.trimmingCharacters(in: .whitespacesAndNewlines)) } catch {
            throw CLIFailure.malformed("verifier key file \(value): \(error)")
        }
    }
}

/// `--witness VKEY… --quorum K`: whose cosignatures a checkpoint must carry (C2SP tlog-cosignature).
struct WitnessOptions: ParsableArguments {
    @Option(help: "A witness's cosigner verifier key (type 0x04) string, or a file holding one; repeat for each witness.")
    var witness: [String] = []

    @Option(help: "How many of the --witness keys must have cosigned the checkpoint (default: all of them).")
    var quorum: Int?

    func validate() throws {
        if let quorum, quorum < 0 || quorum > witness.count {
            throw ValidationError("--quorum must be between 0 and the number of --witness keys (\(witness.count)), got \(quorum)")
        }
    }

    /// The policy given, or without --witness the one the genesis names.
    func policy(default genesis: WitnessPolicy) throws -> WitnessPolicy {
        witness.isEmpty && quorum == nil ? genesis : try policy()
    }

    /// The policy; without --witness, no cosignature is required.
    func policy() throws -> WitnessPolicy {
        let keys = try witness.map { try InputFiles.cosignerKey($0) }
        do { return try WitnessPolicy(witnesses: keys, quorum: quorum ?? keys.count) } catch { throw CLIFailure.usage("\(error)") }
    }

    /// Checks the quorum on a signed checkpoint's note; an integrity failure (exit 3) naming the missing witnesses.
    func requireQuorum(on note: SignedNote, what: String) throws {
        let policy = try policy()
        do { try policy.requireQuorum(on: note) } catch { throw CLIFailure.integrity("\(what): \(error)") }
    }
}
