/// A C2SP tlog-cosignature/v1 (Ed25519): a witness's statement that, as of `timestamp`, the checkpoint is the largest
/// consistent tree head it has seen for the log's origin.
///
/// On the wire it is a signed-note signature line `— <name> base64(key id ‖ u64 big-endian timestamp ‖ signature)`,
/// the signature being over `cosignature/v1\ntime <timestamp>\n` followed by the whole checkpoint body.
public struct Cosignature: Sendable, Equatable {
    public var name: String
    public var keyID: [UInt8]
    /// POSIX seconds at which the witness signed.
    public var timestamp: UInt64
    /// The 64-byte Ed25519 signature.
    public var signature: [UInt8]

    public init(name: String, keyID: [UInt8], timestamp: UInt64, signature: [UInt8]) {
        self.name = name
        self.keyID = keyID
        self.timestamp = timestamp
        self.signature = signature
    }

    /// The signed message: `cosignature/v1\ntime <T>\n` + the checkpoint body.
    public static func message(checkpointBody: String, timestamp: UInt64) -> [UInt8] {
        Array("cosignature/v1\ntime \(timestamp)\n".utf8) + Array(checkpointBody.utf8)
    }

    /// The signature line as a signed-note signature.
    public var noteSignature: SignedNote.Signature {
        let stamp = (0..<8).map { UInt8(truncatingIfNeeded: timestamp >> (56 - 8 * $0)) }
        return SignedNote.Signature(name: name, keyID: keyID, signature: stamp + signature)
    }

    /// The line without its newline.
    public var line: String { noteSignature.line }

    /// The timestamp a stored cosignature line carries, without verifying it; nil if the line is not one.
    public static func timestamp(ofLine line: String) -> UInt64? {
        guard let last = line.split(separator: " ").last, let raw = Base64.decode(String(last)), raw.count == 4 + 8 + 64 else { return nil }
        return raw[4..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
}

/// Whose cosignatures a checkpoint needs and how many: the witnesses the genesis names, and the quorum.
public struct WitnessPolicy: Sendable, Equatable {
    public var witnesses: [CosignerVerifierKey]
    public var quorum: Int

    /// - Throws: ``LedgerError/malformedKey(_:)`` when the quorum is negative or exceeds the number of witnesses, or a
    ///   witness is listed twice.
    public init(witnesses: [CosignerVerifierKey], quorum: Int) throws(LedgerError) {
        guard quorum >= 0, quorum <= witnesses.count else {
            throw .malformedKey("a quorum of \(quorum) needs between 0 and \(witnesses.count) witnesses")
        }
        guard Set(witnesses.map(\.name)).count == witnesses.count else { throw .malformedKey("a witness name is listed twice") }
        self.witnesses = witnesses
        self.quorum = quorum
    }

    /// No witnesses, quorum 0: the operator's signature alone.
    public static let none = try! WitnessPolicy(witnesses: [], quorum: 0)

    /// The witnesses among ``witnesses`` that validly cosigned `note`, in policy order. Unknown lines are ignored.
    ///
    /// - Throws: ``LedgerError/badSignature(_:)`` when a line claiming a known witness is bad.
    public func cosigners(of note: SignedNote) throws(LedgerError) -> [CosignerVerifierKey] {
        var found: [CosignerVerifierKey] = []
        for witness in witnesses where try witness.cosignature(on: note) != nil { found.append(witness) }
        return found
    }

    /// Checks that `note` carries at least ``quorum`` valid cosignatures.
    ///
    /// - Returns: the witnesses that cosigned.
    /// - Throws: ``LedgerError/badSignature(_:)`` naming the missing witnesses when the quorum is not met, or a bad line.
    @discardableResult
    public func requireQuorum(on note: SignedNote) throws(LedgerError) -> [CosignerVerifierKey] {
        let found = try cosigners(of: note)
        guard found.count >= quorum else {
            let missing = witnesses.filter { !found.contains($0) }.map(\.name)
            throw .badSignature(
                "the checkpoint has \(found.count) of the \(quorum) witness cosignatures it needs; missing: \(missing.joined(separator: ", "))")
        }
        return found
    }
}
