extension RegimeContext {
    /// The pilot of `province` in the policy, if any.
    public func pilot(of province: String) -> Policy.Pilot? {
        policy.p2p.pilots.first { $0.province == province }
    }

    /// `p2p.registered` in the normative order: reference data, R-NOT-FOUND, R-AUTH, R-P2P-SCOPE, -BANNED,
    /// -GENERAL, -THRESHOLD, -WINDOW, R-DUPLICATE.
    public func check(_ e: P2PRegistered, actor: String, state: some TransferState) throws {
        try checkUSCC(e.generator, field: "body.generator")
        try checkUSCC(e.utiliser, field: "body.utiliser")
        try checkWasteCode(e.wasteCode, field: "body.wasteCode", on: e.validFrom)
        let generator = try enterprise(e.generator, field: "body.generator", state: state)
        let utiliser = try enterprise(e.utiliser, field: "body.utiliser", state: state)
        let regulator = try regulator(actor, state: state, event: "p2p.registered")
        guard let pilot = pilot(of: regulator.province) else {
            throw RuleViolation(.auth, "\(actor) is not the regulator of a 点对点 pilot province")
        }
        guard generator.roles.contains(.generator) else { throw RuleViolation(.auth, "\(e.generator) is not registered as generator") }
        guard utiliser.roles.contains(.utiliser) else { throw RuleViolation(.auth, "\(e.utiliser) is not registered as utiliser") }
        let chuanyu: Set<String> = ["510000", "500000"]
        if policy.p2p.crossProvincePairs {
            let provinces = [generator.province, utiliser.province]
            guard provinces.contains(pilot.province), provinces.allSatisfy({ chuanyu.contains($0) }) else {
                throw RuleViolation(
                    .p2pScope,
                    "one party must be in the pilot province \(pilot.province) and the other in a 川渝 province; generator is in \(generator.province), utiliser in \(utiliser.province)")
            }
        } else {
            guard generator.province == pilot.province, utiliser.province == pilot.province else {
                throw RuleViolation(
                    .p2pScope,
                    "both parties must be in the pilot province \(pilot.province); generator is in \(generator.province), utiliser in \(utiliser.province)")
            }
        }
        if e.controlledDrugProduction {
            throw RuleViolation(.p2pBanned, "waste from producing 麻醉药品/精神药品/药品类易制毒化学品/医疗用毒性药品 is excluded from the pilot")
        }
        if e.generalExemptionApplies {
            throw RuleViolation(.p2pGeneral, "a general 豁免清单 item already applies to this waste, so no 点对点 registration is needed")
        }
        guard e.declaredAnnualGrams >= policy.p2p.minAnnualGrams else {
            throw RuleViolation(
                .p2pThreshold, "declared annual generation \(e.declaredAnnualGrams.t) is below the pilot's minimum of \(policy.p2p.minAnnualGrams.t)")
        }
        guard e.validFrom <= e.validTo, pilot.from <= e.validFrom, e.validTo <= pilot.to else {
            throw RuleViolation(.p2pWindow, "validity \(e.validFrom)…\(e.validTo) lies outside the pilot window \(pilot.from)…\(pilot.to)")
        }
        if try state.p2p(e.registrationNo) != nil {
            throw RuleViolation(.duplicate, "registration \(e.registrationNo) already exists")
        }
    }

    public func check(_ e: P2PRevoked, actor: String, state: some TransferState) throws {
        guard let r = try state.p2p(e.registrationNo) else {
            throw RuleViolation(.notFound, "registration \(e.registrationNo) does not exist")
        }
        guard actor == r.registeredBy else { throw RuleViolation(.auth, "only \(r.registeredBy), who registered \(e.registrationNo), may revoke it") }
        if let on = r.revokedOn { throw RuleViolation(.state, "registration \(e.registrationNo) was already revoked on \(on)") }
    }

    /// Every reason a shipment fails against a registration, in rule order (empty: eligible).
    public func p2pReasons(_ s: P2PShipment, registration r: P2PRecord) -> [RuleViolation] {
        var reasons: [RuleViolation] = []
        if !r.isActive(on: s.pickup) {
            let why = r.revokedOn.map { $0 <= s.pickup ? "it was revoked on \($0)" : nil } ?? nil
            reasons.append(RuleViolation(
                .p2pInactive,
                "registration \(r.registrationNo) is not active on \(s.pickup): " + (why ?? "its validity is \(r.validFrom)…\(r.validTo)")))
        }
        var differences: [String] = []
        if s.generator != r.generator { differences.append("generator \(s.generator) ≠ \(r.generator)") }
        if s.utiliser != r.utiliser { differences.append("utiliser \(s.utiliser) ≠ \(r.utiliser)") }
        for code in s.wasteCodes where code != r.wasteCode { differences.append("waste code \(code) ≠ \(r.wasteCode)") }
        if !differences.isEmpty {
            reasons.append(RuleViolation(.p2pMismatch, "the shipment differs from registration \(r.registrationNo): " + differences.joined(separator: "; ")))
        }
        let used = r.used(in: s.pickup.year)
        if used + s.grams > r.capGrams {
            reasons.append(RuleViolation(
                .p2pCap,
                "\(s.grams.t) plus \(used.t) already filed for \(s.pickup.year) exceed the annual cap of \(r.capGrams.t) (\((r.capGrams - used).t) left)"))
        }
        return reasons
    }
}
