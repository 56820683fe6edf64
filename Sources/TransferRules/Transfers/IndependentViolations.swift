/// Every independent failing rule of an event, for dry runs (`POST /v1/checks`, `hwledger check`, the console's
/// forms): a clerk fixes everything in one round instead of meeting the rules one at a time.
///
/// The first violation listed is always the one `check` throws, which is what a submission reports. The others are
/// the rules that judge on their own (reference codes, basis, quantity, validity, permits, carriers, the duplicate
/// reference); a rule that would only repeat an earlier failure (a permit check of an unknown receiver) is left out.
extension RegimeContext {
    /// Collects the violation of each check run alone; other errors (storage) propagate.
    struct ViolationCollector {
        var found: [RuleViolation] = []

        mutating func probe(_ body: () throws -> Void) throws {
            do { try body() } catch let v as RuleViolation {
                if !found.contains(v) { found.append(v) }
            }
        }

        mutating func add(_ violations: [RuleViolation]) {
            for v in violations where !found.contains(v) { found.append(v) }
        }
    }

    /// Rules that, when failing, make every later rule meaningless (the event names something unknown, or the actor
    /// may not emit it at all).
    static let prerequisiteRules: Set<RuleID> = [.schema, .signature, .nonce, .notFound, .auth, .state, .approvalRoute]
    static let referenceRules: Set<RuleID> = [.uscc, .division, .wasteCode, .methodCode]

    /// `manifest.filed`: reference codes, then (when the parties and basis resolve) the basis's mismatch, expiry and
    /// quota, the receiver's and carriers' permits, the return's limits and `customId`.
    public func violations(_ e: ManifestFiled, actor: String, state: some TransferState) throws -> [RuleViolation] {
        var c = ViolationCollector()
        try c.probe { try check(e, actor: actor, state: state) }
        guard let first = c.found.first, !Self.prerequisiteRules.contains(first.rule) else { return c.found }
        try c.probe { try checkUSCC(e.generator, field: "body.generator") }
        for (i, carrier) in e.carriers.enumerated() { try c.probe { try checkUSCC(carrier, field: "body.carriers[\(i)]") } }
        try c.probe { try checkUSCC(e.receiver, field: "body.receiver") }
        for (i, line) in e.lines.enumerated() { try c.probe { try checkWasteCode(line.wasteCode, field: "body.lines[\(i)].wasteCode", on: e.plannedPickup) } }
        try c.probe { try checkMethod(e.method, field: "body.method") }
        if Self.referenceRules.contains(first.rule) { return c.found }

        if let returnOf = e.returnOf, let original = try state.manifest(returnOf) {
            try c.probe { try checkReturn(e, original: original, state: state) }
        } else {
            switch e.basis {
            case .approval(let no):
                if let id = try state.applicationID(forApprovalNo: no), let a = try state.application(id) {
                    c.add(approvalBasisViolations(e, a))
                }
                try c.probe { try checkReceiverPermit(e, state: state) }
            case .p2p(let no):
                if let r = try state.p2p(no) {
                    let shipment = P2PShipment(
                        generator: e.generator, utiliser: e.receiver, wasteCodes: e.lines.map(\.wasteCode), grams: e.totalGrams, pickup: e.plannedPickup)
                    c.add(p2pReasons(shipment, registration: r))
                }
            case .intraProvince:
                try c.probe { try checkReceiverPermit(e, state: state) }
            }
        }
        try c.probe { try checkCarrierPermits(e, state: state) }
        try c.probe { try checkCustomId(e, state: state) }
        return c.found
    }

    /// `approval.applied`: reference codes, then the route, the requested period and the duplicate id.
    public func violations(_ e: ApprovalApplied, actor: String, state: some TransferState) throws -> [RuleViolation] {
        var c = ViolationCollector()
        try c.probe { try check(e, actor: actor, state: state) }
        guard let first = c.found.first, !Self.prerequisiteRules.contains(first.rule) || first.rule == .approvalRoute else { return c.found }
        try c.probe { try checkUSCC(e.generator, field: "body.generator") }
        try c.probe { try checkUSCC(e.receiver, field: "body.receiver") }
        try c.probe { try checkWasteCode(e.wasteCode, field: "body.wasteCode", on: e.validFrom) }
        try c.probe { try checkMethod(e.method, field: "body.method") }
        if Self.referenceRules.contains(first.rule) { return c.found }
        try c.probe { try checkPeriod(from: e.validFrom, to: e.validTo, what: "the requested period") }
        if try state.application(e.applicationId) != nil {
            c.add([RuleViolation(.duplicate, "application \(e.applicationId) already exists")])
        }
        return c.found
    }

    /// `approval.decided` and the other steps: for an approving decision whose route holds, its grams, validity,
    /// whitelist quota and year, and the duplicate approval number; for any other step the first failing rule.
    public func violations(_ step: ApprovalStep, applicationId: String, actor: String, state: some TransferState) throws -> [RuleViolation] {
        var c = ViolationCollector()
        try c.probe { try check(step, applicationId: applicationId, actor: actor, state: state) }
        guard let first = c.found.first, !Self.prerequisiteRules.contains(first.rule),
            case .decided(let d) = step, d.decision == .approved, let a = try state.application(applicationId)
        else { return c.found }
        for check in try approvalSteps(d, a, state: state) { try c.probe(check) }
        if let no = d.approvalNo, try state.applicationID(forApprovalNo: no) != nil {
            c.add([RuleViolation(.duplicate, "approval number \(no) is already in use")])
        }
        return c.found
    }
}
