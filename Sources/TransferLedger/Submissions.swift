import Foundation
import LedgerCore
import TransferRules

/// A submission with its signature, as `submit --signed` and `POST /v1/submissions` receive it.
public struct SignedSubmission: Sendable, Equatable {
    public var submission: Submission
    public var signature: [UInt8]

    public init(submission: Submission, signature: [UInt8]) {
        self.submission = submission
        self.signature = signature
    }

    /// Reads `{"submission":{…},"sig":"base64"}`.
    ///
    /// - Throws: R-SCHEMA naming the field; R-SIG when `sig` is not base64 of 64 bytes (empty, short, long): a
    ///   signature that cannot verify, as one that does not.
    public init(json: JSONValue) throws(RuleViolation) {
        var r = try FieldReader(json, path: "input")
        let submissionValue = try r.value("submission")
        let sigValue = try r.value("sig")
        guard case .string(let sigText) = sigValue else {
            throw RuleViolation(.schema, "input.sig must be a string, got \(sigValue.typeName)")
        }
        try r.finish()
        do {
            submission = try Submission(json: submissionValue)
        } catch {
            throw RuleViolation(.schema, "\(error)")
        }
        guard let sig = Base64.decode(sigText), sig.count == 64 else {
            throw RuleViolation(.signature, "input.sig must be base64 of a 64-byte Ed25519 signature")
        }
        signature = sig
    }

    public var json: JSONValue {
        .object(["submission": submission.json, "sig": .string(Base64.encode(signature))])
    }
}

/// An unsigned event as a clerk writes it: `{"type","actor","body"}`.
public struct UnsignedEvent: Sendable, Equatable {
    public var type: String
    public var actor: String
    public var body: [String: JSONValue]

    public init(type: String, actor: String, body: [String: JSONValue]) {
        self.type = type
        self.actor = actor
        self.body = body
    }

    /// Reads `{"type","actor","body"}`; R-SCHEMA naming the field otherwise. Quantities given in tonnes
    /// (`"tonnes":"240.000"`, `"capTonnes":"20"`) become SPEC §5's grams here, exactly (``TonnesInput``).
    public init(json: JSONValue) throws(RuleViolation) {
        var r = try FieldReader(json, path: "event")
        type = try r.string("type")
        actor = try r.string("actor")
        let b = try r.value("body")
        try r.finish()
        guard case .object(let o) = b else { throw r.fail("body", "must be an object, got \(b.typeName)") }
        body = try TonnesInput.convert(o)
    }

    /// Adds a fresh nonce and `signedAt`, and signs with `key`.
    public func signed(with key: SigningKey, at time: UTCInstant, nonce: [UInt8]) -> SignedSubmission {
        let submission = Submission(
            actor: actor, type: type, body: body, keyID: key.verifier.keyIDHex, nonce: Hex.encode(nonce),
            signedAt: time.description)
        return SignedSubmission(submission: submission, signature: submission.signature(with: key))
    }
}

extension ActTimeRule {
    /// The act fields (R-TIME) among `body`'s members.
    public static func acts(in body: [String: JSONValue]) -> [String: String] {
        acts(in: body) { if case .string(let t) = $0 { t } else { nil } }
    }
}

extension UnsignedEvent {
    /// The earliest `signedAt` R-TIME allows for this event (nil when it records no act): what a signer replaying
    /// history in order (a test, the benchmark's generator) signs at when its clock is earlier.
    public var earliestSigningTime: UTCInstant? { ActTimeRule.earliestSigningTime(acts: ActTimeRule.acts(in: body)) }
}

/// A random 16-byte nonce from the system generator.
public func randomNonce() -> [UInt8] {
    var g = SystemRandomNumberGenerator()
    return (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
}

/// What happened to one submission.
public enum SubmitOutcome: Sendable, Equatable {
    case appended(index: UInt64, leafHash: Hash, assigned: [String: JSONValue])
    case rejected(RuleViolation)

    /// The CLI's and the daemon's JSON: `{"index","leafHash","assigned"}` (assigned omitted when empty).
    public var appendedJSON: JSONValue? {
        guard case .appended(let index, let leaf, let assigned) = self else { return nil }
        var o: [String: JSONValue] = ["index": .int(Int64(index)), "leafHash": .string(leaf.hex)]
        if !assigned.isEmpty { o["assigned"] = .object(assigned) }
        return .object(o)
    }
}
