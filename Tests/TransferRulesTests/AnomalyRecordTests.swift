import Foundation
import Testing
import TransferRules

private func d(_ s: String) -> CivilDate { CivilDate(s)! }
private func i(_ s: String) -> UTCInstant { UTCInstant(s)! }

/// Hand-built projection records for the anomaly function.
private enum Records {
    static let generator = "91510100MA0000001X"
    static let receiver = "91500101MA0000002X"
    static let carrier = "91510100MA0000003X"

    static func decode<T: Decodable>(_ type: T.Type, _ json: String) -> T {
        try! JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    static func manifest(_ no: String, grams: [Int64] = [10_000_000], pickup: String? = nil, receiver: String = receiver) -> ManifestRecord {
        let filed = ManifestFiled(
            generator: generator, carriers: [carrier], receiver: receiver, plannedPickup: d("2025-03-10"), method: "R4",
            basis: .intraProvince,
            lines: grams.map { ManifestLine(wasteCode: "900-052-31", name: "废铅蓄电池", hazards: ["T"], form: "固态", packaging: "托盘", packages: 1, grams: $0) },
            returnOf: nil)
        var m = ManifestRecord(
            number: no, filed, filedOn: d("2025-03-01"),
            event: .init(index: 1, type: "manifest.filed", actor: generator, time: i("2025-03-01T00:00:00Z")))
        if let pickup {
            m.state = .inTransit
            m.pickup = decode(ManifestRecord.Pickup.self, #"{"carrier":"\#(carrier)","vehiclePlate":"川A1","driver":"李","at":"\#(pickup)"}"#)
        }
        return m
    }

    /// Adds a receipt (and version 1) to `m`; `lines` as (grams, rejected).
    static func received(_ m: ManifestRecord, at: String, entered: String, lines: [(Int64, Int64)], flag: Bool = false) -> ManifestRecord {
        var m = m
        let received = lines.enumerated().map { ReceivedLine(line: $0.offset + 1, grams: $0.element.0, rejectedGrams: $0.element.1) }
        let linesJSON = String(data: try! JSONEncoder().encode(received), encoding: .utf8)!
        m.receipt = decode(
            ManifestRecord.Receipt.self,
            #"{"deliveredAt":"\#(at)","method":"R4","lines":\#(linesJSON),"significantDiscrepancy":\#(flag),"enteredOn":"\#(entered)"}"#)
        m.versions = [decode(ManifestRecord.Version.self, #"{"version":1,"index":2,"method":"R4","lines":\#(linesJSON)}"#)]
        m.state = .received
        return m
    }

    static func permit(capacity: Int64, from: String = "2025-01-01", to: String = "2026-12-31", holder: String = receiver) -> PermitRecord {
        PermitRecord(
            PermitIssued(permitNo: "P-\(capacity)", holder: holder, kind: .operating, wasteCodes: ["900-052-31"], methods: ["R4"],
                         capacityGrams: capacity, validFrom: d(from), validTo: d(to)),
            issuedAt: 1)
    }

    static func application(_ id: String, appliedOn: String, covered: Bool = false) -> ApplicationRecord {
        ApplicationRecord(
            ApprovalApplied(applicationId: id, generator: generator, receiver: receiver, wasteCode: "900-052-31", grams: 1, method: "R4",
                            validFrom: d("2025-10-01"), validTo: d("2025-12-31"), appliedOn: d(appliedOn)),
            generatorProvince: "510000", receiverProvince: "500000", appliedAt: 1, covered: covered)
    }
}

/// The anomaly function over hand-built records (SPEC §2.2, §2.4).
@Suite("Anomalies over hand-built records")
struct AnomalyRecordTests {
    let context = BundledReference.context

    func anomalies(_ asOf: String, apps: [ApplicationRecord] = [], manifests: [ManifestRecord] = [], permits: [PermitRecord] = []) -> [Anomaly] {
        context.anomalies(asOf: d(asOf), applications: apps, manifests: manifests, permits: Dictionary(grouping: permits, by: \.holder))
    }

    @Test("A-CAPACITY: subject is the manifest whose receipt first exceeds capacity, by delivery time")
    func capacitySubject() {
        let a = Records.received(Records.manifest("A", pickup: "2025-03-10T00:00:00Z"), at: "2025-03-10T02:00:00Z", entered: "2025-03-10", lines: [(10_000_000, 0)])
        let b = Records.received(Records.manifest("B", pickup: "2025-03-10T00:00:00Z"), at: "2025-03-12T02:00:00Z", entered: "2025-03-12", lines: [(10_000_000, 0)])
        let c = Records.received(Records.manifest("C", pickup: "2025-03-10T00:00:00Z"), at: "2025-03-11T02:00:00Z", entered: "2025-03-11", lines: [(10_000_000, 0)])
        let listed = anomalies("2025-12-31", manifests: [a, b, c], permits: [Records.permit(capacity: 25_000_000)]).filter { $0.id == "A-CAPACITY" }
        #expect(listed.map(\.subject) == ["B"])
        #expect(listed.first?.due == nil)
        #expect(listed.first?.detail.contains(Records.receiver) == true)
    }

    @Test("A-CAPACITY counts rejected grams out and corrected grams in")
    func capacityCountsCurrentVersion() {
        let a = Records.received(Records.manifest("A", pickup: "2025-03-10T00:00:00Z"), at: "2025-03-10T02:00:00Z", entered: "2025-03-10", lines: [(15_000_000, 5_000_000)])
        var b = Records.received(Records.manifest("B", pickup: "2025-03-10T00:00:00Z"), at: "2025-03-11T02:00:00Z", entered: "2025-03-11", lines: [(11_000_000, 0)])
        // 15 + 11 = 26 t > 25 t: listed.
        #expect(anomalies("2025-12-31", manifests: [a, b], permits: [Records.permit(capacity: 25_000_000)]).contains { $0.id == "A-CAPACITY" })
        // A correction down to 10 t: 25 t, not above.
        var v2 = b.versions[0]
        v2.version = 2
        v2.lines[0].grams = 10_000_000
        b.versions.append(v2)
        #expect(!anomalies("2025-12-31", manifests: [a, b], permits: [Records.permit(capacity: 25_000_000)]).contains { $0.id == "A-CAPACITY" })
    }

    @Test("A-CAPACITY needs a valid operating permit with a capacity; none, none")
    func capacityWithoutPermit() {
        let a = Records.received(
            Records.manifest("A", grams: [90_000_000], pickup: "2025-03-10T00:00:00Z"), at: "2025-03-10T02:00:00Z", entered: "2025-03-10",
            lines: [(90_000_000, 0)])
        #expect(anomalies("2025-12-31", manifests: [a]).isEmpty)
        // A permit that expired before the delivery does not count either.
        #expect(anomalies("2025-12-31", manifests: [a], permits: [Records.permit(capacity: 1, from: "2024-01-01", to: "2024-12-31")]).isEmpty)
        // A valid one does.
        #expect(anomalies("2025-12-31", manifests: [a], permits: [Records.permit(capacity: 89_999_999)]).map(\.id) == ["A-CAPACITY"])
    }

    @Test("A-DISCREPANCY per line at the 50‰ threshold, and the flag; due null")
    func discrepancy() {
        let m = Records.manifest("M", grams: [10_000_000, 10_000_000], pickup: "2025-03-10T00:00:00Z")
        let exact = Records.received(m, at: "2025-03-10T02:00:00Z", entered: "2025-03-10", lines: [(9_500_000, 0), (10_500_000, 0)])
        #expect(anomalies("2025-03-10", manifests: [exact]).isEmpty)
        let over = Records.received(m, at: "2025-03-10T02:00:00Z", entered: "2025-03-10", lines: [(9_499_999, 0), (10_500_001, 0)])
        #expect(anomalies("2025-03-10", manifests: [over]).filter { $0.id == "A-DISCREPANCY" && $0.due == nil }.count == 2)
        let flagged = Records.received(m, at: "2025-03-10T02:00:00Z", entered: "2025-03-10", lines: [(10_000_000, 0), (10_000_000, 0)], flag: true)
        #expect(anomalies("2025-03-10", manifests: [flagged]).map(\.id) == ["A-DISCREPANCY"])
        // Not before the delivery date.
        #expect(anomalies("2025-03-09", manifests: [flagged]).isEmpty)
    }

    @Test("A-RECEIPT-LATE: entered after the 5th working day after delivery")
    func receiptLate() {
        let m = Records.manifest("M", pickup: "2025-09-30T00:00:00Z")
        let onTime = Records.received(m, at: "2025-09-30T02:00:00Z", entered: "2025-10-14", lines: [(10_000_000, 0)])
        #expect(anomalies("2025-12-31", manifests: [onTime]).isEmpty)
        let late = Records.received(m, at: "2025-09-30T02:00:00Z", entered: "2025-10-15", lines: [(10_000_000, 0)])
        #expect(anomalies("2025-12-31", manifests: [late]).map(\.id) == ["A-RECEIPT-LATE"])
        #expect(anomalies("2025-12-31", manifests: [late]).first?.due == d("2025-10-14"))
    }

    @Test("A-IN-TRANSIT-OVERDUE after pickup + 10 days (Shanghai date), and it stays listed when delivered late")
    func inTransit() {
        let m = Records.manifest("M", pickup: "2025-03-09T16:00:00Z")  // 2025-03-10 00:00 in Shanghai
        #expect(anomalies("2025-03-20", manifests: [m]).isEmpty)
        #expect(anomalies("2025-03-21", manifests: [m]).map(\.due) == [d("2025-03-20")])
        let late = Records.received(m, at: "2025-03-21T01:00:00Z", entered: "2025-03-21", lines: [(10_000_000, 0)])
        #expect(anomalies("2025-06-30", manifests: [late]).map(\.id) == ["A-IN-TRANSIT-OVERDUE"])
        let onTime = Records.received(m, at: "2025-03-20T15:59:59Z", entered: "2025-03-21", lines: [(10_000_000, 0)])
        #expect(anomalies("2025-06-30", manifests: [onTime]).isEmpty)
    }

    @Test("A-DEADLINE-REVIEW for an application filed 2025-09-26 is due 2025-10-10; the whitelist route has the decision due instead")
    func deadlines() {
        let full = Records.application("A-F", appliedOn: "2025-09-26")
        #expect(anomalies("2025-10-10", apps: [full]).isEmpty)
        #expect(anomalies("2025-10-11", apps: [full]).map(\.id) == ["A-DEADLINE-REVIEW"])
        let covered = Records.application("A-W", appliedOn: "2025-09-26", covered: true)
        let listed = anomalies("2025-10-11", apps: [covered])
        #expect(listed.map(\.id) == ["A-DEADLINE-DECISION"])
        #expect(listed.first?.due == d("2025-10-10"))
        var decided = covered
        decided.decision = Decision(decision: .approved, decidedOn: d("2025-10-10"), approvalNo: "N", grams: 1, validFrom: d("2025-10-11"), validTo: d("2025-12-31"), reason: nil)
        #expect(anomalies("2025-10-31", apps: [decided]).isEmpty)
    }
}

/// The console's Chinese reading of the anomalies' English details (``AnomalyDetailZh``).
@Suite("Anomaly details in Chinese")
struct AnomalyDetailZhTests {
    let records = AnomalyRecordTests()

    @Test("every detail the rules write reads in Chinese with its dates, working days and tonnes; anything else stays as written")
    func everySentence() {
        let m = Records.manifest("M", grams: [10_000_000, 10_000_000], pickup: "2025-03-09T16:00:00Z")
        let over = Records.received(m, at: "2025-03-21T01:00:00Z", entered: "2025-04-30", lines: [(9_499_999, 0), (10_500_001, 250_000)], flag: true)
        let full = Records.application("A-F", appliedOn: "2025-09-26")
        let covered = Records.application("A-W", appliedOn: "2025-09-26", covered: true)
        let listed = records.anomalies("2025-12-31", apps: [full, covered], manifests: [over], permits: [Records.permit(capacity: 15_000_000)])
        #expect(Set(listed.map(\.id)) == ["A-DEADLINE-REVIEW", "A-DEADLINE-DECISION", "A-IN-TRANSIT-OVERDUE", "A-RECEIPT-LATE", "A-DISCREPANCY", "A-CAPACITY"])
        for a in listed {
            let zh = AnomalyDetailZh.text(a.detail)
            #expect(zh != a.detail && !zh.contains("due") && !zh.contains("working"), "\(a.id): \(a.detail) → \(zh)")
        }
        let text = Dictionary(listed.map { ($0.id, AnomalyDetailZh.text($0.detail)) }, uniquingKeysWith: { a, b in a + " / " + b })
        #expect(text["A-DEADLINE-REVIEW"] == "应在受理（2025-09-26）后 5 个工作日内完成初步审查；尚未办理")
        #expect(text["A-IN-TRANSIT-OVERDUE"] == "2025-03-10 起运，应在 10 日内送达；已于 2025-03-21 办理")
        #expect(text["A-DISCREPANCY"]?.contains("第 1 行：移出 10.000 吨，接收 9.499999 吨、拒收 0.000 吨，相差超过 50‰") == true, "\(text["A-DISCREPANCY"] ?? "")")
        #expect(text["A-DISCREPANCY"]?.contains("接受人标记了重大数量差异") == true)
        #expect(text["A-CAPACITY"] == "接受人 \(Records.receiver) 2025 年累计接收 20.000 吨，超过经营许可能力 15.000 吨")
        #expect(AnomalyDetailZh.text("something new; done 2025-01-01") == "something new; done 2025-01-01", "an unknown sentence stays English")
        #expect(AnomalyDetailZh.text("picked up 2025-03-10, delivery due within 10 days; later") == "picked up 2025-03-10, delivery due within 10 days; later",
                "an unknown suffix leaves the whole detail English")
    }
}
