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
        let (name, id, seed) = try KeyText.parsePrivate(text, type: VerifierKey.ed25519Type)
        try self.init(name: name, seed: seed)
        guard verifier.keyID == id else { throw .malformedKey("key id \(Hex.encode(id)) does not match the name and key") }
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
