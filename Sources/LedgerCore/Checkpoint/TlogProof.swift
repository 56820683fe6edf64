import Foundation

/// A C2SP tlog-proof ("receipt"): an entry's index, its inclusion proof and the signed checkpoint it is proven
/// against. Verifiable offline with only the log's verifier key.
public struct TlogProof: Sendable, Equatable {
    public static let header = "c2sp.org/tlog-proof@v1"

    public var index: UInt64
    public var proof: [Hash]
    public var checkpoint: SignedCheckpoint
    /// Optional opaque application data (`extra` line).
    public var extra: [UInt8]?

    public init(index: UInt64, proof: [Hash], checkpoint: SignedCheckpoint, extra: [UInt8]? = nil) {
        self.index = index
        self.proof = proof
        self.checkpoint = checkpoint
        self.extra = extra
    }

    public var text: String {
        var out = Self.header + "\n"
        if let extra { out += "extra \(Base64.encode(extra))\n" }
        out += "index \(index)\n"
        out += proof.map { $0.base64 + "\n" }.joined()
        out += "\n" + checkpoint.text
        return out
    }

    /// Parses a tlog-proof and verifies its checkpoint signature with `keys`.
    public init(verifying bytes: some Collection<UInt8>, keys: [VerifierKey]) throws(LedgerError) {
        guard bytes.count <= SignedNote.maxBytes, let whole = String(validating: Array(bytes), as: UTF8.self) else {
            throw .malformedNote("receipt is not UTF-8 text")
        }
        guard let blank = whole.range(of: "\n\n") else { throw .malformedNote("receipt has no blank line before the checkpoint") }
        var lines = whole[..<blank.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard lines.first == Substring(Self.header) else { throw .malformedNote("receipt must start with \(Self.header)") }
        lines = lines.dropFirst()
        var extra: [UInt8]?
        if let line = lines.first, line.hasPrefix("extra ") {
            guard let raw = Base64.decode(String(line.dropFirst(6))) else { throw .malformedNote("extra is not base64") }
            extra = raw
            lines = lines.dropFirst()
        }
        guard let indexLine = lines.first, indexLine.hasPrefix("index ") else { throw .malformedNote("missing index line") }
        let digits = indexLine.dropFirst(6)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), digits == "0" || !digits.hasPrefix("0"),
            let index = UInt64(digits)
        else { throw .malformedNote("index is not a decimal number") }
        var proof: [Hash] = []
        for line in lines.dropFirst() {
            guard let h = Hash(base64: String(line)), Base64.decode(String(line)) != nil else {
                throw .malformedNote("proof line is not base64 of 32 bytes")
            }
            proof.append(h)
            guard proof.count <= 64 else { throw .malformedNote("proof longer than 64 hashes") }
        }
        let checkpoint = try SignedCheckpoint(verifying: Array(whole[blank.upperBound...].utf8), keys: keys)
        self.init(index: index, proof: proof, checkpoint: checkpoint, extra: extra)
    }

    /// Verifies that `leaf` is at ``index`` in the checkpointed tree.
    public func verify(leaf: Hash) throws(LedgerError) {
        try ProofVerifier.verifyInclusion(
            leaf: leaf, index: index, size: checkpoint.checkpoint.size, proof: proof, root: checkpoint.checkpoint.root)
    }
}
