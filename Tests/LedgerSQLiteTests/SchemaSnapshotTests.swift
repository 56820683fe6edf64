import Foundation
import LedgerCore
import LedgerSQLite
import LedgerTestSupport
import Testing

/// The migrated database matches `schema/ledger.sql` (the commented, canonical schema).
@Suite("Schema snapshot")
struct SchemaSnapshotTests {
    static let schemaFile = Fixtures.path("schema/ledger.sql")

    static let query =
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations' ORDER BY type, name"

    struct Object: Hashable, Comparable, CustomStringConvertible {
        var type: String
        var name: String
        var sql: String
        static func < (a: Object, b: Object) -> Bool { (a.type, a.name, a.sql) < (b.type, b.name, b.sql) }
        var description: String { "\(type) \(name): \(sql)" }
    }

    /// Strips `--` comments and collapses whitespace.
    static func normalise(_ sql: String) -> String {
        let lines = sql.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            if let r = line.range(of: "--") { return line[..<r.lowerBound] }
            return line
        }
        return lines.joined(separator: " ").split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static func objects(_ db: String) throws -> [Object] {
        let result = try SQLite3.run(db, query, json: true)
        guard result.status == 0 else { throw TestFailure("sqlite3 \(db): \(result.stderr)") }
        let text = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return [] }
        guard let rows = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
            throw TestFailure("sqlite3 -json output is not an array: \(text)")
        }
        return rows.map {
            Object(type: $0["type"] as? String ?? "", name: $0["name"] as? String ?? "", sql: normalise($0["sql"] as? String ?? ""))
        }.sorted()
    }

    @Test("a freshly created store has exactly the objects of schema/ledger.sql")
    func matchesSchemaFile() throws {
        let dir = TempDirectory()
        let fresh = dir.path("fresh.sqlite")
        let store = try SQLiteLedgerStore(path: fresh, create: true)
        let reference = dir.path("reference.sqlite")
        let schema = try String(contentsOfFile: Self.schemaFile, encoding: .utf8)
        let load = try SQLite3.run(reference, stdin: schema)
        #expect(load.status == 0, "\(load.stderr)")
        let migrated = try Self.objects(fresh)
        let expected = try Self.objects(reference)
        #expect(!expected.isEmpty)
        #expect(migrated == expected)
        for (a, b) in zip(migrated, expected) where a != b { Issue.record("differs:\n  migrated \(a)\n  schema   \(b)") }
        _ = store
    }

    @Test("the schema has the six tables and the eleven append-only triggers (update, delete, replace)")
    func expectedObjects() throws {
        let dir = TempDirectory()
        let fresh = dir.path("fresh.sqlite")
        let store = try SQLiteLedgerStore(path: fresh, create: true)
        let objects = try Self.objects(fresh)
        #expect(Set(objects.filter { $0.type == "table" }.map(\.name)) == ["entries", "tree_nodes", "checkpoints", "projections", "meta", "cosignatures"])
        #expect(Set(objects.filter { $0.type == "trigger" }.map(\.name)) == [
            "entries_refuse_update", "entries_refuse_delete", "tree_nodes_refuse_update", "tree_nodes_refuse_delete",
            "checkpoints_refuse_update", "checkpoints_refuse_delete",
            "entries_refuse_replace", "tree_nodes_refuse_replace", "checkpoints_refuse_replace",
            "cosignatures_refuse_update", "cosignatures_refuse_delete",
        ])
        _ = store
    }

    @Test("reopening a migrated store does not change its schema")
    func reopenIsStable() throws {
        let dir = TempDirectory()
        let path = dir.path("ledger.sqlite")
        let first = try SQLiteLedgerStore(path: path, create: true)
        let before = try Self.objects(path)
        let second = try SQLiteLedgerStore(path: path)
        #expect(try Self.objects(path) == before)
        let migrations = try SQLite3.run(path, "SELECT identifier FROM grdb_migrations")
        #expect(migrations.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "v1\nv2-refuse-replace\nv3-witness-cosignatures")
        _ = (first, second)
    }

    @Test("every column in schema/ledger.sql has a comment line above it")
    func everyColumnCommented() throws {
        let lines = try String(contentsOfFile: Self.schemaFile, encoding: .utf8).split(separator: "\n").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        var inTable = false
        var columns = 0
        for (i, line) in lines.enumerated() {
            if line.hasPrefix("CREATE TABLE") {
                inTable = true
                continue
            }
            if inTable, line.hasPrefix(")") {
                inTable = false
                continue
            }
            guard inTable, !line.isEmpty, !line.hasPrefix("--"), !line.hasPrefix("PRIMARY KEY") else { continue }
            columns += 1
            let name = line.split(separator: " ").first.map(String.init) ?? ""
            var j = i - 1
            var commented = false
            while j >= 0, lines[j].hasPrefix("--") {
                if lines[j].hasPrefix("-- \(name):") { commented = true }
                j -= 1
            }
            #expect(commented, "column \(name) has no comment")
        }
        #expect(columns == 15)
    }

    @Test("a fresh witness state file has exactly the objects of schema/witness.sql")
    func witnessSchema() throws {
        let dir = TempDirectory()
        let fresh = dir.path("witness.sqlite")
        let store = try SQLiteWitnessStore(path: fresh)
        let reference = dir.path("reference.sqlite")
        let load = try SQLite3.run(reference, stdin: try String(contentsOfFile: Fixtures.path("schema/witness.sql"), encoding: .utf8))
        #expect(load.status == 0, "\(load.stderr)")
        let expected = try Self.objects(reference)
        #expect(expected.contains { $0.name == "logs" } && expected.contains { $0.name == "evidence" })
        #expect(try Self.objects(fresh).filter { $0.name != "sqlite_sequence" } == expected.filter { $0.name != "sqlite_sequence" })
        _ = store
    }
}
