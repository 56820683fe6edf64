/// A record an accepted event writes. The facade stores each under its projection kind.
public enum StateWrite: Sendable, Equatable {
    case permit(PermitRecord)
    case application(ApplicationRecord)
    case whitelist(WhitelistRecord)
    case manifest(ManifestRecord)
    case p2p(P2PRecord)
}

/// How accepted events change the transfer records. Pure: the same events in the same order give the same
/// records, which is what `rebuild --check` relies on. No rule is judged here.
extension RegimeContext {
    func covered(_ a: ApplicationRecord, state: some TransferState) throws -> Bool {
        try state.whitelist(year: a.validFrom.year, listingProvince: a.destinationProvince)?.coveringEntry(for: a) != nil
    }

    public func effects(of e: PermitIssued, index: UInt64) -> [StateWrite] {
        [.permit(PermitRecord(e, issuedAt: index))]
    }

    public func effects(of e: ApprovalApplied, index: UInt64, state: some TransferState) throws -> [StateWrite] {
        let g = try state.enterprise(e.generator)?.province ?? Division.province(of: e.generator)
        let r = try state.enterprise(e.receiver)?.province ?? Division.province(of: e.receiver)
        var a = ApplicationRecord(e, generatorProvince: g, receiverProvince: r, appliedAt: index, covered: false)
        a.coveredWhenApplied = try covered(a, state: state)
        return [.application(a)]
    }

    public func effects(of step: ApprovalStep, applicationId: String, state: some TransferState) throws -> [StateWrite] {
        guard var a = try state.application(applicationId) else { return [] }
        var writes: [StateWrite] = []
        switch step {
        case .incomplete(let missing, let on): a.incomplete = .init(missing: missing, notifiedOn: on)
        case .supplemented(let on):
            a.supplementedOn = on
            a.coveredWhenSupplemented = try covered(a, state: state)
        case .reviewed(let opinion, let on, let note): a.review = .init(opinion: opinion, reviewedOn: on, note: note)
        case .consultationRequested(let on): a.consultationRequestedOn = on
        case .consultationReplied(let opinion, let on, let reason): a.reply = .init(opinion: opinion, repliedOn: on, reason: reason)
        case .decided(let d):
            a.decision = d
            a.direct = a.reply == nil
            if d.decision == .approved, a.reply == nil,
                var list = try state.whitelist(year: a.validFrom.year, listingProvince: a.destinationProvince),
                let entry = list.coveringEntry(for: a)
            {
                list.entries[entry].approvedGrams += d.grams ?? 0
                a.whitelistCharge = .init(year: list.year, listingProvince: list.listingProvince, entry: entry)
                writes.append(.whitelist(list))
            }
        case .notified(let on): a.notifiedOn = on
        case .overquotaConsented(let extra): a.consentedExtraGrams = extra
        }
        writes.append(.application(a))
        return writes
    }

    public func effects(of e: WhitelistPublished, index: UInt64) -> [StateWrite] {
        [.whitelist(WhitelistRecord(e, publishedAt: index))]
    }

    public func effects(of change: WhitelistChange, state: some TransferState) throws -> [StateWrite] {
        switch change {
        case .confirmed(let year, let listing):
            guard var list = try state.whitelist(year: year, listingProvince: listing) else { return [] }
            list.confirmed = true
            return [.whitelist(list)]
        case .suspended(let year, let listing, let receiver, let wasteCode, _):
            guard var list = try state.whitelist(year: year, listingProvince: listing) else { return [] }
            for i in list.entries.indices where list.entries[i].receiver == receiver && (wasteCode == nil || list.entries[i].wasteCode == wasteCode) {
                list.entries[i].suspended = true
            }
            return [.whitelist(list)]
        }
    }

    public func effects(
        of e: ManifestFiled, number: String, filedOn: CivilDate, event: ManifestRecord.EventRef, state: some TransferState
    ) throws -> [StateWrite] {
        var writes: [StateWrite] = [.manifest(ManifestRecord(number: number, e, filedOn: filedOn, event: event))]
        if let returnOf = e.returnOf {
            if var o = try state.manifest(returnOf) {
                for line in e.lines { o.returnedGrams[line.wasteCode, default: 0] += line.grams }
                writes.append(.manifest(o))
            }
        } else if case .approval(let no) = e.basis, let id = try state.applicationID(forApprovalNo: no), var a = try state.application(id) {
            a.filedGrams += e.totalGrams
            writes.append(.application(a))
        } else if case .p2p(let no) = e.basis, var r = try state.p2p(no) {
            r.usedGrams[String(e.plannedPickup.year), default: 0] += e.totalGrams
            writes.append(.p2p(r))
        }
        return writes
    }

    public func effects(
        of step: ManifestStep, manifestNo: String, event: ManifestRecord.EventRef, state: some TransferState
    ) throws -> [StateWrite] {
        guard var m = try state.manifest(manifestNo) else { return [] }
        var writes: [StateWrite] = []
        m.events.append(event)
        let enteredOn = event.time.shanghaiDate
        switch step {
        case .cancelled(let reason):
            m.state = .cancelled
            m.cancelReason = reason
            if let returnOf = m.returnOf {
                if var o = try state.manifest(returnOf) {
                    for line in m.lines { o.returnedGrams[line.wasteCode, default: 0] -= line.grams }
                    writes.append(.manifest(o))
                }
            } else if case .approval(let no) = m.basis, let id = try state.applicationID(forApprovalNo: no), var a = try state.application(id) {
                a.filedGrams -= m.totalGrams
                writes.append(.application(a))
            } else if case .p2p(let no) = m.basis, var r = try state.p2p(no) {
                r.usedGrams[String(m.plannedPickup.year), default: 0] -= m.totalGrams
                writes.append(.p2p(r))
            }
        case .pickedUp(let plate, let driver, let at):
            m.state = .inTransit
            m.pickup = .init(carrier: event.actor, vehiclePlate: plate, driver: driver, at: at)
        case .handedOver(let from, let plate, let driver, let at):
            m.handovers.append(.init(fromCarrier: from, toCarrier: event.actor, vehiclePlate: plate, driver: driver, at: at))
        case .received(let at, let method, let lines, let flag, let note):
            m.state = .received
            let sorted = lines.sorted { $0.line < $1.line }
            m.receipt = .init(deliveredAt: at, method: method, lines: sorted, significantDiscrepancy: flag, note: note, enteredOn: enteredOn)
            m.versions.append(.init(version: 1, index: event.index, method: method, lines: sorted, correctionId: nil))
        case .rejected(let at, let reason):
            m.state = .rejected
            m.rejection = .init(deliveredAt: at, reason: reason, enteredOn: enteredOn)
        case .correctionProposed(let id, let reason, let method, let lines):
            m.corrections.append(.init(correctionId: id, proposer: event.actor, reason: reason, method: method, lines: lines, approvals: [], applied: false))
        case .correctionApproved(let id):
            guard let c = m.corrections.firstIndex(where: { $0.correctionId == id }) else { break }
            m.corrections[c].approvals.append(event.actor)
            let needed = Set(m.parties).subtracting([m.corrections[c].proposer])
            if needed.isSubset(of: Set(m.corrections[c].approvals)), let current = m.currentVersion {
                m.corrections[c].applied = true
                var lines = current.lines
                for change in m.corrections[c].lines ?? [] {
                    if let i = lines.firstIndex(where: { $0.line == change.line }) { lines[i].grams = change.grams }
                }
                m.versions.append(.init(
                    version: current.version + 1, index: event.index, method: m.corrections[c].method ?? current.method,
                    lines: lines, correctionId: id))
            }
        }
        writes.insert(.manifest(m), at: 0)
        return writes
    }
}

extension RegimeContext {
    public func effects(of e: P2PRegistered, actor: String, index: UInt64) -> [StateWrite] {
        [.p2p(P2PRecord(e, registeredBy: actor, registeredAt: index))]
    }

    public func effects(of e: P2PRevoked, state: some TransferState) throws -> [StateWrite] {
        guard var r = try state.p2p(e.registrationNo) else { return [] }
        r.revokedOn = e.revokedOn
        r.revokeReason = e.reason
        return [.p2p(r)]
    }
}
