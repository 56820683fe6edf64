/// Re-verifies the witness cosignatures stored beside the checkpoints (they are verified when the daemon receives
/// them; this catches a store edited since).
public enum CosignatureAudit {
    /// What the audit saw.
    public struct Report: Sendable, Equatable {
        /// Cosignature lines of the given witnesses that verified.
        public var verified: Int
        /// Lines of other names or keys, ignored as C2SP signed-note says.
        public var ignored: Int
    }

    /// Verifies every stored cosignature line of `witnesses` against the checkpoint it is stored with.
    ///
    /// - Throws: ``LedgerError/integrity(index:_:)`` naming the checkpoint size when a line does not parse or a known
    ///   witness's line does not verify.
    public static func verify(witnesses: [CosignerVerifierKey], in reader: any LedgerReader) throws -> Report {
        var report = Report(verified: 0, ignored: 0)
        guard !witnesses.isEmpty else { return report }
        for checkpoint in try reader.checkpoints() {
            let lines = try reader.cosignatures(size: checkpoint.size)
            guard !lines.isEmpty else { continue }
            let note: SignedNote
            do { note = try SignedNote(parsing: checkpoint.note + lines.map { $0 + "\n" }.joined()) } catch {
                throw LedgerError.integrity(index: nil, "cosignatures of checkpoint \(checkpoint.size) do not parse: \(error)")
            }
            let body = SignedNote(text: note.text, signatures: Array(note.signatures.suffix(lines.count)))
            var known = 0
            for witness in witnesses {
                do {
                    if try witness.cosignature(on: body) != nil { known += 1 }
                } catch {
                    throw LedgerError.integrity(index: nil, "cosignature of checkpoint \(checkpoint.size) by \(witness.name): \(error)")
                }
            }
            report.verified += known
            report.ignored += lines.count - known
        }
        return report
    }
}
