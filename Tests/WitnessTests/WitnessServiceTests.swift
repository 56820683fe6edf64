import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing

@Suite("Witness service (C2SP tlog-witness)", .serialized)
struct WitnessServiceTests {
    @Test("cosigns a log's first checkpoint, then each consistent extension; a stale old size gets 409 with the held size")
    func cosignsAndConflicts() throws {
        let w = try WitnessFixture()
        let tree = TestTree(prefix: "a", count: 40)
        let key = WitnessFixture.cosigner.verifier

        let first = try w.post(tree.request(old: 0, size: 5))
        #expect(first.status == 200, "\(first.text)")
        #expect(first.headers["content-type"]?.hasPrefix("text/plain") == true)
        let note = try SignedNote(parsing: tree.checkpoint(5).text + "")
        var cosigned = note
        cosigned.signatures += try SignedNote(parsing: tree.checkpoint(5).note.text + "\n" + first.text).signatures
        let c = try #require(try key.cosignature(on: cosigned))
        #expect(abs(Int64(c.timestamp) - Int64(Date().timeIntervalSince1970)) < 60)

        for (old, new) in [(5, 6), (6, 13), (13, 32), (32, 40)] {
            let r = try w.post(tree.request(old: old, size: new))
            #expect(r.status == 200, "\(old)→\(new): \(r.text)")
        }
        let stale = try w.post(tree.request(old: 0, size: 40))
        #expect(stale.status == 409)
        #expect(stale.headers["content-type"] == "text/x.tlog.size")
        #expect(stale.text == "40\n")
        let again = try w.post(tree.request(old: 40, size: 40))
        #expect(again.status == 200, "\(again.text)")
        #expect(try w.held()?.0 == 40)
        #expect(try w.evidence()["evidence"] == .array([]))
    }

    @Test("bad input gets the spec's status codes and leaves the witness state unchanged")
    func badInput() throws {
        let w = try WitnessFixture()
        let tree = TestTree(prefix: "a", count: 20)
        #expect(try w.post(tree.request(old: 0, size: 8)).status == 200)
        let held = try #require(try w.held())
        let good = tree.checkpoint(12).text
        let proof = tree.consistency(from: 8, to: 12)
        let cases: [(String, [UInt8], Int)] = [
            ("no old line", Array("\n\(good)".utf8), 400),
            ("old with a leading zero", AddCheckpointBody.make(old: 8, proof: proof, checkpoint: good).replacing(Array("old 8".utf8), with: Array("old 08".utf8)), 400),
            ("no empty line", Array("old 8\n".utf8), 400),
            ("a proof line that is not base64", Array("old 8\nnot-base64!\n\n\(good)".utf8), 400),
            ("64 proof lines", AddCheckpointBody.make(old: 8, proof: Array(repeating: proof[0], count: 64), checkpoint: good), 400),
            ("a checkpoint that does not parse", Array("old 8\n\nhwledger.test/sc-cq\n12\n".utf8), 400),
            ("old > new", AddCheckpointBody.make(old: 13, proof: [], checkpoint: good), 400),
            ("signed by an unknown key", AddCheckpointBody.make(old: 8, proof: proof, checkpoint: tree.checkpoint(12, key: WitnessFixture.strangerKey).text), 403),
            ("an unknown origin", AddCheckpointBody.make(old: 8, proof: proof, checkpoint: Checkpoint(origin: "other.test/log", size: 12, root: tree.root(12)).signed(by: [try SigningKey(name: "other.test/log", seed: [UInt8](repeating: 3, count: 32))]).text), 404),
            ("a proof one hash short", AddCheckpointBody.make(old: 8, proof: Array(proof.dropLast()), checkpoint: good), 422),
            ("a proof one hash too long", AddCheckpointBody.make(old: 8, proof: proof + [proof[0]], checkpoint: good), 422),
            ("a proof with a flipped hash", AddCheckpointBody.make(old: 8, proof: [TreeHasher.leafHash([1])] + proof.dropFirst(), checkpoint: good), 422),
            ("a stale old size", AddCheckpointBody.make(old: 4, proof: tree.consistency(from: 4, to: 12), checkpoint: good), 409),
        ]
        for (desc, body, status) in cases {
            let r = try w.post(body)
            #expect(r.status == status, "\(desc): \(r.status) \(r.text)")
        }
        // 10 MB: refused whole, the connection answered rather than reset.
        var big = Array("old 8\n".utf8)
        big += [UInt8](repeating: 0x41, count: 10 * 1024 * 1024)
        let r = try w.post(big)
        #expect(r.status == 413)
        #expect(try w.held()! == held)
        // A good request still works afterwards.
        #expect(try w.post(tree.request(old: 8, size: 12)).status == 200)
    }

    @Test("a fork with the same origin and key is refused (409 at the same size, 422 beyond), kept as evidence and listed")
    func forkEvidence() throws {
        let w = try WitnessFixture()
        let main = TestTree(prefix: "main", count: 30)
        var fork = TestTree(prefix: "main", count: 30)
        for i in 10..<30 { fork.leaves[i] = TreeHasher.leafHash(Array("fork-\(i)".utf8)) }
        #expect(try w.post(main.request(old: 0, size: 20)).status == 200)
        let same = try w.post(fork.request(old: 20, size: 20))
        #expect(same.status == 409)
        #expect(same.text == "20\n")
        let beyond = try w.post(AddCheckpointBody.make(old: 20, proof: fork.consistency(from: 20, to: 30), checkpoint: fork.checkpoint(30).text))
        #expect(beyond.status == 422)
        #expect(try w.held()?.0 == 20)
        guard case .array(let records)? = try w.evidence()["evidence"] else { Issue.record("no evidence array"); return }
        #expect(records.count == 2)
        #expect(records.first?["submittedNote"]?.stringValue == fork.checkpoint(20).text)
        #expect(records.first?["heldNote"]?.stringValue == main.checkpoint(20).text)
        #expect(records.last?["proof"] == .array(fork.consistency(from: 20, to: 30).map { .string($0.base64) }))
        let text = try Run.hwledger(["witness", "evidence", "--db", w.statePath])
        #expect(text.status == 0)
        #expect(text.stdout.contains("证据：2 条"))
        #expect(text.stdout.contains("被拒绝的检查点"))
    }

    @Test("an independent Python client built from the C2SP text gets a cosignature that Python's cryptography verifies")
    func pythonInterop() throws {
        let w = try WitnessFixture()
        let script = Fixtures.path("Tests/WitnessTests/tlog_witness_client.py")
        let r = try Run.executable(
            "/usr/bin/env",
            ["python3", script, "--port", "\(w.port)", "--origin", WitnessFixture.origin, "--log-key", WitnessFixture.logKey.fileText,
             "--witness-vkey", WitnessFixture.cosigner.verifier.description])
        #expect(r.status == 0, "stdout:\n\(r.stdout)\nstderr:\n\(r.stderr)")
        #expect(r.stdout.contains("cosigned size 1"))
        #expect(r.stdout.contains("cosigned size 2"))
        #expect(r.stdout.contains("conflict 2"))
    }
}

extension Array where Element == UInt8 {
    func replacing(_ a: [UInt8], with b: [UInt8]) -> [UInt8] {
        guard let i = indices.first(where: { self[$0...].starts(with: a) }) else { return self }
        return Array(self[..<i]) + b + Array(self[(i + a.count)...])
    }
}
