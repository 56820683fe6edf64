import Foundation

/// A C2SP signed note: text, a blank line, then signature lines `— <name> <base64(key id ‖ signature)>`.
public struct SignedNote: Sendable, Equatable {
    /// One signature line.
    public struct Signature: Sendable, Equatable {
        public var name: String
        public var keyID: [UInt8]
        public var signature: [UInt8]

        /// The line without its newline.
        public var line: String { "\u{2014} \(name) \(Base64.encode(keyID + signature))" }

        /// The signer's name in a signature line (`— NAME BASE64`), nil when `line` is not one.
        public static func name(ofLine line: String) -> String? {
            guard line.hasPrefix("\u{2014} ") else { return nil }
            let rest = line.dropFirst(2)
            guard let space = rest.lastIndex(of: " "), space > rest.startIndex else { return nil }
            return String(rest[..<space])
        }
    }

    /// The signed text, ending in a newline.
    public var text: String
    public var signatures: [Signature]

    /// Most signature lines a note may carry; more is treated as hostile input.
    public static let maxSignatures = 100
    /// Largest note accepted, in bytes.
    public static let maxBytes = 1 << 20

    public init(text: String, signatures: [Signature]) {
        self.text = text
        self.signatures = signatures
    }

    /// Signs `text` (which must end in a newline) with `key`.
    public static func sign(_ text: String, with keys: [SigningKey]) -> SignedNote {
        SignedNote(
            text: text,
            signatures: keys.map { key in
                Signature(name: key.name, keyID: key.verifier.keyID, signature: key.sign(Array(text.utf8)))
            })
    }

    /// The note as text.
    public var serialized: String {
        text + "\n" + signatures.map { $0.line + "\n" }.joined()
    }

    /// Parses a signed note without verifying any signature.
    ///
    /// - Throws: ``LedgerError/malformedNote(_:)`` for invalid UTF-8, control characters, a missing blank line,
    ///   no signature, a malformed signature line or trailing text.
    public init(parsing bytes: some Collection<UInt8>) throws(LedgerError) {
        guard bytes.count <= Self.maxBytes else { throw .malformedNote("note exceeds \(Self.maxBytes) bytes") }
        guard let whole = String(validating: Array(bytes), as: UTF8.self) else { throw .malformedNote("not valid UTF-8") }
        for scalar in whole.unicodeScalars where scalar.value < 0x20 && scalar != "\n" {
            throw .malformedNote("control character U+\(String(scalar.value, radix: 16, uppercase: true)) in note")
        }
        guard let separator = whole.range(of: "\n\n", options: .backwards) else {
            throw .malformedNote("no blank line between text and signatures")
        }
        let text = String(whole[..<separator.lowerBound]) + "\n"
        let sigBlock = whole[separator.upperBound...]
        guard !sigBlock.isEmpty else { throw .malformedNote("note has no signatures") }
        guard sigBlock.hasSuffix("\n") else { throw .malformedNote("signature block must end with a newline") }
        var signatures: [Signature] = []
        for line in sigBlock.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("\u{2014} ") else { throw .malformedNote("signature line must start with '\u{2014} '") }
            let fields = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 2, !fields[0].isEmpty else { throw .malformedNote("signature line is '\u{2014} <name> <signature>'") }
            guard let raw = Base64.decode(String(fields[1])), raw.count >= 5 else {
                throw .malformedNote("signature is not base64 of a key id and signature")
            }
            signatures.append(Signature(name: String(fields[0]), keyID: Array(raw[0..<4]), signature: Array(raw[4...])))
            guard signatures.count <= Self.maxSignatures else { throw .malformedNote("too many signatures") }
        }
        self.init(text: text, signatures: signatures)
    }

    /// Parses a note given as text.
    public init(parsing text: String) throws(LedgerError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// The keys among `verifiers` that signed this note validly.
    ///
    /// Lines from unknown keys are ignored. A line claiming a known key (same name and key id) whose signature does
    /// not verify makes the whole note invalid, as does a known key signing twice.
    ///
    /// - Throws: ``LedgerError/badSignature(_:)`` when a known key's signature is bad or no known key signed.
    @discardableResult
    public func verify(with verifiers: [VerifierKey]) throws(LedgerError) -> [VerifierKey] {
        var verified: [VerifierKey] = []
        let message = Array(text.utf8)
        for sig in signatures {
            guard let key = verifiers.first(where: { $0.name == sig.name && $0.keyID == sig.keyID }) else { continue }
            guard sig.signature.count == 64, key.isValidSignature(sig.signature, for: message) else {
                throw .badSignature("signature by \(key.name) does not verify")
            }
            guard !verified.contains(key) else { throw .badSignature("\(key.name) signed the note twice") }
            verified.append(key)
        }
        guard !verified.isEmpty else { throw .badSignature("no signature from a known key") }
        return verified
    }
}
