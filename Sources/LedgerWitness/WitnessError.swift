/// Every failure of the witness service, each with the tlog-witness status code it answers with.
public enum WitnessError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 400: the request does not parse, or old size exceeds the checkpoint size.
    case malformed(String)
    /// 403: no signature on the checkpoint verifies against a key the witness trusts for its origin.
    case forbidden(String)
    /// 404: the witness does not know the checkpoint's origin.
    case unknownOrigin(String)
    /// 409: the old size is not the size the witness holds (routine: the client learns the held size).
    case conflict(heldSize: UInt64, String)
    /// 409 too: a checkpoint of the held size arrived with another root (a fork; kept as evidence).
    case forked(heldSize: UInt64, String)
    /// 413: the body exceeds the witness's limit.
    case tooLarge(limit: Int)
    /// 422: the consistency proof does not verify.
    case badProof(String)
    /// 500: the state store failed; nothing was cosigned.
    case storage(String)

    /// The HTTP status code of tlog-witness for this failure.
    public var status: Int {
        switch self {
        case .malformed: 400
        case .forbidden: 403
        case .unknownOrigin: 404
        case .conflict, .forked: 409
        case .tooLarge: 413
        case .badProof: 422
        case .storage: 500
        }
    }

    public var description: String {
        switch self {
        case .malformed(let m): "malformed add-checkpoint request: \(m)"
        case .forbidden(let m): "checkpoint signature not accepted: \(m)"
        case .unknownOrigin(let o): "unknown log origin \(o)"
        case .conflict(let size, let m): "conflict with the held checkpoint of size \(size): \(m)"
        case .forked(let size, let m): "a fork of the held checkpoint of size \(size): \(m)"
        case .tooLarge(let limit): "request body exceeds \(limit) bytes"
        case .badProof(let m): "consistency proof does not verify: \(m)"
        case .storage(let m): "witness state store failed: \(m)"
        }
    }
}
