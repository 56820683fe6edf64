import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// `Expect: 100-continue` (RFC 9110 §10.1.1) answered in the HTTP/1 pipeline, before the application reads a byte
/// of the body: a declared `Content-Length` above the path's body limit gets its final refusal at once (with
/// `Connection: close`; the request never reaches the router, and whatever of the body still arrives is discarded),
/// any other gets `100 Continue` at once, so a client that waits for it (curl waits a second) sends straight away.
///
/// Shared by `hwledgerd` and `hwledger witness serve`; each says what a path's limit is and what its refusal looks
/// like. Sits after Hummingbird's HTTP/1 → HTTP types codec (`additionalChannelHandlers`; with TLS, after the TLS
/// handler too); what it writes goes straight to the codec.
public final class ExpectContinueHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundOut = HTTPResponsePart

    /// The final answer to a declared body above the limit.
    public struct Refusal: Sendable {
        public var status: HTTPResponse.Status
        public var contentType: String
        public var body: [UInt8]

        public init(status: HTTPResponse.Status, contentType: String, body: [UInt8]) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }
    }

    private let limit: @Sendable (_ path: String) -> Int
    private let refusal: @Sendable (_ path: String, _ limit: Int) -> Refusal
    /// After a refusal: the connection is closing, nothing more is read into the application.
    private var refused = false

    /// - Parameters:
    ///   - limit: the largest body the request target (query included) may carry.
    ///   - refusal: the answer to a declared body above it (called once per refused request).
    public init(limit: @escaping @Sendable (_ path: String) -> Int, refusal: @escaping @Sendable (_ path: String, _ limit: Int) -> Refusal) {
        self.limit = limit
        self.refusal = refusal
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        guard case .head(var request) = unwrapInboundIn(data),
              let expect = request.headerFields[.expect], expect.lowercased() == "100-continue"
        else { return context.fireChannelRead(data) }
        let path = request.path ?? ""
        let limit = limit(path)
        if let declared = request.headerFields[.contentLength].flatMap({ Int($0) }), declared > limit {
            refuse(context: context, refusal(path, limit))
            return
        }
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        // Answered here: the application sees an ordinary request.
        request.headerFields[.expect] = nil
        context.fireChannelRead(wrapInboundOut(.head(request)))
    }

    /// The refusal, then the end of the connection: the output side is closed once the response is out, and the
    /// input is read away until the client closes (no reset that could swallow the response).
    private func refuse(context: ChannelHandlerContext, _ answer: Refusal) {
        refused = true
        var head = HTTPResponse(status: answer.status)
        head.headerFields[.contentType] = answer.contentType
        head.headerFields[.contentLength] = String(answer.body.count)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: answer.body))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        let channel = context.channel
        written.futureResult.whenComplete { _ in
            channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
        }
    }
}
