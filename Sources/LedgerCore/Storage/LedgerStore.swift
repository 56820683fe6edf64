/// A stored checkpoint: its size, root and the exact signed note text.
public struct StoredCheckpoint: Sendable, Equatable {
    public var size: UInt64
    public var root: Hash
    public var note: String

    public init(size: UInt64, root: Hash, note: String) {
        self.size = size
        self.root = root
        self.note = note
    }
}

/// Where the log lives. Implementations: `InMemoryLedgerStore` (tests) and `SQLiteLedgerStore`.
///
/// Every `write` is one exclusive transaction: either all of its effects are durable when it returns, or none
/// are. Two writers, in one process or in two, are serialised by the store; a writer must read the tree's right
/// edge inside its transaction, never before it. A `read` does not wait for a write transaction in progress: it sees
/// the last committed state (`submit` reads keys on other threads while a batch is written).
public protocol LedgerStore: Sendable {
    /// Runs `body` with a consistent snapshot for reading.
    func read<T>(_ body: (any LedgerReader) throws -> T) throws -> T
    /// Runs `body` inside one exclusive write transaction; a thrown error rolls everything back.
    func write<T>(_ body: (any LedgerWriter) throws -> T) throws -> T
}

/// Reads inside a transaction or snapshot.
public protocol LedgerReader: AnyObject {
    /// Number of entries.
    func treeSize() throws -> UInt64
    /// The exact bytes of entry `index`.
    func entry(at index: UInt64) throws -> [UInt8]
    /// Streams entries `[from, to)` in order; `body` returns false to stop.
    func forEachEntry(from: UInt64, to: UInt64, _ body: (UInt64, [UInt8]) throws -> Bool) throws
    /// The stored hash of a perfect subtree.
    func nodeHash(_ id: NodeID) throws -> Hash
    /// Streams stored node hashes by storage id `[from, to)` (see ``NodeID/storageID``).
    func forEachNode(fromStorageID: UInt64, to: UInt64, _ body: (UInt64, Hash) throws -> Bool) throws
    /// All stored checkpoints, by increasing size.
    func checkpoints() throws -> [StoredCheckpoint]
    /// The checkpoint with the largest size, if any.
    func latestCheckpoint() throws -> StoredCheckpoint?
    /// The stored checkpoint of exactly `size`, if any.
    func checkpoint(size: UInt64) throws -> StoredCheckpoint?
    /// A projection value (see `LedgerWriter.putProjection`).
    func projection(kind: String, key: String) throws -> [UInt8]?
    /// Streams one projection kind ordered by key, starting after `afterKey`; `body` returns false to stop.
    func forEachProjection(kind: String, after afterKey: String?, _ body: (String, [UInt8]) throws -> Bool) throws
    /// All projection kinds present.
    func projectionKinds() throws -> [String]
    /// A ledger setting (origin, operator key path, schema version).
    func meta(_ key: String) throws -> String?
    /// The witness cosignature lines stored for the checkpoint of `size` (C2SP tlog-cosignature), by witness name.
    func cosignatures(size: UInt64) throws -> [String]
    /// The largest checkpoint size that carries cosignatures from at least `quorum` of `witnesses` (names), if any.
    func latestCosignedSize(witnesses: [String], quorum: Int) throws -> UInt64?
    /// The names of the store's append-only guards (SQLite triggers) that are missing; empty when all are there.
    func missingGuards() throws -> [String]
}

/// Writes inside one exclusive transaction.
public protocol LedgerWriter: LedgerReader {
    /// Appends entry `index` (which must equal the current size) and the tree nodes its leaf completes.
    func appendEntry(index: UInt64, bytes: [UInt8], nodes: [(NodeID, Hash)]) throws
    /// Sets a projection row: derived state, rebuilt from entries by `rebuild`.
    func putProjection(kind: String, key: String, value: [UInt8]) throws
    /// Removes a projection row.
    func deleteProjection(kind: String, key: String) throws
    /// Removes every projection row (before a rebuild).
    func deleteAllProjections() throws
    /// Stores a signed checkpoint. Sizes are unique.
    func insertCheckpoint(_ checkpoint: StoredCheckpoint) throws
    /// Sets a ledger setting.
    func setMeta(_ key: String, _ value: String) throws
    /// Stores a witness's cosignature line for the checkpoint of `size` (which must be stored). A witness's first
    /// cosignature of a checkpoint is kept; later ones for the same checkpoint are ignored.
    func insertCosignature(size: UInt64, witness: String, line: String) throws
}

extension LedgerReader {
    /// A store without guards of its own (in memory) has none to miss.
    public func missingGuards() throws -> [String] { [] }

    /// A ``SubtreeHashSource`` over this reader, for ``ProofBuilder``.
    public var subtreeHashes: ReaderHashSource { ReaderHashSource(reader: self) }

    /// `checkpoint` with the stored witness cosignature lines appended to its note.
    public func withCosignatures(_ checkpoint: StoredCheckpoint) throws -> StoredCheckpoint {
        let lines = try cosignatures(size: checkpoint.size)
        guard !lines.isEmpty else { return checkpoint }
        return StoredCheckpoint(size: checkpoint.size, root: checkpoint.root, note: checkpoint.note + lines.map { $0 + "\n" }.joined())
    }

    /// The checkpoint clients are given: with a quorum, the latest one carrying cosignatures from at least `quorum`
    /// of the policy's witnesses (nil when none does yet); without, the latest signed one. Its note carries every
    /// stored cosignature line.
    public func publishedCheckpoint(policy: WitnessPolicy) throws -> StoredCheckpoint? {
        guard policy.quorum > 0 else { return try latestCheckpoint().map(withCosignatures) }
        guard let size = try latestCosignedSize(witnesses: policy.witnesses.map(\.name), quorum: policy.quorum),
            let checkpoint = try checkpoint(size: size)
        else { return nil }
        return try withCosignatures(checkpoint)
    }
}

/// Adapts a ``LedgerReader`` to ``SubtreeHashSource``.
public struct ReaderHashSource: SubtreeHashSource {
    let reader: any LedgerReader
    public func hash(of node: NodeID) throws -> Hash { try reader.nodeHash(node) }
}
