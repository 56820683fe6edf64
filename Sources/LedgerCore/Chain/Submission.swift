/// What a party signs (SPEC §3): `{"actor","body","keyId","nonce","signedAt","type"}` in canonical JSON.
///
/// The signature is Ed25519 over `hwledger/submission/v1\n` followed by the canonical submission bytes.
/// A `Submission` checks only its own shape; whether the actor may use the key, or the event is allowed, is
/// decided above the log.
public struct Submission: Sendable, Equatable {
    /// Domain separation prefix of submission signatures.
    public static let signaturePrefix = Array("hwledger/submission/v1\n".utf8)
    static let fields: Set<String> = ["actor", "body", "keyId", "nonce", "signedAt", "type"]

    public var actor: String
    public var type: String
    public var body: [String: JSONValue]
    public var keyID: String
    public var nonce: String
    public var signedAt: String

    public init(actor: String, type: String, body: [String: JSONValue], keyID: String, nonce: String, signedAt: String) {
        self.actor = actor
        self.type = type
        self.body = body
        self.keyID = keyID
        self.nonce = nonce
        self.signedAt = signedAt
    }

    /// Reads a submission object, checking every field's presence and type.
    ///
    /// - Throws: ``LedgerError/malformedSubmission(_:)`` naming the field.
    public init(json: JSONValue) throws(LedgerError) {
        guard case .object(let o) = json else { throw .malformedSubmission("submission must be a JSON object") }
        for key in o.keys where !Self.fields.contains(key) {
            throw .malformedSubmission("submission.\(key): unknown field")
        }
        func string(_ name: String) throws(LedgerError) -> String {
            guard let v = o[name] else { throw .malformedSubmission("submission.\(name): missing") }
            guard case .string(let s) = v else { throw .malformedSubmission("submission.\(name): must be a string, got \(v.typeName)") }
            return s
        }
        let actor = try string("actor")
        let type = try string("type")
        let keyID = try string("keyId")
        let nonce = try string("nonce")
        let signedAt = try string("signedAt")
        guard let bodyValue = o["body"] else { throw .malformedSubmission("submission.body: missing") }
        guard case .object(let body) = bodyValue else { throw .malformedSubmission("submission.body: must be an object, got \(bodyValue.typeName)") }
        guard !actor.isEmpty else { throw .malformedSubmission("submission.actor: empty") }
        guard !type.isEmpty else { throw .malformedSubmission("submission.type: empty") }
        guard Hex.isLowerHex(keyID, count: 8) else { throw .malformedSubmission("submission.keyId: must be 8 lower-case hex digits") }
        guard Hex.isLowerHex(nonce, count: 32) else { throw .malformedSubmission("submission.nonce: must be 32 lower-case hex digits") }
        guard Instant.isRFC3339(signedAt) else {
            throw .malformedSubmission("submission.signedAt: must be an RFC 3339 UTC instant like 2025-03-01T08:00:00Z")
        }
        self.init(actor: actor, type: type, body: body, keyID: keyID, nonce: nonce, signedAt: signedAt)
    }

    public var json: JSONValue {
        .object([
            "actor": .string(actor), "body": .object(body), "keyId": .string(keyID), "nonce": .string(nonce),
            "signedAt": .string(signedAt), "type": .string(type),
        ])
    }

    /// The canonical bytes of the submission.
    public var canonicalBytes: [UInt8] { CanonicalJSON.encode(json) }

    /// The exact bytes the signature covers.
    public var signedMessage: [UInt8] { Self.signaturePrefix + canonicalBytes }

    /// Signs this submission with `key`.
    public func signature(with key: SigningKey) -> [UInt8] { key.sign(signedMessage) }
}

/// RFC 3339 instants in the one form hwledger writes: `YYYY-MM-DDTHH:MM:SSZ`.
public enum Instant {
    /// True for `YYYY-MM-DDTHH:MM:SSZ` with plausible field ranges (calendar validity is checked by the rules).
    public static func isRFC3339(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x5A else {
            return false
        }
        for i in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] where !(0x30...0x39).contains(b[i]) { return false }
        func num(_ i: Int) -> Int { Int(b[i] - 0x30) * 10 + Int(b[i + 1] - 0x30) }
        return (1...12).contains(num(5)) && (1...31).contains(num(8)) && num(11) < 24 && num(14) < 60 && num(17) < 60
    }
}
