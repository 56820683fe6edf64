import ArgumentParser
import Foundation
import LedgerCore
import TransferLedger

/// Where a read command reads: `--db DB`, or `--server URL` (or `$HWLEDGER_SERVER`) with `--key KEY`, whose
/// principal's view hwledgerd answers. Either way the command gets the same JSON document (the facade's, computed
/// locally or answered by a signed GET) and prints it with one renderer (issue 9).
struct ReadTarget: ParsableArguments {
    @OptionGroup var target: LedgerTarget
    @Option(help: "With --server: the private key file that signs the read (the view is that of the key's principal).")
    var key: String?

    func validate() throws {
        try target.validate()
        if target.db != nil, key != nil { throw ValidationError("--key is for reads from --server; a read of --db needs no key") }
        if target.db == nil, key == nil { throw ValidationError("--server needs --key KEY: the private key file that signs the read") }
    }

    /// The document of a read: `local` on the ledger of `--db`, or the answer to a signed `GET path` on `--server`.
    func document(_ path: String, what: String, local: (TransferLedger) throws -> JSONValue) throws -> JSONValue {
        try value(path, what: what, local: local) { $0 }
    }

    /// A read's value: `local` on the ledger of `--db` (no JSON document in between), or the answer to a signed
    /// `GET path` on `--server`, read by `decode`.
    func value<T>(_ path: String, what: String, local: (TransferLedger) throws -> T, decode: (JSONValue) throws -> T) throws -> T {
        guard let client = try target.client() else { return try local(try target.ledgerOptions().openLedger()) }
        return try decode(try client.signedGet(path, key: try InputFiles.signingKey(key!), what: what))
    }
}
