import ArgumentParser
import Foundation
import LedgerCore
import TransferLedger

extension HWLedgerCommand {
    struct CheckpointCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "checkpoint", abstract: "Print the latest signed checkpoint.")

        @OptionGroup var ledger: LedgerOptions

        func run() throws {
            let facade = try ledger.openLedger()
            let latest = try facade.latestCheckpoint()
            Output.raw(try facade.store.read { try $0.withCosignatures(latest) }.note)
        }
    }

    struct Proof: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print inclusion and consistency proofs as JSON.", subcommands: [Inclusion.self, Consistency.self])

        struct Inclusion: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The inclusion proof of one entry.")

            @OptionGroup var ledger: LedgerOptions
            @Option(help: "The entry's index.") var index: UInt64
            @Option(help: "The tree size (default: the latest signed checkpoint's).") var size: UInt64?

            func run() throws {
                let facade = try ledger.openLedger()
                let signed = try facade.latestCheckpoint().size
                let treeSize = size ?? signed
                guard treeSize <= signed else { throw CLIFailure.usage("--size \(treeSize) exceeds the latest signed checkpoint's size \(signed)") }
                guard index < treeSize else { throw CLIFailure.usage("--index \(index) is outside the tree of size \(treeSize)") }
                let hashes = try facade.store.read { try LogProofs.inclusion(index: index, size: treeSize, in: $0) }
                Output.json(.object([
                    "index": .int(Int64(index)), "size": .int(Int64(treeSize)), "hashes": .array(hashes.map { .string($0.base64) }),
                ]))
            }
        }

        struct Consistency: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The consistency proof between two tree sizes.")

            @OptionGroup var ledger: LedgerOptions
            @Option(help: "The older tree size (at least 1).") var from: UInt64
            @Option(help: "The newer tree size (default: the latest signed checkpoint's).") var to: UInt64?

            func run() throws {
                let facade = try ledger.openLedger()
                let signed = try facade.latestCheckpoint().size
                let newSize = to ?? signed
                guard newSize <= signed else { throw CLIFailure.usage("--to \(newSize) exceeds the latest signed checkpoint's size \(signed)") }
                guard from >= 1, from <= newSize else { throw CLIFailure.usage("--from \(from) must lie between 1 and \(newSize)") }
                let hashes = try facade.store.read { try LogProofs.consistency(from: from, to: newSize, in: $0) }
                Output.json(.object([
                    "from": .int(Int64(from)), "to": .int(Int64(newSize)), "hashes": .array(hashes.map { .string($0.base64) }),
                ]))
            }
        }
    }

    struct ReceiptCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "receipt", abstract: "Print an entry's tlog-proof receipt, or verify one offline.",
            subcommands: [Print.self, VerifyReceipt.self], defaultSubcommand: Print.self)

        struct Print: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the tlog-proof of an entry against the latest signed checkpoint.")

            @OptionGroup var ledger: LedgerOptions
            @Option(help: "The entry's index.") var index: UInt64
            @OptionGroup var witnesses: WitnessOptions

            func run() throws {
                let facade = try ledger.openLedger()
                let policy = try witnesses.policy(default: facade.witnessPolicy())
                let availability = try facade.store.read { try LogProofs.receipt(index: index, policy: policy, in: $0) }
                switch availability {
                case .ready(let proof): Output.raw(proof.text)
                case .awaitingWitnesses: throw CLIFailure(code: 3, id: "AWAITING-WITNESSES", message: "--index \(index): \(availability.reason!)")
                case .notCovered: throw CLIFailure.usage("--index \(index): \(availability.reason!)")
                }
            }
        }

        struct VerifyReceipt: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "verify", abstract: "Verify a tlog-proof offline: exit 0 valid, 3 invalid.")

            @Option(help: "The log's verifier key string, or a file holding it.") var vkey: String
            @Option(help: "A file holding the exact entry bytes.") var entry: String?
            @Option(name: .customLong("leaf-hash"), help: "The entry's leaf hash in hex.") var leafHash: String?
            @OptionGroup var witnesses: WitnessOptions
            @Argument(help: "The receipt file.") var receipt: String

            func validate() throws {
                guard (entry == nil) != (leafHash == nil) else { throw ValidationError("give exactly one of --entry or --leaf-hash") }
            }

            func run() throws {
                let key = try InputFiles.verifierKey(vkey)
                let leaf: Hash
                if let entry {
                    leaf = TreeHasher.leafHash(try InputFiles.bytes(entry, what: "entry file"))
                } else {
                    guard let h = Hash(hex: leafHash!) else { throw CLIFailure.usage("--leaf-hash must be 64 hex digits") }
                    leaf = h
                }
                let bytes = try InputFiles.bytes(receipt, what: "receipt")
                let policy = try witnesses.policy()
                do {
                    let proof = try TlogProof(verifying: bytes, keys: [key])
                    try proof.verify(leaf: leaf)
                    let cosigners = try policy.requireQuorum(on: proof.checkpoint.note)
                    Output.line(
                        "receipt valid: entry \(proof.index) is in the tree of size \(proof.checkpoint.checkpoint.size) signed by \(key.name)"
                            + (cosigners.isEmpty ? "" : " and cosigned by \(cosigners.map(\.name).joined(separator: ", "))"))
                } catch {
                    throw CLIFailure.integrity("receipt \(receipt): \(error)")
                }
            }
        }
    }

    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Audit checks.", subcommands: [Consistency.self, Anomalies.self])

        struct Consistency: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Verify two signed checkpoints and the consistency proof between them: exit 0 / 3.")

            @Option(help: "The log's verifier key string, or a file holding it.") var vkey: String
            @Option(help: "The older signed checkpoint.") var old: String
            @Option(name: .customLong("new"), help: "The newer signed checkpoint.") var newCheckpoint: String
            @Option(help: "The consistency proof JSON {\"from\",\"to\",\"hashes\"}.") var proof: String
            @OptionGroup var witnesses: WitnessOptions

            func run() throws {
                let key = try InputFiles.verifierKey(vkey)
                let oldBytes = try InputFiles.bytes(old, what: "checkpoint")
                let newBytes = try InputFiles.bytes(newCheckpoint, what: "checkpoint")
                let proofBytes = try InputFiles.bytes(proof, what: "proof")
                let policy = try witnesses.policy()
                do {
                    let signedA = try SignedCheckpoint(verifying: oldBytes, keys: [key])
                    let signedB = try SignedCheckpoint(verifying: newBytes, keys: [key])
                    try policy.requireQuorum(on: signedA.note)
                    try policy.requireQuorum(on: signedB.note)
                    let (a, b) = (signedA.checkpoint, signedB.checkpoint)
                    let (from, to, hashes) = try ProofJSON.parse(proofBytes, first: "from", second: "to")
                    guard from == a.size, to == b.size else {
                        throw LedgerError.badProof("the proof is from \(from) to \(to), the checkpoints are of sizes \(a.size) and \(b.size)")
                    }
                    guard a.origin == b.origin else { throw LedgerError.badProof("the checkpoints are of different logs") }
                    try ProofVerifier.verifyConsistency(oldSize: a.size, oldRoot: a.root, newSize: b.size, newRoot: b.root, proof: hashes)
                    Output.line("consistent: \(a.origin) grew from \(a.size) to \(b.size) without rewriting")
                } catch {
                    throw CLIFailure.integrity("\(error)")
                }
            }
        }
    }

    struct Entries: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print entries as JSON lines {\"index\",\"data\"} (data: base64 of the exact bytes).")

        @OptionGroup var ledger: LedgerOptions
        @Option(help: "First index (inclusive).") var from: UInt64 = 0
        @Option(help: "Last index (exclusive; default: the end of the log).") var to: UInt64?

        func run() throws {
            let facade = try ledger.openLedger()
            try facade.store.read { r in
                try r.forEachEntry(from: from, to: to ?? UInt64(Int64.max)) { index, bytes in
                    Output.json(.object(["index": .int(Int64(index)), "data": .string(Base64.encode(bytes))]))
                    return true
                }
            }
        }
    }
}

/// The proof JSON of `proof inclusion|consistency`.
enum ProofJSON {
    static func parse(_ bytes: [UInt8], first: String, second: String) throws -> (UInt64, UInt64, [Hash]) {
        let value = try CanonicalJSON.decode(bytes)
        guard case .int(let a)? = value[first], a >= 0, case .int(let b)? = value[second], b >= 0,
            case .array(let items)? = value["hashes"]
        else { throw LedgerError.badProof("proof JSON needs integer \(first), \(second) and an array of hashes") }
        let hashes = try items.map { item throws(LedgerError) -> Hash in
            guard case .string(let s) = item, let h = Hash(base64: s) else { throw LedgerError.badProof("a proof hash is not base64 of 32 bytes") }
            return h
        }
        return (UInt64(a), UInt64(b), hashes)
    }
}
