import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger

/// `proof`, `receipt`, `receipt verify` and `audit consistency` end to end (SPEC §3.2, §3.3, §4.1).
@Suite("hwledger proofs, receipts and audits")
struct ProofReceiptAuditTests {
    /// A ledger with a checkpoint at size 5 kept aside (`old`), then grown to 11 (`new`).
    struct Grown {
        let ledger: CLILedger
        let oldCheckpoint: String
        let newCheckpoint: String
        let oldPath: String
        let newPath: String
    }

    static func grown() throws -> Grown {
        let ledger = try CLILedger()
        try ledger.submitAccepted(Events.sichuanRegistrations(4))
        let old = try ledger.checkpoint()
        try ledger.submitAccepted(Events.sichuanRegistrations(6, firstSerial: 20))
        let new = try ledger.checkpoint()
        return Grown(
            ledger: ledger, oldCheckpoint: old, newCheckpoint: new, oldPath: ledger.dir.write("old.ckpt", old),
            newPath: ledger.dir.write("new.ckpt", new))
    }

    /// Flips one character of a base64 hash line so that it stays base64 of 32 bytes.
    static func corruptFirstHashLine(_ text: String, after marker: String) -> String {
        var lines = text.components(separatedBy: "\n")
        let start = (lines.firstIndex { $0.hasPrefix(marker) } ?? 0) + 1
        let line = lines[start]
        let first = line.first!
        let replacement: Character = first == "A" ? "B" : "A"
        lines[start] = String(replacement) + line.dropFirst()
        return lines.joined(separator: "\n")
    }

    @Test("every entry's receipt verifies offline with its exact bytes, and fails with another entry's")
    func receipts() throws {
        let g = try Self.grown()
        let ledger = g.ledger
        let entries = try ledger.entries()
        #expect(entries.count == 11)
        #expect(checkpointSize(g.newCheckpoint) == 11)
        let vkeyFile = ledger.dir.write("log.vkey", ledger.vkey + "\n")

        for i in 0..<entries.count {
            let r = try ledger.run(["receipt", "--db", ledger.db, "--index", String(i)])
            try #require(r.status == 0, "receipt \(i): \(r.stderr)")
            #expect(r.stdout.hasPrefix("c2sp.org/tlog-proof@v1\nindex \(i)\n"))
            #expect(r.stdout.hasSuffix(g.newCheckpoint), "the receipt carries the latest signed checkpoint")
            let receipt = ledger.dir.write("receipt-\(i).txt", r.stdout)
            let entry = ledger.dir.write("entry-\(i).json", String(decoding: entries[i], as: UTF8.self))
            let other = ledger.dir.write("other-\(i).json", String(decoding: entries[(i + 1) % entries.count], as: UTF8.self))

            let ok = try ledger.run(["receipt", "verify", "--vkey", ledger.vkey, "--entry", entry, receipt])
            #expect(ok.status == 0, "receipt \(i): \(ok.stderr)")
            #expect(try ledger.run(["receipt", "verify", "--vkey", vkeyFile, "--entry", entry, receipt]).status == 0)
            let byHash = try ledger.run([
                "receipt", "verify", "--vkey", ledger.vkey, "--leaf-hash", TreeHasher.leafHash(entries[i]).hex, receipt,
            ])
            #expect(byHash.status == 0, "receipt \(i) by leaf hash: \(byHash.stderr)")

            let wrong = try ledger.run(["receipt", "verify", "--vkey", ledger.vkey, "--entry", other, receipt])
            expectFailure(wrong, code: 3, id: "INTEGRITY")
        }
    }

    @Test("a corrupted, truncated or foreign-signed receipt fails with 3")
    func badReceipts() throws {
        let g = try Self.grown()
        let ledger = g.ledger
        let entries = try ledger.entries()
        let entry = ledger.dir.write("entry.json", String(decoding: entries[6], as: UTF8.self))
        let text = try ledger.run(["receipt", "--db", ledger.db, "--index", "6"]).stdout

        func verify(_ receipt: String, vkey: String? = nil) throws -> ProcessResult {
            let path = ledger.dir.write(ledger.uniqueName("receipt", ext: "txt"), receipt)
            return try ledger.run(["receipt", "verify", "--vkey", vkey ?? ledger.vkey, "--entry", entry, path])
        }
        #expect(try verify(text).status == 0)

        let cases: [(String, String)] = [
            ("a proof hash changed", Self.corruptFirstHashLine(text, after: "index ")),
            ("the index changed", text.replacingOccurrences(of: "index 6\n", with: "index 7\n")),
            ("a proof hash dropped", {
                var lines = text.components(separatedBy: "\n")
                lines.remove(at: 2)
                return lines.joined(separator: "\n")
            }()),
            ("the checkpoint's size changed", text.replacingOccurrences(of: "\n11\n", with: "\n12\n")),
            ("the signature removed", String(text.prefix(upTo: text.range(of: "\u{2014}")!.lowerBound))),
            ("truncated", String(text.prefix(40))),
            ("empty", ""),
            ("garbage", "hello\n\nworld\n"),
            ("a wrong header", text.replacingOccurrences(of: "c2sp.org/tlog-proof@v1", with: "c2sp.org/tlog-proof@v2")),
        ]
        for (what, receipt) in cases {
            let r = try verify(receipt)
            #expect(r.status == 3, "\(what): exit \(r.status) \(r.stderr)")
            #expect(r.stderr.hasPrefix("error[INTEGRITY]: "), "\(what): \(r.stderr)")
        }
        let foreign = TestKeys.key(TestKeys.origin, variant: 3).verifier.description
        expectFailure(try verify(text, vkey: foreign), code: 3, id: "INTEGRITY")
        expectFailure(try verify(text, vkey: TestKeys.sichuan.verifier.description), code: 3, id: "INTEGRITY")
    }

    @Test("proof inclusion output, wrapped with the checkpoint, verifies like a receipt and matches it")
    func inclusionProofs() throws {
        let g = try Self.grown()
        let ledger = g.ledger
        let entries = try ledger.entries()
        for (checkpoint, size) in [(g.newCheckpoint, 11), (g.oldCheckpoint, 5)] {
            for i in 0..<size {
                var args = ["proof", "inclusion", "--db", ledger.db, "--index", String(i)]
                if size != 11 { args += ["--size", String(size)] }
                let r = try ledger.run(args)
                try #require(r.status == 0, "proof inclusion \(i) of \(size): \(r.stderr)")
                let json = try CanonicalJSON.decode(r.stdout.trimmingCharacters(in: .newlines))
                #expect(json.objectValue?.keys.sorted() == ["hashes", "index", "size"])
                #expect(json["index"]?.intValue == Int64(i))
                #expect(json["size"]?.intValue == Int64(size))
                let hashes = try #require(json["hashes"]?.arrayValue).compactMap { $0.stringValue }

                let receipt = "c2sp.org/tlog-proof@v1\nindex \(i)\n" + hashes.map { $0 + "\n" }.joined() + "\n" + checkpoint
                let path = ledger.dir.write("assembled-\(size)-\(i).txt", receipt)
                let entry = ledger.dir.write("entry-\(size)-\(i).json", String(decoding: entries[i], as: UTF8.self))
                let v = try ledger.run(["receipt", "verify", "--vkey", ledger.vkey, "--entry", entry, path])
                #expect(v.status == 0, "proof inclusion \(i) of \(size): \(v.stderr)")

                if size == 11 {
                    let printed = try ledger.run(["receipt", "--db", ledger.db, "--index", String(i)]).stdout
                    #expect(printed == receipt, "receipt \(i) is the proof inclusion output with the latest checkpoint")
                }
            }
        }
    }

    @Test("an index or size outside the latest checkpoint is a usage error: 64")
    func outOfRange() throws {
        let g = try Self.grown()
        let db = g.ledger.db
        for args in [
            ["proof", "inclusion", "--db", db, "--index", "11"],
            ["proof", "inclusion", "--db", db, "--index", "1000"],
            ["proof", "inclusion", "--db", db, "--index", "3", "--size", "12"],
            ["proof", "inclusion", "--db", db, "--index", "5", "--size", "5"],
            ["proof", "consistency", "--db", db, "--from", "5", "--to", "12"],
            ["proof", "consistency", "--db", db, "--from", "12"],
            ["proof", "consistency", "--db", db, "--from", "0"],
            ["receipt", "--db", db, "--index", "11"],
        ] {
            let r = try g.ledger.run(args)
            expectFailure(r, code: 64, id: "USAGE")
            #expect(r.stdout.isEmpty, "\(args)")
        }
    }

    @Test("audit consistency accepts the proof between two checkpoints and rejects swapped or corrupted input")
    func auditConsistency() throws {
        let g = try Self.grown()
        let ledger = g.ledger
        let r = try ledger.run(["proof", "consistency", "--db", ledger.db, "--from", "5", "--to", "11"])
        try #require(r.status == 0, "\(r.stderr)")
        let json = try CanonicalJSON.decode(r.stdout.trimmingCharacters(in: .newlines))
        #expect(json.objectValue?.keys.sorted() == ["from", "hashes", "to"])
        #expect(json["from"]?.intValue == 5)
        #expect(json["to"]?.intValue == 11)
        let defaultTo = try ledger.run(["proof", "consistency", "--db", ledger.db, "--from", "5"])
        #expect(defaultTo.stdout == r.stdout, "without --to, the latest checkpoint's size")

        let proof = ledger.dir.write("proof.json", r.stdout)
        func audit(old: String, new: String, proof: String, vkey: String? = nil) throws -> ProcessResult {
            try ledger.run(["audit", "consistency", "--vkey", vkey ?? ledger.vkey, "--old", old, "--new", new, "--proof", proof])
        }
        let ok = try audit(old: g.oldPath, new: g.newPath, proof: proof)
        #expect(ok.status == 0, "\(ok.stderr)")

        // Swapped checkpoints.
        expectFailure(try audit(old: g.newPath, new: g.oldPath, proof: proof), code: 3, id: "INTEGRITY")
        // A swapped proof (from/to exchanged).
        let swapped = ledger.dir.write(
            "swapped.json", JSONValue.object(["from": 11, "to": 5, "hashes": json["hashes"]!]).canonicalString)
        expectFailure(try audit(old: g.oldPath, new: g.newPath, proof: swapped), code: 3, id: "INTEGRITY")
        // A corrupted hash.
        var hashes = try #require(json["hashes"]?.arrayValue).compactMap { $0.stringValue }
        try #require(!hashes.isEmpty)
        var raw = try #require(Data(base64Encoded: hashes[0]))
        raw[0] ^= 0x80
        hashes[0] = raw.base64EncodedString()
        let corrupted = ledger.dir.write(
            "corrupted.json", JSONValue.object(["from": 5, "to": 11, "hashes": .array(hashes.map { .string($0) })]).canonicalString)
        expectFailure(try audit(old: g.oldPath, new: g.newPath, proof: corrupted), code: 3, id: "INTEGRITY")
        // Hashes in the wrong order, and one missing.
        let original = try #require(json["hashes"]?.arrayValue)
        if original.count > 1 {
            let reversed = ledger.dir.write(
                "reversed.json", JSONValue.object(["from": 5, "to": 11, "hashes": .array(original.reversed())]).canonicalString)
            expectFailure(try audit(old: g.oldPath, new: g.newPath, proof: reversed), code: 3, id: "INTEGRITY")
        }
        let short = ledger.dir.write(
            "short.json", JSONValue.object(["from": 5, "to": 11, "hashes": .array(Array(original.dropLast()))]).canonicalString)
        expectFailure(try audit(old: g.oldPath, new: g.newPath, proof: short), code: 3, id: "INTEGRITY")
        // A proof between other sizes than the checkpoints'.
        let other = try ledger.run(["proof", "consistency", "--db", ledger.db, "--from", "4", "--to", "11"])
        let otherPath = ledger.dir.write("other.json", other.stdout)
        expectFailure(try audit(old: g.oldPath, new: g.newPath, proof: otherPath), code: 3, id: "INTEGRITY")
        // Not JSON at all.
        let garbage = ledger.dir.write("garbage.json", "proof?")
        expectFailure(try audit(old: g.oldPath, new: g.newPath, proof: garbage), code: 3, id: "INTEGRITY")
        // A checkpoint with its signature broken, and a foreign verifier key.
        let badSig = ledger.dir.write("badsig.ckpt", Self.corruptFirstHashLine(g.newCheckpoint, after: "11"))
        expectFailure(try audit(old: g.oldPath, new: badSig, proof: proof), code: 3, id: "INTEGRITY")
        expectFailure(
            try audit(old: g.oldPath, new: g.newPath, proof: proof, vkey: TestKeys.chongqing.verifier.description), code: 3,
            id: "INTEGRITY")
    }

    @Test("audit consistency from the empty tree (size 0) is rejected with 3")
    func auditFromZero() throws {
        let g = try Self.grown()
        let ledger = g.ledger
        let empty = Checkpoint(origin: TestKeys.origin, size: 0, root: TreeHasher.emptyRoot).signed(by: [TestKeys.operatorKey])
        let emptyPath = ledger.dir.write("empty.ckpt", empty.text)
        let proof = ledger.dir.write("zero.json", JSONValue.object(["from": 0, "to": 11, "hashes": []]).canonicalString)
        let r = try ledger.run([
            "audit", "consistency", "--vkey", ledger.vkey, "--old", emptyPath, "--new", g.newPath, "--proof", proof,
        ])
        expectFailure(r, code: 3, id: "INTEGRITY")
        expectFailure(try ledger.run(["proof", "consistency", "--db", ledger.db, "--from", "0", "--to", "11"]), code: 64, id: "USAGE")
    }

    @Test("consistency proofs verify for every pair of sizes 1 ≤ m ≤ n ≤ 11 against self-signed checkpoints")
    func consistencyAllPairs() throws {
        let g = try Self.grown()
        let ledger = g.ledger
        // Roots of every prefix, from the receipts' own verifier: hash the entries into RFC 9162 roots.
        let leaves = try ledger.entries().map { TreeHasher.leafHash($0) }
        func root(_ n: Int) -> Hash { Self.root(Array(leaves[0..<n])) }
        #expect(root(11).base64 == g.newCheckpoint.split(separator: "\n")[2])
        var paths: [Int: String] = [:]
        for n in 1...11 {
            let note = Checkpoint(origin: TestKeys.origin, size: UInt64(n), root: root(n)).signed(by: [TestKeys.operatorKey]).text
            paths[n] = ledger.dir.write("size-\(n).ckpt", note)
        }
        for n in [6, 11] {
            for m in 1...n {
                let r = try ledger.run(["proof", "consistency", "--db", ledger.db, "--from", String(m), "--to", String(n)])
                try #require(r.status == 0, "\(m)→\(n): \(r.stderr)")
                let proof = ledger.dir.write("c-\(m)-\(n).json", r.stdout)
                let a = try ledger.run([
                    "audit", "consistency", "--vkey", ledger.vkey, "--old", paths[m]!, "--new", paths[n]!, "--proof", proof,
                ])
                #expect(a.status == 0, "\(m)→\(n): \(a.stderr)")
            }
        }
    }

    /// RFC 9162 §2.1.1 root of a list of leaf hashes.
    static func root(_ leaves: [Hash]) -> Hash {
        if leaves.isEmpty { return TreeHasher.emptyRoot }
        if leaves.count == 1 { return leaves[0] }
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        return TreeHasher.nodeHash(root(Array(leaves[0..<k])), root(Array(leaves[k...])))
    }
}
