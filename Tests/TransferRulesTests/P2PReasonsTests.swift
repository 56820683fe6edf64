import Testing
import TransferRules

/// `RegimeContext.p2pReasons` (SPEC §2.5): every failing reason of a shipment against a registration, in rule order.
@Suite("p2pReasons")
struct P2PReasonsTests {
    static let gen = USCC.complete("91510100000000801")!
    static let util = USCC.complete("91510700000000802")!
    static let other = USCC.complete("91510100000000807")!

    static func record(cap: Int64 = 10_000_000, used: [String: Int64] = [:], revokedOn: String? = nil) -> P2PRecord {
        var r = P2PRecord(P2PRegistered(
            registrationNo: "SC-P2P-1", generator: gen, utiliser: util, wasteCode: "900-041-49", substituteUse: "替代原料", capGrams: cap,
            validFrom: CivilDate("2023-01-01")!, validTo: CivilDate("2024-10-04")!, declaredAnnualGrams: 1, controlledDrugProduction: false,
            generalExemptionApplies: false), registeredBy: "REG-510000", registeredAt: 5)
        r.usedGrams = used
        if let revokedOn { r.revokedOn = CivilDate(revokedOn) }
        return r
    }

    static func shipment(generator: String = gen, utiliser: String = util, codes: [String] = ["900-041-49"], grams: Int64 = 1_000_000, pickup: String = "2023-06-01") -> P2PShipment {
        P2PShipment(generator: generator, utiliser: utiliser, wasteCodes: codes, grams: grams, pickup: CivilDate(pickup)!)
    }

    static let context = Comp.context

    func rules(_ s: P2PShipment, _ r: P2PRecord) -> [RuleID] { Self.context.p2pReasons(s, registration: r).map(\.rule) }

    @Test("an eligible shipment has no reasons")
    func eligible() {
        #expect(rules(Self.shipment(), Self.record()).isEmpty)
        #expect(rules(Self.shipment(pickup: "2023-01-01"), Self.record()).isEmpty, "first day of validity")
        #expect(rules(Self.shipment(pickup: "2024-10-04"), Self.record()).isEmpty, "last day of validity")
    }

    @Test("R-P2P-INACTIVE: before validity, after validity, on or after the revocation date")
    func inactive() {
        #expect(rules(Self.shipment(pickup: "2022-12-31"), Self.record()) == [.p2pInactive])
        #expect(rules(Self.shipment(pickup: "2024-10-05"), Self.record()) == [.p2pInactive])
        #expect(rules(Self.shipment(pickup: "2024-01-01"), Self.record(revokedOn: "2024-01-01")) == [.p2pInactive])
        #expect(rules(Self.shipment(pickup: "2024-03-01"), Self.record(revokedOn: "2024-01-01")) == [.p2pInactive])
        let message = Self.context.p2pReasons(Self.shipment(pickup: "2024-03-01"), registration: Self.record(revokedOn: "2024-01-01"))[0].message
        #expect(message.contains("2024-01-01"))
    }

    @Test("R-P2P-MISMATCH: generator, utiliser or any line's code differing")
    func mismatch() {
        #expect(rules(Self.shipment(generator: Self.other), Self.record()) == [.p2pMismatch])
        #expect(rules(Self.shipment(utiliser: Self.other), Self.record()) == [.p2pMismatch])
        #expect(rules(Self.shipment(codes: ["900-041-49", "900-052-31"]), Self.record()) == [.p2pMismatch])
    }

    @Test("R-P2P-CAP: by the pickup year; exactly the cap is allowed")
    func cap() {
        let r = Self.record(cap: 10_000_000, used: ["2023": 6_000_000])
        #expect(rules(Self.shipment(grams: 4_000_000), r).isEmpty)
        #expect(rules(Self.shipment(grams: 4_000_001), r) == [.p2pCap])
        #expect(rules(Self.shipment(grams: 10_000_000, pickup: "2024-02-01"), r).isEmpty, "another year's use does not count")
        #expect(rules(Self.shipment(grams: 10_000_001, pickup: "2024-02-01"), r) == [.p2pCap])
    }

    @Test("every failing reason is listed, in rule order")
    func all() {
        let r = Self.record(cap: 1_000_000, used: ["2024": 900_000], revokedOn: "2024-01-01")
        let s = Self.shipment(generator: Self.other, codes: ["900-052-31"], grams: 200_000, pickup: "2024-02-01")
        #expect(rules(s, r) == [.p2pInactive, .p2pMismatch, .p2pCap])
    }
}
