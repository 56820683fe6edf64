import Foundation
import LedgerCore
import LedgerTestSupport
import TransferLedger
import TransferRules

// The hostile-input corpus of GitHub issue 6 (SPEC §3.1, §4.3, §5). This file is shared by the library suite
// (TransferLedgerTests) and the process suite (CLITests, through a symbolic link of the same name), so it depends
// only on LedgerTestSupport and the libraries.

/// The parties of the hostile corpus: the same USCCs as `TransferParty`, so that `TransferScenario`'s standard
/// setup registers them in library tests.
enum HostileParty {
    static let generator = TestKeys.uscc(division: "510100", serial: 101)
    static let receiver = TestKeys.uscc(division: "500101", serial: 201)
    static let scReceiver = TestKeys.uscc(division: "510700", serial: 301)
    static let scReceiver2 = TestKeys.uscc(division: "510100", serial: 302)
    static let carrier = TestKeys.uscc(division: "510100", serial: 401)
    static let outsider = TestKeys.uscc(division: "510100", serial: 501)
    /// A valid USCC that is never registered.
    static let unregistered = TestKeys.uscc(division: "510100", serial: 777)
    static let sc = "REG-510000"
    static let cq = "REG-500000"
    static let operatorID = TestKeys.origin
    static let code = "900-052-31"
    static let t: Int64 = 1_000_000

    /// The key an actor signs with (variant 0 is the registered one).
    static func key(_ actor: String, variant: UInt8 = 0) -> SigningKey {
        if variant == 0 {
            switch actor {
            case sc: return TestKeys.sichuan
            case cq: return TestKeys.chongqing
            case operatorID: return TestKeys.operatorKey
            default: break
            }
        }
        return TestKeys.key(actor, variant: variant)
    }
}

/// One unsigned event of the corpus.
struct HostileStep: Sendable {
    var type: String
    var actor: String
    var body: [String: JSONValue]

    var event: JSONValue { .object(["type": .string(type), "actor": .string(actor), "body": .object(body)]) }
}

/// What a hostile variant is fed to the ledger as.
enum HostilePayload: Sendable {
    /// The bytes of one `{"type","actor","body"}` line, signed at submission by `signer`'s key (`submit --key`).
    case eventLine([UInt8], signer: String)
    /// The bytes of one `{"submission","sig"}` line (`submit --signed`).
    case signedLine([UInt8])
    /// A submission handed to the library directly, bypassing the JSON parser (library tests only).
    case direct(SignedSubmission)
}

/// How a hostile variant must be answered.
enum HostileExpectation: Sendable, Equatable {
    /// Not well-formed JSON of the accepted kind: the parser refuses it (CLI exit 65, nothing appended).
    case malformed
    /// Judged and rejected with one of these rules (CLI exit 2).
    case rule(Set<RuleID>)

    static func only(_ r: RuleID) -> HostileExpectation { .rule([r]) }
}

struct HostileVariant: Sendable, CustomStringConvertible {
    var base: String
    var kind: String
    var detail: String
    var payload: HostilePayload
    var expected: HostileExpectation
    /// A fragment the rejection message must contain (the field it names), if any.
    var mentions: [String] = []

    var description: String { "[\(base)] \(kind): \(detail)" }
}

/// Path steps into a JSON value.
enum HostilePath: Sendable, CustomStringConvertible {
    case key(String)
    case index(Int)
    var description: String {
        switch self {
        case .key(let k): ".\(k)"
        case .index(let i): "[\(i)]"
        }
    }
}

extension JSONValue {
    /// This value with the member at `path` replaced by `value` (removed when nil).
    func replacing(_ path: ArraySlice<HostilePath>, with value: JSONValue?) -> JSONValue {
        guard let first = path.first else { return value ?? .null }
        switch (self, first) {
        case (.object(var o), .key(let k)):
            if path.count == 1 {
                o[k] = value
            } else if let inner = o[k] {
                o[k] = inner.replacing(path.dropFirst(), with: value)
            }
            return .object(o)
        case (.array(var a), .index(let i)) where i < a.count:
            if path.count == 1 {
                if let value { a[i] = value } else { a.remove(at: i) }
            } else {
                a[i] = a[i].replacing(path.dropFirst(), with: value)
            }
            return .array(a)
        default: return self
        }
    }
}

/// The corpus: base events that the ledger accepts in the corpus state, and ≥ 300 hostile variants of them.
///
/// The state is the `TransferScenario` standard parties plus ``setup`` (revoked keys, manifests picked up, and one
/// accepted "twin" of every base whose signed submission is kept for replays).
struct HostileCorpus: Sendable {
    typealias P = HostileParty
    /// Not before the corpus's latest act (a receipt delivered 2025-03-12T08:00:00Z), so R-TIME passes the bases; a
    /// ledger that judges the corpus must stand at this time or later (``HostileFeeder/corpus(on:)``).
    static let signedAt = UTCInstant("2025-03-12T08:00:00Z")!

    /// The base kinds, in the order their valid bodies are finally appended.
    static let kinds = [
        "enterprise.registered", "key.added", "permit.issued", "approval.applied", "manifest.filed", "manifest.received",
        "p2p.registered", "compensation.rates.published",
    ]

    /// Manifest numbers assigned during setup: the one the base receipt names, the one the twin receipt names.
    var receiptManifest: String
    var twinReceiptManifest: String
    /// The accepted twin of each base kind, as signed.
    var twins: [String: SignedSubmission]

    // MARK: Signing

    /// A deterministic nonce: 16 bytes from a tag.
    static func nonce(_ tag: String) -> [UInt8] { Array(Hash.sha256(Array("hostile-nonce/\(tag)".utf8)).bytes.prefix(16)) }

    static func sign(_ step: HostileStep, key: SigningKey? = nil, nonceTag: String) -> SignedSubmission {
        UnsignedEvent(type: step.type, actor: step.actor, body: step.body)
            .signed(with: key ?? P.key(step.actor), at: signedAt, nonce: nonce(nonceTag))
    }

    // MARK: State

    /// The standard parties (what `TransferScenario.setUpParties` gives the corpus), for ledgers built by the CLI.
    static var partySetup: [HostileStep] {
        func reg(_ uscc: String, _ division: String, _ roles: [String]) -> [HostileStep] {
            let regulator = division.hasPrefix("51") ? P.sc : P.cq
            return [
                HostileStep(type: "enterprise.registered", actor: regulator, body: [
                    "uscc": .string(uscc), "name": "测试企业", "division": .string(division), "roles": .array(roles.map { .string($0) }),
                ]),
                HostileStep(type: "key.added", actor: regulator, body: ["principal": .string(uscc), "key": .string(P.key(uscc).verifier.description)]),
            ]
        }
        var steps: [HostileStep] = []
        steps += reg(P.generator, "510100", ["generator"])
        steps += reg(P.receiver, "500101", ["receiver"])
        steps += reg(P.scReceiver, "510700", ["receiver", "utiliser"])
        steps += reg(P.scReceiver2, "510100", ["receiver"])
        steps += reg(P.carrier, "510100", ["carrier"])
        steps += reg(P.outsider, "510100", ["generator"])
        steps.append(HostileStep(type: "permit.issued", actor: P.cq, body: permitBody("CQ-HW-001", holder: P.receiver, to: "2026-06-30")))
        steps.append(HostileStep(type: "permit.issued", actor: P.sc, body: permitBody("SC-HW-001", holder: P.scReceiver, to: "2026-12-31")))
        steps.append(HostileStep(type: "permit.issued", actor: P.sc, body: [
            "permitNo": "SC-YS-001", "holder": .string(P.carrier), "kind": "transport", "validFrom": "2025-01-01", "validTo": "2027-12-31",
        ]))
        return steps
    }

    static func permitBody(_ no: String, holder: String, to: String = "2026-06-30") -> [String: JSONValue] {
        [
            "permitNo": .string(no), "holder": .string(holder), "kind": "operating", "wasteCodes": [.string(P.code), "900-041-49"],
            "methods": ["R4", "D10"], "capacityGrams": .int(1000 * P.t), "validFrom": "2025-01-01", "validTo": .string(to),
        ]
    }

    static func manifestBody() -> [String: JSONValue] {
        [
            "generator": .string(P.generator), "carriers": [.string(P.carrier)], "receiver": .string(P.scReceiver),
            "plannedPickup": "2025-03-12", "method": "R4", "basis": ["intraProvince": true],
            "lines": [[
                "wasteCode": .string(P.code), "name": "废铅蓄电池", "hazards": ["T", "C"], "form": "固态", "packaging": "托盘",
                "packages": 10, "grams": .int(10 * P.t),
            ]],
        ]
    }

    static func pickedUp(_ no: String) -> HostileStep {
        HostileStep(type: "manifest.pickedUp", actor: P.carrier, body: [
            "manifestNo": .string(no), "vehiclePlate": "川A12345", "driver": "李师傅", "pickedUpAt": "2025-03-12T01:00:00Z",
        ])
    }

    /// The valid event of a base kind; `variant` 0 is the one mutated, 1 its accepted twin.
    func base(_ kind: String, variant: Int = 0) -> HostileStep {
        Self.base(kind, variant: variant, receipt: variant == 0 ? receiptManifest : twinReceiptManifest)
    }

    static func base(_ kind: String, variant: Int, receipt: String) -> HostileStep {
        let v = String(variant)
        switch kind {
        case "enterprise.registered":
            return HostileStep(type: kind, actor: P.sc, body: [
                "uscc": .string(TestKeys.uscc(division: "510100", serial: 9000 + variant)), "name": "成都某化工有限公司",
                "division": "510100", "roles": ["generator", "carrier"],
            ])
        case "key.added":
            return HostileStep(type: kind, actor: P.sc, body: [
                "principal": .string(P.outsider), "key": .string(P.key(P.outsider, variant: UInt8(10 + variant)).verifier.description),
            ])
        case "permit.issued":
            return HostileStep(type: kind, actor: P.sc, body: permitBody("SC-HW-90\(v)", holder: P.scReceiver2))
        case "approval.applied":
            return HostileStep(type: kind, actor: P.generator, body: [
                "applicationId": .string("HOSTILE-A-\(v)"), "generator": .string(P.generator), "receiver": .string(P.receiver),
                "wasteCode": .string(P.code), "grams": .int(10 * P.t), "method": "R4", "validFrom": "2025-03-01", "validTo": "2026-02-28",
                "appliedOn": "2025-03-03",
            ])
        case "manifest.filed":
            return HostileStep(type: kind, actor: P.generator, body: manifestBody())
        case "manifest.received":
            return HostileStep(type: kind, actor: P.scReceiver, body: [
                "manifestNo": .string(receipt), "deliveredAt": "2025-03-12T08:00:00Z", "method": "R4", "significantDiscrepancy": false,
                "note": "外包装完好", "lines": [["line": 1, "grams": .int(9_900_000), "rejectedGrams": .int(100_000)]],
            ])
        case "p2p.registered":
            return HostileStep(type: kind, actor: P.sc, body: [
                "registrationNo": .string("P2P-H-\(v)"), "generator": .string(P.generator), "utiliser": .string(P.scReceiver),
                "wasteCode": .string(P.code), "substituteUse": "替代铅精矿", "capGrams": .int(100 * P.t), "validFrom": "2023-01-01",
                "validTo": "2024-06-30", "declaredAnnualGrams": .int(500 * P.t), "controlledDrugProduction": false,
                "generalExemptionApplies": false,
            ])
        case "compensation.rates.published":
            return HostileStep(type: kind, actor: P.sc, body: [
                "rateTableId": .string("RT-H-\(v)"), "effectiveFrom": "2025-01-01",
                "directions": [["payer": "510000", "payee": "500000", "baseFenPerTonne": 10000]],
                "categoryPermille": ["HW31": 1000], "defaultCategoryPermille": 1000, "methodPermille": ["R4": 500, "D10": 1200],
                "p2pPermille": 0,
            ])
        default: fatalError("no base \(kind)")
        }
    }

    /// Builds the corpus state on a ledger that already holds the standard parties. `run` submits signed
    /// submissions in order and returns, per submission, what was assigned (nil if rejected).
    init(run: ([SignedSubmission]) throws -> [[String: JSONValue]?]) throws {
        func must(_ items: [SignedSubmission], _ what: String) throws -> [[String: JSONValue]] {
            let results = try run(items)
            guard results.count == items.count else { throw TestFailure("setup \(what): \(results.count) results for \(items.count)") }
            return try results.enumerated().map { i, r in
                guard let r else { throw TestFailure("setup \(what): item \(i) (\(items[i].submission.type)) was rejected") }
                return r
            }
        }
        // Stage 1: second keys that are then revoked, two manifests to receive, and the twins that need no manifest.
        var stage1: [HostileStep] = []
        for (principal, regulator) in [(P.sc, P.sc), (P.generator, P.sc), (P.scReceiver, P.sc)] {
            let key = P.key(principal, variant: 1)
            stage1.append(HostileStep(type: "key.added", actor: regulator, body: ["principal": .string(principal), "key": .string(key.verifier.description)]))
            stage1.append(HostileStep(type: "key.revoked", actor: regulator, body: ["principal": .string(principal), "keyId": .string(key.verifier.keyIDHex)]))
        }
        stage1.append(HostileStep(type: "manifest.filed", actor: P.generator, body: Self.manifestBody()))
        stage1.append(HostileStep(type: "manifest.filed", actor: P.generator, body: Self.manifestBody()))
        let noTwin = Self.kinds.filter { $0 != "manifest.received" }
        var signed1 = stage1.enumerated().map { Self.sign($1, nonceTag: "setup-\($0)") }
        let twinSigned = noTwin.map { Self.sign(Self.base($0, variant: 1, receipt: ""), nonceTag: "twin-\($0)") }
        signed1 += twinSigned
        let assigned = try must(signed1, "stage 1")
        guard case .string(let m0)? = assigned[stage1.count - 2]["manifestNo"], case .string(let m1)? = assigned[stage1.count - 1]["manifestNo"] else {
            throw TestFailure("setup: no manifest numbers assigned")
        }
        receiptManifest = m0
        twinReceiptManifest = m1
        var twins: [String: SignedSubmission] = [:]
        for (kind, s) in zip(noTwin, twinSigned) { twins[kind] = s }
        // Stage 2: both manifests picked up, the twin one received.
        let receiptTwin = Self.sign(Self.base("manifest.received", variant: 1, receipt: m1), nonceTag: "twin-manifest.received")
        _ = try must([Self.sign(Self.pickedUp(m0), nonceTag: "pickup-0"), Self.sign(Self.pickedUp(m1), nonceTag: "pickup-1"), receiptTwin], "stage 2")
        twins["manifest.received"] = receiptTwin
        self.twins = twins
    }

    /// The valid bodies of every base, signed, in ``kinds`` order (each must be appended after the variants).
    var finalBases: [SignedSubmission] {
        Self.kinds.map { Self.sign(base($0), nonceTag: "final-\($0)") }
    }

    // MARK: Variants

    static let optionalFields: Set<String> = ["body.note", "body.lines[0].rejectedGrams", "body.p2pPermille"]
    static let mapFields: Set<String> = ["categoryPermille", "methodPermille"]

    /// Every hostile variant, deterministic for a seed.
    func variants(seed: UInt64 = 6) -> [HostileVariant] {
        var rng = SplitMix64(seed: seed)
        var out: [HostileVariant] = []
        for kind in Self.kinds {
            let step = base(kind)
            out += structural(kind, step)
            out += raw(kind, step, rng: &rng)
            out += signatures(kind, step)
            out += wrongActors(kind, step)
        }
        out += global()
        return out
    }

    static func line(_ v: JSONValue) -> [UInt8] { CanonicalJSON.encode(v) }

    /// Field-level mutations: missing, unknown, wrong types, empty values, enumerations, negative and bad dates.
    func structural(_ kind: String, _ step: HostileStep) -> [HostileVariant] {
        var out: [HostileVariant] = []
        let event = step.event
        func add(_ k: String, _ detail: String, _ value: JSONValue, _ expected: HostileExpectation = .only(.schema), mentions: [String] = []) {
            out.append(HostileVariant(base: kind, kind: k, detail: detail, payload: .eventLine(Self.line(value), signer: step.actor), expected: expected, mentions: mentions))
        }
        func walk(_ value: JSONValue, _ path: [HostilePath]) {
            guard case .object(let o) = value else { return }
            let pathText = "body" + path.dropFirst().map(\.description).joined()
            add("unknown field", "\(pathText).zzUnknown", event.replacing(ArraySlice(path + [.key("zzUnknown")]), with: .int(1)), mentions: ["zzUnknown", pathText])
            add("unknown field", "\(pathText).Case-variant key", event.replacing(ArraySlice(path + [.key(o.keys.sorted()[0].uppercased() + "X")]), with: .string("x")))
            for key in o.keys.sorted() {
                let member = o[key]!
                let p = path + [.key(key)]
                let text = pathText + "." + key
                let at = ArraySlice(p)
                if !Self.optionalFields.contains(text) {
                    add("missing field", text, event.replacing(at, with: nil), mentions: [key])
                }
                for (name, wrong) in Self.wrongTypes(for: member, key: key) {
                    add("wrong type", "\(text) = \(name)", event.replacing(at, with: wrong), mentions: [key])
                }
                switch member {
                case .string(let s):
                    if CivilDate(s) != nil || s.count == 10 && s.dropFirst(4).first == "-" {
                        for bad in ["2025-02-30", "20250301", "2025-3-1", "2025-03-01T00:00:00Z"] {
                            add("bad date", "\(text) = \(bad)", event.replacing(at, with: .string(bad)), mentions: [key])
                        }
                    } else if s.count == 20 && s.hasSuffix("Z") {
                        for bad in ["2025-03-12T08:00:00+08:00", "2025-03-12 08:00:00Z", "2025-03-12T25:00:00Z"] {
                            add("bad instant", "\(text) = \(bad)", event.replacing(at, with: .string(bad)), mentions: [key])
                        }
                    }
                case .int:
                    add("negative number", "\(text) = -1", event.replacing(at, with: .int(-1)), mentions: [key])
                case .object:
                    if Self.mapFields.contains(key) {
                        add("map value wrong type", "\(text).R4 = \"500\"", event.replacing(ArraySlice(p + [.key(key == "methodPermille" ? "R4" : "HW31")]), with: .string("500")))
                        add("map value negative", "\(text) value -5", event.replacing(ArraySlice(p + [.key(key == "methodPermille" ? "R4" : "HW31")]), with: .int(-5)))
                        add("map value null", "\(text) value null", event.replacing(ArraySlice(p + [.key(key == "methodPermille" ? "R4" : "HW31")]), with: .null))
                        if key == "categoryPermille" {
                            // Keys the decoder's own shape check refuses; keys of the right shape but outside HW01–HW40,
                            // HW45–HW50 are in categoryKeyVariants (each on its own ledger).
                            for bad in ["hw31", "HW999", "HW"] {
                                add("map key outside enumeration", "\(text).\(bad)", event.replacing(ArraySlice(p + [.key(bad)]), with: .int(1000)))
                            }
                        } else {
                            add("map key outside enumeration", "\(text).ZZ9", event.replacing(ArraySlice(p + [.key("ZZ9")]), with: .int(1000)), .rule([.schema, .methodCode]))
                        }
                    } else {
                        walk(member, p)
                        if key == "basis" {
                            add("enumeration", "basis intraProvince false", event.replacing(ArraySlice(p + [.key("intraProvince")]), with: .bool(false)))
                            add("enumeration", "basis with two grounds", event.replacing(ArraySlice(p + [.key("approval")]), with: .string("N-1")))
                            add("enumeration", "basis empty", event.replacing(at, with: .object([:])))
                        }
                    }
                case .array(let items):
                    if case .object? = items.first {
                        walk(items[0], p + [.index(0)])
                    } else if case .string(let first)? = items.first {
                        add("enumeration", "\(text) + unknown member", event.replacing(at, with: .array(items + [.string("zz-not-a-member")])),
                            key == "roles" || key == "hazards" ? .only(.schema) : .rule([.schema, .wasteCode, .methodCode, .uscc, .notFound]))
                        if key == "roles" || key == "hazards" || key == "carriers" {
                            add("enumeration", "\(text) repeats a member", event.replacing(at, with: .array(items + [.string(first)])))
                        }
                    }
                default: break
                }
            }
        }
        walk(event["body"]!, [.key("body")])
        // Envelope.
        for key in ["type", "actor", "body"] {
            add("missing field", "event.\(key)", event.replacing([.key(key)], with: nil), mentions: [key])
            for (name, wrong) in Self.wrongTypes(for: event[key]!, key: key) {
                add("wrong type", "event.\(key) = \(name)", event.replacing([.key(key)], with: wrong), mentions: [key])
            }
        }
        add("unknown field", "event.zzUnknown", event.replacing([.key("zzUnknown")], with: .int(1)), mentions: ["zzUnknown"])
        add("unknown field", "event.nonce supplied by the clerk", event.replacing([.key("nonce")], with: .string(String(repeating: "0", count: 32))))
        for other in ["manifest.filed2", "MANIFEST.FILED", "ledger.genesis", "manifest.filed ", "approval.*"] + Self.kinds.filter({ $0 != kind }).prefix(2) {
            add("wrong type", "type = \(other)", event.replacing([.key("type")], with: .string(other)))
        }
        add("entry too large", "a 70,000-byte name", event.replacing([.key("body"), .key(step.body["name"] != nil ? "name" : "zzBig")], with: .string(String(repeating: "废", count: 24_000))))
        return out
    }

    /// Values of a different JSON type than `value` (or of the right type but broken: empty, wrong members).
    static func wrongTypes(for value: JSONValue, key: String) -> [(String, JSONValue)] {
        let deep: JSONValue = (0..<19).reduce(JSONValue.array([])) { v, _ in .array([v]) }
        switch value {
        case .string:
            return [("integer", .int(7)), ("boolean", .bool(true)), ("null", .null), ("array", .array([.string("x")])), ("object", .object([:])),
                    ("empty string", .string("")), ("20 nested arrays", deep)]
        case .int:
            return [("string", .string("1")), ("boolean", .bool(true)), ("null", .null), ("array", .array([.int(1)])), ("object", .object(["n": 1]))]
        case .bool:
            return [("string", .string("true")), ("integer", .int(1)), ("null", .null), ("array", .array([.bool(true)]))]
        case .array(let items):
            var list: [(String, JSONValue)] = [("string", .string("x")), ("integer", .int(1)), ("null", .null), ("object", .object([:])),
                                               ("array of integers", .array([.int(1)])), ("array holding null", .array([.null]))]
            if case .string? = items.first { list.append(("array holding an empty string", .array([.string("")]))) }
            if case .object? = items.first { list.append(("array of strings", .array([.string("x")]))) }
            if key != "hazards" { list.append(("empty array", .array([]))) }
            return list
        case .object:
            return [("array", .array([])), ("string", .string("x")), ("integer", .int(1)), ("null", .null)]
        default:
            return [("integer", .int(1)), ("object", .object([:]))]
        }
    }

    /// Byte-level mutations: invalid UTF-8, control bytes, duplicate keys, truncation, huge and non-integer numbers,
    /// deep nesting, trailing data.
    func raw(_ kind: String, _ step: HostileStep, rng: inout SplitMix64) -> [HostileVariant] {
        var out: [HostileVariant] = []
        let bytes = Self.line(step.event)
        func add(_ k: String, _ detail: String, _ b: [UInt8], _ expected: HostileExpectation = .malformed) {
            out.append(HostileVariant(base: kind, kind: k, detail: detail, payload: .eventLine(b, signer: step.actor), expected: expected))
        }
        func offset(after needle: String, in b: [UInt8] = bytes) -> Int {
            let n = Array(needle.utf8)
            for i in 0...(b.count - n.count) where Array(b[i..<(i + n.count)]) == n { return i + n.count }
            fatalError("\(needle) not in \(String(decoding: b, as: UTF8.self))")
        }
        func inserting(_ insert: [UInt8], at i: Int, in b: [UInt8] = bytes) -> [UInt8] { Array(b[..<i]) + insert + Array(b[i...]) }
        // Invalid UTF-8 and invalid Unicode inside the actor string.
        let actorAt = offset(after: "\"actor\":\"")
        let utf8: [(String, [UInt8])] = [
            ("byte FF", [0xFF]), ("overlong NUL C0 80", [0xC0, 0x80]), ("encoded surrogate ED A0 80", [0xED, 0xA0, 0x80]),
            ("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80]), ("truncated sequence E4 B8", [0xE4, 0xB8]), ("lone continuation 80", [0x80]),
            ("lone surrogate escape", Array("\\ud800".utf8)), ("reversed surrogate escapes", Array("\\udc00\\ud800".utf8)),
            ("raw control byte 01", [0x01]), ("raw newline inside a string", [0x0A]), ("bad escape \\x", Array("\\x41".utf8)),
        ]
        for (name, insert) in utf8 { add("invalid UTF-8 / Unicode", name, inserting(insert, at: actorAt)) }
        // Invalid UTF-8 replacing the first byte of non-ASCII text in the body.
        if let i = bytes.firstIndex(where: { $0 >= 0x80 }) {
            var b = bytes
            b[i] = 0xFF
            add("invalid UTF-8 / Unicode", "first non-ASCII lead byte → FF", b)
        }
        add("invalid UTF-8 / Unicode", "UTF-8 byte order mark", [0xEF, 0xBB, 0xBF] + bytes)
        add("invalid UTF-8 / Unicode", "non-ASCII object key", inserting(Array("\"名称\":\"x\",".utf8), at: offset(after: "\"body\":{")))
        // Duplicate keys: envelope, body, nested.
        add("duplicate key", "event.type twice", inserting(Array("\"type\":\"\(step.type)\",".utf8), at: 1))
        let bodyAt = offset(after: "\"body\":{")
        let firstKey = step.body.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }[0]
        let firstMember = Array("\"\(firstKey)\":".utf8) + CanonicalJSON.encode(step.body[firstKey]!) + [UInt8(ascii: ",")]
        add("duplicate key", "body.\(firstKey) twice (same value)", inserting(firstMember, at: bodyAt))
        add("duplicate key", "body.zz twice (different values)", inserting(Array("\"zz\":1,\"zz\":2,".utf8), at: bodyAt))
        if step.body["lines"] != nil {
            add("duplicate key", "body.lines[0].grams twice", inserting(Array("\"grams\":1,".utf8), at: offset(after: "\"lines\":[{")))
        }
        // Truncation at random points.
        for _ in 0..<6 {
            let cut = Int.random(in: 1..<bytes.count, using: &rng)
            add("truncation", "cut at byte \(cut) of \(bytes.count)", Array(bytes.prefix(cut)))
        }
        add("truncation", "last byte missing", Array(bytes.dropLast()))
        // Trailing data.
        add("trailing data", "two objects on one line", bytes + bytes)
        add("trailing data", "garbage after the object", bytes + Array(" x".utf8))
        // Numbers: every integer leaf replaced by forms the canonical parser refuses.
        let marker: Int64 = 4_242_424_242_424
        for path in Self.intPaths(.object(step.body), [.key("body")]) {
            let text = String(decoding: Self.line(step.event.replacing(ArraySlice(path), with: .int(marker))), as: UTF8.self)
            let name = "body" + path.dropFirst().map(\.description).joined()
            for form in ["9007199254740992", "-9007199254740992", "1e3", "1.5", "1E+2", "1e400", "123456789012345678901234567890", "01", "+1", "-", "0x10", "NaN", "Infinity"] {
                add("number outside the integer range or form", "\(name) = \(form)", Array(text.replacingOccurrences(of: String(marker), with: form).utf8))
            }
        }
        // Deep nesting in an unknown member: 30 levels of arrays still parse (depth 32 with the event and body), 31 and
        // more do not.
        for depth in [31, 33, 64, 1000, 100_000] {
            let nest = Array(String(repeating: "[", count: depth).utf8) + Array(String(repeating: "]", count: depth).utf8)
            add("deep nesting", "\(depth) nested arrays", inserting(Array("\"zz\":".utf8) + nest + [UInt8(ascii: ",")], at: bodyAt))
        }
        let objects = Array(String(repeating: "{\"a\":", count: 40).utf8) + Array("1".utf8) + Array(String(repeating: "}", count: 40).utf8)
        add("deep nesting", "40 nested objects", inserting(Array("\"zz\":".utf8) + objects + [UInt8(ascii: ",")], at: bodyAt))
        let ok = Array(String(repeating: "[", count: 30).utf8) + Array(String(repeating: "]", count: 30).utf8)
        add("deep nesting", "30 nested arrays in an unknown member (parses; unknown field)", inserting(Array("\"zz\":".utf8) + ok + [UInt8(ascii: ",")], at: bodyAt), .only(.schema))
        return out
    }

    static func intPaths(_ value: JSONValue, _ path: [HostilePath]) -> [[HostilePath]] {
        switch value {
        case .int: return [path]
        case .object(let o): return o.keys.sorted().flatMap { intPaths(o[$0]!, path + [.key($0)]) }
        case .array(let a): return a.isEmpty ? [] : intPaths(a[0], path + [.index(0)])
        default: return []
        }
    }

    /// Signature attacks: tampering after signing, broken signatures, wrong, forged, unknown and revoked keys,
    /// malformed envelopes and replays.
    func signatures(_ kind: String, _ step: HostileStep) -> [HostileVariant] {
        var out: [HostileVariant] = []
        func add(_ k: String, _ detail: String, _ value: JSONValue, _ expected: HostileExpectation) {
            out.append(HostileVariant(base: kind, kind: k, detail: detail, payload: .signedLine(Self.line(value)), expected: expected))
        }
        func signedJSON(_ s: SignedSubmission) -> JSONValue { s.json }
        let good = Self.sign(step, nonceTag: "sig-\(kind)")
        let goodJSON = signedJSON(good)
        func withSubmission(_ path: [HostilePath], _ v: JSONValue?) -> JSONValue {
            goodJSON.replacing(ArraySlice([.key("submission")] + path), with: v)
        }
        // Tampering after signing.
        add("bad signature", "signedAt changed after signing", withSubmission([.key("signedAt")], .string("2025-03-02T08:00:00Z")), .only(.signature))
        add("bad signature", "nonce changed after signing", withSubmission([.key("nonce")], .string(Hex.encode(Self.nonce("other")))), .only(.signature))
        let textField = ["name", "permitNo", "applicationId", "note", "substituteUse", "rateTableId"].first { step.body[$0] != nil }
        if let textField {
            add("bad signature", "body.\(textField) changed after signing", withSubmission([.key("body"), .key(textField)], .string("篡改")), .only(.signature))
        } else if let lines = step.body["lines"], case .array = lines {
            add("bad signature", "body.lines[0].name changed after signing", withSubmission([.key("body"), .key("lines"), .index(0), .key("name")], .string("篡改")), .only(.signature))
        } else {
            let otherKey = HostileParty.key(HostileParty.outsider, variant: 12).verifier.description
            add("bad signature", "body.key changed after signing", withSubmission([.key("body"), .key("key")], .string(otherKey)), .only(.signature))
        }
        var flipped = good
        flipped.signature[17] ^= 0x04
        add("bad signature", "one bit of the signature flipped", signedJSON(flipped), .only(.signature))
        var zero = good
        zero.signature = [UInt8](repeating: 0, count: 64)
        add("bad signature", "all-zero signature", signedJSON(zero), .only(.signature))
        add("bad signature", "63-byte signature", goodJSON.replacing([.key("sig")], with: .string(Data(good.signature.prefix(63)).base64EncodedString())), .only(.signature))
        add("bad signature", "65-byte signature", goodJSON.replacing([.key("sig")], with: .string(Data(good.signature + [0]).base64EncodedString())), .only(.signature))
        add("bad signature", "signature not base64", goodJSON.replacing([.key("sig")], with: .string("!!!not base64!!!")), .only(.signature))
        add("bad signature", "signature an integer", goodJSON.replacing([.key("sig")], with: .int(64)), .only(.schema))
        add("bad signature", "signature missing", goodJSON.replacing([.key("sig")], with: nil), .only(.schema))
        add("bad signature", "unknown wrapper field", goodJSON.replacing([.key("zz")], with: .int(1)), .only(.schema))
        // Keys.
        let stranger = HostileParty.key(HostileParty.outsider, variant: 5)
        var forged = Self.sign(step, key: stranger, nonceTag: "forged-\(kind)")
        forged.submission.keyID = good.submission.keyID
        forged.signature = forged.submission.signature(with: stranger)
        add("wrong key", "signed by another key under the actor's keyId", signedJSON(forged), .only(.signature))
        let otherParty = step.actor == HostileParty.outsider ? HostileParty.carrier : HostileParty.outsider
        add("wrong key", "signed by another party's registered key", signedJSON(Self.sign(step, key: HostileParty.key(otherParty), nonceTag: "other-\(kind)")), .only(.signature))
        add("wrong key", "signed by a key never added", signedJSON(Self.sign(step, key: HostileParty.key(step.actor, variant: 9), nonceTag: "unknown-\(kind)")), .only(.signature))
        add("revoked key", "signed by the actor's revoked key", signedJSON(Self.sign(step, key: HostileParty.key(step.actor, variant: 1), nonceTag: "revoked-\(kind)")), .only(.signature))
        var unknownActor = step
        unknownActor.actor = HostileParty.unregistered
        add("wrong actor", "an unregistered enterprise", signedJSON(Self.sign(unknownActor, key: HostileParty.key(HostileParty.unregistered), nonceTag: "unreg-\(kind)")), .only(.signature))
        var unknownRegulator = step
        unknownRegulator.actor = "REG-440000"
        add("wrong actor", "a regulator not in genesis", signedJSON(Self.sign(unknownRegulator, key: HostileParty.key("REG-440000"), nonceTag: "reg440-\(kind)")), .only(.signature))
        // Malformed submissions.
        add("malformed submission", "keyId upper-case", withSubmission([.key("keyId")], .string(good.submission.keyID.uppercased() == good.submission.keyID ? "ABCDEF12" : good.submission.keyID.uppercased())), .only(.schema))
        add("malformed submission", "nonce of 31 hex digits", withSubmission([.key("nonce")], .string(String(good.submission.nonce.dropLast()))), .only(.schema))
        add("malformed submission", "signedAt with a space", withSubmission([.key("signedAt")], .string("2025-03-01 08:00:00Z")), .only(.schema))
        add("malformed submission", "unknown submission field", withSubmission([.key("zz")], .int(1)), .only(.schema))
        add("malformed submission", "submission missing keyId", withSubmission([.key("keyId")], nil), .only(.schema))
        add("malformed submission", "submission an array", goodJSON.replacing([.key("submission")], with: .array([])), .only(.schema))
        // Replays.
        if let twin = twins[kind] {
            add("replay", "the accepted twin again, byte for byte", signedJSON(twin), .only(.nonce))
            let reused = Self.sign(step, nonceTag: "twin-\(kind)")
            add("replay", "a new body signed with the twin's nonce", signedJSON(reused), .only(.nonce))
        }
        return out
    }

    /// The valid body signed (correctly) by principals that may not emit it.
    func wrongActors(_ kind: String, _ step: HostileStep) -> [HostileVariant] {
        let everyone = [P.operatorID, P.sc, P.cq, P.generator, P.carrier, P.scReceiver, P.outsider, P.receiver]
        let allowed: Set<String> = kind == "compensation.rates.published" ? [P.sc, P.cq] : [step.actor]
        return everyone.filter { !allowed.contains($0) }.map { actor in
            var s = step
            s.actor = actor
            return HostileVariant(base: kind, kind: "wrong actor", detail: actor, payload: .eventLine(Self.line(s.event), signer: actor), expected: .only(.auth))
        }
    }

    /// Lines that are JSON but not an event, and the ledger's own genesis type.
    func global() -> [HostileVariant] {
        var out: [HostileVariant] = []
        for text in ["null", "[]", "42", "\"event\"", "true", "{}", "[{\"type\":\"enterprise.registered\"}]"] {
            out.append(HostileVariant(base: "-", kind: "not an event", detail: text, payload: .eventLine(Array(text.utf8), signer: P.sc), expected: .only(.schema)))
        }
        for text in ["", " ", "{", "}", "nul", "{\"type\":}", "\u{0}"] where !text.trimmingCharacters(in: .whitespaces).isEmpty {
            out.append(HostileVariant(base: "-", kind: "not JSON", detail: text.debugDescription, payload: .eventLine(Array(text.utf8), signer: P.sc), expected: .malformed))
        }
        let genesis = HostileStep(type: "ledger.genesis", actor: P.operatorID, body: [:])
        out.append(HostileVariant(base: "-", kind: "wrong type", detail: "ledger.genesis with an empty body", payload: .eventLine(Self.line(genesis.event), signer: P.operatorID), expected: .only(.schema)))
        return out
    }

    /// `compensation.rates.published` whose categoryPermille names a key of the form HWnn that is not a category of the
    /// 名录 (HW01–HW40, HW45–HW50): outside the field's enumeration, so R-SCHEMA (SPEC §1, §2.1, §5).
    func categoryKeyVariants() -> [HostileVariant] {
        let step = base("compensation.rates.published")
        return ["HW-1", "HW+1", "HW00", "HW41", "HW99"].map { bad in
            let event = step.event.replacing([.key("body"), .key("categoryPermille"), .key(bad)], with: .int(1000))
            return HostileVariant(
                base: step.type, kind: "map key outside enumeration", detail: "body.categoryPermille.\(bad)",
                payload: .eventLine(Self.line(event), signer: step.actor), expected: .only(.schema))
        }
    }

    /// Library-only variants that bypass the parser: integers of 2^53 and beyond, and nesting deeper than the
    /// parser allows, built as values.
    func directVariants() -> [HostileVariant] {
        var out: [HostileVariant] = []
        for kind in Self.kinds {
            let step = base(kind)
            for path in Self.intPaths(.object(step.body), [.key("body")]) {
                let name = "body" + path.dropFirst().map(\.description).joined()
                for n in [JSONValue.integerLimit, JSONValue.integerLimit + 1, -JSONValue.integerLimit] {
                    guard case .object(let body) = step.event.replacing(ArraySlice(path), with: .int(n))["body"]! else { continue }
                    let s = Self.sign(HostileStep(type: step.type, actor: step.actor, body: body), nonceTag: "direct-\(kind)-\(name)-\(n)")
                    out.append(HostileVariant(base: kind, kind: "integer beyond ±2^53 (direct)", detail: "\(name) = \(n)", payload: .direct(s), expected: .only(.schema)))
                }
            }
            for depth in [33, 200] {
                let deep: JSONValue = (0..<depth).reduce(JSONValue.int(1)) { v, _ in .array([v]) }
                var body = step.body
                body["zz"] = deep
                out.append(HostileVariant(
                    base: kind, kind: "deep nesting (direct)", detail: "\(depth) levels in an unknown member",
                    payload: .direct(Self.sign(HostileStep(type: step.type, actor: step.actor, body: body), nonceTag: "deep-\(kind)-\(depth)")), expected: .only(.schema)))
            }
        }
        return out
    }
}
