import LedgerCore
import TransferRules

/// Decoding of the transfer events of SPEC §5 (permits, approvals, whitelist, manifests): shape only.
extension LedgerEvent {
    static let transferTypes: Set<String> = [
        "permit.issued", "approval.applied", "approval.incomplete", "approval.supplemented", "approval.reviewed",
        "approval.consultation.requested", "approval.consultation.replied", "approval.decided", "approval.notified",
        "whitelist.published", "whitelist.confirmed", "whitelist.suspended", "whitelist.overquota.consented",
        "manifest.filed", "manifest.cancelled", "manifest.pickedUp", "manifest.handedOver", "manifest.received",
        "manifest.rejected", "manifest.correction.proposed", "manifest.correction.approved",
    ]

    static func decodeTransfer(type: String, body value: JSONValue) throws(RuleViolation) -> LedgerEvent {
        var r = try FieldReader(value, path: "body")
        let event: LedgerEvent
        switch type {
        case "permit.issued":
            let permitNo = try r.string("permitNo")
            let holder = try r.string("holder")
            let kind = try r.enumeration("kind", PermitIssued.Kind.self)
            let codes = r.members["wasteCodes"] == nil ? nil : try r.stringArray("wasteCodes")
            let methods = r.members["methods"] == nil ? nil : try r.stringArray("methods")
            let capacity = try r.optionalInt("capacityGrams", min: 1)
            let from = try r.date("validFrom")
            let to = try r.date("validTo")
            switch kind {
            case .operating:
                guard codes != nil, methods != nil, capacity != nil else {
                    throw RuleViolation(.schema, "an operating permit carries body.wasteCodes, body.methods and body.capacityGrams")
                }
            case .transport:
                guard codes == nil, methods == nil, capacity == nil else {
                    throw RuleViolation(.schema, "a transport permit carries no body.wasteCodes, body.methods or body.capacityGrams")
                }
            }
            guard from <= to else { throw r.fail("validTo", "\(to) is before validFrom \(from)") }
            event = .permitIssued(PermitIssued(
                permitNo: permitNo, holder: holder, kind: kind, wasteCodes: codes ?? [], methods: methods ?? [],
                capacityGrams: capacity, validFrom: from, validTo: to))
        case "approval.applied":
            event = .approvalApplied(ApprovalApplied(
                applicationId: try r.string("applicationId"), generator: try r.string("generator"),
                receiver: try r.string("receiver"), wasteCode: try r.string("wasteCode"), grams: try r.int("grams", min: 1),
                method: try r.string("method"), validFrom: try r.date("validFrom"), validTo: try r.date("validTo"),
                appliedOn: try r.date("appliedOn")))
        case "approval.incomplete":
            let id = try r.string("applicationId")
            event = .approvalStep(id, .incomplete(missing: try r.stringArray("missing"), notifiedOn: try r.date("notifiedOn")))
        case "approval.supplemented":
            let id = try r.string("applicationId")
            event = .approvalStep(id, .supplemented(supplementedOn: try r.date("supplementedOn")))
        case "approval.reviewed":
            let id = try r.string("applicationId")
            event = .approvalStep(id, .reviewed(
                opinion: try r.enumeration("opinion", Opinion.self), reviewedOn: try r.date("reviewedOn"), note: try r.optionalString("note")))
        case "approval.consultation.requested":
            let id = try r.string("applicationId")
            event = .approvalStep(id, .consultationRequested(requestedOn: try r.date("requestedOn")))
        case "approval.consultation.replied":
            let id = try r.string("applicationId")
            event = .approvalStep(id, .consultationReplied(
                opinion: try r.enumeration("opinion", Opinion.self), repliedOn: try r.date("repliedOn"), reason: try r.optionalString("reason")))
        case "approval.decided":
            let id = try r.string("applicationId")
            let outcome = try r.enumeration("decision", Decision.Outcome.self)
            let decidedOn = try r.date("decidedOn")
            let approvalNo = try r.optionalString("approvalNo")
            let grams = try r.optionalInt("grams", min: 1)
            let from = r.members["validFrom"] == nil ? nil : try r.date("validFrom")
            let to = r.members["validTo"] == nil ? nil : try r.date("validTo")
            let reason = try r.optionalString("reason")
            if outcome == .approved {
                guard approvalNo != nil, grams != nil, from != nil, to != nil else {
                    throw RuleViolation(.schema, "an approving decision carries body.approvalNo, body.grams, body.validFrom and body.validTo")
                }
            } else if approvalNo != nil || grams != nil || from != nil || to != nil {
                throw RuleViolation(.schema, "a denial carries no body.approvalNo, body.grams, body.validFrom or body.validTo")
            }
            event = .approvalStep(id, .decided(Decision(
                decision: outcome, decidedOn: decidedOn, approvalNo: approvalNo, grams: grams, validFrom: from, validTo: to, reason: reason)))
        case "approval.notified":
            let id = try r.string("applicationId")
            event = .approvalStep(id, .notified(notifiedOn: try r.date("notifiedOn")))
        case "whitelist.overquota.consented":
            let id = try r.string("applicationId")
            event = .approvalStep(id, .overquotaConsented(extraGrams: try r.int("extraGrams", min: 1)))
        case "whitelist.published":
            let year = try r.int("year", min: 2000)
            let listing = try provinceField(&r, "listingProvince")
            let counterpart = try provinceField(&r, "counterpartProvince")
            guard listing != counterpart else { throw r.fail("counterpartProvince", "must differ from listingProvince") }
            var entries: [WhitelistPublished.Entry] = []
            for (i, item) in try r.array("entries").enumerated() {
                var f = try FieldReader(item, path: "body.entries[\(i)]")
                entries.append(WhitelistPublished.Entry(
                    receiver: try f.string("receiver"), wasteCode: try f.string("wasteCode"), capGrams: try f.int("capGrams", min: 1),
                    methods: try f.stringArray("methods")))
                try f.finish()
            }
            event = .whitelistPublished(WhitelistPublished(year: Int(year), listingProvince: listing, counterpartProvince: counterpart, entries: entries))
        case "whitelist.confirmed":
            event = .whitelistChange(.confirmed(year: Int(try r.int("year", min: 2000)), listingProvince: try provinceField(&r, "listingProvince")))
        case "whitelist.suspended":
            event = .whitelistChange(.suspended(
                year: Int(try r.int("year", min: 2000)), listingProvince: try provinceField(&r, "listingProvince"),
                receiver: try r.string("receiver"), wasteCode: try r.optionalString("wasteCode"), reason: try r.string("reason")))
        case "manifest.filed":
            event = .manifestFiled(try decodeFiled(&r))
        default:
            let no = try r.string("manifestNo")
            let step: ManifestStep
            switch type {
            case "manifest.cancelled": step = .cancelled(reason: try r.string("reason"))
            case "manifest.pickedUp":
                step = .pickedUp(vehiclePlate: try r.string("vehiclePlate"), driver: try r.string("driver"), at: try r.instant("pickedUpAt"))
            case "manifest.handedOver":
                step = .handedOver(
                    fromCarrier: try r.string("fromCarrier"), vehiclePlate: try r.string("vehiclePlate"), driver: try r.string("driver"),
                    at: try r.instant("handedOverAt"))
            case "manifest.received":
                let at = try r.instant("deliveredAt")
                let method = try r.string("method")
                var lines: [ReceivedLine] = []
                for (i, item) in try r.array("lines").enumerated() {
                    var f = try FieldReader(item, path: "body.lines[\(i)]")
                    lines.append(ReceivedLine(line: Int(try f.int("line", min: 1)), grams: try f.int("grams"), rejectedGrams: try f.optionalInt("rejectedGrams") ?? 0))
                    try f.finish()
                }
                guard Set(lines.map(\.line)).count == lines.count else { throw r.fail("lines", "lists a line twice") }
                step = .received(deliveredAt: at, method: method, lines: lines, significantDiscrepancy: try r.bool("significantDiscrepancy"), note: try r.optionalString("note"))
            case "manifest.rejected":
                step = .rejected(deliveredAt: try r.instant("deliveredAt"), reason: try r.string("reason"))
            case "manifest.correction.proposed":
                let id = try r.string("correctionId")
                let reason = try r.string("reason")
                let method = try r.optionalString("method")
                var lines: [CorrectedLine]?
                if r.members["lines"] != nil {
                    lines = []
                    for (i, item) in try r.array("lines").enumerated() {
                        var f = try FieldReader(item, path: "body.lines[\(i)]")
                        lines!.append(CorrectedLine(line: Int(try f.int("line", min: 1)), grams: try f.int("grams")))
                        try f.finish()
                    }
                }
                guard method != nil || lines != nil else { throw RuleViolation(.schema, "a correction changes body.method or body.lines") }
                step = .correctionProposed(correctionId: id, reason: reason, method: method, lines: lines)
            case "manifest.correction.approved":
                step = .correctionApproved(correctionId: try r.string("correctionId"))
            default:
                throw RuleViolation(.schema, "submission.type \(type) is not an event type this ledger accepts")
            }
            event = .manifestStep(no, step)
        }
        try r.finish()
        return event
    }

    static func provinceField(_ r: inout FieldReader, _ field: String) throws(RuleViolation) -> String {
        let p = try r.string(field)
        guard Division.isProvinceCode(p) else { throw r.fail(field, "must be a province code like 510000, got \(p)") }
        return p
    }

    static func decodeFiled(_ r: inout FieldReader) throws(RuleViolation) -> ManifestFiled {
        let generator = try r.string("generator")
        let carriers = try r.stringArray("carriers")
        let receiver = try r.string("receiver")
        let pickup = try r.date("plannedPickup")
        let method = try r.string("method")
        var b = try FieldReader(try r.value("basis"), path: "body.basis")
        guard b.members.count == 1 else { throw RuleViolation(.schema, "body.basis must hold exactly one of approval, p2p, intraProvince") }
        let basis: Basis
        if b.members["approval"] != nil {
            basis = .approval(try b.string("approval"))
        } else if b.members["p2p"] != nil {
            basis = .p2p(try b.string("p2p"))
        } else if b.members["intraProvince"] != nil {
            guard try b.bool("intraProvince") else { throw b.fail("intraProvince", "must be true") }
            basis = .intraProvince
        } else {
            throw RuleViolation(.schema, "body.basis must hold exactly one of approval, p2p, intraProvince")
        }
        try b.finish()
        var lines: [ManifestLine] = []
        for (i, item) in try r.array("lines").enumerated() {
            var f = try FieldReader(item, path: "body.lines[\(i)]")
            let hazards = try f.stringArray("hazards", nonEmpty: false)
            for (j, h) in hazards.enumerated() where !ReferenceData.hazardCodes.contains(h) {
                throw f.fail("hazards[\(j)]", "is \(h), not one of T, C, I, R, In")
            }
            guard Set(hazards).count == hazards.count else { throw f.fail("hazards", "repeats a characteristic") }
            let components = try f.optionalString("components")
            if let components, !(1...ManifestLine.componentsMaxLength).contains(components.count) {
                throw f.fail("components", "must be 1 to \(ManifestLine.componentsMaxLength) characters (有害成分名称), got \(components.count)")
            }
            lines.append(ManifestLine(
                wasteCode: try f.string("wasteCode"), name: try f.string("name"), hazards: hazards, form: try f.string("form"),
                packaging: try f.string("packaging"), packages: try f.int("packages", min: 1), grams: try f.int("grams", min: 1),
                components: components))
            try f.finish()
        }
        guard Set(carriers).count == carriers.count else { throw r.fail("carriers", "lists a carrier twice") }
        let customId = try r.optionalString("customId")
        if let customId {
            guard !customId.isEmpty, customId.count <= ManifestFiled.customIdMaxLength else {
                throw r.fail("customId", "must be 1 to \(ManifestFiled.customIdMaxLength) characters, got \(customId.count)")
            }
        }
        var contact: EmergencyContact?
        if r.members["emergencyContact"] != nil {
            var c = try FieldReader(try r.value("emergencyContact"), path: "body.emergencyContact")
            let name = try c.string("name")
            let phone = try c.string("phone")
            try c.finish()
            guard !name.isEmpty, name.count <= 64 else { throw c.fail("name", "must be 1 to 64 characters (应急联系人), got \(name.count)") }
            guard EmergencyContact.isPhone(phone) else {
                throw c.fail("phone", "must be 5 to 20 characters of digits, spaces, + and - (应急联系电话), got \(phone)")
            }
            contact = EmergencyContact(name: name, phone: phone)
        }
        return ManifestFiled(
            generator: generator, carriers: carriers, receiver: receiver, plannedPickup: pickup, method: method, basis: basis,
            lines: lines, returnOf: try r.optionalString("returnOf"), customId: customId, emergencyContact: contact)
    }
}
