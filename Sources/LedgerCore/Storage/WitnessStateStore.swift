/// What a witness holds for one log: the latest checkpoint it cosigned.
public struct WitnessLogState: Sendable, Equatable {
    public var origin: String
    public var size: UInt64
    public var root: Hash
    /// The signed note the log sent for that checkpoint (text and the log's signatures), kept as received.
    public var note: String

    public init(origin: String, size: UInt64, root: Hash, note: String) {
        self.origin = origin
        self.size = size
        self.root = root
        self.note = note
    }
}

/// A checkpoint the witness refused because it cannot be consistent with what it cosigned: a proof that does not
/// verify, or the same size with another root. Both notes and the proof are kept, so anyone can check the fork.
public struct WitnessEvidence: Sendable, Equatable {
    /// Row id, assigned by the store.
    public var id: Int64
    public var origin: String
    /// POSIX seconds at which the request arrived.
    public var receivedAt: Int64
    /// Why it was refused (a sentence).
    public var reason: String
    /// The checkpoint the witness held (its note as the log sent it).
    public var heldNote: String
    /// The `old N` size of the request.
    public var oldSize: UInt64
    /// The consistency proof of the request.
    public var proof: [Hash]
    /// The refused checkpoint's note, log signatures included.
    public var submittedNote: String

    public init(
        id: Int64 = 0, origin: String, receivedAt: Int64, reason: String, heldNote: String, oldSize: UInt64, proof: [Hash],
        submittedNote: String
    ) {
        self.id = id
        self.origin = origin
        self.receivedAt = receivedAt
        self.reason = reason
        self.heldNote = heldNote
        self.oldSize = oldSize
        self.proof = proof
        self.submittedNote = submittedNote
    }
}

/// Where a witness keeps its state. Implementation: `SQLiteWitnessStore` (LedgerSQLite).
///
/// ``update(_:)`` is one exclusive transaction (SQLite `BEGIN IMMEDIATE`): a witness reads the held size, checks the
/// request and stores the new state inside it, so two requests for one origin, in one process or two, can never both
/// pass the check against the same held state. When `update` returns, its effects are on disk.
public protocol WitnessStateStore: Sendable {
    /// Runs `body` inside one exclusive write transaction, committed when it returns; a thrown error rolls back.
    func update<T>(_ body: (any WitnessStateTransaction) throws -> T) throws -> T
    /// Every log's held state, by origin.
    func states() throws -> [WitnessLogState]
    /// Every evidence record, oldest first.
    func evidence() throws -> [WitnessEvidence]
}

/// Reads and writes inside one ``WitnessStateStore/update(_:)`` transaction.
public protocol WitnessStateTransaction: AnyObject {
    /// The held state of `origin`, nil if the witness never cosigned for it.
    func state(origin: String) throws -> WitnessLogState?
    /// Replaces the held state of the state's origin.
    func setState(_ state: WitnessLogState) throws
    /// Appends an evidence record.
    func addEvidence(_ evidence: WitnessEvidence) throws
}
