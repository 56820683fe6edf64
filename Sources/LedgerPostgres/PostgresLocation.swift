import Foundation
import LedgerCore

/// Where a PostgreSQL ledger lives: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|require]`
/// (`postgresql://` too). The password, when given, is never printed: ``redacted`` is what logs and errors show.
public struct PostgresLocation: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// `sslmode=require`: TLS with the system's trust store; anything else connects in the clear (loopback, or a
    /// network the operator secures otherwise).
    public var requireTLS: Bool
    /// `writer_wait=SECONDS` (default 10): how long a write waits for the ledger's writer lock before it is refused.
    public var writerWaitSeconds: Double

    /// Whether `text` names a PostgreSQL database rather than a SQLite file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses a `postgres://` URL.
    ///
    /// - Throws: ``LedgerError/storage(_:)`` naming the part that is wrong.
    public init(url text: String) throws(LedgerError) {
        guard Self.isURL(text), let url = URLComponents(string: text) else {
            throw .storage("--db \(Self.redact(text)): not a postgres://USER@HOST[:PORT]/DATABASE URL")
        }
        guard let host = url.host, !host.isEmpty else { throw .storage("--db \(Self.redact(text)): the URL names no host") }
        guard let user = url.user, !user.isEmpty else { throw .storage("--db \(Self.redact(text)): the URL names no user (postgres://USER@HOST/DATABASE)") }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw .storage("--db \(Self.redact(text)): the URL names no database (postgres://USER@HOST[:PORT]/DATABASE)")
        }
        let port = url.port ?? 5432
        guard (1...65535).contains(port) else { throw .storage("--db \(Self.redact(text)): port \(port) is out of range") }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = port
        username = user.removingPercentEncoding ?? user
        password = url.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        requireTLS = false
        writerWaitSeconds = 10
        for item in url.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value ?? "" {
                case "disable", "prefer", "allow": requireTLS = false
                case "require", "verify-ca", "verify-full": requireTLS = true
                default: throw .storage("--db \(Self.redact(text)): sslmode must be disable or require, got \(item.value ?? "")")
                }
            case "writer_wait":
                guard let seconds = item.value.flatMap(Double.init), seconds >= 0, seconds <= 3600 else {
                    throw .storage("--db \(Self.redact(text)): writer_wait must be 0 to 3600 seconds, got \(item.value ?? "")")
                }
                writerWaitSeconds = seconds
            default:
                throw .storage("--db \(Self.redact(text)): unknown parameter \(item.name) (known: sslmode, writer_wait)")
            }
        }
    }

    /// The URL without its password, for logs and error messages.
    public var redacted: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(hostInURL):\(port)/\(database)"
    }

    /// The host as a URL writes it (an IPv6 literal in brackets).
    var hostInURL: String { host.contains(":") ? "[\(host)]" : host }

    /// The URL itself, password included: for handing to a child process, never for printing (``redacted``).
    public var urlWithPassword: String {
        let user = username.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? username
        let secret = password.map { ":" + ($0.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) ?? $0) } ?? ""
        return "postgres://\(user)\(secret)@\(hostInURL):\(port)/\(database)" + (writerWaitSeconds == 10 ? "" : "?writer_wait=\(writerWaitSeconds)")
    }

    /// The same server, another database (the maintenance database `postgres` to create or drop ledgers in tests).
    public func database(_ name: String) -> PostgresLocation {
        var other = self
        other.database = name
        return other
    }

    static func redact(_ text: String) -> String {
        guard let at = text.range(of: "@"), let scheme = text.range(of: "://"), scheme.upperBound < at.lowerBound else { return text }
        let userinfo = text[scheme.upperBound..<at.lowerBound]
        guard let colon = userinfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at.lowerBound...])
    }
}
