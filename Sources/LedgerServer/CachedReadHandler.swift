import Foundation
import HTTPTypes
import Metrics
import NIOCore
import NIOHTTPTypes

/// Answers `GET /checkpoint` and `GET /tile/…` from memory on the event loop, before the request reaches the router.
///
/// Issue 22 (tiles at the speed of static files): the router's path costs each request a hop from the event loop to
/// a Swift task and back, the middleware chain and a metric lookup; a cached tile or checkpoint needs none of it. A
/// request is answered here only when the answer is already known: a tile in the ``TileCache`` (put there by the
/// router once it served the tile within a signed checkpoint) or the note in the ``CheckpointCache``. Anything else —
/// another method or path, a query, a `Connection` header other than `keep-alive`, a cache miss, or a request
/// arriving while an earlier one on the connection is still with the router (responses must keep their order) —
/// goes on to the router unchanged.
/// `/tile/entries` is never cached, so its access rules stay the router's.
///
/// The answer is the router's, header for header: status 200, `Content-Type`, `Cache-Control`, `Content-Length`,
/// `Date` and `Server`, and it is recorded in `hwledger_http_request_duration_seconds` under the route's pattern.
/// Sits after ``ExpectContinueHandler`` in the HTTP/1 pipeline (`additionalChannelHandlers`).
final class CachedReadHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let reads: CachedReads
    /// Requests passed to the router whose response has not ended yet.
    private var withRouter = 0
    /// The rest of a request answered here (its body parts and end) is dropped.
    private var discarding = false

    init(reads: CachedReads) { self.reads = reads }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if discarding {
            if case .end = part { discarding = false }
            return
        }
        if case .head(let request) = part {
            if withRouter == 0, let answer = reads.answer(to: request) {
                let started = NIODeadline.now()
                discarding = true
                context.write(wrapOutboundOut(.head(answer.head)), promise: nil)
                context.write(wrapOutboundOut(.body(answer.body)), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                answer.timer.recordNanoseconds((NIODeadline.now() - started).nanoseconds)
                return
            }
            withRouter += 1
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), withRouter > 0 { withRouter -= 1 }
        context.write(data, promise: promise)
    }
}

/// What ``CachedReadHandler`` may answer, and the headers it answers with.
struct CachedReads: Sendable {
    let tiles: TileCache
    let checkpoint: CheckpointCache
    let serverName: String
    let dates = HTTPDateCache()
    let tileTimer = Metrics.Timer(
        label: "hwledger_http_request_duration_seconds", dimensions: [("route", "/tile/**"), ("method", "GET"), ("status", "200")])
    let checkpointTimer = Metrics.Timer(
        label: "hwledger_http_request_duration_seconds", dimensions: [("route", "/checkpoint"), ("method", "GET"), ("status", "200")])

    /// The headers of a tile (``LedgerRoutes/tile(_:_:)`` sets the same).
    static let tileHeaders: HTTPFields = [.contentType: "application/octet-stream", .cacheControl: "public, max-age=31536000, immutable"]
    /// The headers of the checkpoint (``LedgerRoutes/checkpoint(_:_:)`` sets the same).
    static let checkpointHeaders: HTTPFields = [.contentType: "text/plain; charset=utf-8", .cacheControl: "public, max-age=2"]

    struct Answer {
        var head: HTTPResponse
        var body: ByteBuffer
        var timer: Metrics.Timer
    }

    /// The cached answer to `request`, if there is one and it may be given without the router.
    func answer(to request: HTTPRequest) -> Answer? {
        guard request.method == .get, let path = request.path,
            request.headerFields[.connection].map({ $0.lowercased() == "keep-alive" }) ?? true
        else { return nil }
        let body: ByteBuffer
        var head: HTTPResponse
        let timer: Metrics.Timer
        if path == "/checkpoint" {
            guard let note = checkpoint.current() else { return nil }
            body = note
            head = HTTPResponse(status: .ok, headerFields: Self.checkpointHeaders)
            timer = checkpointTimer
        } else if path.hasPrefix("/tile/"), let tile = tiles.get(path) {
            body = tile
            head = HTTPResponse(status: .ok, headerFields: Self.tileHeaders)
            timer = tileTimer
        } else {
            return nil
        }
        head.headerFields[.contentLength] = String(body.readableBytes)
        head.headerFields[.date] = dates.current()
        head.headerFields[.server] = serverName
        return Answer(head: head, body: body, timer: timer)
    }
}

/// The `Date` header's value (RFC 9110 IMF-fixdate), formatted once a second.
final class HTTPDateCache: @unchecked Sendable {
    private let lock = NSLock()
    private var second: time_t = -1
    private var text = ""

    func current() -> String {
        let now = time(nil)
        lock.lock()
        defer { lock.unlock() }
        if now != second {
            second = now
            text = Self.format(now)
        }
        return text
    }

    static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func format(_ seconds: time_t) -> String {
        var t = seconds
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
