import Foundation
import LedgerCore
import LedgerSQLite
import Logging
import TransferLedger
import TransferRules

/// SplitMix64: the scale generator's own generator, so one seed gives the same submissions (keys, nonces, parties,
/// dates and quantities) on every run.
struct ScaleRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) } }
}

/// The ledger clock of the build: the generator replays 2025 day by day, so each day's events are appended at that
/// day's time (a receipt entered on its delivery day is on time; a back-entered one is late, as in life).
final class ScaleClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = UTCInstant(seconds: 0)
    var now: UTCInstant { lock.withLock { current } }
    func set(_ t: UTCInstant) { lock.withLock { current = t } }
}

/// A realistic 川渝 ledger of `manifests` manifests, built through the library's bulk submit with pre-signed
/// submissions, reproducible from `seed`.
///
/// The year 2025 is replayed day by day (one bulk submit per day). Before it: enterprises of both provinces
/// (generators, carriers with transport permits, receivers with operating permits), keys, a confirmed rate table, the
/// 2025 whitelists of both sides (published and confirmed), and cross-province applications: approved on the full
/// route (review, consultation, reply, decision), approved on the whitelist route (direct decision, notified), or
/// denied. During it: manifests filed → picked up → (a fifth handed over to a second carrier) → received; some
/// cancelled, rejected whole, left in transit past their due date, never picked up, received with a discrepancy or
/// back-entered late; corrections proposed and approved (some approvals still outstanding); Q1 and Q2 statements
/// closed; at the end, applications awaiting review or a reply and the 2026 whitelist awaiting confirmation. The
/// busiest party is generator 0 (parties are drawn with a skew, as a few large generators dominate).
struct ScaleWorkload {
    let directory: URL
    let reference: ReferenceData
    let manifests: Int
    let seed: UInt64

    /// The last day of the replay and the as-of date of every page measured.
    static let asOf = CivilDate(year: 2025, month: 12, day: 31)!
    static let origin = "bench.example/scale"

    /// What the build produced.
    struct Built {
        var path: String
        var operatorKeyPath: String
        var sichuan: SigningKey
        var enterprise: SigningKey
        var events: Int
        var submitSeconds: Double
        var signSeconds: Double
        var buildSeconds: Double
        var states: [String: Int]
    }

    struct Enterprise {
        var uscc: String
        var province: String
        var division: String
        var key: SigningKey
        var regulator: String { "REG-" + province }
    }

    /// (waste code, method, name, hazards): what every receiver's operating permit covers.
    static let wastes: [(code: String, method: String, name: String, hazards: [String])] = [
        ("900-052-31", "R4", "废铅蓄电池", ["T", "C"]), ("900-041-49", "D10", "废弃包装物", ["T", "In"]),
        ("772-002-18", "D1", "生活垃圾焚烧飞灰", ["T"]), ("336-050-17", "R4", "表面处理废物", ["T"]),
        ("900-249-08", "R9", "废矿物油", ["T", "I"]),
    ]

    /// One manifest's plan, compact (a million of them are kept).
    struct Plan {
        var generator: Int32
        var receiver: Int32
        var carrier1: Int32
        var carrier2: Int32  // -1: one carrier
        var waste: UInt8
        var lines: UInt8
        var kg1: Int32
        var kg2: Int32
        var approval: Int32  // -1: intra-province
        var discrepancy: Bool
        var delivery: Int32  // day number
    }

    /// A step of a manifest due on some day, in the order a day's steps are submitted.
    enum Step: Int, Comparable {
        case cancelled, pickedUp, handedOver, received, rejected, correctionProposed, correctionApproved
        static func < (a: Step, b: Step) -> Bool { a.rawValue < b.rawValue }
    }

    /// The operator's and Sichuan's regulator keys: the first two drawn from the seed's generator (``build()`` draws
    /// them first; `hwledger-bench --pages` signs in with the regulator's on a kept ledger).
    static func firstKeys(_ rng: inout ScaleRandom) throws -> (operator: SigningKey, sichuan: SigningKey) {
        let operatorKey = try SigningKey(name: Self.origin, seed: rng.bytes(32))
        return (operatorKey, try SigningKey(name: "REG-510000", seed: rng.bytes(32)))
    }

    func build() throws -> Built {
        let started = Date()
        var rng = ScaleRandom(seed: seed)
        let path = directory.appendingPathComponent("scale-\(manifests).sqlite").path
        let store = try SQLiteLedgerStore(path: path, create: true)
        let clock = ScaleClock()
        clock.set(UTCInstant("2024-11-01T00:00:00Z")!)
        let ledger = TransferLedger(store: store, reference: reference, clock: { clock.now }, logger: Logger(label: "bench"))
        let (operatorKey, sichuan) = try Self.firstKeys(&rng)
        let chongqing = try SigningKey(name: "REG-500000", seed: rng.bytes(32))
        let operatorKeyPath = directory.appendingPathComponent("operator-\(manifests).key").path
        _ = FileManager.default.createFile(atPath: operatorKeyPath, contents: Data(operatorKey.fileText.utf8))
        try ledger.initialise(genesis: try Genesis(json: .object([
            "origin": .string(Self.origin),
            "regulators": .array([
                .object(["id": "REG-510000", "name": "四川省生态环境厅", "province": "510000", "key": .string(sichuan.verifier.description)]),
                .object(["id": "REG-500000", "name": "重庆市生态环境局", "province": "500000", "key": .string(chongqing.verifier.description)]),
            ]),
        ])), operatorKey: operatorKey, operatorKeyPath: operatorKeyPath)

        // Parties: half in each province, every enterprise with a key.
        let divisions = try Self.divisions(reference: Bench.referenceDirectory())
        var serial = 0
        func enterprises(_ count: Int) throws -> [Enterprise] {
            try (0..<count).map { i in
                let province = i % 2 == 0 ? "510000" : "500000"
                let list = divisions[province]!
                let division = list[rng.below(list.count)]
                serial += 1
                let uscc = USCC.complete("91" + division + String(format: "%09d", serial))!
                return Enterprise(uscc: uscc, province: province, division: division, key: try SigningKey(name: uscc, seed: rng.bytes(32)))
            }
        }
        let generators = try enterprises(max(40, manifests / 200))
        let carriers = try enterprises(max(8, manifests / 2000))
        let receivers = try enterprises(max(6, manifests / 5000))
        var keys: [String: SigningKey] = ["REG-510000": sichuan, "REG-500000": chongqing]
        for e in generators + carriers + receivers { keys[e.uscc] = e.key }
        func inProvince(_ list: [Enterprise], _ province: String) -> [Int] { list.indices.filter { list[$0].province == province } }
        let carriersOf = ["510000": inProvince(carriers, "510000"), "500000": inProvince(carriers, "500000")]
        let receiversOf = ["510000": inProvince(receivers, "510000"), "500000": inProvince(receivers, "500000")]
        // Every other receiver of a province is on its side's whitelist.
        let whitelisted = { (r: Int) in receiversOf[receivers[r].province]!.firstIndex(of: r)! % 2 == 0 }

        // Regime steps by day: setup, rates, whitelists, applications, statement closes.
        var regime: [Int: [UnsignedEvent]] = [:]
        var closes: [Int: [(Quarter, String, String)]] = [:]
        func at(_ date: String, _ type: String, _ actor: String, _ body: [String: JSONValue]) {
            regime[CivilDate(date)!.dayNumber, default: []].append(UnsignedEvent(type: type, actor: actor, body: body))
        }
        func strings(_ l: [String]) -> JSONValue { .array(l.map { .string($0) }) }
        let allCodes = Self.wastes.map { $0.code }, allMethods = Array(Set(Self.wastes.map { $0.method })).sorted()
        for (list, roles) in [(generators, ["generator"]), (carriers, ["carrier"]), (receivers, ["receiver", "utiliser"])] {
            for e in list {
                at("2024-11-01", "enterprise.registered", e.regulator, [
                    "uscc": .string(e.uscc), "name": .string("川渝基准企业\(e.uscc.suffix(6))"), "division": .string(e.division), "roles": strings(roles),
                ])
                at("2024-11-01", "key.added", e.regulator, ["principal": .string(e.uscc), "key": .string(e.key.verifier.description)])
            }
        }
        for (i, e) in carriers.enumerated() {
            at("2024-11-04", "permit.issued", e.regulator, [
                "permitNo": .string("YS-\(i)"), "holder": .string(e.uscc), "kind": "transport", "validFrom": "2024-01-01", "validTo": "2027-12-31",
            ])
        }
        for (i, e) in receivers.enumerated() {
            at("2024-11-04", "permit.issued", e.regulator, [
                "permitNo": .string("HW-\(i)"), "holder": .string(e.uscc), "kind": "operating", "wasteCodes": strings(allCodes),
                "methods": strings(allMethods), "capacityGrams": .int(10_000_000_000_000), "validFrom": "2024-01-01", "validTo": "2026-12-31",
            ])
        }
        at("2024-12-02", "compensation.rates.published", "REG-500000", Self.rates(id: "RT-2025"))
        at("2024-12-03", "compensation.rates.confirmed", "REG-510000", ["rateTableId": "RT-2025"])
        func whitelist(_ province: String, year: Int64) -> [String: JSONValue] {
            let entries: [JSONValue] = receiversOf[province]!.filter(whitelisted).flatMap { r in
                Self.wastes.map { w in
                    .object(["receiver": .string(receivers[r].uscc), "wasteCode": .string(w.code), "capGrams": .int(1_000_000_000_000_000), "methods": strings([w.method])])
                }
            }
            return ["year": .int(year), "listingProvince": .string(province), "counterpartProvince": .string(Self.other(province)), "entries": .array(entries)]
        }
        for p in ["510000", "500000"] {
            at("2024-12-05", "whitelist.published", "REG-" + p, whitelist(p, year: 2025))
            at("2024-12-09", "whitelist.confirmed", "REG-" + Self.other(p), ["year": 2025, "listingProvince": .string(p)])
        }
        at("2025-12-10", "whitelist.published", "REG-500000", whitelist("500000", year: 2026))

        // Cross-province applications: (receiver, waste) of each generator's approval, or none.
        var approvals: [(receiver: Int, waste: Int)?] = Array(repeating: nil, count: generators.count)
        for (g, e) in generators.enumerated() {
            let origin = e.regulator, destination = "REG-" + Self.other(e.province)
            let others = receiversOf[Self.other(e.province)]!
            let u = rng.unit()
            let waste = rng.below(Self.wastes.count)
            let w = Self.wastes[waste]
            let id = "SQ-\(g)"
            func applied(_ on: String, to: String = "2025-12-31", receiver r: Int, grams: Int64 = 1_000_000_000_000) -> [String: JSONValue] {
                ["applicationId": .string(id), "generator": .string(e.uscc), "receiver": .string(receivers[r].uscc), "wasteCode": .string(w.code),
                 "grams": .int(grams), "method": .string(w.method), "validFrom": "2025-01-01", "validTo": .string(to), "appliedOn": .string(on)]
            }
            if u < 0.20 {
                // Whitelist route: a direct decision, then notified to the listing side.
                let r = others.filter(whitelisted)[rng.below(others.filter(whitelisted).count)]
                at("2024-12-16", "approval.applied", e.uscc, applied("2024-12-16", receiver: r))
                at("2024-12-18", "approval.decided", origin, ["applicationId": .string(id), "decision": "approved", "decidedOn": "2024-12-18",
                    "approvalNo": .string("AP-\(g)"), "grams": .int(1_000_000_000_000), "validFrom": "2025-01-01", "validTo": "2025-12-31"])
                at("2024-12-19", "approval.notified", origin, ["applicationId": .string(id), "notifiedOn": "2024-12-19"])
                approvals[g] = (r, waste)
            } else if u < 0.85 {
                // Full route: review, consultation, reply; approved, or denied after a disagreeing reply (1 in 7).
                let r = others.filter { !whitelisted($0) }.isEmpty ? others[0] : others.filter { !whitelisted($0) }[rng.below(others.filter { !whitelisted($0) }.count)]
                let deny = u >= 0.75
                at("2024-12-02", "approval.applied", e.uscc, applied("2024-12-02", to: "2025-12-31", receiver: r))
                at("2024-12-04", "approval.reviewed", origin, ["applicationId": .string(id), "opinion": "agree", "reviewedOn": "2024-12-04"])
                at("2024-12-05", "approval.consultation.requested", origin, ["applicationId": .string(id), "requestedOn": "2024-12-05"])
                var reply: [String: JSONValue] = ["applicationId": .string(id), "opinion": deny ? "disagree" : "agree", "repliedOn": "2024-12-10"]
                if deny { reply["reason"] = "接受单位处置能力不足" }
                at("2024-12-10", "approval.consultation.replied", destination, reply)
                if deny {
                    at("2024-12-12", "approval.decided", origin, ["applicationId": .string(id), "decision": "denied", "decidedOn": "2024-12-12", "reason": "接受地不同意"])
                } else {
                    at("2024-12-12", "approval.decided", origin, ["applicationId": .string(id), "decision": "approved", "decidedOn": "2024-12-12",
                        "approvalNo": .string("AP-\(g)"), "grams": .int(1_000_000_000_000), "validFrom": "2025-01-01", "validTo": "2025-12-31"])
                    approvals[g] = (r, waste)
                }
            } else if u < 0.91 {
                // Open at the end: applied for 2026, awaiting review, or reviewed and awaiting the other side's reply.
                let r = others[rng.below(others.count)]
                let pid = "SQ-2026-\(g)"
                var body = applied("2025-12-22", to: "2026-12-31", receiver: r)
                body["applicationId"] = .string(pid)
                body["validFrom"] = "2026-01-01"
                at("2025-12-22", "approval.applied", e.uscc, body)
                if u >= 0.88 {
                    at("2025-12-24", "approval.reviewed", origin, ["applicationId": .string(pid), "opinion": "agree", "reviewedOn": "2025-12-24"])
                    at("2025-12-25", "approval.consultation.requested", origin, ["applicationId": .string(pid), "requestedOn": "2025-12-25"])
                }
            }
        }
        for (day, quarter) in [("2025-04-15", "2025Q1"), ("2025-07-15", "2025Q2")] {
            closes[CivilDate(day)!.dayNumber] = [(Quarter(quarter)!, "510000", "500000"), (Quarter(quarter)!, "500000", "510000")]
        }

        // Manifests: filed uniformly over 2025-01-02 … 2025-12-30; their later steps on the agenda.
        var plans: [Plan] = []
        plans.reserveCapacity(manifests)
        var numbers: [String] = []
        numbers.reserveCapacity(manifests)
        var agenda: [Int: [(Step, Int32)]] = [:]
        let firstFiling = CivilDate("2025-01-02")!.dayNumber, lastFiling = CivilDate("2025-12-30")!.dayNumber
        let firstDay = CivilDate("2024-11-01")!.dayNumber, lastDay = Self.asOf.dayNumber
        var nextManifest = 0
        var events = 0, submitSeconds = 0.0, signSeconds = 0.0
        var states: [String: Int] = [:]
        let workers = ProcessInfo.processInfo.activeProcessorCount
        let keyTable = keys

        for day in firstDay...lastDay {
            let date = CivilDate(dayNumber: day)
            let signedAt = UTCInstant(seconds: Int64(day) * 86_400 + 36_000)  // 18:00 in Shanghai
            clock.set(signedAt)
            var todo: [UnsignedEvent] = regime[day] ?? []
            for (quarter, payer, payee) in closes[day] ?? [] {
                let s = try ledger.statement(quarter: quarter, payer: payer, payee: payee)
                todo.append(UnsignedEvent(type: "compensation.statement.closed", actor: "REG-" + payee, body: [
                    "quarter": .string(quarter.description), "payer": .string(payer), "payee": .string(payee), "totalFen": .int(s.totalFen),
                    "digest": .string(StatementJSON.digest(s)),
                ]))
            }
            // Steps of manifests filed earlier.
            for (step, m32) in (agenda.removeValue(forKey: day) ?? []).sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
                let m = Int(m32), p = plans[m], no = JSONValue.string(numbers[m])
                let generator = generators[Int(p.generator)].uscc, receiver = receivers[Int(p.receiver)].uscc
                let c1 = carriers[Int(p.carrier1)].uscc, c2 = p.carrier2 >= 0 ? carriers[Int(p.carrier2)].uscc : nil
                let d = date.description
                let w = Self.wastes[Int(p.waste)]
                var grams = [Int64(p.kg1) * 1000] + (p.lines > 1 ? [Int64(p.kg2) * 1000] : [])
                switch step {
                case .cancelled:
                    todo.append(UnsignedEvent(type: "manifest.cancelled", actor: generator, body: ["manifestNo": no, "reason": "计划变更，取消转移"]))
                case .pickedUp:
                    todo.append(UnsignedEvent(type: "manifest.pickedUp", actor: c1, body: [
                        "manifestNo": no, "vehiclePlate": .string(Self.plate(Int(p.carrier1))), "driver": "张师傅", "pickedUpAt": .string("\(d)T01:00:00Z"),
                    ]))
                case .handedOver:
                    todo.append(UnsignedEvent(type: "manifest.handedOver", actor: c2!, body: [
                        "manifestNo": no, "fromCarrier": .string(c1), "vehiclePlate": .string(Self.plate(Int(p.carrier2))), "driver": "李师傅",
                        "handedOverAt": .string("\(d)T03:00:00Z"),
                    ]))
                case .received:
                    // Delivered on the pickup day or the next; entered on delivery, or (back-entered) 9 days later.
                    if p.discrepancy { grams = grams.map { $0 / 10 * 9 } }
                    let deliveredAt = "\(CivilDate(dayNumber: Int(p.delivery)))T06:00:00Z"
                    todo.append(UnsignedEvent(type: "manifest.received", actor: receiver, body: [
                        "manifestNo": no, "deliveredAt": .string(deliveredAt), "method": .string(w.method), "significantDiscrepancy": false,
                        "lines": .array(grams.enumerated().map { .object(["line": .int(Int64($0.offset + 1)), "grams": .int($0.element)]) }),
                    ]))
                case .rejected:
                    todo.append(UnsignedEvent(type: "manifest.rejected", actor: receiver, body: [
                        "manifestNo": no, "deliveredAt": .string("\(d)T06:00:00Z"), "reason": "包装破损，整车拒收",
                    ]))
                case .correctionProposed:
                    todo.append(UnsignedEvent(type: "manifest.correction.proposed", actor: receiver, body: [
                        "manifestNo": no, "correctionId": .string("C-\(m)"), "reason": "复核称重",
                        "lines": [.object(["line": 1, "grams": .int(grams[0] - 1000)])],
                    ]))
                case .correctionApproved:
                    for party in [generator, c1] + (c2.map { [$0] } ?? []) {
                        todo.append(UnsignedEvent(type: "manifest.correction.approved", actor: party, body: ["manifestNo": no, "correctionId": .string("C-\(m)")]))
                    }
                }
            }
            // Today's filings.
            let filingsFrom = todo.count
            var filedToday: [Int] = []
            if day >= firstFiling && day <= lastFiling {
                let upTo = (day - firstFiling + 1) * manifests / (lastFiling - firstFiling + 1)
                while nextManifest < upTo {
                    let m = nextManifest
                    nextManifest += 1
                    let g = Int(Double(generators.count) * pow(rng.unit(), 2))
                    let gen = generators[g]
                    let pickup = day + 1 + rng.below(3)
                    var plan = Plan(generator: Int32(g), receiver: 0, carrier1: 0, carrier2: -1, waste: 0, lines: 1,
                                    kg1: Int32(1000 + rng.below(19_000)), kg2: Int32(1000 + rng.below(9000)), approval: -1, discrepancy: false, delivery: 0)
                    if let a = approvals[g], rng.unit() < 0.5, pickup <= CivilDate("2025-12-31")!.dayNumber {
                        plan.receiver = Int32(a.receiver)
                        plan.waste = UInt8(a.waste)
                        plan.approval = Int32(g)
                    } else {
                        let here = receiversOf[gen.province]!
                        plan.receiver = Int32(here[rng.below(here.count)])
                        plan.waste = UInt8(rng.below(Self.wastes.count))
                    }
                    if rng.unit() < 0.2 { plan.lines = 2 }
                    let home = carriersOf[gen.province]!, away = carriersOf[receivers[Int(plan.receiver)].province]!
                    plan.carrier1 = Int32(home[rng.below(home.count)])
                    let handover = rng.unit() < 0.2
                    if handover {
                        var c2 = away[rng.below(away.count)]
                        if c2 == Int(plan.carrier1) { c2 = away[(away.firstIndex(of: c2)! + 1) % away.count] }
                        if c2 != Int(plan.carrier1) { plan.carrier2 = Int32(c2) }
                    }
                    // Fate: 2 % cancelled, 0.5 % rejected whole, 1 % left in transit, 1 % never picked up, the rest received
                    // (3 % back-entered late, 2 % with a discrepancy, 1 % corrected).
                    let fate = rng.unit(), late = rng.unit() < 0.03, corrected = rng.unit() < 0.01, pending = rng.unit() < 0.3
                    plan.discrepancy = rng.unit() < 0.02
                    let delivery = pickup + (rng.unit() < 0.6 ? 0 : 1)
                    plan.delivery = Int32(delivery)
                    plans.append(plan)
                    numbers.append("")
                    filedToday.append(m)
                    let w = Self.wastes[Int(plan.waste)]
                    var carriersList = [JSONValue.string(carriers[Int(plan.carrier1)].uscc)]
                    if plan.carrier2 >= 0 { carriersList.append(.string(carriers[Int(plan.carrier2)].uscc)) }
                    let kgs = [plan.kg1] + (plan.lines > 1 ? [plan.kg2] : [])
                    todo.append(UnsignedEvent(type: "manifest.filed", actor: gen.uscc, body: [
                        "generator": .string(gen.uscc), "carriers": .array(carriersList), "receiver": .string(receivers[Int(plan.receiver)].uscc),
                        "plannedPickup": .string(CivilDate(dayNumber: pickup).description), "method": .string(w.method),
                        "basis": plan.approval >= 0 ? .object(["approval": .string("AP-\(g)")]) : .object(["intraProvince": true]),
                        "lines": .array(kgs.map { kg in
                            .object(["wasteCode": .string(w.code), "name": .string(w.name), "hazards": strings(w.hazards), "form": "固态",
                                     "packaging": "吨袋", "packages": .int(Int64(max(1, kg / 500))), "grams": .int(Int64(kg) * 1000)])
                        }),
                    ]))
                    func schedule(_ step: Step, _ on: Int) { agenda[on, default: []].append((step, Int32(m))) }
                    if fate < 0.02 {
                        schedule(.cancelled, day + 1)
                    } else if fate < 0.03 {
                        // Never picked up.
                    } else {
                        schedule(.pickedUp, pickup)
                        if plan.carrier2 >= 0 { schedule(.handedOver, pickup) }
                        if fate < 0.035 {
                            schedule(.rejected, delivery)
                        } else if fate < 0.045 {
                            // Left in transit.
                        } else {
                            let entered = delivery + (late ? 9 : 0)
                            schedule(.received, entered)
                            if corrected {
                                schedule(.correctionProposed, entered + 5)
                                if !pending { schedule(.correctionApproved, entered + 7) }
                            }
                        }
                    }
                }
            }
            guard !todo.isEmpty else { continue }
            // Sign on every core (signing is the clients' work, timed apart), then one bulk submit for the day.
            let nonces = todo.map { _ in rng.bytes(16) }
            var t = Date()
            let slots = SubmissionSlots(count: todo.count)
            let batch = todo
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var i = w
                while i < batch.count {
                    slots.set(i, batch[i].signed(with: keyTable[batch[i].actor]!, at: signedAt, nonce: nonces[i]))
                    i += workers
                }
            }
            let signed = slots.values
            signSeconds += Date().timeIntervalSince(t)
            t = Date()
            let outcomes = try ledger.submit(signed)
            submitSeconds += Date().timeIntervalSince(t)
            events += outcomes.count
            for (i, outcome) in outcomes.enumerated() {
                guard case .appended(_, _, let assigned) = outcome else {
                    throw BenchError("scale generator: \(todo[i].type) by \(todo[i].actor) on \(date) rejected: \(outcome)")
                }
                if i >= filingsFrom, case .string(let no)? = assigned["manifestNo"] { numbers[filedToday[i - filingsFrom]] = no }
                states[todo[i].type, default: 0] += 1
            }
            // Progress at each month's end, so a large build that is stopped still gives its rate.
            if date.adding(days: 1).day == 1 && manifests >= 100_000 {
                print("  build \(date): \(nextManifest) manifests filed, \(events) events, "
                      + String(format: "%.0f s, submit %.0f events/s", Date().timeIntervalSince(started), Double(events) / max(submitSeconds, 1e-9)))
                fflush(nil)
            }
        }
        clock.set(UTCInstant(seconds: Int64(lastDay) * 86_400 + 50_000))
        try ledger.publishCheckpoint(keys: [operatorKey])
        return Built(
            path: path, operatorKeyPath: operatorKeyPath, sichuan: sichuan, enterprise: generators[0].key, events: events + 1,
            submitSeconds: submitSeconds, signSeconds: signSeconds, buildSeconds: Date().timeIntervalSince(started), states: states)
    }

    static func other(_ province: String) -> String { province == "510000" ? "500000" : "510000" }

    static func plate(_ carrier: Int) -> String { (carrier % 2 == 0 ? "川A" : "渝B") + String(format: "%05d", carrier % 100_000) }

    /// The current prefecture and county codes of each province, from the reference lists.
    static func divisions(reference: String) throws -> [String: [String]] {
        let text = try String(contentsOfFile: reference + "/admin_divisions_sc_cq.csv", encoding: .utf8)
        var out: [String: [String]] = ["510000": [], "500000": []]
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count >= 5, f[2] != "province", f[4].isEmpty else { continue }
            let code = String(f[0])
            out[code.hasPrefix("51") ? "510000" : "500000"]?.append(code)
        }
        return out
    }

    /// The illustrative rate table of SPEC §2.6, both directions.
    static func rates(id: String) -> [String: JSONValue] {
        let directions: [JSONValue] = [("510000", "500000"), ("500000", "510000")].map { payer, payee in
            .object(["payer": .string(payer), "payee": .string(payee), "baseFenPerTonne": 10000])
        }
        let methods: [String: Int64] = ["D1": 1500, "D10": 1200, "D9": 1000, "D16": 1000, "C1": 800, "C2": 800, "C3": 800, "R*": 500]
        return [
            "rateTableId": .string(id), "effectiveFrom": "2025-01-01", "directions": .array(directions),
            "categoryPermille": .object(["HW18": 1500, "HW17": 1200, "HW48": 1200]), "defaultCategoryPermille": 1000,
            "methodPermille": .object(methods.mapValues { .int($0) }),
        ]
    }
}
