import LedgerCore
import TransferRules

/// What ``TransferLedger/copyLog(to:progress:)`` copied.
public struct LogCopyReport: Sendable, Equatable {
    public var entries: UInt64
    public var root: Hash
    public var checkpoints: Int
    public var cosignatures: Int
}

extension TransferLedger {
    /// Copies this ledger into the empty store `target` (`hwledger migrate`, issue 20): every entry's exact bytes in
    /// order, the tree nodes recomputed from them, the projections replayed from the events, then every stored
    /// checkpoint byte for byte with its witness cosignatures, and the ledger settings.
    ///
    /// Nothing is trusted from the source but the bytes: each stored checkpoint must have the root of the copied
    /// entries at its size, else the copy stops with ``LedgerError/integrity(index:_:)``. Entries are copied in
    /// write transactions of 4,096, so a failure leaves a prefix of the log in `target` (an empty target is required,
    /// so the run is repeated on a fresh database).
    ///
    /// - Parameter progress: told `(entries copied, log size)` after each transaction.
    public func copyLog(to target: any LedgerStore, progress: (UInt64, UInt64) -> Void = { _, _ in }) throws -> LogCopyReport {
        guard try target.read({ try $0.treeSize() == 0 && $0.meta("origin") == nil }) else {
            throw LedgerError.notInitialised("the target database already holds a ledger; migrate copies into an empty one")
        }
        let origin = try origin()
        let processor = try processor()
        let version = try projectionVersion()
        return try store.read { source in
            let size = try source.treeSize()
            let stored = try source.checkpoints()
            var checkpoints = stored[...]
            var range = CompactRange()
            var report = LogCopyReport(entries: 0, root: range.root, checkpoints: 0, cosignatures: 0)
            try target.write { w in
                for key in ["origin", "operatorKeyPath", "referencePath"] {
                    if let value = try source.meta(key) { try w.setMeta(key, value) }
                }
                // The projections are replayed here, so they are in the current format whatever the source's are.
                if let version { try w.setMeta(ProjectionCodec.metaKey, version) }
            }
            var start: UInt64 = 0
            while start < size {
                let end = min(size, start + 4096)
                try target.write { w in
                    let state = ProjectionState(reader: w, origin: origin, cache: ProjectionCache())
                    try source.forEachEntry(from: start, to: end) { index, bytes in
                        let entry: Entry
                        do { entry = try Entry(bytes: bytes) } catch { throw LedgerError.integrity(index: index, "entry does not parse: \(error)") }
                        try w.appendEntry(index: index, bytes: bytes, nodes: range.append(TreeHasher.leafHash(bytes)))
                        let event: LedgerEvent
                        do { event = try LedgerEvent.decode(type: entry.submission.type, body: entry.submission.body) } catch let v as RuleViolation {
                            throw LedgerError.integrity(index: index, "event does not decode: \(v.message)")
                        }
                        try processor.apply(event, entry: entry, writer: w, state: state)
                        report.cosignatures += try copyCheckpoints(upTo: range, from: source, pending: &checkpoints, into: w)
                        return true
                    }
                }
                start = end
                progress(end, size)
            }
            guard checkpoints.isEmpty else {
                throw LedgerError.integrity(index: nil, "a stored checkpoint of size \(checkpoints.first!.size) is larger than the log (\(size))")
            }
            report.entries = size
            report.root = range.root
            report.checkpoints = stored.count
            return report
        }
    }

    /// Stores the source's checkpoints of exactly `range.size` (after checking their root) and their cosignatures;
    /// returns how many cosignatures it stored.
    private func copyCheckpoints(
        upTo range: CompactRange, from source: any LedgerReader, pending: inout ArraySlice<StoredCheckpoint>, into w: any LedgerWriter
    ) throws -> Int {
        var cosignatures = 0
        while let next = pending.first, next.size == range.size {
            guard next.root == range.root else {
                throw LedgerError.integrity(index: nil, "the stored checkpoint of size \(next.size) has root \(next.root.base64), the entries give \(range.root.base64)")
            }
            try w.insertCheckpoint(next)
            for line in try source.cosignatures(size: next.size) {
                guard let name = SignedNote.Signature.name(ofLine: line) else {
                    throw LedgerError.integrity(index: nil, "a cosignature of the checkpoint of size \(next.size) is not a signature line")
                }
                try w.insertCosignature(size: next.size, witness: name, line: line)
                cosignatures += 1
            }
            pending.removeFirst()
        }
        return cosignatures
    }
}
