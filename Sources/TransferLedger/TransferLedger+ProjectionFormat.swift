import LedgerCore
import TransferRules

extension TransferLedger {
    /// Whether the projection rows of the ledger `reader` reads are in ``ProjectionCodec``'s format: the meta says
    /// so, or the log is empty (nothing was projected yet; ``initialise(genesis:operatorKey:operatorKeyPath:)``
    /// records the format with the genesis).
    static func projectionsCurrent(_ reader: any LedgerReader) throws -> Bool {
        try reader.meta(ProjectionCodec.metaKey) == ProjectionCodec.formatName || reader.treeSize() == 0
    }

    /// Throws ``oldProjectionFormat()`` unless the stored projections are in the current format.
    func requireCurrentProjections() throws {
        guard try store.read({ try Self.projectionsCurrent($0) }) else { throw Self.oldProjectionFormat() }
    }

    /// Thrown by `verify` and `rebuild --check` on a ledger whose projections predate the binary format: a byte
    /// comparison with the replay would call every row different, which is not what happened.
    static func oldProjectionFormat() -> LedgerError {
        .storage(
            "the projections of this ledger are in the JSON format written before docs/decisions/019, so they cannot be compared with a replay; "
                + "run hwledger rebuild --upgrade (hwledgerd and every writing command also rebuild them), then verify again")
    }

    /// Rebuilds every projection row in ``ProjectionCodec``'s format if the ledger's rows are in the older JSON
    /// format, in one write transaction (all or nothing), and records the format in the meta; logged at notice.
    /// Every write path calls it before it reads a projection, so rows of the two formats never mix; a read-only
    /// open never calls it.
    ///
    /// - Returns: whether it rebuilt (false when the rows were already current).
    @discardableResult
    public func upgradeProjectionsIfNeeded() throws -> Bool {
        guard try store.read({ try !Self.projectionsCurrent($0) }) else { return false }
        let origin = try origin()
        let processor = try processor()
        let started = ContinuousClock.now
        let rebuilt = try store.write { w -> UInt64? in
            guard try !Self.projectionsCurrent(w) else { return nil }
            logger.notice("projections are in the JSON format of before docs/decisions/019; rebuilding them from the entries")
            try w.deleteAllProjections()
            let size = try w.treeSize()
            var start: UInt64 = 0
            while start < size {
                let end = min(size, start + 4096)
                var entries: [Entry] = []
                try w.forEachEntry(from: start, to: end) { index, bytes in
                    do { entries.append(try Entry(bytes: bytes)) } catch {
                        throw LedgerError.integrity(index: index, "entry does not parse: \(error)")
                    }
                    return true
                }
                let state = ProjectionState(reader: w, origin: origin, cache: ProjectionCache())
                for entry in entries { try processor.apply(try Self.event(of: entry), entry: entry, writer: w, state: state) }
                start = end
            }
            try w.setMeta(ProjectionCodec.metaKey, ProjectionCodec.formatName)
            return size
        }
        guard let rebuilt else { return false }
        let elapsed = ContinuousClock.now - started
        logger.notice(
            "projections rebuilt in the binary format",
            metadata: ["entries": "\(rebuilt)", "ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)"])
        return true
    }

    /// The event an appended entry carries.
    static func event(of entry: Entry) throws -> LedgerEvent {
        let s = entry.submission
        do { return try LedgerEvent.decode(type: s.type, body: s.body) } catch {
            throw LedgerError.integrity(index: entry.index, "event does not decode: \(error.message)")
        }
    }
}
