import Foundation
import LedgerCore
import TransferRules

/// A signed-in browser session (the web console's sign-in, also usable by scripts).
public struct Session: Sendable, Equatable {
    /// The cookie value: 32 random bytes, base64url. Never logged.
    public var token: String
    /// The CSRF token pages send back in the `X-HWL-CSRF` header on every state-changing request.
    public var csrf: String
    /// Who signed in, resolved exactly as a signed read is.
    public var principal: ReadPrincipal
    /// The key that signed the challenge; its revocation ends the session.
    public var keyId: String
    /// Unix seconds.
    public var expiresAt: Int64
}

/// One-time challenges and live sessions, in memory (a restart signs everyone out).
///
/// The sign-in exchange: `POST /v1/session/challenge` hands out 32 random bytes good once and for
/// ``challengeSeconds``; `POST /v1/session` takes a signature over `hwledger/session/v1\n<challenge>\n` by an active
/// key and opens a session of ``sessionSeconds``. A session ends at sign-out, on expiry, and when its key is revoked
/// (checked on every use). Not guaranteed: sessions survive nothing but this process.
public final class SessionStore: @unchecked Sendable {
    public static let challengeSeconds: Int64 = 120
    public static let sessionSeconds: Int64 = 8 * 3600
    public static let cookieName = "hwl_session"
    public static let csrfHeader = "X-HWL-CSRF"
    public static let signaturePrefix = "hwledger/session/v1\n"
    /// Outstanding challenges beyond this are refused until some expire (a flood cannot grow memory without bound).
    public static let maxChallenges = 10_000
    public static let maxSessions = 10_000

    let lock = NSLock()
    var challenges: [String: Int64] = [:]
    var sessions: [String: Session] = [:]

    public init() {}

    /// The bytes a client signs to answer `challenge`.
    public static func message(challenge: String) -> [UInt8] { Array("\(signaturePrefix)\(challenge)\n".utf8) }

    static func randomBytes(_ n: Int) -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<n).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    /// A fresh challenge and its expiry (unix seconds).
    ///
    /// - Throws: ``ServerError/unavailable(_:)`` when too many challenges are outstanding.
    public func issueChallenge(now: Int64) throws -> (challenge: String, expiresAt: Int64) {
        let challenge = Base64.encode(Self.randomBytes(32))
        let expiresAt = now + Self.challengeSeconds
        try lock.withLock {
            if challenges.count >= Self.maxChallenges { challenges = challenges.filter { $0.value > now } }
            guard challenges.count < Self.maxChallenges else {
                throw ServerError.usage("too many sign-in challenges are outstanding; try again in \(Self.challengeSeconds) s")
            }
            challenges[challenge] = expiresAt
        }
        return (challenge, expiresAt)
    }

    /// Uses up `challenge`: true once, within its lifetime; false when unknown, expired or already used.
    public func consume(challenge: String, now: Int64) -> Bool {
        lock.withLock {
            guard let expiresAt = challenges.removeValue(forKey: challenge) else { return false }
            return now <= expiresAt
        }
    }

    /// Opens a session for `principal` signed in with `keyId`.
    public func open(principal: ReadPrincipal, keyId: String, now: Int64) -> Session {
        let session = Session(
            token: Base64.encode(Self.randomBytes(32)).replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: ""),
            csrf: Hex.encode(Self.randomBytes(16)), principal: principal, keyId: keyId,
            expiresAt: now + Self.sessionSeconds)
        lock.withLock {
            if sessions.count >= Self.maxSessions { sessions = sessions.filter { $0.value.expiresAt > now } }
            if sessions.count >= Self.maxSessions, let oldest = sessions.min(by: { $0.value.expiresAt < $1.value.expiresAt }) {
                sessions.removeValue(forKey: oldest.key)
            }
            sessions[session.token] = session
        }
        return session
    }

    /// The live session of `token`, if any; an expired one is removed.
    public func session(token: String, now: Int64) -> Session? {
        lock.withLock {
            guard let s = sessions[token] else { return nil }
            guard now < s.expiresAt else {
                sessions.removeValue(forKey: token)
                return nil
            }
            return s
        }
    }

    /// Ends the session of `token` (sign-out, or its key was revoked).
    public func end(token: String) {
        _ = lock.withLock { sessions.removeValue(forKey: token) }
    }

    /// The `hwl_session` value of a `Cookie` header, if present.
    public static func token(cookieHeader: String?) -> String? {
        guard let cookieHeader else { return nil }
        for part in cookieHeader.split(separator: ";") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix(cookieName + "=") {
                let value = String(trimmed.dropFirst(cookieName.count + 1))
                return value.isEmpty || value.utf8.count > 100 ? nil : value
            }
        }
        return nil
    }

    /// The `Set-Cookie` value that stores `token` (or, with nil, clears it).
    public static func setCookie(_ token: String?, maxAge: Int64 = sessionSeconds, secure: Bool) -> String {
        var parts = ["\(cookieName)=\(token ?? "")", "Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=\(token == nil ? 0 : maxAge)"]
        if secure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }
}
