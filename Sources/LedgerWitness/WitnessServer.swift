import Dispatch
import Hummingbird
import LedgerCore
import Logging
import NIOCore

/// The witness's HTTP service: `POST /add-checkpoint` (C2SP tlog-witness) and `GET /healthz`.
///
/// Answers: 200 with the cosignature line (`text/plain; charset=utf-8`); 400, 403, 404, 413, 422 with a sentence;
/// 409 with the held size and a newline, `Content-Type: text/x.tlog.size`.
///
/// - Parameters:
///   - witness: the witness.
///   - host, port: the address; port 0 binds any free port, reported through `onListening`.
///   - maxBodyBytes: the largest request accepted; larger bodies are read away up to 16× the limit and answered 413.
public func buildWitnessApplication(
    witness: Witness, host: String, port: Int, maxBodyBytes: Int = 1 << 20, logger: Logger,
    onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }
) -> some ApplicationProtocol {
    let router = Router()
    let queue = DispatchQueue(label: "hwledger.witness.add-checkpoint")
    router.post("/add-checkpoint") { request, context -> Response in
        do {
            let body = try await readBody(request, limit: maxBodyBytes)
            let cosignature = try await withCheckedThrowingContinuation { (c: CheckedContinuation<Cosignature, any Error>) in
                queue.async { c.resume(with: Result { () throws(WitnessError) in try witness.addCheckpoint(body) }) }
            }
            return text(.ok, cosignature.line + "\n")
        } catch let error as WitnessError {
            if case .storage = error { logger.error("add-checkpoint failed", metadata: ["error": "\(error)"]) }
            if case .conflict(let size, let reason) = error {
                logger.notice("add-checkpoint conflict", metadata: ["held": "\(size)", "reason": "\(reason)"])
                return text(.conflict, "\(size)\n", contentType: "text/x.tlog.size")
            }
            var response = text(HTTPResponse.Status(code: error.status), error.description + "\n")
            if error.status == 413 { response.headers[.connection] = "close" }
            return response
        }
    }
    router.get("/healthz") { _, _ -> Response in text(.ok, "ok\n") }
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: "hwledger-witness"),
        onServerRunning: { channel in
            let address = channel.localAddress
            onListening(address?.ipAddress ?? host, address?.port ?? port)
        },
        logger: logger)
}

private func text(_ status: HTTPResponse.Status, _ body: String, contentType: String = "text/plain; charset=utf-8") -> Response {
    Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: body)))
}

/// Reads the body up to `limit`; a larger one is read away (up to 16× the limit, so the client sees the answer
/// rather than a reset) and refused.
private func readBody(_ request: Request, limit: Int) async throws -> [UInt8] {
    let drainLimit = 16 * limit
    if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > drainLimit { throw WitnessError.tooLarge(limit: limit) }
    var bytes: [UInt8] = []
    var total = 0
    for try await chunk in request.body {
        total += chunk.readableBytes
        if total <= limit { bytes += chunk.readableBytesView } else if total > drainLimit { break }
    }
    guard total <= limit else { throw WitnessError.tooLarge(limit: limit) }
    return bytes
}
