import LedgerCore
import LedgerTestSupport
import TransferLedger
import TransferRules

/// The registry scenarios of SPEC §2.1 / §5, per rule: ones that trigger it and ones that pass it.
enum Scenarios {
    typealias S = Scenario
    static let sc = TestKeys.sichuan
    static let cq = TestKeys.chongqing

    static func without(_ body: [String: JSONValue], _ field: String) -> [String: JSONValue] {
        var b = body
        b[field] = nil
        return b
    }

    static func with(_ body: [String: JSONValue], _ field: String, _ value: JSONValue) -> [String: JSONValue] {
        var b = body
        b[field] = value
        return b
    }

    // MARK: R-SCHEMA

    static let schemaRejected: [S] = [
        S(.schema, "missing field (name)", .rejected(.schema)) { h in
            { try h.submit("enterprise.registered", body: without(Body.enterprise(ID.sichuan1), "name")) }
        },
        S(.schema, "missing field (roles)", .rejected(.schema)) { h in
            { try h.submit("enterprise.registered", body: without(Body.enterprise(ID.sichuan1), "roles")) }
        },
        S(.schema, "unknown field", .rejected(.schema)) { h in
            { try h.submit("enterprise.registered", body: with(Body.enterprise(ID.sichuan1), "legalRepresentative", "张三")) }
        },
        S(.schema, "wrong type (division as a number)", .rejected(.schema)) { h in
            { try h.submit("enterprise.registered", body: with(Body.enterprise(ID.sichuan1), "division", .int(510100))) }
        },
        S(.schema, "wrong type (roles as a string)", .rejected(.schema)) { h in
            { try h.submit("enterprise.registered", body: with(Body.enterprise(ID.sichuan1), "roles", "generator")) }
        },
        S(.schema, "empty string", .rejected(.schema)) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1, name: "")) }
        },
        S(.schema, "unknown role", .rejected(.schema)) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1, roles: ["generator", "dealer"])) }
        },
        S(.schema, "empty roles", .rejected(.schema)) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1, roles: [])) }
        },
        S(.schema, "repeated role", .rejected(.schema)) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1, roles: ["carrier", "carrier"])) }
        },
        S(.schema, "unknown event type", .rejected(.schema)) { h in
            { try h.submit("enterprise.deleted", body: ["uscc": .string(ID.sichuan1)]) }
        },
        S(.schema, "key.added with a key named differently from the principal", .rejected(.schema)) { h in
            try h.register(ID.sichuan1)
            return { try h.submit("key.added", body: Body.keyAdded(ID.sichuan1, TestKeys.key(ID.sichuan2))) }
        },
        S(.schema, "key.added with a key string that does not parse", .rejected(.schema)) { h in
            try h.register(ID.sichuan1)
            return { try h.submit("key.added", body: ["principal": .string(ID.sichuan1), "key": "not-a-key"]) }
        },
        S(.schema, "key.added with a key id that does not match the key", .rejected(.schema)) { h in
            try h.register(ID.sichuan1)
            let parts = TestKeys.key(ID.sichuan1, variant: 1).verifier.description.split(separator: "+")
            let forged = "\(parts[0])+00000000+\(parts[2])"
            return { try h.submit("key.added", body: ["principal": .string(ID.sichuan1), "key": .string(forged)]) }
        },
        S(.schema, "key.revoked with a keyId that is not hex", .rejected(.schema)) { h in
            try h.register(ID.sichuan1)
            return { try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, "zzzzzzzz")) }
        },
        S(.schema, "key.revoked with an upper-case keyId", .rejected(.schema)) { h in
            let key = try h.register(ID.sichuan1)
            return { try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, key.verifier.keyIDHex.uppercased() == key.verifier.keyIDHex ? "ABCDEF12" : key.verifier.keyIDHex.uppercased())) }
        },
        S(.schema, "key.revoked with a 7-digit keyId", .rejected(.schema)) { h in
            let key = try h.register(ID.sichuan1)
            return { try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, String(key.verifier.keyIDHex.prefix(7)))) }
        },
        S(.schema, "a body that makes the entry ≥ 65,535 bytes", .rejected(.schema)) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1, name: String(repeating: "废", count: 22_000))) }
        },
        S(.schema, "ledger.genesis without operatorKey", .rejected(.schema)) { h in
            { try h.submit("ledger.genesis", actor: TestKeys.origin, key: TestKeys.operatorKey, body: TestKeys.genesisJSON().objectValue!) }
        },
    ]

    static let schemaPassed: [S] = [
        S(.schema, "a well-formed registration with every role", .appended) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1, roles: ["generator", "carrier", "receiver", "utiliser"])) }
        },
        S(.schema, "a well-formed key.revoked with lower-case hex", .appended) { h in
            let key = try h.register(ID.sichuan1)
            return { try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, key)) }
        },
        S(.schema, "a body just under the size limit", .appended) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1, name: String(repeating: "废", count: 21_000))) }
        },
    ]

    // MARK: R-SIG

    static let signatureRejected: [S] = [
        S(.signature, "unknown key id", .rejected(.signature)) { h in
            { try h.submit("enterprise.registered", key: TestKeys.key("REG-510000", variant: 7), body: Body.enterprise(ID.sichuan1)) }
        },
        S(.signature, "a key of another principal (REG-500000's key for REG-510000)", .rejected(.signature)) { h in
            { try h.submit("enterprise.registered", actor: "REG-510000", key: cq, body: Body.enterprise(ID.sichuan1)) }
        },
        S(.signature, "an enterprise's key used for its regulator", .rejected(.signature)) { h in
            let key = try h.register(ID.sichuan1)
            return { try h.submit("enterprise.registered", actor: "REG-510000", key: key, body: Body.enterprise(ID.sichuan2)) }
        },
        S(.signature, "bad signature bytes", .rejected(.signature)) { h in
            { try h.send(h.sign("enterprise.registered", actor: "REG-510000", key: sc, body: Body.enterprise(ID.sichuan1)).corrupted()) }
        },
        S(.signature, "a signature over a different body", .rejected(.signature)) { h in
            var s = h.sign("enterprise.registered", actor: "REG-510000", key: sc, body: Body.enterprise(ID.sichuan1))
            s.submission.body = Body.enterprise(ID.sichuan2)
            return { try h.send(s) }
        },
        S(.signature, "a signature over a different signedAt", .rejected(.signature)) { h in
            var s = h.sign("enterprise.registered", actor: "REG-510000", key: sc, body: Body.enterprise(ID.sichuan1))
            s.submission.signedAt = "2025-03-01T08:00:01Z"
            return { try h.send(s) }
        },
        S(.signature, "an all-zero signature", .rejected(.signature)) { h in
            var s = h.sign("enterprise.registered", actor: "REG-510000", key: sc, body: Body.enterprise(ID.sichuan1))
            s.signature = [UInt8](repeating: 0, count: 64)
            return { try h.send(s) }
        },
        S(.signature, "an enterprise's key used after its revocation", .rejected(.signature)) { h in
            let key = try h.register(ID.sichuan1)
            try h.require(try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, key)))
            return { try h.submit("enterprise.registered", actor: ID.sichuan1, key: key, body: Body.enterprise(ID.sichuan2)) }
        },
        S(.signature, "a regulator's genesis key used after its revocation", .rejected(.signature)) { h in
            let k2 = TestKeys.key("REG-510000", variant: 1)
            try h.require(try h.submit("key.added", body: Body.keyAdded("REG-510000", k2)))
            try h.require(try h.submit("key.revoked", key: k2, body: Body.keyRevoked("REG-510000", sc)))
            return { try h.submit("enterprise.registered", key: sc, body: Body.enterprise(ID.sichuan1)) }
        },
        S(.signature, "an actor that holds no key at all", .rejected(.signature)) { h in
            { try h.submit("enterprise.registered", actor: ID.unregistered, key: TestKeys.key(ID.unregistered), body: Body.enterprise(ID.sichuan1)) }
        },
    ]

    static let signaturePassed: [S] = [
        S(.signature, "a regulator's genesis key", .appended) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1)) }
        },
        S(.signature, "a regulator's new key after rotating out the genesis key", .appended) { h in
            let k2 = TestKeys.key("REG-510000", variant: 1)
            try h.require(try h.submit("key.added", body: Body.keyAdded("REG-510000", k2)))
            try h.require(try h.submit("key.revoked", key: k2, body: Body.keyRevoked("REG-510000", sc)))
            return { try h.submit("enterprise.registered", key: k2, body: Body.enterprise(ID.sichuan1)) }
        },
        S(.signature, "an enterprise's valid key gets past R-SIG (to R-AUTH)", .rejected(.auth)) { h in
            let key = try h.register(ID.sichuan1)
            return { try h.submit("enterprise.registered", actor: ID.sichuan1, key: key, body: Body.enterprise(ID.sichuan2)) }
        },
        S(.signature, "an enterprise's second key after its first was revoked (to R-AUTH)", .rejected(.auth)) { h in
            let key = try h.register(ID.sichuan1)
            let k2 = TestKeys.key(ID.sichuan1, variant: 1)
            try h.require(try h.submit("key.added", body: Body.keyAdded(ID.sichuan1, k2)))
            try h.require(try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, key)))
            return { try h.submit("enterprise.registered", actor: ID.sichuan1, key: k2, body: Body.enterprise(ID.sichuan2)) }
        },
    ]

    // MARK: R-NONCE

    static let fixedNonce: [UInt8] = Array(0..<16)

    static let nonceRejected: [S] = [
        S(.nonce, "a nonce replayed by the same actor", .rejected(.nonce)) { h in
            try h.require(try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1), nonce: fixedNonce))
            return { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan2), nonce: fixedNonce) }
        },
        S(.nonce, "an accepted submission sent again", .rejected(.nonce)) { h in
            let s = h.sign("enterprise.registered", actor: "REG-510000", key: sc, body: Body.enterprise(ID.sichuan1))
            try h.require(try h.send(s))
            return { try h.send(s) }
        },
        S(.nonce, "a nonce replayed with the actor's other key", .rejected(.nonce)) { h in
            let k2 = TestKeys.key("REG-510000", variant: 1)
            try h.require(try h.submit("key.added", body: Body.keyAdded("REG-510000", k2), nonce: fixedNonce))
            return { try h.submit("enterprise.registered", key: k2, body: Body.enterprise(ID.sichuan1), nonce: fixedNonce) }
        },
    ]

    static let noncePassed: [S] = [
        S(.nonce, "the same nonce used by another actor", .appended) { h in
            try h.require(try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1), nonce: fixedNonce))
            return { try h.submit("enterprise.registered", actor: "REG-500000", key: cq, body: Body.enterprise(ID.chongqing1, division: "500101"), nonce: fixedNonce) }
        },
        S(.nonce, "a fresh nonce by the same actor", .appended) { h in
            try h.require(try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1), nonce: fixedNonce))
            return { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan2)) }
        },
        S(.nonce, "a nonce of a rejected submission can be used again", .appended) { h in
            try h.require(try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1)))
            let dup = try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1), nonce: fixedNonce)
            guard case .rejected(let v) = dup, v.rule == .duplicate else { throw TestFailure("expected R-DUPLICATE, got \(dup)") }
            return { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan2), nonce: fixedNonce) }
        },
    ]

    // MARK: Reference data

    static let usccRejected: [S] = [
        S(.uscc, "SPEC's invalid example (bad check character)", .rejected(.uscc)) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(ID.badCheck)) }
        },
        S(.uscc, "lower-case letters", .rejected(.uscc)) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise("91440101ma5cjq4n59")) }
        },
        S(.uscc, "17 characters", .rejected(.uscc)) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(String(ID.sichuan1.prefix(17)))) }
        },
        S(.uscc, "a letter outside the charset (O)", .rejected(.uscc)) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise("91440101MA5CJQ4O59")) }
        },
        S(.uscc, "key.added for a principal with a bad check character", .rejected(.uscc)) { h in
            { try h.submit("key.added", body: Body.keyAdded(ID.badCheck, TestKeys.key(ID.badCheck))) }
        },
        S(.uscc, "key.revoked for a principal with a bad check character", .rejected(.uscc)) { h in
            { try h.submit("key.revoked", body: Body.keyRevoked(ID.badCheck, "0123abcd")) }
        },
    ]

    static let usccPassed: [S] = [
        S(.uscc, "a valid USCC whose registration hint lies in Fujian", .appended) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise("91350200776049653A")) }
        },
        S(.uscc, "SPEC's valid example with letters", .appended) { h in
            { try h.submit("enterprise.registered", actor: "REG-500000", key: cq, body: Body.enterprise("91440101MA5CJQ4N59", division: "500101")) }
        },
    ]

    static let divisionRejected: [S] = [
        S(.division, "a division not in the list (510199)", .rejected(.division)) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1, division: "510199")) }
        },
        S(.division, "a division of another province (440100)", .rejected(.division)) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1, division: "440100")) }
        },
        S(.division, "five digits", .rejected(.division)) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1, division: "51010")) }
        },
        S(.division, "letters", .rejected(.division)) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1, division: "abcdef")) }
        },
    ]

    static let divisionPassed: [S] = [
        S(.division, "a Chongqing district by REG-500000", .appended) { h in
            { try h.submit("enterprise.registered", actor: "REG-500000", key: cq, body: Body.enterprise(ID.chongqing1, division: "500101")) }
        },
        S(.division, "a province-level division", .appended) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1, division: "510000")) }
        },
    ]

    // MARK: R-NOT-FOUND

    static let notFoundRejected: [S] = [
        S(.notFound, "key.added for an unregistered enterprise", .rejected(.notFound)) { h in
            { try h.submit("key.added", body: Body.keyAdded(ID.unregistered, TestKeys.key(ID.unregistered))) }
        },
        S(.notFound, "key.revoked of an unknown key id", .rejected(.notFound)) { h in
            try h.register(ID.sichuan1)
            return { try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, TestKeys.key(ID.sichuan1, variant: 3))) }
        },
        S(.notFound, "key.revoked for an unregistered enterprise", .rejected(.notFound)) { h in
            { try h.submit("key.revoked", body: Body.keyRevoked(ID.unregistered, TestKeys.key(ID.unregistered))) }
        },
        S(.notFound, "key.added for a regulator that is not in genesis", .rejected(.notFound)) { h in
            { try h.submit("key.added", body: Body.keyAdded("REG-440000", TestKeys.key("REG-440000"))) }
        },
        S(.notFound, "key.revoked of another principal's key id", .rejected(.notFound)) { h in
            try h.register(ID.sichuan1)
            let other = try h.register(ID.sichuan2)
            return { try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, other)) }
        },
    ]

    static let notFoundPassed: [S] = [
        S(.notFound, "key.added for a registered enterprise", .appended) { h in
            try h.registerOnly(ID.sichuan1)
            return { try h.submit("key.added", body: Body.keyAdded(ID.sichuan1, TestKeys.key(ID.sichuan1))) }
        },
        S(.notFound, "key.revoked of an existing key", .appended) { h in
            let key = try h.register(ID.sichuan1)
            return { try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, key)) }
        },
    ]

    // MARK: R-AUTH

    static let authRejected: [S] = [
        S(.auth, "an enterprise registering an enterprise", .rejected(.auth)) { h in
            let key = try h.register(ID.sichuan1)
            return { try h.submit("enterprise.registered", actor: ID.sichuan1, key: key, body: Body.enterprise(ID.sichuan2)) }
        },
        S(.auth, "REG-510000 registering a 500xxx division", .rejected(.auth)) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(ID.chongqing1, division: "500101")) }
        },
        S(.auth, "REG-500000 registering a 510xxx division", .rejected(.auth)) { h in
            { try h.submit("enterprise.registered", actor: "REG-500000", key: cq, body: Body.enterprise(ID.sichuan1)) }
        },
        S(.auth, "REG-500000 adding a key for a Sichuan enterprise", .rejected(.auth)) { h in
            try h.registerOnly(ID.sichuan1)
            return { try h.submit("key.added", actor: "REG-500000", key: cq, body: Body.keyAdded(ID.sichuan1, TestKeys.key(ID.sichuan1))) }
        },
        S(.auth, "REG-500000 revoking a Sichuan enterprise's key", .rejected(.auth)) { h in
            let key = try h.register(ID.sichuan1)
            return { try h.submit("key.revoked", actor: "REG-500000", key: cq, body: Body.keyRevoked(ID.sichuan1, key)) }
        },
        S(.auth, "a regulator adding a key for another regulator", .rejected(.auth)) { h in
            { try h.submit("key.added", body: Body.keyAdded("REG-500000", TestKeys.key("REG-500000", variant: 1))) }
        },
        S(.auth, "a regulator revoking another regulator's key", .rejected(.auth)) { h in
            { try h.submit("key.revoked", body: Body.keyRevoked("REG-500000", cq)) }
        },
        S(.auth, "the operator registering an enterprise", .rejected(.auth)) { h in
            { try h.submit("enterprise.registered", actor: TestKeys.origin, key: TestKeys.operatorKey, body: Body.enterprise(ID.sichuan1)) }
        },
        S(.auth, "an enterprise adding a key for itself", .rejected(.auth)) { h in
            let key = try h.register(ID.sichuan1)
            return { try h.submit("key.added", actor: ID.sichuan1, key: key, body: Body.keyAdded(ID.sichuan1, TestKeys.key(ID.sichuan1, variant: 1))) }
        },
    ]

    static let authPassed: [S] = [
        S(.auth, "REG-500000 registering a Chongqing enterprise", .appended) { h in
            { try h.submit("enterprise.registered", actor: "REG-500000", key: cq, body: Body.enterprise(ID.chongqing1, division: "500101")) }
        },
        S(.auth, "a regulator adding a key for itself", .appended) { h in
            { try h.submit("key.added", body: Body.keyAdded("REG-510000", TestKeys.key("REG-510000", variant: 1))) }
        },
        S(.auth, "REG-500000 revoking its own enterprise's key", .appended) { h in
            let key = try h.register(ID.chongqing1, division: "500101")
            return { try h.submit("key.revoked", actor: "REG-500000", key: cq, body: Body.keyRevoked(ID.chongqing1, key)) }
        },
    ]

    // MARK: R-STATE

    static let stateRejected: [S] = [
        S(.state, "revoking a key twice", .rejected(.state)) { h in
            let key = try h.register(ID.sichuan1)
            try h.require(try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, key)))
            return { try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, key)) }
        },
        S(.state, "a second ledger.genesis", .rejected(.state)) { h in
            let body = try Body.genesis()
            return { try h.submit("ledger.genesis", actor: TestKeys.origin, key: TestKeys.operatorKey, body: body) }
        },
    ]

    static let statePassed: [S] = [
        S(.state, "revoking a live key once", .appended) { h in
            let key = try h.register(ID.sichuan1)
            return { try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, key)) }
        },
        S(.state, "revoking a second key after the first was revoked", .appended) { h in
            let key = try h.register(ID.sichuan1)
            let k2 = TestKeys.key(ID.sichuan1, variant: 1)
            try h.require(try h.submit("key.added", body: Body.keyAdded(ID.sichuan1, k2)))
            try h.require(try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, key)))
            return { try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, k2)) }
        },
    ]

    // MARK: R-DUPLICATE

    static let duplicateRejected: [S] = [
        S(.duplicate, "the same USCC twice", .rejected(.duplicate)) { h in
            try h.registerOnly(ID.sichuan1)
            return { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1, roles: ["carrier"], name: "另一个名字")) }
        },
        S(.duplicate, "the same key twice", .rejected(.duplicate)) { h in
            let key = try h.register(ID.sichuan1)
            return { try h.submit("key.added", body: Body.keyAdded(ID.sichuan1, key)) }
        },
        S(.duplicate, "a regulator re-adding its genesis key", .rejected(.duplicate)) { h in
            { try h.submit("key.added", body: Body.keyAdded("REG-510000", sc)) }
        },
        S(.duplicate, "re-adding a revoked key", .rejected(.duplicate)) { h in
            let key = try h.register(ID.sichuan1)
            try h.require(try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, key)))
            return { try h.submit("key.added", body: Body.keyAdded(ID.sichuan1, key)) }
        },
    ]

    static let duplicatePassed: [S] = [
        S(.duplicate, "a different USCC", .appended) { h in
            try h.registerOnly(ID.sichuan1)
            return { try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan2)) }
        },
        S(.duplicate, "a second, different key for the same principal", .appended) { h in
            try h.register(ID.sichuan1)
            return { try h.submit("key.added", body: Body.keyAdded(ID.sichuan1, TestKeys.key(ID.sichuan1, variant: 1))) }
        },
    ]

    // MARK: Precedence (SPEC §2: R-SCHEMA, R-SIG, R-NONCE, reference data, R-NOT-FOUND, R-AUTH, own rules, R-DUPLICATE)

    static let precedence: [S] = [
        S(.uscc, "bad USCC + wrong province → R-USCC", .rejected(.uscc)) { h in
            { try h.submit("enterprise.registered", actor: "REG-500000", key: cq, body: Body.enterprise(ID.badCheck)) }
        },
        S(.uscc, "bad USCC + unknown division → R-USCC", .rejected(.uscc)) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(ID.badCheck, division: "510199")) }
        },
        S(.signature, "bad signature + replayed nonce → R-SIG", .rejected(.signature)) { h in
            try h.require(try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1), nonce: fixedNonce))
            let s = h.sign("enterprise.registered", actor: "REG-510000", key: sc, body: Body.enterprise(ID.sichuan2), nonce: fixedNonce)
            return { try h.send(s.corrupted()) }
        },
        S(.signature, "revoked key + replayed nonce → R-SIG", .rejected(.signature)) { h in
            let key = try h.register(ID.sichuan1)
            try h.require(try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, key)))
            let first = try h.submit("enterprise.registered", actor: ID.sichuan1, key: key, body: Body.enterprise(ID.sichuan2))
            guard case .rejected = first else { throw TestFailure("setup: \(first)") }
            return { try h.submit("enterprise.registered", actor: ID.sichuan1, key: key, body: Body.enterprise(ID.sichuan2)) }
        },
        S(.schema, "unknown field + bad signature → R-SCHEMA", .rejected(.schema)) { h in
            let s = h.sign("enterprise.registered", actor: "REG-510000", key: sc, body: with(Body.enterprise(ID.sichuan1), "extra", "x"))
            return { try h.send(s.corrupted()) }
        },
        S(.schema, "unknown event type + unknown key → R-SCHEMA", .rejected(.schema)) { h in
            { try h.submit("enterprise.deleted", key: TestKeys.key("REG-510000", variant: 9), body: ["uscc": .string(ID.sichuan1)]) }
        },
        S(.schema, "missing field + replayed nonce → R-SCHEMA", .rejected(.schema)) { h in
            try h.require(try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1), nonce: fixedNonce))
            return { try h.submit("enterprise.registered", body: without(Body.enterprise(ID.sichuan2), "division"), nonce: fixedNonce) }
        },
        S(.schema, "key named differently + unregistered principal + wrong regulator → R-SCHEMA", .rejected(.schema)) { h in
            { try h.submit("key.added", actor: "REG-500000", key: cq, body: Body.keyAdded(ID.unregistered, TestKeys.key(ID.sichuan1))) }
        },
        S(.nonce, "replayed nonce + bad USCC → R-NONCE", .rejected(.nonce)) { h in
            try h.require(try h.submit("enterprise.registered", body: Body.enterprise(ID.sichuan1), nonce: fixedNonce))
            return { try h.submit("enterprise.registered", body: Body.enterprise(ID.badCheck), nonce: fixedNonce) }
        },
        S(.division, "unknown division + enterprise actor → R-DIVISION", .rejected(.division)) { h in
            let key = try h.register(ID.sichuan1)
            return { try h.submit("enterprise.registered", actor: ID.sichuan1, key: key, body: Body.enterprise(ID.sichuan2, division: "510199")) }
        },
        S(.notFound, "unregistered principal + wrong regulator → R-NOT-FOUND", .rejected(.notFound)) { h in
            { try h.submit("key.added", actor: "REG-500000", key: cq, body: Body.keyAdded(ID.unregistered, TestKeys.key(ID.unregistered))) }
        },
        S(.notFound, "unknown key id + wrong regulator → R-NOT-FOUND", .rejected(.notFound)) { h in
            try h.register(ID.sichuan1)
            return { try h.submit("key.revoked", actor: "REG-500000", key: cq, body: Body.keyRevoked(ID.sichuan1, "0badc0de")) }
        },
        S(.auth, "wrong province + duplicate USCC → R-AUTH", .rejected(.auth)) { h in
            try h.registerOnly(ID.sichuan1)
            return { try h.submit("enterprise.registered", actor: "REG-500000", key: cq, body: Body.enterprise(ID.sichuan1)) }
        },
        S(.auth, "wrong province + duplicate key → R-AUTH", .rejected(.auth)) { h in
            let key = try h.register(ID.sichuan1)
            return { try h.submit("key.added", actor: "REG-500000", key: cq, body: Body.keyAdded(ID.sichuan1, key)) }
        },
        S(.auth, "already revoked + wrong regulator → R-AUTH", .rejected(.auth)) { h in
            let key = try h.register(ID.sichuan1)
            try h.require(try h.submit("key.revoked", body: Body.keyRevoked(ID.sichuan1, key)))
            return { try h.submit("key.revoked", actor: "REG-500000", key: cq, body: Body.keyRevoked(ID.sichuan1, key)) }
        },
        S(.signature, "second genesis + bad signature → R-SIG", .rejected(.signature)) { h in
            let s = h.sign("ledger.genesis", actor: TestKeys.origin, key: TestKeys.operatorKey, body: try Body.genesis())
            return { try h.send(s.corrupted()) }
        },
        S(.auth, "second genesis emitted by a regulator → R-AUTH (only the operator emits ledger.genesis)", .rejected(.auth)) { h in
            let body = try Body.genesis()
            return { try h.submit("ledger.genesis", body: body) }
        },
        S(.schema, "oversized entry + bad USCC → R-SCHEMA", .rejected(.schema)) { h in
            { try h.submit("enterprise.registered", body: Body.enterprise(ID.badCheck, name: String(repeating: "x", count: 70_000))) }
        },
        S(.schema, "oversized entry + bad signature → R-SCHEMA", .rejected(.schema)) { h in
            let s = h.sign("enterprise.registered", actor: "REG-510000", key: sc, body: Body.enterprise(ID.sichuan1, name: String(repeating: "x", count: 70_000)))
            return { try h.send(s.corrupted()) }
        },
    ]

    static let allRejected = schemaRejected + signatureRejected + nonceRejected + usccRejected + divisionRejected
        + notFoundRejected + authRejected + stateRejected + duplicateRejected
    static let allPassed = schemaPassed + signaturePassed + noncePassed + usccPassed + divisionPassed + notFoundPassed
        + authPassed + statePassed + duplicatePassed
}
