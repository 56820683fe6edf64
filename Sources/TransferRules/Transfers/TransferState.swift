/// What the transfer rules need to read of the ledger so far. Implemented over the projections.
public protocol TransferState: RegistryState {
    func permit(_ permitNo: String) throws -> PermitRecord?
    /// Every permit of a holder.
    func permits(of holder: String) throws -> [PermitRecord]
    func application(_ id: String) throws -> ApplicationRecord?
    /// The application an approval number was issued on.
    func applicationID(forApprovalNo no: String) throws -> String?
    func whitelist(year: Int, listingProvince: String) throws -> WhitelistRecord?
    func manifest(_ no: String) throws -> ManifestRecord?
    /// The manifest a generator filed with its own reference `customId`.
    func manifestNo(customId: String, generator: String) throws -> String?
    /// A 点对点 registration.
    func p2p(_ registrationNo: String) throws -> P2PRecord?
}

/// The context every transfer rule judges in: reference lists, policy and the working-day calendar.
public struct RegimeContext: Sendable {
    public let reference: ReferenceData
    public let policy: Policy
    public let calendar: WorkingCalendar

    public init(reference: ReferenceData, policy: Policy) {
        self.reference = reference
        self.policy = policy
        self.calendar = WorkingCalendar(policy: policy, reference: reference)
    }

    /// R-WASTE-CODE unless `code` is in the edition of the 名录 in force on the event's business date `on`.
    func checkWasteCode(_ code: String, field: String, on date: CivilDate) throws {
        if let problem = reference.wasteCodeProblem(code, on: date) {
            throw RuleViolation(.wasteCode, "\(field) \(code) \(problem)")
        }
    }

    func checkMethod(_ code: String, field: String) throws {
        guard reference.methods[code] != nil else {
            throw RuleViolation(.methodCode, "\(field) \(code) is not a 利用/处置方式 code of the method list")
        }
    }

    func checkUSCC(_ code: String, field: String) throws {
        guard USCC.isValid(code) else { throw RuleViolation(.uscc, "\(field) \(code) is not a valid 统一社会信用代码") }
    }

    /// The registered enterprise or R-NOT-FOUND.
    func enterprise(_ uscc: String, field: String, state: some TransferState) throws -> Enterprise {
        guard let e = try state.enterprise(uscc) else {
            throw RuleViolation(.notFound, "\(field) \(uscc) is not a registered enterprise")
        }
        return e
    }

    /// The acting regulator, or R-AUTH.
    func regulator(_ actor: String, state: some TransferState, event: String) throws -> Regulator {
        guard let r = try state.regulator(actor) else {
            throw RuleViolation(.auth, "\(actor) may not emit \(event): only a regulator may")
        }
        return r
    }
}

extension Int64 {
    /// Grams as tonnes for rule messages: `12.000 t`.
    var t: String { Mass.tonnes(self) + " t" }
}
