import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

private typealias P = TransferParty
private typealias B = TransferBody

/// The kinds of principal of the authorization matrix (SPEC §1 principals, §5 actors).
enum MatrixPrincipal: String, CaseIterable, Sendable {
    case operatorOrigin = "operator"
    case sichuan = "REG-510000"
    case chongqing = "REG-500000"
    case generator = "generator"
    case firstCarrier = "first carrier"
    case nextCarrier = "next carrier"
    case receiver = "receiver"
    case utiliser = "utiliser"
    case unrelated = "unrelated"

    /// A Sichuan enterprise registered as utiliser only, party to nothing but the 点对点 rows' bodies.
    static let utiliserUSCC = TestKeys.uscc(division: "510100", serial: 601)

    /// The actor id. The manifest of the matrix runs generator (成都) → first carrier (成都) → next carrier (万州) →
    /// receiver (万州, cross-province on an approval); the application is the same generator's to the same receiver.
    var id: String {
        switch self {
        case .operatorOrigin: TestKeys.origin
        case .sichuan: P.sc
        case .chongqing: P.cq
        case .generator: P.generator
        case .firstCarrier: P.carrier
        case .nextCarrier: P.carrier2
        case .receiver: P.receiver
        case .utiliser: Self.utiliserUSCC
        case .unrelated: P.outsider
        }
    }
}

/// One row: an event type, the state it needs, its body, and the principals SPEC §5 allows to emit it.
struct MatrixRow: Sendable, CustomTestStringConvertible {
    var type: String
    var allowed: Set<MatrixPrincipal>
    var prepare: @Sendable (TransferScenario) throws -> [String: JSONValue]

    init(_ type: String, _ allowed: Set<MatrixPrincipal>, _ prepare: @escaping @Sendable (TransferScenario) throws -> [String: JSONValue]) {
        self.type = type
        self.allowed = allowed
        self.prepare = prepare
    }

    var testDescription: String { "\(type) by \(allowed.map(\.rawValue).sorted().joined(separator: ", ")) only" }
}

/// SPEC §5 "who may emit each event" (R-AUTH, §2.1) as a matrix: every event type except `ledger.genesis` × every kind of
/// principal. Each cell runs on its own `TransferScenario` with the state the row needs; the allowed cells append,
/// every other cell is rejected with R-AUTH and changes nothing. The operator holds a valid key (genesis names it),
/// so its cells reach the rules and are R-AUTH, never R-SIG.
@Suite("Authorization matrix: SPEC §5 actors × principals")
struct AuthorizationMatrixTests {
    static func merge(_ a: [String: JSONValue], _ b: [String: JSONValue]) -> [String: JSONValue] { a.merging(b) { _, new in new } }
    static func id(_ id: String) -> [String: JSONValue] { ["applicationId": .string(id)] }

    /// The matrix's parties on top of the standard ones: the utiliser.
    static func scenario() throws -> TransferScenario {
        let s = try TransferScenario()
        try s.register(MatrixPrincipal.utiliserUSCC, "510100", ["utiliser"])
        return s
    }

    /// The cross-province manifest (approval N-1), filed.
    static func filed(_ s: TransferScenario) throws -> String {
        try s.approveFullRoute("A-1", no: "N-1")
        return try s.file(B.manifest(carriers: [P.carrier, P.carrier2], receiver: P.receiver, basis: ["approval": "N-1"]))
    }

    /// Filed and picked up by the first carrier.
    static func inTransit(_ s: TransferScenario) throws -> String {
        let no = try filed(s)
        try s.pickUp(no)
        return no
    }

    /// Picked up, handed over to the next carrier, received by the receiver (every party carried).
    static func delivered(_ s: TransferScenario) throws -> String {
        let no = try inTransit(s)
        try s.must("manifest.handedOver", P.carrier2, B.handedOver(no, from: P.carrier))
        try s.receive(no, by: P.receiver)
        return no
    }

    static func p2pBody(_ no: String) -> [String: JSONValue] {
        [
            "registrationNo": .string(no), "generator": .string(P.generator), "utiliser": .string(MatrixPrincipal.utiliserUSCC),
            "wasteCode": .string(P.code), "substituteUse": "替代铅精矿", "capGrams": .int(100 * P.t), "validFrom": "2023-01-01",
            "validTo": "2024-06-30", "declaredAnnualGrams": .int(500 * P.t), "controlledDrugProduction": false, "generalExemptionApplies": false,
        ]
    }

    static let rates: [String: JSONValue] = [
        "rateTableId": "RT-1", "effectiveFrom": "2025-01-01", "directions": [["payer": "510000", "payee": "500000", "baseFenPerTonne": 10000]],
        "categoryPermille": ["HW31": 1000], "defaultCategoryPermille": 1000, "methodPermille": ["R4": 500],
    ]

    static let rows: [MatrixRow] = [
        MatrixRow("enterprise.registered", [.sichuan]) { _ in
            ["uscc": .string(TestKeys.uscc(division: "510100", serial: 9100)), "name": "新企业", "division": "510100", "roles": ["generator"]]
        },
        MatrixRow("key.added", [.sichuan]) { _ in
            ["principal": .string(MatrixPrincipal.utiliserUSCC), "key": .string(TestKeys.key(MatrixPrincipal.utiliserUSCC, variant: 3).verifier.description)]
        },
        MatrixRow("key.revoked", [.sichuan]) { s in
            let key = TestKeys.key(MatrixPrincipal.utiliserUSCC, variant: 3)
            try s.must("key.added", P.sc, ["principal": .string(MatrixPrincipal.utiliserUSCC), "key": .string(key.verifier.description)])
            return ["principal": .string(MatrixPrincipal.utiliserUSCC), "keyId": .string(key.verifier.keyIDHex)]
        },
        MatrixRow("permit.issued", [.sichuan]) { _ in B.permit("SC-HW-777", holder: P.scReceiver2) },
        MatrixRow("whitelist.published", [.chongqing]) { _ in B.whitelist() },
        MatrixRow("whitelist.confirmed", [.sichuan]) { s in
            try s.must("whitelist.published", P.cq, B.whitelist())
            return ["year": 2025, "listingProvince": "500000"]
        },
        MatrixRow("whitelist.suspended", [.chongqing]) { s in
            try s.confirmedWhitelist()
            return ["year": 2025, "listingProvince": "500000", "receiver": .string(P.receiver), "reason": "严重违法"]
        },
        MatrixRow("whitelist.overquota.consented", [.chongqing]) { s in
            try s.apply("A-1")
            return merge(id("A-1"), ["extraGrams": .int(P.t)])
        },
        MatrixRow("approval.applied", [.generator]) { _ in B.applied("A-9") },
        MatrixRow("approval.incomplete", [.sichuan]) { s in
            try s.apply("A-1")
            return merge(id("A-1"), ["missing": ["经营许可证"], "notifiedOn": "2025-03-04"])
        },
        MatrixRow("approval.supplemented", [.generator]) { s in
            try s.apply("A-1")
            try s.must("approval.incomplete", P.sc, merge(id("A-1"), ["missing": ["经营许可证"], "notifiedOn": "2025-03-04"]))
            return merge(id("A-1"), ["supplementedOn": "2025-03-05"])
        },
        MatrixRow("approval.reviewed", [.sichuan]) { s in
            try s.apply("A-1")
            return merge(id("A-1"), ["opinion": "agree", "reviewedOn": "2025-03-04"])
        },
        MatrixRow("approval.consultation.requested", [.sichuan]) { s in
            try s.apply("A-1")
            try s.review("A-1")
            return merge(id("A-1"), ["requestedOn": "2025-03-05"])
        },
        MatrixRow("approval.consultation.replied", [.chongqing]) { s in
            try s.apply("A-1")
            try s.review("A-1")
            try s.requestConsultation("A-1")
            return merge(id("A-1"), ["opinion": "agree", "repliedOn": "2025-03-06"])
        },
        MatrixRow("approval.decided", [.sichuan]) { s in
            try s.apply("A-1")
            try s.fullRouteUpToDecision("A-1")
            return B.approved("A-1", no: "N-1")
        },
        MatrixRow("approval.notified", [.sichuan]) { s in
            try s.approveByWhitelist("A-1", no: "N-1")
            return merge(id("A-1"), ["notifiedOn": "2025-03-08"])
        },
        MatrixRow("manifest.filed", [.generator]) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            return B.manifest(carriers: [P.carrier, P.carrier2], receiver: P.receiver, basis: ["approval": "N-1"])
        },
        MatrixRow("manifest.cancelled", [.generator]) { s in
            ["manifestNo": .string(try filed(s)), "reason": "计划取消"]
        },
        MatrixRow("manifest.pickedUp", [.firstCarrier]) { s in B.pickedUp(try filed(s)) },
        MatrixRow("manifest.handedOver", [.nextCarrier]) { s in B.handedOver(try inTransit(s), from: P.carrier) },
        MatrixRow("manifest.received", [.receiver]) { s in B.received(try inTransit(s)) },
        MatrixRow("manifest.rejected", [.receiver]) { s in
            ["manifestNo": .string(try inTransit(s)), "deliveredAt": "2025-03-12T08:00:00Z", "reason": "包装破损"]
        },
        MatrixRow("manifest.correction.proposed", [.generator, .firstCarrier, .nextCarrier, .receiver]) { s in
            ["manifestNo": .string(try delivered(s)), "correctionId": "C-1", "reason": "称重误差", "lines": [["line": 1, "grams": 9_900_000]]]
        },
        MatrixRow("manifest.correction.approved", [.firstCarrier, .nextCarrier, .receiver]) { s in
            let no = try delivered(s)
            try s.must("manifest.correction.proposed", P.generator, [
                "manifestNo": .string(no), "correctionId": "C-1", "reason": "称重误差", "lines": [["line": 1, "grams": 9_900_000]],
            ])
            return ["manifestNo": .string(no), "correctionId": "C-1"]
        },
        MatrixRow("p2p.registered", [.sichuan]) { _ in p2pBody("P2P-1") },
        MatrixRow("p2p.revoked", [.sichuan]) { s in
            try s.must("p2p.registered", P.sc, p2pBody("P2P-1"))
            return ["registrationNo": "P2P-1", "revokedOn": "2024-01-01", "reason": "违规"]
        },
        MatrixRow("compensation.rates.published", [.sichuan, .chongqing]) { _ in rates },
        MatrixRow("compensation.rates.confirmed", [.chongqing]) { s in
            try s.must("compensation.rates.published", P.sc, rates)
            return ["rateTableId": "RT-1"]
        },
        // The ledger clock is 2025-03-01: 2024Q4 has ended, so only the actor decides the verdict.
        MatrixRow("compensation.statement.closed", [.chongqing]) { s in
            let statement = try s.ledger.statement(quarter: Quarter("2024Q4")!, payer: "510000", payee: "500000")
            return [
                "quarter": "2024Q4", "payer": "510000", "payee": "500000", "totalFen": .int(statement.totalFen),
                "digest": .string(StatementJSON.digest(statement)),
            ]
        },
    ]

    /// What one cell gave: "ok" for an append, else the rule id.
    static func run(_ row: MatrixRow, _ principal: MatrixPrincipal) throws -> (verdict: String, unchanged: Bool) {
        let s = try scenario()
        let body = try row.prepare(s)
        let before = try s.snapshot()
        let outcome = try s.submit(row.type, principal.id, body)
        switch outcome {
        case .appended: return ("ok", true)
        case .rejected(let v): return (v.rule.rawValue, try s.snapshot() == before)
        }
    }

    @Test("the catalogue covers every event type of SPEC §5 but ledger.genesis")
    func coversCatalogue() {
        let types = Set(Self.rows.map(\.type))
        #expect(types.count == Self.rows.count, "one row per type")
        #expect(types.count == 29)
        #expect(types.isSubset(of: Set(LedgerEventTypes.all)), "\(types.subtracting(LedgerEventTypes.all))")
        #expect(Set(LedgerEventTypes.all).subtracting(types) == ["ledger.genesis"])
        #expect(MatrixPrincipal.allCases.count == 9)
    }

    @Test("only the actors SPEC §5 names may emit each event; every other principal gets R-AUTH and changes nothing", arguments: rows)
    func row(_ row: MatrixRow) throws {
        var cells: [String] = []
        for principal in MatrixPrincipal.allCases {
            let (verdict, unchanged) = try Self.run(row, principal)
            let expected = row.allowed.contains(principal) ? "ok" : RuleID.auth.rawValue
            #expect(verdict == expected, "\(row.type) by \(principal.rawValue) (\(principal.id)): expected \(expected), got \(verdict)")
            #expect(unchanged, "\(row.type) by \(principal.rawValue): a rejection changed the ledger")
            cells.append(verdict == "ok" ? "✓" : verdict)
        }
        print("auth matrix | \(row.type) | " + cells.joined(separator: " | "))
    }
}

/// Every submission type SPEC §5 lists.
enum LedgerEventTypes {
    static let all = [
        "ledger.genesis", "enterprise.registered", "key.added", "key.revoked", "permit.issued", "whitelist.published", "whitelist.confirmed",
        "whitelist.suspended", "whitelist.overquota.consented", "approval.applied", "approval.incomplete", "approval.supplemented",
        "approval.reviewed", "approval.consultation.requested", "approval.consultation.replied", "approval.decided", "approval.notified",
        "manifest.filed", "manifest.cancelled", "manifest.pickedUp", "manifest.handedOver", "manifest.received", "manifest.rejected",
        "manifest.correction.proposed", "manifest.correction.approved", "p2p.registered", "p2p.revoked", "compensation.rates.published",
        "compensation.rates.confirmed", "compensation.statement.closed",
    ]
}
