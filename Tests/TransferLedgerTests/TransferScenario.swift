import Foundation
import LedgerCore
import LedgerTestSupport
import Logging
import Testing
import TransferLedger
import TransferRules

/// The enterprises of the transfer tests (SPEC §2.2–§2.4).
enum TransferParty {
    /// 成都 generator.
    static let generator = TestKeys.uscc(division: "510100", serial: 101)
    /// 绵阳 generator.
    static let generator2 = TestKeys.uscc(division: "510700", serial: 102)
    /// 万州 receiver with operating permit CQ-HW-001.
    static let receiver = TestKeys.uscc(division: "500101", serial: 201)
    /// 渝中 receiver without any permit.
    static let receiver2 = TestKeys.uscc(division: "500103", serial: 202)
    /// 渝中 generator (Chongqing intra-province filings).
    static let cqGenerator = TestKeys.uscc(division: "500103", serial: 203)
    /// 万州 enterprise registered as generator only (lacks the receiver role).
    static let notReceiver = TestKeys.uscc(division: "500101", serial: 204)
    /// 绵阳 receiver with operating permit SC-HW-001 (capacity 25 t).
    static let scReceiver = TestKeys.uscc(division: "510700", serial: 301)
    /// 成都 receiver without any permit.
    static let scReceiver2 = TestKeys.uscc(division: "510100", serial: 302)
    /// 成都 carrier with transport permit SC-YS-001.
    static let carrier = TestKeys.uscc(division: "510100", serial: 401)
    /// 万州 carrier with transport permit CQ-YS-001.
    static let carrier2 = TestKeys.uscc(division: "500101", serial: 402)
    /// 成都 carrier without a transport permit.
    static let carrierNoPermit = TestKeys.uscc(division: "510100", serial: 403)
    /// 成都 generator that is party to nothing.
    static let outsider = TestKeys.uscc(division: "510100", serial: 501)

    static let sc = "REG-510000"
    static let cq = "REG-500000"

    /// 废铅蓄电池 and a second code both permits cover; a code no permit covers.
    static let code = "900-052-31"
    static let code2 = "900-041-49"
    static let uncoveredCode = "900-249-08"

    static let t: Int64 = 1_000_000
}

/// Event bodies of SPEC §5 for transfers.
enum TransferBody {
    typealias P = TransferParty

    static func strings(_ list: [String]) -> JSONValue { .array(list.map { .string($0) }) }

    static func permit(
        _ no: String, holder: String, kind: String = "operating", codes: [String]? = [P.code, P.code2], methods: [String]? = ["R4", "D10"],
        capacity: Int64? = 1000 * P.t, from: String = "2025-01-01", to: String = "2026-06-30"
    ) -> [String: JSONValue] {
        var b: [String: JSONValue] = [
            "permitNo": .string(no), "holder": .string(holder), "kind": .string(kind), "validFrom": .string(from), "validTo": .string(to),
        ]
        if let codes { b["wasteCodes"] = strings(codes) }
        if let methods { b["methods"] = strings(methods) }
        if let capacity { b["capacityGrams"] = .int(capacity) }
        return b
    }

    static func transportPermit(_ no: String, holder: String, from: String = "2025-01-01", to: String = "2027-12-31") -> [String: JSONValue] {
        permit(no, holder: holder, kind: "transport", codes: nil, methods: nil, capacity: nil, from: from, to: to)
    }

    static func applied(
        _ id: String, generator: String = P.generator, receiver: String = P.receiver, code: String = P.code, grams: Int64 = 10 * P.t,
        method: String = "R4", from: String = "2025-03-01", to: String = "2026-02-28", on: String = "2025-03-03"
    ) -> [String: JSONValue] {
        [
            "applicationId": .string(id), "generator": .string(generator), "receiver": .string(receiver), "wasteCode": .string(code),
            "grams": .int(grams), "method": .string(method), "validFrom": .string(from), "validTo": .string(to), "appliedOn": .string(on),
        ]
    }

    static func approved(
        _ id: String, no: String, grams: Int64 = 10 * P.t, from: String = "2025-03-10", to: String = "2025-12-31", on: String = "2025-03-07"
    ) -> [String: JSONValue] {
        [
            "applicationId": .string(id), "decision": "approved", "decidedOn": .string(on), "approvalNo": .string(no), "grams": .int(grams),
            "validFrom": .string(from), "validTo": .string(to),
        ]
    }

    static func denied(_ id: String, on: String = "2025-03-07") -> [String: JSONValue] {
        ["applicationId": .string(id), "decision": "denied", "decidedOn": .string(on), "reason": "接受地不同意"]
    }

    static func whitelist(
        year: Int64 = 2025, receiver: String = P.receiver, code: String = P.code, cap: Int64 = 20 * P.t, methods: [String] = ["R4"]
    ) -> [String: JSONValue] {
        [
            "year": .int(year), "listingProvince": "500000", "counterpartProvince": "510000",
            "entries": .array([
                .object(["receiver": .string(receiver), "wasteCode": .string(code), "capGrams": .int(cap), "methods": strings(methods)])
            ]),
        ]
    }

    static func line(_ code: String = P.code, grams: Int64 = 10 * P.t, hazards: [String] = ["T", "C"]) -> JSONValue {
        .object([
            "wasteCode": .string(code), "name": "废铅蓄电池", "hazards": strings(hazards), "form": "固态", "packaging": "托盘",
            "packages": 10, "grams": .int(grams),
        ])
    }

    static func manifest(
        generator: String = P.generator, carriers: [String] = [P.carrier], receiver: String = P.scReceiver, pickup: String = "2025-03-12",
        method: String = "R4", basis: JSONValue = ["intraProvince": true], lines: [JSONValue] = [line()], returnOf: String? = nil
    ) -> [String: JSONValue] {
        var b: [String: JSONValue] = [
            "generator": .string(generator), "carriers": strings(carriers), "receiver": .string(receiver), "plannedPickup": .string(pickup),
            "method": .string(method), "basis": basis, "lines": .array(lines),
        ]
        if let returnOf { b["returnOf"] = .string(returnOf) }
        return b
    }

    static func pickedUp(_ no: String, at: String = "2025-03-12T01:00:00Z") -> [String: JSONValue] {
        ["manifestNo": .string(no), "vehiclePlate": "川A12345", "driver": "李师傅", "pickedUpAt": .string(at)]
    }

    static func handedOver(_ no: String, from: String, at: String = "2025-03-12T05:00:00Z") -> [String: JSONValue] {
        ["manifestNo": .string(no), "fromCarrier": .string(from), "vehiclePlate": "渝B54321", "driver": "王师傅", "handedOverAt": .string(at)]
    }

    /// `manifest.received`; `lines` as (line, grams, rejectedGrams).
    static func received(
        _ no: String, at: String = "2025-03-12T08:00:00Z", method: String = "R4", lines: [(Int64, Int64, Int64)] = [(1, 10_000_000, 0)],
        flag: Bool = false
    ) -> [String: JSONValue] {
        [
            "manifestNo": .string(no), "deliveredAt": .string(at), "method": .string(method), "significantDiscrepancy": .bool(flag),
            "lines": .array(lines.map { l in
                var o: [String: JSONValue] = ["line": .int(l.0), "grams": .int(l.1)]
                if l.2 > 0 { o["rejectedGrams"] = .int(l.2) }
                return .object(o)
            }),
        ]
    }
}

/// One submission: type, actor, body.
struct TransferStep: Sendable {
    var type: String
    var actor: String
    var body: [String: JSONValue]
    init(_ type: String, _ actor: String, _ body: [String: JSONValue]) {
        self.type = type
        self.actor = actor
        self.body = body
    }
}

/// A ledger with a settable clock and the standard transfer parties: generators in 成都 and 绵阳, a Chongqing
/// receiver with an operating permit, a Sichuan receiver with one, carriers with transport permits.
final class TransferScenario: @unchecked Sendable {
    typealias P = TransferParty
    typealias B = TransferBody

    let dir = TempDirectory()
    let clock: FixedClock
    let store: any LedgerStore
    /// The durable store's `--db` (nil in memory).
    let locator: String?
    let ledger: TransferLedger

    static let start = UTCInstant("2025-03-01T08:00:00Z")!

    init(
        sqlite: Bool = false, policy: [String: JSONValue] = [:], at time: UTCInstant = start, standard: Bool = true,
        reference: ReferenceData = Fixtures.reference
    ) throws {
        clock = FixedClock(time)
        // `sqlite`: a durable store, the pass's (a SQLite file, or PostgreSQL with HWLEDGER_TEST_STORE=postgres).
        let made = try (sqlite ? (TestDatabase.isPostgres ? StoreKind.postgres : .sqlite) : .memory).make(in: dir)
        store = made.store
        locator = made.locator
        let clock = self.clock
        ledger = TransferLedger(store: store, reference: reference, clock: { clock.now }, logger: Logger(label: "transfer-test"))
        try ledger.initialise(genesis: try Genesis(json: TestKeys.genesisJSON(policy: policy)), operatorKey: TestKeys.operatorKey, operatorKeyPath: nil)
        if standard { try setUpParties() }
    }

    func setUpParties() throws {
        try register(P.generator, "510100", ["generator"])
        try register(P.generator2, "510700", ["generator"])
        try register(P.receiver, "500101", ["receiver"])
        try register(P.receiver2, "500103", ["receiver"])
        try register(P.cqGenerator, "500103", ["generator"])
        try register(P.notReceiver, "500101", ["generator"])
        try register(P.scReceiver, "510700", ["receiver", "utiliser"])
        try register(P.scReceiver2, "510100", ["receiver"])
        try register(P.carrier, "510100", ["carrier"])
        try register(P.carrier2, "500101", ["carrier"])
        try register(P.carrierNoPermit, "510100", ["carrier"])
        try register(P.outsider, "510100", ["generator"])
        try must("permit.issued", P.cq, B.permit("CQ-HW-001", holder: P.receiver))
        try must("permit.issued", P.sc, B.permit("SC-HW-001", holder: P.scReceiver, capacity: 25 * P.t, to: "2026-12-31"))
        try must("permit.issued", P.sc, B.transportPermit("SC-YS-001", holder: P.carrier))
        try must("permit.issued", P.cq, B.transportPermit("CQ-YS-001", holder: P.carrier2))
    }

    // MARK: Submitting

    static func key(_ actor: String) -> SigningKey {
        switch actor {
        case P.sc: TestKeys.sichuan
        case P.cq: TestKeys.chongqing
        default: TestKeys.key(actor)
        }
    }

    func sign(_ step: TransferStep) -> SignedSubmission {
        let event = UnsignedEvent(type: step.type, actor: step.actor, body: step.body)
        return event.signed(with: Self.key(step.actor), at: clock.signingTime(for: event), nonce: randomNonce())
    }

    @discardableResult
    func submit(_ type: String, _ actor: String, _ body: [String: JSONValue]) throws -> SubmitOutcome {
        try ledger.submit([sign(TransferStep(type, actor, body))])[0]
    }

    func submit(_ step: TransferStep) throws -> SubmitOutcome { try submit(step.type, step.actor, step.body) }

    /// Submits a setup step that must be appended; returns what the ledger assigned.
    @discardableResult
    func must(_ type: String, _ actor: String, _ body: [String: JSONValue]) throws -> [String: JSONValue] {
        let outcome = try submit(type, actor, body)
        guard case .appended(_, _, let assigned) = outcome else { throw TestFailure("\(type) by \(actor): \(outcome)") }
        return assigned
    }

    func register(_ uscc: String, _ division: String, _ roles: [String]) throws {
        let regulator = division.hasPrefix("51") ? P.sc : P.cq
        try must("enterprise.registered", regulator, [
            "uscc": .string(uscc), "name": "测试企业", "division": .string(division), "roles": B.strings(roles),
        ])
        try must("key.added", regulator, ["principal": .string(uscc), "key": .string(Self.key(uscc).verifier.description)])
    }

    func size() throws -> UInt64 { try store.read { try $0.treeSize() } }

    /// Tree size and every projection row.
    func snapshot() throws -> TransferSnapshot {
        try store.read { r in
            var rows: [String: [String: [UInt8]]] = [:]
            for kind in try r.projectionKinds() {
                try r.forEachProjection(kind: kind, after: nil) { key, value in
                    rows[kind, default: [:]][key] = value
                    return true
                }
            }
            return TransferSnapshot(size: try r.treeSize(), rows: rows)
        }
    }

    // MARK: Approval workflow

    func apply(_ id: String, grams: Int64 = 10 * P.t, from: String = "2025-03-01", to: String = "2026-02-28", on: String = "2025-03-03",
               receiver: String = P.receiver, method: String = "R4") throws {
        try must("approval.applied", P.generator, B.applied(id, receiver: receiver, grams: grams, method: method, from: from, to: to, on: on))
    }

    func review(_ id: String, on: String = "2025-03-04", opinion: String = "agree") throws {
        try must("approval.reviewed", P.sc, ["applicationId": .string(id), "opinion": .string(opinion), "reviewedOn": .string(on)])
    }

    func requestConsultation(_ id: String, on: String = "2025-03-05") throws {
        try must("approval.consultation.requested", P.sc, ["applicationId": .string(id), "requestedOn": .string(on)])
    }

    func reply(_ id: String, on: String = "2025-03-06", opinion: String = "agree") throws {
        try must("approval.consultation.replied", P.cq, ["applicationId": .string(id), "opinion": .string(opinion), "repliedOn": .string(on)])
    }

    /// Review, consultation and an agreeing reply (the full route up to the decision).
    func fullRouteUpToDecision(_ id: String) throws {
        try review(id)
        try requestConsultation(id)
        try reply(id)
    }

    /// Applies and approves on the full route: `no`, `grams`, validity 2025-03-10…2025-12-31.
    func approveFullRoute(_ id: String, no: String, grams: Int64 = 10 * P.t) throws {
        try apply(id, grams: grams)
        try fullRouteUpToDecision(id)
        try must("approval.decided", P.sc, B.approved(id, no: no, grams: grams))
    }

    /// Publishes the 2025 Chongqing whitelist (receiver, 900-052-31, cap, R4) and has Sichuan confirm it.
    func confirmedWhitelist(year: Int64 = 2025, cap: Int64 = 20 * P.t) throws {
        try must("whitelist.published", P.cq, B.whitelist(year: year, cap: cap))
        try must("whitelist.confirmed", P.sc, ["year": .int(year), "listingProvince": "500000"])
    }

    /// A whitelist-route approval: confirmed whitelist, application, direct decision.
    func approveByWhitelist(_ id: String, no: String, grams: Int64 = 10 * P.t) throws {
        try confirmedWhitelist()
        try apply(id, grams: grams, to: "2025-12-31")
        try must("approval.decided", P.sc, B.approved(id, no: no, grams: grams))
    }

    // MARK: Manifests

    /// Files a manifest and returns its number.
    @discardableResult
    func file(_ body: [String: JSONValue] = B.manifest(), as actor: String? = nil) throws -> String {
        let assigned = try must("manifest.filed", actor ?? body["generator"]!.stringValue!, body)
        guard case .string(let no)? = assigned["manifestNo"] else { throw TestFailure("no manifestNo assigned: \(assigned)") }
        return no
    }

    func pickUp(_ no: String, by carrier: String = P.carrier, at: String = "2025-03-12T01:00:00Z") throws {
        try must("manifest.pickedUp", carrier, B.pickedUp(no, at: at))
    }

    func receive(_ no: String, by receiver: String = P.scReceiver, at: String = "2025-03-12T08:00:00Z",
                 lines: [(Int64, Int64, Int64)] = [(1, 10_000_000, 0)], flag: Bool = false) throws {
        try must("manifest.received", receiver, B.received(no, at: at, lines: lines, flag: flag))
    }

    /// An intra-Sichuan manifest (generator → scReceiver, 10 t) filed, picked up and received.
    @discardableResult
    func deliveredManifest(receivedGrams: Int64 = 10 * P.t, rejected: Int64 = 0) throws -> String {
        let no = try file()
        try pickUp(no)
        try receive(no, lines: [(1, receivedGrams, rejected)])
        return no
    }

    // MARK: Reading

    func rows<T: Decodable>(_ kind: String, as type: T.Type) throws -> [T] {
        try store.read { r in
            var out: [T] = []
            try r.forEachProjection(kind: kind, after: nil) { key, value in
                out.append(try ProjectionCodec.decode(T.self, from: value, kind: kind, key: key))
                return true
            }
            return out
        }
    }

    func manifest(_ no: String) throws -> ManifestRecord? {
        try store.read { try $0.projection(kind: "manifest", key: no) }.map { try ProjectionCodec.decode(ManifestRecord.self, from: $0, kind: "manifest", key: no) }
    }

    func application(_ id: String) throws -> ApplicationRecord? {
        try store.read { try $0.projection(kind: "application", key: id) }.map { try ProjectionCodec.decode(ApplicationRecord.self, from: $0, kind: "application", key: id) }
    }

    /// Every anomaly as of `date`, computed over the stored projections (`audit anomalies`).
    func anomalies(asOf date: String) throws -> [Anomaly] {
        let permits = Dictionary(grouping: try rows("permit", as: PermitRecord.self), by: \.holder)
        return try ledger.context().anomalies(
            asOf: CivilDate(date)!, applications: try rows("application", as: ApplicationRecord.self),
            manifests: try rows("manifest", as: ManifestRecord.self), permits: permits)
    }

    func anomalies(asOf date: String, subject: String) throws -> [Anomaly] {
        try anomalies(asOf: date).filter { $0.subject == subject }
    }
}

/// What a rejection must leave unchanged.
struct TransferSnapshot: Equatable {
    var size: UInt64
    var rows: [String: [String: [UInt8]]]
}

/// One table row of the rule tests: setup steps (which must be appended), then the submission under test.
struct TransferCase: Sendable, CustomTestStringConvertible {
    enum Expected: Sendable, Equatable {
        case appended
        case rejected(RuleID)
    }

    var rule: RuleID
    var desc: String
    var expected: Expected
    var prepare: @Sendable (TransferScenario) throws -> TransferStep

    init(_ rule: RuleID, _ desc: String, _ expected: Expected, _ prepare: @escaping @Sendable (TransferScenario) throws -> TransferStep) {
        self.rule = rule
        self.desc = desc
        self.expected = expected
        self.prepare = prepare
    }

    var testDescription: String {
        switch expected {
        case .appended: "\(rule.rawValue) passes: \(desc)"
        case .rejected(let r): "\(r.rawValue): \(desc)"
        }
    }

    /// Runs the case on a fresh ledger. A rejection names the rule and changes nothing (tree size and every
    /// projection row); an append grows the tree by one.
    func check(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let s = try TransferScenario()
        let step = try prepare(s)
        let before = try s.snapshot()
        let outcome = try s.submit(step)
        let after = try s.snapshot()
        switch (expected, outcome) {
        case (.rejected(let rule), .rejected(let violation)):
            #expect(violation.rule == rule, "\(desc): got \(violation)", sourceLocation: sourceLocation)
            #expect(!violation.message.isEmpty, sourceLocation: sourceLocation)
            #expect(after.size == before.size, "\(desc): the tree grew on a rejection", sourceLocation: sourceLocation)
            #expect(after == before, "\(desc): projections changed on a rejection", sourceLocation: sourceLocation)
        case (.appended, .appended(let index, _, _)):
            #expect(index == before.size, sourceLocation: sourceLocation)
            #expect(after.size == before.size + 1, sourceLocation: sourceLocation)
        default:
            Issue.record("\(desc): expected \(expected), got \(outcome)", sourceLocation: sourceLocation)
        }
    }
}
