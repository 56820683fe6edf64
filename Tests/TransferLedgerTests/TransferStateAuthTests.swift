import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

private typealias P = TransferParty
private typealias B = TransferBody
private typealias T = TransferStep

/// R-STATE, R-AUTH, R-NOT-FOUND, R-DUPLICATE and R-SCHEMA on the transfer events (SPEC §2 intro, §2.2–§2.4, §5).
@Suite("Transfer state, authority, references, duplicates and shape")
struct TransferStateAuthTests {
    static func id(_ id: String) -> [String: JSONValue] { ["applicationId": .string(id)] }

    static func merge(_ a: [String: JSONValue], _ b: [String: JSONValue]) -> [String: JSONValue] { a.merging(b) { _, new in new } }

    /// A two-carrier intra-Sichuan manifest, filed.
    static func twoCarrierManifest(_ s: TransferScenario) throws -> String {
        try s.file(B.manifest(carriers: [P.carrier, P.carrier2]))
    }

    static func correction(_ no: String, _ cid: String = "C-1") -> [String: JSONValue] {
        ["manifestNo": .string(no), "correctionId": .string(cid), "reason": "称重误差", "lines": [["line": 1, "grams": 9_900_000]]]
    }

    // MARK: R-STATE

    static let state: [TransferCase] = [
        TransferCase(.state, "a second review", .rejected(.state)) { s in
            try s.apply("A-1")
            try s.review("A-1")
            return T("approval.reviewed", P.sc, merge(id("A-1"), ["opinion": "agree", "reviewedOn": "2025-03-05"]))
        },
        TransferCase(.state, "a first review", .appended) { s in
            try s.apply("A-1")
            return T("approval.reviewed", P.sc, merge(id("A-1"), ["opinion": "agree", "reviewedOn": "2025-03-05"]))
        },
        TransferCase(.state, "a review dated before the application", .rejected(.state)) { s in
            try s.apply("A-1", on: "2025-03-03")
            return T("approval.reviewed", P.sc, merge(id("A-1"), ["opinion": "agree", "reviewedOn": "2025-03-02"]))
        },
        TransferCase(.state, "a second decision", .rejected(.state)) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            return T("approval.decided", P.sc, B.denied("A-1", on: "2025-03-08"))
        },
        TransferCase(.state, "a double whitelist confirmation", .rejected(.state)) { s in
            try s.confirmedWhitelist()
            return T("whitelist.confirmed", P.sc, ["year": 2025, "listingProvince": "500000"])
        },
        TransferCase(.state, "a first whitelist confirmation", .appended) { s in
            try s.must("whitelist.published", P.cq, B.whitelist())
            return T("whitelist.confirmed", P.sc, ["year": 2025, "listingProvince": "500000"])
        },
        TransferCase(.state, "a second incomplete notice (一次性告知)", .rejected(.state)) { s in
            try s.apply("A-1")
            try s.must("approval.incomplete", P.sc, merge(id("A-1"), ["missing": ["经营许可证"], "notifiedOn": "2025-03-04"]))
            try s.must("approval.supplemented", P.generator, merge(id("A-1"), ["supplementedOn": "2025-03-05"]))
            return T("approval.incomplete", P.sc, merge(id("A-1"), ["missing": ["转移计划"], "notifiedOn": "2025-03-06"]))
        },
        TransferCase(.state, "a first incomplete notice", .appended) { s in
            try s.apply("A-1")
            return T("approval.incomplete", P.sc, merge(id("A-1"), ["missing": ["经营许可证"], "notifiedOn": "2025-03-04"]))
        },
        TransferCase(.state, "a supplement without an incomplete notice", .rejected(.state)) { s in
            try s.apply("A-1")
            return T("approval.supplemented", P.generator, merge(id("A-1"), ["supplementedOn": "2025-03-05"]))
        },
        TransferCase(.state, "receiving before pickup", .rejected(.state)) { s in
            let no = try s.file()
            return T("manifest.received", P.scReceiver, B.received(no))
        },
        TransferCase(.state, "receiving after pickup", .appended) { s in
            let no = try s.file()
            try s.pickUp(no)
            return T("manifest.received", P.scReceiver, B.received(no))
        },
        TransferCase(.state, "rejecting the whole load before pickup", .rejected(.state)) { s in
            let no = try s.file()
            return T("manifest.rejected", P.scReceiver, ["manifestNo": .string(no), "deliveredAt": "2025-03-12T08:00:00Z", "reason": "x"])
        },
        TransferCase(.state, "cancelling after pickup", .rejected(.state)) { s in
            let no = try s.file()
            try s.pickUp(no)
            return T("manifest.cancelled", P.generator, ["manifestNo": .string(no), "reason": "计划变更"])
        },
        TransferCase(.state, "cancelling before pickup", .appended) { s in
            let no = try s.file()
            return T("manifest.cancelled", P.generator, ["manifestNo": .string(no), "reason": "计划变更"])
        },
        TransferCase(.state, "picking up a cancelled manifest", .rejected(.state)) { s in
            let no = try s.file()
            try s.must("manifest.cancelled", P.generator, ["manifestNo": .string(no), "reason": "计划变更"])
            return T("manifest.pickedUp", P.carrier, B.pickedUp(no))
        },
        TransferCase(.state, "a receipt dated one second before the pickup", .rejected(.state)) { s in
            let no = try s.file()
            try s.pickUp(no, at: "2025-03-12T01:00:00Z")
            return T("manifest.received", P.scReceiver, B.received(no, at: "2025-03-12T00:59:59Z"))
        },
        TransferCase(.state, "a receipt dated before the last handover", .rejected(.state)) { s in
            let no = try twoCarrierManifest(s)
            try s.pickUp(no, at: "2025-03-12T01:00:00Z")
            try s.must("manifest.handedOver", P.carrier2, B.handedOver(no, from: P.carrier, at: "2025-03-12T05:00:00Z"))
            return T("manifest.received", P.scReceiver, B.received(no, at: "2025-03-12T04:00:00Z"))
        },
        TransferCase(.state, "a receipt dated at the pickup instant", .appended) { s in
            let no = try s.file()
            try s.pickUp(no, at: "2025-03-12T01:00:00Z")
            return T("manifest.received", P.scReceiver, B.received(no, at: "2025-03-12T01:00:00Z"))
        },
        TransferCase(.state, "a second approval of the same correction by the same party", .rejected(.state)) { s in
            let no = try s.deliveredManifest()
            try s.must("manifest.correction.proposed", P.scReceiver, correction(no))
            try s.must("manifest.correction.approved", P.generator, ["manifestNo": .string(no), "correctionId": "C-1"])
            return T("manifest.correction.approved", P.generator, ["manifestNo": .string(no), "correctionId": "C-1"])
        },
        TransferCase(.state, "the approval of the correction by the other party", .appended) { s in
            let no = try s.deliveredManifest()
            try s.must("manifest.correction.proposed", P.scReceiver, correction(no))
            try s.must("manifest.correction.approved", P.generator, ["manifestNo": .string(no), "correctionId": "C-1"])
            return T("manifest.correction.approved", P.carrier, ["manifestNo": .string(no), "correctionId": "C-1"])
        },
        TransferCase(.state, "a correction before receipt", .rejected(.state)) { s in
            let no = try s.file()
            try s.pickUp(no)
            return T("manifest.correction.proposed", P.generator, correction(no))
        },
    ]

    @Test("R-STATE: well-formed events in a state that forbids them, and steps dated before the step they follow", arguments: state)
    func stateRule(_ c: TransferCase) throws { try c.check() }

    // MARK: R-AUTH

    static let auth: [TransferCase] = [
        TransferCase(.auth, "approval.applied by a carrier on the generator's behalf", .rejected(.auth)) { _ in
            T("approval.applied", P.carrier, B.applied("A-1"))
        },
        TransferCase(.auth, "approval.applied to a receiver that lacks the receiver role", .rejected(.auth)) { _ in
            T("approval.applied", P.generator, B.applied("A-1", receiver: P.notReceiver))
        },
        TransferCase(.auth, "approval.applied by the generator to a receiver", .appended) { _ in
            T("approval.applied", P.generator, B.applied("A-1"))
        },
        TransferCase(.auth, "approval.incomplete by the destination regulator", .rejected(.auth)) { s in
            try s.apply("A-1")
            return T("approval.incomplete", P.cq, merge(id("A-1"), ["missing": ["x"], "notifiedOn": "2025-03-04"]))
        },
        TransferCase(.auth, "approval.supplemented by the receiver", .rejected(.auth)) { s in
            try s.apply("A-1")
            try s.must("approval.incomplete", P.sc, merge(id("A-1"), ["missing": ["x"], "notifiedOn": "2025-03-04"]))
            return T("approval.supplemented", P.receiver, merge(id("A-1"), ["supplementedOn": "2025-03-05"]))
        },
        TransferCase(.auth, "approval.reviewed by the destination regulator", .rejected(.auth)) { s in
            try s.apply("A-1")
            return T("approval.reviewed", P.cq, merge(id("A-1"), ["opinion": "agree", "reviewedOn": "2025-03-04"]))
        },
        TransferCase(.auth, "approval.reviewed by the origin regulator", .appended) { s in
            try s.apply("A-1")
            return T("approval.reviewed", P.sc, merge(id("A-1"), ["opinion": "agree", "reviewedOn": "2025-03-04"]))
        },
        TransferCase(.auth, "approval.consultation.requested by the destination regulator", .rejected(.auth)) { s in
            try s.apply("A-1")
            try s.review("A-1")
            return T("approval.consultation.requested", P.cq, merge(id("A-1"), ["requestedOn": "2025-03-05"]))
        },
        TransferCase(.auth, "approval.consultation.replied by the origin regulator", .rejected(.auth)) { s in
            try s.apply("A-1")
            try s.review("A-1")
            try s.requestConsultation("A-1")
            return T("approval.consultation.replied", P.sc, merge(id("A-1"), ["opinion": "agree", "repliedOn": "2025-03-06"]))
        },
        TransferCase(.auth, "approval.consultation.replied by the destination regulator", .appended) { s in
            try s.apply("A-1")
            try s.review("A-1")
            try s.requestConsultation("A-1")
            return T("approval.consultation.replied", P.cq, merge(id("A-1"), ["opinion": "agree", "repliedOn": "2025-03-06"]))
        },
        TransferCase(.auth, "approval.decided by the destination regulator", .rejected(.auth)) { s in
            try s.apply("A-1")
            try s.fullRouteUpToDecision("A-1")
            return T("approval.decided", P.cq, B.approved("A-1", no: "N-1"))
        },
        TransferCase(.auth, "approval.decided by the generator", .rejected(.auth)) { s in
            try s.apply("A-1")
            try s.fullRouteUpToDecision("A-1")
            return T("approval.decided", P.generator, B.approved("A-1", no: "N-1"))
        },
        TransferCase(.auth, "approval.notified by the destination regulator", .rejected(.auth)) { s in
            try s.approveByWhitelist("A-1", no: "N-1")
            return T("approval.notified", P.cq, merge(id("A-1"), ["notifiedOn": "2025-03-08"]))
        },
        TransferCase(.auth, "whitelist.overquota.consented by the origin regulator", .rejected(.auth)) { s in
            try s.confirmedWhitelist()
            try s.apply("A-1", grams: 25 * P.t, to: "2025-12-31")
            return T("whitelist.overquota.consented", P.sc, merge(id("A-1"), ["extraGrams": .int(5 * P.t)]))
        },
        TransferCase(.auth, "whitelist.overquota.consented by the listing regulator", .appended) { s in
            try s.confirmedWhitelist()
            try s.apply("A-1", grams: 25 * P.t, to: "2025-12-31")
            return T("whitelist.overquota.consented", P.cq, merge(id("A-1"), ["extraGrams": .int(5 * P.t)]))
        },
        TransferCase(.auth, "whitelist.published for Chongqing by the Sichuan regulator", .rejected(.auth)) { _ in
            T("whitelist.published", P.sc, B.whitelist())
        },
        TransferCase(.auth, "whitelist.published listing a receiver of the other province", .rejected(.auth)) { _ in
            T("whitelist.published", P.cq, B.whitelist(receiver: P.scReceiver))
        },
        TransferCase(.auth, "whitelist.published listing an enterprise that lacks the receiver role", .rejected(.auth)) { _ in
            T("whitelist.published", P.cq, B.whitelist(receiver: P.notReceiver))
        },
        TransferCase(.auth, "whitelist.confirmed by the listing regulator itself", .rejected(.auth)) { s in
            try s.must("whitelist.published", P.cq, B.whitelist())
            return T("whitelist.confirmed", P.cq, ["year": 2025, "listingProvince": "500000"])
        },
        TransferCase(.auth, "whitelist.suspended by the counterpart regulator", .rejected(.auth)) { s in
            try s.confirmedWhitelist()
            return T("whitelist.suspended", P.sc, ["year": 2025, "listingProvince": "500000", "receiver": .string(P.receiver), "reason": "x"])
        },
        TransferCase(.auth, "whitelist.suspended by the listing regulator", .appended) { s in
            try s.confirmedWhitelist()
            return T("whitelist.suspended", P.cq, ["year": 2025, "listingProvince": "500000", "receiver": .string(P.receiver), "reason": "x"])
        },
        TransferCase(.auth, "permit.issued to a Chongqing receiver by the Sichuan regulator", .rejected(.auth)) { _ in
            T("permit.issued", P.sc, B.permit("SC-HW-X", holder: P.receiver2))
        },
        TransferCase(.auth, "an operating permit for an enterprise without the receiver role", .rejected(.auth)) { _ in
            T("permit.issued", P.sc, B.permit("SC-HW-X", holder: P.outsider))
        },
        TransferCase(.auth, "manifest.filed by a carrier for the generator", .rejected(.auth)) { _ in
            T("manifest.filed", P.carrier, B.manifest())
        },
        TransferCase(.auth, "manifest.filed to a receiver that lacks the receiver role", .rejected(.auth)) { _ in
            T("manifest.filed", P.generator, B.manifest(receiver: P.outsider))
        },
        TransferCase(.auth, "manifest.filed listing a carrier that is not registered as carrier", .rejected(.auth)) { _ in
            T("manifest.filed", P.generator, B.manifest(carriers: [P.outsider]))
        },
        TransferCase(.auth, "manifest.filed by a generator that lacks the generator role", .rejected(.auth)) { _ in
            T("manifest.filed", P.carrier, B.manifest(generator: P.carrier))
        },
        TransferCase(.auth, "manifest.cancelled by the receiver", .rejected(.auth)) { s in
            let no = try s.file()
            return T("manifest.cancelled", P.scReceiver, ["manifestNo": .string(no), "reason": "x"])
        },
        TransferCase(.auth, "manifest.pickedUp by the second listed carrier", .rejected(.auth)) { s in
            let no = try twoCarrierManifest(s)
            return T("manifest.pickedUp", P.carrier2, B.pickedUp(no))
        },
        TransferCase(.auth, "manifest.pickedUp by the first listed carrier", .appended) { s in
            let no = try twoCarrierManifest(s)
            return T("manifest.pickedUp", P.carrier, B.pickedUp(no))
        },
        TransferCase(.auth, "manifest.handedOver by the first carrier", .rejected(.auth)) { s in
            let no = try twoCarrierManifest(s)
            try s.pickUp(no)
            return T("manifest.handedOver", P.carrier, B.handedOver(no, from: P.carrier))
        },
        TransferCase(.auth, "manifest.handedOver by a carrier not listed", .rejected(.auth)) { s in
            let no = try s.file()
            try s.pickUp(no)
            return T("manifest.handedOver", P.carrier2, B.handedOver(no, from: P.carrier))
        },
        TransferCase(.auth, "manifest.handedOver by the next listed carrier", .appended) { s in
            let no = try twoCarrierManifest(s)
            try s.pickUp(no)
            return T("manifest.handedOver", P.carrier2, B.handedOver(no, from: P.carrier))
        },
        TransferCase(.auth, "manifest.received by the generator", .rejected(.auth)) { s in
            let no = try s.file()
            try s.pickUp(no)
            return T("manifest.received", P.generator, B.received(no))
        },
        TransferCase(.auth, "manifest.received by the carrier", .rejected(.auth)) { s in
            let no = try s.file()
            try s.pickUp(no)
            return T("manifest.received", P.carrier, B.received(no))
        },
        TransferCase(.auth, "manifest.rejected by the carrier", .rejected(.auth)) { s in
            let no = try s.file()
            try s.pickUp(no)
            return T("manifest.rejected", P.carrier, ["manifestNo": .string(no), "deliveredAt": "2025-03-12T08:00:00Z", "reason": "x"])
        },
        TransferCase(.auth, "manifest.correction.proposed by a non-party", .rejected(.auth)) { s in
            let no = try s.deliveredManifest()
            return T("manifest.correction.proposed", P.outsider, correction(no))
        },
        TransferCase(.auth, "manifest.correction.proposed by a listed carrier that never took over", .rejected(.auth)) { s in
            let no = try twoCarrierManifest(s)
            try s.pickUp(no)
            try s.receive(no)
            return T("manifest.correction.proposed", P.carrier2, correction(no))
        },
        TransferCase(.auth, "manifest.correction.proposed by the receiver", .appended) { s in
            let no = try s.deliveredManifest()
            return T("manifest.correction.proposed", P.scReceiver, correction(no))
        },
        TransferCase(.auth, "manifest.correction.approved by its proposer", .rejected(.auth)) { s in
            let no = try s.deliveredManifest()
            try s.must("manifest.correction.proposed", P.scReceiver, correction(no))
            return T("manifest.correction.approved", P.scReceiver, ["manifestNo": .string(no), "correctionId": "C-1"])
        },
        TransferCase(.auth, "manifest.correction.approved by a non-party", .rejected(.auth)) { s in
            let no = try s.deliveredManifest()
            try s.must("manifest.correction.proposed", P.scReceiver, correction(no))
            return T("manifest.correction.approved", P.outsider, ["manifestNo": .string(no), "correctionId": "C-1"])
        },
    ]

    @Test("R-AUTH: only the actor of SPEC §5 may emit each step; referenced enterprises hold the needed role", arguments: auth)
    func authRule(_ c: TransferCase) throws { try c.check() }

    // MARK: R-NOT-FOUND

    static let notFound: [TransferCase] = [
        TransferCase(.notFound, "a review of an unknown application", .rejected(.notFound)) { _ in
            T("approval.reviewed", P.sc, merge(id("A-NONE"), ["opinion": "agree", "reviewedOn": "2025-03-04"]))
        },
        TransferCase(.notFound, "a manifest under an unknown approval number", .rejected(.notFound)) { _ in
            T("manifest.filed", P.generator, B.manifest(receiver: P.receiver, basis: ["approval": "NO-SUCH-APPROVAL"]))
        },
        TransferCase(.notFound, "a manifest under the id of an application that was denied (no approval number)", .rejected(.notFound)) { s in
            try s.apply("A-1")
            try s.fullRouteUpToDecision("A-1")
            try s.must("approval.decided", P.sc, B.denied("A-1"))
            return T("manifest.filed", P.generator, B.manifest(receiver: P.receiver, basis: ["approval": "A-1"]))
        },
        TransferCase(.notFound, "a pickup of an unknown manifest", .rejected(.notFound)) { _ in
            T("manifest.pickedUp", P.carrier, B.pickedUp("20255101999999"))
        },
        TransferCase(.notFound, "a return of an unknown manifest", .rejected(.notFound)) { _ in
            T("manifest.filed", P.scReceiver, B.manifest(generator: P.scReceiver, receiver: P.generator, returnOf: "20255101999999"))
        },
        TransferCase(.notFound, "an approval of an unknown correction", .rejected(.notFound)) { s in
            let no = try s.deliveredManifest()
            try s.must("manifest.correction.proposed", P.scReceiver, correction(no))
            return T("manifest.correction.approved", P.generator, ["manifestNo": .string(no), "correctionId": "C-NONE"])
        },
        TransferCase(.notFound, "an application naming an unregistered receiver", .rejected(.notFound)) { _ in
            T("approval.applied", P.generator, B.applied("A-1", receiver: TestKeys.uscc(division: "500101", serial: 999)))
        },
        TransferCase(.notFound, "a confirmation of an unpublished whitelist", .rejected(.notFound)) { _ in
            T("whitelist.confirmed", P.sc, ["year": 2025, "listingProvince": "500000"])
        },
        TransferCase(.notFound, "existing application, approval number, manifest and correction", .appended) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            let m = try s.file(B.manifest(receiver: P.receiver, basis: ["approval": "N-1"]))
            try s.pickUp(m)
            try s.receive(m, by: P.receiver)
            try s.must("manifest.correction.proposed", P.receiver, correction(m))
            return T("manifest.correction.approved", P.generator, ["manifestNo": .string(m), "correctionId": "C-1"])
        },
    ]

    @Test("R-NOT-FOUND: references to applications, approvals, manifests and corrections that do not exist", arguments: notFound)
    func notFoundRule(_ c: TransferCase) throws { try c.check() }

    // MARK: R-DUPLICATE

    static let duplicate: [TransferCase] = [
        TransferCase(.duplicate, "an application id used twice", .rejected(.duplicate)) { s in
            try s.apply("A-1")
            return T("approval.applied", P.generator, B.applied("A-1", grams: 3 * P.t))
        },
        TransferCase(.duplicate, "a new application id", .appended) { s in
            try s.apply("A-1")
            return T("approval.applied", P.generator, B.applied("A-2", grams: 3 * P.t))
        },
        TransferCase(.duplicate, "an approval number used twice", .rejected(.duplicate)) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            try s.apply("A-2")
            try s.fullRouteUpToDecision("A-2")
            return T("approval.decided", P.sc, B.approved("A-2", no: "N-1"))
        },
        TransferCase(.duplicate, "a new approval number", .appended) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            try s.apply("A-2")
            try s.fullRouteUpToDecision("A-2")
            return T("approval.decided", P.sc, B.approved("A-2", no: "N-2"))
        },
        TransferCase(.duplicate, "a permit number issued twice", .rejected(.duplicate)) { _ in
            T("permit.issued", P.cq, B.permit("CQ-HW-001", holder: P.receiver2))
        },
        TransferCase(.duplicate, "a new permit number", .appended) { _ in
            T("permit.issued", P.cq, B.permit("CQ-HW-002", holder: P.receiver2))
        },
        TransferCase(.duplicate, "a second 2025 whitelist of Chongqing", .rejected(.duplicate)) { s in
            try s.must("whitelist.published", P.cq, B.whitelist(year: 2025))
            return T("whitelist.published", P.cq, B.whitelist(year: 2025, cap: 30 * P.t))
        },
        TransferCase(.duplicate, "the 2026 whitelist after the 2025 one", .appended) { s in
            try s.must("whitelist.published", P.cq, B.whitelist(year: 2025))
            return T("whitelist.published", P.cq, B.whitelist(year: 2026))
        },
        TransferCase(.duplicate, "a correction id used twice on a manifest", .rejected(.duplicate)) { s in
            let no = try s.deliveredManifest()
            try s.must("manifest.correction.proposed", P.scReceiver, correction(no))
            return T("manifest.correction.proposed", P.generator, correction(no))
        },
    ]

    @Test("R-DUPLICATE: application ids, approval numbers, permit numbers and whitelist years are unique", arguments: duplicate)
    func duplicateRule(_ c: TransferCase) throws { try c.check() }

    // MARK: R-SCHEMA

    static func receivedLines(_ no: String, _ lines: [Int64]) -> [String: JSONValue] {
        B.received(no, lines: lines.map { ($0, 5 * P.t, 0) })
    }

    static func twoLineManifestPickedUp(_ s: TransferScenario) throws -> String {
        let no = try s.file(B.manifest(lines: [B.line(grams: 5 * P.t), B.line(P.code2, grams: 5 * P.t)]))
        try s.pickUp(no)
        return no
    }

    static let schema: [TransferCase] = [
        TransferCase(.schema, "a transport permit with wasteCodes", .rejected(.schema)) { _ in
            var b = B.transportPermit("SC-YS-009", holder: P.carrierNoPermit)
            b["wasteCodes"] = [.string(P.code)]
            return T("permit.issued", P.sc, b)
        },
        TransferCase(.schema, "a transport permit with capacityGrams", .rejected(.schema)) { _ in
            var b = B.transportPermit("SC-YS-009", holder: P.carrierNoPermit)
            b["capacityGrams"] = 1000
            return T("permit.issued", P.sc, b)
        },
        TransferCase(.schema, "a transport permit without codes, methods or capacity", .appended) { _ in
            T("permit.issued", P.sc, B.transportPermit("SC-YS-009", holder: P.carrierNoPermit))
        },
        TransferCase(.schema, "an operating permit without capacityGrams", .rejected(.schema)) { _ in
            T("permit.issued", P.cq, B.permit("CQ-HW-009", holder: P.receiver2, capacity: nil))
        },
        TransferCase(.schema, "an operating permit without methods", .rejected(.schema)) { _ in
            T("permit.issued", P.cq, B.permit("CQ-HW-009", holder: P.receiver2, methods: nil))
        },
        TransferCase(.schema, "an operating permit with codes, methods and capacity", .appended) { _ in
            T("permit.issued", P.cq, B.permit("CQ-HW-009", holder: P.receiver2))
        },
        TransferCase(.schema, "a receipt missing line 2", .rejected(.schema)) { s in
            let no = try twoLineManifestPickedUp(s)
            return T("manifest.received", P.scReceiver, receivedLines(no, [1]))
        },
        TransferCase(.schema, "a receipt listing line 1 twice", .rejected(.schema)) { s in
            let no = try twoLineManifestPickedUp(s)
            return T("manifest.received", P.scReceiver, receivedLines(no, [1, 1]))
        },
        TransferCase(.schema, "a receipt listing a line 3 of a two-line manifest", .rejected(.schema)) { s in
            let no = try twoLineManifestPickedUp(s)
            return T("manifest.received", P.scReceiver, receivedLines(no, [1, 2, 3]))
        },
        TransferCase(.schema, "a receipt listing both lines once, in any order", .appended) { s in
            let no = try twoLineManifestPickedUp(s)
            return T("manifest.received", P.scReceiver, receivedLines(no, [2, 1]))
        },
        TransferCase(.schema, "a basis with two keys", .rejected(.schema)) { _ in
            T("manifest.filed", P.generator, B.manifest(basis: ["intraProvince": true, "approval": "N-1"]))
        },
        TransferCase(.schema, "an empty basis", .rejected(.schema)) { _ in
            T("manifest.filed", P.generator, B.manifest(basis: [:]))
        },
        TransferCase(.schema, "basis intraProvince false", .rejected(.schema)) { _ in
            T("manifest.filed", P.generator, B.manifest(basis: ["intraProvince": false]))
        },
        TransferCase(.schema, "an unknown hazard characteristic", .rejected(.schema)) { _ in
            T("manifest.filed", P.generator, B.manifest(lines: [B.line(hazards: ["T", "X"])]))
        },
        TransferCase(.schema, "hazards in lower case", .rejected(.schema)) { _ in
            T("manifest.filed", P.generator, B.manifest(lines: [B.line(hazards: ["t"])]))
        },
        TransferCase(.schema, "a manifest with one basis key and hazards T, C, I, R, In", .appended) { _ in
            T("manifest.filed", P.generator, B.manifest(lines: [B.line(hazards: ["T", "C", "I", "R", "In"])]))
        },
        TransferCase(.schema, "an approving decision without approvalNo", .rejected(.schema)) { s in
            try s.apply("A-1")
            try s.fullRouteUpToDecision("A-1")
            var b = B.approved("A-1", no: "N-1")
            b["approvalNo"] = nil
            return T("approval.decided", P.sc, b)
        },
        TransferCase(.schema, "a manifest.filed with an unknown field", .rejected(.schema)) { _ in
            var b = B.manifest()
            b["manifestNo"] = "20255101000001"
            return T("manifest.filed", P.generator, b)
        },
    ]

    @Test("R-SCHEMA: malformed transfer events", arguments: schema)
    func schemaRule(_ c: TransferCase) throws { try c.check() }
}
