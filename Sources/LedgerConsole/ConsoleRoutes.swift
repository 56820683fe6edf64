import Foundation
import HTTPTypes
import Hummingbird
import LedgerServer
import NIOCore

/// The web console under `/ui/`, registered on the daemon's router (see `RoutePlugin`): sign-in, the pages, and
/// their assets. Every page reads through the same facade and visibility rule as the API.
public struct ConsoleRoutes: RoutePlugin {
    public init() {}

    public func register(on router: Router<LedgerRequestContext>, services: ServerServices) {
        let pages = ConsolePages(services: services)
        router.get("/") { _, _ in Page.redirect("/ui/") }
        router.get("/ui/", use: pages.home)
        router.get("/ui/signin", use: pages.signin)
        router.get("/ui/assets/{name}", use: pages.asset)
        // The public check page of a printed 联单 and what it reads: no session (docs/decisions/016).
        let verify = VerifyPages(services: services)
        router.get("/ui/v", use: verify.page)
        router.get("/ui/v/assets/{name}", use: verify.asset)
        router.get("/ui/v/heads/{prefix}", use: verify.heads)
        router.get("/ui/v/pending/{index}", use: verify.pending)
        // Any other /ui/ address is the console's 404 page (the router's own 404 is the API's JSON). Signed in or
        // not: the page names nothing of the ledger.
        router.get("/ui/**") { request, _ in
            Page.error(ServerError.notFound("the console has no page at \(request.uri.path.prefix(200))"))
        }
        router.group("/ui")
            .add(middleware: ConsoleSessionMiddleware(services: services))
            .get("worklist", use: pages.worklistPage)
            .get("approvals", use: pages.approvals)
            .get("approvals/{id}", use: pages.approval)
            .get("whitelist", use: pages.whitelistIndex)
            .get("whitelist/{year}", use: pages.whitelist)
            .get("registry", use: pages.registryPage)
            .get("p2p", use: pages.p2pPage)
            .get("compensation", use: pages.compensationIndex)
            .get("compensation/{quarter}", use: pages.compensation)
            .get("compensation/{quarter}/{file}", use: pages.compensationCSV)
            .get("manifests", use: pages.manifests)
            .get("manifests/{no}", use: pages.manifest)
            .get("operator", use: pages.operatorPage)
            .get("file", use: pages.filingPage)
            .get("manifests/{no}/steps", use: pages.stepsPage)
            .get("mine", use: pages.minePage)
    }
}

/// Responses of the console: HTML with the security headers every page carries, redirects, error pages.
enum Page {
    /// Nothing from another host, no inline script or style, never framed.
    static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: contentSecurityPolicy, HTTPField.Name("X-Frame-Options")!: "DENY",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("Referrer-Policy")!: "same-origin",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// A clear page for a failure: the status, a Chinese heading and the server's sentence.
    static func error(_ error: any Error, base: [String: Any] = [:]) -> Response {
        let problem = ErrorMapping.problem(for: error)
        let heading: String
        switch problem.status.code {
        case 400: heading = "请求有误"
        case 401: heading = "请先登录"
        case 403: heading = "无权查看或操作"
        case 404: heading = "未找到"
        case 413, 414, 431: heading = "请求过大"
        default: heading = problem.status.code >= 500 ? "服务器错误" : "请求未完成"
        }
        var context = base
        context["title"] = heading
        context["status"] = problem.status.code
        context["heading"] = heading
        context["rule"] = problem.rule
        context["message"] = problem.message
        return html(Templates.render("error", context), status: problem.status)
    }
}

/// Puts the session's principal on the context of every `/ui/` page; without a live session a GET is sent to the
/// sign-in page (and back afterwards), anything else gets 401. Failures become error pages, not JSON.
struct ConsoleSessionMiddleware: RouterMiddleware {
    typealias Context = LedgerRequestContext
    let services: ServerServices

    func handle(
        _ request: Request, context: LedgerRequestContext, next: (Request, LedgerRequestContext) async throws -> Response
    ) async throws -> Response {
        let cookie = request.headers[.cookie]
        let authenticator = services.authenticator, sessions = services.sessions
        do {
            let session = try await Blocking.run { try authenticator.session(cookieHeader: cookie, sessions: sessions) }
            guard let session else {
                if request.method == .get || request.method == .head {
                    let target = request.uri.description
                    let next = target.utf8.count <= 512 ? target : request.uri.path
                    return Page.redirect("/ui/signin?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/ui/"))
                }
                throw ServerError.unauthenticated("sign in first: this page needs a session")
            }
            var context = context
            context.principal = session.principal
            context.session = session
            return try await next(request, context)
        } catch {
            return Page.error(error)
        }
    }
}
