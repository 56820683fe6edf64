/// `permit.issued`: a receiver's 危险废物经营许可证 (operating) or a carrier's road-transport permit.
public struct PermitIssued: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable, ChoiceLabelled {
        case operating, transport

        public var labelZh: String { self == .operating ? "危险废物经营许可证" : "道路危险货物运输许可证" }
    }
    public var permitNo: String
    public var holder: String
    public var kind: Kind
    public var wasteCodes: [String]
    public var methods: [String]
    public var capacityGrams: Int64?
    public var validFrom: CivilDate
    public var validTo: CivilDate

    public init(permitNo: String, holder: String, kind: Kind, wasteCodes: [String], methods: [String], capacityGrams: Int64?, validFrom: CivilDate, validTo: CivilDate) {
        self.permitNo = permitNo
        self.holder = holder
        self.kind = kind
        self.wasteCodes = wasteCodes
        self.methods = methods
        self.capacityGrams = capacityGrams
        self.validFrom = validFrom
        self.validTo = validTo
    }
}

/// `approval.applied`: a generator applies for a cross-province transfer.
public struct ApprovalApplied: Sendable, Equatable {
    public var applicationId: String
    public var generator: String
    public var receiver: String
    public var wasteCode: String
    public var grams: Int64
    public var method: String
    public var validFrom: CivilDate
    public var validTo: CivilDate
    public var appliedOn: CivilDate

    public init(applicationId: String, generator: String, receiver: String, wasteCode: String, grams: Int64, method: String, validFrom: CivilDate, validTo: CivilDate, appliedOn: CivilDate) {
        self.applicationId = applicationId
        self.generator = generator
        self.receiver = receiver
        self.wasteCode = wasteCode
        self.grams = grams
        self.method = method
        self.validFrom = validFrom
        self.validTo = validTo
        self.appliedOn = appliedOn
    }
}

/// The steps of an application after it was filed (SPEC §2.2, §2.3).
public enum ApprovalStep: Sendable, Equatable {
    case incomplete(missing: [String], notifiedOn: CivilDate)
    case supplemented(supplementedOn: CivilDate)
    case reviewed(opinion: Opinion, reviewedOn: CivilDate, note: String?)
    case consultationRequested(requestedOn: CivilDate)
    case consultationReplied(opinion: Opinion, repliedOn: CivilDate, reason: String?)
    case decided(Decision)
    case notified(notifiedOn: CivilDate)
    case overquotaConsented(extraGrams: Int64)

    public var eventType: String {
        switch self {
        case .incomplete: "approval.incomplete"
        case .supplemented: "approval.supplemented"
        case .reviewed: "approval.reviewed"
        case .consultationRequested: "approval.consultation.requested"
        case .consultationReplied: "approval.consultation.replied"
        case .decided: "approval.decided"
        case .notified: "approval.notified"
        case .overquotaConsented: "whitelist.overquota.consented"
        }
    }
}

public enum Opinion: String, Sendable, Codable, CaseIterable, ChoiceLabelled {
    case agree, disagree

    public var labelZh: String { self == .agree ? "同意" : "不同意" }
}

/// An enumerated field's values with the Chinese words people use for them: an error names every allowed value in
/// both languages ("agree (同意), disagree (不同意)").
public protocol ChoiceLabelled: RawRepresentable, CaseIterable where RawValue == String {
    var labelZh: String { get }
}

extension ChoiceLabelled {
    /// `agree (同意), disagree (不同意)`.
    public static var allowedText: String { allCases.map { "\($0.rawValue) (\($0.labelZh))" }.joined(separator: ", ") }
}

/// `approval.decided`'s content.
public struct Decision: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable, CaseIterable, ChoiceLabelled {
        case approved, denied

        public var labelZh: String { self == .approved ? "准予" : "不予批准" }
    }
    public var decision: Outcome
    public var decidedOn: CivilDate
    public var approvalNo: String?
    public var grams: Int64?
    public var validFrom: CivilDate?
    public var validTo: CivilDate?
    public var reason: String?

    public init(decision: Outcome, decidedOn: CivilDate, approvalNo: String?, grams: Int64?, validFrom: CivilDate?, validTo: CivilDate?, reason: String?) {
        self.decision = decision
        self.decidedOn = decidedOn
        self.approvalNo = approvalNo
        self.grams = grams
        self.validFrom = validFrom
        self.validTo = validTo
        self.reason = reason
    }
}

/// `whitelist.published`.
public struct WhitelistPublished: Sendable, Equatable {
    public struct Entry: Sendable, Equatable, Codable {
        public var receiver: String
        public var wasteCode: String
        public var capGrams: Int64
        public var methods: [String]
        public init(receiver: String, wasteCode: String, capGrams: Int64, methods: [String]) {
            self.receiver = receiver
            self.wasteCode = wasteCode
            self.capGrams = capGrams
            self.methods = methods
        }
    }
    public var year: Int
    public var listingProvince: String
    public var counterpartProvince: String
    public var entries: [Entry]

    public init(year: Int, listingProvince: String, counterpartProvince: String, entries: [Entry]) {
        self.year = year
        self.listingProvince = listingProvince
        self.counterpartProvince = counterpartProvince
        self.entries = entries
    }
}

/// `whitelist.confirmed` / `whitelist.suspended`.
public enum WhitelistChange: Sendable, Equatable {
    case confirmed(year: Int, listingProvince: String)
    case suspended(year: Int, listingProvince: String, receiver: String, wasteCode: String?, reason: String)
}

/// A manifest's basis: exactly one of an approval, a 点对点 registration, or none (same province).
public enum Basis: Sendable, Equatable {
    case approval(String)
    case p2p(String)
    case intraProvince
}

/// Encoded as in SPEC §5: `{"approval":no}`, `{"p2p":no}` or `{"intraProvince":true}`.
extension Basis: Codable {
    enum Key: String, CodingKey { case approval, p2p, intraProvince }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        if let no = try c.decodeIfPresent(String.self, forKey: .approval) {
            self = .approval(no)
        } else if let no = try c.decodeIfPresent(String.self, forKey: .p2p) {
            self = .p2p(no)
        } else if try c.decodeIfPresent(Bool.self, forKey: .intraProvince) == true {
            self = .intraProvince
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "no basis"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .approval(let no): try c.encode(no, forKey: .approval)
        case .p2p(let no): try c.encode(no, forKey: .p2p)
        case .intraProvince: try c.encode(true, forKey: .intraProvince)
        }
    }
}

/// One line of a manifest.
public struct ManifestLine: Sendable, Equatable, Codable {
    public var wasteCode: String
    public var name: String
    public var hazards: [String]
    public var form: String
    public var packaging: String
    public var packages: Int64
    public var grams: Int64
    /// 有害成分名称 (SPEC §5 `components`, 1–200 characters), when the generator gave it.
    public var components: String?

    public init(
        wasteCode: String, name: String, hazards: [String], form: String, packaging: String, packages: Int64, grams: Int64,
        components: String? = nil
    ) {
        self.wasteCode = wasteCode
        self.name = name
        self.hazards = hazards
        self.form = form
        self.packaging = packaging
        self.packages = packages
        self.grams = grams
        self.components = components
    }

    /// The longest `components` accepted, in characters.
    public static let componentsMaxLength = 200
}

/// The generator's 应急联系人 and 应急联系电话 (SPEC §5 `emergencyContact`).
public struct EmergencyContact: Sendable, Equatable, Codable {
    public var name: String
    public var phone: String

    public init(name: String, phone: String) {
        self.name = name
        self.phone = phone
    }

    /// Whether `phone` is 5–20 characters of digits, spaces, `+` and `-`.
    public static func isPhone(_ phone: String) -> Bool {
        (5...20).contains(phone.count) && phone.allSatisfy { ("0"..."9").contains($0) || $0 == " " || $0 == "+" || $0 == "-" }
    }
}

/// `manifest.filed`.
public struct ManifestFiled: Sendable, Equatable {
    public var generator: String
    public var carriers: [String]
    public var receiver: String
    public var plannedPickup: CivilDate
    public var method: String
    public var basis: Basis
    public var lines: [ManifestLine]
    public var returnOf: String?
    /// The generator's own reference (an ERP number): at most 64 characters, unique per generator.
    public var customId: String?
    /// 应急联系人 and 应急联系电话, when given.
    public var emergencyContact: EmergencyContact?

    public init(
        generator: String, carriers: [String], receiver: String, plannedPickup: CivilDate, method: String, basis: Basis, lines: [ManifestLine],
        returnOf: String?, customId: String? = nil, emergencyContact: EmergencyContact? = nil
    ) {
        self.emergencyContact = emergencyContact
        self.generator = generator
        self.carriers = carriers
        self.receiver = receiver
        self.plannedPickup = plannedPickup
        self.method = method
        self.basis = basis
        self.lines = lines
        self.returnOf = returnOf
        self.customId = customId
    }

    /// The longest `customId` accepted.
    public static let customIdMaxLength = 64

    public var totalGrams: Int64 { lines.reduce(0) { $0 + $1.grams } }
}

/// A received line: `grams` received, `rejectedGrams` refused (partial rejection).
public struct ReceivedLine: Sendable, Equatable, Codable {
    public var line: Int
    public var grams: Int64
    public var rejectedGrams: Int64

    public init(line: Int, grams: Int64, rejectedGrams: Int64) {
        self.line = line
        self.grams = grams
        self.rejectedGrams = rejectedGrams
    }
}

/// The steps of a manifest after filing (SPEC §2.4).
public enum ManifestStep: Sendable, Equatable {
    case cancelled(reason: String)
    case pickedUp(vehiclePlate: String, driver: String, at: UTCInstant)
    case handedOver(fromCarrier: String, vehiclePlate: String, driver: String, at: UTCInstant)
    case received(deliveredAt: UTCInstant, method: String, lines: [ReceivedLine], significantDiscrepancy: Bool, note: String?)
    case rejected(deliveredAt: UTCInstant, reason: String)
    case correctionProposed(correctionId: String, reason: String, method: String?, lines: [CorrectedLine]?)
    case correctionApproved(correctionId: String)

    public var eventType: String {
        switch self {
        case .cancelled: "manifest.cancelled"
        case .pickedUp: "manifest.pickedUp"
        case .handedOver: "manifest.handedOver"
        case .received: "manifest.received"
        case .rejected: "manifest.rejected"
        case .correctionProposed: "manifest.correction.proposed"
        case .correctionApproved: "manifest.correction.approved"
        }
    }
}

/// A corrected line of a correction proposal: the new received grams of line `line`.
public struct CorrectedLine: Sendable, Equatable, Codable {
    public var line: Int
    public var grams: Int64
    public init(line: Int, grams: Int64) {
        self.line = line
        self.grams = grams
    }
}
