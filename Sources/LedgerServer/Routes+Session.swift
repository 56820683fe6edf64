import Foundation
import HTTPTypes
import Hummingbird
import LedgerCore
import TransferRules

/// The sign-in exchange (normative): `POST /v1/session/challenge`, `POST /v1/session`, `DELETE /v1/session`.
extension LedgerRoutes {
    /// `POST /v1/session/challenge` → 200 `{"challenge":"<base64 of 32 random bytes>","expiresAt":RFC3339}`.
    func sessionChallenge(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        _ = try await BodyReader.read(request, limit: BodyLimits.challenge, drainLimit: configuration.drainBodyBytes)
        let (challenge, expiresAt) = try sessions.issueChallenge(now: authenticator.currentTime)
        var response = JSONResponse.make(.object([
            "challenge": .string(challenge), "expiresAt": .string(UTCInstant(seconds: expiresAt).description),
        ]))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// `POST /v1/session` `{"principal","keyId","challenge","sig"}`, sig = Ed25519 over
    /// `hwledger/session/v1\n<challenge>\n` → 204 with `Set-Cookie: hwl_session=…`.
    ///
    /// The challenge is used up by the attempt, whatever its outcome. Nothing else changes on failure.
    func openSession(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let bytes = try await BodyReader.read(request, limit: BodyLimits.session, drainLimit: configuration.drainBodyBytes)
        let json: JSONValue
        do { json = try CanonicalJSON.decode(bytes) } catch {
            throw ServerError.malformed("the body is not well-formed JSON: \(error)")
        }
        guard case .object(let o) = json else { throw ServerError.malformed("the body must be a JSON object") }
        let expected: Set<String> = ["principal", "keyId", "challenge", "sig"]
        guard Set(o.keys) == expected else {
            throw ServerError.malformed("the body must have exactly principal, keyId, challenge and sig; it has \(o.keys.sorted())")
        }
        func string(_ name: String) throws -> String {
            guard case .string(let s)? = o[name], !s.isEmpty, s.utf8.count <= 256 else {
                throw ServerError.malformed("\(name) must be a non-empty string of at most 256 bytes")
            }
            return s
        }
        let principalID = try string("principal"), keyId = try string("keyId"), challenge = try string("challenge")
        guard Hex.isLowerHex(keyId, count: 8) else { throw ServerError.malformed("keyId must be 8 lower-case hex digits") }
        guard let sig = Base64.decode(try string("sig")), sig.count == 64 else {
            throw ServerError.malformed("sig must be base64 of a 64-byte Ed25519 signature")
        }
        let authenticator = self.authenticator, sessions = self.sessions, ledger = self.ledger
        let now = authenticator.currentTime
        guard sessions.consume(challenge: challenge, now: now) else {
            throw RuleViolation(.signature, "the challenge is unknown, expired or already used; ask for a new one", sentenceZh: SignInZh.staleChallenge)
        }
        let principal = try await Blocking.run { () -> ReadPrincipal in
            guard let key = try ledger.activeKey(principal: principalID, keyId: keyId) else {
                throw RuleViolation(.signature, "key \(keyId) is not an active key of \(principalID)", sentenceZh: SignInZh.inactiveKey)
            }
            guard key.isValidSignature(sig, for: SessionStore.message(challenge: challenge)) else {
                throw RuleViolation(
                    .signature, "the challenge signature does not verify under key \(keyId) of \(principalID)", sentenceZh: SignInZh.badSignature)
            }
            return try authenticator.resolve(principalID)
        }
        let session = sessions.open(principal: principal, keyId: keyId, now: now)
        context.logger.info("session opened", metadata: ["principal": "\(principal.id)", "keyId": "\(keyId)"])
        return Response(status: .noContent, headers: [
            .setCookie: SessionStore.setCookie(session.token, secure: Self.isSecure(request)), .cacheControl: "no-store",
        ])
    }

    /// `DELETE /v1/session`: ends the cookie's session (if any) and clears the cookie → 204. A live session is ended
    /// only by a request that passes the ``CSRF`` check (403 otherwise, and the session stays).
    func closeSession(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let cookie = request.headers[.cookie]
        let authenticator = self.authenticator, sessions = self.sessions
        if let session = try await Blocking.run({ try authenticator.session(cookieHeader: cookie, sessions: sessions) }) {
            try CSRF.check(request, session: session)
            sessions.end(token: session.token)
        }
        return Response(status: .noContent, headers: [.setCookie: SessionStore.setCookie(nil, secure: Self.isSecure(request))])
    }

    /// Served over TLS (by a terminating proxy that says so): cookies get `Secure`.
    static func isSecure(_ request: Request) -> Bool {
        request.head.scheme == "https" || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }
}

/// The Chinese sentences of a refused sign-in (`messageZh` of `POST /v1/session`'s 401): what the person at the
/// sign-in page can act on. The English `message` keeps the key id and principal for the operator.
public enum SignInZh {
    public static let staleChallenge = "登录挑战已过期或已使用，请重新登录"
    public static let inactiveKey = "该密钥未在本平台登记或已吊销，请联系所属生态环境部门"
    public static let badSignature = "密钥文件与本平台登记的公钥不符，请确认所选的密钥文件"
}

/// The CSRF defence of every state-changing request made with a session cookie: the session's token in the
/// `X-HWL-CSRF` header (a cross-site form cannot set it, and a cross-site script cannot read it), and, when the
/// browser sends them, an `Origin` of this host and a `Sec-Fetch-Site` of `same-origin`. With `SameSite=Strict` the
/// cookie is not even sent cross-site; this holds without it.
public enum CSRF {
    /// - Throws: ``ServerError/forbidden(_:)`` naming what failed.
    public static func check(_ request: Request, session: Session) throws(ServerError) {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site != "same-origin" {
            throw .forbidden("cross-site request refused (Sec-Fetch-Site: \(site.prefix(40)))")
        }
        if let origin = request.headers[.origin] {
            let host = request.head.authority ?? ""
            guard origin == "http://\(host)" || origin == "https://\(host)" else {
                throw .forbidden("cross-site request refused: Origin \(origin.prefix(100)) is not this site")
            }
        }
        guard let token = request.headers[HTTPField.Name(SessionStore.csrfHeader)!], token == session.csrf else {
            throw .forbidden("the request lacks this session's CSRF token (header \(SessionStore.csrfHeader))")
        }
    }
}
