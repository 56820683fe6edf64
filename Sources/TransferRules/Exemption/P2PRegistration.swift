/// `p2p.registered`: a 点对点 定向利用豁免 pair registered by a pilot-province regulator (SPEC §2.5).
public struct P2PRegistered: Sendable, Equatable {
    public var registrationNo: String
    public var generator: String
    public var utiliser: String
    public var wasteCode: String
    public var substituteUse: String
    public var capGrams: Int64
    public var validFrom: CivilDate
    public var validTo: CivilDate
    public var declaredAnnualGrams: Int64
    public var controlledDrugProduction: Bool
    public var generalExemptionApplies: Bool

    public init(
        registrationNo: String, generator: String, utiliser: String, wasteCode: String, substituteUse: String, capGrams: Int64,
        validFrom: CivilDate, validTo: CivilDate, declaredAnnualGrams: Int64, controlledDrugProduction: Bool, generalExemptionApplies: Bool
    ) {
        self.registrationNo = registrationNo
        self.generator = generator
        self.utiliser = utiliser
        self.wasteCode = wasteCode
        self.substituteUse = substituteUse
        self.capGrams = capGrams
        self.validFrom = validFrom
        self.validTo = validTo
        self.declaredAnnualGrams = declaredAnnualGrams
        self.controlledDrugProduction = controlledDrugProduction
        self.generalExemptionApplies = generalExemptionApplies
    }
}

/// `p2p.revoked`.
public struct P2PRevoked: Sendable, Equatable {
    public var registrationNo: String
    public var revokedOn: CivilDate
    public var reason: String

    public init(registrationNo: String, revokedOn: CivilDate, reason: String) {
        self.registrationNo = registrationNo
        self.revokedOn = revokedOn
        self.reason = reason
    }
}

/// A registered pair and the use of its cap (projection `p2p`).
public struct P2PRecord: Sendable, Equatable, Codable {
    public var registrationNo: String
    public var registeredBy: String
    public var generator: String
    public var utiliser: String
    public var wasteCode: String
    public var substituteUse: String
    public var capGrams: Int64
    public var validFrom: CivilDate
    public var validTo: CivilDate
    public var declaredAnnualGrams: Int64
    public var registeredAt: UInt64
    public var revokedOn: CivilDate?
    public var revokeReason: String?
    /// Grams of non-cancelled manifests under this registration, by the year of their planned pickup.
    public var usedGrams: [String: Int64]

    public init(_ e: P2PRegistered, registeredBy: String, registeredAt: UInt64) {
        registrationNo = e.registrationNo
        self.registeredBy = registeredBy
        generator = e.generator
        utiliser = e.utiliser
        wasteCode = e.wasteCode
        substituteUse = e.substituteUse
        capGrams = e.capGrams
        validFrom = e.validFrom
        validTo = e.validTo
        declaredAnnualGrams = e.declaredAnnualGrams
        self.registeredAt = registeredAt
        usedGrams = [:]
    }

    /// Active on `date`: inside its validity and not revoked on or before it.
    public func isActive(on date: CivilDate) -> Bool {
        guard validFrom <= date, date <= validTo else { return false }
        if let revokedOn, revokedOn <= date { return false }
        return true
    }

    public func used(in year: Int) -> Int64 { usedGrams[String(year)] ?? 0 }
}

/// A hypothetical or real 点对点 shipment: what `p2p check` and manifest filing judge against a registration.
public struct P2PShipment: Sendable, Equatable {
    public var generator: String
    public var utiliser: String
    public var wasteCodes: [String]
    public var grams: Int64
    public var pickup: CivilDate

    public init(generator: String, utiliser: String, wasteCodes: [String], grams: Int64, pickup: CivilDate) {
        self.generator = generator
        self.utiliser = utiliser
        self.wasteCodes = wasteCodes
        self.grams = grams
        self.pickup = pickup
    }
}
