import LedgerCore
import Testing

/// golang-signed-note.json, from golang.org/x/mod/sumdb/note.
struct GoNoteVectors: Decodable, Sendable {
    struct Key: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var vkey: String
        var skey: String?
        var key_id_hex: String
        var testDescription: String { name }
    }

    struct BadKey: Decodable, Sendable, CustomTestStringConvertible {
        var vkey: String
        var why: String
        var testDescription: String { why }
    }

    struct Note: Decodable, Sendable, CustomTestStringConvertible {
        var desc: String
        var text: String?
        var note: String
        var verify_with: [String]
        var want_verified: [String]?
        var want_ok: Bool
        var testDescription: String { desc }
    }

    var keys: [Key]
    var bad_vkeys: [BadKey]
    var signed_notes: [Note]

    static let file = "golang-signed-note.json"
    static let loaded: GoNoteVectors? = try? Vectors.load(GoNoteVectors.self, from: file)
}

/// c2sp-spec-examples.json, from the C2SP specs.
struct C2SPVectors: Decodable, Sendable {
    struct NoteExample: Decodable, Sendable {
        var desc: String
        var vkey: String?
        var note: String
        var text: String
        var want_ok: Bool?
        var sig_names: [String]?
    }

    struct Cosignature: Decodable, Sendable {
        var name: String
        var key_id_hex: String
        var timestamp: UInt64
        var sig_len: Int
    }

    struct CheckpointExample: Decodable, Sendable, CustomTestStringConvertible {
        var desc: String
        var note: String
        var origin: String
        var size: UInt64
        var root_b64: String
        var extensions: [String]?
        var cosignature: Cosignature?
        var testDescription: String { desc }
    }

    var signed_note_examples: [NoteExample]
    var checkpoint_examples: [CheckpointExample]
    var witness_add_checkpoint_example_body: String

    static let file = "c2sp-spec-examples.json"
    static let loaded: C2SPVectors? = try? Vectors.load(C2SPVectors.self, from: file)
}

@Suite("Signed-note vectors (golang sumdb/note)")
struct GoSignedNoteVectorTests {
    @Test("the vector file loads from the shared folder")
    func fileLoads() throws {
        let v = try Vectors.load(GoNoteVectors.self, from: GoNoteVectors.file)
        #expect(v.keys.count == 3)
        #expect(v.bad_vkeys.count == 2)
        #expect(v.signed_notes.count == 11)
    }

    @Test("each verifier key parses with the listed name and key id", arguments: GoNoteVectors.loaded?.keys ?? [])
    func verifierKeyParses(_ k: GoNoteVectors.Key) throws {
        let key = try VerifierKey(parsing: k.vkey)
        #expect(key.name == k.name)
        #expect(key.keyIDHex == k.key_id_hex)
        #expect(key.description == k.vkey)
        #expect(VerifierKey.keyID(name: k.name, publicKey: key.publicKey) == hexBytes(k.key_id_hex))
        #expect(try VerifierKey(name: k.name, publicKey: key.publicKey) == key)
    }

    @Test("each bad verifier key is rejected", arguments: GoNoteVectors.loaded?.bad_vkeys ?? [])
    func badVerifierKey(_ k: GoNoteVectors.BadKey) {
        #expect(throws: LedgerError.self, "\(k.why)") { try VerifierKey(parsing: k.vkey) }
    }

    @Test("each private key string parses and yields the listed verifier key", arguments: (GoNoteVectors.loaded?.keys ?? []).filter { $0.skey != nil })
    func privateKeyParses(_ k: GoNoteVectors.Key) throws {
        let skey = try #require(k.skey)
        let key = try SigningKey(parsing: skey)
        #expect(key.name == k.name)
        #expect(key.verifier.description == k.vkey)
        #expect(key.fileText == skey)
        #expect(try SigningKey(parsing: "\n " + skey + "\n").verifier.description == k.vkey)
        #expect(!key.description.contains(String(skey.split(separator: "+").last!)), "description must not print the seed")
    }

    @Test("the all-zero seed gives EnochRoot's verifier key")
    func zeroSeedKey() throws {
        let v = try #require(GoNoteVectors.loaded)
        let enoch = try #require(v.keys.first { $0.name == "EnochRoot" })
        let key = try SigningKey(name: "EnochRoot", seed: [UInt8](repeating: 0, count: 32))
        #expect(key.verifier.description == enoch.vkey)
    }

    @Test("private keys with a wrong key id, type or length are rejected", arguments: [
        "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AoEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDF",
        "PRIVATE+KEY+PeterNeumann+c74f20a+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        "PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        "PRIVATE+KEY+Peter Neumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
    ])
    func badPrivateKey(_ text: String) {
        #expect(throws: LedgerError.self) { try SigningKey(parsing: text) }
    }

    @Test("each signed note verifies or not as the vector says", arguments: GoNoteVectors.loaded?.signed_notes ?? [])
    func signedNote(_ n: GoNoteVectors.Note) throws {
        let keys = try n.verify_with.map { try VerifierKey(parsing: $0) }
        let result = Result { () throws(LedgerError) -> [VerifierKey] in
            let note = try SignedNote(parsing: n.note)
            if let text = n.text { #expect(note.text == text) }
            return try note.verify(with: keys)
        }
        switch result {
        case .success(let verified):
            #expect(n.want_ok, "\(n.desc) verified but should not")
            if let want = n.want_verified { #expect(verified.map(\.name) == want) }
        case .failure(let error):
            #expect(!n.want_ok, "\(n.desc) failed: \(error)")
        }
    }

    @Test("signing the vector text with PeterNeumann's key reproduces the vector note byte for byte")
    func signReproducesNote() throws {
        let v = try #require(GoNoteVectors.loaded)
        let peter = try #require(v.keys.first { $0.name == "PeterNeumann" })
        let key = try SigningKey(parsing: try #require(peter.skey))
        let first = v.signed_notes[0]
        let note = SignedNote.sign(try #require(first.text), with: [key])
        #expect(note.serialized == first.note)
        #expect(try SignedNote(parsing: first.note) == note)
    }

    @Test("a note starting with byte 0xff is rejected")
    func invalidUTF8() {
        let bytes: [UInt8] = [0xFF] + Array("hello\n\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n".utf8)
        #expect(throws: LedgerError.self) { try SignedNote(parsing: bytes) }
    }

    @Test("a known key signing twice makes the note invalid")
    func doubleSignature() throws {
        let v = try #require(GoNoteVectors.loaded)
        let n = v.signed_notes[0]
        let sigLine = n.note.split(separator: "\n").last!
        let twice = n.note + sigLine + "\n"
        let note = try SignedNote(parsing: twice)
        #expect(note.signatures.count == 2)
        #expect(throws: LedgerError.self) { try note.verify(with: [try VerifierKey(parsing: n.verify_with[0])]) }
    }
}

@Suite("C2SP spec examples")
struct C2SPExampleTests {
    @Test("the vector file loads from the shared folder")
    func fileLoads() throws {
        let v = try Vectors.load(C2SPVectors.self, from: C2SPVectors.file)
        #expect(v.signed_note_examples.count == 2)
        #expect(v.checkpoint_examples.count == 2)
    }

    @Test("the example.com/foo note verifies with its published key")
    func exampleFooVerifies() throws {
        let v = try #require(C2SPVectors.loaded)
        let ex = try #require(v.signed_note_examples.first { $0.vkey != nil })
        #expect(ex.want_ok == true)
        let key = try VerifierKey(parsing: try #require(ex.vkey))
        #expect(key.name == "example.com/foo")
        #expect(key.keyIDHex == "530d903a")
        let note = try SignedNote(parsing: ex.note)
        #expect(note.text == ex.text)
        #expect(try note.verify(with: [key]) == [key])
        #expect(note.serialized == ex.note)
    }

    @Test("the quasimodo note parses, splitting at the last blank line")
    func quasimodoParses() throws {
        let v = try #require(C2SPVectors.loaded)
        let ex = try #require(v.signed_note_examples.first { $0.sig_names != nil })
        let note = try SignedNote(parsing: ex.note)
        #expect(note.text == ex.text)
        #expect(note.signatures.map(\.name) == ex.sig_names)
        #expect(note.signatures.allSatisfy { $0.signature.count == 64 && $0.keyID.count == 4 })
        #expect(note.serialized == ex.note)
    }

    @Test("each checkpoint example parses with the given origin, size and root", arguments: C2SPVectors.loaded?.checkpoint_examples ?? [])
    func checkpointParses(_ ex: C2SPVectors.CheckpointExample) throws {
        let note = try SignedNote(parsing: ex.note)
        let cp = try Checkpoint(body: note.text)
        #expect(cp.origin == ex.origin)
        #expect(cp.size == ex.size)
        #expect(cp.root.base64 == ex.root_b64)
        #expect(cp.extensions == (ex.extensions ?? []))
        #expect(cp.body == note.text)
        #expect(note.signatures.first?.name == ex.origin)
        if let cosig = ex.cosignature {
            let line = try #require(note.signatures.first { $0.name == cosig.name })
            #expect(Hex.encode(line.keyID) == cosig.key_id_hex)
            // tlog-cosignature: 8-byte big-endian timestamp, then the signature.
            #expect(line.signature.count == 8 + cosig.sig_len)
            let ts = line.signature.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(ts == cosig.timestamp)
        }
    }

    @Test("the checkpoint inside the witness add-checkpoint example parses")
    func witnessBodyCheckpoint() throws {
        let v = try #require(C2SPVectors.loaded)
        let body = v.witness_add_checkpoint_example_body
        let blank = try #require(body.range(of: "\n\n"))
        let note = try SignedNote(parsing: String(body[blank.upperBound...]))
        let cp = try Checkpoint(body: note.text)
        #expect(cp.origin == "example.com/behind-the-sofa")
        #expect(cp.size == 20_852_163)
        #expect(note.signatures.count == 2)
    }
}
