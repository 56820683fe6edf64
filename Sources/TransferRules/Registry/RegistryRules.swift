/// What the registry rules need to know about the ledger so far. Implemented over the projections.
public protocol RegistryState {
    /// The origin (operator id) of the ledger.
    var origin: String { get }
    /// A regulator named in genesis.
    func regulator(_ id: String) throws -> Regulator?
    /// A registered enterprise.
    func enterprise(_ uscc: String) throws -> Enterprise?
    /// A principal's key by key id, revoked or not.
    func key(principal: String, keyId: String) throws -> KeyRecord?
}

/// The registry part of the regime (SPEC §2.1): who may register enterprises and manage their keys.
///
/// Checks run in the normative order: reference data (R-USCC, R-DIVISION), R-NOT-FOUND, R-AUTH, the section's
/// own rules (R-STATE), R-DUPLICATE. R-SCHEMA, R-SIG and R-NONCE are decided before these functions run.
public struct RegistryRules: Sendable {
    public let reference: ReferenceData

    public init(reference: ReferenceData) {
        self.reference = reference
    }

    /// The regulator an actor id denotes, or R-AUTH.
    func actingRegulator(_ actor: String, state: some RegistryState, event: String) throws -> Regulator {
        guard let regulator = try state.regulator(actor) else {
            throw RuleViolation(.auth, "\(actor) may not emit \(event): only a regulator registers enterprises and keys")
        }
        return regulator
    }

    /// `enterprise.registered` on `date` (the entry's date in Asia/Shanghai): the division must be in force then;
    /// enterprises registered earlier keep their code.
    public func check(_ e: EnterpriseRegistered, actor: String, state: some RegistryState, on date: CivilDate) throws {
        guard USCC.isValid(e.uscc) else {
            throw RuleViolation(.uscc, "body.uscc \(e.uscc) is not a valid 统一社会信用代码 (bad length, character or check character)")
        }
        guard let division = reference.divisions[e.division] else {
            throw RuleViolation(.division, "body.division \(e.division) is not in the administrative division list")
        }
        guard division.isInForce(on: date) else {
            let successor = division.successor.map { s in "; use its successor \(s)" + (reference.divisions[s].map { "（\($0.name)）" } ?? "") } ?? ""
            throw RuleViolation(
                .division, "body.division \(e.division)（\(division.name)）was in force until \(division.validTo!), not on \(date)\(successor)")
        }
        let regulator = try actingRegulator(actor, state: state, event: "enterprise.registered")
        guard Division.province(of: e.division) == regulator.province else {
            throw RuleViolation(
                .auth, "\(actor) may not register an enterprise in division \(e.division): it lies in province \(Division.province(of: e.division)), not \(regulator.province)")
        }
        if try state.enterprise(e.uscc) != nil {
            throw RuleViolation(.duplicate, "enterprise \(e.uscc) is already registered")
        }
    }

    /// The province a principal belongs to, after R-USCC and R-NOT-FOUND.
    func principalProvince(_ principal: String, state: some RegistryState) throws -> String {
        if principal.hasPrefix("REG-") {
            guard let regulator = try state.regulator(principal) else {
                throw RuleViolation(.notFound, "body.principal \(principal) is not a regulator of this ledger")
            }
            return regulator.province
        }
        guard USCC.isValid(principal) else {
            throw RuleViolation(.uscc, "body.principal \(principal) is not a valid 统一社会信用代码")
        }
        guard let enterprise = try state.enterprise(principal) else {
            throw RuleViolation(.notFound, "body.principal \(principal) is not a registered enterprise")
        }
        return enterprise.province
    }

    func checkKeyAuthority(principal: String, province: String, actor: String, event: String, state: some RegistryState) throws {
        let regulator = try actingRegulator(actor, state: state, event: event)
        if principal.hasPrefix("REG-") {
            guard principal == actor else {
                throw RuleViolation(.auth, "\(actor) may not manage the keys of another regulator (\(principal))")
            }
        } else if province != regulator.province {
            throw RuleViolation(.auth, "\(actor) may not manage keys of \(principal), an enterprise of province \(province)")
        }
    }

    public func check(_ e: KeyAdded, actor: String, state: some RegistryState) throws {
        // Also checked when the body is decoded, so that R-SCHEMA precedes R-SIG; kept here so the rule stands alone.
        guard e.keyName == e.principal else {
            throw RuleViolation(.schema, "body.key is named \(e.keyName), but body.principal is \(e.principal); a key's name must be its principal")
        }
        let province = try principalProvince(e.principal, state: state)
        try checkKeyAuthority(principal: e.principal, province: province, actor: actor, event: "key.added", state: state)
        if try state.key(principal: e.principal, keyId: e.keyId) != nil {
            throw RuleViolation(.duplicate, "key \(e.keyId) of \(e.principal) already exists")
        }
    }

    public func check(_ e: KeyRevoked, actor: String, state: some RegistryState) throws {
        let province = try principalProvince(e.principal, state: state)
        guard let key = try state.key(principal: e.principal, keyId: e.keyId) else {
            throw RuleViolation(.notFound, "body.keyId \(e.keyId) is not a key of \(e.principal)")
        }
        try checkKeyAuthority(principal: e.principal, province: province, actor: actor, event: "key.revoked", state: state)
        if let revokedAt = key.revokedAt {
            throw RuleViolation(.state, "key \(e.keyId) of \(e.principal) was already revoked at entry \(revokedAt)")
        }
    }
}
