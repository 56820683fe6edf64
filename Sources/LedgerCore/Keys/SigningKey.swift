import Crypto
import Foundation

/// An Ed25519 private key with its C2SP name: `PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 ‖ seed)>`.
///
/// The file form holds the 32-byte seed; whoever reads the file can sign as `name`. Its description never
/// prints the seed.
public struct SigningKey: Sendable, CustomStringConvertible {
    public let name: String
    let key: Curve25519.Signing.PrivateKey
    /// The matching verifier key.
    public let verifier: VerifierKey

    /// A new random key for `name`.
    public init(generatingFor name: String) throws(LedgerError) {
        try self.init(name: name, key: Curve25519.Signing.PrivateKey())
    }

    /// The key for `name` from a 32-byte seed (tests and vectors use fixed seeds).
    public init(name: String, seed: [UInt8]) throws(LedgerError) {
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw .malformedKey("an Ed25519 seed has 32 bytes")
        }
        try self.init(name: name, key: key)
    }

    init(name: String, key: Curve25519.Signing.PrivateKey) throws(LedgerError) {
        self.name = name
        self.key = key
        self.verifier = try VerifierKey(name: name, publicKey: Array(key.publicKey.rawRepresentation))
    }

    /// Parses the private key file text (surrounding whitespace ignored).
    public init(parsing text: String) throws(LedgerError) {
        let trimmed = text.trimmingASCIIWhitespace()
        let prefix = "PRIVATE+KEY+"
        guard trimmed.hasPrefix(prefix) else { throw .malformedKey("a private key starts with PRIVATE+KEY+") }
        let rest = trimmed.dropFirst(prefix.count)
        let parts = rest.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformedKey("a private key is PRIVATE+KEY+<name>+<key id>+<key>") }
        let name = String(parts[0])
        guard parts[1].utf8.count == 8, let id = Hex.decode(String(parts[1])) else {
            throw .malformedKey("key id must be 8 hex digits")
        }
        guard let raw = Base64.decode(String(parts[2])), raw.count == 33, raw[0] == VerifierKey.ed25519Type else {
            throw .malformedKey("private key must be base64 of 0x01 and a 32-byte seed")
        }
        try self.init(name: name, seed: Array(raw[1...]))
        guard verifier.keyID == id else { throw .malformedKey("key id \(parts[1]) does not match the name and key") }
    }

    /// The private key file text, without a trailing newline.
    public var fileText: String {
        "PRIVATE+KEY+\(name)+\(verifier.keyIDHex)+\(Base64.encode([VerifierKey.ed25519Type] + Array(key.rawRepresentation)))"
    }

    /// An Ed25519 signature over `message` (64 bytes).
    public func sign(_ message: some DataProtocol) -> [UInt8] {
        // Signing with a valid key cannot fail; swift-crypto declares `throws` for other key types.
        Array((try? key.signature(for: message)) ?? Data())
    }

    public var description: String { "SigningKey(\(verifier))" }
}

extension StringProtocol {
    func trimmingASCIIWhitespace() -> String {
        var s = Substring(self)
        while let f = s.unicodeScalars.first, f == " " || f == "\n" || f == "\r" || f == "\t" { s = s.dropFirst() }
        while let l = s.unicodeScalars.last, l == " " || l == "\n" || l == "\r" || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
