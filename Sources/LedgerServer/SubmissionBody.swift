import LedgerCore
import TransferLedger
import TransferRules

/// The body `POST /v1/submissions` and `POST /v1/checks` take: one `{"submission","sig"}` or `{"batch":[…]}` with at
/// least one item. Anything else is 400 MALFORMED naming what was wrong.
enum SubmissionBody {
    case single(JSONValue)
    case batch([JSONValue])

    static func parse(_ bytes: [UInt8]) throws -> SubmissionBody {
        let json: JSONValue
        do { json = try CanonicalJSON.decode(bytes) } catch {
            throw ServerError.malformed("the body is not well-formed JSON: \(NumberHint.describe(error, in: bytes))")
        }
        guard case .object(let object) = json else {
            throw ServerError.malformed("the body must be {\"submission\",\"sig\"} or {\"batch\":[…]}, got \(json.typeName)")
        }
        let keys = Set(object.keys)
        if keys == ["batch"] {
            guard case .array(let items) = object["batch"]!, !items.isEmpty else { throw ServerError.malformed("batch must be a non-empty array") }
            return .batch(items)
        }
        guard keys == ["submission", "sig"] else {
            throw ServerError.malformed("the body must be {\"submission\",\"sig\"} or {\"batch\":[…]}; it has \(keys.sorted())")
        }
        return .single(json)
    }

    /// Each item as a signed submission, or the violation (R-SCHEMA, …) that keeps it from being one.
    static func signed(_ items: [JSONValue]) -> [Result<SignedSubmission, RuleViolation>] {
        items.map { item in
            do throws(RuleViolation) { return .success(try SignedSubmission(json: item)) } catch { return .failure(error) }
        }
    }

    /// The submissions, in body order.
    var items: [JSONValue] {
        switch self {
        case .single(let one): [one]
        case .batch(let list): list
        }
    }
}
