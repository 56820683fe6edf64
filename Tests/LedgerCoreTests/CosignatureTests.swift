import LedgerCore
import Testing

@Suite("Cosignatures (C2SP tlog-cosignature/v1)")
struct CosignatureTests {
    static let witness = try! CosignerSigningKey(name: "witness.test/sichuan", seed: [UInt8](repeating: 7, count: 32))
    static let other = try! CosignerSigningKey(name: "witness.test/chongqing", seed: [UInt8](repeating: 8, count: 32))
    static let log = try! SigningKey(name: "hwledger.test/sc-cq", seed: [UInt8](repeating: 1, count: 32))
    static let checkpoint = Checkpoint(origin: "hwledger.test/sc-cq", size: 5, root: Hash.sha256(Array("root".utf8)))

    @Test("the key id is SHA-256(name ‖ 0x0A ‖ 0x04 ‖ key)[:4] and the vkey string round-trips")
    func keyID() throws {
        let v = Self.witness.verifier
        let expected = Array(Hash.sha256(Array(v.name.utf8) + [0x0A, 0x04] + v.publicKey).bytes.prefix(4))
        #expect(v.keyID == expected)
        #expect(try CosignerVerifierKey(parsing: v.description) == v)
        #expect(v.description.hasPrefix("witness.test/sichuan+\(Hex.encode(expected))+"))
        #expect(try CosignerSigningKey(parsing: Self.witness.fileText).verifier == v)
    }

    @Test("a note-signing key (type 0x01) is refused as a cosigner key, and a cosigner key as a note key")
    func typesAreApart() throws {
        #expect(throws: LedgerError.self) { try CosignerVerifierKey(parsing: Self.log.verifier.description) }
        #expect(throws: LedgerError.self) { try VerifierKey(parsing: Self.witness.verifier.description) }
        #expect(throws: LedgerError.self) { try SigningKey(parsing: Self.witness.fileText) }
    }

    @Test("the signed message is cosignature/v1, the time line and the checkpoint body; the line carries key id ‖ time ‖ signature")
    func message() throws {
        let c = Self.witness.cosign(checkpointBody: Self.checkpoint.body, at: 1_700_000_000)
        #expect(Cosignature.message(checkpointBody: Self.checkpoint.body, timestamp: 1_700_000_000)
            == Array("cosignature/v1\ntime 1700000000\n\(Self.checkpoint.body)".utf8))
        let raw = c.noteSignature.keyID + c.noteSignature.signature
        #expect(raw.count == 76)
        #expect(Array(raw[4..<12]) == [0, 0, 0, 0, 0x65, 0x53, 0xF1, 0x00])
        let note = SignedNote(text: Self.checkpoint.body, signatures: Self.checkpoint.signed(by: [Self.log]).note.signatures + [c.noteSignature])
        let parsed = try SignedNote(parsing: note.serialized)
        #expect(try Self.witness.verifier.cosignature(on: parsed) == c)
        #expect(try parsed.verify(with: [Self.log.verifier]) == [Self.log.verifier])
    }

    @Test("a tampered time or checkpoint makes a known witness's line fail; unknown lines are ignored")
    func tamper() throws {
        let c = Self.witness.cosign(checkpointBody: Self.checkpoint.body, at: 1_700_000_000)
        var wrongTime = c
        wrongTime.timestamp += 1
        let bad = SignedNote(text: Self.checkpoint.body, signatures: [wrongTime.noteSignature])
        #expect(throws: LedgerError.self) { try Self.witness.verifier.cosignature(on: bad) }
        var other = Self.checkpoint
        other.size = 6
        let moved = SignedNote(text: other.body, signatures: [c.noteSignature])
        #expect(throws: LedgerError.self) { try Self.witness.verifier.cosignature(on: moved) }
        let unknown = SignedNote(text: Self.checkpoint.body, signatures: [Self.other.cosign(checkpointBody: Self.checkpoint.body, at: 5).noteSignature])
        #expect(try Self.witness.verifier.cosignature(on: unknown) == nil)
    }

    @Test("the quorum counts valid cosignatures of listed witnesses and names the missing ones")
    func quorum() throws {
        let policy = try WitnessPolicy(witnesses: [Self.witness.verifier, Self.other.verifier], quorum: 2)
        let one = SignedNote(text: Self.checkpoint.body, signatures: [Self.witness.cosign(checkpointBody: Self.checkpoint.body, at: 9).noteSignature])
        do {
            try policy.requireQuorum(on: one)
            Issue.record("quorum 2 met by one cosignature")
        } catch {
            #expect("\(error)".contains("missing: witness.test/chongqing"))
        }
        var both = one
        both.signatures.append(Self.other.cosign(checkpointBody: Self.checkpoint.body, at: 9).noteSignature)
        #expect(try policy.requireQuorum(on: both).count == 2)
        #expect(throws: LedgerError.self) { try WitnessPolicy(witnesses: [Self.witness.verifier], quorum: 2) }
    }
}
