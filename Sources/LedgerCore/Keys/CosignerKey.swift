import Crypto
import Foundation

/// A witness's public key for C2SP tlog-cosignature/v1 (Ed25519): `<name>+<8 hex key id>+<base64(0x04 ‖ public key)>`,
/// the key id being the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key).
///
/// The type byte 0x04 keeps a cosigner key apart from a note-signing key (0x01): the same public key gives a different
/// key id in each role, so a cosignature can never pass for a checkpoint signature or the reverse.
public struct CosignerVerifierKey: Hashable, Sendable, CustomStringConvertible {
    /// Signature algorithm byte of Ed25519 cosignatures (tlog-cosignature/v1).
    public static let cosignatureType: UInt8 = 0x04

    /// The cosigner name, e.g. `witness.sc.example/hwledger`.
    public let name: String
    /// The 4-byte key id.
    public let keyID: [UInt8]
    /// The raw 32-byte Ed25519 public key.
    public let publicKey: [UInt8]

    /// Builds the key for `publicKey` under `name`, computing the key id.
    public init(name: String, publicKey: [UInt8]) throws(LedgerError) {
        try VerifierKey.checkName(name)
        guard publicKey.count == 32 else { throw .malformedKey("an Ed25519 public key has 32 bytes") }
        self.name = name
        self.publicKey = publicKey
        self.keyID = VerifierKey.keyID(name: name, publicKey: publicKey, type: Self.cosignatureType)
    }

    /// Parses a cosigner verifier key string, checking the type byte (0x04) and that the key id matches.
    public init(parsing text: String) throws(LedgerError) {
        (name, keyID, publicKey) = try KeyText.parseVerifier(text.trimmingASCIIWhitespace(), type: Self.cosignatureType)
    }

    /// The key id as 8 lower-case hex digits.
    public var keyIDHex: String { Hex.encode(keyID) }

    /// The verifier key string.
    public var description: String {
        "\(name)+\(keyIDHex)+\(Base64.encode([Self.cosignatureType] + publicKey))"
    }

    /// This key's cosignature on `note`, if it carries one.
    ///
    /// Lines with another name or key id are not this key's and are ignored, as C2SP signed-note says.
    ///
    /// - Returns: the verified cosignature, or nil when no line claims this key.
    /// - Throws: ``LedgerError/badSignature(_:)`` when a line claiming this key is not 72 bytes, carries a timestamp
    ///   above 2^63 − 1, does not verify over `cosignature/v1\ntime <T>\n<note text>`, or appears twice.
    public func cosignature(on note: SignedNote) throws(LedgerError) -> Cosignature? {
        var found: Cosignature?
        for line in note.signatures where line.name == name && line.keyID == keyID {
            guard found == nil else { throw .badSignature("cosigner \(name) signed the checkpoint twice") }
            guard line.signature.count == 8 + 64 else {
                throw .badSignature("cosignature by \(name) is \(line.signature.count) bytes, not 8 + 64")
            }
            let timestamp = line.signature[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard timestamp <= UInt64(Int64.max) else { throw .badSignature("cosignature by \(name) has a timestamp above 2^63 - 1") }
            let signature = Array(line.signature[8...])
            let message = Cosignature.message(checkpointBody: note.text, timestamp: timestamp)
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey),
                key.isValidSignature(signature, for: message)
            else { throw .badSignature("cosignature by \(name) does not verify") }
            found = Cosignature(name: name, keyID: keyID, timestamp: timestamp, signature: signature)
        }
        return found
    }
}

/// A witness's private key: `PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x04 ‖ 32-byte seed)>`, mode 0600.
///
/// The same Ed25519 key material as a ``SigningKey``, used only for cosignatures. Its description never prints the
/// seed.
public struct CosignerSigningKey: Sendable, CustomStringConvertible {
    let signer: SigningKey
    /// The matching cosigner verifier key.
    public let verifier: CosignerVerifierKey

    public var name: String { signer.name }

    /// A new random key for `name`.
    public init(generatingFor name: String) throws(LedgerError) {
        try self.init(signer: SigningKey(generatingFor: name))
    }

    /// The key for `name` from a 32-byte seed (tests use fixed seeds).
    public init(name: String, seed: [UInt8]) throws(LedgerError) {
        try self.init(signer: SigningKey(name: name, seed: seed))
    }

    init(signer: SigningKey) throws(LedgerError) {
        self.signer = signer
        self.verifier = try CosignerVerifierKey(name: signer.name, publicKey: signer.verifier.publicKey)
    }

    /// Parses the private key file text (surrounding whitespace ignored).
    public init(parsing text: String) throws(LedgerError) {
        let (name, id, seed) = try KeyText.parsePrivate(text, type: CosignerVerifierKey.cosignatureType)
        try self.init(name: name, seed: seed)
        guard verifier.keyID == id else { throw .malformedKey("key id \(Hex.encode(id)) does not match the name and key") }
    }

    /// The private key file text, without a trailing newline.
    public var fileText: String {
        "PRIVATE+KEY+\(name)+\(verifier.keyIDHex)+\(Base64.encode([CosignerVerifierKey.cosignatureType] + Array(signer.key.rawRepresentation)))"
    }

    /// The tlog-cosignature/v1 of a checkpoint body (the note text, ending in a newline) at `timestamp`.
    public func cosign(checkpointBody: String, at timestamp: UInt64) -> Cosignature {
        let message = Cosignature.message(checkpointBody: checkpointBody, timestamp: timestamp)
        return Cosignature(name: name, keyID: verifier.keyID, timestamp: timestamp, signature: signer.sign(message))
    }

    public var description: String { "CosignerSigningKey(\(verifier))" }
}
