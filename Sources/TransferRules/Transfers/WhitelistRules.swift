extension RegimeContext {
    /// `whitelist.published`: the listing (destination) regulator lists receivers of its own province.
    public func check(_ e: WhitelistPublished, actor: String, state: some TransferState) throws {
        for (i, entry) in e.entries.enumerated() {
            try checkUSCC(entry.receiver, field: "body.entries[\(i)].receiver")
            try checkWasteCode(entry.wasteCode, field: "body.entries[\(i)].wasteCode", on: CivilDate(year: Int(e.year), month: 1, day: 1) ?? CivilDate(dayNumber: 0))
            for (j, m) in entry.methods.enumerated() { try checkMethod(m, field: "body.entries[\(i)].methods[\(j)]") }
        }
        var receivers: [Enterprise] = []
        for (i, entry) in e.entries.enumerated() {
            receivers.append(try enterprise(entry.receiver, field: "body.entries[\(i)].receiver", state: state))
        }
        guard actor == Principal.regulatorID(e.listingProvince), try state.regulator(actor) != nil else {
            throw RuleViolation(.auth, "only the listing regulator REG-\(e.listingProvince) may publish its whitelist, not \(actor)")
        }
        guard try state.regulator(Principal.regulatorID(e.counterpartProvince)) != nil else {
            throw RuleViolation(.notFound, "body.counterpartProvince \(e.counterpartProvince) has no regulator in this ledger")
        }
        for (i, r) in receivers.enumerated() {
            guard r.province == e.listingProvince else {
                throw RuleViolation(.auth, "body.entries[\(i)].receiver \(r.uscc) is in province \(r.province); a whitelist lists receivers of its own province \(e.listingProvince)")
            }
            guard r.roles.contains(.receiver) || r.roles.contains(.utiliser) else {
                throw RuleViolation(.auth, "body.entries[\(i)].receiver \(r.uscc) is registered neither as receiver nor as utiliser")
            }
        }
        if try state.whitelist(year: e.year, listingProvince: e.listingProvince) != nil {
            throw RuleViolation(.duplicate, "the \(e.year) whitelist of \(e.listingProvince) was already published")
        }
    }

    /// `whitelist.confirmed` and `whitelist.suspended`.
    public func check(_ change: WhitelistChange, actor: String, state: some TransferState) throws {
        switch change {
        case .confirmed(let year, let listing):
            guard let list = try state.whitelist(year: year, listingProvince: listing) else {
                throw RuleViolation(.notFound, "no \(year) whitelist of \(listing) was published")
            }
            guard actor == Principal.regulatorID(list.counterpartProvince) else {
                throw RuleViolation(.auth, "only the counterpart regulator REG-\(list.counterpartProvince) may confirm this whitelist, not \(actor)")
            }
            if list.confirmed { throw RuleViolation(.state, "the \(year) whitelist of \(listing) is already confirmed") }
        case .suspended(let year, let listing, let receiver, let wasteCode, _):
            guard let list = try state.whitelist(year: year, listingProvince: listing) else {
                throw RuleViolation(.notFound, "no \(year) whitelist of \(listing) was published")
            }
            let matching = list.entries.filter { $0.receiver == receiver && (wasteCode == nil || $0.wasteCode == wasteCode) }
            guard !matching.isEmpty else {
                throw RuleViolation(.notFound, "the \(year) whitelist of \(listing) has no entry for \(receiver)\(wasteCode.map { " and \($0)" } ?? "")")
            }
            guard actor == Principal.regulatorID(listing) else {
                throw RuleViolation(.auth, "only the listing regulator REG-\(listing) may suspend its whitelist entries, not \(actor)")
            }
            if matching.allSatisfy(\.suspended) { throw RuleViolation(.state, "the entry is already suspended") }
        }
    }
}
