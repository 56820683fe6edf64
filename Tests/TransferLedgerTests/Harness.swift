import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// Everything observable about a ledger's state: tree size, checkpoints and every projection row.
struct Snapshot: Equatable {
    var size: UInt64
    var checkpoints: [UInt64]
    var projections: [String: [String: [UInt8]]]
}

/// A test ledger (TestLedger with the two regulators) in a temp directory, with signing helpers.
final class Harness {
    let dir = TempDirectory()
    let test: TestLedger
    var ledger: TransferLedger { test.ledger }
    var store: any LedgerStore { test.store }

    static let time = UTCInstant("2025-03-01T08:00:00Z")!
    static let sichuan = TestKeys.sichuan
    static let chongqing = TestKeys.chongqing

    init(_ kind: StoreKind = .memory) throws {
        test = try TestLedger(store: try kind.make(in: dir).store, time: Self.time)
    }

    func snapshot() throws -> Snapshot {
        try store.read { r throws in
            var projections: [String: [String: [UInt8]]] = [:]
            for kind in try r.projectionKinds() {
                try r.forEachProjection(kind: kind, after: nil) { key, value in
                    projections[kind, default: [:]][key] = value
                    return true
                }
            }
            return Snapshot(size: try r.treeSize(), checkpoints: try r.checkpoints().map(\.size), projections: projections)
        }
    }

    func size() throws -> UInt64 { try store.read { try $0.treeSize() } }

    /// Signs an event; `nonce` defaults to a fresh random one.
    func sign(_ type: String, actor: String, key: SigningKey, body: [String: JSONValue], nonce: [UInt8]? = nil) -> SignedSubmission {
        let event = UnsignedEvent(type: type, actor: actor, body: body)
        return event.signed(with: key, at: test.clock.signingTime(for: event), nonce: nonce ?? randomNonce())
    }

    func send(_ s: SignedSubmission) throws -> SubmitOutcome { try ledger.submit([s])[0] }

    /// Signs and submits; the regulator of Sichuan by default.
    func submit(_ type: String, actor: String = "REG-510000", key: SigningKey = TestKeys.sichuan, body: [String: JSONValue], nonce: [UInt8]? = nil) throws -> SubmitOutcome {
        try send(sign(type, actor: actor, key: key, body: body, nonce: nonce))
    }

    /// Registers an enterprise and adds its key (TestLedger.register).
    @discardableResult
    func register(_ uscc: String, division: String = "510100", roles: [String] = ["generator"]) throws -> SigningKey {
        try test.register(uscc, division: division, roles: roles)
    }

    /// Registers an enterprise without a key.
    func registerOnly(_ uscc: String, division: String = "510100") throws {
        let regulator = division.hasPrefix("51") ? Self.sichuan : Self.chongqing
        try require(try submit("enterprise.registered", actor: regulator.name, key: regulator, body: Body.enterprise(uscc, division: division)))
    }

    /// Throws unless `outcome` is an append (for setup steps).
    func require(_ outcome: SubmitOutcome, _ what: String = "setup") throws {
        guard case .appended = outcome else { throw TestFailure("\(what): \(outcome)") }
    }

    func enterpriseRecord(_ uscc: String) throws -> Enterprise? {
        try store.read { try $0.projection(kind: "enterprise", key: uscc) }.map { try ProjectionCodec.decode(Enterprise.self, from: $0, kind: "enterprise", key: uscc) }
    }

    func keyRecord(_ principal: String, _ keyId: String) throws -> KeyRecord? {
        try store.read { try $0.projection(kind: "key", key: "\(principal)/\(keyId)") }.map { try ProjectionCodec.decode(KeyRecord.self, from: $0, kind: "key", key: "\(principal)/\(keyId)") }
    }
}

/// Event bodies of SPEC §5.
enum Body {
    static func enterprise(_ uscc: String, division: String = "510100", roles: [String] = ["generator"], name: String = "测试企业") -> [String: JSONValue] {
        ["uscc": .string(uscc), "name": .string(name), "division": .string(division), "roles": .array(roles.map { .string($0) })]
    }

    static func keyAdded(_ principal: String, _ key: SigningKey) -> [String: JSONValue] {
        ["principal": .string(principal), "key": .string(key.verifier.description)]
    }

    static func keyRevoked(_ principal: String, _ keyId: String) -> [String: JSONValue] {
        ["principal": .string(principal), "keyId": .string(keyId)]
    }

    static func keyRevoked(_ principal: String, _ key: SigningKey) -> [String: JSONValue] {
        keyRevoked(principal, key.verifier.keyIDHex)
    }

    /// A second `ledger.genesis` body, as `init` would build it.
    static func genesis() throws -> [String: JSONValue] {
        try Genesis(json: TestKeys.genesisJSON()).body(operatorKey: TestKeys.operatorKey.verifier)
    }
}

/// Identities used across the tests.
enum ID {
    static let sichuan1 = TestKeys.uscc(division: "510100", serial: 1)
    static let sichuan2 = TestKeys.uscc(division: "510100", serial: 2)
    static let sichuan3 = TestKeys.uscc(division: "510100", serial: 3)
    static let chongqing1 = TestKeys.uscc(division: "500101", serial: 11)
    static let chongqing2 = TestKeys.uscc(division: "500101", serial: 12)
    static let unregistered = TestKeys.uscc(division: "510100", serial: 99)
    static let badCheck = "91350203M0001QAY9B"
}

extension SignedSubmission {
    /// The same submission with one bit of its signature flipped.
    func corrupted() -> SignedSubmission {
        var copy = self
        copy.signature[10] ^= 0x01
        return copy
    }
}

/// One scenario: setup steps (which must succeed), then the submission under test.
struct Scenario: Sendable, CustomTestStringConvertible {
    enum Expected: Sendable, Equatable {
        case appended
        case rejected(RuleID)
    }

    /// The rule this scenario exercises (triggers, or passes).
    var rule: RuleID
    var desc: String
    var expected: Expected
    var prepare: @Sendable (Harness) throws -> (() throws -> SubmitOutcome)

    init(_ rule: RuleID, _ desc: String, _ expected: Expected, _ prepare: @escaping @Sendable (Harness) throws -> (() throws -> SubmitOutcome)) {
        self.rule = rule
        self.desc = desc
        self.expected = expected
        self.prepare = prepare
    }

    var testDescription: String { "\(rule.rawValue): \(desc)" }

    /// Runs the scenario on a fresh ledger and checks the outcome: a rejection names the rule and changes nothing
    /// (tree size, checkpoints, projections); an append grows the tree by one and changes the projections.
    func check(_ kind: StoreKind = .memory, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let h = try Harness(kind)
        let attempt = try prepare(h)
        let before = try h.snapshot()
        let outcome = try attempt()
        let after = try h.snapshot()
        switch (expected, outcome) {
        case (.rejected(let rule), .rejected(let violation)):
            #expect(violation.rule == rule, "\(desc): got \(violation)", sourceLocation: sourceLocation)
            #expect(!violation.message.isEmpty, sourceLocation: sourceLocation)
            #expect(after.size == before.size, "\(desc): tree size changed", sourceLocation: sourceLocation)
            #expect(after == before, "\(desc): state changed on a rejection", sourceLocation: sourceLocation)
        case (.appended, .appended(let index, _, _)):
            #expect(index == before.size, sourceLocation: sourceLocation)
            #expect(after.size == before.size + 1, sourceLocation: sourceLocation)
            #expect(after.projections != before.projections, sourceLocation: sourceLocation)
        default:
            Issue.record("\(desc): expected \(expected), got \(outcome)", sourceLocation: sourceLocation)
        }
    }
}
