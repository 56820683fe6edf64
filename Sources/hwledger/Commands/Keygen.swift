import ArgumentParser
import Foundation
import LedgerCore
import TransferRules

extension HWLedgerCommand {
    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an Ed25519 signing key and print its verifier key string.")

        @Option(help: "The key's name: a USCC, a regulator id (REG-510000) or the ledger origin.")
        var name: String

        @Option(help: "Where to write the private key file (created with mode 0600; an existing file is not overwritten).")
        var out: String

        @Flag(help: "Make a witness's cosigning key (C2SP tlog-cosignature, key type 0x04) instead of a signing key.")
        var cosigner = false

        /// An enterprise's key is named by its USCC: an 18-character name that is not a regulator id or a dotted
        /// origin must pass the GB 32100 check, so a mistyped code never gets a key.
        func validate() throws {
            if name.count == 18, !name.hasPrefix("REG-"), !name.contains("."), !name.contains("/"), !USCC.isValid(name) {
                throw ValidationError("--name \(name) is not a valid 统一社会信用代码 (USCC): bad character or check character (GB 32100-2015)")
            }
        }

        func run() throws {
            let fileText: String
            let verifier: String
            do {
                if cosigner {
                    let key = try CosignerSigningKey(generatingFor: name)
                    (fileText, verifier) = (key.fileText, key.verifier.description)
                } else {
                    let key = try SigningKey(generatingFor: name)
                    (fileText, verifier) = (key.fileText, key.verifier.description)
                }
            } catch { throw CLIFailure.usage("--name: \(error)") }
            let fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else {
                throw CLIFailure.io("cannot create key file \(out): \(String(cString: strerror(errno)))")
            }
            let bytes = Array((fileText + "\n").utf8)
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            let synced = fsync(fd)
            close(fd)
            guard written == bytes.count, synced == 0 else { throw CLIFailure.io("cannot write key file \(out)") }
            Output.line(verifier)
        }
    }
}
