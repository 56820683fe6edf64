import LedgerCore
import TransferRules

/// Judges decoded events against the state so far, and folds accepted ones into the projections.
///
/// `judge` runs the rules and writes nothing; `apply` writes the projections and runs no rule, so replaying the
/// log (verify, rebuild) uses `apply` alone and reaches the same state as the appends did.
struct EventProcessor: Sendable {
    let context: RegimeContext
    var registry: RegistryRules { RegistryRules(reference: context.reference) }

    /// Checks the regime's rules for `event` signed by `actor` (R-SIG and R-NONCE are already done).
    ///
    /// - Returns: what the ledger assigns (e.g. a manifest number); empty for registry events.
    func judge(_ event: LedgerEvent, actor: String, time: UTCInstant, state: ProjectionState) throws -> [String: JSONValue] {
        switch event {
        case .genesis:
            guard actor == state.origin else { throw RuleViolation(.auth, "only the operator \(state.origin) emits ledger.genesis") }
            throw RuleViolation(.state, "the ledger already has its genesis entry")
        case .operatorKeyAnnounced(let key):
            guard key.name == state.origin else {
                throw RuleViolation(.schema, "body.key is named \(key.name); an operator key is named after the origin \(state.origin)")
            }
            guard actor == state.origin else { throw RuleViolation(.auth, "only the operator \(state.origin) announces operator keys") }
            if try state.key(principal: state.origin, keyId: key.keyIDHex) != nil {
                throw RuleViolation(.duplicate, "operator key \(key.keyIDHex) was already announced")
            }
        case .witnessesAnnounced(let policy, let regulators):
            if let i = policy.witnesses.firstIndex(where: { $0.name == state.origin }) {
                throw RuleViolation(.schema, "body.witnesses[\(i)].key is named after the origin; a witness key needs its own name")
            }
            for (i, id) in regulators.enumerated() where try state.regulator(id) == nil {
                throw RuleViolation(.notFound, "body.witnesses[\(i)].regulator \(id) is not a regulator of this ledger")
            }
            guard actor == state.origin else { throw RuleViolation(.auth, "only the operator \(state.origin) announces witnesses") }
        case .operatorKeyRetired(let keyId):
            guard let record = try state.key(principal: state.origin, keyId: keyId) else {
                throw RuleViolation(.notFound, "body.keyId \(keyId) is not an operator key")
            }
            guard actor == state.origin else { throw RuleViolation(.auth, "only the operator \(state.origin) retires operator keys") }
            if let at = record.revokedAt { throw RuleViolation(.state, "operator key \(keyId) was already retired at entry \(at)") }
            let active = try state.keys(of: state.origin).filter { $0.revokedAt == nil }
            guard active.count > 1 else {
                throw RuleViolation(.state, "operator key \(keyId) is the last active one; announce its successor first")
            }
        case .enterpriseRegistered(let e): try registry.check(e, actor: actor, state: state, on: time.shanghaiDate)
        case .keyAdded(let e): try registry.check(e, actor: actor, state: state)
        case .keyRevoked(let e): try registry.check(e, actor: actor, state: state)
        case .permitIssued(let e): try context.check(e, actor: actor, state: state)
        case .approvalApplied(let e): try context.check(e, actor: actor, state: state)
        case .approvalStep(let id, let step): try context.check(step, applicationId: id, actor: actor, state: state)
        case .whitelistPublished(let e): try context.check(e, actor: actor, state: state)
        case .whitelistChange(let c): try context.check(c, actor: actor, state: state)
        case .manifestFiled(let e):
            try context.check(e, actor: actor, state: state)
            return ["manifestNo": .string(try nextManifestNumber(e, time: time, state: state))]
        case .manifestStep(let no, let step): try context.check(step, manifestNo: no, actor: actor, state: state)
        case .p2pRegistered(let e): try context.check(e, actor: actor, state: state)
        case .p2pRevoked(let e): try context.check(e, actor: actor, state: state)
        case .ratesPublished(let e): try context.check(e, actor: actor, state: state)
        case .ratesConfirmed(let id): try context.checkConfirmation(rateTableId: id, actor: actor, state: state)
        case .statementClosed(let e):
            try context.checkClose(e, actor: actor, state: state)
            // The manifests the statement can hold, from the read model in this transaction (not every manifest), read
            // past the batch's cache: ~10^5 of them at national volume would stay decoded until the commit. Every write
            // of the transaction is in the writer already, so the uncached reads see it.
            let uncached = ProjectionState(reader: state.reader, origin: state.origin)
            let statement = try CompensationReader(state: uncached).statement(quarter: e.quarter, payer: e.payer, payee: e.payee)
            let digest = StatementJSON.digest(statement)
            guard statement.totalFen == e.totalFen, digest == e.digest else {
                throw RuleViolation(
                    .statement,
                    "the recomputed \(e.quarter) statement \(e.payer) → \(e.payee) totals \(statement.totalFen) fen with digest \(digest); the close says \(e.totalFen) fen, \(e.digest)")
            }
            try context.checkQuarterEnded(e, today: time.shanghaiDate)
        }
        return [:]
    }

    /// Every independent rule `event` fails (SPEC §2 through ``RegimeContext``): all of them for `manifest.filed`,
    /// `approval.applied` and `approval.decided`, the first for any other type; empty when it would be accepted.
    func violations(_ event: LedgerEvent, actor: String, time: UTCInstant, state: ProjectionState) throws -> [RuleViolation] {
        switch event {
        case .manifestFiled(let e): return try context.violations(e, actor: actor, state: state)
        case .approvalApplied(let e): return try context.violations(e, actor: actor, state: state)
        case .approvalStep(let id, let step): return try context.violations(step, applicationId: id, actor: actor, state: state)
        default:
            do { _ = try judge(event, actor: actor, time: time, state: state) } catch let v as RuleViolation { return [v] }
            return []
        }
    }

    /// The next 联单编号 for a filing at `time` (year of filing in Asia/Shanghai, generator's province and city).
    func nextManifestNumber(_ e: ManifestFiled, time: UTCInstant, state: ProjectionState) throws -> String {
        guard let generator = try state.enterprise(e.generator) else { throw RuleViolation(.notFound, "body.generator \(e.generator) is not registered") }
        let year = time.shanghaiDate.year
        let prefix = "\(year)\(generator.division.prefix(4))"
        let serial = try state.lastSerial(prefix) + 1
        guard serial <= 999_999 else {
            throw RuleViolation(.state, "the manifest serials of \(prefix) are exhausted for \(year)")
        }
        return RegimeContext.manifestNumber(year: year, generatorDivision: generator.division, serial: serial)
    }

    /// Writes the projection rows that entry `index` causes.
    ///
    /// - Parameter state: reads of the same transaction as `writer` (with its cache); writes go through it.
    func apply(_ event: LedgerEvent, entry: Entry, writer: any LedgerWriter, state: ProjectionState) throws {
        let submission = entry.submission
        let index = entry.index
        try writer.putProjection(
            kind: ProjectionKind.nonce, key: "\(submission.actor)/\(submission.nonce)", value: Array(String(index).utf8))
        switch event {
        case .genesis(let g):
            for entry in g.regulators {
                try state.put(entry.regulator, kind: ProjectionKind.regulator, key: entry.regulator.id, to: writer)
                try state.put(
                    KeyRecord(principal: entry.regulator.id, keyId: entry.key.keyIDHex, key: entry.key.description, addedAt: index),
                    kind: ProjectionKind.key, key: "\(entry.regulator.id)/\(entry.key.keyIDHex)", to: writer)
            }
            if let op = g.operatorKey {
                try state.put(
                    KeyRecord(principal: g.origin, keyId: op.keyIDHex, key: op.description, addedAt: index),
                    kind: ProjectionKind.key, key: "\(g.origin)/\(op.keyIDHex)", to: writer)
            }
        case .enterpriseRegistered(let e):
            try state.put(
                Enterprise(uscc: e.uscc, name: e.name, division: e.division, roles: e.roles, registeredAt: index),
                kind: ProjectionKind.enterprise, key: e.uscc, to: writer)
        case .keyAdded(let e):
            try state.put(
                KeyRecord(principal: e.principal, keyId: e.keyId, key: e.key, addedAt: index),
                kind: ProjectionKind.key, key: "\(e.principal)/\(e.keyId)", to: writer)
        case .operatorKeyAnnounced(let key):
            try state.put(
                KeyRecord(principal: submission.actor, keyId: key.keyIDHex, key: key.description, addedAt: index),
                kind: ProjectionKind.key, key: "\(submission.actor)/\(key.keyIDHex)", to: writer)
        case .witnessesAnnounced(let policy, let regulators):
            try state.put(
                WitnessPolicyRecord(
                    regulators: regulators, keys: policy.witnesses.map(\.description), quorum: policy.quorum, announcedAt: index),
                kind: ProjectionKind.witnessPolicy, key: "current", to: writer)
        case .operatorKeyRetired(let keyId):
            guard var record = try state.key(principal: submission.actor, keyId: keyId) else {
                throw LedgerError.integrity(index: index, "operator.key.retired names a key that was never announced")
            }
            record.revokedAt = index
            try state.put(record, kind: ProjectionKind.key, key: "\(submission.actor)/\(keyId)", to: writer)
        case .keyRevoked(let e):
            guard var record = try state.key(principal: e.principal, keyId: e.keyId) else {
                throw LedgerError.integrity(index: index, "key.revoked names a key that was never added")
            }
            record.revokedAt = index
            try state.put(record, kind: ProjectionKind.key, key: "\(e.principal)/\(e.keyId)", to: writer)
        default:
            try applyTransfer(event, entry: entry, writer: writer, state: state)
        }
    }

    func applyTransfer(_ event: LedgerEvent, entry: Entry, writer: any LedgerWriter, state: ProjectionState) throws {
        let time = UTCInstant(entry.time) ?? UTCInstant(seconds: 0)
        let ref = ManifestRecord.EventRef(index: entry.index, type: entry.submission.type, actor: entry.submission.actor, time: time)
        let writes: [StateWrite]
        switch event {
        case .permitIssued(let e): writes = context.effects(of: e, index: entry.index)
        case .approvalApplied(let e): writes = try context.effects(of: e, index: entry.index, state: state)
        case .approvalStep(let id, let step): writes = try context.effects(of: step, applicationId: id, state: state)
        case .whitelistPublished(let e): writes = context.effects(of: e, index: entry.index)
        case .whitelistChange(let c): writes = try context.effects(of: c, state: state)
        case .manifestFiled(let e):
            guard case .string(let no)? = entry.assigned["manifestNo"] else {
                throw LedgerError.integrity(index: entry.index, "manifest.filed without an assigned manifestNo")
            }
            writes = try context.effects(of: e, number: no, filedOn: time.shanghaiDate, event: ref, state: state)
            try writer.putProjection(
                kind: ProjectionKind.manifestSerial, key: String(no.prefix(8)), value: Array(String(Int(no.suffix(6)) ?? 0).utf8))
            if let customId = e.customId {
                try writer.putProjection(kind: ProjectionKind.manifestCustomId, key: "\(e.generator)/\(customId)", value: Array(no.utf8))
            }
        case .manifestStep(let no, let step): writes = try context.effects(of: step, manifestNo: no, event: ref, state: state)
        case .p2pRegistered(let e): writes = context.effects(of: e, actor: entry.submission.actor, index: entry.index)
        case .p2pRevoked(let e): writes = try context.effects(of: e, state: state)
        case .ratesPublished(let e):
            try state.put(RateTableRecord(e, publishedBy: entry.submission.actor, publishedAt: entry.index), kind: ProjectionKind.rateTable, key: e.rateTableId, to: writer)
            writes = []
        case .ratesConfirmed(let id):
            if var t = try state.rateTable(id) {
                t.confirmedBy = entry.submission.actor
                t.confirmedAt = entry.index
                try state.put(t, kind: ProjectionKind.rateTable, key: id, to: writer)
            }
            writes = []
        case .statementClosed(let e):
            let record = ClosedStatementRecord(e, closedAt: entry.index)
            try state.put(record, kind: ProjectionKind.statementClosed, key: record.key, to: writer)
            writes = []
        default: writes = []
        }
        for w in writes { try state.store(w, to: writer, context: context) }
    }
}
