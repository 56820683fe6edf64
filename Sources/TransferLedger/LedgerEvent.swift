import LedgerCore
import TransferRules

/// A submission's body, decoded into the typed event its `type` names. Decoding checks shape only (R-SCHEMA);
/// rules are judged in ``EventProcessor``.
enum LedgerEvent {
    case genesis(Genesis)
    case enterpriseRegistered(EnterpriseRegistered)
    case keyAdded(KeyAdded)
    case keyRevoked(KeyRevoked)
    /// `operator.key.announced`: the operator adds a checkpoint-signing key (rotation, issue 6).
    case operatorKeyAnnounced(VerifierKey)
    /// `operator.key.retired`: the operator retires one of its keys.
    case operatorKeyRetired(keyId: String)
    /// `witnesses.announced`: the operator names the witnesses (and quorum) checkpoints need from now on (issue 12).
    case witnessesAnnounced(WitnessPolicy, regulators: [String])
    case permitIssued(PermitIssued)
    case approvalApplied(ApprovalApplied)
    case approvalStep(String, ApprovalStep)
    case whitelistPublished(WhitelistPublished)
    case whitelistChange(WhitelistChange)
    case manifestFiled(ManifestFiled)
    case manifestStep(String, ManifestStep)
    case p2pRegistered(P2PRegistered)
    case p2pRevoked(P2PRevoked)
    case ratesPublished(RatesPublished)
    case ratesConfirmed(rateTableId: String)
    case statementClosed(StatementClosed)

    static func decode(type: String, body: [String: JSONValue]) throws(RuleViolation) -> LedgerEvent {
        let value = JSONValue.object(body)
        switch type {
        case "ledger.genesis":
            return .genesis(try Genesis(json: value, path: "body", requireOperatorKey: true))
        case "enterprise.registered":
            var r = try FieldReader(value, path: "body")
            let uscc = try r.string("uscc")
            let name = try r.string("name")
            let division = try r.string("division")
            var roles: [Role] = []
            for (i, text) in try r.stringArray("roles").enumerated() {
                guard let role = Role(rawValue: text) else {
                    throw r.fail("roles[\(i)]", "is \(text), not one of generator, carrier, receiver, utiliser")
                }
                guard !roles.contains(role) else { throw r.fail("roles[\(i)]", "repeats \(text)") }
                roles.append(role)
            }
            try r.finish()
            return .enterpriseRegistered(EnterpriseRegistered(uscc: uscc, name: name, division: division, roles: roles))
        case "key.added":
            var r = try FieldReader(value, path: "body")
            let principal = try r.string("principal")
            let keyText = try r.string("key")
            try r.finish()
            let key: VerifierKey
            do { key = try VerifierKey(parsing: keyText) } catch { throw r.fail("key", "is not a verifier key string: \(error)") }
            guard key.name == principal else {
                throw RuleViolation(.schema, "body.key is named \(key.name), but body.principal is \(principal); a key's name must be its principal")
            }
            return .keyAdded(KeyAdded(principal: principal, key: key.description, keyName: key.name, keyId: key.keyIDHex))
        case "key.revoked":
            var r = try FieldReader(value, path: "body")
            let principal = try r.string("principal")
            let keyId = try r.string("keyId")
            try r.finish()
            guard Hex.isLowerHex(keyId, count: 8) else { throw r.fail("keyId", "must be 8 lower-case hex digits") }
            return .keyRevoked(KeyRevoked(principal: principal, keyId: keyId))
        case "operator.key.announced":
            var r = try FieldReader(value, path: "body")
            let keyText = try r.string("key")
            try r.finish()
            do { return .operatorKeyAnnounced(try VerifierKey(parsing: keyText)) } catch {
                throw r.fail("key", "is not a verifier key string: \(error)")
            }
        case "witnesses.announced":
            var r = try FieldReader(value, path: "body")
            guard r.members["witnesses"] != nil else { throw r.fail("witnesses", "is missing") }
            let (policy, regulators) = try WitnessList.decode(&r, path: "body", origin: "", regulators: nil)
            try r.finish()
            return .witnessesAnnounced(policy, regulators: regulators)
        case "operator.key.retired":
            var r = try FieldReader(value, path: "body")
            let keyId = try r.string("keyId")
            try r.finish()
            guard Hex.isLowerHex(keyId, count: 8) else { throw r.fail("keyId", "must be 8 lower-case hex digits") }
            return .operatorKeyRetired(keyId: keyId)
        default:
            if regimeTypes.contains(type) { return try decodeRegime(type: type, body: value) }
            guard transferTypes.contains(type) else {
                throw RuleViolation(.schema, "submission.type \(type) is not an event type this ledger accepts")
            }
            return try decodeTransfer(type: type, body: value)
        }
    }
}
