import Foundation
import LedgerCore
import LedgerSQLite
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// `verify(trusted:scratch:)` and `rebuildCheck(scratch:)` over both stores, and what tampering does to them.
@Suite("Verify and rebuild --check")
struct VerificationTests {
    /// A ledger with registrations, keys, a key rotation, revocations and a rejected submission.
    static func populated(_ kind: StoreKind) throws -> Harness {
        let h = try Harness(kind)
        let e1 = try h.register(ID.sichuan1, roles: ["generator", "carrier"])
        try h.register(ID.chongqing1, division: "500101", roles: ["receiver"])
        let k2 = TestKeys.key("REG-510000", variant: 1)
        try h.require(try h.submit("key.added", body: Body.keyAdded("REG-510000", k2)))
        try h.require(try h.submit("key.revoked", key: k2, body: Body.keyRevoked("REG-510000", TestKeys.sichuan)))
        try h.require(try h.submit("enterprise.registered", key: k2, body: Body.enterprise(ID.sichuan2)))
        try h.require(try h.submit("key.revoked", key: k2, body: Body.keyRevoked(ID.sichuan1, e1)))
        _ = try h.submit("enterprise.registered", key: k2, body: Body.enterprise(ID.sichuan2))  // R-DUPLICATE
        try h.ledger.publishCheckpoint(keys: [TestKeys.operatorKey])
        return h
    }

    static func scratch(_ kind: StoreKind) throws -> (any LedgerStore, () -> Void) {
        switch kind {
        case .memory: return (InMemoryLedgerStore(), {})
        case .sqlite:
            let s = try SQLiteLedgerStore.scratch()
            return (s, { s.removeScratch() })
        case .postgres:
            var dir: TempDirectory? = TempDirectory()
            let store = try kind.make(in: dir!).store
            return (store, { dir = nil })
        }
    }

    static func isIntegrity(_ error: (any Error)?) -> Bool {
        if case .integrity? = error as? LedgerError { return true }
        return false
    }

    @Test("verify passes on an honest ledger, with and without a trusted checkpoint", arguments: StoreKind.available, StoreKind.available)
    func verifyPasses(kind: StoreKind, scratchKind: StoreKind) throws {
        let h = try Self.populated(kind)
        let size = try h.size()
        #expect(size == 9)
        let (scratch, cleanup) = try Self.scratch(scratchKind)
        defer { cleanup() }
        let report = try h.ledger.verify(trusted: nil, scratch: scratch)
        #expect(report.size == size)
        #expect(report.checkpointsChecked == 2)
        #expect(report.trustedSize == nil)

        let latest = try h.ledger.latestCheckpoint()
        #expect(latest.size == size)
        let trusted = try SignedCheckpoint(verifying: Array(latest.note.utf8), keys: try h.ledger.operatorVerifierKeys())
        let (scratch2, cleanup2) = try Self.scratch(scratchKind)
        defer { cleanup2() }
        let report2 = try h.ledger.verify(trusted: trusted, scratch: scratch2)
        #expect(report2.trustedSize == size)
        #expect(report2.root == latest.root)
    }

    @Test("verify accepts an older trusted checkpoint that the log extends", arguments: StoreKind.available)
    func olderTrustedCheckpoint(kind: StoreKind) throws {
        let h = try Harness(kind)
        let first = try h.ledger.latestCheckpoint()
        try h.register(ID.sichuan1)
        let trusted = try SignedCheckpoint(verifying: Array(first.note.utf8), keys: try h.ledger.operatorVerifierKeys())
        let report = try h.ledger.verify(trusted: trusted, scratch: InMemoryLedgerStore())
        #expect(report.trustedSize == 1)
        #expect(report.size == 3)
    }

    @Test("verify refuses a trusted checkpoint not signed by the operator key")
    func foreignTrustedCheckpoint() throws {
        let h = try Self.populated(.memory)
        let latest = try h.ledger.latestCheckpoint()
        let impostor = TestKeys.key(TestKeys.origin, variant: 5)
        let forged = Checkpoint(origin: TestKeys.origin, size: latest.size, root: latest.root).signed(by: [impostor])
        let error = #expect(throws: LedgerError.self) { try h.ledger.verify(trusted: forged, scratch: InMemoryLedgerStore()) }
        #expect(Self.isIntegrity(error), "\(String(describing: error))")
    }

    @Test("rebuildCheck passes on an honest ledger", arguments: StoreKind.available, StoreKind.available)
    func rebuildPasses(kind: StoreKind, scratchKind: StoreKind) throws {
        let h = try Self.populated(kind)
        let (scratch, cleanup) = try Self.scratch(scratchKind)
        defer { cleanup() }
        try h.ledger.rebuildCheck(scratch: scratch)
    }

    enum Tamper: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case changedEnterprise, changedKeyRecord, unrevokedKey, extraRow, extraKind, deletedRow, deletedNonce
        var testDescription: String { rawValue }

        func apply(to h: Harness) throws {
            let enterpriseValue = try #require(try h.store.read { try $0.projection(kind: "enterprise", key: ID.sichuan1) })
            let keyId = TestKeys.key(ID.sichuan1).verifier.keyIDHex
            try h.store.write { w throws in
                switch self {
                case .changedEnterprise:
                    var record = try ProjectionCodec.decode(Enterprise.self, from: enterpriseValue, kind: "enterprise", key: ID.sichuan1)
                    record.name = "改过的企业"
                    try w.putProjection(kind: "enterprise", key: ID.sichuan1, value: try ProjectionCodec.encode(record))
                case .changedKeyRecord:
                    var value = try #require(try w.projection(kind: "key", key: "\(ID.sichuan1)/\(keyId)"))
                    value[value.count / 2] ^= 0x01
                    try w.putProjection(kind: "key", key: "\(ID.sichuan1)/\(keyId)", value: value)
                case .unrevokedKey:
                    let record = KeyRecord(principal: ID.sichuan1, keyId: keyId, key: TestKeys.key(ID.sichuan1).verifier.description, addedAt: 2)
                    try w.putProjection(kind: "key", key: "\(ID.sichuan1)/\(keyId)", value: try ProjectionCodec.encode(record))
                case .extraRow:
                    try w.putProjection(kind: "enterprise", key: ID.unregistered, value: enterpriseValue)
                case .extraKind:
                    try w.putProjection(kind: "zzz-bogus", key: "x", value: [1])
                case .deletedRow:
                    try w.deleteProjection(kind: "enterprise", key: ID.sichuan1)
                case .deletedNonce:
                    var first: String?
                    try w.forEachProjection(kind: "nonce", after: nil) { key, _ in
                        first = key
                        return false
                    }
                    try w.deleteProjection(kind: "nonce", key: try #require(first))
                }
            }
        }
    }

    @Test("a tampered projection row makes rebuildCheck throw LedgerError.integrity", arguments: StoreKind.available, Tamper.allCases)
    func tamperedRebuild(kind: StoreKind, tamper: Tamper) throws {
        let h = try Self.populated(kind)
        try tamper.apply(to: h)
        let error = #expect(throws: LedgerError.self) { try h.ledger.rebuildCheck(scratch: InMemoryLedgerStore()) }
        #expect(Self.isIntegrity(error), "\(String(describing: error))")
    }

    @Test("a tampered projection row makes verify throw LedgerError.integrity", arguments: StoreKind.available, Tamper.allCases)
    func tamperedVerify(kind: StoreKind, tamper: Tamper) throws {
        let h = try Self.populated(kind)
        try tamper.apply(to: h)
        let error = #expect(throws: LedgerError.self) { try h.ledger.verify(trusted: nil, scratch: InMemoryLedgerStore()) }
        #expect(Self.isIntegrity(error), "\(String(describing: error))")
    }

    @Test("the integrity error names the tampered projection")
    func errorNamesRow() throws {
        let h = try Self.populated(.sqlite)
        try Tamper.changedEnterprise.apply(to: h)
        let error = #expect(throws: LedgerError.self) { try h.ledger.rebuildCheck(scratch: InMemoryLedgerStore()) }
        #expect("\(String(describing: error))".contains("enterprise/\(ID.sichuan1)"))
    }

    @Test("a tampered entry makes verify fail (in-memory store, where entries can be rewritten)")
    func tamperedEntry() throws {
        let h = try Self.populated(.memory)
        // Rebuild the same ledger in a store whose entry 3 has one byte flipped.
        let copy = InMemoryLedgerStore()
        try h.store.read { r throws in
            try copy.write { w throws in
                let size = try r.treeSize()
                var range = CompactRange()
                for i in 0..<size {
                    var bytes = try r.entry(at: i)
                    if i == 3 { bytes[bytes.count - 3] ^= 0x01 }
                    let nodes = range.append(TreeHasher.leafHash(bytes))
                    try w.appendEntry(index: i, bytes: bytes, nodes: nodes)
                }
                for cp in try r.checkpoints() { try w.insertCheckpoint(cp) }
                try w.setMeta("origin", TestKeys.origin)
                try w.setMeta(ProjectionCodec.metaKey, try #require(try r.meta(ProjectionCodec.metaKey)))
                for kind in try r.projectionKinds() {
                    try r.forEachProjection(kind: kind, after: nil) { key, value in
                        try w.putProjection(kind: kind, key: key, value: value)
                        return true
                    }
                }
            }
        }
        let ledger = TransferLedger(store: copy, reference: Fixtures.reference, clock: { Harness.time }, logger: .init(label: "test"))
        let error = #expect(throws: LedgerError.self) { try ledger.verify(trusted: nil, scratch: InMemoryLedgerStore()) }
        #expect(Self.isIntegrity(error), "\(String(describing: error))")
    }
}
