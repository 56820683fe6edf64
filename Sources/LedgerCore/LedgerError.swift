/// Every failure the log layer reports.
///
/// Cases say what failed; callers add "while doing what". Messages never contain private key material.
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Input is not well-formed canonical-JSON-compatible data (syntax, duplicate key, float, huge integer,
    /// invalid UTF-8, nesting too deep). The string names where and why.
    case malformedJSON(String)
    /// A submission or entry does not have the shape of SPEC §3 (missing, unknown or mistyped field).
    case malformedSubmission(String)
    /// A key string or key file does not parse, or its key id does not match its key.
    case malformedKey(String)
    /// A signed note, checkpoint or tlog-proof does not parse.
    case malformedNote(String)
    /// A signature did not verify.
    case badSignature(String)
    /// A proof did not verify, or a proof was requested outside the tree.
    case badProof(String)
    /// An index, size or range lies outside the log.
    case outOfRange(String)
    /// The stored log contradicts itself: the text names the first bad index.
    case integrity(index: UInt64?, String)
    /// The store failed (I/O, SQLite). Not a statement about the log's contents.
    case storage(String)
    /// The store's file system is full (SQLITE_FULL, ENOSPC): the failed write was rolled back whole.
    case storageFull(String)
    /// The store could not read or write its files (an I/O error, a read-only file or file system): the failed write
    /// was rolled back whole.
    case storageIO(String)
    /// Another writer held the store's write lock longer than this writer would wait (PostgreSQL: another daemon or
    /// CLI appending); nothing was written.
    case writerBusy(String)
    /// The store holds no ledger (not initialised) or already holds one.
    case notInitialised(String)

    /// A full file system or an I/O failure of the store (the write was rolled back whole).
    public var isStorageFailure: Bool {
        switch self {
        case .storageFull, .storageIO: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .malformedJSON(let s): "malformed JSON: \(s)"
        case .malformedSubmission(let s): s
        case .malformedKey(let s): "malformed key: \(s)"
        case .malformedNote(let s): "malformed signed note: \(s)"
        case .badSignature(let s): "bad signature: \(s)"
        case .badProof(let s): "proof does not verify: \(s)"
        case .outOfRange(let s): "out of range: \(s)"
        case .integrity(let index?, let s): "integrity failure at index \(index): \(s)"
        case .integrity(nil, let s): "integrity failure: \(s)"
        case .storage(let s): "storage failure: \(s)"
        case .storageFull(let s): "storage full: \(s)"
        case .storageIO(let s): "storage I/O failure: \(s)"
        case .writerBusy(let s): "writer busy: \(s)"
        case .notInitialised(let s): s
        }
    }
}
