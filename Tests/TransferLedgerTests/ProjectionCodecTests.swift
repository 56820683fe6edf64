import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// The binary projection values (docs/decisions/019): every record round-trips to the same bytes, garbage is an
/// integrity error naming the row, and a ledger with JSON rows is refused by verify and rebuilt by a write.
@Suite("Projection codec")
struct ProjectionCodecTests {
    /// The record type of each projection kind whose rows are records (the others hold raw text or nothing).
    static let recordKinds: [String: @Sendable (_ bytes: [UInt8], _ key: String) throws -> [UInt8]] = [
        "regulator": { try reencode(Regulator.self, $0, "regulator", $1) },
        "enterprise": { try reencode(Enterprise.self, $0, "enterprise", $1) },
        "key": { try reencode(KeyRecord.self, $0, "key", $1) },
        "permit": { try reencode(PermitRecord.self, $0, "permit", $1) },
        "application": { try reencode(ApplicationRecord.self, $0, "application", $1) },
        "whitelist": { try reencode(WhitelistRecord.self, $0, "whitelist", $1) },
        "manifest": { bytes, key in
            // A statement reads a manifest's row as a StatementManifest: the same members as the whole record gives.
            let record = try ProjectionCodec.decode(ManifestRecord.self, from: bytes, kind: "manifest", key: key)
            #expect(try ProjectionCodec.decode(StatementManifest.self, from: bytes, kind: "manifest", key: key) == StatementManifest(record))
            return try reencode(ManifestRecord.self, bytes, "manifest", key)
        },
        "p2p": { try reencode(P2PRecord.self, $0, "p2p", $1) },
        "rateTable": { try reencode(RateTableRecord.self, $0, "rateTable", $1) },
        "statementClosed": { try reencode(ClosedStatementRecord.self, $0, "statementClosed", $1) },
    ]

    static func reencode<T: Codable & Equatable>(_ type: T.Type, _ bytes: [UInt8], _ kind: String, _ key: String) throws -> [UInt8] {
        let value = try ProjectionCodec.decode(T.self, from: bytes, kind: kind, key: key)
        let again = try ProjectionCodec.encode(value)
        #expect(try ProjectionCodec.decode(T.self, from: again, kind: kind, key: key) == value)
        return again
    }

    /// Decodes every record row of `store` with its type and re-encodes it; returns the kinds seen.
    static func roundTripEveryRow(_ store: any LedgerStore) throws -> Set<String> {
        var seen: Set<String> = []
        try store.read { r in
            for kind in try r.projectionKinds() {
                guard let reencode = recordKinds[kind] else { continue }
                try r.forEachProjection(kind: kind, after: nil) { key, bytes in
                    let again = try reencode(bytes, key)
                    #expect(again == bytes, "\(kind)/\(key) re-encodes to other bytes")
                    seen.insert(kind)
                    return true
                }
            }
        }
        return seen
    }

    @Test("every record row of ledgers with approvals, whitelists, manifests, rates, corrections, 点对点 and a close re-encodes to the same bytes (a manifest's also decodes as the StatementManifest of its record)")
    func everyRowRoundTrips() throws {
        let t = try TransferScenario()
        try t.approveFullRoute("APP-1", no: "AP-1")
        try t.confirmedWhitelist()
        _ = try t.deliveredManifest()
        var seen = try Self.roundTripEveryRow(t.store)

        let c = try CompensationRuleTests.prepared()
        try c.close("2025Q1")
        try c.correct("m1", id: "c1", lines: [(1, 12_000_000)])
        seen.formUnion(try Self.roundTripEveryRow(c.s.store))

        let p = try CompensationLedger(policy: ["p2p": ["crossProvincePairs": true]])
        try p.registerP2P("P2P-1", code: "900-041-49", cap: 100_000_000, validFrom: "2023-01-01", validTo: "2024-10-04")
        seen.formUnion(try Self.roundTripEveryRow(p.s.store))

        #expect(seen == Set(Self.recordKinds.keys), "kinds never seen: \(Set(Self.recordKinds.keys).subtracting(seen).sorted())")
    }

    static let fullManifestJSON = """
        {"manifestNo":"2025510100000001","generator":"G","carriers":["C1","C2"],"receiver":"R","plannedPickup":"2025-03-10",
         "method":"R4","basis":{"approval":"AP-1"},
         "lines":[{"wasteCode":"900-052-31","name":"废铅蓄电池","hazards":["T","C"],"form":"固态","packaging":"周转箱","packages":10,
                   "grams":5000000,"components":"铅"}],
         "returnOf":"2025510100000000","customId":"我的-1","emergencyContact":{"name":"张三","phone":"13800000000"},
         "filedOn":"2025-03-09","state":"received",
         "pickup":{"carrier":"C1","vehiclePlate":"川A·12345","driver":"李四","at":"2025-03-10T01:00:00Z"},
         "handovers":[{"fromCarrier":"C1","toCarrier":"C2","vehiclePlate":"渝B·1","driver":"王五","at":"2025-03-10T05:00:00Z"}],
         "receipt":{"deliveredAt":"2025-03-10T08:00:00Z","method":"R4","lines":[{"line":1,"grams":4900000,"rejectedGrams":100000}],
                    "significantDiscrepancy":true,"note":"破损","enteredOn":"2025-03-10"},
         "rejection":{"deliveredAt":"2025-03-10T08:00:00Z","reason":"不符","enteredOn":"2025-03-10"},
         "cancelReason":"取消",
         "corrections":[{"correctionId":"c1","proposer":"R","reason":"称重","method":"R5","lines":[{"line":1,"grams":4800000}],
                         "approvals":["G","REG-510000"],"applied":true}],
         "versions":[{"version":1,"index":40,"method":"R4","lines":[{"line":1,"grams":4900000,"rejectedGrams":100000}]},
                     {"version":2,"index":44,"method":"R5","lines":[{"line":1,"grams":4800000,"rejectedGrams":0}],"correctionId":"c1"}],
         "returnedGrams":{"900-052-31":7,"772-002-18":5,"336-050-17":-1},
         "events":[{"index":40,"type":"manifest.filed","actor":"G","time":"2025-03-09T02:00:00Z"}]}
        """

    @Test("a manifest with every optional set decodes to the same value and its bytes are stable")
    func fullManifest() throws {
        let record = try JSONDecoder().decode(ManifestRecord.self, from: Data(Self.fullManifestJSON.utf8))
        #expect(record.emergencyContact != nil && record.rejection != nil && record.corrections.first?.lines != nil)
        let bytes = try ProjectionCodec.encode(record)
        #expect(bytes.first == ProjectionCodec.formatByte)
        let decoded = try ProjectionCodec.decode(ManifestRecord.self, from: bytes, kind: "manifest", key: record.manifestNo)
        #expect(decoded == record)
        #expect(try ProjectionCodec.encode(decoded) == bytes)
        // Strings are UTF-8 as they are.
        #expect(bytes.firstRange(of: Array("废铅蓄电池".utf8)) != nil)
    }

    @Test("a dictionary's bytes do not depend on its insertion order (keys in ascending byte order)")
    func dictionaryOrder() throws {
        var a: [String: Int64] = [:]
        var b: [String: Int64] = [:]
        let keys = (0..<64).map { "HW\($0)" }
        for k in keys { a[k] = Int64(k.count) }
        for k in keys.reversed() { b[k] = Int64(k.count) }
        let bytes = try ProjectionCodec.encode(a)
        #expect(try ProjectionCodec.encode(b) == bytes)
        let positions = keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { bytes.firstRange(of: Array($0.utf8))!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(try ProjectionCodec.decode([String: Int64].self, from: bytes, kind: "k", key: "x") == a)
    }

    @Test("scalars keep their values at the edges")
    func scalars() throws {
        struct Edge: Codable, Equatable {
            var small: Int64 = .min
            var big: Int64 = .max
            var minus: Int = -1
            var unsigned: UInt64 = .max
            var zero: UInt64 = 0
            var flag = true
            var empty = ""
            var text = "a\u{0}b 中"
            var missing: String? = nil
            var present: Int? = 0
            var list: [Int?] = [1, nil, -3]
            var nested: [[String]] = [[], ["x"]]
            var real = 0.1
        }
        let bytes = try ProjectionCodec.encode(Edge())
        #expect(try ProjectionCodec.decode(Edge.self, from: bytes, kind: "k", key: "x") == Edge())
    }

    @Test("garbage, truncated, JSON and wrongly typed values are integrity errors naming the row", arguments: [
        "empty", "json", "noFormatByte", "truncated", "trailing", "unknownTag", "wrongType", "random",
    ])
    func garbage(_ what: String) throws {
        let key = KeyRecord(principal: "P", keyId: "abcd", key: "P+abcd+AAAA", addedAt: 3)
        let good = try ProjectionCodec.encode(key)
        let bytes: [UInt8]
        switch what {
        case "empty": bytes = []
        case "json": bytes = Array(#"{"addedAt":3,"key":"P+abcd+AAAA","keyId":"abcd","principal":"P"}"#.utf8)
        case "noFormatByte": bytes = Array(good.dropFirst())
        case "truncated": bytes = Array(good.dropLast(3))
        case "trailing": bytes = good + [0]
        case "unknownTag": bytes = [ProjectionCodec.formatByte, 0x7F]
        case "wrongType": bytes = try ProjectionCodec.encode(["principal": 1, "keyId": 2, "key": 3, "addedAt": 4])
        default:
            var rng = SplitMix64(seed: 19)
            bytes = [ProjectionCodec.formatByte] + (0..<200).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
        let error = #expect(throws: LedgerError.self) { try ProjectionCodec.decode(KeyRecord.self, from: bytes, kind: "key", key: "P/abcd") }
        guard case .integrity(nil, let message)? = error else {
            Issue.record("not an integrity error: \(String(describing: error))")
            return
        }
        #expect(message.hasPrefix("projection key/P/abcd does not decode"), "\(message)")
        if what == "json" { #expect(message.contains("hwledger rebuild --upgrade")) }
    }

    // MARK: Rows of the JSON format

    /// A copy of `h`'s ledger as it was before the binary format: the same entries and checkpoints, the registry
    /// rows as JSON with sorted keys, and no format in the meta.
    static func oldFormatCopy(of h: Harness) throws -> TransferLedger {
        let copy = InMemoryLedgerStore()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json<T: Codable>(_ type: T.Type, _ bytes: [UInt8], _ kind: String, _ key: String) throws -> [UInt8] {
            Array(try encoder.encode(try ProjectionCodec.decode(T.self, from: bytes, kind: kind, key: key)))
        }
        try h.store.read { r throws in
            try copy.write { w throws in
                var range = CompactRange()
                for i in 0..<(try r.treeSize()) {
                    let bytes = try r.entry(at: i)
                    try w.appendEntry(index: i, bytes: bytes, nodes: range.append(TreeHasher.leafHash(bytes)))
                }
                for cp in try r.checkpoints() { try w.insertCheckpoint(cp) }
                try w.setMeta("origin", TestKeys.origin)
                for kind in try r.projectionKinds() {
                    try r.forEachProjection(kind: kind, after: nil) { key, value in
                        switch kind {
                        case "enterprise": try w.putProjection(kind: kind, key: key, value: try json(Enterprise.self, value, kind, key))
                        case "key": try w.putProjection(kind: kind, key: key, value: try json(KeyRecord.self, value, kind, key))
                        case "regulator": try w.putProjection(kind: kind, key: key, value: try json(Regulator.self, value, kind, key))
                        default: try w.putProjection(kind: kind, key: key, value: value)
                        }
                        return true
                    }
                }
            }
        }
        return TransferLedger(store: copy, reference: Fixtures.reference, clock: { Harness.time }, logger: .init(label: "test"))
    }

    @Test("verify and rebuild --check refuse a ledger with JSON rows, naming the upgrade instead of a row")
    func oldFormatRefused() throws {
        let h = try VerificationTests.populated(.memory)
        let old = try Self.oldFormatCopy(of: h)
        for run in [{ _ = try old.verify(trusted: nil, scratch: InMemoryLedgerStore()) }, { try old.rebuildCheck(scratch: InMemoryLedgerStore()) }] {
            let error = #expect(throws: LedgerError.self) { try run() }
            guard case .storage(let message)? = error else {
                Issue.record("not the old-format refusal: \(String(describing: error))")
                continue
            }
            #expect(message.contains("hwledger rebuild --upgrade"), "\(message)")
        }
        // Verification wrote nothing: the rows are still JSON.
        #expect(try old.store.read { try $0.projection(kind: "enterprise", key: ID.sichuan1) }?.first == UInt8(ascii: "{"))
    }

    @Test("upgradeProjectionsIfNeeded rewrites JSON rows into exactly the bytes an append writes, once")
    func oldFormatUpgraded() throws {
        let h = try VerificationTests.populated(.memory)
        let expected = try h.snapshot().projections
        let old = try Self.oldFormatCopy(of: h)
        #expect(try old.upgradeProjectionsIfNeeded())
        let rows = try old.store.read { r throws in
            var out: [String: [String: [UInt8]]] = [:]
            for kind in try r.projectionKinds() {
                try r.forEachProjection(kind: kind, after: nil) { key, value in
                    out[kind, default: [:]][key] = value
                    return true
                }
            }
            return out
        }
        #expect(rows == expected)
        #expect(try old.store.read { try $0.meta(ProjectionCodec.metaKey) }?.hasPrefix(ProjectionCodec.formatName + " readmodels-6 calendar-") == true)
        #expect(try !old.upgradeProjectionsIfNeeded())
        _ = try old.verify(trusted: nil, scratch: InMemoryLedgerStore())
    }

    @Test("a submit to a ledger with JSON rows upgrades them first, then appends")
    func submitUpgrades() throws {
        let h = try VerificationTests.populated(.memory)
        let old = try Self.oldFormatCopy(of: h)
        let event = UnsignedEvent(type: "enterprise.registered", actor: "REG-510000", body: Body.enterprise(ID.sichuan3))
        let outcome = try old.submit([event.signed(with: TestKeys.key("REG-510000", variant: 1), at: Harness.time, nonce: randomNonce())])[0]
        guard case .appended = outcome else {
            Issue.record("not appended: \(outcome)")
            return
        }
        #expect(try old.enterprise(ID.sichuan3) != nil)
        #expect(try old.enterprise(ID.sichuan1) != nil)
        try old.rebuildCheck(scratch: InMemoryLedgerStore())
    }
}
