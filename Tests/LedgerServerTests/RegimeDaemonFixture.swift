import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Logging
import TransferLedger
import TransferRules

/// A ledger with transfer activity in both provinces, built in-process through `TransferLedger` (with a settable
/// clock, so filing dates differ), then served by the real `hwledgerd` binary on 127.0.0.1:0.
///
/// Parties (SPEC §2.2): a 成都 generator `gen`, a 绵阳 generator `gen2`, a 渝中 generator `cqGen`, a 万州 receiver
/// `cqRecv` (CQ-HW-001), a 绵阳 receiver `scRecv` (SC-HW-001), a 成都 carrier `scCarrier` (SC-YS-001), a 万州 carrier
/// `cqCarrier` (CQ-YS-001) and a 成都 enterprise `outsider` that is party to nothing.
///
/// Manifests (by reference; filing dates are Asia/Shanghai):
/// - `X`  gen → cqRecv, carrier scCarrier, approval route, filed 2025-03-09, received 2025-03-12 (cross-province)
/// - `S1` gen → scRecv, carrier cqCarrier (a Chongqing carrier), filed 2025-03-10 01:00 Shanghai (= 03-09 17:00 UTC), filed
/// - `S2` gen2 → scRecv, carrier scCarrier, filed 2025-03-10, picked up, in transit
/// - `S3` gen2 → scRecv, carrier scCarrier, filed 2025-03-11, received
/// - `Q1` cqGen → cqRecv, carrier cqCarrier, filed 2025-03-11, picked up, in transit
/// - `Q2` cqGen → cqRecv, carrier cqCarrier, filed 2025-03-11, filed
/// plus an application `APP-LATE` (gen → cqRecv) never reviewed, and a confirmed rate table T1 from 2025-01-01.
final class RegimeDaemon: @unchecked Sendable {
    static let gen = TestKeys.uscc(division: "510100", serial: 101)
    static let gen2 = TestKeys.uscc(division: "510700", serial: 102)
    static let cqGen = TestKeys.uscc(division: "500103", serial: 203)
    static let cqRecv = TestKeys.uscc(division: "500101", serial: 201)
    static let scRecv = TestKeys.uscc(division: "510700", serial: 301)
    static let scCarrier = TestKeys.uscc(division: "510100", serial: 401)
    static let cqCarrier = TestKeys.uscc(division: "500101", serial: 402)
    static let outsider = TestKeys.uscc(division: "510100", serial: 501)
    static let sc = "REG-510000"
    static let cq = "REG-500000"
    static let enterprises = [gen, gen2, cqGen, cqRecv, scRecv, scCarrier, cqCarrier, outsider]
    static let province: [String: String] = [
        gen: "510000", gen2: "510000", cqGen: "500000", cqRecv: "500000", scRecv: "510000", scCarrier: "510000",
        cqCarrier: "500000", outsider: "510000",
    ]
    static let code = "900-052-31"
    static let tonne: Int64 = 1_000_000

    /// What the test knows about each manifest, independently of the server.
    struct Known {
        var ref: String
        var no: String
        var generator: String
        var carriers: [String]
        var receiver: String
        var filedOn: String
        var state: String
        var parties: Set<String> { Set([generator, receiver] + carriers) }
        /// Generator's and receiver's provinces; carriers do not count.
        var provinces: Set<String> { [RegimeDaemon.province[generator]!, RegimeDaemon.province[receiver]!] }
    }

    let dir = TempDirectory()
    let dbPath: String
    let operatorKeyPath: String
    let clock: FixedClock
    let store: any LedgerStore
    let ledger: TransferLedger
    private(set) var known: [Known] = []
    private(set) var daemon: DaemonProcess!

    var port: Int { daemon.port }

    init() throws {
        dbPath = TestDatabase.locator(in: dir)
        operatorKeyPath = dir.write("operator.key", TestKeys.operatorKey.fileText)
        let clock = FixedClock(UTCInstant("2025-03-01T08:00:00Z")!)
        self.clock = clock
        store = try TestDatabase.open(dbPath, create: true)
        ledger = TransferLedger(store: store, reference: Fixtures.reference, clock: { clock.now }, logger: Logger(label: "regime-daemon-test"))
        try ledger.initialise(genesis: try Genesis(json: TestKeys.genesisJSON()), operatorKey: TestKeys.operatorKey, operatorKeyPath: nil)
        try build()
        daemon = try DaemonProcess(
            executable: Fixtures.executable("hwledgerd"),
            arguments: ["--db", dbPath, "--listen", "127.0.0.1:0", "--operator-key", operatorKeyPath],
            environment: ["HWLEDGER_REFERENCE": Fixtures.referenceDirectory])
    }

    deinit { _ = daemon?.stop(timeout: 10) }

    func known(_ ref: String) -> Known { known.first { $0.ref == ref }! }

    // MARK: Building

    static func key(_ actor: String) -> SigningKey {
        switch actor {
        case sc: TestKeys.sichuan
        case cq: TestKeys.chongqing
        default: TestKeys.key(actor)
        }
    }

    @discardableResult
    func must(_ type: String, _ actor: String, _ body: [String: JSONValue]) throws -> [String: JSONValue] {
        let event = UnsignedEvent(type: type, actor: actor, body: body)
        let signed = event.signed(with: Self.key(actor), at: clock.signingTime(for: event), nonce: randomNonce())
        let outcome = try ledger.submit([signed])[0]
        guard case .appended(_, _, let assigned) = outcome else { throw TestFailure("\(type) by \(actor): \(outcome)") }
        return assigned
    }

    func register(_ uscc: String, _ division: String, _ roles: [String]) throws {
        let regulator = division.hasPrefix("51") ? Self.sc : Self.cq
        try must("enterprise.registered", regulator, [
            "uscc": .string(uscc), "name": "测试企业", "division": .string(division), "roles": .array(roles.map { .string($0) }),
        ])
        try must("key.added", regulator, ["principal": .string(uscc), "key": .string(Self.key(uscc).verifier.description)])
    }

    static func strings(_ list: [String]) -> JSONValue { .array(list.map { .string($0) }) }

    static func permit(_ no: String, holder: String, kind: String = "operating", capacity: Int64? = 1000 * tonne) -> [String: JSONValue] {
        var b: [String: JSONValue] = [
            "permitNo": .string(no), "holder": .string(holder), "kind": .string(kind), "validFrom": "2025-01-01", "validTo": "2026-12-31",
        ]
        if kind == "operating" {
            b["wasteCodes"] = strings([code])
            b["methods"] = strings(["R4", "D10"])
            if let capacity { b["capacityGrams"] = .int(capacity) }
        }
        return b
    }

    static func line(grams: Int64 = 10 * tonne) -> JSONValue {
        .object([
            "wasteCode": .string(code), "name": "废铅蓄电池", "hazards": strings(["T", "C"]), "form": "固态", "packaging": "托盘",
            "packages": 10, "grams": .int(grams),
        ])
    }

    static func ratesBody() -> [String: JSONValue] {
        let directions: [JSONValue] = [("510000", "500000"), ("500000", "510000")].map { payer, payee in
            .object(["payer": .string(payer), "payee": .string(payee), "baseFenPerTonne": 10000])
        }
        let methods: [String: Int64] = ["D1": 1500, "D10": 1200, "D9": 1000, "C1": 800, "R*": 500]
        return [
            "rateTableId": "T1", "effectiveFrom": "2025-01-01", "directions": .array(directions),
            "categoryPermille": .object(["HW31": 1100]), "defaultCategoryPermille": 1000,
            "methodPermille": .object(methods.mapValues { .int($0) }),
        ]
    }

    func file(_ ref: String, generator: String, carriers: [String], receiver: String, basis: JSONValue, at time: String) throws {
        clock.set(UTCInstant(time)!)
        let assigned = try must("manifest.filed", generator, [
            "generator": .string(generator), "carriers": Self.strings(carriers), "receiver": .string(receiver),
            "plannedPickup": "2025-03-12", "method": "R4", "basis": basis, "lines": .array([Self.line()]),
        ])
        guard case .string(let no)? = assigned["manifestNo"] else { throw TestFailure("no manifestNo for \(ref): \(assigned)") }
        known.append(Known(
            ref: ref, no: no, generator: generator, carriers: carriers, receiver: receiver,
            filedOn: String(UTCInstant(time)!.shanghaiDate.description), state: "filed"))
    }

    func pickUp(_ ref: String) throws {
        let i = known.firstIndex { $0.ref == ref }!
        try must("manifest.pickedUp", known[i].carriers[0], [
            "manifestNo": .string(known[i].no), "vehiclePlate": "川A12345", "driver": "李师傅", "pickedUpAt": "2025-03-12T01:00:00Z",
        ])
        known[i].state = "inTransit"
    }

    func receive(_ ref: String) throws {
        let i = known.firstIndex { $0.ref == ref }!
        try must("manifest.received", known[i].receiver, [
            "manifestNo": .string(known[i].no), "deliveredAt": "2025-03-12T08:00:00Z", "method": "R4", "significantDiscrepancy": false,
            "lines": .array([.object(["line": 1, "grams": .int(10 * Self.tonne)])]),
        ])
        known[i].state = "received"
    }

    func build() throws {
        try register(Self.gen, "510100", ["generator"])
        try register(Self.gen2, "510700", ["generator"])
        try register(Self.cqGen, "500103", ["generator"])
        try register(Self.cqRecv, "500101", ["receiver"])
        try register(Self.scRecv, "510700", ["receiver", "utiliser"])
        try register(Self.scCarrier, "510100", ["carrier"])
        try register(Self.cqCarrier, "500101", ["carrier"])
        try register(Self.outsider, "510100", ["generator"])
        try must("permit.issued", Self.cq, Self.permit("CQ-HW-001", holder: Self.cqRecv))
        try must("permit.issued", Self.sc, Self.permit("SC-HW-001", holder: Self.scRecv))
        try must("permit.issued", Self.sc, Self.permit("SC-YS-001", holder: Self.scCarrier, kind: "transport"))
        try must("permit.issued", Self.cq, Self.permit("CQ-YS-001", holder: Self.cqCarrier, kind: "transport"))
        try must("compensation.rates.published", Self.cq, Self.ratesBody())
        try must("compensation.rates.confirmed", Self.sc, ["rateTableId": "T1"])

        // The full approval route for X (SPEC §2.3), and an application nobody reviews.
        let applied: [String: JSONValue] = [
            "applicationId": "APP-X", "generator": .string(Self.gen), "receiver": .string(Self.cqRecv), "wasteCode": .string(Self.code),
            "grams": .int(10 * Self.tonne), "method": "R4", "validFrom": "2025-03-01", "validTo": "2026-02-28", "appliedOn": "2025-03-03",
        ]
        try must("approval.applied", Self.gen, applied)
        try must("approval.reviewed", Self.sc, ["applicationId": "APP-X", "opinion": "agree", "reviewedOn": "2025-03-04"])
        try must("approval.consultation.requested", Self.sc, ["applicationId": "APP-X", "requestedOn": "2025-03-05"])
        try must("approval.consultation.replied", Self.cq, ["applicationId": "APP-X", "opinion": "agree", "repliedOn": "2025-03-06"])
        try must("approval.decided", Self.sc, [
            "applicationId": "APP-X", "decision": "approved", "decidedOn": "2025-03-07", "approvalNo": "N-X", "grams": .int(10 * Self.tonne),
            "validFrom": "2025-03-10", "validTo": "2025-12-31",
        ])
        var late = applied
        late["applicationId"] = "APP-LATE"
        try must("approval.applied", Self.gen, late)

        let intra: JSONValue = ["intraProvince": true]
        try file("X", generator: Self.gen, carriers: [Self.scCarrier], receiver: Self.cqRecv, basis: ["approval": "N-X"], at: "2025-03-09T02:00:00Z")
        try file("S1", generator: Self.gen, carriers: [Self.cqCarrier], receiver: Self.scRecv, basis: intra, at: "2025-03-09T17:00:00Z")
        try file("S2", generator: Self.gen2, carriers: [Self.scCarrier], receiver: Self.scRecv, basis: intra, at: "2025-03-10T03:00:00Z")
        try file("S3", generator: Self.gen2, carriers: [Self.scCarrier], receiver: Self.scRecv, basis: intra, at: "2025-03-11T03:00:00Z")
        try file("Q1", generator: Self.cqGen, carriers: [Self.cqCarrier], receiver: Self.cqRecv, basis: intra, at: "2025-03-11T04:00:00Z")
        try file("Q2", generator: Self.cqGen, carriers: [Self.cqCarrier], receiver: Self.cqRecv, basis: intra, at: "2025-03-11T15:59:59Z")

        clock.set(UTCInstant("2025-03-12T10:00:00Z")!)
        for ref in ["X", "S2", "S3", "Q1"] { try pickUp(ref) }
        for ref in ["X", "S3"] { try receive(ref) }
    }

    // MARK: Reading over HTTP

    func request(_ method: String, _ path: String, headers: [(String, String)] = []) throws -> WireResponse {
        try WireConnection(port: port).request(method, path, headers: headers, body: nil)
    }

    func get(_ path: String, as principal: String? = nil) throws -> WireResponse {
        guard let principal else { return try request("GET", path) }
        let key = principal == TestKeys.origin ? TestKeys.operatorKey : Self.key(principal)
        let header = DaemonFixture.authorization(key: key, method: "GET", target: path, time: Int64(Date().timeIntervalSince1970))
        return try request("GET", path, headers: [("Authorization", header)])
    }

    /// Every principal of the matrix: the operator, both regulators, every enterprise.
    static var principals: [String] { [TestKeys.origin, sc, cq] + enterprises }

    /// Which manifests `principal` may see (SPEC §4.2), computed from what the test filed.
    func visible(to principal: String) -> [Known] {
        known.filter { k in
            switch principal {
            case TestKeys.origin: true
            case Self.sc: k.provinces.contains("510000")
            case Self.cq: k.provinces.contains("500000")
            default: k.parties.contains(principal)
            }
        }.sorted { $0.no < $1.no }
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
func queryEncoded(_ s: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return s.addingPercentEncoding(withAllowedCharacters: allowed)!
}
