import Foundation
import LedgerCore
import Testing

private let tree = TreeModel(randomLeaves: 20, seed: 99)

private func signedCheckpoint(size: Int, key: SigningKey = Fixtures.operatorKey, extensions: [String] = []) -> SignedCheckpoint {
    Checkpoint(origin: Fixtures.origin, size: UInt64(size), root: tree.roots[size], extensions: extensions).signed(by: [key])
}

private func receipt(index: Int, size: Int, extra: [UInt8]? = nil) throws -> TlogProof {
    var builder = tree.builder(size: UInt64(size))
    let proof = try builder.inclusionProof(index: UInt64(index), size: UInt64(size))
    return TlogProof(index: UInt64(index), proof: proof, checkpoint: signedCheckpoint(size: size), extra: extra)
}

@Suite("Checkpoints and tlog-proofs")
struct CheckpointTests {
    @Test("a checkpoint body is origin, size and base64 root, one a line, and parses back")
    func bodyRoundTrip() throws {
        for ext in [[], ["ext one", "— x y"]] {
            let cp = Checkpoint(origin: Fixtures.origin, size: 20, root: tree.roots[20], extensions: ext)
            #expect(cp.body.hasPrefix("\(Fixtures.origin)\n20\n\(tree.roots[20].base64)\n"))
            #expect(try Checkpoint(body: cp.body) == cp)
        }
        let empty = Checkpoint(origin: "o", size: 0, root: TreeHasher.emptyRoot)
        #expect(try Checkpoint(body: empty.body) == empty)
    }

    @Test("malformed checkpoint bodies are rejected", arguments: [
        "o\n20\n\(TreeHasher.emptyRoot.base64)",
        "\n20\n\(TreeHasher.emptyRoot.base64)\n",
        "o\n020\n\(TreeHasher.emptyRoot.base64)\n",
        "o\n-1\n\(TreeHasher.emptyRoot.base64)\n",
        "o\n+1\n\(TreeHasher.emptyRoot.base64)\n",
        "o\n\n\(TreeHasher.emptyRoot.base64)\n",
        "o\n18446744073709551616\n\(TreeHasher.emptyRoot.base64)\n",
        "o\n20\n\(TreeHasher.emptyRoot.hex)\n",
        "o\n20\n\(Base64.encode([UInt8](repeating: 1, count: 31)))\n",
        "o\n20\n\(TreeHasher.emptyRoot.base64.dropLast())\n",
        "o\n20\n\(TreeHasher.emptyRoot.base64)\n\n",
        "o\n20\n",
        "",
    ])
    func badBody(_ body: String) {
        #expect(throws: LedgerError.self) { try Checkpoint(body: body) }
    }

    @Test("a signed checkpoint survives text → verify → text")
    func signedRoundTrip() throws {
        let signed = signedCheckpoint(size: 7, extensions: ["x"])
        #expect(signed.text.contains("\n\n\u{2014} \(Fixtures.origin) "))
        let parsed = try SignedCheckpoint(verifying: Array(signed.text.utf8), keys: [Fixtures.partyKey.verifier, Fixtures.operatorKey.verifier])
        #expect(parsed == signed)
        #expect(parsed.text == signed.text)
    }

    @Test("a signed checkpoint is refused with the wrong key, a wrong origin key or an altered body")
    func signedRejections() throws {
        let signed = signedCheckpoint(size: 7)
        let text = signed.text
        #expect(throws: LedgerError.self) { try SignedCheckpoint(verifying: Array(text.utf8), keys: [Fixtures.otherOperatorKey.verifier]) }
        #expect(throws: LedgerError.self) { try SignedCheckpoint(verifying: Array(text.utf8), keys: [Fixtures.partyKey.verifier]) }
        #expect(throws: LedgerError.self) { try SignedCheckpoint(verifying: Array(text.utf8), keys: []) }
        let altered = text.replacingOccurrences(of: "\n7\n", with: "\n8\n")
        #expect(throws: LedgerError.self) { try SignedCheckpoint(verifying: Array(altered.utf8), keys: [Fixtures.operatorKey.verifier]) }
        // A signature line whose key id and signature have the wrong length.
        var shortSig = signed.note.signatures[0]
        shortSig.signature.removeLast()
        let short = SignedNote(text: signed.checkpoint.body, signatures: [shortSig])
        #expect(throws: LedgerError.self) { try SignedCheckpoint(verifying: Array(short.serialized.utf8), keys: [Fixtures.operatorKey.verifier]) }
        var longSig = signed.note.signatures[0]
        longSig.signature.append(0)
        let long = SignedNote(text: signed.checkpoint.body, signatures: [longSig])
        #expect(throws: LedgerError.self) { try SignedCheckpoint(verifying: Array(long.serialized.utf8), keys: [Fixtures.operatorKey.verifier]) }
        // A checkpoint that is not a checkpoint.
        let notCheckpoint = SignedNote.sign("hello\n", with: [Fixtures.operatorKey])
        #expect(throws: LedgerError.self) { try SignedCheckpoint(verifying: Array(notCheckpoint.serialized.utf8), keys: [Fixtures.operatorKey.verifier]) }
    }

    @Test("a tlog-proof survives text → parse → text and proves its leaf", arguments: [(0, 1), (0, 20), (19, 20), (5, 13), (12, 13)])
    func tlogProofRoundTrip(_ index: Int, _ size: Int) throws {
        for extra in [nil, [UInt8]("opaque".utf8)] {
            let r = try receipt(index: index, size: size, extra: extra)
            #expect(r.text.hasPrefix("c2sp.org/tlog-proof@v1\n" + (extra == nil ? "" : "extra b3BhcXVl\n") + "index \(index)\n"))
            let parsed = try TlogProof(verifying: Array(r.text.utf8), keys: [Fixtures.operatorKey.verifier])
            #expect(parsed == r)
            #expect(parsed.text == r.text)
            try parsed.verify(leaf: tree.leaves[index])
            #expect(throws: LedgerError.self) { try parsed.verify(leaf: tree.leaves[(index + 1) % 20]) }
        }
    }

    @Test("malformed tlog-proofs are rejected")
    func tlogProofRejections() throws {
        let r = try receipt(index: 5, size: 13)
        let text = r.text
        let firstHash = r.proof[0].base64
        let bad: [(String, String)] = [
            ("wrong header", text.replacingOccurrences(of: "tlog-proof@v1", with: "tlog-proof@v2")),
            ("index with a leading zero", text.replacingOccurrences(of: "index 5\n", with: "index 05\n")),
            ("negative index", text.replacingOccurrences(of: "index 5\n", with: "index -5\n")),
            ("missing index", text.replacingOccurrences(of: "index 5\n", with: "")),
            ("proof line not base64", text.replacingOccurrences(of: firstHash, with: "@@@@")),
            ("proof line of 31 bytes", text.replacingOccurrences(of: firstHash, with: Base64.encode(r.proof[0].bytes.dropLast()))),
            ("proof line in hex", text.replacingOccurrences(of: firstHash, with: r.proof[0].hex)),
            ("extra not base64", text.replacingOccurrences(of: "index 5\n", with: "extra !!\nindex 5\n")),
            ("no blank line", String(text.prefix { $0 != "\n" }) + "\n"),
            ("checkpoint signed by another key", try receiptText(signedBy: Fixtures.otherOperatorKey)),
        ]
        for (desc, t) in bad {
            #expect(throws: LedgerError.self, "\(desc)") { try TlogProof(verifying: Array(t.utf8), keys: [Fixtures.operatorKey.verifier]) }
        }
        // A proof that parses but does not lead to the checkpoint's root.
        var tampered = r
        tampered.proof[1] = tampered.proof[1].flippingBit(3)
        let parsed = try TlogProof(verifying: Array(tampered.text.utf8), keys: [Fixtures.operatorKey.verifier])
        #expect(throws: LedgerError.self) { try parsed.verify(leaf: tree.leaves[5]) }
    }

    private func receiptText(signedBy key: SigningKey) throws -> String {
        var r = try receipt(index: 5, size: 13)
        r.checkpoint = signedCheckpoint(size: 13, key: key)
        return r.text
    }
}
