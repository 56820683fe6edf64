import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

private typealias P = TransferParty
private typealias B = TransferBody

/// Rules at filing (SPEC §2.4): R-APPROVAL-MISSING, -MISMATCH, -EXPIRED, -QUOTA, R-PERMIT, R-CARRIER-PERMIT, R-RETURN.
@Suite("Manifest filing rules")
struct ManifestRuleTests {
    static func filed(_ body: [String: JSONValue], by actor: String? = nil) -> TransferStep {
        TransferStep("manifest.filed", actor ?? body["generator"]!.stringValue!, body)
    }

    /// A manifest under approval N-1 (generator → Chongqing receiver, 900-052-31, R4).
    static func underApproval(
        grams: Int64 = 10 * P.t, pickup: String = "2025-03-12", method: String = "R4", code: String = P.code, receiver: String = P.receiver,
        generator: String = P.generator
    ) -> [String: JSONValue] {
        B.manifest(generator: generator, receiver: receiver, pickup: pickup, method: method, basis: ["approval": "N-1"], lines: [B.line(code, grams: grams)])
    }

    // MARK: R-APPROVAL-MISSING

    static let missing: [TransferCase] = [
        TransferCase(.approvalMissing, "a cross-province manifest with basis intraProvince", .rejected(.approvalMissing)) { _ in
            filed(B.manifest(receiver: P.receiver))
        },
        TransferCase(.approvalMissing, "a same-province manifest with basis intraProvince", .appended) { _ in
            filed(B.manifest(receiver: P.scReceiver))
        },
        TransferCase(.approvalMissing, "a cross-province manifest under an approval", .appended) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            return filed(underApproval())
        },
    ]

    @Test("R-APPROVAL-MISSING: a cross-province manifest needs a basis", arguments: missing)
    func approvalMissing(_ c: TransferCase) throws { try c.check() }

    // MARK: R-APPROVAL-MISMATCH

    static let mismatch: [TransferCase] = [
        TransferCase(.approvalMismatch, "a method other than the approval's (D10 for R4)", .rejected(.approvalMismatch)) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            return filed(underApproval(method: "D10"))
        },
        TransferCase(.approvalMismatch, "a waste code other than the approval's", .rejected(.approvalMismatch)) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            return filed(underApproval(code: P.code2))
        },
        TransferCase(.approvalMismatch, "a receiver other than the approval's", .rejected(.approvalMismatch)) { s in
            try s.must("permit.issued", P.cq, B.permit("CQ-HW-009", holder: P.receiver2))
            try s.approveFullRoute("A-1", no: "N-1")
            return filed(underApproval(receiver: P.receiver2))
        },
        TransferCase(.approvalMismatch, "a generator other than the approval's", .rejected(.approvalMismatch)) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            return filed(underApproval(generator: P.generator2))
        },
        TransferCase(.approvalMismatch, "generator, receiver, code and method as approved", .appended) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            return filed(underApproval())
        },
    ]

    @Test("R-APPROVAL-MISMATCH: the manifest matches its approval", arguments: mismatch)
    func approvalMismatch(_ c: TransferCase) throws { try c.check() }

    // MARK: R-APPROVAL-EXPIRED

    static let expired: [TransferCase] = [
        TransferCase(.approvalExpired, "pickup the day after the validity (2026-01-01)", .rejected(.approvalExpired)) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            return filed(underApproval(pickup: "2026-01-01"))
        },
        TransferCase(.approvalExpired, "pickup the day before the validity (2025-03-09)", .rejected(.approvalExpired)) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            return filed(underApproval(pickup: "2025-03-09"))
        },
        TransferCase(.approvalExpired, "pickup on the last day of validity (2025-12-31)", .appended) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            return filed(underApproval(pickup: "2025-12-31"))
        },
        TransferCase(.approvalExpired, "pickup on the first day of validity (2025-03-10)", .appended) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            return filed(underApproval(pickup: "2025-03-10"))
        },
    ]

    @Test("R-APPROVAL-EXPIRED: the planned pickup lies within the approval's validity", arguments: expired)
    func approvalExpired(_ c: TransferCase) throws { try c.check() }

    // MARK: R-APPROVAL-QUOTA

    static let quota: [TransferCase] = [
        TransferCase(.approvalQuota, "5 t after 6 t of a 10 t approval", .rejected(.approvalQuota)) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            try s.file(underApproval(grams: 6 * P.t))
            return filed(underApproval(grams: 5 * P.t))
        },
        TransferCase(.approvalQuota, "a single manifest over the approval (two lines of 6 t)", .rejected(.approvalQuota)) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            var body = underApproval()
            body["lines"] = [B.line(grams: 6 * P.t), B.line(grams: 6 * P.t)]
            return filed(body)
        },
        TransferCase(.approvalQuota, "the 4 t left after 6 t", .appended) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            try s.file(underApproval(grams: 6 * P.t))
            return filed(underApproval(grams: 4 * P.t))
        },
        TransferCase(.approvalQuota, "10 t after a 6 t manifest was cancelled (its grams released)", .appended) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            let no = try s.file(underApproval(grams: 6 * P.t))
            try s.must("manifest.cancelled", P.generator, ["manifestNo": .string(no), "reason": "计划变更"])
            return filed(underApproval(grams: 10 * P.t))
        },
        TransferCase(.approvalQuota, "a picked-up manifest's grams stay charged", .rejected(.approvalQuota)) { s in
            try s.approveFullRoute("A-1", no: "N-1")
            let no = try s.file(underApproval(grams: 6 * P.t))
            try s.pickUp(no)
            return filed(underApproval(grams: 5 * P.t))
        },
    ]

    @Test("R-APPROVAL-QUOTA: grams fit approved − filed, cancelled manifests released", arguments: quota)
    func approvalQuota(_ c: TransferCase) throws { try c.check() }

    // MARK: R-PERMIT

    static let permit: [TransferCase] = [
        TransferCase(.permit, "a receiver with no operating permit", .rejected(.permit)) { _ in
            filed(B.manifest(receiver: P.scReceiver2))
        },
        TransferCase(.permit, "a pickup after the permit expired (2027-01-04, permit to 2026-12-31)", .rejected(.permit)) { _ in
            filed(B.manifest(pickup: "2027-01-04"))
        },
        TransferCase(.permit, "a pickup before the permit's validFrom", .rejected(.permit)) { _ in
            filed(B.manifest(pickup: "2024-12-31"))
        },
        TransferCase(.permit, "a waste code the permit does not cover", .rejected(.permit)) { _ in
            filed(B.manifest(lines: [B.line(P.code), B.line(P.uncoveredCode)]))
        },
        TransferCase(.permit, "a method the permit does not cover (D1)", .rejected(.permit)) { _ in
            filed(B.manifest(method: "D1"))
        },
        TransferCase(.permit, "a covered code and method on the last day of the permit", .appended) { _ in
            filed(B.manifest(pickup: "2026-12-31", method: "D10", lines: [B.line(P.code), B.line(P.code2)]))
        },
    ]

    @Test("R-PERMIT: the receiver's operating permit is valid on the pickup and covers code and method", arguments: permit)
    func receiverPermit(_ c: TransferCase) throws { try c.check() }

    // MARK: R-CARRIER-PERMIT

    static let carrierPermit: [TransferCase] = [
        TransferCase(.carrierPermit, "a carrier without a transport permit", .rejected(.carrierPermit)) { _ in
            filed(B.manifest(carriers: [P.carrierNoPermit]))
        },
        TransferCase(.carrierPermit, "a second carrier without a transport permit", .rejected(.carrierPermit)) { _ in
            filed(B.manifest(carriers: [P.carrier, P.carrierNoPermit]))
        },
        TransferCase(.carrierPermit, "a carrier whose transport permit expired before the pickup", .rejected(.carrierPermit)) { s in
            try s.must("permit.issued", P.sc, B.transportPermit("SC-YS-002", holder: P.carrierNoPermit, from: "2024-01-01", to: "2025-03-11"))
            return filed(B.manifest(carriers: [P.carrierNoPermit], pickup: "2025-03-12"))
        },
        TransferCase(.carrierPermit, "an operating permit is not a transport permit", .rejected(.carrierPermit)) { s in
            try s.register(TestKeys.uscc(division: "510100", serial: 404), "510100", ["carrier", "receiver"])
            try s.must("permit.issued", P.sc, B.permit("SC-HW-404", holder: TestKeys.uscc(division: "510100", serial: 404)))
            return filed(B.manifest(carriers: [TestKeys.uscc(division: "510100", serial: 404)]))
        },
        TransferCase(.carrierPermit, "two carriers of both provinces with valid transport permits", .appended) { _ in
            filed(B.manifest(carriers: [P.carrier, P.carrier2]))
        },
    ]

    @Test("R-CARRIER-PERMIT: every listed carrier holds a transport permit valid on the pickup", arguments: carrierPermit)
    func carrierPermits(_ c: TransferCase) throws { try c.check() }

    // MARK: R-RETURN

    /// A return of `grams` of an original manifest (scReceiver → generator).
    static func returnBody(of no: String, grams: Int64, code: String = P.code) -> [String: JSONValue] {
        B.manifest(generator: P.scReceiver, receiver: P.generator, pickup: "2025-03-14", lines: [B.line(code, grams: grams)], returnOf: no)
    }

    static let returns: [TransferCase] = [
        TransferCase(.returnExceeds, "3 t returned of 2 t rejected", .rejected(.returnExceeds)) { s in
            let no = try s.deliveredManifest(receivedGrams: 8 * P.t, rejected: 2 * P.t)
            return filed(returnBody(of: no, grams: 3 * P.t))
        },
        TransferCase(.returnExceeds, "two returns of 1.5 t and 1 t against 2 t rejected", .rejected(.returnExceeds)) { s in
            let no = try s.deliveredManifest(receivedGrams: 8 * P.t, rejected: 2 * P.t)
            try s.file(returnBody(of: no, grams: 1_500_000))
            return filed(returnBody(of: no, grams: 1 * P.t))
        },
        TransferCase(.returnExceeds, "a return of a code that was not rejected", .rejected(.returnExceeds)) { s in
            let no = try s.deliveredManifest(receivedGrams: 8 * P.t, rejected: 2 * P.t)
            return filed(returnBody(of: no, grams: 1 * P.t, code: P.code2))
        },
        TransferCase(.returnExceeds, "a return of a manifest received without rejection", .rejected(.returnExceeds)) { s in
            let no = try s.deliveredManifest()
            return filed(returnBody(of: no, grams: 1))
        },
        TransferCase(.returnExceeds, "exactly the 2 t rejected", .appended) { s in
            let no = try s.deliveredManifest(receivedGrams: 8 * P.t, rejected: 2 * P.t)
            return filed(returnBody(of: no, grams: 2 * P.t))
        },
        TransferCase(.returnExceeds, "1.5 t then the 0.5 t left", .appended) { s in
            let no = try s.deliveredManifest(receivedGrams: 8 * P.t, rejected: 2 * P.t)
            try s.file(returnBody(of: no, grams: 1_500_000))
            return filed(returnBody(of: no, grams: 500_000))
        },
        TransferCase(.returnExceeds, "2 t after a cancelled return of 1.5 t", .appended) { s in
            let no = try s.deliveredManifest(receivedGrams: 8 * P.t, rejected: 2 * P.t)
            let r = try s.file(returnBody(of: no, grams: 1_500_000))
            try s.must("manifest.cancelled", P.scReceiver, ["manifestNo": .string(r), "reason": "改期"])
            return filed(returnBody(of: no, grams: 2 * P.t))
        },
        TransferCase(.returnExceeds, "the whole load of a rejected manifest", .appended) { s in
            let no = try s.file()
            try s.pickUp(no)
            try s.must("manifest.rejected", P.scReceiver, ["manifestNo": .string(no), "deliveredAt": "2025-03-12T08:00:00Z", "reason": "包装破损"])
            return filed(returnBody(of: no, grams: 10 * P.t))
        },
    ]

    @Test("R-RETURN: returns per code do not exceed the grams rejected, all returns counted together", arguments: returns)
    func returnLimits(_ c: TransferCase) throws { try c.check() }

    @Test("a cross-province return needs no approval grams, receiver role or permit of the original generator")
    func crossProvinceReturn() throws {
        let s = try TransferScenario()
        try s.approveFullRoute("A-1", no: "N-1")
        let no = try s.file(Self.underApproval(grams: 10 * P.t))
        try s.pickUp(no)
        try s.receive(no, by: P.receiver, lines: [(1, 7 * P.t, 3 * P.t)])
        // The approval's 10 t are used up, the generator holds no operating permit and is no receiver.
        let body = B.manifest(
            generator: P.receiver, carriers: [P.carrier2], receiver: P.generator, pickup: "2025-03-14", basis: ["approval": "N-1"],
            lines: [B.line(grams: 3 * P.t)], returnOf: no)
        let assigned = try s.must("manifest.filed", P.receiver, body)
        // Numbered by the returning party's division (万州 500101 → 5001).
        #expect(assigned["manifestNo"]?.stringValue?.hasPrefix("20255001") == true)
        #expect(try s.application("A-1")?.filedGrams == 10 * P.t)
    }
}
