import Foundation
import LedgerCore
import LedgerSQLite
import LedgerTestSupport
import Testing

extension StoreKind {
    /// A fresh, empty store in its own temp directory.
    func make() throws -> StoreFixture { try StoreFixture(self) }
}

/// A store and the temp directory it lives in (kept alive as long as the fixture).
final class StoreFixture {
    let dir = TempDirectory()
    let store: any LedgerStore
    let path: String

    init(_ kind: StoreKind) throws {
        let made = try kind.make(in: dir)
        store = made.store
        path = made.locator ?? dir.path("ledger.sqlite")
    }

    /// Appends `payloads` as entries in one write, reading the right edge inside the transaction.
    func append(_ payloads: [[UInt8]]) throws {
        try Self.append(payloads, to: store)
    }

    static func append(_ payloads: [[UInt8]], to store: any LedgerStore) throws {
        try store.write { w throws in
            let size = try w.treeSize()
            var range = try CompactRange(size: size, hashes: CompactRange.nodes(forSize: size).map { try w.nodeHash($0) })
            for (i, payload) in payloads.enumerated() {
                let nodes = range.append(TreeHasher.leafHash(payload))
                try w.appendEntry(index: size + UInt64(i), bytes: payload, nodes: nodes)
            }
        }
    }

    func size() throws -> UInt64 { try store.read { try $0.treeSize() } }
}

/// Deterministic payloads: `count` byte strings of 1…200 bytes, any byte values.
func payloads(_ count: Int, seed: UInt64) -> [[UInt8]] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in
        let n = Int(rng.next() % 200) + 1
        return (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }
}

/// A 32-byte hash from a small number.
func hash(_ n: UInt8) -> Hash { Hash.sha256([n]) }

/// An error thrown on purpose inside a write.
struct Boom: Error {}

/// Runs `/usr/bin/sqlite3` on a database file.
enum SQLite3 {
    static let path = "/usr/bin/sqlite3"

    @discardableResult
    static func run(_ db: String, _ sql: String? = nil, json: Bool = false, stdin: String? = nil) throws -> ProcessResult {
        var args: [String] = json ? ["-json", db] : [db]
        if let sql { args.append(sql) }
        return try Run.executable(path, args, stdin: stdin)
    }
}
