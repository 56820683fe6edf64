import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger

/// Tampering with the SQLite file behind the ledger's back, and `hwledger verify` catching it (SPEC §3.4, §4.1).
@Suite("hwledger verify on tampered database files", .enabled(if: TestDatabase.isSQLite, "edits or copies the SQLite file itself"))
struct TamperTests {
    /// A ledger of 12 entries: genesis, 5 registrations in one submit, 6 in another (checkpoints at 1, 6 and 12).
    static func smallLedger() throws -> CLILedger {
        let ledger = try CLILedger()
        try ledger.submitAccepted(Events.sichuanRegistrations(5))
        try ledger.submitAccepted(
            (0..<6).map { i in
                let division = Events.chongqingDistricts[i]
                return Events.registration(uscc: TestKeys.uscc(division: division, serial: 100 + i), division: division)
            }, keyPath: ledger.chongqingKeyPath)
        return ledger
    }

    /// Byte positions worth flipping in an entry: the structure, every field of the envelope, and a few at random.
    static func positions(in entry: [UInt8], seed: UInt64) -> [(String, Int)] {
        var result: [(String, Int)] = [("first byte", 0), ("last byte", entry.count - 1)]
        let fields: [(String, Int)] = [
            (#""index":"#, 0), (#""prev":""#, 10), (#""sig":""#, 20), (#""actor":""#, 4), (#""body":{"#, 5),
            (#""keyId":""#, 2), (#""nonce":""#, 3), (#""signedAt":""#, 3), (#""time":""#, 18), (#""operatorKey":""#, 40),
            (#""origin":""#, 3),
        ]
        for (needle, delta) in fields {
            if let at = valueOffset(of: needle, in: entry), at + delta < entry.count { result.append((needle + "+\(delta)", at + delta)) }
        }
        var rng = SplitMix64(seed: seed)
        for _ in 0..<3 {
            result.append(("random", Int(rng.next() % UInt64(entry.count))))
        }
        return result
    }

    @Test("flipping one byte of any entry makes verify exit 3 naming that index", arguments: 0..<12)
    func flipOneByte(index k: Int) throws {
        let ledger = try Self.smallLedger()
        let entries = try ledger.entries()
        try #require(entries.count == 12)
        try #require(try ledger.run(["verify", "--db", ledger.db]).status == 0)

        var rng = SplitMix64(seed: UInt64(k) &* 7919)
        for (n, (what, position)) in Self.positions(in: entries[k], seed: UInt64(k)).enumerated() {
            var bytes = entries[k]
            let mask = position == 0 || what != "random" ? UInt8(0x01) : UInt8(1 + rng.next() % 255)
            bytes[position] ^= mask
            let copy = try ledger.copyDatabase(to: "tampered-\(k)-\(n).sqlite")
            let s = try sqlite(copy, "DROP TRIGGER entries_refuse_update; UPDATE entries SET data = \(sqlBlob(bytes)) WHERE idx = \(k);")
            try #require(s.status == 0, "sqlite3: \(s.stderr)")

            let r = try ledger.run(["verify", "--db", copy])
            let context = "entry \(k), \(what) at byte \(position) xor \(mask)"
            #expect(r.status == 3, "\(context): exit \(r.status) \(r.stdout) \(r.stderr)")
            #expect(r.stderr.hasPrefix("error[INTEGRITY]: "), "\(context): \(r.stderr)")
            #expect(r.stderr.contains(try Regex("\\bindex \(k)\\b")), "\(context): stderr does not name index \(k): \(r.stderr)")
            try? FileManager.default.removeItem(atPath: copy)
        }
    }

    @Test("verify --trusted catches a log cut back to before the trusted checkpoint")
    func truncatedTail() throws {
        let ledger = try Self.smallLedger()
        let trusted = ledger.dir.write("trusted.ckpt", try ledger.checkpoint())
        #expect(checkpointSize(try String(contentsOfFile: trusted, encoding: .utf8)) == 12)

        let intact = try ledger.run(["verify", "--db", ledger.db, "--trusted", trusted])
        #expect(intact.status == 0, "\(intact.stderr)")

        // Cut back to the first 6 entries, with their tree nodes, checkpoints and projections (registry rows and
        // nonces): a self-consistent shorter log, as a careful attacker would leave it.
        var projectionKeys: [String] = []
        for bytes in try ledger.entries().dropFirst(6) {
            let s = try CanonicalJSON.decode(bytes)["submission"]
            let actor = try #require(s?["actor"]?.stringValue), nonce = try #require(s?["nonce"]?.stringValue)
            projectionKeys.append("(kind = 'nonce' AND key = '\(actor)/\(nonce)')")
            projectionKeys.append("(kind = 'enterprise' AND key = '\(try #require(s?["body"]?["uscc"]?.stringValue))')")
        }
        let cut = try ledger.copyDatabase(to: "cut.sqlite")
        let s = try sqlite(cut, """
            DROP TRIGGER entries_refuse_delete; DROP TRIGGER tree_nodes_refuse_delete; DROP TRIGGER checkpoints_refuse_delete;
            DELETE FROM entries WHERE idx >= 6; DELETE FROM tree_nodes WHERE id >= \(treeNodeCount(size: 6));
            DELETE FROM checkpoints WHERE size > 6;
            DELETE FROM projections WHERE \(projectionKeys.joined(separator: " OR "));
            """)
        try #require(s.status == 0, "sqlite3: \(s.stderr)")
        #expect(try ledger.entries(db: cut).count == 6)

        let alone = try ledger.run(["verify", "--db", cut])
        #expect(alone.status == 0, "without a trusted checkpoint a cleanly truncated log is self-consistent: \(alone.stderr)")
        let withTrusted = try ledger.run(["verify", "--db", cut, "--trusted", trusted])
        expectFailure(withTrusted, code: 3, id: "INTEGRITY")
        let json = try ledger.run(["verify", "--db", cut, "--trusted", trusted, "--json"])
        #expect(json.status == 3)
        #expect(try CanonicalJSON.decode(json.stdout.trimmingCharacters(in: .newlines))["error"]?["rule"] == "INTEGRITY")
    }

    @Test("verify --trusted with an older checkpoint passes on the grown, intact ledger")
    func trustedOlderCheckpoint() throws {
        let ledger = try CLILedger()
        try ledger.submitAccepted(Events.sichuanRegistrations(3))
        let old = ledger.dir.write("old.ckpt", try ledger.checkpoint())
        try ledger.submitAccepted(Events.sichuanRegistrations(4, firstSerial: 50))
        let r = try ledger.run(["verify", "--db", ledger.db, "--trusted", old])
        #expect(r.status == 0, "\(r.stderr)")

        // A checkpoint of this size but with another root (a forked log) is not consistent with it.
        let forked = Checkpoint(origin: TestKeys.origin, size: 4, root: Hash.sha256(Array("fork".utf8))).signed(by: [TestKeys.operatorKey])
        let forkPath = ledger.dir.write("fork.ckpt", forked.text)
        expectFailure(try ledger.run(["verify", "--db", ledger.db, "--trusted", forkPath]), code: 3, id: "INTEGRITY")

        // A checkpoint signed by someone else is not trusted.
        let foreign = Checkpoint(origin: TestKeys.origin, size: 4, root: Hash.sha256(Array("fork".utf8))).signed(
            by: [TestKeys.key(TestKeys.origin, variant: 9)])
        let foreignPath = ledger.dir.write("foreign.ckpt", foreign.text)
        expectFailure(try ledger.run(["verify", "--db", ledger.db, "--trusted", foreignPath]), code: 3, id: "INTEGRITY")
    }

    @Test("deleting tail entries while their checkpoints remain makes plain verify exit 3")
    func deletedEntriesKeepingCheckpoints() throws {
        let ledger = try Self.smallLedger()
        let cut = try ledger.copyDatabase(to: "cut.sqlite")
        let s = try sqlite(cut, """
            DROP TRIGGER entries_refuse_delete; DROP TRIGGER tree_nodes_refuse_delete;
            DELETE FROM entries WHERE idx >= 9; DELETE FROM tree_nodes WHERE id >= \(treeNodeCount(size: 9));
            """)
        try #require(s.status == 0, "sqlite3: \(s.stderr)")
        expectFailure(try ledger.run(["verify", "--db", cut]), code: 3, id: "INTEGRITY")
    }

    @Test("deleting an entry in the middle makes verify exit 3 naming it")
    func deletedMiddleEntry() throws {
        let ledger = try Self.smallLedger()
        let cut = try ledger.copyDatabase(to: "hole.sqlite")
        let s = try sqlite(cut, "DROP TRIGGER entries_refuse_delete; DELETE FROM entries WHERE idx = 7;")
        try #require(s.status == 0, "sqlite3: \(s.stderr)")
        let r = try ledger.run(["verify", "--db", cut])
        expectFailure(r, code: 3, id: "INTEGRITY")
        #expect(r.stderr.contains(try Regex("\\bindex 7\\b")), "\(r.stderr)")
    }

    @Test("the triggers refuse UPDATE and DELETE on entries, tree_nodes and checkpoints while they exist")
    func triggersRefuse() throws {
        let ledger = try Self.smallLedger()
        let statements = [
            "UPDATE entries SET data = data WHERE idx = 3;",
            "UPDATE entries SET data = X'7B7D' WHERE idx = 11;",
            "DELETE FROM entries WHERE idx = 11;",
            "DELETE FROM entries;",
            "UPDATE tree_nodes SET hash = hash WHERE id = 0;",
            "DELETE FROM tree_nodes WHERE id = 0;",
            "UPDATE checkpoints SET note = note;",
            "DELETE FROM checkpoints;",
        ]
        let before = try ledger.entries()
        for sql in statements {
            let r = try sqlite(ledger.db, sql)
            #expect(r.status != 0, "\(sql) was not refused")
            #expect(r.stderr.contains("append-only"), "\(sql): \(r.stderr)")
        }
        #expect(try ledger.entries() == before)
        #expect(try ledger.run(["verify", "--db", ledger.db]).status == 0)
    }

    @Test("a forged stored checkpoint (valid signature, wrong root) makes verify exit 3")
    func forgedCheckpointRow() throws {
        let ledger = try Self.smallLedger()
        let copy = try ledger.copyDatabase(to: "forged.sqlite")
        let root = Hash.sha256(Array("forged".utf8))
        let note = Checkpoint(origin: TestKeys.origin, size: 12, root: root).signed(by: [TestKeys.operatorKey]).text
        let escaped = note.replacingOccurrences(of: "'", with: "''")
        let s = try sqlite(copy, """
            DROP TRIGGER checkpoints_refuse_delete; DELETE FROM checkpoints WHERE size = 12;
            INSERT INTO checkpoints(size, root, note) VALUES (12, \(sqlBlob(root.bytes)), '\(escaped)');
            """)
        try #require(s.status == 0, "sqlite3: \(s.stderr)")
        expectFailure(try ledger.run(["verify", "--db", copy]), code: 3, id: "INTEGRITY")
    }

    @Test("a tampered projection row makes rebuild --check and verify exit 3")
    func tamperedProjection() throws {
        let ledger = try Self.smallLedger()
        let copy = try ledger.copyDatabase(to: "projection.sqlite")
        let s = try sqlite(copy, "DELETE FROM projections WHERE (kind, key) IN (SELECT kind, key FROM projections WHERE kind = 'enterprise' LIMIT 1);")
        try #require(s.status == 0, "sqlite3: \(s.stderr)")
        expectFailure(try ledger.run(["rebuild", "--check", "--db", copy]), code: 3, id: "INTEGRITY")
        expectFailure(try ledger.run(["verify", "--db", copy]), code: 3, id: "INTEGRITY")
    }
}
