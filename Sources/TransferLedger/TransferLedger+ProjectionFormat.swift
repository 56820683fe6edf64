import LedgerCore
import TransferRules

extension TransferLedger {
    /// The version of the read models' rows (decision 020); raised when a read model changes shape.
    static let readModelVersion = "readmodels-6"

    /// What the projection rows are written with, recorded in the meta under ``ProjectionCodec/metaKey``: the value
    /// format (decision 019), the read models' version, and a fingerprint of the working calendar the read models'
    /// due dates were counted on (decision 020), so that a new holiday calendar rebuilds them like a new format.
    static func projectionVersion(reference: ReferenceData, policy: Policy) -> String {
        let calendar = WorkingCalendar(policy: policy, reference: reference)
        let dates = calendar.holidays.sorted().map { "h\($0)" } + calendar.adjustedWorkdays.sorted().map { "w\($0)" }
        return "\(ProjectionCodec.formatName) \(readModelVersion) calendar-\(Hash.sha256(Array(dates.joined(separator: ",").utf8)).hex.prefix(16))"
    }

    /// This ledger's ``projectionVersion(reference:policy:)``; nil before it has a genesis.
    func projectionVersion() throws -> String? {
        if let cached = projectionVersionCache.value { return cached }
        guard try store.read({ try $0.treeSize() }) > 0 else { return nil }
        let version = Self.projectionVersion(reference: reference, policy: try genesis().policy)
        projectionVersionCache.value = version
        return version
    }

    /// Whether the projection rows of the ledger `reader` reads are those `version` writes: the meta says so, or the
    /// log is empty (nothing was projected yet; the genesis records the version).
    static func projectionsCurrent(_ reader: any LedgerReader, version: String?) throws -> Bool {
        guard let version else { return try reader.treeSize() == 0 }
        return try reader.meta(ProjectionCodec.metaKey) == version || reader.treeSize() == 0
    }

    /// Throws ``oldProjectionFormat(stored:current:)`` unless the stored projections are those this code writes.
    func requireCurrentProjections() throws {
        let version: String?
        // A genesis that does not parse is the verifier's to name (at index 0), not a question of format.
        do { version = try projectionVersion() } catch is RuleViolation { return } catch let e as LedgerError {
            switch e {
            case .malformedJSON, .malformedSubmission, .malformedKey, .integrity: return
            default: throw e
            }
        }
        let stored = try store.read { r -> String?? in try Self.projectionsCurrent(r, version: version) ? nil : .some(try r.meta(ProjectionCodec.metaKey)) }
        if let stored { throw Self.oldProjectionFormat(stored: stored, current: version) }
    }

    /// Thrown by `verify` and `rebuild --check` on a ledger whose projections were written in an older format, by an
    /// older version of the read models or on another holiday calendar: a comparison with the replay would call
    /// rows different, which is not what happened.
    static func oldProjectionFormat(stored: String?, current: String?) -> LedgerError {
        .storage(
            "the projections of this ledger were written as \(stored.map { "\"\($0)\"" } ?? "JSON (before docs/decisions/019)"), not as this version writes them (\"\(current ?? "")\": "
                + "value format, read models and holiday calendar, docs/decisions/019 and 020), so they cannot be compared with a replay; "
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
        let version = try projectionVersion()
        guard try store.read({ try !Self.projectionsCurrent($0, version: version) }) else { return false }
        let origin = try origin()
        let processor = try processor()
        let started = ContinuousClock.now
        let rebuilt = try store.write { w -> UInt64? in
            guard try !Self.projectionsCurrent(w, version: version) else { return nil }
            let stored = try w.meta(ProjectionCodec.metaKey) ?? "JSON"
            logger.notice(
                "projections were written by another version or on another holiday calendar; rebuilding them from the entries",
                metadata: ["stored": "\(stored)", "current": "\(version ?? "")"])
            try w.deleteAllProjections()
            let size = try w.treeSize()
            try Self.forEachEntryChunk(w, size: size) { entries in
                let state = ProjectionState(reader: w, origin: origin, cache: ProjectionCache())
                for entry in entries { try processor.apply(try Self.event(of: entry), entry: entry, writer: w, state: state) }
            }
            if let version { try w.setMeta(ProjectionCodec.metaKey, version) }
            return size
        }
        guard let rebuilt else { return false }
        let elapsed = ContinuousClock.now - started
        logger.notice(
            "projections rebuilt",
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
