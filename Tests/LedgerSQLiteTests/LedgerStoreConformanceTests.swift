import Foundation
import LedgerCore
import LedgerSQLite
import LedgerTestSupport
import Testing

/// The `LedgerStore` contract, run once per implementation (STYLE §2.4).
@Suite("LedgerStore conformance")
struct LedgerStoreConformanceTests {
    @Test("an empty store holds nothing", arguments: StoreKind.available)
    func empty(kind: StoreKind) throws {
        let f = try kind.make()
        try f.store.read { r throws in
            #expect(try r.treeSize() == 0)
            #expect(try r.checkpoints().isEmpty)
            #expect(try r.latestCheckpoint() == nil)
            #expect(try r.projectionKinds().isEmpty)
            #expect(try r.projection(kind: "enterprise", key: "x") == nil)
            #expect(try r.meta("origin") == nil)
            #expect(throws: (any Error).self) { try r.entry(at: 0) }
            var visited = 0
            try r.forEachEntry(from: 0, to: 10) { _, _ in
                visited += 1
                return true
            }
            #expect(visited == 0)
        }
    }

    @Test("appended entries read back byte for byte, in order, across transactions", arguments: StoreKind.available)
    func entries(kind: StoreKind) throws {
        let f = try kind.make()
        let all = payloads(23, seed: 1) + [[0x00], [0xFF, 0xFE, 0x00, 0x7B], Array("{\"a\":\"中\"}".utf8)]
        try f.append(Array(all[0..<1]))
        try f.append(Array(all[1..<10]))
        try f.append(Array(all[10...]))
        #expect(try f.size() == UInt64(all.count))
        try f.store.read { r throws in
            for (i, p) in all.enumerated() { #expect(try r.entry(at: UInt64(i)) == p, "entry \(i)") }
            #expect(throws: (any Error).self) { try r.entry(at: UInt64(all.count)) }

            var seen: [(UInt64, [UInt8])] = []
            try r.forEachEntry(from: 3, to: 8) { i, b in
                seen.append((i, b))
                return true
            }
            #expect(seen.map(\.0) == [3, 4, 5, 6, 7])
            #expect(seen.map(\.1) == Array(all[3..<8]))

            var stopped: [UInt64] = []
            try r.forEachEntry(from: 0, to: UInt64.max) { i, _ in
                stopped.append(i)
                return stopped.count < 4
            }
            #expect(stopped == [0, 1, 2, 3])

            var tail: [UInt64] = []
            try r.forEachEntry(from: UInt64(all.count - 2), to: UInt64.max) { i, _ in
                tail.append(i)
                return true
            }
            #expect(tail == [UInt64(all.count - 2), UInt64(all.count - 1)])
        }
    }

    @Test("a write sees its own appends before it commits", arguments: StoreKind.available)
    func readYourWrites(kind: StoreKind) throws {
        let f = try kind.make()
        try f.store.write { w throws in
            var range = CompactRange()
            try w.appendEntry(index: 0, bytes: [1], nodes: range.append(TreeHasher.leafHash([1])))
            #expect(try w.treeSize() == 1)
            #expect(try w.entry(at: 0) == [1])
            try w.putProjection(kind: "k", key: "a", value: [2])
            #expect(try w.projection(kind: "k", key: "a") == [2])
        }
    }

    @Test("appending at an index that exists throws and rolls the write back", arguments: StoreKind.available)
    func appendAtExistingIndex(kind: StoreKind) throws {
        let f = try kind.make()
        try f.append(payloads(3, seed: 2))
        #expect(throws: (any Error).self) {
            try f.store.write { w throws in
                try w.setMeta("touched", "yes")
                try w.appendEntry(index: 1, bytes: [9], nodes: [(NodeID(level: 0, index: 1), hash(9))])
            }
        }
        #expect(try f.size() == 3)
        #expect(try f.store.read { try $0.meta("touched") } == nil)
        #expect(try f.store.read { try $0.entry(at: 1) } == payloads(3, seed: 2)[1])
    }

    @Test("tree nodes are stored in completion order and give the RFC 9162 root", arguments: StoreKind.available)
    func nodes(kind: StoreKind) throws {
        let f = try kind.make()
        let all = payloads(37, seed: 3)
        var reference = CompactRange()
        var expected: [(NodeID, Hash)] = []
        for p in all { expected += reference.append(TreeHasher.leafHash(p)) }
        try f.append(Array(all[0..<5]))
        try f.append(Array(all[5..<16]))
        try f.append(Array(all[16...]))
        try f.store.read { r throws in
            let count = NodeID.nodeCount(forSize: UInt64(all.count))
            #expect(UInt64(expected.count) == count)
            var ids: [UInt64] = []
            var hashes: [Hash] = []
            try r.forEachNode(fromStorageID: 0, to: UInt64.max) { id, h in
                ids.append(id)
                hashes.append(h)
                return true
            }
            #expect(ids == Array(0..<count))
            #expect(hashes == expected.map(\.1))
            #expect(expected.map { $0.0.storageID } == Array(0..<count))
            for (id, h) in expected { #expect(try r.nodeHash(id) == h, "node \(id)") }
            for (i, p) in all.enumerated() { #expect(try r.nodeHash(NodeID(level: 0, index: UInt64(i))) == TreeHasher.leafHash(p)) }

            var middle: [UInt64] = []
            try r.forEachNode(fromStorageID: 10, to: 20) { id, _ in
                middle.append(id)
                return middle.count < 5
            }
            #expect(middle == [10, 11, 12, 13, 14])

            #expect(throws: (any Error).self) { try r.nodeHash(NodeID(level: 0, index: UInt64(all.count))) }
            #expect(throws: (any Error).self) { try r.nodeHash(NodeID(level: 6, index: 0)) }

            var builder = ProofBuilder(source: r.subtreeHashes)
            #expect(try builder.root(size: UInt64(all.count)) == reference.root)
            #expect(try builder.root(size: 0) == TreeHasher.emptyRoot)
        }
    }

    static let keys = ["b", "a", "B", "a/1", "a0", "ab", "é", "中", "z", "A", "91510100MA00000001", "REG-510000/0123abcd", "~"]

    @Test("projections list by key in byte order, per kind", arguments: StoreKind.available)
    func projectionOrder(kind: StoreKind) throws {
        let f = try kind.make()
        var rng = SplitMix64(seed: 4)
        try f.store.write { w throws in
            for key in Self.keys.shuffled(using: &rng) {
                try w.putProjection(kind: "enterprise", key: key, value: Array(key.utf8))
            }
            try w.putProjection(kind: "key", key: "only", value: [1])
        }
        let sorted = Self.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        try f.store.read { r throws in
            var listed: [String] = []
            try r.forEachProjection(kind: "enterprise", after: nil) { key, value in
                #expect(value == Array(key.utf8))
                listed.append(key)
                return true
            }
            #expect(listed == sorted)
            #expect(try r.projectionKinds() == ["enterprise", "key"])
            #expect(try r.projection(kind: "enterprise", key: "中") == Array("中".utf8))
            #expect(try r.projection(kind: "key", key: "中") == nil)
            #expect(try r.projection(kind: "nonce", key: "only") == nil)
        }
    }

    @Test("after: starts strictly after the key, and pages reassemble the whole kind", arguments: StoreKind.available)
    func projectionPaging(kind: StoreKind) throws {
        let f = try kind.make()
        try f.store.write { w throws in
            for key in Self.keys { try w.putProjection(kind: "p", key: key, value: [0]) }
        }
        let sorted = Self.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        try f.store.read { r throws in
            for (i, key) in sorted.enumerated() {
                var rest: [String] = []
                try r.forEachProjection(kind: "p", after: key) { k, _ in
                    rest.append(k)
                    return true
                }
                #expect(rest == Array(sorted[(i + 1)...]), "after \(key)")
            }
            var after: String?
            var pages: [[String]] = []
            while true {
                var page: [String] = []
                try r.forEachProjection(kind: "p", after: after) { k, _ in
                    page.append(k)
                    return page.count < 3
                }
                guard let last = page.last else { break }
                pages.append(page)
                after = last
            }
            #expect(pages.flatMap { $0 } == sorted)
            #expect(pages.dropLast().allSatisfy { $0.count == 3 })
            var none: [String] = []
            try r.forEachProjection(kind: "p", after: "\u{10FFFF}") { k, _ in
                none.append(k)
                return true
            }
            #expect(none.isEmpty)
        }
    }

    @Test("a projection with an empty key is listed like any other", arguments: StoreKind.available)
    func emptyProjectionKey(kind: StoreKind) throws {
        let f = try kind.make()
        try f.store.write { w throws in
            try w.putProjection(kind: "p", key: "", value: [1])
            try w.putProjection(kind: "p", key: "a", value: [2])
        }
        try f.store.read { r throws in
            #expect(try r.projection(kind: "p", key: "") == [1])
            var listed: [String] = []
            try r.forEachProjection(kind: "p", after: nil) { k, _ in
                listed.append(k)
                return true
            }
            #expect(listed == ["", "a"])
        }
    }

    @Test("put replaces, delete removes, deleteAll empties every kind", arguments: StoreKind.available)
    func projectionUpdates(kind: StoreKind) throws {
        let f = try kind.make()
        try f.store.write { w throws in
            try w.putProjection(kind: "a", key: "x", value: [1])
            try w.putProjection(kind: "a", key: "x", value: [2, 3])
            try w.putProjection(kind: "b", key: "y", value: [4])
        }
        #expect(try f.store.read { try $0.projection(kind: "a", key: "x") } == [2, 3])
        try f.store.write { try $0.deleteProjection(kind: "b", key: "y") }
        try f.store.write { try $0.deleteProjection(kind: "b", key: "never-there") }
        try f.store.read { r throws in
            #expect(try r.projection(kind: "b", key: "y") == nil)
            #expect(try r.projectionKinds() == ["a"])
        }
        try f.store.write { try $0.deleteAllProjections() }
        try f.store.read { r throws in
            #expect(try r.projectionKinds().isEmpty)
            #expect(try r.projection(kind: "a", key: "x") == nil)
        }
    }

    @Test("checkpoints list by increasing size and the latest is the largest", arguments: StoreKind.available)
    func checkpointOrder(kind: StoreKind) throws {
        let f = try kind.make()
        try f.store.write { try $0.insertCheckpoint(StoredCheckpoint(size: 5, root: hash(5), note: "five\n")) }
        try f.store.write { w throws in
            try w.insertCheckpoint(StoredCheckpoint(size: 1, root: hash(1), note: "one\n"))
            try w.insertCheckpoint(StoredCheckpoint(size: 3, root: hash(3), note: "three\n— x abc\n"))
        }
        try f.store.read { r throws in
            let all = try r.checkpoints()
            #expect(all.map(\.size) == [1, 3, 5])
            #expect(all.map(\.root) == [hash(1), hash(3), hash(5)])
            #expect(all[1].note == "three\n— x abc\n")
            #expect(try r.latestCheckpoint() == StoredCheckpoint(size: 5, root: hash(5), note: "five\n"))
        }
    }

    @Test("a second checkpoint of the same size is refused and its write rolled back", arguments: StoreKind.available)
    func checkpointUniqueSize(kind: StoreKind) throws {
        let f = try kind.make()
        try f.store.write { try $0.insertCheckpoint(StoredCheckpoint(size: 3, root: hash(3), note: "original\n")) }
        #expect(throws: (any Error).self) {
            try f.store.write { w throws in
                try w.setMeta("origin", "should-not-stay")
                try w.putProjection(kind: "p", key: "k", value: [1])
                try w.insertCheckpoint(StoredCheckpoint(size: 4, root: hash(4), note: "four\n"))
                try w.insertCheckpoint(StoredCheckpoint(size: 3, root: hash(30), note: "forged\n"))
            }
        }
        try f.store.read { r throws in
            #expect(try r.checkpoints() == [StoredCheckpoint(size: 3, root: hash(3), note: "original\n")])
            #expect(try r.meta("origin") == nil)
            #expect(try r.projection(kind: "p", key: "k") == nil)
        }
    }

    @Test("an error thrown inside write rolls back everything it did", arguments: StoreKind.available)
    func rollback(kind: StoreKind) throws {
        let f = try kind.make()
        try f.append(payloads(4, seed: 5))
        try f.store.write { w throws in
            try w.putProjection(kind: "p", key: "kept", value: [1])
            try w.insertCheckpoint(StoredCheckpoint(size: 4, root: hash(4), note: "n\n"))
            try w.setMeta("origin", "o")
        }
        let before = try f.store.read { r throws in
            (try r.treeSize(), try r.checkpoints(), try r.projectionKinds(), try r.meta("origin"))
        }
        #expect(throws: Boom.self) {
            try f.store.write { w throws in
                var range = try CompactRange(size: 4, hashes: CompactRange.nodes(forSize: 4).map { try w.nodeHash($0) })
                for i in 4..<9 as Range<UInt64> {
                    try w.appendEntry(index: i, bytes: [UInt8(i)], nodes: range.append(TreeHasher.leafHash([UInt8(i)])))
                }
                try w.putProjection(kind: "p", key: "kept", value: [99])
                try w.putProjection(kind: "q", key: "new", value: [2])
                try w.deleteProjection(kind: "p", key: "kept")
                try w.insertCheckpoint(StoredCheckpoint(size: 9, root: hash(9), note: "n\n"))
                try w.setMeta("origin", "changed")
                try w.setMeta("other", "x")
                throw Boom()
            }
        }
        try f.store.read { r throws in
            #expect(try r.treeSize() == before.0)
            #expect(try r.checkpoints() == before.1)
            #expect(try r.projectionKinds() == before.2)
            #expect(try r.meta("origin") == before.3)
            #expect(try r.meta("other") == nil)
            #expect(try r.projection(kind: "p", key: "kept") == [1])
            #expect(NodeID.nodeCount(forSize: 4) == 7)
            var nodes = 0
            try r.forEachNode(fromStorageID: 0, to: UInt64.max) { _, _ in
                nodes += 1
                return true
            }
            #expect(nodes == 7)
        }
        // The store is usable afterwards, and appends continue at the old size.
        try f.append([[42]])
        #expect(try f.size() == 5)
        #expect(try f.store.read { try $0.entry(at: 4) } == [42])
    }

    @Test("meta settings are set, replaced and read", arguments: StoreKind.available)
    func meta(kind: StoreKind) throws {
        let f = try kind.make()
        try f.store.write { w throws in
            try w.setMeta("origin", "hwledger.test/sc-cq")
            try w.setMeta("operatorKeyPath", "/tmp/a")
        }
        try f.store.write { try $0.setMeta("operatorKeyPath", "/tmp/b") }
        try f.store.read { r throws in
            #expect(try r.meta("origin") == "hwledger.test/sc-cq")
            #expect(try r.meta("operatorKeyPath") == "/tmp/b")
            #expect(try r.meta("schemaVersion") == nil)
        }
    }

    @Test("appending n entries gives size n and every inclusion proof verifies (property, 30 seeds)", arguments: StoreKind.available)
    func inclusionProperty(kind: StoreKind) throws {
        for seed in 0..<30 as Range<UInt64> {
            let f = try kind.make()
            var rng = SplitMix64(seed: seed)
            let n = Int(rng.next() % 40) + 1
            let all = payloads(n, seed: seed)
            var i = 0
            while i < n {
                let chunk = min(n - i, Int(rng.next() % 7) + 1)
                try f.append(Array(all[i..<(i + chunk)]))
                i += chunk
            }
            #expect(try f.size() == UInt64(n), "seed \(seed)")
            try f.store.read { r throws in
                var builder = ProofBuilder(source: r.subtreeHashes)
                let root = try builder.root(size: UInt64(n))
                for index in 0..<UInt64(n) {
                    let proof = try builder.inclusionProof(index: index, size: UInt64(n))
                    #expect(throws: Never.self, "seed \(seed) index \(index)") {
                        try ProofVerifier.verifyInclusion(
                            leaf: TreeHasher.leafHash(all[Int(index)]), index: index, size: UInt64(n), proof: proof, root: root)
                    }
                }
            }
        }
    }
}
