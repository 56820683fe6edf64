import Foundation

/// Decides, for each entry in log order, which key had to sign it, and folds the entry into whatever state that
/// decision needs (the key registry). Implemented above the log, where the regime's principals are known.
public protocol EntryAuthority {
    /// The key that must have signed `entry`, judged on the state before it; then applies `entry` to that state.
    ///
    /// - Throws: anything; the verifier reports it as an integrity failure at the entry's index.
    mutating func admit(_ entry: Entry) throws -> VerifierKey
}

/// What a verification run established.
public struct VerificationReport: Sendable, Equatable {
    /// Entries checked.
    public var size: UInt64
    /// The root computed over all entries.
    public var root: Hash
    /// Stored checkpoints whose signature and root were checked.
    public var checkpointsChecked: Int
    /// Size of the trusted checkpoint the log was checked against, if one was given.
    public var trustedSize: UInt64?
}

/// Streams the log and recomputes everything it claims: canonical bytes, the hash chain, signatures, the stored
/// tree nodes, and every stored checkpoint. Memory stays flat: it holds one chunk of entries and the right edge.
///
/// It does not judge the regime's rules; a log whose entries are all signed and chained verifies even if a rule
/// was wrongly applied when they were appended.
public struct LedgerVerifier {
    /// Entries per chunk; signatures of a chunk are checked in parallel.
    public var chunkSize = 4096
    /// Operator keys that sign checkpoints.
    public let operatorKeys: [VerifierKey]
    /// Threads used for signature checks.
    public var parallelism = max(1, ProcessInfo.processInfo.activeProcessorCount)

    public init(operatorKeys: [VerifierKey]) {
        self.operatorKeys = operatorKeys
    }

    /// Verifies everything in `reader`, and that the log extends `trusted` (the auditor's kept checkpoint).
    ///
    /// - Parameter observe: called with each chunk of entries after its checks passed, in order (used to replay
    ///   projections).
    /// - Throws: ``LedgerError/integrity(index:_:)`` naming the first bad index.
    public func verify(
        _ reader: any LedgerReader, authority: inout some EntryAuthority, trusted: SignedCheckpoint? = nil,
        observe: ([Entry]) throws -> Void = { _ in }
    ) throws -> VerificationReport {
        let size = try reader.treeSize()
        var cursor = VerifierCursor()
        var checkpoints = try signedCheckpoints(reader, from: 0)
        if let last = checkpoints.last, last.size > size {
            throw LedgerError.integrity(index: size, "checkpoint of size \(last.size) covers entries missing from the log of size \(size)")
        }
        if let trusted {
            guard trusted.checkpoint.size <= size else {
                throw LedgerError.integrity(index: size, "log of size \(size) is shorter than the trusted checkpoint of size \(trusted.checkpoint.size)")
            }
            checkpoints.append(StoredCheckpoint(size: trusted.checkpoint.size, root: trusted.checkpoint.root, note: trusted.text))
            checkpoints.sort { $0.size < $1.size }
        }
        cursor.pending = checkpoints
        try advance(reader, cursor: &cursor, to: size, authority: &authority, observe: observe)
        try checkNoNodes(reader, beyond: size)
        if let unreached = cursor.pending.first {
            throw LedgerError.integrity(index: size, "checkpoint of size \(unreached.size) was never reached")
        }
        return VerificationReport(size: size, root: cursor.range.root, checkpointsChecked: cursor.checkpointsChecked, trustedSize: trusted?.checkpoint.size)
    }

    /// The stored checkpoints of size `from` or more, each checked against its signed note.
    public func signedCheckpoints(_ reader: any LedgerReader, from: UInt64) throws -> [StoredCheckpoint] {
        try reader.checkpoints().filter { $0.size >= from }.map { stored in
            let signed: SignedCheckpoint
            do {
                signed = try SignedCheckpoint(verifying: Array(stored.note.utf8), keys: operatorKeys)
            } catch {
                throw LedgerError.integrity(index: nil, "stored checkpoint of size \(stored.size) does not verify: \(error)")
            }
            guard signed.checkpoint.size == stored.size, signed.checkpoint.root == stored.root else {
                throw LedgerError.integrity(index: nil, "stored checkpoint of size \(stored.size) differs from its signed note")
            }
            return stored
        }
    }

    /// Fails if the store holds tree nodes beyond those of a tree of `size` leaves.
    public func checkNoNodes(_ reader: any LedgerReader, beyond size: UInt64) throws {
        var extraNode = false
        try reader.forEachNode(fromStorageID: NodeID.nodeCount(forSize: size), to: UInt64.max) { _, _ in
            extraNode = true
            return false
        }
        if extraNode { throw LedgerError.integrity(index: size, "tree nodes exist beyond the last entry") }
    }

    /// Verifies entries `[cursor.size, end)` as they extend the prefix `cursor` already established: canonical
    /// bytes, the link to the entry before, signatures (keys from `authority`), the tree nodes those leaves
    /// complete, and every checkpoint in `cursor.pending` the range reaches. On success `cursor` covers `end`.
    ///
    /// - Throws: ``LedgerError/integrity(index:_:)`` naming the first bad index; `cursor` is then unusable.
    public func advance(
        _ reader: any LedgerReader, cursor: inout VerifierCursor, to end: UInt64, authority: inout some EntryAuthority,
        observe: ([Entry]) throws -> Void = { _ in }
    ) throws {
        var range = cursor.range
        var lastLeaf = cursor.lastLeaf
        var pendingCheckpoints = cursor.pending[...]
        var checked = 0

        func checkRoots() throws {
            while let stored = pendingCheckpoints.first, stored.size <= range.size {
                guard stored.size == range.size else {
                    throw LedgerError.integrity(index: nil, "checkpoint of size \(stored.size) lies inside the already verified prefix of size \(range.size)")
                }
                if range.size > 0 || stored.root != TreeHasher.emptyRoot {
                    guard range.root == stored.root else {
                        throw LedgerError.integrity(
                            index: range.size == 0 ? 0 : range.size - 1,
                            "root over the first \(stored.size) entries differs from the checkpoint of that size")
                    }
                }
                pendingCheckpoints.removeFirst()
                checked += 1
            }
        }
        try checkRoots()

        // Signatures of chunk k are checked on the other cores while this thread parses chunk k + 1 and replays
        // chunk k; errors are still reported in index order.
        var previous: SignatureJob?
        var start = range.size
        while start < end {
            let chunkEnd = min(end, start + UInt64(chunkSize))
            var storedNodes: [Hash] = []
            storedNodes.reserveCapacity(Int(NodeID.nodeCount(forSize: chunkEnd) - NodeID.nodeCount(forSize: start)))
            try reader.forEachNode(fromStorageID: NodeID.nodeCount(forSize: start), to: NodeID.nodeCount(forSize: chunkEnd)) { _, h in
                storedNodes.append(h)
                return true
            }
            var rows: [(index: UInt64, bytes: [UInt8])] = []
            rows.reserveCapacity(Int(chunkEnd - start))
            try reader.forEachEntry(from: start, to: chunkEnd) { index, bytes in
                rows.append((index, bytes))
                return true
            }
            // Parsing, the canonical-form check and leaf hashing need nothing from other entries: all cores.
            let parsed = ParsedChunk.parse(rows, parallelism: parallelism)
            var pending: [(index: UInt64, check: SignatureCheck)] = []
            var entries: [Entry] = []
            var structural: LedgerError?
            var nodeCursor = 0
            for (position, row) in rows.enumerated() {
                do {
                    let index = row.index
                    guard index == range.size else {
                        throw LedgerError.integrity(index: range.size, "entry \(range.size) is missing")
                    }
                    let (entry, submissionBytes, leaf) = try parsed[position].get()
                    guard entry.index == index else {
                        throw LedgerError.integrity(index: index, "entry claims index \(entry.index)")
                    }
                    guard entry.prev == lastLeaf else {
                        throw LedgerError.integrity(index: index, "prev does not match the leaf hash of the entry before")
                    }
                    for (id, hash) in range.append(leaf) {
                        guard nodeCursor < storedNodes.count, storedNodes[nodeCursor] == hash else {
                            throw LedgerError.integrity(index: index, "stored tree node \(id) does not match the entries")
                        }
                        nodeCursor += 1
                    }
                    lastLeaf = leaf
                    let key: VerifierKey
                    do { key = try authority.admit(entry) } catch { throw LedgerError.integrity(index: index, "\(error)") }
                    pending.append((index, SignatureCheck(message: Submission.signaturePrefix + submissionBytes, signature: entry.signature, key: key)))
                    entries.append(entry)
                    try checkRoots()
                } catch let error as LedgerError {
                    structural = error
                    break
                }
            }
            if structural == nil, range.size != chunkEnd {
                structural = .integrity(index: range.size, "entry \(range.size) is missing")
            }
            let job = SignatureJob(pending, parallelism: parallelism)
            if let bad = previous?.firstBadIndex() { throw LedgerError.integrity(index: bad, "signature does not verify") }
            if let structural {
                if let bad = job.firstBadIndex() { throw LedgerError.integrity(index: bad, "signature does not verify") }
                throw structural
            }
            try observe(entries)
            previous = job
            start = chunkEnd
        }
        if let bad = previous?.firstBadIndex() { throw LedgerError.integrity(index: bad, "signature does not verify") }
        cursor.range = range
        cursor.lastLeaf = lastLeaf
        cursor.pending = Array(pendingCheckpoints)
        cursor.checkpointsChecked += checked
    }
}

/// How far a verification has got: the verified prefix's right edge and last leaf hash, and the checkpoints still
/// to be reached. Kept between runs, it lets a later run check only what was appended since.
public struct VerifierCursor: Sendable, Equatable {
    /// The verified prefix (its size, right edge and root).
    public var range = CompactRange()
    /// The leaf hash of the last verified entry (`Hash.zero` before entry 0).
    public var lastLeaf = Hash.zero
    /// Checkpoints beyond the prefix, by increasing size, that the next `advance` must reach and match.
    public var pending: [StoredCheckpoint] = []
    /// Checkpoints matched so far.
    public var checkpointsChecked = 0

    public init() {}

    public init(range: CompactRange, lastLeaf: Hash) {
        self.range = range
        self.lastLeaf = lastLeaf
    }

    public var size: UInt64 { range.size }
}

/// The signature checks of one chunk, running in the background.
final class SignatureJob: @unchecked Sendable {
    private let group = DispatchGroup()
    private var result: UInt64?

    init(_ items: [(index: UInt64, check: SignatureCheck)], parallelism: Int) {
        let checks = items.map(\.check)
        let indexes = items.map(\.index)
        DispatchQueue.global().async(group: group) { [self] in
            let valid = SignatureBatch.verify(checks, parallelism: parallelism)
            result = zip(indexes, valid).first { !$0.1 }?.0
        }
    }

    /// Waits for the checks; the lowest index whose signature fails, if any.
    func firstBadIndex() -> UInt64? {
        group.wait()
        return result
    }
}

/// Entries parsed in parallel: each entry, its submission's canonical bytes and its leaf hash, or why it failed.
enum ParsedChunk {
    static func parse(
        _ rows: [(index: UInt64, bytes: [UInt8])], parallelism: Int
    ) -> [Result<(Entry, [UInt8], Hash), LedgerError>] {
        let slots = ParseSlots(count: rows.count)
        let workers = max(1, min(parallelism, rows.count))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var i = w
            while i < rows.count {
                let (index, bytes) = rows[i]
                do {
                    let (entry, submissionBytes) = try Entry.parse(bytes)
                    slots.set(i, .success((entry, submissionBytes, TreeHasher.leafHash(bytes))))
                } catch {
                    slots.set(i, .failure(.integrity(index: index, "entry does not parse: \(error)")))
                }
                i += workers
            }
        }
        return slots.values
    }
}

final class ParseSlots: @unchecked Sendable {
    private var slots: [Result<(Entry, [UInt8], Hash), LedgerError>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: Result<(Entry, [UInt8], Hash), LedgerError>) { lock.withLock { slots[i] = value } }
    var values: [Result<(Entry, [UInt8], Hash), LedgerError>] { lock.withLock { slots.map { $0! } } }
}
