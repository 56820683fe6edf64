import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// The 点对点 pilot (SPEC §2.5) through the real ledger: registration, revocation and manifests under a registration.
/// Each ledger is initialised with its own genesis policy (`TransferLedger.initialise`), so the policy variants
/// (crossProvincePairs, minAnnualGrams, an extended window) are exercised too.
@Suite("点对点 pilot rules through the ledger")
struct P2PRuleTests {
    typealias B = TransferBody
    static let gen = TestKeys.uscc(division: "510100", serial: 801)
    static let util = TestKeys.uscc(division: "510700", serial: 802)
    static let cqUtil = TestKeys.uscc(division: "500101", serial: 803)
    static let cqGen = TestKeys.uscc(division: "500103", serial: 804)
    static let carrier = TestKeys.uscc(division: "510100", serial: 805)
    static let carrierNoPermit = TestKeys.uscc(division: "510100", serial: 806)
    static let gen2 = TestKeys.uscc(division: "510100", serial: 807)
    static let notUtil = TestKeys.uscc(division: "510700", serial: 808)
    static let code = "900-041-49"

    /// A ledger with the pilot's parties; the Sichuan utiliser holds no operating permit.
    static func ledger(policy: [String: JSONValue] = [:]) throws -> TransferScenario {
        let s = try TransferScenario(policy: policy, standard: false)
        try s.register(gen, "510100", ["generator"])
        try s.register(util, "510700", ["utiliser"])
        try s.register(cqUtil, "500101", ["utiliser"])
        try s.register(cqGen, "500103", ["generator"])
        try s.register(carrier, "510100", ["carrier"])
        try s.register(carrierNoPermit, "510100", ["carrier"])
        try s.register(gen2, "510100", ["generator"])
        try s.register(notUtil, "510700", ["generator"])
        try s.must("permit.issued", "REG-510000", B.transportPermit("SC-YS-9", holder: carrier, from: "2022-01-01", to: "2027-12-31"))
        return s
    }

    static func registration(
        _ no: String = "SC-P2P-1", generator: String = gen, utiliser: String = util, code: String = code, cap: Int64 = 10_000_000,
        from: String = "2023-01-01", to: String = "2024-10-04", declared: Int64 = 600_000_000, drug: Bool = false, general: Bool = false
    ) -> [String: JSONValue] {
        [
            "registrationNo": .string(no), "generator": .string(generator), "utiliser": .string(utiliser), "wasteCode": .string(code),
            "substituteUse": "替代水泥生产原料", "capGrams": .int(cap), "validFrom": .string(from), "validTo": .string(to),
            "declaredAnnualGrams": .int(declared), "controlledDrugProduction": .bool(drug), "generalExemptionApplies": .bool(general),
        ]
    }

    static func manifest(
        _ no: String = "SC-P2P-1", generator: String = gen, receiver: String = util, code: String = code, grams: Int64 = 4_000_000,
        pickup: String = "2023-06-01", carrier: String = carrier
    ) -> [String: JSONValue] {
        B.manifest(generator: generator, carriers: [carrier], receiver: receiver, pickup: pickup, method: "R4", basis: ["p2p": .string(no)],
                   lines: [B.line(code, grams: grams)])
    }

    /// Submits and expects the outcome; a rejection must leave the ledger unchanged.
    static func expect(
        _ s: TransferScenario, _ type: String, _ actor: String, _ body: [String: JSONValue], _ want: RuleID?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let before = try s.snapshot()
        let outcome = try s.submit(type, actor, body)
        switch (want, outcome) {
        case (nil, .appended): break
        case (let rule?, .rejected(let v)):
            #expect(v.rule == rule, "got \(v)", sourceLocation: sourceLocation)
            #expect(!v.message.isEmpty, sourceLocation: sourceLocation)
            #expect(try s.snapshot() == before, "a rejection changed the ledger", sourceLocation: sourceLocation)
        default:
            Issue.record("expected \(want.map(\.rawValue) ?? "appended"), got \(outcome)", sourceLocation: sourceLocation)
        }
    }

    static let crossPairs: [String: JSONValue] = ["p2p": ["crossProvincePairs": true]]

    // MARK: Registration

    @Test("a pair inside Sichuan, in the window, declared and not excluded, is registered")
    func registers() throws {
        let s = try Self.ledger()
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration(), nil)
        let r = try #require(try s.ledger.p2pRegistration("SC-P2P-1"))
        #expect(r.registeredBy == "REG-510000")
        #expect(r.capGrams == 10_000_000)
    }

    @Test("R-P2P-SCOPE: a Chongqing utiliser without the policy; allowed with crossProvincePairs when one party is in Sichuan")
    func scope() throws {
        let s = try Self.ledger()
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration(utiliser: Self.cqUtil), .p2pScope)
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration("SC-P2P-2", generator: Self.cqGen), .p2pScope)
        let x = try Self.ledger(policy: Self.crossPairs)
        try Self.expect(x, "p2p.registered", "REG-510000", Self.registration(utiliser: Self.cqUtil), nil)
        try Self.expect(x, "p2p.registered", "REG-510000", Self.registration("SC-P2P-2", generator: Self.cqGen), nil)
        try Self.expect(x, "p2p.registered", "REG-510000", Self.registration("SC-P2P-3", generator: Self.cqGen, utiliser: Self.cqUtil), .p2pScope)
    }

    @Test("R-AUTH: a regulator of a non-pilot province may not register; a utiliser must have the utiliser role")
    func auth() throws {
        let s = try Self.ledger(policy: Self.crossPairs)
        try Self.expect(s, "p2p.registered", "REG-500000", Self.registration(utiliser: Self.cqUtil), .auth)
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration(utiliser: Self.notUtil), .auth)
        try Self.expect(s, "p2p.registered", Self.gen, Self.registration(), .auth)
    }

    @Test("R-P2P-BANNED: waste from producing controlled drugs; reported before -GENERAL and -WINDOW")
    func banned() throws {
        let s = try Self.ledger()
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration(drug: true), .p2pBanned)
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration(from: "2020-01-01", drug: true, general: true), .p2pBanned)
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration(drug: false), nil)
    }

    @Test("R-P2P-GENERAL: a general 豁免清单 item already applies")
    func general() throws {
        let s = try Self.ledger()
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration(general: true), .p2pGeneral)
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration(general: false), nil)
    }

    @Test("R-P2P-THRESHOLD: the policy minAnnualGrams (500 t as in Anhui); default 0 accepts any declaration")
    func threshold() throws {
        let s = try Self.ledger(policy: ["p2p": ["minAnnualGrams": 500_000_000]])
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration(declared: 499_999_999), .p2pThreshold)
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration(declared: 500_000_000), nil)
        let d = try Self.ledger()
        try Self.expect(d, "p2p.registered", "REG-510000", Self.registration(declared: 0), nil)
    }

    @Test("R-P2P-WINDOW: validity outside 2022-10-05…2024-10-04; an extended window in the policy allows 2025")
    func window() throws {
        let s = try Self.ledger()
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration(from: "2022-10-04", to: "2023-10-03"), .p2pWindow)
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration(from: "2024-01-01", to: "2024-10-05"), .p2pWindow)
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration(from: "2025-01-01", to: "2025-12-31"), .p2pWindow)
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration(from: "2022-10-05", to: "2024-10-04"), nil)
        let extended = try Self.ledger(policy: ["p2p": ["pilots": [["province": "510000", "from": "2022-10-05", "to": "2026-10-04"]]]])
        try Self.expect(extended, "p2p.registered", "REG-510000", Self.registration(from: "2025-01-01", to: "2025-12-31"), nil)
    }

    @Test("R-DUPLICATE: a registration number already used; R-NOT-FOUND: an unregistered party")
    func duplicate() throws {
        let s = try Self.ledger()
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration(), nil)
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration(generator: Self.gen2), .duplicate)
        try Self.expect(s, "p2p.registered", "REG-510000", Self.registration("SC-P2P-9", generator: TestKeys.uscc(division: "510100", serial: 899)), .notFound)
    }

    // MARK: Revocation

    @Test("p2p.revoked: by the registering regulator once; another regulator is R-AUTH, a second revocation R-STATE")
    func revoke() throws {
        let s = try Self.ledger()
        try s.must("p2p.registered", "REG-510000", Self.registration())
        let body: [String: JSONValue] = ["registrationNo": "SC-P2P-1", "revokedOn": "2024-01-01", "reason": "利用单位违规"]
        try Self.expect(s, "p2p.revoked", "REG-500000", body, .auth)
        try Self.expect(s, "p2p.revoked", "REG-510000", ["registrationNo": "SC-P2P-404", "revokedOn": "2024-01-01", "reason": "x"], .notFound)
        try Self.expect(s, "p2p.revoked", "REG-510000", body, nil)
        #expect(try s.ledger.p2pRegistration("SC-P2P-1")?.revokedOn == CivilDate("2024-01-01"))
        try Self.expect(s, "p2p.revoked", "REG-510000", body, .state)
    }

    // MARK: Manifests under a registration

    static func registered(policy: [String: JSONValue] = [:], cap: Int64 = 10_000_000) throws -> TransferScenario {
        let s = try ledger(policy: policy)
        try s.must("p2p.registered", "REG-510000", registration(cap: cap))
        return s
    }

    @Test("a manifest under an active pair needs no operating permit for the utiliser (an intra-province one does)")
    func noOperatingPermit() throws {
        let s = try Self.registered()
        try Self.expect(s, "manifest.filed", Self.gen, Self.manifest(), nil)
        var intra = Self.manifest()
        intra["basis"] = ["intraProvince": true]
        try Self.expect(s, "manifest.filed", Self.gen, intra, .permit)
    }

    @Test("R-CARRIER-PERMIT still applies under a 点对点 basis")
    func carrierPermit() throws {
        let s = try Self.registered()
        try Self.expect(s, "manifest.filed", Self.gen, Self.manifest(carrier: Self.carrierNoPermit), .carrierPermit)
    }

    @Test("R-P2P-INACTIVE: pickup before validity, after it, or on/after the revocation date")
    func inactive() throws {
        let s = try Self.registered()
        try Self.expect(s, "manifest.filed", Self.gen, Self.manifest(pickup: "2022-12-31"), .p2pInactive)
        try Self.expect(s, "manifest.filed", Self.gen, Self.manifest(pickup: "2024-10-05"), .p2pInactive)
        try s.must("p2p.revoked", "REG-510000", ["registrationNo": "SC-P2P-1", "revokedOn": "2024-01-01", "reason": "违规"])
        try Self.expect(s, "manifest.filed", Self.gen, Self.manifest(pickup: "2024-01-01"), .p2pInactive)
        try Self.expect(s, "manifest.filed", Self.gen, Self.manifest(pickup: "2024-06-01"), .p2pInactive)
    }

    @Test("R-P2P-MISMATCH: generator, utiliser or waste code differ; inactive is reported first")
    func mismatch() throws {
        let s = try Self.registered()
        try Self.expect(s, "manifest.filed", Self.gen2, Self.manifest(generator: Self.gen2), .p2pMismatch)
        try Self.expect(s, "manifest.filed", Self.gen, Self.manifest(receiver: Self.cqUtil), .p2pMismatch)
        try Self.expect(s, "manifest.filed", Self.gen, Self.manifest(code: "900-052-31"), .p2pMismatch)
        try Self.expect(s, "manifest.filed", Self.gen, Self.manifest(code: "900-052-31", pickup: "2025-01-10"), .p2pInactive)
        try Self.expect(s, "manifest.filed", Self.gen, Self.manifest(), nil)
    }

    @Test("R-P2P-CAP: per plannedPickup year; exactly the cap fits; a cancelled manifest releases its grams")
    func cap() throws {
        let s = try Self.registered(cap: 10_000_000)
        let first = try s.file(Self.manifest(grams: 6_000_000, pickup: "2023-03-01"))
        try Self.expect(s, "manifest.filed", Self.gen, Self.manifest(grams: 5_000_000, pickup: "2023-09-01"), .p2pCap)
        try Self.expect(s, "manifest.filed", Self.gen, Self.manifest(grams: 10_000_000, pickup: "2024-02-01"), nil)
        try Self.expect(s, "manifest.filed", Self.gen, Self.manifest(grams: 4_000_000, pickup: "2023-12-31"), nil)
        try Self.expect(s, "manifest.filed", Self.gen, Self.manifest(grams: 1, pickup: "2023-12-31"), .p2pCap)
        #expect(try s.ledger.p2pRegistration("SC-P2P-1")?.used(in: 2023) == 10_000_000)
        try s.must("manifest.cancelled", Self.gen, ["manifestNo": .string(first), "reason": "计划取消"])
        #expect(try s.ledger.p2pRegistration("SC-P2P-1")?.used(in: 2023) == 4_000_000)
        try Self.expect(s, "manifest.filed", Self.gen, Self.manifest(grams: 6_000_000, pickup: "2023-09-01"), nil)
    }

    @Test("R-NOT-FOUND: a 点对点 basis naming no registration")
    func unknownRegistration() throws {
        let s = try Self.registered()
        try Self.expect(s, "manifest.filed", Self.gen, Self.manifest("SC-P2P-404"), .notFound)
    }

    @Test("a cross-province pair (policy) files a manifest to the Chongqing utiliser without approval or permit")
    func crossProvinceManifest() throws {
        let s = try Self.ledger(policy: Self.crossPairs)
        try s.must("p2p.registered", "REG-510000", Self.registration(utiliser: Self.cqUtil))
        try Self.expect(s, "manifest.filed", Self.gen, Self.manifest(receiver: Self.cqUtil), nil)
    }
}
