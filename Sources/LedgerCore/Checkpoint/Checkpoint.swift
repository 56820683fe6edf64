/// A C2SP tlog-checkpoint: `<origin>\n<size>\n<base64 root>\n` plus optional extension lines.
public struct Checkpoint: Sendable, Equatable {
    public var origin: String
    public var size: UInt64
    public var root: Hash
    public var extensions: [String]

    public init(origin: String, size: UInt64, root: Hash, extensions: [String] = []) {
        self.origin = origin
        self.size = size
        self.root = root
        self.extensions = extensions
    }

    /// The note body that gets signed.
    public var body: String {
        "\(origin)\n\(size)\n\(root.base64)\n" + extensions.map { $0 + "\n" }.joined()
    }

    /// Parses a checkpoint body (the text of a signed note).
    public init(body: String) throws(LedgerError) {
        guard body.hasSuffix("\n") else { throw .malformedNote("checkpoint must end with a newline") }
        let lines = body.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3 else { throw .malformedNote("checkpoint needs origin, size and root lines") }
        guard !lines[0].isEmpty else { throw .malformedNote("checkpoint origin is empty") }
        let sizeText = lines[1]
        guard !sizeText.isEmpty, sizeText.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            sizeText == "0" || !sizeText.hasPrefix("0"), let size = UInt64(sizeText)
        else { throw .malformedNote("checkpoint size is not a decimal number") }
        guard let root = Hash(base64: String(lines[2])), Base64.decode(String(lines[2])) != nil else {
            throw .malformedNote("checkpoint root is not base64 of 32 bytes")
        }
        let extensions = lines.dropFirst(3).map(String.init)
        guard extensions.allSatisfy({ !$0.isEmpty }) else { throw .malformedNote("empty checkpoint extension line") }
        self.init(origin: String(lines[0]), size: size, root: root, extensions: extensions)
    }

    /// Signs this checkpoint with the operator key(s); every key name must equal the origin.
    public func signed(by keys: [SigningKey]) -> SignedCheckpoint {
        SignedCheckpoint(checkpoint: self, note: SignedNote.sign(body, with: keys))
    }
}

/// A checkpoint with its signed note, as published and stored.
public struct SignedCheckpoint: Sendable, Equatable {
    public var checkpoint: Checkpoint
    public var note: SignedNote

    public init(checkpoint: Checkpoint, note: SignedNote) {
        self.checkpoint = checkpoint
        self.note = note
    }

    /// The signed note text.
    public var text: String { note.serialized }

    /// Parses and verifies a signed checkpoint against the log's verifier keys.
    ///
    /// - Throws: ``LedgerError/malformedNote(_:)`` or ``LedgerError/badSignature(_:)``.
    public init(verifying text: some Collection<UInt8>, keys: [VerifierKey]) throws(LedgerError) {
        let note = try SignedNote(parsing: text)
        let checkpoint = try Checkpoint(body: note.text)
        let logKeys = keys.filter { $0.name == checkpoint.origin }
        guard !logKeys.isEmpty else { throw .badSignature("no verifier key for origin \(checkpoint.origin)") }
        try note.verify(with: logKeys)
        self.init(checkpoint: checkpoint, note: note)
    }
}
