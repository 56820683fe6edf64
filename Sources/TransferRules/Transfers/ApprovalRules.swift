extension RegimeContext {
    /// The last allowed validTo of a period starting `from`: `from` + N months − 1 day (N = policy, 12), so
    /// 2025-03-01 may run to 2026-02-28. When the target month has no corresponding day (from 2024-02-29), the period
    /// ends on that month's last day (民法典 第二百零三条), 2025-02-28.
    public func latestValidTo(from: CivilDate) -> CivilDate {
        let months = policy.approvalMaxValidityMonths
        let total = from.month - 1 + months
        let year = from.year + total / 12
        let month = total % 12 + 1
        let last = CivilDate.daysIn(year: year, month: month)
        guard from.day <= last else { return CivilDate(year: year, month: month, day: last)! }
        return CivilDate(year: year, month: month, day: from.day)!.adding(days: -1)
    }

    /// `approval.applied` (SPEC §2.2 step 1).
    public func check(_ e: ApprovalApplied, actor: String, state: some TransferState) throws {
        try checkUSCC(e.generator, field: "body.generator")
        try checkUSCC(e.receiver, field: "body.receiver")
        try checkWasteCode(e.wasteCode, field: "body.wasteCode", on: e.validFrom)
        try checkMethod(e.method, field: "body.method")
        let generator = try enterprise(e.generator, field: "body.generator", state: state)
        let receiver = try enterprise(e.receiver, field: "body.receiver", state: state)
        guard actor == e.generator else { throw RuleViolation(.auth, "\(actor) may not apply on behalf of the generator \(e.generator)") }
        guard generator.roles.contains(.generator) else { throw RuleViolation(.auth, "\(e.generator) is not registered as generator") }
        guard receiver.roles.contains(.receiver) || receiver.roles.contains(.utiliser) else {
            throw RuleViolation(.auth, "\(e.receiver) is registered neither as receiver nor as utiliser")
        }
        guard generator.province != receiver.province else {
            throw RuleViolation(.approvalRoute, "generator and receiver are both in province \(generator.province): a cross-province approval does not apply")
        }
        try checkPeriod(from: e.validFrom, to: e.validTo, what: "the requested period")
        if try state.application(e.applicationId) != nil {
            throw RuleViolation(.duplicate, "application \(e.applicationId) already exists")
        }
    }

    func checkPeriod(from: CivilDate, to: CivilDate, what: String) throws {
        guard from <= to else { throw RuleViolation(.approvalValidity, "\(what) ends \(to) before it starts \(from)") }
        let latest = latestValidTo(from: from)
        guard to <= latest else {
            throw RuleViolation(
                .approvalValidity,
                "\(what) \(from)…\(to) is longer than \(policy.approvalMaxValidityMonths) months: it may end \(latest) at the latest")
        }
    }

    /// The application a step names, or R-NOT-FOUND.
    func application(_ id: String, state: some TransferState) throws -> ApplicationRecord {
        guard let a = try state.application(id) else { throw RuleViolation(.notFound, "application \(id) does not exist") }
        return a
    }

    /// Every later step of an application (SPEC §2.2, §2.3).
    public func check(_ step: ApprovalStep, applicationId: String, actor: String, state: some TransferState) throws {
        let a = try application(applicationId, state: state)
        let event = step.eventType
        func requireActor(_ who: String, _ role: String) throws {
            guard actor == who else { throw RuleViolation(.auth, "\(actor) may not emit \(event) on \(applicationId): only the \(role) \(who) may") }
        }
        func notBefore(_ date: CivilDate, _ earlier: CivilDate, _ what: String) throws {
            guard date >= earlier else { throw RuleViolation(.state, "\(event) dated \(date) is before \(what) on \(earlier)") }
        }
        func notDecided() throws {
            if let d = a.decision { throw RuleViolation(.state, "application \(applicationId) was already decided on \(d.decidedOn)") }
        }
        func supplementedIfNeeded() throws {
            if a.awaitingSupplement(calendar, policy: policy) {
                throw RuleViolation(.approvalRoute, "application \(applicationId) was returned as incomplete on \(a.incomplete!.notifiedOn) and has not been supplemented")
            }
        }
        let accepted = a.acceptedOn(calendar, policy: policy) ?? a.appliedOn
        switch step {
        case .incomplete(_, let notifiedOn):
            try requireActor(a.originRegulator, "origin regulator")
            if a.incomplete != nil { throw RuleViolation(.state, "application \(applicationId) was already returned as incomplete (一次性告知)") }
            try notDecided()
            if a.review != nil { throw RuleViolation(.state, "application \(applicationId) was already reviewed") }
            try notBefore(notifiedOn, a.appliedOn, "the application")
        case .supplemented(let on):
            try requireActor(a.generator, "generator")
            guard let incomplete = a.incomplete else {
                throw RuleViolation(.state, "application \(applicationId) was not returned as incomplete, so there is nothing to supplement")
            }
            if let s = a.supplementedOn { throw RuleViolation(.state, "application \(applicationId) was already supplemented on \(s)") }
            try notBefore(on, incomplete.notifiedOn, "the incomplete notice")
        case .reviewed(_, let on, _):
            try requireActor(a.originRegulator, "origin regulator")
            try supplementedIfNeeded()
            if a.review != nil { throw RuleViolation(.state, "application \(applicationId) was already reviewed") }
            try notDecided()
            try notBefore(on, accepted, "its acceptance")
        case .consultationRequested(let on):
            try requireActor(a.originRegulator, "origin regulator")
            try supplementedIfNeeded()
            guard let review = a.review else {
                throw RuleViolation(.approvalRoute, "consultation on \(applicationId) requested before the preliminary review (初步审查)")
            }
            if a.consultationRequestedOn != nil { throw RuleViolation(.state, "consultation on \(applicationId) was already requested") }
            try notDecided()
            try notBefore(on, review.reviewedOn, "the review")
        case .consultationReplied(_, let on, _):
            try requireActor(a.destinationRegulator, "destination regulator")
            guard let requested = a.consultationRequestedOn else {
                throw RuleViolation(.approvalRoute, "no consultation on \(applicationId) was requested, so there is nothing to reply to")
            }
            if a.reply != nil { throw RuleViolation(.state, "the consultation on \(applicationId) was already answered") }
            try notDecided()
            try notBefore(on, requested, "the consultation request")
        case .decided(let d):
            try requireActor(a.originRegulator, "origin regulator")
            try supplementedIfNeeded()
            try notDecided()
            try notBefore(d.decidedOn, a.reply?.repliedOn ?? accepted, a.reply == nil ? "its acceptance" : "the consultation reply")
            if d.decision == .approved { try checkApproval(d, a, state: state) }
            if let no = d.approvalNo, try state.applicationID(forApprovalNo: no) != nil {
                throw RuleViolation(.duplicate, "approval number \(no) is already in use")
            }
        case .notified(let on):
            try requireActor(a.originRegulator, "origin regulator")
            guard let d = a.decision, a.direct == true, d.decision == .approved else {
                throw RuleViolation(.approvalRoute, "approval.notified belongs to the whitelist route only, and \(applicationId) was not approved by a direct decision")
            }
            if a.notifiedOn != nil { throw RuleViolation(.state, "the listing side was already notified of \(applicationId)") }
            try notBefore(on, d.decidedOn, "the decision")
        case .overquotaConsented:
            try requireActor(a.destinationRegulator, "listing (destination) regulator")
            if a.consentedExtraGrams != nil { throw RuleViolation(.state, "over-quota consent for \(applicationId) was already given") }
            try notDecided()
        }
    }

    /// The checks of an approving decision, in the order §2 lists them: route, grams, validity, then the
    /// whitelist's quota before its year.
    func checkApproval(_ d: Decision, _ a: ApplicationRecord, state: some TransferState) throws {
        for step in try approvalSteps(d, a, state: state) { try step() }
    }

    /// Checks the route of an approving decision (R-APPROVAL-ROUTE), then returns its remaining checks, each
    /// judging alone: grams, validity, and on the whitelist route its quota and year.
    func approvalSteps(_ d: Decision, _ a: ApplicationRecord, state: some TransferState) throws -> [() throws -> Void] {
        var whitelistEntry: (WhitelistRecord, Int)?
        if let reply = a.reply {
            guard reply.opinion == .agree else {
                throw RuleViolation(.approvalRoute, "the destination regulator disagreed on \(reply.repliedOn); \(a.applicationId) cannot be approved")
            }
        } else {
            if a.consultationRequestedOn != nil || a.review != nil {
                throw RuleViolation(.approvalRoute, "approval of \(a.applicationId) on the full route needs the destination regulator's reply")
            }
            guard let list = try state.whitelist(year: a.validFrom.year, listingProvince: a.destinationProvince),
                let entry = list.coveringEntry(for: a)
            else {
                throw RuleViolation(
                    .approvalRoute,
                    "a direct decision needs a confirmed, unsuspended \(a.validFrom.year) whitelist entry of \(a.destinationProvince) for \(a.receiver), \(a.wasteCode), \(a.method); none covers \(a.applicationId)")
            }
            whitelistEntry = (list, entry)
        }
        let grams = d.grams!
        let from = d.validFrom!
        let to = d.validTo!
        var steps: [() throws -> Void] = [
            {
                guard grams <= a.grams else {
                    throw RuleViolation(.approvalGrams, "approved \(grams.t) exceed the \(a.grams.t) requested")
                }
            },
            {
                guard a.validFrom <= from, to <= a.validTo else {
                    throw RuleViolation(.approvalValidity, "approved validity \(from)…\(to) lies outside the requested period \(a.validFrom)…\(a.validTo)")
                }
                try checkPeriod(from: from, to: to, what: "the approved validity")
                let permits = try state.permits(of: a.receiver).filter { $0.covers(wasteCode: a.wasteCode, method: a.method) }
                guard let latest = permits.map(\.validTo).max() else {
                    throw RuleViolation(.approvalValidity, "the receiver \(a.receiver) holds no operating permit covering \(a.wasteCode) with \(a.method)")
                }
                guard to <= latest else {
                    throw RuleViolation(.approvalValidity, "approved validity ends \(to), after the receiver's operating permits covering \(a.wasteCode) (latest \(latest))")
                }
            },
        ]
        if let (list, index) = whitelistEntry {
            let entry = list.entries[index]
            steps.append {
                let allowed = entry.remainingGrams + (a.consentedExtraGrams ?? 0)
                guard a.grams <= allowed else {
                    throw RuleViolation(
                        .whitelistQuota,
                        "\(a.grams.t) requested exceed the \(entry.remainingGrams.t) left of the whitelist cap \(entry.capGrams.t)"
                            + (a.consentedExtraGrams.map { " plus \($0.t) consented" } ?? "") + "; the listing side's consent is needed, or the full route")
                }
            }
            steps.append {
                let yearEnd = CivilDate(year: list.year, month: 12, day: 31)!
                guard to <= yearEnd else {
                    throw RuleViolation(.whitelistYear, "a whitelist-route approval must end by \(yearEnd), the end of the whitelist's year; \(to) is later")
                }
            }
        }
        return steps
    }
}
