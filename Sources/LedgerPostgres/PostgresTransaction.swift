import Foundation
import LedgerCore
import NIOCore
import PostgresNIO

/// Reads and writes inside one PostgreSQL transaction.
///
/// Appends, tree nodes and projection rows are buffered and sent as a few array-bound statements (`unnest`) when
/// the transaction commits or before a query that must see them (a range scan); point reads look in the buffer
/// first. A batch of 2,000 submissions is then a handful of round trips instead of tens of thousands.
final class PostgresTransaction: LedgerWriter {
    let c: BlockingConnection
    /// Rows read per round trip when streaming entries, nodes or projections.
    static let page = 2000

    private var size: UInt64?
    private var pendingEntries: [(index: UInt64, bytes: [UInt8])] = []
    private var pendingNodes: [UInt64: Hash] = [:]
    private var pendingNodeOrder: [UInt64] = []
    private struct ProjectionKey: Hashable { var kind: String; var key: String }
    /// nil: deleted in this transaction.
    private var pendingProjections: [ProjectionKey: [UInt8]?] = [:]

    init(_ c: BlockingConnection) { self.c = c }

    // MARK: Reading

    func treeSize() throws -> UInt64 {
        if let size { return size }
        let rows = try c.query("SELECT max(idx) FROM entries")
        let max = try rows.first?.decode(Int64?.self) ?? nil
        let s = max.map { UInt64($0) + 1 } ?? 0
        size = s
        return s
    }

    func entry(at index: UInt64) throws -> [UInt8] {
        if let first = pendingEntries.first, index >= first.index, index - first.index < pendingEntries.count {
            return pendingEntries[Int(index - first.index)].bytes
        }
        guard index <= UInt64(Int64.max),
            let row = try c.query("SELECT data FROM entries WHERE idx = $1", binds(Int64(index))).first
        else { throw LedgerError.outOfRange("no entry \(index)") }
        return try bytes(row.decode(ByteBuffer.self))
    }

    func forEachEntry(from: UInt64, to: UInt64, _ body: (UInt64, [UInt8]) throws -> Bool) throws {
        try scan(table: "entries", key: "idx", value: "data", from: from, to: to) { idx, data in try body(idx, bytes(data)) }
    }

    /// Streams `(key, value)` of `table` for keys in `[from, to)` in key order, a page per round trip.
    private func scan(table: String, key: String, value: String, from: UInt64, to: UInt64, _ body: (UInt64, ByteBuffer) throws -> Bool) throws {
        try flush()
        var next = from
        let upper = min(to, UInt64(Int64.max))
        while next < upper {
            let rows = try c.query(
                "SELECT \(key), \(value) FROM \(table) WHERE \(key) >= $1 AND \(key) < $2 ORDER BY \(key) LIMIT \(Self.page)",
                binds(Int64(next), Int64(upper)))
            for row in rows {
                let (k, v) = try row.decode((Int64, ByteBuffer).self)
                guard try body(UInt64(k), v) else { return }
                next = UInt64(k) + 1
            }
            if rows.count < Self.page { return }
        }
    }

    func nodeHash(_ id: NodeID) throws -> Hash {
        let sid = id.storageID
        if let pending = pendingNodes[sid] { return pending }
        guard sid <= UInt64(Int64.max),
            let row = try c.query("SELECT hash FROM tree_nodes WHERE id = $1", binds(Int64(sid))).first,
            let hash = Hash(bytes: try bytes(row.decode(ByteBuffer.self)))
        else { throw LedgerError.integrity(index: nil, "tree node \(id) is missing") }
        return hash
    }

    func forEachNode(fromStorageID: UInt64, to: UInt64, _ body: (UInt64, Hash) throws -> Bool) throws {
        try scan(table: "tree_nodes", key: "id", value: "hash", from: fromStorageID, to: to) { id, data in
            guard let hash = Hash(bytes: bytes(data)) else { throw LedgerError.integrity(index: nil, "tree node \(id) is not 32 bytes") }
            return try body(id, hash)
        }
    }

    func checkpoints() throws -> [StoredCheckpoint] {
        try c.query("SELECT size, root, note FROM checkpoints ORDER BY size").map(Self.checkpoint)
    }

    func latestCheckpoint() throws -> StoredCheckpoint? {
        try c.query("SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1").first.map(Self.checkpoint)
    }

    func checkpoint(size: UInt64) throws -> StoredCheckpoint? {
        try c.query("SELECT size, root, note FROM checkpoints WHERE size = $1", binds(Int64(size))).first.map(Self.checkpoint)
    }

    static func checkpoint(_ row: PostgresRow) throws -> StoredCheckpoint {
        let (size, root, note) = try row.decode((Int64, ByteBuffer, String).self)
        guard let hash = Hash(bytes: Array(root.readableBytesView)) else {
            throw LedgerError.integrity(index: nil, "checkpoint root is not 32 bytes")
        }
        return StoredCheckpoint(size: UInt64(size), root: hash, note: note)
    }

    func projection(kind: String, key: String) throws -> [UInt8]? {
        if let pending = pendingProjections[ProjectionKey(kind: kind, key: key)] { return pending }
        return try c.query("SELECT value FROM projections WHERE kind = $1 AND key = $2", binds(kind, key))
            .first.map { try bytes($0.decode(ByteBuffer.self)) }
    }

    func forEachProjection(kind: String, after afterKey: String?, _ body: (String, [UInt8]) throws -> Bool) throws {
        try flush()
        var after = afterKey
        while true {
            let rows = try after.map {
                try c.query("SELECT key, value FROM projections WHERE kind = $1 AND key > $2 ORDER BY key LIMIT \(Self.page)", binds(kind, $0))
            } ?? c.query("SELECT key, value FROM projections WHERE kind = $1 ORDER BY key LIMIT \(Self.page)", binds(kind))
            for row in rows {
                let (key, value) = try row.decode((String, ByteBuffer).self)
                guard try body(key, bytes(value)) else { return }
                after = key
            }
            if rows.count < Self.page { return }
        }
    }

    func projectionKinds() throws -> [String] {
        try flush()
        return try c.query("SELECT DISTINCT kind FROM projections ORDER BY kind").map { try $0.decode(String.self) }
    }

    func meta(_ key: String) throws -> String? {
        try c.query("SELECT value FROM meta WHERE key = $1", binds(key)).first.map { try $0.decode(String.self) }
    }

    func missingGuards() throws -> [String] {
        let present = Set(try c.query("SELECT tgname::text FROM pg_trigger WHERE NOT tgisinternal").map { try $0.decode(String.self) })
        return PostgresSchema.guardTriggers.filter { !present.contains($0) }
    }

    func cosignatures(size: UInt64) throws -> [String] {
        try c.query("SELECT line FROM cosignatures WHERE size = $1 ORDER BY witness", binds(Int64(size))).map { try $0.decode(String.self) }
    }

    func latestCosignedSize(witnesses: [String], quorum: Int) throws -> UInt64? {
        guard !witnesses.isEmpty else { return nil }
        return try c.query(
            """
            SELECT size FROM cosignatures WHERE witness = ANY($1)
            GROUP BY size HAVING count(*) >= $2 ORDER BY size DESC LIMIT 1
            """, binds(witnesses, Int64(quorum))
        ).first.map { UInt64(try $0.decode(Int64.self)) }
    }

    // MARK: Writing

    func appendEntry(index: UInt64, bytes: [UInt8], nodes: [(NodeID, Hash)]) throws {
        let current = try treeSize()
        guard index == current else { throw LedgerError.integrity(index: index, "append at \(index) but size is \(current)") }
        guard bytes.count < 65535 else { throw LedgerError.storage("entry \(index) is \(bytes.count) bytes, over the column's limit") }
        pendingEntries.append((index, bytes))
        for (id, hash) in nodes {
            let sid = id.storageID
            guard pendingNodes[sid] == nil else { throw LedgerError.integrity(index: index, "tree node \(id) written twice") }
            pendingNodes[sid] = hash
            pendingNodeOrder.append(sid)
        }
        size = current + 1
    }

    func putProjection(kind: String, key: String, value: [UInt8]) throws {
        pendingProjections[ProjectionKey(kind: kind, key: key)] = .some(value)
    }

    func deleteProjection(kind: String, key: String) throws {
        pendingProjections[ProjectionKey(kind: kind, key: key)] = .some(nil)
    }

    func deleteAllProjections() throws {
        pendingProjections = [:]
        try flush()
        try c.query("DELETE FROM projections")
    }

    func insertCheckpoint(_ checkpoint: StoredCheckpoint) throws {
        try flush()
        try c.query(
            "INSERT INTO checkpoints (size, root, note) VALUES ($1, $2, $3)",
            binds(Int64(checkpoint.size), ByteBuffer(bytes: checkpoint.root.bytes), checkpoint.note))
    }

    func setMeta(_ key: String, _ value: String) throws {
        try c.query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", binds(key, value))
    }

    func insertCosignature(size: UInt64, witness: String, line: String) throws {
        try flush()
        try c.query(
            "INSERT INTO cosignatures (size, witness, line) VALUES ($1, $2, $3) ON CONFLICT (size, witness) DO NOTHING",
            binds(Int64(size), witness, line))
    }

    /// Sends the buffered appends, nodes and projection changes.
    func flush() throws {
        if !pendingEntries.isEmpty {
            for chunk in pendingEntries.chunked(Self.page) {
                try c.query(
                    "INSERT INTO entries (idx, data) SELECT * FROM unnest($1::int8[], $2::bytea[])",
                    binds(chunk.map { Int64($0.index) }, chunk.map { ByteBuffer(bytes: $0.bytes) }))
            }
            pendingEntries = []
        }
        if !pendingNodeOrder.isEmpty {
            for chunk in pendingNodeOrder.chunked(Self.page * 2) {
                try c.query(
                    "INSERT INTO tree_nodes (id, hash) SELECT * FROM unnest($1::int8[], $2::bytea[])",
                    binds(chunk.map { Int64($0) }, chunk.map { ByteBuffer(bytes: pendingNodes[$0]!.bytes) }))
            }
            pendingNodeOrder = []
            pendingNodes = [:]
        }
        if !pendingProjections.isEmpty {
            let changes = pendingProjections.sorted { ($0.key.kind, $0.key.key) < ($1.key.kind, $1.key.key) }
            let puts = changes.compactMap { change in change.value.map { (change.key, $0) } }
            let deletes = changes.filter { $0.value == nil }.map(\.key)
            for chunk in puts.chunked(Self.page) {
                try c.query(
                    """
                    INSERT INTO projections (kind, key, value) SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[])
                    ON CONFLICT (kind, key) DO UPDATE SET value = EXCLUDED.value
                    """,
                    binds(chunk.map(\.0.kind), chunk.map(\.0.key), chunk.map { ByteBuffer(bytes: $0.1) }))
            }
            for chunk in deletes.chunked(Self.page) {
                try c.query(
                    "DELETE FROM projections p USING unnest($1::text[], $2::text[]) AS d (kind, key) WHERE p.kind = d.kind AND p.key = d.key",
                    binds(chunk.map(\.kind), chunk.map(\.key)))
            }
            pendingProjections = [:]
        }
    }

    // MARK: Helpers

    private func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

    private func binds<each V: PostgresDynamicTypeEncodable>(_ values: repeat each V) -> PostgresBindings {
        var b = PostgresBindings()
        repeat b.append(each values)
        return b
    }
}

extension Array {
    fileprivate func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min(count, $0 + size)] }
    }
}
