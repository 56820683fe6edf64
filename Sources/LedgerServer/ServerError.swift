import TransferLedger

/// Every failure the HTTP layer itself decides (rule rejections come from `TransferLedger` as `RuleViolation`).
///
/// ``ErrorMapping`` is the one place that turns these, and every other error a handler throws, into a status.
public enum ServerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The body is not well-formed JSON or not one of the accepted wrappers (400 MALFORMED).
    case malformed(String)
    /// A query parameter is missing, not a number, or outside the log (400 USAGE).
    case usage(String)
    /// The body exceeds the limit of `limit` bytes (413 TOO-LARGE).
    case bodyTooLarge(limit: Int)
    /// No, or a bad, `Authorization: HWL-Ed25519` header (401 R-SIG).
    case unauthenticated(String)
    /// The principal may not see the resource (403 R-AUTH).
    case forbidden(String)
    /// The resource does not exist or is not served (404 R-NOT-FOUND).
    case notFound(String)
    /// The daemon is stopping and takes no new writes (503 UNAVAILABLE).
    case shuttingDown
    /// The body is not `application/json` (415 UNSUPPORTED-MEDIA-TYPE).
    case unsupportedMediaType(String)
    /// The path is served, but not under this method (405 METHOD-NOT-ALLOWED with `Allow`).
    case methodNotAllowed(method: String, allow: [String])
    /// The entry is in a signed checkpoint that does not yet carry the witness quorum (503 AWAITING-WITNESSES).
    case awaitingWitnesses(String)
    /// The daemon serves a read-only standby (`--read-only`): writes go to the primary, named when known (503 READ-ONLY).
    case readOnly(primary: String?)
    /// Verification failed: the daemon takes no writes until restarted on a log that verifies (503 INTEGRITY).
    case integrityHalted(VerificationFailure)

    public var description: String {
        switch self {
        case .malformed(let m): "malformed request: \(m)"
        case .usage(let m): m
        case .bodyTooLarge(let limit): "the request body exceeds \(limit) bytes"
        case .unauthenticated(let m): m
        case .forbidden(let m): m
        case .notFound(let m): m
        case .shuttingDown: "the daemon is shutting down and accepts no new submissions"
        case .unsupportedMediaType(let m): m
        case .methodNotAllowed(let method, let allow): "\(method.prefix(20)) is not allowed here; allowed: \(allow.joined(separator: ", "))"
        case .awaitingWitnesses(let m): m
        case .readOnly(let primary?): "this hwledgerd serves a read-only standby of the ledger: send writes to the primary at \(primary)"
        case .readOnly(nil): "this hwledgerd serves a read-only standby of the ledger: send writes to the primary"
        case .integrityHalted(let f):
            "the daemon stopped accepting writes: verification \(f); it serves reads of what was published and needs a restart on a log that verifies"
        }
    }
}
