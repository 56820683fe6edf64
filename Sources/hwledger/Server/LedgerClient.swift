import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LedgerCore
import TransferLedger

/// The CLI's connection to `hwledgerd` (`--server URL`): blocking requests over Foundation's URLSession, which
/// resolves host names and speaks TLS for `https://` URLs (libcurl underneath on Linux), with one keep-alive session
/// per command.
///
/// Every way of failing to reach the server becomes one `error[IO]` line (exit 66): a URL that is not http(s), a
/// host that does not resolve, a refused connection, a TLS handshake that fails, a timeout, or a 5xx answer.
/// ``deliver(_:_:body:authorization:)`` also says whether a failed request can have been acted on, which `submit`
/// needs to tell a line that may be in the ledger from one that is not (exit 75, docs/decisions/012).
struct LedgerClient {
    let base: URL
    let display: String
    let timeout: TimeInterval
    let session: URLSession

    /// - Throws: USAGE (64) when `text` is not an `http://` or `https://` URL with a host.
    init(_ text: String, timeout: TimeInterval) throws {
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty, url.query == nil
        else {
            throw CLIFailure.usage("--server \(text) is not a server URL like http://127.0.0.1:8420 or https://ledger.example.cn")
        }
        base = url
        display = trimmed
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 4
        configuration.httpMaximumConnectionsPerHost = 1
        session = URLSession(configuration: configuration)
    }

    /// The server named by `--server`, else `$HWLEDGER_SERVER`, else nil.
    static func serverURL(_ option: String?) -> String? {
        option ?? ProcessInfo.processInfo.environment["HWLEDGER_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
    }

    struct Answer {
        var status: Int
        var body: [UInt8]

        var json: JSONValue? { try? CanonicalJSON.decode(body) }

        /// `{"error":{"rule","message"}}` of an error answer.
        var problem: (rule: String, message: String)? {
            guard case .string(let rule)? = json?["error"]?["rule"], case .string(let message)? = json?["error"]?["message"] else { return nil }
            return (rule, message)
        }
    }

    /// A request that got no usable answer, and whether it can have reached the server's handler.
    struct TransportFailure: Error {
        /// The CLI error it stands for: IO (66), or USAGE for a path that is not a URL.
        var failure: CLIFailure
        /// False when the request certainly was not acted on: the connection was refused, the host did not
        /// resolve, the TLS handshake failed, or the server answered 503 (it is not taking requests). True when the
        /// request may have been carried out and its answer lost: a timeout, a dropped connection, another 5xx.
        var mayHaveArrived: Bool
    }

    /// Sends one request and waits for the answer. A 5xx answer, or no answer, throws IO (66).
    func send(_ method: String, _ path: String, body: [UInt8]? = nil, authorization: String? = nil) throws -> Answer {
        do {
            return try deliver(method, path, body: body, authorization: authorization)
        } catch {
            throw error.failure
        }
    }

    /// ``send(_:_:body:authorization:)`` that says, on failure, whether the request can have been acted on.
    func deliver(_ method: String, _ path: String, body: [UInt8]? = nil, authorization: String? = nil) throws(TransportFailure) -> Answer {
        guard let url = URL(string: display + path) else {
            throw TransportFailure(failure: .usage("\(display + path) is not a URL"), mayHaveArrived: false)
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = timeout
        if let body {
            request.httpBody = Data(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        final class Slot: @unchecked Sendable { var result: Result<(Int, Data), any Error>? }
        let slot = Slot()
        let done = DispatchSemaphore(value: 0)
        session.dataTask(with: request) { data, response, error in
            if let error {
                slot.result = .failure(error)
            } else if let http = response as? HTTPURLResponse {
                slot.result = .success((http.statusCode, data ?? Data()))
            } else {
                slot.result = .failure(URLError(.badServerResponse))
            }
            done.signal()
        }.resume()
        done.wait()
        switch slot.result! {
        case .failure(let error):
            throw TransportFailure(failure: .io(describe(error)), mayHaveArrived: mayHaveArrived(error))
        case .success(let (status, data)):
            let answer = Answer(status: status, body: Array(data))
            if let problem = answer.problem, ["STORAGE-FULL", "STORAGE-IO"].contains(problem.rule) {
                // The server's own disk, not the user's key or files: nothing was written there.
                let what = problem.rule == "STORAGE-FULL" ? "its ledger storage is full" : "it cannot read or write its ledger storage"
                throw TransportFailure(
                    failure: CLIFailure(
                        code: 66, id: problem.rule,
                        message: "the server \(display) wrote nothing: \(what) (HTTP \(status)); your key and input are not at fault: tell the server's operator"),
                    mayHaveArrived: false)
            }
            if status >= 500 {
                let detail = answer.problem.map { "\($0.rule): \($0.message)" } ?? String(decoding: data.prefix(200), as: UTF8.self)
                throw TransportFailure(
                    failure: .io("the server \(display) failed with HTTP \(status): \(detail.isEmpty ? "no detail" : detail)"),
                    mayHaveArrived: status != 503)
            }
            return answer
        }
    }

    /// Whether a request that failed with `error` can have reached the server: false only for failures before the
    /// request could be sent (no connection, no address, no TLS session).
    func mayHaveArrived(_ error: any Error) -> Bool {
        guard let e = error as? URLError else { return true }
        switch e.code {
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet, .secureConnectionFailed,
            .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot,
            .clientCertificateRejected, .clientCertificateRequired:
            return false
        default:
            return !(base.scheme?.lowercased() == "https" && e.localizedDescription.contains("SSL"))
        }
    }

    /// A signed read (`Authorization: HWL-Ed25519`, SPEC §4.2) of `target` (path with an already-encoded query): the
    /// 200 answer's JSON document. 401/403/404 and other refusals throw the CLI error they stand for (exit 2 with the
    /// server's rule, 64 for a usage error), a 5xx or no answer IO (66).
    func signedGet(_ target: String, key: SigningKey, what: String) throws -> JSONValue {
        let authorization = RequestSignature.authorization(key: key, method: "GET", target: target, time: TransferLedger.systemClock().seconds)
        let answer = try send("GET", target, authorization: authorization)
        guard answer.status == 200 else { throw Self.failure(answer, what: what) }
        guard let json = answer.json else {
            throw CLIFailure.io("the server \(display) answered \(what) with a body that is not JSON: \(String(decoding: answer.body.prefix(200), as: UTF8.self))")
        }
        return json
    }

    /// A query string `?a=1&b=2` of the given pairs (nil values left out), each value percent-encoded so that the
    /// target sent is the target signed.
    static func query(_ pairs: [(String, String?)]) -> String {
        let parts = pairs.compactMap { name, value in value.map { "\(name)=\(ReadPath.segment($0))" } }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }

    /// One sentence for a transport failure.
    func describe(_ error: any Error) -> String {
        guard let e = error as? URLError else { return "cannot reach \(display): \(error.localizedDescription)" }
        switch e.code {
        case .timedOut: return "the server \(display) did not answer within \(Int(timeout)) s"
        case .cannotConnectToHost: return "cannot connect to \(display): connection refused (is hwledgerd running there?)"
        case .cannotFindHost, .dnsLookupFailed: return "cannot resolve the host of \(display)"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid,
            .serverCertificateHasUnknownRoot, .clientCertificateRejected, .clientCertificateRequired:
            return "the TLS connection to \(display) failed (is it an https server with a trusted certificate?): \(e.localizedDescription)"
        case .networkConnectionLost, .notConnectedToInternet:
            return "the connection to \(display) was lost"
        case .badServerResponse, .cannotParseResponse:
            return "\(display) closed the connection without an HTTP answer (the connection was dropped, or it is not an HTTP server: wrong port, or http where https is needed?)"
        default:
            if base.scheme?.lowercased() == "https", e.localizedDescription.contains("SSL") {
                return "the TLS connection to \(display) failed (is it an https server?): \(e.localizedDescription)"
            }
            return "cannot reach \(display): \(e.localizedDescription) (URLError \(e.code.rawValue))"
        }
    }

    /// A non-2xx answer to a request that takes no per-item answers, as the CLI error it stands for.
    static func failure(_ answer: Answer, what: String) -> CLIFailure {
        let (rule, message) = answer.problem ?? ("IO", "HTTP \(answer.status)")
        switch answer.status {
        case 400: return rule == "USAGE" ? .usage(message) : .malformed(message)
        case 413: return .malformed("\(what) is too large for the server: \(message)")
        case 401, 403, 404, 409, 422: return CLIFailure(code: 2, id: rule, message: message)
        default: return .io("\(what): the server answered HTTP \(answer.status): \(message)")
        }
    }
}
