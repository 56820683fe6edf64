import Testing
import TransferRules

/// The registry rules (SPEC §2.1) against an in-memory state, without the log.
@Suite("RegistryRules")
struct RegistryRulesTests {
    struct State: RegistryState {
        var origin = "hwledger.test/sc-cq"
        var regulators: [String: Regulator] = [
            "REG-510000": Regulator(id: "REG-510000", name: "四川省生态环境厅", province: "510000"),
            "REG-500000": Regulator(id: "REG-500000", name: "重庆市生态环境局", province: "500000"),
        ]
        var enterprises: [String: Enterprise] = [:]
        var keys: [String: KeyRecord] = [:]

        func regulator(_ id: String) throws -> Regulator? { regulators[id] }
        func enterprise(_ uscc: String) throws -> Enterprise? { enterprises[uscc] }
        func key(principal: String, keyId: String) throws -> KeyRecord? { keys["\(principal)/\(keyId)"] }
    }

    static let reference: ReferenceData = try! ReferenceData(csv: [
        .divisions: "code,name_zh,level\n510000,四川省,province\n510100,成都市,prefecture\n500000,重庆市,province\n500101,万州区,district\n",
        .wasteCodes: "code,category,description_zh,hazard\n900-041-49,HW49,x,T\n",
        .methods: "code,meaning_zh,group\nR1,x,利用\n",
        .holidays: "date,kind\n2025-10-01,holiday\n",
    ])

    static let rules = RegistryRules(reference: reference)
    static let sichuanUSCC = USCC.complete("91510100000000001")!
    static let chongqingUSCC = USCC.complete("91500101000000002")!

    static var state: State {
        var s = State()
        s.enterprises[sichuanUSCC] = Enterprise(uscc: sichuanUSCC, name: "川", division: "510100", roles: [.generator], registeredAt: 1)
        s.enterprises[chongqingUSCC] = Enterprise(uscc: chongqingUSCC, name: "渝", division: "500101", roles: [.receiver], registeredAt: 2)
        s.keys["\(sichuanUSCC)/0000aaaa"] = KeyRecord(principal: sichuanUSCC, keyId: "0000aaaa", key: "k", addedAt: 3)
        s.keys["\(sichuanUSCC)/0000bbbb"] = KeyRecord(principal: sichuanUSCC, keyId: "0000bbbb", key: "k", addedAt: 3, revokedAt: 4)
        s.keys["REG-510000/11111111"] = KeyRecord(principal: "REG-510000", keyId: "11111111", key: "k", addedAt: 0)
        return s
    }

    static func rule(_ body: () throws -> Void) -> RuleID? {
        do {
            try body()
            return nil
        } catch let v as RuleViolation {
            return v.rule
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    struct RegisterCase: Sendable, CustomTestStringConvertible {
        var desc: String
        var uscc: String
        var division: String
        var actor: String
        var expected: RuleID?
        var testDescription: String { desc }
    }

    static let newSichuan = USCC.complete("91510100000000009")!

    @Test("enterprise.registered", arguments: [
        RegisterCase(desc: "a Sichuan enterprise by REG-510000 passes", uscc: newSichuan, division: "510100", actor: "REG-510000", expected: nil),
        RegisterCase(desc: "a registration hint of another province does not matter", uscc: "91350200776049653A", division: "510100", actor: "REG-510000", expected: nil),
        RegisterCase(desc: "bad check character", uscc: "91350203M0001QAY9B", division: "510100", actor: "REG-510000", expected: .uscc),
        RegisterCase(desc: "unknown division", uscc: newSichuan, division: "510199", actor: "REG-510000", expected: .division),
        RegisterCase(desc: "other province", uscc: newSichuan, division: "500101", actor: "REG-510000", expected: .auth),
        RegisterCase(desc: "not a regulator", uscc: newSichuan, division: "510100", actor: sichuanUSCC, expected: .auth),
        RegisterCase(desc: "unknown regulator", uscc: newSichuan, division: "510100", actor: "REG-440000", expected: .auth),
        RegisterCase(desc: "duplicate", uscc: sichuanUSCC, division: "510100", actor: "REG-510000", expected: .duplicate),
        RegisterCase(desc: "bad USCC beats wrong province", uscc: "91350203M0001QAY9B", division: "500101", actor: "REG-510000", expected: .uscc),
        RegisterCase(desc: "bad division beats wrong actor", uscc: newSichuan, division: "999999", actor: sichuanUSCC, expected: .division),
        RegisterCase(desc: "wrong province beats duplicate", uscc: sichuanUSCC, division: "510100", actor: "REG-500000", expected: .auth),
    ])
    func register(c: RegisterCase) {
        let e = EnterpriseRegistered(uscc: c.uscc, name: "x", division: c.division, roles: [.generator])
        #expect(Self.rule { try Self.rules.check(e, actor: c.actor, state: Self.state, on: CivilDate("2025-03-01")!) } == c.expected)
    }

    struct KeyCase: Sendable, CustomTestStringConvertible {
        var desc: String
        var principal: String
        var keyName: String
        var keyId: String
        var actor: String
        var expected: RuleID?
        var testDescription: String { desc }
    }

    @Test("key.added", arguments: [
        KeyCase(desc: "a new key for a Sichuan enterprise by REG-510000 passes", principal: sichuanUSCC, keyName: sichuanUSCC, keyId: "0000cccc", actor: "REG-510000", expected: nil),
        KeyCase(desc: "a regulator adds its own key", principal: "REG-510000", keyName: "REG-510000", keyId: "22222222", actor: "REG-510000", expected: nil),
        KeyCase(desc: "key named differently", principal: sichuanUSCC, keyName: chongqingUSCC, keyId: "0000cccc", actor: "REG-510000", expected: .schema),
        KeyCase(desc: "bad principal USCC", principal: "91350203M0001QAY9B", keyName: "91350203M0001QAY9B", keyId: "0000cccc", actor: "REG-510000", expected: .uscc),
        KeyCase(desc: "unregistered principal", principal: newSichuan, keyName: newSichuan, keyId: "0000cccc", actor: "REG-510000", expected: .notFound),
        KeyCase(desc: "unknown regulator principal", principal: "REG-440000", keyName: "REG-440000", keyId: "0000cccc", actor: "REG-510000", expected: .notFound),
        KeyCase(desc: "other province", principal: sichuanUSCC, keyName: sichuanUSCC, keyId: "0000cccc", actor: "REG-500000", expected: .auth),
        KeyCase(desc: "another regulator's key", principal: "REG-500000", keyName: "REG-500000", keyId: "0000cccc", actor: "REG-510000", expected: .auth),
        KeyCase(desc: "enterprise as actor", principal: sichuanUSCC, keyName: sichuanUSCC, keyId: "0000cccc", actor: sichuanUSCC, expected: .auth),
        KeyCase(desc: "duplicate key id", principal: sichuanUSCC, keyName: sichuanUSCC, keyId: "0000aaaa", actor: "REG-510000", expected: .duplicate),
        KeyCase(desc: "name mismatch beats not found", principal: newSichuan, keyName: sichuanUSCC, keyId: "0000cccc", actor: "REG-500000", expected: .schema),
        KeyCase(desc: "not found beats wrong province", principal: newSichuan, keyName: newSichuan, keyId: "0000cccc", actor: "REG-500000", expected: .notFound),
        KeyCase(desc: "wrong province beats duplicate", principal: sichuanUSCC, keyName: sichuanUSCC, keyId: "0000aaaa", actor: "REG-500000", expected: .auth),
    ])
    func keyAdded(c: KeyCase) {
        let e = KeyAdded(principal: c.principal, key: "\(c.keyName)+\(c.keyId)+x", keyName: c.keyName, keyId: c.keyId)
        #expect(Self.rule { try Self.rules.check(e, actor: c.actor, state: Self.state) } == c.expected)
    }

    @Test("key.revoked", arguments: [
        KeyCase(desc: "revoking a live key passes", principal: sichuanUSCC, keyName: "", keyId: "0000aaaa", actor: "REG-510000", expected: nil),
        KeyCase(desc: "revoking a revoked key", principal: sichuanUSCC, keyName: "", keyId: "0000bbbb", actor: "REG-510000", expected: .state),
        KeyCase(desc: "unknown key id", principal: sichuanUSCC, keyName: "", keyId: "0000dddd", actor: "REG-510000", expected: .notFound),
        KeyCase(desc: "unregistered principal", principal: newSichuan, keyName: "", keyId: "0000aaaa", actor: "REG-510000", expected: .notFound),
        KeyCase(desc: "bad principal USCC", principal: "91350203M0001QAY9B", keyName: "", keyId: "0000aaaa", actor: "REG-510000", expected: .uscc),
        KeyCase(desc: "other province", principal: sichuanUSCC, keyName: "", keyId: "0000aaaa", actor: "REG-500000", expected: .auth),
        KeyCase(desc: "another regulator's key", principal: "REG-510000", keyName: "", keyId: "11111111", actor: "REG-500000", expected: .auth),
        KeyCase(desc: "unknown key beats wrong province", principal: sichuanUSCC, keyName: "", keyId: "0000dddd", actor: "REG-500000", expected: .notFound),
        KeyCase(desc: "wrong province beats already revoked", principal: sichuanUSCC, keyName: "", keyId: "0000bbbb", actor: "REG-500000", expected: .auth),
    ])
    func keyRevoked(c: KeyCase) {
        let e = KeyRevoked(principal: c.principal, keyId: c.keyId)
        #expect(Self.rule { try Self.rules.check(e, actor: c.actor, state: Self.state) } == c.expected)
    }

    @Test("violations carry one rule id and a sentence")
    func violationDescription() {
        let v = RuleViolation(.uscc, "body.uscc X is not valid")
        #expect(v.description == "R-USCC: body.uscc X is not valid")
        #expect(RuleID.allCases.map(\.rawValue).allSatisfy { $0.hasPrefix("R-") })
        #expect(Set(RuleID.allCases.map(\.rawValue)).count == RuleID.allCases.count)
    }

    @Test("principals are classified by form", arguments: [
        ("hwledger.test/sc-cq", Principal.operatorOf(origin: "hwledger.test/sc-cq")),
        ("REG-510000", Principal.regulator(province: "510000")),
        ("91350200776049653A", Principal.enterprise(uscc: "91350200776049653A")),
    ])
    func principals(id: String, expected: Principal) {
        #expect(Principal(id, origin: "hwledger.test/sc-cq") == expected)
        #expect(expected.id == id)
    }

    @Test("strings that are no principal are refused", arguments: ["REG-510100", "REG-5100", "REG-abcdef", "someone", ""])
    func notPrincipals(id: String) {
        #expect(Principal(id, origin: "hwledger.test/sc-cq") == nil)
    }

    @Test("the province of a division is its first two digits and 0000")
    func province() {
        #expect(Division.province(of: "510104") == "510000")
        #expect(Division.province(of: "500101") == "500000")
        #expect(Division.isCode("510104") && !Division.isCode("51010") && !Division.isCode("51010a") && !Division.isCode("５10104"))
    }
}
