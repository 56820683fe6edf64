import LedgerCore
import TransferRules

/// Replays the key registry while the verifier streams the log: which key had to sign each entry.
struct KeyReplay: EntryAuthority {
    var keys: [String: (key: VerifierKey, revoked: Bool)] = [:]
    var origin: String?

    mutating func admit(_ entry: Entry) throws -> VerifierKey {
        let s = entry.submission
        if entry.index == 0 {
            guard s.type == "ledger.genesis" else { throw LedgerError.integrity(index: 0, "entry 0 is not ledger.genesis") }
            let genesis = try Genesis(json: .object(s.body), path: "body", requireOperatorKey: true)
            guard let op = genesis.operatorKey, s.actor == genesis.origin, s.keyID == op.keyIDHex else {
                throw LedgerError.integrity(index: 0, "genesis is not signed by its operator key")
            }
            origin = genesis.origin
            keys["\(genesis.origin)/\(op.keyIDHex)"] = (op, false)
            for r in genesis.regulators { keys["\(r.regulator.id)/\(r.key.keyIDHex)"] = (r.key, false) }
            return op
        }
        guard let (key, revoked) = keys["\(s.actor)/\(s.keyID)"] else {
            throw LedgerError.integrity(index: entry.index, "signed with key \(s.keyID), which \(s.actor) did not hold")
        }
        guard !revoked else { throw LedgerError.integrity(index: entry.index, "signed with key \(s.keyID) after it was revoked") }
        switch s.type {
        case "key.added", "key.revoked", "operator.key.announced", "operator.key.retired":
            switch try LedgerEvent.decode(type: s.type, body: s.body) {
            case .keyAdded(let e): keys["\(e.principal)/\(e.keyId)"] = (try VerifierKey(parsing: e.key), false)
            case .keyRevoked(let e): keys["\(e.principal)/\(e.keyId)"]?.revoked = true
            case .operatorKeyAnnounced(let key): keys["\(s.actor)/\(key.keyIDHex)"] = (key, false)
            case .operatorKeyRetired(let keyId): keys["\(s.actor)/\(keyId)"]?.revoked = true
            default: break
            }
        case "ledger.genesis":
            throw LedgerError.integrity(index: entry.index, "a second ledger.genesis")
        default: break
        }
        return key
    }
}

extension TransferLedger {
    /// Verifies the whole log (SPEC §4.1 `verify`): canonical bytes, prev links, signatures against the keys valid
    /// at each point, the stored tree, every stored checkpoint, the trusted checkpoint if given, and the
    /// projections (replayed into `scratch`, then compared row by row).
    ///
    /// - Parameters:
    ///   - scratch: an empty store to replay projections into; memory stays flat if it is on disk.
    ///   - progress: told `(entries verified, log size)` after each chunk.
    /// - Throws: ``LedgerError/integrity(index:_:)`` naming the first bad index.
    public func verify(
        trusted: SignedCheckpoint?, scratch: any LedgerStore, progress: (UInt64, UInt64) -> Void = { _, _ in }
    ) throws -> VerificationReport {
        try requireCurrentProjections()
        let operatorKeys: [VerifierKey]
        do { operatorKeys = try operatorVerifierKeys() } catch let e as RuleViolation {
            throw LedgerError.integrity(index: 0, "genesis does not parse: \(e.message)")
        } catch let e as LedgerError {
            if case .malformedSubmission = e { throw LedgerError.integrity(index: 0, "genesis does not parse: \(e)") }
            if case .malformedJSON = e { throw LedgerError.integrity(index: 0, "genesis does not parse: \(e)") }
            throw e
        }
        if let trusted {
            do { try trusted.note.verify(with: operatorKeys) } catch {
                throw LedgerError.integrity(index: nil, "the trusted checkpoint is not signed by this ledger's operator key")
            }
        }
        let processor = try processor()
        return try store.read { reader in
            var authority = KeyReplay()
            let size = try reader.treeSize()
            // Two chunks are in memory at once (one replayed while the next one's signatures are checked); parsed
            // entries of the transfer events take several KiB each, so chunks of 2,048 keep the peak RSS of a full
            // verify of the bench's transfers ledger under 100 MiB (4,096 reached 105–113 MiB).
            var verifier = LedgerVerifier(operatorKeys: operatorKeys)
            verifier.chunkSize = 2048
            let report = try verifier.verify(reader, authority: &authority, trusted: trusted) { entries in
                try replay(entries, into: scratch, processor: processor)
                if let last = entries.last { progress(last.index + 1, size) }
            }
            try compareProjections(reader, scratch)
            return report
        }
    }

    /// Rebuilds the projections from the entries into `scratch` and compares them with the stored ones
    /// (`hwledger rebuild --check`). No signature or tree checks: that is `verify`. `progress` is told
    /// `(entries replayed, log size)` after each chunk.
    public func rebuildCheck(scratch: any LedgerStore, progress: (UInt64, UInt64) -> Void = { _, _ in }) throws {
        let processor = try processor()
        try requireCurrentProjections()
        try store.read { reader in
            let size = try reader.treeSize()
            try Self.forEachEntryChunk(reader, size: size) { entries in
                try replay(entries, into: scratch, processor: processor)
                if let last = entries.last { progress(last.index + 1, size) }
            }
            try compareProjections(reader, scratch)
        }
    }

    /// Reads entries `[0, size)` parsed, in chunks of 4,096; an entry that does not parse is an integrity failure
    /// naming its index. `leaf`, if given, is told each entry's leaf hash in order.
    static func forEachEntryChunk(_ reader: any LedgerReader, size: UInt64, leaf: ((Hash) -> Void)? = nil, _ body: ([Entry]) throws -> Void) throws {
        var start: UInt64 = 0
        while start < size {
            let end = min(size, start + 4096)
            var entries: [Entry] = []
            try reader.forEachEntry(from: start, to: end) { index, bytes in
                leaf?(TreeHasher.leafHash(bytes))
                do { entries.append(try Entry(bytes: bytes)) } catch {
                    throw LedgerError.integrity(index: index, "entry does not parse: \(error)")
                }
                return true
            }
            try body(entries)
            start = end
        }
    }

    /// Applies `entries` to the projections in `scratch`. Must not read this ledger's store: it runs inside a read
    /// of it, and SQLite connections are not reentrant.
    func replay(_ entries: [Entry], into scratch: any LedgerStore, processor: EventProcessor) throws {
        try scratch.write { w in
            let state = ProjectionState(reader: w, origin: "", cache: ProjectionCache())
            for entry in entries { try processor.apply(try Self.event(of: entry), entry: entry, writer: w, state: state) }
        }
    }

    func compareProjections(_ stored: any LedgerReader, _ scratch: any LedgerStore) throws {
        _ = try compareProjections(stored, scratch, from: nil, rows: .max)
    }

    /// Where a bounded comparison of the projections stopped: the kind, and the last key compared in it.
    public struct ProjectionPosition: Sendable, Equatable {
        public var kind: String
        public var key: String
    }

    /// Compares stored projection rows with the replayed ones in (kind, key) order from `position` (the start when
    /// nil), about `rows` of them (whole pages of 1,000); a differing, missing or extra row is an integrity failure
    /// naming it. Returns where it stopped, nil when it reached the end.
    func compareProjections(_ stored: any LedgerReader, _ scratch: any LedgerStore, from position: ProjectionPosition?, rows: Int) throws -> ProjectionPosition? {
        // Callers check the projections' version first (``requireCurrentProjections()``): not here, inside their read.
        try scratch.read { rebuilt in
            let kinds = Set(try stored.projectionKinds()).union(try rebuilt.projectionKinds()).sorted()
            var compared = 0
            for kind in kinds where position.map({ kind >= $0.kind }) ?? true {
                var after = position.flatMap { $0.kind == kind ? $0.key : nil }
                while true {
                    let a = try Self.page(stored, kind: kind, after: after)
                    let b = try Self.page(rebuilt, kind: kind, after: after)
                    for (x, y) in zip(a, b) where x != y {
                        let key = x.0.utf8.lexicographicallyPrecedes(y.0.utf8) ? x.0 : y.0
                        throw LedgerError.integrity(index: nil, "projection \(kind)/\(key) differs from the one rebuilt from the entries")
                    }
                    if a.count != b.count {
                        let extra = a.count > b.count ? a[b.count].0 : b[a.count].0
                        throw LedgerError.integrity(index: nil, "projection \(kind)/\(extra) differs from the one rebuilt from the entries")
                    }
                    guard let last = a.last else { break }
                    after = last.0
                    compared += a.count
                    if compared >= rows { return ProjectionPosition(kind: kind, key: last.0) }
                }
            }
            return nil
        }
    }

    static func page(_ reader: any LedgerReader, kind: String, after: String?) throws -> [(String, [UInt8])] {
        var rows: [(String, [UInt8])] = []
        try reader.forEachProjection(kind: kind, after: after) { key, value in
            rows.append((key, value))
            return rows.count < 1000
        }
        return rows
    }
}
