import LedgerCore

/// The body of a C2SP tlog-witness `add-checkpoint` request: `old <N>\n`, up to 63 base64 proof lines, an empty line,
/// then the signed checkpoint.
public struct AddCheckpointRequest: Sendable, Equatable {
    /// Most consistency proof lines a request may carry (tlog-witness: a client MUST NOT send more than 63).
    public static let maxProofLines = 63

    public var oldSize: UInt64
    public var proof: [Hash]
    /// The signed checkpoint exactly as sent.
    public var checkpointBytes: [UInt8]

    public init(oldSize: UInt64, proof: [Hash], checkpointText: String) {
        self.oldSize = oldSize
        self.proof = proof
        self.checkpointBytes = Array(checkpointText.utf8)
    }

    /// The request body.
    public var body: [UInt8] {
        Array(("old \(oldSize)\n" + proof.map { $0.base64 + "\n" }.joined() + "\n").utf8) + checkpointBytes
    }

    /// Parses a request body.
    ///
    /// - Throws: ``WitnessError/malformed(_:)`` naming the line and the rule.
    public init(parsing bytes: [UInt8]) throws(WitnessError) {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var i = 0
        // Read lines up to and including the empty line; the rest is the checkpoint.
        while true {
            guard i < bytes.count else { throw .malformed("the body ends before the empty line that precedes the checkpoint") }
            if bytes[i] == 0x0A {
                let line = bytes[start..<i]
                start = i + 1
                if line.isEmpty { break }
                lines.append(line)
                guard lines.count <= 1 + Self.maxProofLines else {
                    throw .malformed("more than \(Self.maxProofLines) consistency proof lines")
                }
            }
            i += 1
        }
        guard let first = lines.first, let oldLine = String(validating: first, as: UTF8.self), oldLine.hasPrefix("old ") else {
            throw .malformed("the first line must be 'old <size>'")
        }
        let digits = oldLine.dropFirst(4)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), digits == "0" || !digits.hasPrefix("0"),
            let old = UInt64(digits), old <= UInt64(Int64.max)
        else { throw .malformed("old size must be a decimal number without leading zeroes, got '\(digits.prefix(24))'") }
        var proof: [Hash] = []
        for (n, line) in lines.dropFirst().enumerated() {
            guard let text = String(validating: line, as: UTF8.self), let hash = Hash(base64: text), Base64.decode(text) != nil else {
                throw .malformed("proof line \(n + 1) is not base64 of a 32-byte hash")
            }
            proof.append(hash)
        }
        self.oldSize = old
        self.proof = proof
        self.checkpointBytes = Array(bytes[start...])
    }
}
