import LedgerCore
import TransferRules

/// Judges decoded events against the state so far, and folds accepted ones into the projections.
///
/// `judge` runs the rules and writes nothing; `apply` writes the projections and runs no rule, so replaying the
/// log (verify, rebuild) uses `apply` alone and reaches the same state as the appends did.
struct EventProcessor: Sendable {
    let reference: ReferenceData
    var registry: RegistryRules { RegistryRules(reference: reference) }

    /// Checks the regime's rules for `event` signed by `actor` (R-SIG and R-NONCE are already done).
    ///
    /// - Returns: what the ledger assigns (e.g. a manifest number); empty for registry events.
    func judge(_ event: LedgerEvent, actor: String, state: ProjectionState) throws -> [String: JSONValue] {
        switch event {
        case .genesis:
            throw RuleViolation(.state, "the ledger already has its genesis entry")
        case .enterpriseRegistered(let e): try registry.check(e, actor: actor, state: state)
        case .keyAdded(let e): try registry.check(e, actor: actor, state: state)
        case .keyRevoked(let e): try registry.check(e, actor: actor, state: state)
        }
        return [:]
    }

    /// Writes the projection rows that entry `index` causes.
    func apply(_ event: LedgerEvent, submission: Submission, index: UInt64, writer: any LedgerWriter) throws {
        try writer.putProjection(
            kind: ProjectionKind.nonce, key: "\(submission.actor)/\(submission.nonce)", value: Array(String(index).utf8))
        switch event {
        case .genesis(let g):
            for entry in g.regulators {
                try writer.put(entry.regulator, kind: ProjectionKind.regulator, key: entry.regulator.id)
                try writer.put(
                    KeyRecord(principal: entry.regulator.id, keyId: entry.key.keyIDHex, key: entry.key.description, addedAt: index),
                    kind: ProjectionKind.key, key: "\(entry.regulator.id)/\(entry.key.keyIDHex)")
            }
            if let op = g.operatorKey {
                try writer.put(
                    KeyRecord(principal: g.origin, keyId: op.keyIDHex, key: op.description, addedAt: index),
                    kind: ProjectionKind.key, key: "\(g.origin)/\(op.keyIDHex)")
            }
        case .enterpriseRegistered(let e):
            try writer.put(
                Enterprise(uscc: e.uscc, name: e.name, division: e.division, roles: e.roles, registeredAt: index),
                kind: ProjectionKind.enterprise, key: e.uscc)
        case .keyAdded(let e):
            try writer.put(
                KeyRecord(principal: e.principal, keyId: e.keyId, key: e.key, addedAt: index),
                kind: ProjectionKind.key, key: "\(e.principal)/\(e.keyId)")
        case .keyRevoked(let e):
            let state = ProjectionState(reader: writer, origin: "")
            guard var record = try state.key(principal: e.principal, keyId: e.keyId) else {
                throw LedgerError.integrity(index: index, "key.revoked names a key that was never added")
            }
            record.revokedAt = index
            try writer.put(record, kind: ProjectionKind.key, key: "\(e.principal)/\(e.keyId)")
        }
    }
}
