/// What the ledger appends (SPEC §3): `{"assigned"?,"index","prev","sig","submission","time"}` in canonical JSON.
///
/// The leaf hash of an entry is `SHA-256(0x00 ‖ entry bytes)`; `prev` is the leaf hash of the entry before it
/// (all zeros for entry 0), so the entries form a hash chain as well as a Merkle tree.
public struct Entry: Sendable, Equatable {
    static let fields: Set<String> = ["assigned", "index", "prev", "sig", "submission", "time"]

    public var index: UInt64
    public var prev: Hash
    public var submission: Submission
    /// The Ed25519 signature over ``Submission/signedMessage``.
    public var signature: [UInt8]
    /// The ledger's clock at append, RFC 3339 UTC.
    public var time: String
    /// Values the ledger decided (e.g. `manifestNo`); empty when none.
    public var assigned: [String: JSONValue]

    public init(index: UInt64, prev: Hash, submission: Submission, signature: [UInt8], time: String, assigned: [String: JSONValue] = [:]) {
        self.index = index
        self.prev = prev
        self.submission = submission
        self.signature = signature
        self.time = time
        self.assigned = assigned
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "index": .int(Int64(index)), "prev": .string(prev.hex), "sig": .string(Base64.encode(signature)),
            "submission": submission.json, "time": .string(time),
        ]
        if !assigned.isEmpty { o["assigned"] = .object(assigned) }
        return .object(o)
    }

    /// The size of an entry at `index` without `assigned`, for a submission of `submissionBytes` canonical bytes:
    /// lets the ledger refuse an oversized entry (R-SCHEMA) before judging anything else.
    public static func size(submissionBytes: Int, index: UInt64) -> Int {
        shellBytes - 1 + String(index).utf8.count + submissionBytes
    }

    /// The canonical bytes of an entry at index 0 with an empty submission, less the submission's `{}`: everything
    /// but the index's digits is of fixed width (the hex `prev`, the base64 of 64 bytes, an RFC 3339 time).
    static let shellBytes = CanonicalJSON.encode(.object([
        "index": .int(0), "prev": .string(String(repeating: "0", count: 64)),
        "sig": .string(String(repeating: "A", count: 88)), "submission": .object([:]),
        "time": .string("2000-01-01T00:00:00Z"),
    ])).count - 2

    /// The exact bytes stored and hashed.
    public var canonicalBytes: [UInt8] { canonicalBytes(submissionBytes: submission.canonicalBytes) }

    /// The exact bytes stored and hashed, given the submission's canonical bytes (computed once by the caller).
    /// Same bytes as `CanonicalJSON.encode(json)`: keys in byte order `assigned`, `index`, `prev`, `sig`,
    /// `submission`, `time`.
    public func canonicalBytes(submissionBytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(submissionBytes.count + 256)
        out.append(UInt8(ascii: "{"))
        if !assigned.isEmpty {
            out += Array(#""assigned":"#.utf8)
            CanonicalJSON.write(.object(assigned), into: &out)
            out.append(UInt8(ascii: ","))
        }
        out += Array(#""index":"#.utf8)
        CanonicalJSON.writeInteger(Int64(index), into: &out)
        out += Array(#","prev":""#.utf8)
        out += Array(prev.hex.utf8)
        out += Array(#"","sig":""#.utf8)
        out += Array(Base64.encode(signature).utf8)
        out += Array(#"","submission":"#.utf8)
        out += submissionBytes
        out += Array(#","time":"#.utf8)
        CanonicalJSON.writeString(time, into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Parses stored entry bytes and checks that they are canonical and well-shaped.
    ///
    /// - Throws: ``LedgerError/malformedJSON(_:)`` or ``LedgerError/malformedSubmission(_:)``.
    public init(bytes: [UInt8]) throws(LedgerError) {
        self = try Self.parse(bytes).entry
    }

    /// Parses stored entry bytes like ``init(bytes:)`` and also returns the submission's canonical bytes, which the
    /// canonical-form check computes anyway (the verifier signs over them).
    public static func parse(_ bytes: [UInt8]) throws(LedgerError) -> (entry: Entry, submissionBytes: [UInt8]) {
        let value = try CanonicalJSON.decode(bytes)
        guard case .object(let o) = value else { throw .malformedSubmission("entry is not an object") }
        for key in o.keys where !Self.fields.contains(key) { throw .malformedSubmission("entry.\(key): unknown field") }
        guard case .int(let index)? = o["index"], index >= 0 else { throw .malformedSubmission("entry.index: missing or not a natural number") }
        guard case .string(let prevHex)? = o["prev"], Hex.isLowerHex(prevHex, count: 64), let prev = Hash(hex: prevHex) else {
            throw .malformedSubmission("entry.prev: missing or not 64 lower-case hex digits")
        }
        guard case .string(let sigText)? = o["sig"], let sig = Base64.decode(sigText), sig.count == 64 else {
            throw .malformedSubmission("entry.sig: missing or not base64 of a 64-byte signature")
        }
        guard case .string(let time)? = o["time"], Instant.isRFC3339(time) else {
            throw .malformedSubmission("entry.time: missing or not an RFC 3339 UTC instant")
        }
        guard let submissionValue = o["submission"] else { throw .malformedSubmission("entry.submission: missing") }
        let submission = try Submission(json: submissionValue)
        var assigned: [String: JSONValue] = [:]
        if let a = o["assigned"] {
            guard case .object(let ao) = a, !ao.isEmpty else { throw .malformedSubmission("entry.assigned: must be a non-empty object") }
            assigned = ao
        }
        let entry = Entry(index: UInt64(index), prev: prev, submission: submission, signature: sig, time: time, assigned: assigned)
        let submissionBytes = submission.canonicalBytes
        guard entry.canonicalBytes(submissionBytes: submissionBytes) == bytes else {
            throw .malformedSubmission("entry bytes are not in canonical form")
        }
        return (entry, submissionBytes)
    }
}
