import Foundation
import Hummingbird
import LedgerCore
import TransferLedger
import TransferRules

/// Signed reads of the regime's records (SPEC §4.2): manifests, applications, the whitelist report, anomalies,
/// compensation statements. Each answers the facade's document for the read, the one `hwledger` prints.
extension LedgerRoutes {
    /// `GET /v1/manifests/{no}`: parties and the regulators of the provinces it touches.
    func manifest(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let number = context.parameters.get("no") else { throw ServerError.usage("a manifest number is required") }
        let ledger = self.ledger
        let found = try await Blocking.run { () -> ManifestRecord? in
            guard let m = try ledger.manifest(number) else { return nil }
            try Visibility.require(principal, .of(m, provinces: ledger.enterpriseLookup()), resource: "manifest \(number)")
            return m
        }
        guard let m = found else { throw ServerError.notFound("manifest \(number) does not exist") }
        return JSONResponse.make(try await Blocking.run { try ledger.manifestDocument(m) })
    }

    /// `GET /v1/manifests?status=&party=&from=&to=&wasteCode=&name=&pickupFrom=&pickupTo=&cursor=&limit=`: what the principal may see, paged.
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
        /// The parameter `name` when given, checked by `rule` (400 naming it and the rule).
        func checked(_ name: String, _ rule: (String, String) -> String?) throws -> String? {
            guard let value = query.get(name) else { return nil }
            if let problem = rule(name, value) { throw ServerError.usage(problem) }
            return value
        }
        filter.party = try checked("party", ReadParameters.uscc)
        filter.from = try Self.date(query.get("from"), name: "from")
        filter.to = try Self.date(query.get("to"), name: "to")
        filter.wasteCode = try checked("wasteCode", ReadParameters.wasteCode)
        filter.name = try checked("name", ReadParameters.namePart)
        filter.pickupFrom = try Self.date(query.get("pickupFrom"), name: "pickupFrom")
        filter.pickupTo = try Self.date(query.get("pickupTo"), name: "pickupTo")
        let limit = try Self.optionalNumber(query.get("limit"), name: "limit").map(Int.init) ?? 100
        guard (1...1000).contains(limit) else { throw ServerError.usage("limit must lie between 1 and 1000") }
        var after: String?
        if let cursor = query.get("cursor") {
            guard let no = ManifestCursor.decode(cursor) else { throw ServerError.usage("cursor is not one this server issued") }
            after = no
        }
        let ledger = self.ledger
        let base = filter
        let cursor = after
        let document = try await Blocking.run { () -> [UInt8] in
            var visibleFilter = base
            visibleFilter.restrict(to: principal, lookup: ledger.enterpriseLookup())
            return try ledger.manifestPageBytes(try ledger.manifests(visibleFilter, cursor: cursor, limit: limit))
        }
        return JSONResponse.make(canonical: document)
    }

    /// `GET /v1/approvals/{id}`: the application's generator and receiver, and the regulators of both provinces.
    func application(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let id = context.parameters.get("id") else { throw ServerError.usage("an application id is required") }
        let ledger = self.ledger
        guard let a = try await Blocking.run({ try ledger.application(id) }) else {
            throw ServerError.notFound("application \(id) does not exist")
        }
        try Visibility.require(principal, .of(a), resource: "application \(id)")
        return JSONResponse.make(try await Blocking.run { try ledger.applicationDocument(a) })
    }

    /// `GET /v1/approvals`: every application the principal may see, in id order.
    func applications(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let ledger = self.ledger
        let document = try await Blocking.run {
            try ledger.applicationListDocument(try ledger.applications(inScope: principal.manifestScope).filter { Visibility.allows(principal, .of($0)) })
        }
        return JSONResponse.make(document)
    }

    /// `GET /v1/whitelists/report?year=Y`: the 川渝 whitelist's execution report, for regulators and the operator.
    func whitelistReport(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        if case .enterprise = principal { throw ServerError.forbidden("the whitelist report is for regulators") }
        let year = try Self.number(request.uri.queryParameters.get("year"), name: "year")
        guard (2000...2999).contains(year) else { throw ServerError.usage("year must lie between 2000 and 2999, got \(year)") }
        let ledger = self.ledger
        return JSONResponse.make(try await Blocking.run { try ledger.whitelistReportDocument(year: Int(year)) })
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
        return JSONResponse.make(TransferLedger.anomaliesDocument(asOf: asOf, list))
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
        let bytes = try await Blocking.run { StatementJSON.canonicalBytes(try ledger.statement(quarter: quarter, payer: payer, payee: payee)) }
        return JSONResponse.make(canonical: bytes)
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

    static func date(_ text: String?, name: String) throws -> CivilDate? {
        guard let text else { return nil }
        guard let d = CivilDate(text) else { throw ServerError.usage("\(name) must be a date YYYY-MM-DD") }
        return d
    }
}
