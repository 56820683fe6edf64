import Foundation
import LedgerCore

/// A failed verification step: which check, the first bad index when there is one, and why.
public struct VerificationFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The checks a run makes, named in the daemon's 503 answers, `/healthz` and logs.
    public enum Check: String, Sendable {
        /// New entries: canonical bytes, chain link, signatures, the nodes they complete, checkpoints they reach.
        case entries
        /// The stored tree nodes against the root of the verified prefix.
        case treeNodes = "tree-nodes"
        /// The checkpoints table against what was verified before.
        case checkpoints
        /// The triggers that make the tables append-only.
        case triggers
        /// A random sample of old entries and their paths to the verified root.
        case sampledEntries = "sampled-entries"
        /// The stored projections against those replayed from the verified entries.
        case projections
        /// A full re-verification of the whole log.
        case full
        /// Persisted verification state that does not match the log (`hwledger verify --state`).
        case state
    }

    public var check: Check
    public var index: UInt64?
    public var message: String

    public init(check: Check, index: UInt64?, message: String) {
        self.check = check
        self.index = index
        self.message = message
    }

    public var description: String {
        "check \(check.rawValue) failed" + (index.map { " at index \($0)" } ?? "") + ": \(message)"
    }

    /// Wraps whatever `body` throws as a failure of `check` (an integrity error keeps its index).
    public static func wrap<T>(_ check: Check, _ body: () throws -> T) throws(VerificationFailure) -> T {
        do { return try body() } catch let f as VerificationFailure {
            throw f
        } catch let LedgerError.integrity(index, message) {
            throw VerificationFailure(check: check, index: index, message: message)
        } catch {
            throw VerificationFailure(check: check, index: nil, message: "\(error)")
        }
    }
}

/// What an incremental step established: the verified size and root, and how many entries it checked in full.
public struct VerifiedTip: Sendable, Equatable {
    public var size: UInt64
    public var root: Hash
    public var entriesChecked: UInt64

    public init(size: UInt64, root: Hash, entriesChecked: UInt64) {
        self.size = size
        self.root = root
        self.entriesChecked = entriesChecked
    }
}

/// Verifies a log as it grows, and re-checks what someone with access to the file could have changed since.
///
/// It keeps, between runs, the verified prefix (right edge, last leaf), the key registry replayed so far, the
/// projections replayed so far (in `scratch`) and a digest of the checkpoints table over the prefix. ``advance()``
/// checks only the entries appended since; ``run(sample:)`` advances and then re-checks, in the same snapshot:
/// the root computed from the stored nodes against the verified root, the checkpoints table digest, the
/// append-only triggers, `sample` random old entries with their paths up to the verified right edge, and the next
/// ``projectionRowsPerRun`` stored projection rows against the replayed ones, in rotation (docs/decisions/008, 021).
///
/// Not thread-safe by itself: calls are serialised with a lock.
public final class IncrementalVerifier: @unchecked Sendable {
    let ledger: TransferLedger
    let scratch: any LedgerStore
    private let lock = NSLock()
    private var cursor = VerifierCursor()
    private var authority = KeyReplay()
    private var checkpointDigest = CheckpointDigest()
    /// Where the last run's comparison of the projections stopped (nil: the next run starts from the first row).
    private var projectionPosition: TransferLedger.ProjectionPosition?

    /// Projection rows compared per run: each run compares the next rows from where the last one stopped, so the
    /// work of a run stays bounded at any log size and every row is compared once per (rows ÷ this) runs (a full
    /// re-verification compares them all).
    let projectionRowsPerRun: Int

    /// The default of ``projectionRowsPerRun``.
    public static let defaultProjectionRowsPerRun = 250_000

    /// - Parameter scratch: an empty store that keeps the replayed projections for the verifier's lifetime.
    /// - Parameter projectionRowsPerRun: stored projection rows each ``run(sample:trusted:)`` compares, in rotation.
    public init(ledger: TransferLedger, scratch: any LedgerStore, projectionRowsPerRun: Int = defaultProjectionRowsPerRun) {
        self.ledger = ledger
        self.scratch = scratch
        self.projectionRowsPerRun = max(1, projectionRowsPerRun)
    }

    /// The size verified so far.
    public var verifiedSize: UInt64 { lock.withLock { cursor.size } }

    /// Set when resuming from persisted state: the first run checks that the log still holds the verified prefix.
    private var resumed = false
    /// The projection version the scratch's rows were found or made to be in (``alignScratch(_:version:processor:)``).
    private var alignedVersion: String?

    var snapshot: (VerifierCursor, KeyReplay, CheckpointDigest, TransferLedger.ProjectionPosition?) {
        lock.withLock { (cursor, authority, checkpointDigest, projectionPosition) }
    }

    func restore(cursor: VerifierCursor, authority: KeyReplay, digest: CheckpointDigest, projectionPosition: TransferLedger.ProjectionPosition?) {
        lock.withLock {
            self.cursor = cursor
            self.authority = authority
            self.checkpointDigest = digest
            self.projectionPosition = projectionPosition
            resumed = true
        }
    }

    /// The verified prefix must still be the log's: its size, last leaf and right edge as stored.
    private func checkResumed(_ reader: any LedgerReader) throws {
        guard resumed else { return }
        try VerificationFailure.wrap(.state) {
            let size = cursor.size
            let tree = try reader.treeSize()
            guard tree >= size else {
                throw LedgerError.integrity(index: tree, "the state covers \(size) entries but the log has \(tree)")
            }
            if size > 0 {
                guard TreeHasher.leafHash(try reader.entry(at: size - 1)) == cursor.lastLeaf else {
                    throw LedgerError.integrity(index: size - 1, "entry \(size - 1) is not the last entry the state verified")
                }
            }
            for (node, hash) in zip(CompactRange.nodes(forSize: size), cursor.range.hashes) where try reader.nodeHash(node) != hash {
                throw LedgerError.integrity(index: size == 0 ? nil : size - 1, "stored tree node \(node) differs from the state's right edge")
            }
        }
        resumed = false
    }

    /// The replayed projections in `scratch` must be of the version the ledger's rows are written in (the
    /// scratch's meta says which): after an upgrade that changed the read models (or a holiday calendar), or with a
    /// state saved before the scratch recorded its version, the verified prefix is replayed again into an emptied
    /// scratch (no signature checks: those entries were verified), its leaves recomputed on the way and required to
    /// give the verified root, so a log changed below the verified size still fails (check `state`). Logged at notice.
    /// The rotating comparison starts again from the first row.
    private func alignScratch(_ reader: any LedgerReader, version: String?, processor: EventProcessor) throws {
        guard let version, version != alignedVersion else { return }
        if try scratch.read({ try $0.meta(ProjectionCodec.metaKey) }) == version {
            alignedVersion = version
            return
        }
        let size = cursor.size
        if size > 0 {
            try VerificationFailure.wrap(.state) {
                let stored = try scratch.read { try $0.meta(ProjectionCodec.metaKey) }
                ledger.logger.notice(
                    "the verifier's replayed projections are not of this version; replaying the verified entries again",
                    metadata: ["replayed": "\(stored ?? "unrecorded")", "current": "\(version)", "entries": "\(size)"])
                let started = ContinuousClock.now
                try scratch.write { try $0.deleteAllProjections() }
                var range = CompactRange()
                try TransferLedger.forEachEntryChunk(reader, size: size, leaf: { _ = range.append($0) }) { entries in
                    try ledger.replay(entries, into: scratch, processor: processor)
                }
                guard range.root == cursor.range.root else {
                    throw LedgerError.integrity(index: size - 1, "the entries below \(size) no longer give the verified root")
                }
                let elapsed = ContinuousClock.now - started
                ledger.logger.notice("the verifier's projections were replayed again", metadata: ["entries": "\(size)", "s": "\(elapsed.components.seconds)"])
            }
        }
        try VerificationFailure.wrap(.state) { try scratch.write { try $0.setMeta(ProjectionCodec.metaKey, version) } }
        alignedVersion = version
        projectionPosition = nil
    }

    /// The log extends `trusted`: a consistency proof from the stored nodes between it and the verified root.
    private func checkTrusted(_ reader: any LedgerReader, _ trusted: SignedCheckpoint?) throws {
        guard let trusted else { return }
        try VerificationFailure.wrap(.checkpoints) {
            let t = trusted.checkpoint, size = cursor.size, root = cursor.range.root
            guard t.size <= size else {
                throw LedgerError.integrity(index: size, "log of size \(size) is shorter than the trusted checkpoint of size \(t.size)")
            }
            if t.size == size {
                guard t.root == root else { throw LedgerError.integrity(index: nil, "the trusted checkpoint's root differs from the verified root") }
            } else if t.size > 0 {
                var builder = ProofBuilder(source: reader.subtreeHashes)
                let proof = try builder.consistencyProof(from: t.size, to: size)
                do { try ProofVerifier.verifyConsistency(oldSize: t.size, oldRoot: t.root, newSize: size, newRoot: root, proof: proof) } catch {
                    throw LedgerError.integrity(index: t.size - 1, "the log is not consistent with the trusted checkpoint of size \(t.size)")
                }
            }
        }
    }

    /// The entries appended since the last run verified in one snapshot — after the resumed state's check and the
    /// scratch's version — then `more` on the same snapshot. The keys, processor and version are read before it
    /// (SQLite reads do not nest). Callers hold the lock.
    private func advanceInSnapshot<T>(_ more: (any LedgerReader, VerifiedTip) throws -> T) throws(VerificationFailure) -> T {
        let (keys, processor, version) = try VerificationFailure.wrap(.entries) {
            try ledger.requireCurrentProjections()
            return (try ledger.operatorVerifierKeys(), try ledger.processor(), try ledger.projectionVersion())
        }
        return try VerificationFailure.wrap(.entries) {
            try ledger.store.read { reader in
                try checkResumed(reader)
                try alignScratch(reader, version: version, processor: processor)
                return try more(reader, try advance(in: reader, keys: keys, processor: processor))
            }
        }
    }

    /// Verifies the entries appended since the last call (all of them the first time), replaying them into the
    /// projections kept in `scratch`.
    @discardableResult
    public func advance() throws(VerificationFailure) -> VerifiedTip {
        lock.lock()
        defer { lock.unlock() }
        return try advanceInSnapshot { $1 }
    }

    /// ``advance()``, then `sign(tip)` while no other run can advance: the checkpoint is of exactly the verified size.
    public func advanceAndSign<T>(_ sign: (VerifiedTip) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try sign(try advanceInSnapshot { $1 })
    }

    /// ``advance()``, then every re-check on the same snapshot.
    ///
    /// - Parameter sample: how many old entries to re-check (all of them when the log is no larger).
    @discardableResult
    public func run(sample: Int, trusted: SignedCheckpoint? = nil) throws(VerificationFailure) -> VerifiedTip {
        lock.lock()
        defer { lock.unlock() }
        return try advanceInSnapshot { reader, advanced in
            var tip = advanced
            try checkTrusted(reader, trusted)
            try recheck(reader, sample: sample)
            tip.entriesChecked += UInt64(min(sample, Int(clamping: tip.size)))
            return tip
        }
    }

    /// `keys` and `processor` are read before the snapshot is opened (SQLite reads do not nest); a checkpoint
    /// signed by an operator key announced in between fails this run's checkpoint check.
    private func advance(in reader: any LedgerReader, keys: [VerifierKey], processor: EventProcessor) throws -> VerifiedTip {
        let start = cursor.size
        let size = try reader.treeSize()
        let verifier = LedgerVerifier(operatorKeys: keys)
        try VerificationFailure.wrap(.checkpoints) {
            try checkpointDigest.check(reader, below: start, verifier: verifier, root: cursor.range.root)
        }
        let beyond = try VerificationFailure.wrap(.checkpoints) { try verifier.signedCheckpoints(reader, from: start) }
        if let last = beyond.last, last.size > size {
            throw VerificationFailure(check: .checkpoints, index: size, message: "checkpoint of size \(last.size) covers entries missing from the log of size \(size)")
        }
        if size < start {
            throw VerificationFailure(check: .entries, index: size, message: "the log shrank from \(start) to \(size) entries")
        }
        var next = cursor
        next.pending = beyond
        var nextAuthority = authority
        try VerificationFailure.wrap(.entries) {
            try verifier.advance(reader, cursor: &next, to: size, authority: &nextAuthority) { entries in
                try ledger.replay(entries, into: scratch, processor: processor)
            }
            try verifier.checkNoNodes(reader, beyond: size)
        }
        if let unreached = next.pending.first {
            throw VerificationFailure(check: .checkpoints, index: size, message: "checkpoint of size \(unreached.size) was never reached")
        }
        cursor = next
        authority = nextAuthority
        try checkpointDigest.update(reader, below: size)
        return VerifiedTip(size: size, root: cursor.range.root, entriesChecked: size - start)
    }

    private func recheck(_ reader: any LedgerReader, sample: Int) throws {
        let size = cursor.size
        try VerificationFailure.wrap(.triggers) {
            let missing = try reader.missingGuards()
            guard missing.isEmpty else {
                throw LedgerError.integrity(index: nil, "append-only triggers missing: \(missing.joined(separator: ", "))")
            }
        }
        try VerificationFailure.wrap(.treeNodes) {
            var builder = ProofBuilder(source: reader.subtreeHashes)
            guard try builder.root(size: size) == cursor.range.root else {
                throw LedgerError.integrity(index: size == 0 ? nil : size - 1, "the root computed from the stored tree nodes differs from the verified root of size \(size)")
            }
        }
        try VerificationFailure.wrap(.sampledEntries) {
            for index in Self.sample(sample, below: size) { try checkPath(reader, index: index) }
        }
        try VerificationFailure.wrap(.projections) {
            projectionPosition = try ledger.compareProjections(reader, scratch, from: projectionPosition, rows: projectionRowsPerRun)
        }
    }

    /// Entry `index`'s leaf hash, then each stored ancestor against its stored children, up to the perfect
    /// subtree that is part of the verified right edge.
    private func checkPath(_ reader: any LedgerReader, index: UInt64) throws {
        let size = cursor.size
        var hash = TreeHasher.leafHash(try reader.entry(at: index))
        guard try reader.nodeHash(NodeID(level: 0, index: index)) == hash else {
            throw LedgerError.integrity(index: index, "entry \(index) differs from its verified leaf hash")
        }
        var level = 0
        var position = index
        while ((position >> 1) + 1) << UInt64(level + 1) <= size {
            let sibling = try reader.nodeHash(NodeID(level: level, index: position ^ 1))
            hash = position & 1 == 0 ? TreeHasher.nodeHash(hash, sibling) : TreeHasher.nodeHash(sibling, hash)
            level += 1
            position >>= 1
            guard try reader.nodeHash(NodeID(level: level, index: position)) == hash else {
                throw LedgerError.integrity(index: index, "stored tree node (\(level), \(position)) above entry \(index) does not match its children")
            }
        }
        let edge = CompactRange.nodes(forSize: size)
        guard let slot = edge.firstIndex(of: NodeID(level: level, index: position)), cursor.range.hashes[slot] == hash else {
            throw LedgerError.integrity(index: index, "entry \(index)'s path does not reach the verified root")
        }
    }

    /// `count` distinct random indexes below `size`, or all of them when there are no more than `count`.
    static func sample(_ count: Int, below size: UInt64) -> [UInt64] {
        guard size > UInt64(count) else { return Array(0..<size) }
        var picked = Set<UInt64>()
        while picked.count < count { picked.insert(UInt64.random(in: 0..<size)) }
        return picked.sorted()
    }
}

/// The checkpoints table below the verified size: the number of rows and SHA-256 over them (size, root, note).
/// The rows from the verified size on are checked in full by each advance (signature and root). When the digest
/// differs, rows were added below the verified size (a checkpoint another writer signed at a smaller size while
/// this verifier moved on) or changed: then every row below is checked in full (its signature, and a consistency
/// proof from the stored nodes to the verified root); fewer rows than before is a deletion.
struct CheckpointDigest {
    var size: UInt64 = 0
    var count = 0
    var digest = Hash.sha256([UInt8]())

    static func compute(_ rows: [StoredCheckpoint]) -> Hash {
        var bytes: [UInt8] = []
        for c in rows { bytes += Array("\(c.size)\n".utf8) + c.root.bytes + Array(c.note.utf8) + [0] }
        return Hash.sha256(bytes)
    }

    func check(_ reader: any LedgerReader, below size: UInt64, verifier: LedgerVerifier, root: Hash) throws {
        precondition(size == self.size)
        let rows = try reader.checkpoints().filter { $0.size < size }
        if rows.count == count, Self.compute(rows) == digest { return }
        guard rows.count >= count else {
            throw LedgerError.integrity(index: nil, "\(count - rows.count) checkpoint(s) of size below \(size) were deleted since they were verified")
        }
        var builder = ProofBuilder(source: reader.subtreeHashes)
        for row in try verifier.signedCheckpoints(reader, from: 0) where row.size < size && row.size > 0 {
            let proof = try builder.consistencyProof(from: row.size, to: size)
            do {
                try ProofVerifier.verifyConsistency(oldSize: row.size, oldRoot: row.root, newSize: size, newRoot: root, proof: proof)
            } catch {
                throw LedgerError.integrity(index: row.size - 1, "checkpoint of size \(row.size) is not consistent with the verified root of size \(size)")
            }
        }
    }

    mutating func update(_ reader: any LedgerReader, below size: UInt64) throws {
        let rows = try reader.checkpoints().filter { $0.size < size }
        self.size = size
        count = rows.count
        digest = Self.compute(rows)
    }
}
