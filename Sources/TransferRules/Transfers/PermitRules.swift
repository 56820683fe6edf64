extension RegimeContext {
    /// `permit.issued` (SPEC §2.1): by the regulator of the holder's province; operating permits for receivers or
    /// utilisers, transport permits for carriers.
    public func check(_ e: PermitIssued, actor: String, state: some TransferState) throws {
        try checkUSCC(e.holder, field: "body.holder")
        for (i, code) in e.wasteCodes.enumerated() { try checkWasteCode(code, field: "body.wasteCodes[\(i)]", on: e.validFrom) }
        for (i, m) in e.methods.enumerated() { try checkMethod(m, field: "body.methods[\(i)]") }
        let holder = try enterprise(e.holder, field: "body.holder", state: state)
        let regulator = try regulator(actor, state: state, event: "permit.issued")
        guard holder.province == regulator.province else {
            throw RuleViolation(.auth, "\(actor) may not issue permits to \(e.holder), an enterprise of province \(holder.province)")
        }
        switch e.kind {
        case .operating:
            guard holder.roles.contains(.receiver) || holder.roles.contains(.utiliser) else {
                throw RuleViolation(.auth, "\(e.holder) is registered neither as receiver nor as utiliser, so it cannot hold an operating permit")
            }
        case .transport:
            guard holder.roles.contains(.carrier) else {
                throw RuleViolation(.auth, "\(e.holder) is not registered as carrier, so it cannot hold a transport permit")
            }
        }
        if try state.permit(e.permitNo) != nil {
            throw RuleViolation(.duplicate, "permit \(e.permitNo) already exists")
        }
    }
}
