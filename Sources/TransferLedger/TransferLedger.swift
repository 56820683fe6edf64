import Foundation
import LedgerCore
import Logging
import TransferRules

/// The public library API: validates submissions with ``TransferRules``, appends them through a ``LedgerStore``
/// and keeps the projections. Both the CLI and the daemon call it, so the rules run in exactly one place.
///
/// It is a `Sendable` class with synchronous methods rather than an actor: the store serialises writers itself
/// (SQLite's lock also covers other processes), and GRDB's API is synchronous. Callers on an async executor run
/// it off the cooperative pool (see docs/decisions/002-synchronous-ledger-facade.md).
public final class TransferLedger: Sendable {
    public let store: any LedgerStore
    public let reference: ReferenceData
    let clock: @Sendable () -> UTCInstant
    let logger: Logger
    let genesisCache = Cached<Genesis>()
    /// The origin, fixed at init: every read through ``withState(_:)`` names it.
    let originCache = Cached<String>()
    /// ``projectionVersion()``, fixed once the genesis is: every write path asks for it.
    let projectionVersionCache = Cached<String>()

    /// Submissions per write transaction in bulk input.
    public static let batchSize = 2000

    /// - Parameters:
    ///   - clock: the ledger's clock; entry times come from it. Injected so tests can fix it.
    public init(store: any LedgerStore, reference: ReferenceData, clock: @escaping @Sendable () -> UTCInstant, logger: Logger) {
        self.store = store
        self.reference = reference
        self.clock = clock
        self.logger = logger
    }

    /// The system clock, to the second.
    public static let systemClock: @Sendable () -> UTCInstant = { UTCInstant(seconds: Int64(Date().timeIntervalSince1970)) }

    // MARK: Genesis

    /// Creates entry 0 (`ledger.genesis`, signed by the operator key) in an empty store and signs checkpoint 1.
    ///
    /// - Throws: ``RuleViolation`` (R-SCHEMA) when the operator key is not named after the origin;
    ///   ``LedgerError/notInitialised(_:)`` when the store already holds a ledger.
    @discardableResult
    public func initialise(genesis: Genesis, operatorKey: SigningKey, operatorKeyPath: String?) throws -> StoredCheckpoint {
        guard operatorKey.name == genesis.origin else {
            throw RuleViolation(.schema, "the operator key is named \(operatorKey.name), but the origin is \(genesis.origin)")
        }
        let body = genesis.body(operatorKey: operatorKey.verifier)
        let submission = UnsignedEvent(type: "ledger.genesis", actor: genesis.origin, body: body)
            .signed(with: operatorKey, at: clock(), nonce: randomNonce())
        let checkpointer = try Checkpointer(origin: genesis.origin, keys: [operatorKey])
        return try store.write { w in
            guard try w.treeSize() == 0 else { throw LedgerError.notInitialised("the database already holds a ledger") }
            try w.setMeta("origin", genesis.origin)
            try w.setMeta(ProjectionCodec.metaKey, Self.projectionVersion(reference: reference, policy: genesis.policy))
            if let operatorKeyPath { try w.setMeta("operatorKeyPath", operatorKeyPath) }
            var appender = try LogAppender(writer: w)
            let appended = try appender.append(submission.submission, signature: submission.signature, time: clock().description)
            let event = LedgerEvent.genesis(try Genesis(json: .object(body), path: "body", requireOperatorKey: true))
            try EventProcessor(context: RegimeContext(reference: reference, policy: genesis.policy))
                .apply(event, entry: appended.entry, writer: w, state: ProjectionState(reader: w, origin: genesis.origin))
            return try checkpointer.publish(in: w)
        }
    }

    /// The origin recorded at init.
    public func origin() throws -> String {
        if let cached = originCache.value { return cached }
        guard let origin = try store.read({ try $0.meta("origin") }) else {
            throw LedgerError.notInitialised("the database holds no ledger; run hwledger init first")
        }
        originCache.value = origin
        return origin
    }

    /// The operator key file path recorded at init, if any.
    public func operatorKeyPath() throws -> String? { try store.read { try $0.meta("operatorKeyPath") } }

    /// The genesis entry's content (read once; genesis never changes).
    public func genesis() throws -> Genesis {
        if let cached = genesisCache.value { return cached }
        let bytes = try store.read { r -> [UInt8] in
            guard try r.treeSize() > 0 else { throw LedgerError.notInitialised("the database holds no ledger; run hwledger init first") }
            return try r.entry(at: 0)
        }
        let entry = try Entry(bytes: bytes)
        let genesis = try Genesis(json: .object(entry.submission.body), path: "body", requireOperatorKey: true)
        genesisCache.value = genesis
        return genesis
    }

    /// The rules in force: reference data and the genesis policy.
    public func context() throws -> RegimeContext {
        RegimeContext(reference: reference, policy: try genesis().policy)
    }

    func processor() throws -> EventProcessor { EventProcessor(context: try context()) }

    /// Every key that has signed or may sign checkpoints: the genesis key and every key announced since, retired or
    /// not (old checkpoints stay verifiable after a rotation).
    public func operatorVerifierKeys() throws -> [VerifierKey] {
        let genesis = try genesis()
        var keys = genesis.operatorKey.map { [$0] } ?? []
        let announced = try store.read { try ProjectionState(reader: $0, origin: genesis.origin).keys(of: genesis.origin) }
        for record in announced {
            if let key = try? VerifierKey(parsing: record.key), !keys.contains(key) { keys.append(key) }
        }
        return keys
    }

    /// The witnesses whose cosignatures a checkpoint needs and the quorum: the last `witnesses.announced`, else the
    /// genesis's (no witnesses, quorum 0, when neither names any).
    public func witnessPolicy() throws -> WitnessPolicy {
        let origin = try origin()
        guard let record = try store.read({ try ProjectionState(reader: $0, origin: origin).witnessPolicy() }) else {
            return try genesis().witnesses
        }
        do {
            return try WitnessPolicy(witnesses: record.keys.map { try CosignerVerifierKey(parsing: $0) }, quorum: record.quorum)
        } catch {
            throw LedgerError.integrity(index: record.announcedAt, "the announced witness policy does not parse: \(error)")
        }
    }

    /// The operator keys not retired: the ones that sign new checkpoints.
    public func activeOperatorVerifierKeys() throws -> [VerifierKey] {
        let origin = try origin()
        return try store.read { try ProjectionState(reader: $0, origin: origin).keys(of: origin) }
            .filter { $0.revokedAt == nil }.compactMap { try? VerifierKey(parsing: $0.key) }
    }

    // MARK: Submitting

    /// Judges and appends submissions in input order, `batchSize` per transaction. Each is judged alone against
    /// the log including the earlier accepted ones; a rejected one writes nothing.
    ///
    /// What needs no log state (canonical bytes, JSON limits, the event's shape, `signedAt`) is done before the
    /// transaction, and signatures are checked in parallel against the keys known then; inside the transaction a
    /// signature pre-check is used only if the key it used is still the actor's valid key.
    ///
    /// Batches are pipelined: while one batch's transaction runs on this thread, the next batch is prepared and its
    /// signatures checked on the other cores.
    public func submit(_ items: [SignedSubmission]) throws -> [SubmitOutcome] {
        try upgradeProjectionsIfNeeded()
        let origin = try origin()
        let batches = stride(from: 0, to: items.count, by: Self.batchSize).map { Array(items[$0..<min(items.count, $0 + Self.batchSize)]) }
        var outcomes: [SubmitOutcome] = []
        outcomes.reserveCapacity(items.count)
        var next = batches.first.map { PrecheckJob(ledger: self, items: $0, origin: origin) }
        for (k, batch) in batches.enumerated() {
            let prechecked = try next!.result()
            next = k + 1 < batches.count ? PrecheckJob(ledger: self, items: batches[k + 1], origin: origin) : nil
            outcomes += try submitBatch(batch, origin: origin, prechecked: prechecked)
        }
        return outcomes
    }

    func submitBatch(_ items: [SignedSubmission], origin: String, prechecked: [Precheck]) throws -> [SubmitOutcome] {
        let processor = try processor()
        let now = clock()
        let outcomes = try store.write { w in
            try judgeAndAppend(items, origin: origin, prechecked: prechecked, processor: processor, now: now, writer: w, explain: false).map(\.outcome)
        }
        let appended = outcomes.filter { if case .appended = $0 { true } else { false } }.count
        logger.debug("appended batch", metadata: ["appended": "\(appended)", "rejected": "\(outcomes.count - appended)"])
        return outcomes
    }

    /// One item's outcome and, when `explain` was asked, every independent rule it fails (the first being the
    /// outcome's).
    struct JudgedItem {
        var outcome: SubmitOutcome
        var violations: [RuleViolation]
    }

    /// Judges and appends `items` in order inside the write transaction `w`; `prechecked` is empty or holds each
    /// item's ``Precheck``.
    func judgeAndAppend(
        _ items: [SignedSubmission], origin: String, prechecked: [Precheck], processor: EventProcessor, now: UTCInstant,
        writer w: any LedgerWriter, explain: Bool
    ) throws -> [JudgedItem] {
        let time = now.description
        var appender = try LogAppender(writer: w)
        let state = ProjectionState(reader: w, origin: origin, cache: ProjectionCache())
        var judged: [JudgedItem] = []
        for (i, item) in items.enumerated() {
            var event: LedgerEvent?
            let pre = prechecked.isEmpty ? Precheck(item) : prechecked[i]
            do {
                if let violation = pre.limits { throw violation }
                let submissionBytes = pre.submissionBytes
                let size = Entry.size(submissionBytes: submissionBytes.count, index: appender.size)
                guard size < CanonicalJSON.maxEntryBytes else {
                    throw RuleViolation(.schema, "the entry would be \(size) bytes, reaching the limit of \(CanonicalJSON.maxEntryBytes)")
                }
                let decoded = try checkEnvelope(item, state: state, precheck: pre, now: now)
                event = decoded
                let assigned = try processor.judge(decoded, actor: item.submission.actor, time: now, state: state)
                let appended: (entry: Entry, bytes: [UInt8], leafHash: Hash)
                do {
                    appended = try appender.append(
                        item.submission, signature: item.signature, time: time, assigned: assigned, submissionBytes: submissionBytes)
                } catch LedgerError.malformedSubmission(let message) {
                    throw RuleViolation(.schema, message)
                }
                try processor.apply(decoded, entry: appended.entry, writer: w, state: state)
                judged.append(JudgedItem(outcome: .appended(index: appended.entry.index, leafHash: appended.leafHash, assigned: assigned), violations: []))
            } catch let violation as RuleViolation {
                var all = [violation]
                if explain, let event {
                    let more = try processor.violations(event, actor: item.submission.actor, time: now, state: state)
                    if more.first == violation { all = more }
                }
                judged.append(JudgedItem(outcome: .rejected(violation), violations: all))
            }
        }
        return judged
    }

    /// A dry run of `items` (`POST /v1/checks`, `hwledger check`): each is judged exactly as ``submit(_:)`` would
    /// judge it (later items see the earlier acceptable ones), inside a write transaction that is rolled back, so
    /// nothing is appended, no nonce is consumed and the tree is unchanged.
    ///
    /// - Returns: per item, every independent rule it fails (empty when it would be accepted); the first is the
    ///   rule `submit` would report.
    public func check(_ items: [SignedSubmission]) throws -> [[RuleViolation]] {
        struct Rollback: Error { var judged: [JudgedItem] }
        try upgradeProjectionsIfNeeded()
        let origin = try origin()
        let processor = try processor()
        let now = clock()
        do {
            try store.write { w in
                throw Rollback(judged: try judgeAndAppend(items, origin: origin, prechecked: [], processor: processor, now: now, writer: w, explain: true))
            }
        } catch let rollback as Rollback {
            return rollback.judged.map(\.violations)
        }
        throw LedgerError.storage("the dry run did not roll back")
    }

    /// The entry a replayed submission already made: when `item` is, byte for byte, the submission and signature of
    /// an appended entry (its actor's nonce was consumed by it), that entry's result; otherwise nil. A client that
    /// lost the first answer learns the outcome from the `409` R-NONCE answer.
    public func original(of item: SignedSubmission) throws -> SubmitOutcome? {
        let s = item.submission
        return try store.read { r -> SubmitOutcome? in
            guard let text = try r.projection(kind: ProjectionKind.nonce, key: "\(s.actor)/\(s.nonce)"),
                let index = UInt64(String(decoding: text, as: UTF8.self)), index < (try r.treeSize())
            else { return nil }
            let bytes = try r.entry(at: index)
            let entry = try Entry(bytes: bytes)
            guard entry.submission == s, entry.signature == item.signature else { return nil }
            return .appended(index: index, leafHash: TreeHasher.leafHash(bytes), assigned: entry.assigned)
        }
    }

    /// What is judged of a submission before the write transaction, without the log's state: on the other cores
    /// while the batch before it is appended.
    struct Precheck: Sendable {
        /// R-SCHEMA when the submission's JSON exceeds the limits.
        var limits: RuleViolation?
        var submissionBytes: [UInt8]
        /// The event its type and body give, and its `signedAt`; or the error reading them gave (R-SCHEMA).
        var shape: Result<(event: LedgerEvent, signedAt: UTCInstant), any Error>
        /// The key the signature was checked against and the result; nil when the actor held no such key then.
        var signature: (key: String, valid: Bool)?

        init(_ item: SignedSubmission) {
            let s = item.submission
            do { try s.json.checkLimits(path: "submission", depth: 1) } catch { limits = RuleViolation(.schema, "\(error)") }
            submissionBytes = s.canonicalBytes
            shape = Result { () throws -> (event: LedgerEvent, signedAt: UTCInstant) in
                let event = try LedgerEvent.decode(type: s.type, body: s.body)
                guard let signedAt = UTCInstant(s.signedAt) else {
                    throw RuleViolation(.schema, "submission.signedAt \(s.signedAt) is not a real calendar instant")
                }
                return (event, signedAt)
            }
        }
    }

    /// Each item's ``Precheck``, signatures checked on every core against the keys the log holds now.
    func prechecks(_ items: [SignedSubmission], origin: String) throws -> [Precheck] {
        let keys: [String?] = try store.read { r in
            let state = ProjectionState(reader: r, origin: origin, cache: ProjectionCache())
            return try items.map { try state.key(principal: $0.submission.actor, keyId: $0.submission.keyID)?.key }
        }
        var checks: [SignatureCheck] = []
        var positions: [Int] = []
        var parsed: [String: VerifierKey] = [:]
        for (i, item) in items.enumerated() {
            guard let keyText = keys[i] else { continue }
            if parsed[keyText] == nil { parsed[keyText] = try? VerifierKey(parsing: keyText) }
            if let key = parsed[keyText] {
                checks.append(SignatureCheck(message: item.submission.signedMessage, signature: item.signature, key: key))
                positions.append(i)
            }
        }
        var prechecks = items.map(Precheck.init)
        for (position, valid) in zip(positions, SignatureBatch.verify(checks)) {
            prechecks[position].signature = (keys[position]!, valid)
        }
        return prechecks
    }

    /// R-SCHEMA (event shape), R-SIG, R-NONCE and R-TIME (against the ledger's time `now`), in that order.
    func checkEnvelope(_ item: SignedSubmission, state: ProjectionState, precheck: Precheck, now: UTCInstant) throws -> LedgerEvent {
        let s = item.submission
        let (event, signedAt) = try precheck.shape.get()
        guard let record = try state.key(principal: s.actor, keyId: s.keyID) else {
            throw RuleViolation(.signature, "key \(s.keyID) is not a key of \(s.actor)")
        }
        if let revokedAt = record.revokedAt {
            throw RuleViolation(.signature, "key \(s.keyID) of \(s.actor) was revoked at entry \(revokedAt)")
        }
        let valid: Bool
        if let checked = precheck.signature, checked.key == record.key {
            valid = checked.valid
        } else {
            valid = (try? VerifierKey(parsing: record.key))?.isValidSignature(item.signature, for: s.signedMessage) ?? false
        }
        guard valid else { throw RuleViolation(.signature, "the signature does not verify under key \(s.keyID) of \(s.actor)") }
        if try state.nonceUsed(actor: s.actor, nonce: s.nonce) {
            throw RuleViolation(.nonce, "nonce \(s.nonce) was already used by \(s.actor): a replay")
        }
        try ActTimeRule.check(acts: ActTimeRule.acts(in: s.body), signedAt: signedAt, now: now)
        return event
    }

    // MARK: Checkpoints and proofs

    /// Signs a checkpoint of the current tree (of `verified.size`, checked against `verified.root`, when given)
    /// unless the latest one covers it.
    ///
    /// - Throws: ``LedgerError/malformedKey(_:)`` when a key is not an active operator key of this ledger.
    @discardableResult
    public func publishCheckpoint(keys: [SigningKey], verified: VerifiedTip? = nil) throws -> StoredCheckpoint {
        try upgradeProjectionsIfNeeded()
        let active = try activeOperatorVerifierKeys()
        for key in keys where !active.contains(key.verifier) {
            throw LedgerError.malformedKey("operator key \(key.verifier.keyIDHex) is not an active operator key of this ledger")
        }
        let checkpointer = try Checkpointer(origin: try origin(), keys: keys)
        return try store.write { try checkpointer.publish(in: $0, verified: verified.map { ($0.size, $0.root) }) }
    }

    /// The latest signed checkpoint.
    public func latestCheckpoint() throws -> StoredCheckpoint {
        guard let latest = try store.read({ try $0.latestCheckpoint() }) else {
            throw LedgerError.notInitialised("the ledger has no signed checkpoint")
        }
        return latest
    }
}


/// One value computed once and read from any thread (the genesis, the origin, the projection version).
final class Cached<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?
    var value: Value? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// The pre-checks of one batch, running in the background.
final class PrecheckJob: @unchecked Sendable {
    private let group = DispatchGroup()
    private var outcome: Result<[TransferLedger.Precheck], any Error> = .success([])

    init(ledger: TransferLedger, items: [SignedSubmission], origin: String) {
        DispatchQueue.global().async(group: group) { [self] in
            outcome = Result { try ledger.prechecks(items, origin: origin) }
        }
    }

    func result() throws -> [TransferLedger.Precheck] {
        group.wait()
        return try outcome.get()
    }
}
