/// A permit as issued (projection `permit`).
public struct PermitRecord: Sendable, Equatable, Codable {
    public var permitNo: String
    public var holder: String
    public var kind: PermitIssued.Kind
    public var wasteCodes: [String]
    public var methods: [String]
    public var capacityGrams: Int64?
    public var validFrom: CivilDate
    public var validTo: CivilDate
    public var issuedAt: UInt64

    public init(_ e: PermitIssued, issuedAt: UInt64) {
        permitNo = e.permitNo
        holder = e.holder
        kind = e.kind
        wasteCodes = e.wasteCodes
        methods = e.methods
        capacityGrams = e.capacityGrams
        validFrom = e.validFrom
        validTo = e.validTo
        self.issuedAt = issuedAt
    }

    public func isValid(on d: CivilDate) -> Bool { validFrom <= d && d <= validTo }

    public func covers(wasteCode: String, method: String) -> Bool {
        kind == .operating && wasteCodes.contains(wasteCode) && methods.contains(method)
    }
}

/// A cross-province application and every step taken on it (projection `application`).
public struct ApplicationRecord: Sendable, Equatable, Codable {
    public struct Incomplete: Sendable, Equatable, Codable {
        public var missing: [String]
        public var notifiedOn: CivilDate
    }
    public struct Review: Sendable, Equatable, Codable {
        public var opinion: Opinion
        public var reviewedOn: CivilDate
        public var note: String?
    }
    public struct Reply: Sendable, Equatable, Codable {
        public var opinion: Opinion
        public var repliedOn: CivilDate
        public var reason: String?
    }
    /// The whitelist entry a direct decision was charged against.
    public struct WhitelistCharge: Sendable, Equatable, Codable {
        public var year: Int
        public var listingProvince: String
        public var entry: Int

        public init(year: Int, listingProvince: String, entry: Int) {
            self.year = year
            self.listingProvince = listingProvince
            self.entry = entry
        }
    }

    public var applicationId: String
    public var generator: String
    public var receiver: String
    public var wasteCode: String
    public var grams: Int64
    public var method: String
    public var validFrom: CivilDate
    public var validTo: CivilDate
    public var appliedOn: CivilDate
    public var originProvince: String
    public var destinationProvince: String
    public var appliedAt: UInt64
    public var incomplete: Incomplete?
    public var supplementedOn: CivilDate?
    public var review: Review?
    public var consultationRequestedOn: CivilDate?
    public var reply: Reply?
    public var decision: Decision?
    /// True when the decision was taken without a consultation reply (whitelist route).
    public var direct: Bool?
    public var whitelistCharge: WhitelistCharge?
    public var notifiedOn: CivilDate?
    public var consentedExtraGrams: Int64?
    /// Grams of non-cancelled manifests filed under the approval.
    public var filedGrams: Int64
    /// Whether a confirmed, unsuspended whitelist entry covered the application when it was filed and when it
    /// was supplemented; which one counts depends on when it was accepted.
    public var coveredWhenApplied: Bool
    public var coveredWhenSupplemented: Bool?

    public init(_ e: ApprovalApplied, generatorProvince: String, receiverProvince: String, appliedAt: UInt64, covered: Bool) {
        applicationId = e.applicationId
        generator = e.generator
        receiver = e.receiver
        wasteCode = e.wasteCode
        grams = e.grams
        method = e.method
        validFrom = e.validFrom
        validTo = e.validTo
        appliedOn = e.appliedOn
        originProvince = generatorProvince
        destinationProvince = receiverProvince
        self.appliedAt = appliedAt
        filedGrams = 0
        coveredWhenApplied = covered
    }

    /// The regulator ids of both sides.
    public var originRegulator: String { Principal.regulatorID(originProvince) }
    public var destinationRegulator: String { Principal.regulatorID(destinationProvince) }

    /// The deadline of the completeness notice.
    public func completenessDue(_ calendar: WorkingCalendar, policy: Policy) -> CivilDate {
        calendar.due(workingDays: policy.deadlines.reviewWorkingDays, after: appliedOn)
    }

    /// True when the incomplete notice was given in time, so acceptance waits for the supplement.
    public func noticeStopsClock(_ calendar: WorkingCalendar, policy: Policy) -> Bool {
        guard let incomplete else { return false }
        return incomplete.notifiedOn <= completenessDue(calendar, policy: policy)
    }

    /// The acceptance (受理) date: the filing day, or the supplement day after a timely incomplete notice.
    /// Nil while a timely notice awaits its supplement.
    public func acceptedOn(_ calendar: WorkingCalendar, policy: Policy) -> CivilDate? {
        noticeStopsClock(calendar, policy: policy) ? supplementedOn : appliedOn
    }

    /// Whether the application is on the whitelist route: covered by a confirmed entry when accepted.
    public func onWhitelistRoute(_ calendar: WorkingCalendar, policy: Policy) -> Bool {
        noticeStopsClock(calendar, policy: policy) ? (coveredWhenSupplemented ?? false) : coveredWhenApplied
    }

    /// A timely incomplete notice that has not been supplemented blocks every later step.
    public func awaitingSupplement(_ calendar: WorkingCalendar, policy: Policy) -> Bool {
        incomplete != nil && supplementedOn == nil
    }

    /// Grams left on an approved application: approved − filed (cancelled manifests released).
    public var remainingGrams: Int64 { (decision?.grams ?? 0) - filedGrams }
}

/// One year's whitelist of one listing province (projection `whitelist`, key `<year>/<province>`).
public struct WhitelistRecord: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        public var receiver: String
        public var wasteCode: String
        public var capGrams: Int64
        public var methods: [String]
        public var suspended: Bool
        /// Grams approved by direct decisions charged against this entry.
        public var approvedGrams: Int64

        public var remainingGrams: Int64 { capGrams - approvedGrams }
    }

    public var year: Int
    public var listingProvince: String
    public var counterpartProvince: String
    public var entries: [Entry]
    public var confirmed: Bool
    public var publishedAt: UInt64

    public init(_ e: WhitelistPublished, publishedAt: UInt64) {
        year = e.year
        listingProvince = e.listingProvince
        counterpartProvince = e.counterpartProvince
        entries = e.entries.map {
            Entry(receiver: $0.receiver, wasteCode: $0.wasteCode, capGrams: $0.capGrams, methods: $0.methods, suspended: false, approvedGrams: 0)
        }
        confirmed = false
        self.publishedAt = publishedAt
    }

    public var key: String { Self.key(year: year, listingProvince: listingProvince) }
    public static func key(year: Int, listingProvince: String) -> String { "\(year)/\(listingProvince)" }

    /// The index of the effective (confirmed, unsuspended) entry covering an application, if any.
    public func coveringEntry(for a: ApplicationRecord) -> Int? {
        guard confirmed, year == a.validFrom.year, listingProvince == a.destinationProvince,
            counterpartProvince == a.originProvince
        else { return nil }
        return entries.firstIndex {
            !$0.suspended && $0.receiver == a.receiver && $0.wasteCode == a.wasteCode && $0.methods.contains(a.method)
        }
    }
}

/// The state of a manifest (SPEC §4.1).
public enum ManifestState: String, Sendable, Codable {
    case filed, inTransit, received, rejected, cancelled
}

/// A manifest, its events and every version (projection `manifest`).
public struct ManifestRecord: Sendable, Equatable, Codable {
    public struct Pickup: Sendable, Equatable, Codable {
        public var carrier: String
        public var vehiclePlate: String
        public var driver: String
        public var at: UTCInstant
    }
    public struct Handover: Sendable, Equatable, Codable {
        public var fromCarrier: String
        public var toCarrier: String
        public var vehiclePlate: String
        public var driver: String
        public var at: UTCInstant
    }
    public struct Receipt: Sendable, Equatable, Codable {
        public var deliveredAt: UTCInstant
        public var method: String
        public var lines: [ReceivedLine]
        public var significantDiscrepancy: Bool
        public var note: String?
        /// The Asia/Shanghai date the receipt was entered into the ledger.
        public var enteredOn: CivilDate
    }
    public struct Rejection: Sendable, Equatable, Codable {
        public var deliveredAt: UTCInstant
        public var reason: String
        public var enteredOn: CivilDate
    }
    public struct Correction: Sendable, Equatable, Codable {
        public var correctionId: String
        public var proposer: String
        public var reason: String
        public var method: String?
        public var lines: [CorrectedLine]?
        public var approvals: [String]
        public var applied: Bool
    }
    /// A version of what was received: 1 is the receipt, each applied correction adds one.
    public struct Version: Sendable, Equatable, Codable {
        public var version: Int
        public var index: UInt64
        public var method: String
        public var lines: [ReceivedLine]
        public var correctionId: String?
    }
    public struct EventRef: Sendable, Equatable, Codable {
        public var index: UInt64
        public var type: String
        public var actor: String
        public var time: UTCInstant

        public init(index: UInt64, type: String, actor: String, time: UTCInstant) {
            self.index = index
            self.type = type
            self.actor = actor
            self.time = time
        }
    }

    public var manifestNo: String
    public var generator: String
    public var carriers: [String]
    public var receiver: String
    public var plannedPickup: CivilDate
    public var method: String
    public var basis: Basis
    public var lines: [ManifestLine]
    public var returnOf: String?
    /// The generator's own reference, when it gave one.
    public var customId: String?
    /// 应急联系人 and 应急联系电话, when the generator gave them.
    public var emergencyContact: EmergencyContact?
    public var filedOn: CivilDate
    public var state: ManifestState
    public var pickup: Pickup?
    public var handovers: [Handover]
    public var receipt: Receipt?
    public var rejection: Rejection?
    public var cancelReason: String?
    public var corrections: [Correction]
    public var versions: [Version]
    /// Grams per waste code of the non-cancelled returns filed against this manifest.
    public var returnedGrams: [String: Int64]
    public var events: [EventRef]

    public init(number: String, _ e: ManifestFiled, filedOn: CivilDate, event: EventRef) {
        manifestNo = number
        generator = e.generator
        carriers = e.carriers
        receiver = e.receiver
        plannedPickup = e.plannedPickup
        method = e.method
        basis = e.basis
        lines = e.lines
        returnOf = e.returnOf
        customId = e.customId
        emergencyContact = e.emergencyContact
        self.filedOn = filedOn
        state = .filed
        handovers = []
        corrections = []
        versions = []
        returnedGrams = [:]
        events = [event]
    }

    public var totalGrams: Int64 { lines.reduce(0) { $0 + $1.grams } }

    /// The carrier holding the load now (after pickup and handovers).
    public var currentCarrier: String? { handovers.last?.toCarrier ?? pickup?.carrier }

    /// Carriers that actually took the load over.
    public var actualCarriers: [String] {
        var list: [String] = []
        if let p = pickup { list.append(p.carrier) }
        for h in handovers where !list.contains(h.toCarrier) { list.append(h.toCarrier) }
        return list
    }

    /// The parties of the manifest for corrections: generator, carriers that carried, receiver.
    public var parties: [String] {
        var list = [generator]
        for c in actualCarriers where !list.contains(c) { list.append(c) }
        if !list.contains(receiver) { list.append(receiver) }
        return list
    }

    /// Everyone named on the manifest (visibility): generator, listed carriers, receiver.
    public var namedParties: Set<String> { Set([generator, receiver] + carriers) }

    /// The latest version of what was received.
    public var currentVersion: Version? { versions.last }

    /// Grams rejected per waste code (whole rejection: every line's grams).
    public var rejectedGramsByCode: [String: Int64] {
        var out: [String: Int64] = [:]
        if state == .rejected {
            for l in lines { out[l.wasteCode, default: 0] += l.grams }
        } else if let v = currentVersion {
            for r in v.lines where r.rejectedGrams > 0 { out[lines[r.line - 1].wasteCode, default: 0] += r.rejectedGrams }
        }
        return out
    }

    /// The delivered-at instant of a receipt or whole rejection.
    public var deliveredAt: UTCInstant? { receipt?.deliveredAt ?? rejection?.deliveredAt }
}
