import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

/// `hwledger verify --trusted CKPT --state DIR`: verifies only what was appended since the state, and re-checks
/// what someone with the file could have changed (docs/decisions/008).
@Suite("hwledger verify --state: incremental verification")
struct IncrementalVerifyTests {
    @Test("a second run verifies only the new entries; a changed old entry is caught by the sample; a state that does not match the log exits 3", .enabled(if: TestDatabase.isSQLite, "edits or copies the SQLite file itself"))
    func incremental() throws {
        let ledger = try TamperTests.smallLedger()
        let state = ledger.dir.path("verify-state")
        let trusted = ledger.dir.write("trusted.ckpt", try ledger.checkpoint())
        let first = try ledger.run(["verify", "--db", ledger.db, "--state", state, "--trusted", trusted, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains(#""incremental":false"#) && first.stdout.contains(#""size":12"#), "\(first.stdout)")

        try ledger.submitAccepted(Events.sichuanRegistrations(4, firstSerial: 40))
        let second = try ledger.run(["verify", "--db", ledger.db, "--state", state, "--trusted", trusted, "--json"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains(#""incremental":true"#) && second.stdout.contains(#""newEntries":4"#), "\(second.stdout)")
        #expect(second.stdout.contains(#""size":16"#) && second.stdout.contains(#""trustedSize":12"#), "\(second.stdout)")

        // An old entry changed behind the ledger's back (its trigger put back): the sample (all 16 entries here) catches it.
        let copy = try ledger.copyDatabase(to: "tampered.sqlite")
        let copiedState = ledger.dir.path("verify-state-copy")
        try FileManager.default.copyItem(atPath: state, toPath: copiedState)
        var entry = try ledger.entries()[3]
        entry[entry.count - 2] ^= 0x01
        let edit = try sqlite(copy, "DROP TRIGGER entries_refuse_update; UPDATE entries SET data = \(sqlBlob(entry)) WHERE idx = 3; "
            + "CREATE TRIGGER entries_refuse_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'entries are append-only: UPDATE refused'); END;")
        try #require(edit.status == 0, "sqlite3: \(edit.stderr)")
        let caught = try ledger.run(["verify", "--db", copy, "--state", copiedState])
        #expect(caught.status == 3)
        #expect(caught.stderr.contains("check sampled-entries failed at index 3"), "\(caught.stderr)")

        // A state from another log (its recorded right edge no longer matches) is an integrity failure, not a rerun.
        let other = try TamperTests.smallLedger()
        let mismatch = try other.run(["verify", "--db", other.db, "--state", state])
        #expect(mismatch.status == 3)
        #expect(mismatch.stderr.contains("check state failed"), "\(mismatch.stderr)")
    }

    @Test("a state whose replayed projections are of another version (an upgrade changed the read models) replays the verified entries again, says so and passes; an old entry changed meanwhile fails check state", .enabled(if: TestDatabase.isSQLite, "edits the SQLite files themselves"))
    func staleReplayedProjections() throws {
        let ledger = try TamperTests.smallLedger()
        let state = ledger.dir.path("verify-state")
        #expect(try ledger.run(["verify", "--db", ledger.db, "--state", state]).status == 0)
        let copiedState = ledger.dir.path("verify-state-copy")
        try FileManager.default.copyItem(atPath: state, toPath: copiedState)
        // What an older version left: its version in the scratch's meta and one kind of rows it did not write.
        let kind = try #require(try sqlite(ledger.db, "SELECT kind FROM projections ORDER BY kind LIMIT 1;").stdout.split(separator: "\n").first.map(String.init))
        for dir in [state, copiedState] {
            let edit = try sqlite(dir + "/projections.sqlite", "UPDATE meta SET value = 'binary-1 readmodels-0 calendar-0' WHERE key = 'projectionFormat'; "
                + "DELETE FROM projections WHERE kind = '\(kind)';")
            try #require(edit.status == 0, "sqlite3: \(edit.stderr)")
        }
        let resumed = try ledger.run(["verify", "--db", ledger.db, "--state", state])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("replaying the verified entries again") && resumed.stderr.contains("readmodels-0"), "\(resumed.stderr)")
        let again = try ledger.run(["verify", "--db", ledger.db, "--state", state])
        #expect(again.status == 0 && !again.stderr.contains("replaying"), "replayed once: \(again.stderr)")

        // An entry below the verified size changed so that it still parses (one letter of its signature; its trigger
        // put back): the replay's leaves miss the verified root.
        let copy = try ledger.copyDatabase(to: "tampered.sqlite")
        var entry = try ledger.entries()[3]
        let marker = Array(#""sig":""#.utf8)
        let sig = try #require((0..<(entry.count - marker.count)).first { Array(entry[$0..<($0 + marker.count)]) == marker }) + marker.count
        entry[sig] = entry[sig] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let edit = try sqlite(copy, "DROP TRIGGER entries_refuse_update; UPDATE entries SET data = \(sqlBlob(entry)) WHERE idx = 3; "
            + "CREATE TRIGGER entries_refuse_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'entries are append-only: UPDATE refused'); END;")
        try #require(edit.status == 0, "sqlite3: \(edit.stderr)")
        let caught = try ledger.run(["verify", "--db", copy, "--state", copiedState])
        #expect(caught.status == 3)
        #expect(caught.stderr.contains("check state failed") && caught.stderr.contains("no longer give the verified root"), "\(caught.stderr)")
    }

    @Test("projection rows are re-compared in rotation: --projection-rows bounds a run, the next run goes on where it stopped, a changed row in the last kind is named within one rotation; --projection-rows 0 is exit 64", .enabled(if: TestDatabase.isSQLite, "edits the SQLite file itself"))
    func projectionRotation() throws {
        let ledger = try TamperTests.smallLedger()
        let state = ledger.dir.path("verify-state")
        #expect(try ledger.run(["verify", "--db", ledger.db, "--state", state]).status == 0)
        let kinds = try sqlite(ledger.db, "SELECT DISTINCT kind FROM projections ORDER BY kind;").stdout.split(separator: "\n").map(String.init)
        try #require(kinds.count > 2, "\(kinds)")
        let last = kinds.last!
        let edit = try sqlite(ledger.db, "UPDATE projections SET value = X'00' || value WHERE kind = '\(last)' AND key = (SELECT MIN(key) FROM projections WHERE kind = '\(last)');")
        try #require(edit.status == 0, "sqlite3: \(edit.stderr)")
        // One row per run covers one page of one kind: the changed row, in the last kind, is not reached at once.
        var runs = 0
        var outcome = try ledger.run(["verify", "--db", ledger.db, "--state", state, "--projection-rows", "1"])
        runs += 1
        while outcome.status == 0 && runs <= kinds.count + 1 {
            outcome = try ledger.run(["verify", "--db", ledger.db, "--state", state, "--projection-rows", "1"])
            runs += 1
        }
        #expect(outcome.status == 3 && outcome.stderr.contains("check projections failed") && outcome.stderr.contains("projection \(last)/"), "\(outcome.stderr)")
        #expect(runs > 1 && runs <= kinds.count + 1, "caught at run \(runs) of a rotation over \(kinds.count) kinds")
        // The default compares every row of a log this small in one run.
        let fresh = ledger.dir.path("verify-state-2")
        let whole = try ledger.run(["verify", "--db", ledger.db, "--state", fresh])
        #expect(whole.status == 3 && whole.stderr.contains("projection \(last)/"), "\(whole.stderr)")
        #expect(try ledger.run(["verify", "--db", ledger.db, "--state", fresh, "--projection-rows", "0"]).status == 64)
    }
}
