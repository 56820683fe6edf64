import Foundation

/// A ``LedgerStore`` in memory, for tests and for scratch rebuilds. Same semantics as the SQLite store:
/// a failed write leaves nothing behind.
public final class InMemoryLedgerStore: LedgerStore, @unchecked Sendable {
    final class State: LedgerWriter {
        var entries: [[UInt8]] = []
        var nodes: [Hash] = []
        var checkpointList: [StoredCheckpoint] = []
        var projectionRows: [String: [String: [UInt8]]] = [:]
        var metaRows: [String: String] = [:]
        var cosignatureRows: [UInt64: [String: String]] = [:]

        func copy() -> State {
            let s = State()
            s.entries = entries
            s.nodes = nodes
            s.checkpointList = checkpointList
            s.projectionRows = projectionRows
            s.metaRows = metaRows
            s.cosignatureRows = cosignatureRows
            return s
        }

        func treeSize() throws -> UInt64 { UInt64(entries.count) }

        func entry(at index: UInt64) throws -> [UInt8] {
            guard index < entries.count else { throw LedgerError.outOfRange("no entry \(index)") }
            return entries[Int(index)]
        }

        func forEachEntry(from: UInt64, to: UInt64, _ body: (UInt64, [UInt8]) throws -> Bool) throws {
            var i = from
            while i < min(to, UInt64(entries.count)) {
                guard try body(i, entries[Int(i)]) else { return }
                i += 1
            }
        }

        func nodeHash(_ id: NodeID) throws -> Hash {
            let sid = id.storageID
            guard sid < nodes.count else { throw LedgerError.outOfRange("no tree node \(id)") }
            return nodes[Int(sid)]
        }

        func forEachNode(fromStorageID: UInt64, to: UInt64, _ body: (UInt64, Hash) throws -> Bool) throws {
            var i = fromStorageID
            while i < min(to, UInt64(nodes.count)) {
                guard try body(i, nodes[Int(i)]) else { return }
                i += 1
            }
        }

        func checkpoints() throws -> [StoredCheckpoint] { checkpointList }
        func latestCheckpoint() throws -> StoredCheckpoint? { checkpointList.last }
        func checkpoint(size: UInt64) throws -> StoredCheckpoint? { checkpointList.first { $0.size == size } }
        func projection(kind: String, key: String) throws -> [UInt8]? { projectionRows[kind]?[key] }

        func forEachProjection(kind: String, after afterKey: String?, _ body: (String, [UInt8]) throws -> Bool) throws {
            let rows = projectionRows[kind] ?? [:]
            for key in rows.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                if let afterKey, !afterKey.utf8.lexicographicallyPrecedes(key.utf8) { continue }
                guard try body(key, rows[key]!) else { return }
            }
        }

        func projectionKinds() throws -> [String] { projectionRows.keys.filter { !(projectionRows[$0]?.isEmpty ?? true) }.sorted() }
        func meta(_ key: String) throws -> String? { metaRows[key] }
        func cosignatures(size: UInt64) throws -> [String] {
            (cosignatureRows[size] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
        }
        func latestCosignedSize(witnesses: [String], quorum: Int) throws -> UInt64? {
            cosignatureRows.filter { $0.value.keys.filter(witnesses.contains).count >= quorum }.keys.max()
        }
        func insertCosignature(size: UInt64, witness: String, line: String) throws {
            guard checkpointList.contains(where: { $0.size == size }) else {
                throw LedgerError.storage("no checkpoint of size \(size) to attach a cosignature to")
            }
            if cosignatureRows[size]?[witness] == nil { cosignatureRows[size, default: [:]][witness] = line }
        }

        func appendEntry(index: UInt64, bytes: [UInt8], nodes new: [(NodeID, Hash)]) throws {
            guard index == entries.count else { throw LedgerError.integrity(index: index, "append at \(index) but size is \(entries.count)") }
            entries.append(bytes)
            for (id, hash) in new {
                guard id.storageID == nodes.count else { throw LedgerError.integrity(index: index, "tree node \(id) out of order") }
                nodes.append(hash)
            }
        }

        func putProjection(kind: String, key: String, value: [UInt8]) throws { projectionRows[kind, default: [:]][key] = value }
        func deleteProjection(kind: String, key: String) throws { projectionRows[kind]?[key] = nil }
        func deleteAllProjections() throws { projectionRows = [:] }

        func insertCheckpoint(_ checkpoint: StoredCheckpoint) throws {
            guard !checkpointList.contains(where: { $0.size == checkpoint.size }) else {
                throw LedgerError.storage("a checkpoint of size \(checkpoint.size) exists")
            }
            checkpointList.append(checkpoint)
            checkpointList.sort { $0.size < $1.size }
        }

        func setMeta(_ key: String, _ value: String) throws { metaRows[key] = value }
    }

    /// Guards `state`, the committed snapshot (never changed once committed: a write works on a copy).
    let lock = NSLock()
    /// One writer at a time; readers do not wait for it.
    let writeLock = NSLock()
    var state = State()

    public init() {}

    public func read<T>(_ body: (any LedgerReader) throws -> T) throws -> T {
        let snapshot = lock.withLock { state }
        return try body(snapshot)
    }

    public func write<T>(_ body: (any LedgerWriter) throws -> T) throws -> T {
        writeLock.lock()
        defer { writeLock.unlock() }
        let working = lock.withLock { state }.copy()
        let result = try body(working)
        lock.withLock { state = working }
        return result
    }
}
