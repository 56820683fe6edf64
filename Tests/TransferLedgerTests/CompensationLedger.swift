import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// A ledger for compensation tests (SPEC §2.6): a Sichuan generator and receiver/utiliser, a Chongqing generator and
/// receiver/utiliser with operating permits covering every code and method the tests use, and one carrier with a
/// transport permit valid 2022–2027. Each cross-province shipment gets its own full-route approval.
final class CompensationLedger: @unchecked Sendable {
    typealias B = TransferBody

    static let scGen = TestKeys.uscc(division: "510100", serial: 701)
    static let cqRecv = TestKeys.uscc(division: "500101", serial: 702)
    static let cqGen = TestKeys.uscc(division: "500103", serial: 703)
    static let scRecv = TestKeys.uscc(division: "510700", serial: 704)
    static let carrier = TestKeys.uscc(division: "510100", serial: 705)
    static let codes = ["900-041-49", "900-052-31", "772-002-18", "336-050-17", "091-001-48", "841-001-01"]
    static let methods = ["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R15", "D1", "D9", "D10", "D16", "C1", "C2", "C3", "Y10", "Y11", "Y12", "Y13", "Y16"]
    static let defaultMethodPermille: [String: Int64] = [
        "D1": 1500, "D10": 1200, "Y10": 1200, "Y11": 1200, "Y12": 1200, "Y13": 1200, "Y16": 1200, "D9": 1000, "D16": 1000,
        "C1": 800, "C2": 800, "C3": 800, "R*": 500,
    ]
    static let defaultCategoryPermille: [String: Int64] = ["HW18": 1500, "HW17": 1200, "HW48": 1200]

    let s: TransferScenario
    var ledger: TransferLedger { s.ledger }
    /// Manifest numbers by test reference.
    var numbers: [String: String] = [:]
    /// Closed statements: (quarter, payer, payee, canonical JSON at close, digest).
    var closes: [(quarter: Quarter, payer: String, payee: String, json: String, digest: String)] = []

    init(policy: [String: JSONValue] = [:], sqlite: Bool = false) throws {
        s = try TransferScenario(sqlite: sqlite, policy: policy, standard: false)
        try s.register(Self.scGen, "510100", ["generator"])
        try s.register(Self.cqRecv, "500101", ["receiver", "utiliser"])
        try s.register(Self.cqGen, "500103", ["generator"])
        try s.register(Self.scRecv, "510700", ["receiver", "utiliser"])
        try s.register(Self.carrier, "510100", ["carrier"])
        try s.must("permit.issued", "REG-500000", B.permit("CQ-OP-1", holder: Self.cqRecv, codes: Self.codes, methods: Self.methods, capacity: 1_000_000_000_000, from: "2022-01-01", to: "2026-12-31"))
        try s.must("permit.issued", "REG-510000", B.permit("SC-OP-1", holder: Self.scRecv, codes: Self.codes, methods: Self.methods, capacity: 1_000_000_000_000, from: "2022-01-01", to: "2026-12-31"))
        try s.must("permit.issued", "REG-510000", B.transportPermit("SC-YS-1", holder: Self.carrier, from: "2022-01-01", to: "2027-12-31"))
    }

    static func regulator(_ province: String) -> String { "REG-" + province }
    static func other(_ province: String) -> String { province == "510000" ? "500000" : "510000" }
    static func generator(of province: String) -> String { province == "510000" ? scGen : cqGen }
    static func receiver(from province: String) -> String { province == "510000" ? cqRecv : scRecv }

    // MARK: Rates

    static func ratesBody(
        id: String, effectiveFrom: String, base: [String: Int64] = [:], baseAll: Int64 = 10000, methodOverrides: [String: Int64] = [:],
        p2pPermille: Int64? = nil
    ) -> [String: JSONValue] {
        let directions: [JSONValue] = [("510000", "500000"), ("500000", "510000")].map { payer, payee in
            .object(["payer": .string(payer), "payee": .string(payee), "baseFenPerTonne": .int(base["\(payer)>\(payee)"] ?? baseAll)])
        }
        var methods = defaultMethodPermille
        for (k, v) in methodOverrides { methods[k] = v }
        var body: [String: JSONValue] = [
            "rateTableId": .string(id), "effectiveFrom": .string(effectiveFrom), "directions": .array(directions),
            "categoryPermille": .object(defaultCategoryPermille.mapValues { .int($0) }), "defaultCategoryPermille": 1000,
            "methodPermille": .object(methods.mapValues { .int($0) }),
        ]
        if let p2pPermille { body["p2pPermille"] = .int(p2pPermille) }
        return body
    }

    /// Publishes a table (by `publisher`'s regulator) and, if `confirm`, has the other regulator confirm it.
    func rates(_ body: [String: JSONValue], publisher: String = "500000", confirm: Bool = true) throws {
        try s.must("compensation.rates.published", Self.regulator(publisher), body)
        if confirm { try s.must("compensation.rates.confirmed", Self.regulator(Self.other(publisher)), ["rateTableId": body["rateTableId"]!]) }
    }

    // MARK: Shipments

    /// A full-route approval for one shipment from `province`'s generator, valid for the pickup year.
    func approve(_ ref: String, from province: String, code: String, grams: Int64, method: String, year: Int) throws -> String {
        let y = String(year)
        let id = "APP-\(ref)"
        let no = "APN-\(ref)"
        let origin = Self.regulator(province)
        let destination = Self.regulator(Self.other(province))
        try s.must("approval.applied", Self.generator(of: province), B.applied(
            id, generator: Self.generator(of: province), receiver: Self.receiver(from: province), code: code, grams: grams, method: method,
            from: "\(y)-01-01", to: "\(y)-12-31", on: "\(y)-01-02"))
        try s.must("approval.reviewed", origin, ["applicationId": .string(id), "opinion": "agree", "reviewedOn": .string("\(y)-01-03")])
        try s.must("approval.consultation.requested", origin, ["applicationId": .string(id), "requestedOn": .string("\(y)-01-04")])
        try s.must("approval.consultation.replied", destination, ["applicationId": .string(id), "opinion": "agree", "repliedOn": .string("\(y)-01-05")])
        try s.must("approval.decided", origin, B.approved(id, no: no, grams: grams, from: "\(y)-01-01", to: "\(y)-12-31", on: "\(y)-01-06"))
        return no
    }

    /// Files and picks up a shipment; `basis` is `approval` (a new approval is obtained) or `p2p:NO`.
    @discardableResult
    func ship(_ ref: String, from province: String = "510000", code: String, grams: [Int64], method: String = "R4", pickup: String, basis: String = "approval") throws -> String {
        let basisValue: JSONValue
        if basis.hasPrefix("p2p:") {
            basisValue = .object(["p2p": .string(String(basis.dropFirst(4)))])
        } else {
            let no = try approve(ref, from: province, code: code, grams: grams.reduce(0, +), method: method, year: CivilDate(pickup)!.year)
            basisValue = .object(["approval": .string(no)])
        }
        let no = try s.file(B.manifest(
            generator: Self.generator(of: province), carriers: [Self.carrier], receiver: Self.receiver(from: province), pickup: pickup, method: method,
            basis: basisValue, lines: grams.map { B.line(code, grams: $0) }))
        numbers[ref] = no
        try s.must("manifest.pickedUp", Self.carrier, B.pickedUp(no, at: "\(pickup)T00:00:00Z"))
        return no
    }

    func receive(_ ref: String, deliveredAt: String, method: String, lines: [(Int64, Int64)]? = nil) throws {
        let no = numbers[ref]!
        let m = try s.manifest(no)!
        let received = lines ?? m.lines.map { ($0.grams, 0) }
        try s.must("manifest.received", m.receiver, B.received(
            no, at: deliveredAt, method: method, lines: received.enumerated().map { (Int64($0.offset + 1), $0.element.0, $0.element.1) }))
    }

    func reject(_ ref: String, deliveredAt: String) throws {
        let no = numbers[ref]!
        let m = try s.manifest(no)!
        try s.must("manifest.rejected", m.receiver, ["manifestNo": .string(no), "deliveredAt": .string(deliveredAt), "reason": "包装破损"])
    }

    /// Files a return of `grams` of `of`, picks it up and has the original generator receive it.
    func returnShipment(_ ref: String, of original: String, grams: [Int64], deliveredAt: String, method: String) throws {
        let o = try s.manifest(numbers[original]!)!
        let basis: JSONValue =
            switch o.basis {
            case .approval(let n): .object(["approval": .string(n)])
            case .p2p(let n): .object(["p2p": .string(n)])
            case .intraProvince: .object(["intraProvince": true])
            }
        let pickup = String(deliveredAt.prefix(10))
        let no = try s.file(B.manifest(
            generator: o.receiver, carriers: [Self.carrier], receiver: o.generator, pickup: pickup, method: method, basis: basis,
            lines: grams.map { B.line(o.lines[0].wasteCode, grams: $0) }, returnOf: o.manifestNo))
        numbers[ref] = no
        try s.must("manifest.pickedUp", Self.carrier, B.pickedUp(no, at: "\(pickup)T00:00:00Z"))
        try receive(ref, deliveredAt: deliveredAt, method: method)
    }

    /// A correction proposed by the receiver and approved by the generator and the carrier.
    func correct(_ ref: String, id: String, lines: [(Int64, Int64)]? = nil, method: String? = nil) throws {
        let no = numbers[ref]!
        let m = try s.manifest(no)!
        var body: [String: JSONValue] = ["manifestNo": .string(no), "correctionId": .string(id), "reason": "复核称重"]
        if let lines { body["lines"] = .array(lines.map { .object(["line": .int($0.0), "grams": .int($0.1)]) }) }
        if let method { body["method"] = .string(method) }
        try s.must("manifest.correction.proposed", m.receiver, body)
        for party in m.parties where party != m.receiver {
            try s.must("manifest.correction.approved", party, ["manifestNo": .string(no), "correctionId": .string(id)])
        }
    }

    /// Registers a 点对点 pair Sichuan generator → Chongqing utiliser (needs the crossProvincePairs policy).
    func registerP2P(_ no: String, code: String, cap: Int64, validFrom: String, validTo: String) throws {
        try s.must("p2p.registered", "REG-510000", [
            "registrationNo": .string(no), "generator": .string(Self.scGen), "utiliser": .string(Self.cqRecv), "wasteCode": .string(code),
            "substituteUse": "替代石灰石原料", "capGrams": .int(cap), "validFrom": .string(validFrom), "validTo": .string(validTo),
            "declaredAnnualGrams": 1_000_000_000, "controlledDrugProduction": false, "generalExemptionApplies": false,
        ])
    }

    // MARK: Statements

    func statement(_ quarter: String, payer: String = "510000", payee: String = "500000") throws -> Statement {
        try ledger.statement(quarter: Quarter(quarter)!, payer: payer, payee: payee)
    }

    func closeBody(_ s: Statement) -> [String: JSONValue] {
        [
            "quarter": .string(s.quarter.description), "payer": .string(s.payer), "payee": .string(s.payee), "totalFen": .int(s.totalFen),
            "digest": .string(StatementJSON.digest(s)),
        ]
    }

    /// Moves the ledger clock (forward only) to the first instant after `quarter` in Asia/Shanghai, so it may be closed.
    func afterEnd(of quarter: String) {
        let next = Quarter(quarter)!.next.firstDay
        let start = UTCInstant(seconds: Int64(next.dayNumber) * 86400 - 8 * 3600)
        if s.clock.now < start { s.clock.set(start) }
    }

    /// Closes the statement with its recomputed total and digest, by the payee's regulator.
    func close(_ quarter: String, payer: String = "510000", payee: String = "500000") throws {
        afterEnd(of: quarter)
        let st = try statement(quarter, payer: payer, payee: payee)
        try s.must("compensation.statement.closed", Self.regulator(payee), closeBody(st))
        closes.append((st.quarter, payer, payee, StatementJSON.json(st).canonicalString, StatementJSON.digest(st)))
    }

    /// Every closed statement re-runs to the JSON and digest it had when it was closed, and matches the ledger's record.
    func expectClosedStatementsUnchanged(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let records = try ledger.closedStatements()
        for c in closes {
            let again = try ledger.statement(quarter: c.quarter, payer: c.payer, payee: c.payee)
            #expect(StatementJSON.json(again).canonicalString == c.json, "\(what): \(c.quarter) changed after its close", sourceLocation: sourceLocation)
            #expect(StatementJSON.digest(again) == c.digest, "\(what): \(c.quarter) digest", sourceLocation: sourceLocation)
            let record = records.first { $0.quarter == c.quarter && $0.payer == c.payer && $0.payee == c.payee }
            #expect(record?.digest == c.digest, "\(what): recorded digest of \(c.quarter)", sourceLocation: sourceLocation)
        }
    }
}
