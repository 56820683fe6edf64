extension RegimeContext {
    /// The 14-digit 联单编号: year of filing, the generator division's province and city digits, a 6-digit serial.
    public static func manifestNumber(year: Int, generatorDivision: String, serial: Int) -> String {
        let s = String(serial)
        return String(year) + String(generatorDivision.prefix(4)) + String(repeating: "0", count: max(0, 6 - s.count)) + s
    }

    /// `manifest.filed` (SPEC §2.4), in the normative order: reference data, R-NOT-FOUND, R-AUTH, then
    /// R-APPROVAL-MISSING, -MISMATCH, -EXPIRED, -QUOTA, R-PERMIT, R-CARRIER-PERMIT, R-RETURN.
    public func check(_ e: ManifestFiled, actor: String, state: some TransferState) throws {
        try checkUSCC(e.generator, field: "body.generator")
        for (i, c) in e.carriers.enumerated() { try checkUSCC(c, field: "body.carriers[\(i)]") }
        try checkUSCC(e.receiver, field: "body.receiver")
        for (i, line) in e.lines.enumerated() { try checkWasteCode(line.wasteCode, field: "body.lines[\(i)].wasteCode", on: e.plannedPickup) }
        try checkMethod(e.method, field: "body.method")

        let generator = try enterprise(e.generator, field: "body.generator", state: state)
        var carriers: [Enterprise] = []
        for (i, c) in e.carriers.enumerated() { carriers.append(try enterprise(c, field: "body.carriers[\(i)]", state: state)) }
        let receiver = try enterprise(e.receiver, field: "body.receiver", state: state)
        var approval: ApplicationRecord?
        if case .approval(let no) = e.basis {
            guard let id = try state.applicationID(forApprovalNo: no), let a = try state.application(id) else {
                throw RuleViolation(.notFound, "body.basis.approval \(no) is not an approval number of this ledger")
            }
            approval = a
        }
        var registration: P2PRecord?
        if case .p2p(let no) = e.basis {
            guard let r = try state.p2p(no) else {
                throw RuleViolation(.notFound, "body.basis.p2p \(no) is not a 点对点 registration of this ledger")
            }
            registration = r
        }
        var original: ManifestRecord?
        if let returnOf = e.returnOf {
            guard let o = try state.manifest(returnOf) else {
                throw RuleViolation(.notFound, "body.returnOf \(returnOf) is not a manifest of this ledger")
            }
            original = o
        }

        guard actor == e.generator else {
            throw RuleViolation(.auth, "\(actor) may not file a manifest for the generator \(e.generator)")
        }
        if original == nil {
            guard generator.roles.contains(.generator) else { throw RuleViolation(.auth, "\(e.generator) is not registered as generator") }
            guard receiver.roles.contains(.receiver) || receiver.roles.contains(.utiliser) else {
                throw RuleViolation(.auth, "\(e.receiver) is registered neither as receiver nor as utiliser")
            }
        }
        for (i, c) in carriers.enumerated() where !c.roles.contains(.carrier) {
            throw RuleViolation(.auth, "body.carriers[\(i)] \(c.uscc) is not registered as carrier")
        }

        if let original {
            // §2.4 lists R-CARRIER-PERMIT among the filing rules before the returns paragraph's R-RETURN.
            try checkCarrierPermits(e, state: state)
            try checkReturn(e, original: original, state: state)
            try checkCustomId(e, state: state)
            return
        }
        let crossProvince = generator.province != receiver.province
        switch e.basis {
        case .intraProvince:
            if crossProvince {
                throw RuleViolation(
                    .approvalMissing,
                    "generator (\(generator.province)) and receiver (\(receiver.province)) are in different provinces: the manifest needs an approval number or a 点对点 registration")
            }
        case .approval:
            if let first = approvalBasisViolations(e, approval!).first { throw first }
        case .p2p:
            // No operating permit is needed for the utiliser under an active pair (§2.5); the §2.5 rules follow the
            // §2.4 ones.
            try checkCarrierPermits(e, state: state)
            let shipment = P2PShipment(
                generator: e.generator, utiliser: e.receiver, wasteCodes: e.lines.map(\.wasteCode), grams: e.totalGrams, pickup: e.plannedPickup)
            if let first = p2pReasons(shipment, registration: registration!).first { throw first }
            try checkCustomId(e, state: state)
            return
        }
        try checkReceiverPermit(e, state: state)
        try checkCarrierPermits(e, state: state)
        try checkCustomId(e, state: state)
    }

    /// R-DUPLICATE (last in precedence): a generator's own reference names one manifest only.
    func checkCustomId(_ e: ManifestFiled, state: some TransferState) throws {
        guard let customId = e.customId, let existing = try state.manifestNo(customId: customId, generator: e.generator) else { return }
        throw RuleViolation(.duplicate, "body.customId \(customId) of \(e.generator) was already used by manifest 联单编号 \(existing)")
    }

    /// R-APPROVAL-MISMATCH, -EXPIRED and -QUOTA of a filing on `a`, each found alone, in §2.4's order. An approval
    /// that was not granted is a mismatch and nothing else is judged against it.
    func approvalBasisViolations(_ e: ManifestFiled, _ a: ApplicationRecord) -> [RuleViolation] {
        guard a.decision?.decision == .approved, let d = a.decision else {
            return [RuleViolation(.approvalMismatch, "approval of application \(a.applicationId) was not granted")]
        }
        var found: [RuleViolation] = []
        var differences: [String] = []
        if a.generator != e.generator { differences.append("generator \(e.generator) ≠ \(a.generator)") }
        if a.receiver != e.receiver { differences.append("receiver \(e.receiver) ≠ \(a.receiver)") }
        for (i, line) in e.lines.enumerated() where line.wasteCode != a.wasteCode {
            differences.append("lines[\(i)].wasteCode \(line.wasteCode) ≠ \(a.wasteCode)")
        }
        if a.method != e.method { differences.append("method \(e.method) ≠ \(a.method)") }
        if !differences.isEmpty {
            found.append(RuleViolation(.approvalMismatch, "the manifest differs from approval \(d.approvalNo!): " + differences.joined(separator: "; ")))
        }
        if !(d.validFrom! <= e.plannedPickup && e.plannedPickup <= d.validTo!) {
            found.append(RuleViolation(.approvalExpired, "planned pickup \(e.plannedPickup) is outside the approval's validity \(d.validFrom!)…\(d.validTo!)"))
        }
        if e.totalGrams > a.remainingGrams {
            found.append(RuleViolation(
                .approvalQuota, "\(e.totalGrams.t) exceeds the \(a.remainingGrams.t) left on approval \(d.approvalNo!) (approved \(d.grams!.t), filed \(a.filedGrams.t))"))
        }
        return found
    }

    func checkReceiverPermit(_ e: ManifestFiled, state: some TransferState) throws {
        let permits = try state.permits(of: e.receiver).filter { $0.kind == .operating }
        for (i, line) in e.lines.enumerated() {
            guard permits.contains(where: { $0.isValid(on: e.plannedPickup) && $0.covers(wasteCode: line.wasteCode, method: e.method) }) else {
                let reason = permits.isEmpty ? "holds no operating permit" :
                    permits.contains(where: { $0.covers(wasteCode: line.wasteCode, method: e.method) })
                    ? "holds no operating permit valid on \(e.plannedPickup) for \(line.wasteCode) with \(e.method)"
                    : "holds no operating permit covering \(line.wasteCode) with \(e.method)"
                throw RuleViolation(.permit, "receiver \(e.receiver) \(reason) (lines[\(i)])")
            }
        }
    }

    func checkCarrierPermits(_ e: ManifestFiled, state: some TransferState) throws {
        for (i, c) in e.carriers.enumerated() {
            let permits = try state.permits(of: c).filter { $0.kind == .transport }
            guard permits.contains(where: { $0.isValid(on: e.plannedPickup) }) else {
                throw RuleViolation(.carrierPermit, "carrier \(c) (carriers[\(i)]) holds no road-transport permit valid on \(e.plannedPickup)")
            }
        }
    }

    func checkReturn(_ e: ManifestFiled, original o: ManifestRecord, state: some TransferState) throws {
        guard e.generator == o.receiver, e.receiver == o.generator else {
            throw RuleViolation(.returnExceeds, "a return of \(o.manifestNo) goes from its receiver \(o.receiver) back to its generator \(o.generator)")
        }
        guard e.basis == o.basis else { throw RuleViolation(.returnExceeds, "a return keeps the basis of \(o.manifestNo)") }
        let rejected = o.rejectedGramsByCode
        var returning: [String: Int64] = [:]
        for line in e.lines { returning[line.wasteCode, default: 0] += line.grams }
        for (code, grams) in returning.sorted(by: { $0.key < $1.key }) {
            let allowed = (rejected[code] ?? 0) - (o.returnedGrams[code] ?? 0)
            guard grams <= allowed else {
                throw RuleViolation(
                    .returnExceeds,
                    "\(grams.t) of \(code) returned exceed the \(allowed.t) rejected on \(o.manifestNo) and not yet returned")
            }
        }
    }

    /// The steps of a manifest after filing.
    public func check(_ step: ManifestStep, manifestNo: String, actor: String, state: some TransferState) throws {
        switch step {
        case .received(_, let method, _, _, _): try checkMethod(method, field: "body.method")
        case .correctionProposed(_, _, let method?, _): try checkMethod(method, field: "body.method")
        default: break
        }
        guard let m = try state.manifest(manifestNo) else { throw RuleViolation(.notFound, "manifest \(manifestNo) does not exist") }
        let event = step.eventType
        // Shape checks that need the manifest's line count come first among the rules (R-SCHEMA precedes all).
        switch step {
        case .received(_, _, let lines, _, _):
            guard lines.map(\.line).sorted() == Array(1...m.lines.count) else {
                throw RuleViolation(.schema, "body.lines must list every line of \(manifestNo) (1…\(m.lines.count)) exactly once")
            }
        case .correctionProposed(_, _, _, let lines):
            for (i, l) in (lines ?? []).enumerated() where !(1...m.lines.count).contains(l.line) {
                throw RuleViolation(.schema, "body.lines[\(i)].line \(l.line) is not a line of \(manifestNo)")
            }
        default: break
        }
        func requireState(_ allowed: ManifestState...) throws {
            guard allowed.contains(m.state) else {
                throw RuleViolation(.state, "\(event) is not allowed on manifest \(manifestNo) in state \(m.state.rawValue)")
            }
        }
        let lastMovement = m.handovers.last?.at ?? m.pickup?.at
        func notBeforeMovement(_ t: UTCInstant) throws {
            if let lastMovement, t < lastMovement {
                throw RuleViolation(.state, "\(event) at \(t) is before the load was last taken over at \(lastMovement)")
            }
        }
        switch step {
        case .cancelled:
            guard actor == m.generator else { throw RuleViolation(.auth, "only the generator \(m.generator) may cancel \(manifestNo)") }
            try requireState(.filed)
        case .pickedUp:
            guard actor == m.carriers.first else {
                throw RuleViolation(.auth, "only the first carrier \(m.carriers.first ?? "-") may pick up \(manifestNo)")
            }
            try requireState(.filed)
        case .handedOver(let from, _, _, let at):
            guard let position = m.carriers.firstIndex(of: actor), position > 0 else {
                throw RuleViolation(.auth, "\(actor) is not a later carrier listed on \(manifestNo)")
            }
            try requireState(.inTransit)
            guard let current = m.currentCarrier, from == current else {
                throw RuleViolation(.state, "body.fromCarrier \(from) does not hold the load of \(manifestNo); \(m.currentCarrier ?? "nobody") does")
            }
            guard let currentPosition = m.carriers.firstIndex(of: current), position > currentPosition else {
                throw RuleViolation(.state, "\(actor) comes before the current carrier \(current) in the carriers' order")
            }
            try notBeforeMovement(at)
        case .received(let at, _, _, _, _):
            guard actor == m.receiver else { throw RuleViolation(.auth, "only the receiver \(m.receiver) may receive \(manifestNo)") }
            try requireState(.inTransit)
            try notBeforeMovement(at)
        case .rejected(let at, _):
            guard actor == m.receiver else { throw RuleViolation(.auth, "only the receiver \(m.receiver) may reject \(manifestNo)") }
            try requireState(.inTransit)
            try notBeforeMovement(at)
        case .correctionProposed(let id, _, _, _):
            guard m.parties.contains(actor) else { throw RuleViolation(.auth, "\(actor) is not a party of \(manifestNo)") }
            try requireState(.received)
            if m.corrections.contains(where: { $0.correctionId == id }) {
                throw RuleViolation(.duplicate, "correction \(id) of \(manifestNo) already exists")
            }
        case .correctionApproved(let id):
            guard let c = m.corrections.first(where: { $0.correctionId == id }) else {
                throw RuleViolation(.notFound, "correction \(id) of \(manifestNo) does not exist")
            }
            guard m.parties.contains(actor), actor != c.proposer else {
                throw RuleViolation(.auth, "\(actor) may not approve correction \(id): only the parties other than its proposer may")
            }
            if c.approvals.contains(actor) { throw RuleViolation(.state, "\(actor) already approved correction \(id)") }
            if c.applied { throw RuleViolation(.state, "correction \(id) is already in effect") }
        }
    }
}
