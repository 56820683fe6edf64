import Foundation
import Hummingbird
import LedgerCore
import TransferLedger
import TransferRules

/// Signed reads of the regime's records (SPEC §4.2): manifests, anomalies, compensation statements.
extension LedgerRoutes {
    /// The provinces a manifest touches: the generator's and the receiver's (carriers do not count).
    static func scope(of m: ManifestRecord, provinces: [String: String]) -> ResourceScope { .of(m, provinces: provinces) }

    /// `GET /v1/manifests/{no}`: parties and the regulators of the provinces it touches.
    func manifest(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let number = context.parameters.get("no") else { throw ServerError.usage("a manifest number is required") }
        let ledger = self.ledger
        let (found, provinces) = try await Blocking.run { (try ledger.manifest(number), try ledger.enterpriseProvinces()) }
        guard let m = found else { throw ServerError.notFound("manifest \(number) does not exist") }
        try Visibility.require(principal, Self.scope(of: m, provinces: provinces), resource: "manifest \(number)")
        return JSONResponse.make(try m.jsonValue())
    }

    /// `GET /v1/manifests?status=&party=&from=&to=&cursor=&limit=`: what the principal may see, paged.
    func manifests(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        var filter = ManifestFilter()
        if let s = query.get("status") {
            guard let state = ManifestState(rawValue: s) else {
                throw ServerError.usage("status must be one of filed, inTransit, received, rejected, cancelled")
            }
            filter.status = state
        }
        if let party = query.get("party") {
            if let problem = ReadParameters.uscc("party", party) { throw ServerError.usage(problem) }
            filter.party = party
        }
        filter.from = try Self.date(query.get("from"), name: "from")
        filter.to = try Self.date(query.get("to"), name: "to")
        let limit = try Self.optionalNumber(query.get("limit"), name: "limit").map(Int.init) ?? 100
        guard (1...1000).contains(limit) else { throw ServerError.usage("limit must lie between 1 and 1000") }
        var after: String?
        if let cursor = query.get("cursor") {
            guard let raw = Data(base64Encoded: cursor), let text = String(data: raw, encoding: .utf8), text.hasPrefix(Self.cursorPrefix),
                case let no = String(text.dropFirst(Self.cursorPrefix.count)), no.utf8.count == 14,
                no.utf8.allSatisfy({ (0x30...0x39).contains($0) })
            else { throw ServerError.usage("cursor is not one this server issued") }
            after = no
        }
        let ledger = self.ledger
        let base = filter
        let cursor = after
        let page = try await Blocking.run { () -> ManifestPage in
            let provinces = try ledger.enterpriseProvinces()
            var visibleFilter = base
            visibleFilter.visible = { m in Visibility.allows(principal, LedgerRoutes.scope(of: m, provinces: provinces)) }
            return try ledger.manifests(visibleFilter, cursor: cursor, limit: limit)
        }
        var body: [String: JSONValue] = ["manifests": .array(try page.manifests.map { try $0.jsonValue() })]
        if let next = page.nextCursor { body["nextCursor"] = .string(Data((Self.cursorPrefix + next).utf8).base64EncodedString()) }
        return JSONResponse.make(.object(body))
    }

    /// `GET /v1/audit/anomalies?asOf=DATE`: regulators (their province's) and the operator.
    func anomalies(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        if case .enterprise = principal { throw ServerError.forbidden("anomalies are for regulators") }
        guard let asOf = try Self.date(request.uri.queryParameters.get("asOf"), name: "asOf") else {
            throw ServerError.usage("query parameter asOf is required")
        }
        let ledger = self.ledger
        let list = try await Blocking.run { try Visibility.anomalies(asOf: asOf, visibleTo: principal, in: ledger) }
        return JSONResponse.make(.object([
            "asOf": .string(asOf.description),
            "anomalies": .array(list.map {
                .object(["id": .string($0.id), "subject": .string($0.subject), "due": $0.due.map { .string($0.description) } ?? .null, "detail": .string($0.detail)])
            }),
        ]))
    }

    /// `GET /v1/compensation/statements?quarter=&payer=&payee=`: the regulators of payer and payee, and the operator.
    func statement(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        for name in ["quarter", "payer", "payee"] where query.get(name) == nil { throw ServerError.usage("query parameter \(name) is required") }
        let (q, payer, payee) = (query.get("quarter")!, query.get("payer")!, query.get("payee")!)
        if let problem = ReadParameters.quarter("quarter", q) ?? ReadParameters.direction(payer: ("payer", payer), payee: ("payee", payee)) {
            throw ServerError.usage(problem)
        }
        let quarter = Quarter(q)!
        if case .enterprise = principal { throw ServerError.forbidden("compensation statements are for regulators") }
        try Visibility.require(principal, ResourceScope(provinces: [payer, payee]), resource: "the \(quarter) statement \(payer) → \(payee)")
        let ledger = self.ledger
        let s = try await Blocking.run { try ledger.statement(quarter: quarter, payer: payer, payee: payee) }
        return JSONResponse.make(StatementJSON.json(s))
    }

    /// `GET /v1/worklist?asOf=DATE` (session cookie or signed request): the steps the principal must take, the one
    /// computation the console's 待办 page and `hwledger worklist` use. Without asOf: today in 北京时间.
    func worklist(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let asOf = try Self.date(request.uri.queryParameters.get("asOf"), name: "asOf")
            ?? UTCInstant(seconds: authenticator.currentTime).shanghaiDate
        let ledger = self.ledger
        let list = try await Blocking.run { try ledger.worklist(for: principal.id, asOf: asOf) }
        return JSONResponse.make(list.json)
    }

    /// Cursors are `base64("manifests/v1:" + last manifest number)`: opaque to clients, checked on the way back.
    static let cursorPrefix = "manifests/v1:"

    static func date(_ text: String?, name: String) throws -> CivilDate? {
        guard let text else { return nil }
        guard let d = CivilDate(text) else { throw ServerError.usage("\(name) must be a date YYYY-MM-DD") }
        return d
    }
}
