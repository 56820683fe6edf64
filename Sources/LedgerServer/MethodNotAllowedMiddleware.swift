import Hummingbird
import HTTPTypes

/// A path served under other methods answers 405 with `Allow` instead of 404 (RFC 9110 §15.5.6). Added to the
/// router after every route, so it wraps only the router's not-found responder. (`HEAD` on every `GET` resource
/// is the router's `.autoGenerateHeadEndpoints`.)
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Each route's path pattern and the methods it is served under, from `Router.routes`.
    let table: AllowTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = table.methods(for: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }
            throw ServerError.methodNotAllowed(
                method: request.method.rawValue, allow: allowed.map(\.rawValue) + (allowed.contains(.get) ? ["HEAD"] : []))
        }
    }
}

/// Route patterns (`/v1/receipts/{index}`, `/tile/**`) and their methods.
struct AllowTable: Sendable {
    let routes: [(pattern: [Substring], methods: [HTTPRequest.Method])]

    init(_ routes: [(path: String, method: HTTPRequest.Method)]) {
        var byPath: [String: [HTTPRequest.Method]] = [:]
        for r in routes { byPath[r.path, default: []].append(r.method) }
        self.routes = byPath.map { (path, methods) in
            (path.split(separator: "/"), methods.sorted { $0.rawValue < $1.rawValue })
        }
    }

    /// The methods some route serves `path` under.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let parts = path.split(separator: "/")
        var result: [HTTPRequest.Method] = []
        for route in routes where Self.matches(route.pattern, parts) {
            for m in route.methods where !result.contains(m) { result.append(m) }
        }
        return result.sorted { $0.rawValue < $1.rawValue }
    }

    static func matches(_ pattern: [Substring], _ parts: [Substring]) -> Bool {
        for (i, p) in pattern.enumerated() {
            if p == "**" { return true }
            guard i < parts.count else { return false }
            if p == "*" || (p.hasPrefix("{") && p.hasSuffix("}")) || p.hasPrefix(":") { continue }
            guard p == parts[i] else { return false }
        }
        return pattern.count == parts.count
    }
}
