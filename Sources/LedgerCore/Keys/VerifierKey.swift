import Crypto
import Foundation

/// A C2SP signed-note Ed25519 verifier key: `<name>+<8 hex key id>+<base64(0x01 ‖ public key)>`.
public struct VerifierKey: Hashable, Sendable, CustomStringConvertible {
    /// Signature algorithm byte for Ed25519 in signed notes.
    public static let ed25519Type: UInt8 = 0x01

    /// The key name: an enterprise's USCC, a regulator's `REG-…` id or the log origin.
    public let name: String
    /// The 4-byte key id.
    public let keyID: [UInt8]
    /// The raw 32-byte Ed25519 public key.
    public let publicKey: [UInt8]

    /// Builds the verifier key for `publicKey` under `name`, computing the key id.
    public init(name: String, publicKey: [UInt8]) throws(LedgerError) {
        try Self.checkName(name)
        guard publicKey.count == 32 else { throw .malformedKey("an Ed25519 public key has 32 bytes") }
        self.name = name
        self.publicKey = publicKey
        self.keyID = Self.keyID(name: name, publicKey: publicKey)
    }

    /// Parses a verifier key string, checking that the key id matches the name and key.
    public init(parsing text: String) throws(LedgerError) {
        let (name, id, publicKey) = try KeyText.parseVerifier(text, type: Self.ed25519Type)
        self.name = name
        self.keyID = id
        self.publicKey = publicKey
    }

    /// The key id as 8 lower-case hex digits.
    public var keyIDHex: String { Hex.encode(keyID) }

    /// The verifier key string.
    public var description: String {
        "\(name)+\(keyIDHex)+\(Base64.encode([Self.ed25519Type] + publicKey))"
    }

    /// True when `signature` is a valid Ed25519 signature of `message` under this key.
    public func isValidSignature(_ signature: some DataProtocol, for message: some DataProtocol) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    /// First 4 bytes of SHA-256(name ‖ 0x0A ‖ type ‖ public key); `type` is 0x01 for note signers, 0x04 for
    /// tlog-cosignature/v1 cosigners.
    public static func keyID(name: String, publicKey: [UInt8], type: UInt8 = ed25519Type) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array(name.utf8))
        hasher.update(data: [0x0A, type])
        hasher.update(data: publicKey)
        return Array(hasher.finalize().prefix(4))
    }

    /// Key names are non-empty UTF-8 without spaces, control characters or `+`.
    static func checkName(_ name: String) throws(LedgerError) {
        guard !name.isEmpty else { throw .malformedKey("key name is empty") }
        for scalar in name.unicodeScalars {
            if scalar == "+" || scalar.value <= 0x20 || scalar.value == 0x7F || scalar.properties.isWhitespace {
                throw .malformedKey("key name may not contain spaces, control characters or '+'")
            }
        }
    }
}

/// Parsing shared by the key strings of signers (type 0x01) and cosigners (type 0x04).
enum KeyText {
    /// `<name>+<8 hex key id>+<base64(type ‖ 32-byte public key)>`, key id checked.
    static func parseVerifier(_ text: String, type: UInt8) throws(LedgerError) -> (name: String, keyID: [UInt8], publicKey: [UInt8]) {
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformedKey("a verifier key is <name>+<key id>+<key>") }
        let name = String(parts[0])
        try VerifierKey.checkName(name)
        guard parts[1].utf8.count == 8, let id = Hex.decode(String(parts[1])) else { throw .malformedKey("key id must be 8 hex digits") }
        guard let raw = Base64.decode(String(parts[2])) else { throw .malformedKey("key is not valid base64") }
        guard raw.count == 33 else { throw .malformedKey("an Ed25519 verifier key holds 33 bytes, got \(raw.count)") }
        guard raw[0] == type else {
            throw .malformedKey("unsupported key type \(raw[0]) (expected \(type): \(type == VerifierKey.ed25519Type ? "Ed25519 note signer" : "Ed25519 cosigner"))")
        }
        let publicKey = Array(raw[1...])
        guard VerifierKey.keyID(name: name, publicKey: publicKey, type: type) == id else {
            throw .malformedKey("key id \(parts[1]) does not match the name and key")
        }
        return (name, id, publicKey)
    }

    /// `PRIVATE+KEY+<name>+<8 hex key id>+<base64(type ‖ 32-byte seed)>` (surrounding whitespace ignored); the key
    /// id is returned for the caller to check against the derived public key.
    static func parsePrivate(_ text: String, type: UInt8) throws(LedgerError) -> (name: String, keyID: [UInt8], seed: [UInt8]) {
        let trimmed = text.trimmingASCIIWhitespace()
        let prefix = "PRIVATE+KEY+"
        guard trimmed.hasPrefix(prefix) else { throw .malformedKey("a private key starts with PRIVATE+KEY+") }
        let parts = trimmed.dropFirst(prefix.count).split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformedKey("a private key is PRIVATE+KEY+<name>+<key id>+<key>") }
        // A private key file is read by the CLI and the console alike; both take the key id in the one spelling every
        // key id is printed in (SPEC §3: lower-case hex), as keygen writes it.
        guard Hex.isLowerHex(String(parts[1]), count: 8), let id = Hex.decode(String(parts[1])) else {
            throw .malformedKey("the key id of a private key file must be 8 lower-case hex digits, as hwledger keygen writes it")
        }
        guard let raw = Base64.decode(String(parts[2])), raw.count == 33, raw[0] == type else {
            throw .malformedKey("private key must be base64 of 0x0\(type) and a 32-byte seed")
        }
        return (String(parts[0]), id, Array(raw[1...]))
    }
}
