/// Appends entries inside one write transaction.
///
/// It reads the right edge of the tree (at most 64 node hashes and the last leaf hash) when it is created, which
/// must be inside the transaction, then keeps it in memory while the batch grows. That is what keeps two writers
/// from forking the log: the second one to take the lock sees the first one's entries.
public struct LogAppender {
    let writer: any LedgerWriter
    public private(set) var range: CompactRange
    public private(set) var lastLeaf: Hash

    /// Loads the right edge from `writer`.
    public init(writer: any LedgerWriter) throws {
        self.writer = writer
        let size = try writer.treeSize()
        let hashes = try CompactRange.nodes(forSize: size).map { try writer.nodeHash($0) }
        range = try CompactRange(size: size, hashes: hashes)
        lastLeaf = size == 0 ? .zero : try writer.nodeHash(NodeID(level: 0, index: size - 1))
    }

    /// Number of entries, including those appended by this appender.
    public var size: UInt64 { range.size }

    /// Builds entry `size` from a signed submission and appends it.
    ///
    /// - Returns: the entry as stored and its leaf hash.
    /// - Throws: ``LedgerError/malformedSubmission(_:)`` when the entry would reach ``CanonicalJSON/maxEntryBytes``;
    ///   storage errors.
    /// - Parameter submissionBytes: the submission's canonical bytes, if the caller already has them.
    public mutating func append(
        _ submission: Submission, signature: [UInt8], time: String, assigned: [String: JSONValue] = [:],
        submissionBytes: [UInt8]? = nil
    ) throws -> (entry: Entry, bytes: [UInt8], leafHash: Hash) {
        try submission.json.checkLimits(path: "submission", depth: 1)
        let entry = Entry(index: size, prev: lastLeaf, submission: submission, signature: signature, time: time, assigned: assigned)
        let bytes = entry.canonicalBytes(submissionBytes: submissionBytes ?? submission.canonicalBytes)
        guard bytes.count < CanonicalJSON.maxEntryBytes else {
            throw LedgerError.malformedSubmission("entry of \(bytes.count) bytes reaches the limit of \(CanonicalJSON.maxEntryBytes)")
        }
        let leaf = TreeHasher.leafHash(bytes)
        var next = range
        let nodes = next.append(leaf)
        try writer.appendEntry(index: entry.index, bytes: bytes, nodes: nodes)
        range = next
        lastLeaf = leaf
        return (entry, bytes, leaf)
    }

    /// The root over every entry so far.
    public var root: Hash { range.root }
}
