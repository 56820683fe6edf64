import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

/// Projection rows on a real SQLite file, edited with sqlite3: a changed row is named by `rebuild --check`, and a
/// ledger whose rows are in the JSON format of before docs/decisions/019 is refused by verify and rebuilt by a write.
@Suite("Projection rows on a real file", .enabled(if: TestDatabase.isSQLite, "edits the SQLite file itself"))
struct ProjectionFormatCLITests {
    static func ledgerWithRegistrations() throws -> CLILedger {
        let ledger = try CLILedger()
        try ledger.submitAccepted(Events.sichuanRegistrations(3))
        return ledger
    }

    static func firstEnterpriseKey(_ ledger: CLILedger) throws -> String {
        let r = try sqlite(ledger.db, "SELECT key FROM projections WHERE kind = 'enterprise' ORDER BY key LIMIT 1;")
        try #require(r.status == 0, "sqlite3: \(r.stderr)")
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("rebuild --check and verify exit 3 naming a projection row changed with sqlite3")
    func changedRowNamed() throws {
        let ledger = try Self.ledgerWithRegistrations()
        let key = try Self.firstEnterpriseKey(ledger)
        try #require(!key.isEmpty)
        // The last byte is the USCC's last character (fields are in key order); a NUL there keeps the value well formed.
        let edit = try sqlite(ledger.db, "UPDATE projections SET value = substr(value, 1, length(value) - 1) || X'00' WHERE kind = 'enterprise' AND key = '\(key)';")
        try #require(edit.status == 0, "sqlite3: \(edit.stderr)")
        for args in [["rebuild", "--check", "--db", ledger.db], ["verify", "--db", ledger.db]] {
            let r = try ledger.run(args)
            #expect(r.status == 3, "\(args[0]): exit \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("projection enterprise/\(key) differs from the one rebuilt from the entries"), "\(args[0]): \(r.stderr)")
        }
    }

    /// Makes the file look like a ledger of before the binary format: no format in the meta, JSON registry rows.
    static func makeOldFormat(_ ledger: CLILedger) throws {
        let edit = try sqlite(ledger.db, """
            DELETE FROM meta WHERE key = 'projectionFormat';
            UPDATE projections SET value = CAST('{"division":"510100","name":"测试企业","registeredAt":1,"roles":["generator"],"uscc":"' || key || '"}' AS BLOB) WHERE kind = 'enterprise';
            """)
        try #require(edit.status == 0, "sqlite3: \(edit.stderr)")
    }

    @Test("verify and rebuild --check refuse JSON rows with exit 66 naming rebuild --upgrade, which fixes them once")
    func oldFormatUpgradedByRebuild() throws {
        let ledger = try Self.ledgerWithRegistrations()
        try Self.makeOldFormat(ledger)
        for args in [["verify", "--db", ledger.db], ["rebuild", "--check", "--db", ledger.db]] {
            let r = try ledger.run(args)
            #expect(r.status == 66, "\(args[0]): exit \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("written as JSON") && r.stderr.contains("hwledger rebuild --upgrade"), "\(args[0]): \(r.stderr)")
        }
        let upgrade = try ledger.run(["rebuild", "--upgrade", "--db", ledger.db])
        #expect(upgrade.status == 0 && upgrade.stdout == "projections rebuilt\n", "\(upgrade.stdout) \(upgrade.stderr)")
        #expect(upgrade.stderr.contains("projections rebuilt"), "the rebuild is logged: \(upgrade.stderr)")
        #expect(try ledger.run(["rebuild", "--check", "--db", ledger.db]).status == 0)
        #expect(try ledger.run(["verify", "--db", ledger.db]).status == 0)
        let again = try ledger.run(["rebuild", "--upgrade", "--db", ledger.db])
        #expect(again.status == 0 && again.stdout == "projections are already current\n", "\(again.stdout) \(again.stderr)")
        let both = try ledger.run(["rebuild", "--check", "--upgrade", "--db", ledger.db])
        #expect(both.status == 64)
    }

    @Test("submit to a ledger with JSON rows rebuilds them first; verify passes afterwards")
    func oldFormatUpgradedBySubmit() throws {
        let ledger = try Self.ledgerWithRegistrations()
        try Self.makeOldFormat(ledger)
        try ledger.submitAccepted(Events.sichuanRegistrations(2, firstSerial: 10))
        let verify = try ledger.run(["verify", "--db", ledger.db])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(try ledger.run(["rebuild", "--check", "--db", ledger.db]).status == 0)
    }
}
