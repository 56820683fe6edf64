import LedgerCore
import TransferRules

/// Decoding of the 点对点 and compensation events of SPEC §5: shape only.
extension LedgerEvent {
    static let regimeTypes: Set<String> = [
        "p2p.registered", "p2p.revoked", "compensation.rates.published", "compensation.rates.confirmed",
        "compensation.statement.closed",
    ]

    static func decodeRegime(type: String, body value: JSONValue) throws(RuleViolation) -> LedgerEvent {
        var r = try FieldReader(value, path: "body")
        let event: LedgerEvent
        switch type {
        case "p2p.registered":
            event = .p2pRegistered(P2PRegistered(
                registrationNo: try r.string("registrationNo"), generator: try r.string("generator"), utiliser: try r.string("utiliser"),
                wasteCode: try r.string("wasteCode"), substituteUse: try r.string("substituteUse"), capGrams: try r.int("capGrams", min: 1),
                validFrom: try r.date("validFrom"), validTo: try r.date("validTo"), declaredAnnualGrams: try r.int("declaredAnnualGrams"),
                controlledDrugProduction: try r.bool("controlledDrugProduction"), generalExemptionApplies: try r.bool("generalExemptionApplies")))
        case "p2p.revoked":
            event = .p2pRevoked(P2PRevoked(
                registrationNo: try r.string("registrationNo"), revokedOn: try r.date("revokedOn"), reason: try r.string("reason")))
        case "compensation.rates.published":
            let id = try r.string("rateTableId")
            let from = try r.date("effectiveFrom")
            var directions: [RatesPublished.Direction] = []
            for (i, item) in try r.array("directions").enumerated() {
                var f = try FieldReader(item, path: "body.directions[\(i)]")
                let payer = try provinceField(&f, "payer")
                let payee = try provinceField(&f, "payee")
                guard payer != payee else { throw f.fail("payee", "must differ from payer") }
                directions.append(.init(payer: payer, payee: payee, baseFenPerTonne: try f.int("baseFenPerTonne")))
                try f.finish()
            }
            let categories = try permilleMap(&r, "categoryPermille") { key in
                // HW01–HW40 and HW45–HW50 (SPEC §1).
                guard key.utf8.count == 4, key.hasPrefix("HW"), key.utf8.dropFirst(2).allSatisfy({ (0x30...0x39).contains($0) }),
                    let n = Int(key.dropFirst(2))
                else { return false }
                return (1...40).contains(n) || (45...50).contains(n)
            }
            let defaultCategory = try r.int("defaultCategoryPermille")
            let methods = try permilleMap(&r, "methodPermille") { !$0.isEmpty }
            let p2p = try r.optionalInt("p2pPermille")
            event = .ratesPublished(RatesPublished(
                rateTableId: id, effectiveFrom: from, directions: directions, categoryPermille: categories,
                defaultCategoryPermille: defaultCategory, methodPermille: methods, p2pPermille: p2p))
        case "compensation.rates.confirmed":
            event = .ratesConfirmed(rateTableId: try r.string("rateTableId"))
        case "compensation.statement.closed":
            let text = try r.string("quarter")
            guard let quarter = Quarter(text) else { throw r.fail("quarter", "must be a quarter like 2025Q3, got \(text)") }
            let payer = try provinceField(&r, "payer")
            let payee = try provinceField(&r, "payee")
            let total = try r.int("totalFen", min: -JSONValue.integerLimit + 1)
            let digest = try r.string("digest")
            guard Hex.isLowerHex(digest, count: 64) else { throw r.fail("digest", "must be 64 lower-case hex digits") }
            event = .statementClosed(StatementClosed(quarter: quarter, payer: payer, payee: payee, totalFen: total, digest: digest))
        default:
            throw RuleViolation(.schema, "submission.type \(type) is not an event type this ledger accepts")
        }
        try r.finish()
        return event
    }

    static func permilleMap(_ r: inout FieldReader, _ field: String, validKey: (String) -> Bool) throws(RuleViolation) -> [String: Int64] {
        let v = try r.value(field)
        guard case .object(let o) = v else { throw r.fail(field, "must be an object of permille factors") }
        var out: [String: Int64] = [:]
        for (key, value) in o {
            guard validKey(key) else { throw r.fail("\(field).\(key)", "is not a valid key") }
            guard case .int(let n) = value, n >= 0 else { throw r.fail("\(field).\(key)", "must be a non-negative integer permille") }
            out[key] = n
        }
        return out
    }
}
