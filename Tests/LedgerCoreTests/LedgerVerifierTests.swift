import Foundation
import LedgerCore
import Testing

/// A reader that returns entry `index` with byte `offset` XOR `mask`, and everything else unchanged.
final class FlippingReader: LedgerReader {
    let inner: any LedgerReader
    let index: UInt64
    let offset: Int
    let mask: UInt8

    init(_ inner: any LedgerReader, index: UInt64, offset: Int, mask: UInt8) {
        self.inner = inner
        self.index = index
        self.offset = offset
        self.mask = mask
    }

    func flip(_ i: UInt64, _ bytes: [UInt8]) -> [UInt8] {
        guard i == index else { return bytes }
        var b = bytes
        b[offset] ^= mask
        return b
    }

    func treeSize() throws -> UInt64 { try inner.treeSize() }
    func entry(at i: UInt64) throws -> [UInt8] { flip(i, try inner.entry(at: i)) }
    func forEachEntry(from: UInt64, to: UInt64, _ body: (UInt64, [UInt8]) throws -> Bool) throws {
        try inner.forEachEntry(from: from, to: to) { i, bytes in try body(i, flip(i, bytes)) }
    }
    func nodeHash(_ id: NodeID) throws -> Hash { try inner.nodeHash(id) }
    func forEachNode(fromStorageID: UInt64, to: UInt64, _ body: (UInt64, Hash) throws -> Bool) throws {
        try inner.forEachNode(fromStorageID: fromStorageID, to: to, body)
    }
    func checkpoints() throws -> [StoredCheckpoint] { try inner.checkpoints() }
    func latestCheckpoint() throws -> StoredCheckpoint? { try inner.latestCheckpoint() }
    func checkpoint(size: UInt64) throws -> StoredCheckpoint? { try inner.checkpoint(size: size) }
    func projection(kind: String, key: String) throws -> [UInt8]? { try inner.projection(kind: kind, key: key) }
    func forEachProjection(kind: String, after afterKey: String?, _ body: (String, [UInt8]) throws -> Bool) throws {
        try inner.forEachProjection(kind: kind, after: afterKey, body)
    }
    func projectionKinds() throws -> [String] { try inner.projectionKinds() }
    func meta(_ key: String) throws -> String? { try inner.meta(key) }
    func cosignatures(size: UInt64) throws -> [String] { try inner.cosignatures(size: size) }
    func latestCosignedSize(witnesses: [String], quorum: Int) throws -> UInt64? {
        try inner.latestCosignedSize(witnesses: witnesses, quorum: quorum)
    }
}

/// A writer that answers `nodeHash` for one node with a wrong hash and otherwise passes everything through.
final class TamperedNodeWriter: LedgerWriter {
    let inner: any LedgerWriter
    let node: NodeID
    private(set) var insertedCheckpoints = 0

    init(_ inner: any LedgerWriter, node: NodeID) {
        self.inner = inner
        self.node = node
    }

    func treeSize() throws -> UInt64 { try inner.treeSize() }
    func entry(at i: UInt64) throws -> [UInt8] { try inner.entry(at: i) }
    func forEachEntry(from: UInt64, to: UInt64, _ body: (UInt64, [UInt8]) throws -> Bool) throws {
        try inner.forEachEntry(from: from, to: to, body)
    }
    func nodeHash(_ id: NodeID) throws -> Hash {
        let h = try inner.nodeHash(id)
        return id == node ? h.flippingBit(0) : h
    }
    func forEachNode(fromStorageID: UInt64, to: UInt64, _ body: (UInt64, Hash) throws -> Bool) throws {
        try inner.forEachNode(fromStorageID: fromStorageID, to: to) { sid, h in try body(sid, sid == node.storageID ? h.flippingBit(0) : h) }
    }
    func checkpoints() throws -> [StoredCheckpoint] { try inner.checkpoints() }
    func latestCheckpoint() throws -> StoredCheckpoint? { try inner.latestCheckpoint() }
    func checkpoint(size: UInt64) throws -> StoredCheckpoint? { try inner.checkpoint(size: size) }
    func projection(kind: String, key: String) throws -> [UInt8]? { try inner.projection(kind: kind, key: key) }
    func forEachProjection(kind: String, after afterKey: String?, _ body: (String, [UInt8]) throws -> Bool) throws {
        try inner.forEachProjection(kind: kind, after: afterKey, body)
    }
    func projectionKinds() throws -> [String] { try inner.projectionKinds() }
    func meta(_ key: String) throws -> String? { try inner.meta(key) }
    func cosignatures(size: UInt64) throws -> [String] { try inner.cosignatures(size: size) }
    func latestCosignedSize(witnesses: [String], quorum: Int) throws -> UInt64? {
        try inner.latestCosignedSize(witnesses: witnesses, quorum: quorum)
    }
    func appendEntry(index: UInt64, bytes: [UInt8], nodes: [(NodeID, Hash)]) throws { try inner.appendEntry(index: index, bytes: bytes, nodes: nodes) }
    func putProjection(kind: String, key: String, value: [UInt8]) throws { try inner.putProjection(kind: kind, key: key, value: value) }
    func deleteProjection(kind: String, key: String) throws { try inner.deleteProjection(kind: kind, key: key) }
    func deleteAllProjections() throws { try inner.deleteAllProjections() }
    func insertCosignature(size: UInt64, witness: String, line: String) throws {
        try inner.insertCosignature(size: size, witness: witness, line: line)
    }
    func insertCheckpoint(_ checkpoint: StoredCheckpoint) throws {
        insertedCheckpoints += 1
        try inner.insertCheckpoint(checkpoint)
    }
    func setMeta(_ key: String, _ value: String) throws { try inner.setMeta(key, value) }
}

/// Copies `store` into a fresh store, replacing the hash of node `tampered` (if any) with a wrong one.
private func copy(_ store: InMemoryLedgerStore, tampering tampered: NodeID? = nil, checkpoints: Bool = true) throws -> InMemoryLedgerStore {
    let (entries, nodes, cps) = try store.read { r -> ([[UInt8]], [Hash], [StoredCheckpoint]) in
        var entries: [[UInt8]] = []
        try r.forEachEntry(from: 0, to: try r.treeSize()) { _, b in entries.append(b); return true }
        var nodes: [Hash] = []
        try r.forEachNode(fromStorageID: 0, to: UInt64.max) { _, h in nodes.append(h); return true }
        return (entries, nodes, try r.checkpoints())
    }
    let fresh = InMemoryLedgerStore()
    try fresh.write { w in
        var range = CompactRange()
        for (i, bytes) in entries.enumerated() {
            let completed = range.append(TreeHasher.leafHash(bytes)).map { id, h in
                (id, id == tampered ? h.flippingBit(5) : h)
            }
            for (id, h) in completed { #expect(nodes[Int(id.storageID)] == h || id == tampered) }
            try w.appendEntry(index: UInt64(i), bytes: bytes, nodes: completed)
        }
        if checkpoints { for cp in cps { try w.insertCheckpoint(cp) } }
    }
    return fresh
}

private func verify(_ reader: any LedgerReader, chunkSize: Int = 3, trusted: SignedCheckpoint? = nil) throws -> VerificationReport {
    var verifier = LedgerVerifier(operatorKeys: [Fixtures.operatorKey.verifier])
    verifier.chunkSize = chunkSize
    var authority = OneKeyAuthority(key: Fixtures.partyKey.verifier)
    return try verifier.verify(reader, authority: &authority, trusted: trusted)
}

/// The index named by an integrity error, or nil when `body` did not fail with one.
private func integrityIndex(_ body: () throws -> Void) -> UInt64?? {
    do {
        try body()
        return nil
    } catch LedgerError.integrity(let index, _) {
        return .some(index)
    } catch {
        Issue.record("expected an integrity error, got \(error)")
        return nil
    }
}

@Suite("LogAppender, Checkpointer and LedgerVerifier on the in-memory store")
struct LedgerVerifierTests {
    @Test("appending n signed entries gives size n, a hash chain, and proofs that verify against the checkpoints")
    func appendAndProve() throws {
        let n = 23
        let store = try Fixtures.store(entries: n, checkpointsAt: [1, 8, 13, n])
        try store.read { r in
            #expect(try r.treeSize() == UInt64(n))
            var prev = Hash.zero
            var leaves: [Hash] = []
            for i in 0..<UInt64(n) {
                let bytes = try r.entry(at: i)
                let entry = try Entry(bytes: bytes)
                #expect(entry.index == i)
                #expect(entry.prev == prev)
                #expect(entry.canonicalBytes == bytes)
                #expect(Fixtures.partyKey.verifier.isValidSignature(entry.signature, for: entry.submission.signedMessage))
                prev = TreeHasher.leafHash(bytes)
                leaves.append(prev)
            }
            let model = TreeModel(leaves: leaves)
            let cps = try r.checkpoints()
            #expect(cps.map(\.size) == [1, 8, 13, UInt64(n)])
            for cp in cps {
                let signed = try SignedCheckpoint(verifying: Array(cp.note.utf8), keys: [Fixtures.operatorKey.verifier])
                #expect(signed.checkpoint.root == model.roots[Int(cp.size)])
                #expect(cp.root == model.roots[Int(cp.size)])
                for i in 0..<cp.size {
                    let proof = try LogProofs.inclusion(index: i, size: cp.size, in: r)
                    try ProofVerifier.verifyInclusion(leaf: leaves[Int(i)], index: i, size: cp.size, proof: proof, root: cp.root)
                    let receipt = try LogProofs.receipt(index: i, checkpoint: cp, in: r)
                    let parsed = try TlogProof(verifying: Array(receipt.text.utf8), keys: [Fixtures.operatorKey.verifier])
                    try parsed.verify(leaf: leaves[Int(i)])
                }
            }
            for (a, b) in zip(cps, cps.dropFirst()) {
                let proof = try LogProofs.consistency(from: a.size, to: b.size, in: r)
                try ProofVerifier.verifyConsistency(oldSize: a.size, oldRoot: a.root, newSize: b.size, newRoot: b.root, proof: proof)
            }
            #expect(throws: LedgerError.self) { try LogProofs.inclusion(index: 0, size: UInt64(n) + 1, in: r) }
            #expect(throws: LedgerError.self) { try LogProofs.consistency(from: 0, to: 5, in: r) }
        }
        let report = try store.read { try verify($0) }
        #expect(report.size == UInt64(n))
        #expect(report.checkpointsChecked == 4)
        #expect(report.root == (try store.read { try $0.latestCheckpoint()?.root }))
    }

    @Test("appends in later transactions continue the chain and the compact range")
    func appendAcrossTransactions() throws {
        let store = try Fixtures.store(entries: 5)
        let (root, size) = try store.write { w -> (Hash, UInt64) in
            var appender = try LogAppender(writer: w)
            #expect(appender.size == 5)
            let s = Fixtures.submission(5)
            let result = try appender.append(s, signature: s.signature(with: Fixtures.partyKey), time: "2025-03-01T09:00:00Z")
            #expect(result.entry.prev == TreeHasher.leafHash(try w.entry(at: 4)))
            #expect(result.leafHash == TreeHasher.leafHash(result.bytes))
            return (appender.root, appender.size)
        }
        #expect(size == 6)
        let model = try store.read { r in TreeModel(leaves: try (0..<6).map { TreeHasher.leafHash(try r.entry(at: $0)) }) }
        #expect(root == model.roots[6])
        #expect(try store.read { try verify($0) }.root == root)
    }

    @Test("an entry reaching 65,535 bytes is refused and leaves the store unchanged")
    func oversizedEntry() throws {
        let store = try Fixtures.store(entries: 2)
        let big = Fixtures.submission(2, note: String(repeating: "x", count: 65_535))
        #expect(throws: LedgerError.self) {
            try store.write { w in
                var appender = try LogAppender(writer: w)
                _ = try appender.append(big, signature: big.signature(with: Fixtures.partyKey), time: "2025-03-01T09:00:00Z")
            }
        }
        #expect(try store.read { try $0.treeSize() } == 2)
        #expect(try store.read { try verify($0) }.size == 2)
    }

    @Test("the checkpointer refuses keys named other than the origin, and re-publishing the same size is a no-op")
    func checkpointerBasics() throws {
        #expect(throws: LedgerError.self) { try Checkpointer(origin: Fixtures.origin, keys: []) }
        #expect(throws: LedgerError.self) { try Checkpointer(origin: Fixtures.origin, keys: [Fixtures.partyKey]) }
        let store = try Fixtures.store(entries: 4, checkpointsAt: [4])
        let checkpointer = try Checkpointer(origin: Fixtures.origin, keys: [Fixtures.operatorKey])
        let before = try store.read { try $0.latestCheckpoint() }
        let again = try store.write { try checkpointer.publish(in: $0) }
        #expect(again == before)
        #expect(try store.read { try $0.checkpoints() }.count == 1)
        // The empty tree can be checkpointed and extended.
        let empty = InMemoryLedgerStore()
        let cp0 = try empty.write { try checkpointer.publish(in: $0) }
        #expect(cp0.size == 0 && cp0.root == TreeHasher.emptyRoot)
    }

    @Test("publish refuses to sign when a node it reads was tampered (writer wrapper)", arguments: [
        NodeID(level: 3, index: 0), NodeID(level: 2, index: 0), NodeID(level: 0, index: 4), NodeID(level: 0, index: 5), NodeID(level: 1, index: 3),
    ])
    func publishRefusesTamperedNode(_ node: NodeID) throws {
        // Checkpoint at 5, tree of 8: the root reads (3,0); the proof 5→8 reads (0,4), (0,5), (1,3) and (2,0).
        let store = try Fixtures.store(entries: 8, checkpointsAt: [5])
        let checkpointer = try Checkpointer(origin: Fixtures.origin, keys: [Fixtures.operatorKey])
        var inserted = -1
        let error = #expect(throws: LedgerError.self) {
            try store.write { w in
                let tampered = TamperedNodeWriter(w, node: node)
                defer { inserted = tampered.insertedCheckpoints }
                try checkpointer.publish(in: tampered)
            }
        }
        switch error {
        case .integrity?, .badProof?, nil: break
        case let other?: Issue.record("expected an integrity or proof failure, got \(other)")
        }
        #expect(inserted == 0, "no checkpoint may be signed")
        #expect(try store.read { try $0.checkpoints() }.map(\.size) == [5])
        // Untampered, the same publish succeeds.
        #expect(try store.write { try checkpointer.publish(in: $0) }.size == 8)
    }

    @Test("publish refuses to sign when a stored node disagrees with the checkpoint of the same size (fresh store)")
    func publishRefusesDamagedStore() throws {
        let store = try Fixtures.store(entries: 8, checkpointsAt: [8])
        let damaged = try copy(store, tampering: NodeID(level: 3, index: 0))
        let checkpointer = try Checkpointer(origin: Fixtures.origin, keys: [Fixtures.operatorKey])
        let error = #expect(throws: LedgerError.self) { try damaged.write { try checkpointer.publish(in: $0) } }
        #expect(error == .integrity(index: nil, "stored tree of size 8 disagrees with its checkpoint"))

        // A fresh store whose old nodes are damaged, extended past its checkpoint, refuses to sign the extension.
        let older = try Fixtures.store(entries: 5, checkpointsAt: [5])
        let damagedOld = try copy(older, tampering: NodeID(level: 2, index: 0))
        try damagedOld.write { w in
            var appender = try LogAppender(writer: w)
            for i in 5..<8 {
                let s = Fixtures.submission(i)
                _ = try appender.append(s, signature: s.signature(with: Fixtures.partyKey), time: "2025-03-01T08:00:01Z")
            }
        }
        #expect(throws: LedgerError.self) { try damagedOld.write { try checkpointer.publish(in: $0) } }
        #expect(try damagedOld.read { try $0.checkpoints() }.map(\.size) == [5])
    }

    @Test("the verifier names the entry whose append completes a tampered stored node")
    func verifierFindsTamperedNode() throws {
        let store = try Fixtures.store(entries: 11, checkpointsAt: [11])
        for sid in 0..<NodeID.nodeCount(forSize: 11) {
            // Find the node with this storage id.
            var range = CompactRange()
            var node: NodeID?
            var completer: UInt64 = 0
            for i in 0..<11 where node == nil {
                for (id, _) in range.append(TreeHasher.leafHash([UInt8(i)])) where id.storageID == sid {
                    node = id
                    completer = UInt64(i)
                }
            }
            let found: NodeID = try #require(node)
            let damaged = try copy(store, tampering: found)
            let index = integrityIndex { _ = try damaged.read { try verify($0) } }
            #expect(index == .some(completer), "node \(found) (storage id \(sid))")
        }
    }

    @Test("the verifier names index k when any byte of entry k is flipped")
    func verifierFindsFlippedByte() throws {
        let n: UInt64 = 7
        let store = try Fixtures.store(entries: Int(n), checkpointsAt: [3, Int(n)])
        var rng = TestRNG(seed: 2025)
        for k in 0..<n {
            let length = try store.read { try $0.entry(at: k).count }
            // Every byte of one entry; a sample of bytes (always the first and last) of the others.
            var offsets = k == 4 ? Array(0..<length) : [0, length - 1]
            if k != 4 { for _ in 0..<25 { offsets.append(Int.random(in: 0..<length, using: &rng)) } }
            for offset in offsets {
                let mask = UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
                let index = integrityIndex {
                    _ = try store.read { r in try verify(FlippingReader(r, index: k, offset: offset, mask: mask)) }
                }
                #expect(index == .some(k), "entry \(k), byte \(offset), mask \(mask)")
            }
        }
    }

    @Test("the verifier names the first entry whose signature does not verify")
    func verifierFindsBadSignature() throws {
        let store = try Fixtures.store(entries: 4)
        try store.write { w in
            var appender = try LogAppender(writer: w)
            let s = Fixtures.submission(4)
            _ = try appender.append(s, signature: s.signature(with: Fixtures.otherOperatorKey), time: "2025-03-01T08:00:01Z")
            let t = Fixtures.submission(5)
            _ = try appender.append(t, signature: [UInt8](repeating: 0, count: 64), time: "2025-03-01T08:00:01Z")
        }
        for chunk in [1, 3, 100] {
            #expect(integrityIndex { _ = try store.read { try verify($0, chunkSize: chunk) } } == .some(4), "chunk size \(chunk)")
        }
    }

    @Test("the verifier rejects a trusted checkpoint the log does not extend, and checkpoints beyond the log")
    func verifierTrustedCheckpoint() throws {
        let store = try Fixtures.store(entries: 9, checkpointsAt: [6])
        let good = try store.read { r in try SignedCheckpoint(verifying: Array(try r.checkpoints()[0].note.utf8), keys: [Fixtures.operatorKey.verifier]) }
        #expect(try store.read { try verify($0, trusted: good) }.trustedSize == 6)

        let forkRoot = TreeHasher.leafHash(Array("fork".utf8))
        let fork = Checkpoint(origin: Fixtures.origin, size: 6, root: forkRoot).signed(by: [Fixtures.operatorKey])
        #expect(integrityIndex { _ = try store.read { try verify($0, trusted: fork) } } == .some(5))

        let longer = Checkpoint(origin: Fixtures.origin, size: 20, root: forkRoot).signed(by: [Fixtures.operatorKey])
        #expect(integrityIndex { _ = try store.read { try verify($0, trusted: longer) } } != nil)

        // A stored checkpoint signed by a key the verifier does not know.
        let stranger = InMemoryLedgerStore()
        _ = try stranger.write { w in
            try Checkpointer(origin: Fixtures.origin, keys: [Fixtures.otherOperatorKey]).publish(in: w)
        }
        #expect(integrityIndex { _ = try stranger.read { try verify($0) } } != nil)
    }
}
