import Hummingbird
import LedgerCore
import NIOCore
import TransferLedger
import TransferRules

/// The single domain-error → HTTP-status mapping (SPEC §4.2) and the error envelope
/// `{"error":{"rule","message","messageZh"}}` (`messageZh` from ``RuleMessagesZh``, the catalogue the console and the CLI
/// share).
///
/// Rule rejections of a submission: R-SIG → 401 (with `WWW-Authenticate: HWL-Ed25519`), R-NONCE → 409, every other
/// rule → 422. HTTP-level failures come from ``ServerError``. Storage and integrity failures are 500 and are logged
/// by ``ErrorMiddleware``; their messages never carry key material.
public enum ErrorMapping {
    /// What a failure becomes on the wire.
    public struct Problem: Sendable, Equatable {
        public var status: HTTPResponse.Status
        public var rule: String
        public var message: String
        /// The methods a 405 names in `Allow`.
        public var allow: [String] = []
        /// The rule's own Chinese sentence (R-TIME names the field), when it has one; else the catalogue's.
        public var sentenceZh: String?

        public var json: JSONValue {
            .object(["error": ErrorObject.json(rule: rule, message: message, chinese: true, sentenceZh: sentenceZh)])
        }
    }

    /// `{"rule","message","messageZh"}`: what every error body and every rejected batch item carries.
    public static func errorObject(rule: String, message: String) -> JSONValue {
        ErrorObject.json(rule: rule, message: message, chinese: true)
    }

    /// `{"rule","message","messageZh"}` of a rule violation.
    public static func errorObject(_ violation: RuleViolation) -> JSONValue {
        ErrorObject.json(violation, chinese: true)
    }

    /// The status of a submission rejected by `rule`.
    public static func status(for rule: RuleID) -> HTTPResponse.Status {
        switch rule {
        case .signature: .unauthorized
        case .nonce: .conflict
        default: .unprocessableContent
        }
    }

    /// Maps any error a handler throws.
    public static func problem(for error: any Error) -> Problem {
        switch error {
        case let v as RuleViolation:
            return Problem(status: status(for: v.rule), rule: v.rule.rawValue, message: v.message, sentenceZh: v.sentenceZh)
        case let e as ServerError:
            switch e {
            case .malformed(let m): return Problem(status: .badRequest, rule: "MALFORMED", message: m)
            case .usage(let m): return Problem(status: .badRequest, rule: "USAGE", message: m)
            case .bodyTooLarge: return Problem(status: .contentTooLarge, rule: "TOO-LARGE", message: e.description)
            case .unauthenticated(let m): return Problem(status: .unauthorized, rule: RuleID.signature.rawValue, message: m)
            case .forbidden(let m): return Problem(status: .forbidden, rule: RuleID.auth.rawValue, message: m)
            case .notFound(let m): return Problem(status: .notFound, rule: RuleID.notFound.rawValue, message: m)
            case .shuttingDown: return Problem(status: .serviceUnavailable, rule: "UNAVAILABLE", message: e.description)
            case .awaitingWitnesses(let m): return Problem(status: .serviceUnavailable, rule: "AWAITING-WITNESSES", message: m)
            case .unsupportedMediaType(let m): return Problem(status: .unsupportedMediaType, rule: "UNSUPPORTED-MEDIA-TYPE", message: m)
            case .methodNotAllowed(_, let allow):
                return Problem(status: .methodNotAllowed, rule: "METHOD-NOT-ALLOWED", message: e.description, allow: allow)
            case .integrityHalted: return Problem(status: .serviceUnavailable, rule: "INTEGRITY", message: e.description)
            case .readOnly: return Problem(status: .serviceUnavailable, rule: "READ-ONLY", message: e.description)
            }
        case let e as LedgerError:
            switch e {
            case .malformedJSON, .malformedSubmission: return Problem(status: .badRequest, rule: "MALFORMED", message: e.description)
            case .outOfRange(let m): return Problem(status: .badRequest, rule: "USAGE", message: m)
            case .notInitialised(let m): return Problem(status: .serviceUnavailable, rule: "UNAVAILABLE", message: m)
            case .integrity, .badProof, .badSignature, .malformedNote, .malformedKey:
                return Problem(status: .internalServerError, rule: "INTEGRITY", message: e.description)
            case .storage: return Problem(status: .internalServerError, rule: "INTERNAL", message: "the ledger store failed")
            case .storageFull:
                return Problem(
                    status: .init(code: 507, reasonPhrase: "Insufficient Storage"), rule: "STORAGE-FULL",
                    message: "the server's ledger storage is full: nothing of this request was written; tell the ledger's operator")
            case .writerBusy:
                return Problem(
                    status: .serviceUnavailable, rule: "WRITER-BUSY",
                    message: "another writer held the ledger's write lock too long: nothing of this request was written; try again")
            case .storageIO:
                return Problem(
                    status: .serviceUnavailable, rule: "STORAGE-IO",
                    message: "the server could not read or write its ledger storage: nothing of this request was written; tell the ledger's operator")
            }
        case let e as HTTPError:
            let rule = e.status == .notFound ? RuleID.notFound.rawValue : (e.status.code < 500 ? "MALFORMED" : "INTERNAL")
            return Problem(status: e.status, rule: rule, message: e.body ?? e.status.reasonPhrase)
        default:
            return Problem(status: .internalServerError, rule: "INTERNAL", message: "internal error")
        }
    }

    /// The response for `problem`.
    public static func response(_ problem: Problem) -> Response {
        var response = JSONResponse.make(problem.json, status: problem.status)
        if problem.status == .unauthorized { response.headers[.wwwAuthenticate] = SignedRequest.scheme }
        if problem.status == .contentTooLarge { response.headers[.connection] = "close" }
        if problem.rule == "AWAITING-WITNESSES" || problem.rule == "WRITER-BUSY" { response.headers[.retryAfter] = "1" }
        if problem.status == .methodNotAllowed { response.headers[.allow] = problem.allow.joined(separator: ", ") }
        return response
    }
}

/// Turns every error a handler throws into the error envelope, and logs server-side failures.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = ErrorMapping.problem(for: error)
            if problem.status.code >= 500 && problem.status != .serviceUnavailable {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            }
            return ErrorMapping.response(problem)
        }
    }
}

/// JSON and text bodies.
package enum JSONResponse {
    package static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        make(canonical: value.canonicalBytes, status: status)
    }

    /// A document already in canonical bytes (written piece by piece, e.g. ``StatementJSON/canonicalBytes(_:)``).
    package static func make(canonical bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    package static func text(_ text: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
