import HTTPTypes
import LedgerCore
import NIOCore
import NIOHTTPTypes

/// `Expect: 100-continue` (RFC 9110 §10.1.1) answered in the HTTP/1 pipeline, before the application reads a byte
/// of the body: a declared `Content-Length` above the route's body limit gets its final 413 at once (with
/// `Connection: close`; the request never reaches the router, and whatever of the body still arrives is discarded),
/// any other gets `100 Continue` at once, so a client that waits for it (curl waits a second) sends straight away.
/// A refused submission counts in `hwledger_rejections_total{rule="TOO-LARGE"}` as the route's own 413 does.
///
/// Sits after Hummingbird's HTTP/1 → HTTP types codec (``buildApplication``'s `additionalChannelHandlers`); what it
/// writes goes straight to the codec.
final class ExpectContinueHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private let limits: BodyLimits
    /// After a 413: the connection is closing, nothing more is read into the application.
    private var refused = false

    init(limits: BodyLimits) {
        self.limits = limits
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        guard case .head(var request) = unwrapInboundIn(data),
              let expect = request.headerFields[.expect], expect.lowercased() == "100-continue"
        else { return context.fireChannelRead(data) }
        let path = request.path ?? ""
        let limit = limits.limit(path: path)
        if let declared = request.headerFields[.contentLength].flatMap({ Int($0) }), declared > limit {
            refuse(context: context, limit: limit, submission: path.split(separator: "?").first == "/v1/submissions")
            return
        }
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        // Answered here: the application sees an ordinary request.
        request.headerFields[.expect] = nil
        context.fireChannelRead(wrapInboundOut(.head(request)))
    }

    /// The 413 every route gives for a body above its limit, then the end of the connection: the output side is
    /// closed once the response is out, and the input is read away until the client closes (no reset that could
    /// swallow the response).
    private func refuse(context: ChannelHandlerContext, limit: Int, submission: Bool) {
        refused = true
        let problem = ErrorMapping.problem(for: ServerError.bodyTooLarge(limit: limit))
        // Counted as the route counts its own refusals, so `hwledger_rejections_total` sees every refused submission.
        if submission { Rejections.count(problem.rule) }
        let body = problem.json.canonicalBytes
        var head = HTTPResponse(status: problem.status)
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = String(body.count)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        let channel = context.channel
        written.futureResult.whenComplete { _ in
            channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
        }
    }
}

/// The largest request body each POST route reads, in one place: the routes read with these limits and
/// ``ExpectContinueHandler`` refuses a larger declared body before it is sent.
public struct BodyLimits: Sendable {
    /// `POST /v1/session/challenge` (an empty or tiny body).
    public static let challenge = 4096
    /// `POST /v1/session` (four short strings).
    public static let session = 16 * 1024

    /// Every other route (submissions, checks): SPEC §4.2's limit.
    public var standard: Int

    public init(standard: Int) {
        self.standard = standard
    }

    /// The limit for a request target (its query aside).
    public func limit(path target: String) -> Int {
        switch target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "" {
        case "/v1/session/challenge": Self.challenge
        case "/v1/session": Self.session
        default: standard
        }
    }
}
