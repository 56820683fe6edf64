import LedgerCore
import TransferRules

/// What ``TransferLedger/appendExact(_:expectedRoot:progress:)`` did.
public struct ExactAppendReport: Sendable, Equatable {
    /// Entries appended.
    public var appended: Int
    /// Entries given that this copy already held, byte for byte (skipped).
    public var alreadyPresent: Int
    /// The log's size afterwards.
    public var size: UInt64
    /// The root over the whole log afterwards.
    public var root: Hash
}

extension TransferLedger {
    /// Appends entries exported from another copy of this log (`hwledger entries`), keeping their exact bytes: the
    /// restore drill's "a restored copy plus the entries appended since reaches the same root" (docs/decisions/015).
    ///
    /// Each entry is checked as it would have been when first appended: it must be entry `size` of this copy, its
    /// `prev` the leaf hash of the entry before, its bytes canonical; its signature, nonce, R-TIME and the regime's
    /// rules are judged against this copy's projections with the entry's own ledger time as "now", and what the
    /// rules assign (a manifest number) must be what the entry records. The tree nodes it completes are computed
    /// and stored, and the projections updated, exactly as an append does. Entries this copy already holds are
    /// skipped when their bytes match and refused (a fork) when they differ.
    ///
    /// Everything happens in one write transaction: on any failure, or when the final root is not `expectedRoot`,
    /// nothing is appended. It signs no checkpoint (``publishCheckpoint(keys:verified:)`` does).
    ///
    /// Not guaranteed: a rule changed since an entry was first appended judges it by today's code; such an entry
    /// is refused here although `verify` (which replays but does not re-judge) accepts it.
    ///
    /// - Parameters:
    ///   - entries: exact entry bytes with the index each claims, in order.
    ///   - progress: told `(entries handled, entries given)`.
    /// - Throws: ``LedgerError/integrity(index:_:)`` naming the first entry that does not fit and why.
    public func appendExact(
        _ entries: [(index: UInt64, bytes: [UInt8])], expectedRoot: Hash? = nil, progress: (UInt64, UInt64) -> Void = { _, _ in }
    ) throws -> ExactAppendReport {
        try upgradeProjectionsIfNeeded()
        let origin = try origin()
        let processor = try processor()
        var parsed: [Entry] = []
        parsed.reserveCapacity(entries.count)
        for (index, bytes) in entries {
            let entry: Entry
            do { entry = try Entry(bytes: bytes) } catch { throw LedgerError.integrity(index: index, "entry does not parse: \(error)") }
            guard entry.index == index else { throw LedgerError.integrity(index: index, "the line says index \(index) but the entry claims \(entry.index)") }
            parsed.append(entry)
        }
        let items = parsed.map { SignedSubmission(submission: $0.submission, signature: $0.signature) }
        let prechecked = try prechecks(items, origin: origin)
        let total = UInt64(entries.count)
        return try store.write { w in
            if try w.treeSize() == 0, let first = parsed.first, first.submission.type == "ledger.genesis",
                let genesis = try? Genesis(json: .object(first.submission.body), path: "body", requireOperatorKey: true)
            {
                try w.setMeta(ProjectionCodec.metaKey, Self.projectionVersion(reference: reference, policy: genesis.policy))
            }
            var appender = try LogAppender(writer: w)
            let state = ProjectionState(reader: w, origin: origin, cache: ProjectionCache())
            var report = ExactAppendReport(appended: 0, alreadyPresent: 0, size: appender.size, root: appender.root)
            for (position, entry) in parsed.enumerated() {
                let bytes = entries[position].bytes
                let index = entry.index
                if index < appender.size {
                    guard try w.entry(at: index) == bytes else {
                        throw LedgerError.integrity(index: index, "entry \(index) differs from the one this copy holds: the two histories fork")
                    }
                    report.alreadyPresent += 1
                    progress(UInt64(position + 1), total)
                    continue
                }
                guard index == appender.size else {
                    throw LedgerError.integrity(index: index, "entry \(appender.size) is missing: this copy holds \(appender.size) entries and the next one given is \(index)")
                }
                guard entry.prev == appender.lastLeaf else {
                    throw LedgerError.integrity(index: index, "prev does not match the leaf hash of entry \(index - 1) of this copy: the two histories fork")
                }
                guard let now = UTCInstant(entry.time) else {
                    throw LedgerError.integrity(index: index, "entry.time \(entry.time) is not a ledger time")
                }
                do {
                    let event = try checkEnvelope(items[position], state: state, precheck: prechecked[position], now: now)
                    let assigned = try processor.judge(event, actor: entry.submission.actor, time: now, state: state)
                    guard assigned == entry.assigned else {
                        throw LedgerError.integrity(index: index, "the rules assign \(JSONValue.object(assigned).canonicalString) here, but the entry records \(JSONValue.object(entry.assigned).canonicalString)")
                    }
                    let appended = try appender.append(entry.submission, signature: entry.signature, time: entry.time, assigned: assigned)
                    guard appended.bytes == bytes else {
                        throw LedgerError.integrity(index: index, "entry bytes are not the canonical form of the entry")
                    }
                    try processor.apply(event, entry: appended.entry, writer: w, state: state)
                } catch let violation as RuleViolation {
                    throw LedgerError.integrity(index: index, "refused by \(violation.rule.rawValue): \(violation.message)")
                }
                report.appended += 1
                progress(UInt64(position + 1), total)
            }
            report.size = appender.size
            report.root = appender.root
            if let expectedRoot, report.root != expectedRoot {
                throw LedgerError.integrity(
                    index: nil, "the root over \(report.size) entries would be \(report.root.base64), not the expected \(expectedRoot.base64); nothing was appended")
            }
            return report
        }
    }
}
