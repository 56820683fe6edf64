import LedgerCore
import TransferRules

/// The genesis file of `hwledger init` (SPEC §5) and the `ledger.genesis` body built from it.
public struct Genesis: Sendable {
    public struct RegulatorEntry: Sendable, Equatable {
        public var regulator: Regulator
        public var key: VerifierKey
    }

    public var origin: String
    public var regulators: [RegulatorEntry]
    /// The policy object exactly as given (it is signed into the genesis entry).
    public var policyJSON: [String: JSONValue]
    public var policy: Policy
    public var operatorKey: VerifierKey?
    /// The witnesses whose cosignatures checkpoints need (each province's regulator runs one), and how many.
    /// Empty with quorum 0 when the genesis names none.
    public var witnesses: WitnessPolicy
    /// The regulator id that runs each witness, in the order of ``witnesses``.
    public var witnessRegulators: [String]

    /// Parses a genesis file, or a `ledger.genesis` body (which also carries `operatorKey`).
    ///
    /// - Throws: ``RuleViolation`` (R-SCHEMA, R-DIVISION) naming the field.
    public init(json: JSONValue, path: String = "genesis", requireOperatorKey: Bool = false) throws(RuleViolation) {
        var r = try FieldReader(json, path: path)
        origin = try r.string("origin")
        do { _ = try VerifierKey(name: origin, publicKey: [UInt8](repeating: 0, count: 32)) } catch {
            throw r.fail("origin", "must be a key name: no spaces, control characters or '+'")
        }
        if requireOperatorKey {
            let text = try r.string("operatorKey")
            do { operatorKey = try VerifierKey(parsing: text) } catch { throw r.fail("operatorKey", "is not a verifier key: \(error)") }
            guard operatorKey?.name == origin else { throw r.fail("operatorKey", "must be named after the origin \(origin)") }
        } else {
            operatorKey = nil
        }
        var regulators: [RegulatorEntry] = []
        for (i, item) in try r.array("regulators").enumerated() {
            var f = try FieldReader(item, path: "\(path).regulators[\(i)]")
            let id = try f.string("id")
            let name = try f.string("name")
            let province = try f.string("province")
            let keyText = try f.string("key")
            try f.finish()
            guard Division.isProvinceCode(province) else {
                throw f.fail("province", "must be a province code like 510000, got \(province)")
            }
            guard id == Principal.regulatorID(province) else { throw f.fail("id", "must be REG-\(province), got \(id)") }
            let key: VerifierKey
            do { key = try VerifierKey(parsing: keyText) } catch { throw f.fail("key", "is not a verifier key: \(error)") }
            guard key.name == id else { throw f.fail("key", "is named \(key.name), but a regulator's key is named after its id \(id)") }
            guard !regulators.contains(where: { $0.regulator.id == id }) else { throw f.fail("id", "\(id) is listed twice") }
            regulators.append(RegulatorEntry(regulator: Regulator(id: id, name: name, province: province), key: key))
        }
        self.regulators = regulators
        (witnesses, witnessRegulators) = try WitnessList.decode(&r, path: path, origin: origin, regulators: regulators.map(\.regulator.id))
        let policyValue = r.optionalValue("policy") ?? .object([:])
        guard case .object(let policyObject) = policyValue else { throw r.fail("policy", "must be an object") }
        policyJSON = policyObject
        policy = try PolicyDecoder.decode(policyValue, path: "\(path).policy")
        try r.finish()
    }

    /// The `ledger.genesis` body: the file's content plus the operator's verifier key.
    public func body(operatorKey: VerifierKey) -> [String: JSONValue] {
        var body: [String: JSONValue] = [
            "origin": .string(origin),
            "operatorKey": .string(operatorKey.description),
            "regulators": .array(
                regulators.map {
                    .object([
                        "id": .string($0.regulator.id), "name": .string($0.regulator.name),
                        "province": .string($0.regulator.province), "key": .string($0.key.description),
                    ])
                }),
            "policy": .object(policyJSON),
        ]
        if !witnesses.witnesses.isEmpty {
            body.merge(WitnessList.body(witnesses, regulators: witnessRegulators)) { _, new in new }
        }
        return body
    }
}

/// Reads the policy object of SPEC §5; every field optional, defaults from ``Policy``.
enum PolicyDecoder {
    static func decode(_ value: JSONValue, path: String) throws(RuleViolation) -> Policy {
        var policy = Policy()
        var r = try FieldReader(value, path: path)
        if let n = try r.optionalInt("approvalMaxValidityMonths", min: 1) { policy.approvalMaxValidityMonths = Int(n) }
        if let n = try r.optionalInt("discrepancyPermille") { policy.discrepancyPermille = n }
        if let d = r.optionalValue("deadlines") {
            var f = try FieldReader(d, path: "\(path).deadlines")
            if let n = try f.optionalInt("reviewWorkingDays") { policy.deadlines.reviewWorkingDays = Int(n) }
            if let n = try f.optionalInt("replyWorkingDays") { policy.deadlines.replyWorkingDays = Int(n) }
            if let n = try f.optionalInt("decisionWorkingDays") { policy.deadlines.decisionWorkingDays = Int(n) }
            if let n = try f.optionalInt("whitelistDecisionWorkingDays") { policy.deadlines.whitelistDecisionWorkingDays = Int(n) }
            if let n = try f.optionalInt("receiptWorkingDays") { policy.deadlines.receiptWorkingDays = Int(n) }
            if let n = try f.optionalInt("inTransitDays") { policy.deadlines.inTransitDays = Int(n) }
            try f.finish()
        }
        if r.members["holidays"] != nil {
            var holidays: [Policy.Holiday] = []
            for (i, item) in try r.array("holidays", nonEmpty: false).enumerated() {
                var f = try FieldReader(item, path: "\(path).holidays[\(i)]")
                let date = try f.date("date")
                let kind = try f.string("kind")
                try f.finish()
                guard kind == "holiday" || kind == "workday" else { throw f.fail("kind", "must be holiday or workday, got \(kind)") }
                holidays.append(Policy.Holiday(date: date, isWorkday: kind == "workday"))
            }
            policy.holidays = holidays
        }
        if let p = r.optionalValue("p2p") {
            var f = try FieldReader(p, path: "\(path).p2p")
            if f.members["pilots"] != nil {
                var pilots: [Policy.Pilot] = []
                for (i, item) in try f.array("pilots", nonEmpty: false).enumerated() {
                    var g = try FieldReader(item, path: "\(path).p2p.pilots[\(i)]")
                    let province = try g.string("province")
                    let from = try g.date("from")
                    let to = try g.date("to")
                    try g.finish()
                    guard Division.isProvinceCode(province) else { throw g.fail("province", "must be a province code") }
                    guard from <= to else { throw g.fail("to", "must not be before from") }
                    pilots.append(Policy.Pilot(province: province, from: from, to: to))
                }
                policy.p2p.pilots = pilots
            }
            if let n = try f.optionalInt("minAnnualGrams") { policy.p2p.minAnnualGrams = n }
            if f.members["crossProvincePairs"] != nil { policy.p2p.crossProvincePairs = try f.bool("crossProvincePairs") }
            try f.finish()
        }
        try r.finish()
        return policy
    }
}

/// The `witnesses` / `witnessQuorum` fields of the genesis and of `witnesses.announced`: which regulators run a
/// witness, their cosigner (type 0x04) keys, and how many cosignatures a checkpoint needs.
enum WitnessList {
    /// Reads the two fields from `r` (absent: no witnesses, quorum 0).
    ///
    /// - Parameter regulators: the regulator ids a witness may belong to; nil when the caller checks them later.
    static func decode(
        _ r: inout FieldReader, path: String, origin: String, regulators: [String]?
    ) throws(RuleViolation) -> (WitnessPolicy, [String]) {
        var keys: [CosignerVerifierKey] = []
        var owners: [String] = []
        if r.members["witnesses"] != nil {
            for (i, item) in try r.array("witnesses", nonEmpty: false).enumerated() {
                var f = try FieldReader(item, path: "\(path).witnesses[\(i)]")
                let regulator = try f.string("regulator")
                let keyText = try f.string("key")
                try f.finish()
                if let regulators, !regulators.contains(regulator) {
                    throw f.fail("regulator", "must be the id of a regulator listed in the genesis, got \(regulator)")
                }
                let key: CosignerVerifierKey
                do { key = try CosignerVerifierKey(parsing: keyText) } catch {
                    throw f.fail("key", "is not a witness (cosigner, type 0x04) verifier key: \(error)")
                }
                guard key.name != origin else { throw f.fail("key", "is named after the origin; a witness key needs its own name") }
                guard !keys.contains(where: { $0.name == key.name }) else { throw f.fail("key", "\(key.name) is listed twice") }
                keys.append(key)
                owners.append(regulator)
            }
        }
        let quorum = try r.optionalInt("witnessQuorum").map(Int.init) ?? keys.count
        guard quorum <= keys.count else {
            throw r.fail("witnessQuorum", "must not exceed the number of witnesses (\(keys.count)), got \(quorum)")
        }
        do { return (try WitnessPolicy(witnesses: keys, quorum: quorum), owners) } catch { throw r.fail("witnesses", "\(error)") }
    }

    static func body(_ policy: WitnessPolicy, regulators: [String]) -> [String: JSONValue] {
        [
            "witnesses": .array(zip(regulators, policy.witnesses).map {
                .object(["regulator": .string($0), "key": .string($1.description)])
            }),
            "witnessQuorum": .int(Int64(policy.quorum)),
        ]
    }
}

/// The witness policy announced last by `witnesses.announced` (projection `witnessPolicy/current`).
struct WitnessPolicyRecord: Codable, Equatable {
    var regulators: [String]
    var keys: [String]
    var quorum: Int
    /// The entry that announced it.
    var announcedAt: UInt64
}
