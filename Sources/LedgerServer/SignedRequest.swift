import Foundation
import Hummingbird
import LedgerCore
import TransferLedger
import TransferRules

/// A principal as a signed read proved it (SPEC §4.2).
public enum ReadPrincipal: Sendable, Equatable {
    /// The ledger operator (the origin): sees everything.
    case operatorOf(origin: String)
    /// A regulator: sees what touches its province.
    case regulator(id: String, province: String)
    /// An enterprise: sees what it is a party to. `province` is that of its registered division.
    case enterprise(uscc: String, province: String)

    public var id: String {
        switch self {
        case .operatorOf(let o): o
        case .regulator(let id, _): id
        case .enterprise(let uscc, _): uscc
        }
    }
}

/// The `Authorization: HWL-Ed25519 principal=<id>,keyId=<8 hex>,time=<unix seconds>,sig=<base64>` header and the
/// message it signs: `hwledger/request/v1\n<METHOD>\n<path with query>\n<time>\n`.
///
/// The signature binds method, path and query, and time; it does not bind the body (reads have none) or the
/// host. A signed request can be replayed within the skew window; reads are idempotent, so that only repeats a read.
public struct SignedRequest: Sendable, Equatable {
    public static let scheme = RequestSignature.scheme
    public static let prefix = RequestSignature.prefix
    /// Allowed clock skew between client and daemon.
    public static let maxSkewSeconds: Int64 = 300

    public var principal: String
    public var keyId: String
    public var time: Int64
    public var signature: [UInt8]

    public init(principal: String, keyId: String, time: Int64, signature: [UInt8]) {
        self.principal = principal
        self.keyId = keyId
        self.time = time
        self.signature = signature
    }

    /// The bytes signed for `method` and `target` (path with query, exactly as sent) at `time`.
    public static func message(method: String, target: String, time: Int64) -> [UInt8] {
        RequestSignature.message(method: method, target: target, time: time)
    }

    /// Signs a request: returns the header value.
    public static func authorization(key: SigningKey, method: String, target: String, time: Int64) -> String {
        RequestSignature.authorization(key: key, method: method, target: target, time: time)
    }

    /// Parses the header value.
    ///
    /// - Throws: ``ServerError/unauthenticated(_:)`` naming the part that is wrong.
    public init(header: String) throws(ServerError) {
        // RFC 9110 §11.1: the scheme name is case-insensitive.
        guard header.count > Self.scheme.count, header.prefix(Self.scheme.count).lowercased() == Self.scheme.lowercased(),
            header.dropFirst(Self.scheme.count).first == " "
        else {
            throw .unauthenticated("the Authorization header must use the \(Self.scheme) scheme")
        }
        var fields: [String: String] = [:]
        for part in header.dropFirst(Self.scheme.count + 1).split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let eq = trimmed.firstIndex(of: "=") else { throw .unauthenticated("Authorization parameter \(trimmed) has no value") }
            let name = String(trimmed[..<eq])
            guard fields[name] == nil else { throw .unauthenticated("Authorization parameter \(name) is repeated") }
            fields[name] = String(trimmed[trimmed.index(after: eq)...])
        }
        guard Set(fields.keys) == ["principal", "keyId", "time", "sig"] else {
            throw .unauthenticated("the Authorization header needs exactly principal, keyId, time and sig")
        }
        let principal = fields["principal"]!, keyId = fields["keyId"]!, timeText = fields["time"]!
        guard !principal.isEmpty, principal.utf8.count <= 256 else { throw .unauthenticated("principal is empty or too long") }
        guard Hex.isLowerHex(keyId, count: 8) else { throw .unauthenticated("keyId must be 8 lower-case hex digits") }
        guard !timeText.isEmpty, timeText.utf8.count <= 12, timeText.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let time = Int64(timeText)
        else { throw .unauthenticated("time must be unix seconds") }
        guard let sig = Base64.decode(fields["sig"]!), sig.count == 64 else {
            throw .unauthenticated("sig must be base64 of a 64-byte Ed25519 signature")
        }
        self.init(principal: principal, keyId: keyId, time: time, signature: sig)
    }
}

/// Checks signed reads against the keys in the projections.
public struct RequestAuthenticator: Sendable {
    let ledger: TransferLedger
    let origin: String
    let now: @Sendable () -> Int64

    public init(ledger: TransferLedger, origin: String, now: @escaping @Sendable () -> Int64) {
        self.ledger = ledger
        self.origin = origin
        self.now = now
    }

    /// Authenticates `header` for `method` and `target` (blocking: reads the projections).
    ///
    /// - Throws: ``ServerError/unauthenticated(_:)`` for a missing, malformed, stale or wrongly signed header, an
    ///   unknown or revoked key, or a principal that is not the operator, a regulator or a registered enterprise.
    public func authenticate(header: String?, method: String, target: String) throws -> ReadPrincipal {
        guard let header else { throw ServerError.unauthenticated("this resource needs an Authorization: \(SignedRequest.scheme) header") }
        let request = try SignedRequest(header: header)
        let skew = now() - request.time
        guard abs(skew) <= SignedRequest.maxSkewSeconds else {
            throw ServerError.unauthenticated("the request time is \(skew) s away from the daemon's clock (limit \(SignedRequest.maxSkewSeconds) s)")
        }
        guard let key = try ledger.activeKey(principal: request.principal, keyId: request.keyId) else {
            throw ServerError.unauthenticated("key \(request.keyId) is not an active key of \(request.principal)")
        }
        let message = SignedRequest.message(method: method, target: target, time: request.time)
        guard key.isValidSignature(request.signature, for: message) else {
            throw ServerError.unauthenticated("the request signature does not verify under key \(request.keyId) of \(request.principal)")
        }
        return try resolve(request.principal)
    }

    /// The principal `id` names: the operator, a regulator of this ledger or a registered enterprise (blocking).
    ///
    /// - Throws: ``ServerError/unauthenticated(_:)`` for anyone else.
    public func resolve(_ id: String) throws -> ReadPrincipal {
        switch Principal(id, origin: origin) {
        case .operatorOf(let o)?:
            return .operatorOf(origin: o)
        case .regulator(let province)?:
            guard try ledger.regulator(id) != nil else {
                throw ServerError.unauthenticated("\(id) is not a regulator of this ledger")
            }
            return .regulator(id: id, province: province)
        case .enterprise(let uscc)?:
            guard let enterprise = try ledger.enterprise(uscc) else {
                throw ServerError.unauthenticated("\(uscc) is not a registered enterprise")
            }
            return .enterprise(uscc: uscc, province: enterprise.province)
        case nil:
            throw ServerError.unauthenticated("\(id) is not a principal of this ledger")
        }
    }

    /// The live session named by a `Cookie` header whose key is still active (blocking); a session whose key was
    /// revoked is ended here.
    public func session(cookieHeader: String?, sessions: SessionStore) throws -> Session? {
        guard let token = SessionStore.token(cookieHeader: cookieHeader), let s = sessions.session(token: token, now: now()) else {
            return nil
        }
        guard try ledger.activeKey(principal: s.principal.id, keyId: s.keyId) != nil else {
            sessions.end(token: token)
            return nil
        }
        return s
    }

    /// The daemon's clock, unix seconds.
    public var currentTime: Int64 { now() }
}

/// What a resource touches, for the visibility check (SPEC §4.2).
///
/// A transfer touches a province when the generator's or the receiver's division lies in it; carriers do not
/// count for regulators, but every party (carriers included) may read a manifest it is named in.
public struct ResourceScope: Sendable, Equatable {
    /// Enterprises named in the resource.
    public var parties: Set<String>
    /// Provinces whose regulator may read it.
    public var provinces: Set<String>

    public init(parties: Set<String> = [], provinces: Set<String> = []) {
        self.parties = parties
        self.provinces = provinces
    }

    /// Only the operator: raw entries and other whole-log views.
    public static let operatorOnly = ResourceScope()

    /// A manifest: its named parties (carriers included), and the provinces of its generator and receiver.
    public static func of(_ m: ManifestRecord, provinces: EnterpriseLookup) throws -> ResourceScope {
        ResourceScope(parties: m.namedParties, provinces: try regulatorProvinces(of: m, provinces: provinces))
    }

    /// The provinces whose regulator may read manifest `m`: those of its generator and receiver (not its carriers).
    public static func regulatorProvinces(of m: ManifestRecord, provinces: EnterpriseLookup) throws -> Set<String> {
        Set([try provinces.province(m.generator), try provinces.province(m.receiver)].compactMap { $0 })
    }

    /// An application: its generator and receiver, and the regulators of both sides.
    public static func of(_ a: ApplicationRecord) -> ResourceScope {
        ResourceScope(parties: [a.generator, a.receiver], provinces: [a.originProvince, a.destinationProvince])
    }
}

/// Whose anomalies a principal reads: a regulator its province's, the operator all; enterprises none.
public struct AnomalyScope: Sendable {
    /// The province, nil for all.
    public var province: String?

    public init?(_ principal: ReadPrincipal) {
        switch principal {
        case .operatorOf: province = nil
        case .enterprise: return nil
        case .regulator(_, let p): province = p
        }
    }
}

extension ReadPrincipal {
    /// The scope of the manifests this principal sees, as the newest-first read model keys it: a USCC, a province
    /// code, or nil (the operator: all).
    public var manifestScope: String? {
        switch self {
        case .operatorOf: nil
        case .regulator(_, let province): province
        case .enterprise(let uscc, _): uscc
        }
    }
}

/// The visibility rule, the seam that manifest, anomaly and statement endpoints plug into.
public enum Visibility {
    /// Whether `principal` may read a resource of `scope`: operator everything; regulator its provinces;
    /// enterprise what names it.
    public static func allows(_ principal: ReadPrincipal, _ scope: ResourceScope) -> Bool {
        switch principal {
        case .operatorOf: true
        case .regulator(_, let province): scope.provinces.contains(province)
        case .enterprise(let uscc, _): scope.parties.contains(uscc)
        }
    }

    /// The anomalies `principal` may read as of `asOf` (blocking): a regulator those of manifests and applications
    /// touching its province, the operator all; enterprises none (anomalies are for regulators).
    public static func anomalies(asOf: CivilDate, visibleTo principal: ReadPrincipal, in ledger: TransferLedger) throws -> [Anomaly] {
        guard let scope = AnomalyScope(principal) else { return [] }
        return try ledger.anomalies(asOf: asOf, province: scope.province)
    }

    /// Throws ``ServerError/forbidden(_:)`` unless ``allows(_:_:)``.
    public static func require(_ principal: ReadPrincipal, _ scope: ResourceScope, resource: String) throws(ServerError) {
        guard allows(principal, scope) else { throw .forbidden("\(principal.id) may not read \(resource)") }
    }
}

extension ManifestFilter {
    /// Keeps only the manifests `principal` may read (``Visibility/allows(_:_:)``) and, when given, those `also`
    /// keeps; the parties are looked up in `lookup`, each batch's at once. An enterprise reader's own index is read.
    public mutating func restrict(
        to principal: ReadPrincipal, lookup: EnterpriseLookup, also: (@Sendable (ManifestRecord) -> Bool)? = nil
    ) {
        visible = { m in try (also?(m) ?? true) && Visibility.allows(principal, .of(m, provinces: lookup)) }
        parties = lookup
        switch principal {
        case .enterprise(let uscc, _): visibleParty = uscc
        case .regulator(_, let province): visibleProvince = province
        case .operatorOf: break
        }
    }
}

/// A request context that carries the authenticated principal.
public struct LedgerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``SignedReadMiddleware`` on routes that need a signed read.
    public var principal: ReadPrincipal?
    /// The browser session the principal came from, when it came from one (see ``SessionStore``).
    public var session: Session?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        session = nil
    }

    /// The authenticated principal; only routes behind ``SignedReadMiddleware`` may call this.
    public func requirePrincipal() throws -> ReadPrincipal {
        guard let principal else { throw ServerError.unauthenticated("this resource needs a signed request") }
        return principal
    }
}

/// Authenticates signed reads for the routes it guards; 401 R-SIG otherwise.
public struct SignedReadMiddleware: RouterMiddleware {
    public typealias Context = LedgerRequestContext
    let authenticator: RequestAuthenticator

    public init(authenticator: RequestAuthenticator) { self.authenticator = authenticator }

    public func handle(
        _ request: Request, context: LedgerRequestContext, next: (Request, LedgerRequestContext) async throws -> Response
    ) async throws -> Response {
        let header = request.headers[.authorization]
        let method = request.method.rawValue
        let target = request.uri.description
        let authenticator = self.authenticator
        let principal = try await Blocking.run { try authenticator.authenticate(header: header, method: method, target: target) }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}

/// Authenticates a read by a signed request or, failing a header, by the session cookie; 401 R-SIG otherwise.
/// Only for reads: a cookie alone never authorises a change (see ``CSRF``).
public struct SignedOrSessionReadMiddleware: RouterMiddleware {
    public typealias Context = LedgerRequestContext
    let authenticator: RequestAuthenticator
    let sessions: SessionStore

    public init(authenticator: RequestAuthenticator, sessions: SessionStore) {
        self.authenticator = authenticator
        self.sessions = sessions
    }

    public func handle(
        _ request: Request, context: LedgerRequestContext, next: (Request, LedgerRequestContext) async throws -> Response
    ) async throws -> Response {
        let header = request.headers[.authorization]
        let cookie = request.headers[.cookie]
        let method = request.method.rawValue
        let target = request.uri.description
        let authenticator = self.authenticator, sessions = self.sessions
        let (principal, session) = try await Blocking.run { () -> (ReadPrincipal, Session?) in
            if header == nil, let s = try authenticator.session(cookieHeader: cookie, sessions: sessions) { return (s.principal, s) }
            return (try authenticator.authenticate(header: header, method: method, target: target), nil)
        }
        var context = context
        context.principal = principal
        context.session = session
        return try await next(request, context)
    }
}
