import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing
import TransferLedger

/// hwledgerd with the two provinces' witnesses (`hwledger witness serve` processes) on loopback.
@Suite("hwledgerd with witnesses (C2SP tlog-witness)", .serialized)
struct WitnessedDaemonTests {
    static let policy = try! WitnessPolicy(witnesses: [WitnessFixture.sichuan.verifier, WitnessFixture.chongqing.verifier], quorum: 2)

    /// Polls `body` every 50 ms until it returns a value or `timeout` passes.
    static func wait<T>(_ what: String, timeout: Double = 20, _ body: () throws -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let value = try body() { return value }
            guard Date() < deadline else { throw TestFailure("timed out waiting for \(what)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    static func daemon(_ witnesses: [(WitnessFixture, String)], quorum: Int) throws -> DaemonFixture {
        try DaemonFixture(extraArguments: witnesses.flatMap { ["--witness", $0.0.daemonArgument(label: $0.1)] }
            + ["--witness-quorum", "\(quorum)", "--checkpoint-interval", "0.05"])
    }

    /// The published checkpoint, parsed, once it covers `size`.
    static func published(_ d: DaemonFixture, atLeast size: UInt64) throws -> SignedCheckpoint {
        try wait("a published checkpoint of size \(size)") {
            let r = try d.request("GET", "/checkpoint")
            guard r.status == 200 else { return nil }
            let c = try SignedCheckpoint(verifying: r.body, keys: [TestKeys.operatorKey.verifier])
            return c.checkpoint.size >= size ? c : nil
        }
    }

    @Test("quorum 2 of 2 under load: every checkpoint served carries both cosignatures; receipts verify with the CLI quorum")
    func quorumUnderLoad() throws {
        let sc = try WitnessFixture(key: WitnessFixture.sichuan)
        let cq = try WitnessFixture(key: WitnessFixture.chongqing)
        let d = try Self.daemon([(sc, "sichuan"), (cq, "chongqing")], quorum: 2)
        let group = DispatchGroup()
        let failures = LockedCounter()
        for client in 0..<4 {
            DispatchQueue.global().async(group: group) {
                guard let c = try? d.connect() else { return failures.add() }
                for n in 0..<40 {
                    let s = DaemonFixture.registration(serial: 20_000 + client * 1000 + n)
                    let r = try? c.request("POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: s.json.canonicalBytes)
                    if r?.status != 201 { failures.add() }
                }
            }
        }
        #expect(group.wait(timeout: .now() + 120) == .success)
        #expect(failures.value == 0)
        let cp = try Self.published(d, atLeast: 163)
        #expect(try Self.policy.requireQuorum(on: cp.note).count == 2)

        let receipt = try d.request("GET", "/v1/receipts/100")
        #expect(receipt.status == 200, "\(receipt.text)")
        let leaf = TreeHasher.leafHash(try d.store.read { try $0.entry(at: 100) })
        let file = d.dir.write("r.tlog-proof", receipt.text)
        let op = TestKeys.operatorKey.verifier.description
        let both = ["--witness", sc.key.verifier.description, "--witness", cq.key.verifier.description]
        let ok = try Run.hwledger(["receipt", "verify", "--vkey", op, "--leaf-hash", leaf.hex] + both + ["--quorum", "2", file])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("cosigned by witness.test/sichuan, witness.test/chongqing"))
        // A receipt stripped of one cosignature fails a quorum of 2 and passes a quorum of 1.
        let stripped = d.dir.write("s.tlog-proof", receipt.text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("\u{2014} witness.test/chongqing ") }.joined(separator: "\n"))
        let short = try Run.hwledger(["receipt", "verify", "--vkey", op, "--leaf-hash", leaf.hex] + both + ["--quorum", "2", stripped])
        #expect(short.status == 3)
        #expect(short.stderr.contains("missing: witness.test/chongqing"))
        #expect(try Run.hwledger(["receipt", "verify", "--vkey", op, "--leaf-hash", leaf.hex] + both + ["--quorum", "1", stripped]).status == 0)
        // The CLI reads the same cosignatures from the database.
        let cli = try Run.hwledger(["receipt", "--db", d.dbPath, "--index", "100"] + both)
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(try Self.policy.requireQuorum(on: TlogProof(verifying: Array(cli.stdout.utf8), keys: [TestKeys.operatorKey.verifier]).checkpoint.note).count == 2)
        let metrics = try d.request("GET", "/metrics").text
        #expect(metrics.contains("hwledger_witness_cosigned_size{witness=\"sichuan\"}"))
        #expect(metrics.contains("hwledger_witness_split_view{witness=\"chongqing\"} 0"))
    }

    @Test("verify --trusted and audit consistency require the quorum on the checkpoints they are given", .enabled(if: TestDatabase.isSQLite, "edits or copies the SQLite file itself"))
    func auditorsRequireQuorum() throws {
        let sc = try WitnessFixture(key: WitnessFixture.sichuan)
        let cq = try WitnessFixture(key: WitnessFixture.chongqing)
        let d = try Self.daemon([(sc, "sichuan"), (cq, "chongqing")], quorum: 2)
        let old = try Self.published(d, atLeast: 3)
        for n in 0..<4 { #expect(try d.post(DaemonFixture.registration(serial: 40_000 + n).json).status == 201) }
        let new = try Self.published(d, atLeast: 7)
        let proof = try d.request("GET", "/v1/proofs/consistency?from=\(old.checkpoint.size)&to=\(new.checkpoint.size)")
        #expect(proof.status == 200)
        let oldFile = d.dir.write("old.ckpt", old.text)
        let newFile = d.dir.write("new.ckpt", new.text)
        let bare = d.dir.write("bare.ckpt", old.checkpoint.signed(by: [TestKeys.operatorKey]).text)
        let proofFile = d.dir.write("proof.json", proof.text)
        let both = ["--witness", sc.key.verifier.description, "--witness", cq.key.verifier.description, "--quorum", "2"]
        let op = TestKeys.operatorKey.verifier.description
        let audit = try Run.hwledger(["audit", "consistency", "--vkey", op, "--old", oldFile, "--new", newFile, "--proof", proofFile] + both)
        #expect(audit.status == 0, "\(audit.stderr)")
        let auditBare = try Run.hwledger(["audit", "consistency", "--vkey", op, "--old", bare, "--new", newFile, "--proof", proofFile] + both)
        #expect(auditBare.status == 3)
        #expect(auditBare.stderr.contains("has 0 of the 2 witness cosignatures"))
        #expect(try Run.hwledger(["audit", "consistency", "--vkey", op, "--old", bare, "--new", newFile, "--proof", proofFile]).status == 0)
        let verify = try Run.hwledger(["verify", "--db", d.dbPath, "--trusted", oldFile] + both)
        #expect(verify.status == 0, "\(verify.stderr)")
        let verifyBare = try Run.hwledger(["verify", "--db", d.dbPath, "--trusted", bare] + both)
        #expect(verifyBare.status == 3)
        #expect(verifyBare.stderr.contains("missing: witness.test/sichuan, witness.test/chongqing"))
        let badKey = try Run.hwledger(["verify", "--db", d.dbPath, "--trusted", oldFile, "--witness", op])
        #expect(badKey.status == 65)
        // Stored cosignatures are re-verified; one edited behind the triggers' back is an integrity failure.
        let all = try Run.hwledger(["verify", "--db", d.dbPath] + both)
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.contains("witness cosignatures"))
        _ = d.daemon.stop(timeout: 10)
        let tamper = try Run.executable("/usr/bin/env", ["sqlite3", d.dbPath, """
            DROP TRIGGER cosignatures_refuse_update;
            UPDATE cosignatures SET line = substr(line, 1, length(line) - 6) || 'AAAAA=' WHERE size = \(new.checkpoint.size);
            """])
        #expect(tamper.status == 0, "\(tamper.stderr)")
        let tampered = try Run.hwledger(["verify", "--db", d.dbPath] + both)
        #expect(tampered.status == 3)
        #expect(tampered.stderr.contains("cosignature of checkpoint \(new.checkpoint.size)"))
    }

    @Test("one witness down: checkpoints are still signed, receipts name the missing cosignature, and all catches up when it returns")
    func witnessDown() throws {
        let sc = try WitnessFixture(key: WitnessFixture.sichuan)
        let cq = try WitnessFixture(key: WitnessFixture.chongqing)
        let d = try Self.daemon([(sc, "sichuan"), (cq, "chongqing")], quorum: 2)
        _ = try Self.published(d, atLeast: 3)
        cq.kill()
        for n in 0..<5 { #expect(try d.post(DaemonFixture.registration(serial: 30_000 + n).json).status == 201) }
        _ = try Self.wait("a signed checkpoint of size 8") { try d.request("GET", "/healthz").json?["checkpointSize"]?.intValue == 8 ? true : nil }
        let waiting = try Self.wait("a receipt that waits for chongqing") { () -> WireResponse? in
            let r = try d.request("GET", "/v1/receipts/7")
            return r.status == 503 && r.json?["error"]?["message"]?.stringValue?.hasSuffix("has 1 of the 2 witness cosignatures it needs; missing: witness.test/chongqing") == true ? r : nil
        }
        #expect(waiting.rule == "AWAITING-WITNESSES")
        #expect(waiting.headers["retry-after"] == "1")
        let health = try Self.wait("/healthz to show chongqing failing") { () -> JSONValue? in
            let h = try d.request("GET", "/healthz").json
            guard case .array(let ws)? = h?["witnesses"], ws.count == 2, ws[1]["lastError"] != .null, ws[0]["cosignedSize"]?.intValue == 8
            else { return nil }
            return h
        }
        #expect(health["witnessedSize"]?.intValue == 3)
        #expect(health["status"]?.stringValue == "degraded")
        #expect(health["checkpointSize"]?.intValue == 8)
        #expect(try d.request("GET", "/metrics").text.contains("hwledger_witness_failures_total{witness=\"chongqing\"}"))
        let cli = try Run.hwledger(["receipt", "--db", d.dbPath, "--index", "7", "--witness", sc.key.verifier.description, "--witness", cq.key.verifier.description])
        #expect(cli.status == 3)
        #expect(cli.stderr.contains("missing: witness.test/chongqing"))

        try cq.restart(samePort: true)
        let receipt = try Self.wait("the receipt once chongqing is back") { () -> WireResponse? in
            let r = try d.request("GET", "/v1/receipts/7")
            return r.status == 200 ? r : nil
        }
        let proof = try TlogProof(verifying: receipt.body, keys: [TestKeys.operatorKey.verifier])
        #expect(try Self.policy.requireQuorum(on: proof.checkpoint.note).count == 2)
        #expect(try cq.held()?.0 == 8)
    }

    @Test("a forked log (second database, same origin and operator key) is refused with 409, kept as evidence, and raises the alarm")
    func forkedLog() throws {
        let sc = try WitnessFixture(key: WitnessFixture.sichuan)
        let main = try Self.daemon([(sc, "sichuan")], quorum: 1)
        let mainCheckpoint = try Self.published(main, atLeast: 3)
        let fork = try Self.daemon([(sc, "sichuan")], quorum: 1)
        // Same size 3, another root: the witness answers 409 twice, records the fork, the forked daemon raises the alarm.
        let health = try Self.wait("the split-view alarm") { () -> WireResponse? in
            let r = try fork.request("GET", "/healthz")
            return r.json?["status"]?.stringValue == "failing" ? r : nil
        }
        #expect(health.status == 503)
        guard case .array(let reasons)? = health.json?["reasons"] else { Issue.record("no reasons in /healthz"); return }
        #expect(reasons.contains { $0["code"]?.stringValue == "witness-split-view" })
        guard case .array(let ws)? = health.json?["witnesses"] else { Issue.record("no witnesses in /healthz"); return }
        #expect(ws.first?["splitView"]?.stringValue?.contains("size 3") == true)
        #expect(try fork.request("GET", "/metrics").text.contains("hwledger_witness_split_view{witness=\"sichuan\"} 1"))
        #expect(try fork.request("GET", "/checkpoint").status == 503)
        guard case .array(let evidence)? = try sc.evidence()["evidence"] else { Issue.record("no evidence"); return }
        #expect(evidence.count >= 1)
        let held = try SignedCheckpoint(verifying: Array((evidence.first?["heldNote"]?.stringValue ?? "").utf8), keys: [TestKeys.operatorKey.verifier])
        #expect(held.checkpoint == mainCheckpoint.checkpoint)
        let refused = try SignedCheckpoint(verifying: Array((evidence.first?["submittedNote"]?.stringValue ?? "").utf8), keys: [TestKeys.operatorKey.verifier])
        #expect(refused.checkpoint.size == 3 && refused.checkpoint.root != mainCheckpoint.checkpoint.root)
        #expect(try sc.held()?.1 == mainCheckpoint.checkpoint.root.base64)
        #expect(try main.request("GET", "/healthz").status == 200)
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}
