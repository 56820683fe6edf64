import Dispatch
import HTTPServerSupport
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import LedgerCore
import Logging
import NIOCore
import NIOSSL

/// The witness's TLS certificate chain and private key (`hwledger witness serve --tls-cert --tls-key`).
public struct WitnessTLS: Sendable {
    let configuration: TLSConfiguration

    /// Reads a PEM certificate chain (the witness's certificate first) and its PEM private key.
    ///
    /// - Throws: a sentence naming the file that cannot be read.
    public init(certificateFile: String, keyFile: String) throws {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificateFile) } catch {
            throw WitnessError.malformed("--tls-cert \(certificateFile): not a readable PEM certificate chain: \(error)")
        }
        guard !chain.isEmpty else { throw WitnessError.malformed("--tls-cert \(certificateFile): no certificate in the file") }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: keyFile, format: .pem) } catch {
            throw WitnessError.malformed("--tls-key \(keyFile): not a readable PEM private key: \(error)")
        }
        configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }
}

/// The witness's HTTP service: `POST /add-checkpoint` (C2SP tlog-witness) and `GET /healthz`, over TLS when given.
///
/// Answers: 200 with the cosignature line (`text/plain; charset=utf-8`); 400, 403, 404, 413, 422 with a sentence;
/// 409 with the held size and a newline, `Content-Type: text/x.tlog.size`. `Expect: 100-continue` is answered as
/// hwledgerd answers it (the shared `ExpectContinueHandler`): 100 at once, or 413 with `Connection: close` at once
/// for a declared body above `maxBodyBytes`, before the client sends it.
///
/// - Parameters:
///   - witness: the witness.
///   - host, port: the address; port 0 binds any free port, reported through `onListening`.
///   - tls: the certificate and key to serve HTTPS with; nil serves plain HTTP.
///   - maxBodyBytes: the largest request accepted; larger bodies are read away up to 16× the limit and answered 413.
public func buildWitnessApplication(
    witness: Witness, host: String, port: Int, tls: WitnessTLS? = nil, maxBodyBytes: Int = 1 << 20, logger: Logger,
    onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }
) throws -> some ApplicationProtocol {
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
            switch error {
            case .storage:
                logger.error("add-checkpoint failed", metadata: ["error": "\(error)"])
            case .conflict(let size, let reason):
                // Routine: a client (or hwledgerd's probe) learning the held size.
                logger.debug("add-checkpoint conflict", metadata: ["held": "\(size)", "reason": "\(reason)"])
                return text(.conflict, "\(size)\n", contentType: "text/x.tlog.size")
            case .forked(let size, let reason):
                logger.warning("add-checkpoint refused a fork of the held checkpoint (kept as evidence)", metadata: ["held": "\(size)", "reason": "\(reason)"])
                return text(.conflict, "\(size)\n", contentType: "text/x.tlog.size")
            default:
                break
            }
            var response = text(HTTPResponse.Status(code: error.status), error.description + "\n")
            if error.status == 413 { response.headers[.connection] = "close" }
            return response
        }
    }
    router.get("/healthz") { _, _ -> Response in text(.ok, "ok\n") }
    let http1 = HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: [
        ExpectContinueHandler(limit: { _ in maxBodyBytes }) { _, _ in
            .init(status: .contentTooLarge, contentType: "text/plain; charset=utf-8", body: Array((WitnessError.tooLarge(limit: maxBodyBytes).description + "\n").utf8))
        },
    ]))
    return Application(
        router: router,
        server: try tls.map { try .tls(http1, tlsConfiguration: $0.configuration) } ?? http1,
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
