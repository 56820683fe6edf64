import Hummingbird
import LedgerCore
import TransferLedger
import TransferRules

/// Signed reads of the register: enterprises and permits. The register is public among the ledger's principals (who
/// is registered where and with which roles, which permits they hold, as the regulators publish them), so every
/// principal with a valid signature may read all of it.
extension LedgerRoutes {
    /// `GET /v1/enterprises`: every registered enterprise with its labels (name, full place).
    func enterpriseList(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        _ = try context.requirePrincipal()
        let ledger = self.ledger
        return JSONResponse.make(try await Blocking.run { try ledger.enterpriseListDocument() })
    }

    /// `GET /v1/enterprises/{uscc}`: the enterprise and its permits; 400 for a value that is not a USCC, 404 unknown.
    func enterpriseDetail(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        _ = try context.requirePrincipal()
        let uscc = context.parameters.get("uscc") ?? ""
        if let problem = ReadParameters.uscc("uscc", uscc) { throw ServerError.usage(problem) }
        let ledger = self.ledger
        guard let document = try await Blocking.run({ try ledger.enterpriseDocument(uscc) }) else {
            throw ServerError.notFound("enterprise \(uscc) is not registered")
        }
        return JSONResponse.make(document)
    }

    /// `GET /v1/permits?holder=`: every permit, or the holder's; 400 for a holder that is not a USCC.
    func permitList(_ request: Request, _ context: LedgerRequestContext) async throws -> Response {
        _ = try context.requirePrincipal()
        let holder: String? = request.uri.queryParameters.get("holder")
        if let holder, let problem = ReadParameters.uscc("holder", holder) { throw ServerError.usage(problem) }
        let ledger = self.ledger
        return JSONResponse.make(try await Blocking.run { try ledger.permitListDocument(holder: holder) })
    }
}
