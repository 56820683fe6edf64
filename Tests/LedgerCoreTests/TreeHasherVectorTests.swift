import LedgerCore
import Testing

/// rfc6962-reference-tree.json, from transparency-dev/merkle.
struct RFC6962Vectors: Decodable, Sendable {
    struct HasherVector: Decodable, Sendable, CustomTestStringConvertible {
        var desc: String
        var op: String
        var input_hex: String?
        var left_hex: String?
        var right_hex: String?
        var want_hex: String
        var testDescription: String { desc }
    }

    var hasher_vectors: [HasherVector]
    var leaf_inputs_hex: [String]
    var node_hashes_by_level_hex: [[String]]
    var root_hashes_by_size_hex: [String]

    static let file = "rfc6962-reference-tree.json"
    static let loaded: RFC6962Vectors? = try? Vectors.load(RFC6962Vectors.self, from: file)
}

@Suite("RFC 6962 reference tree vectors")
struct TreeHasherVectorTests {
    @Test("the vector file loads from the shared folder")
    func fileLoads() throws {
        let v = try Vectors.load(RFC6962Vectors.self, from: RFC6962Vectors.file)
        #expect(v.hasher_vectors.count == 4)
        #expect(v.leaf_inputs_hex.count == 8)
        #expect(v.root_hashes_by_size_hex.count == 9)
    }

    @Test("each hasher vector gives the listed hash", arguments: RFC6962Vectors.loaded?.hasher_vectors ?? [])
    func hasherVector(_ v: RFC6962Vectors.HasherVector) throws {
        let got: Hash
        switch v.op {
        case "empty_root": got = TreeHasher.emptyRoot
        case "leaf": got = TreeHasher.leafHash(hexBytes(try #require(v.input_hex)))
        case "node": got = TreeHasher.nodeHash(rawLeft: hexBytes(try #require(v.left_hex)), rawRight: hexBytes(try #require(v.right_hex)))
        default:
            Issue.record("unknown op \(v.op)")
            return
        }
        #expect(got.hex == v.want_hex, "\(v.desc)")
    }

    @Test("every node by level matches CompactRange and ProofBuilder over the 8 leaves")
    func nodesByLevel() throws {
        let v = try #require(RFC6962Vectors.loaded)
        let tree = TreeModel(leaves: v.leaf_inputs_hex.map { TreeHasher.leafHash(hexBytes($0)) })
        var builder = tree.builder(size: 8)
        var count = 0
        for (level, row) in v.node_hashes_by_level_hex.enumerated() {
            for (index, want) in row.enumerated() {
                let id = NodeID(level: level, index: UInt64(index))
                #expect(tree.nodes[id]?.hex == want, "CompactRange node \(id)")
                count += 1
            }
        }
        // In the perfect tree of 8, hash l of leaf i's inclusion proof is node (l, (i >> l) ^ 1): every node below
        // the root appears as some leaf's sibling.
        for i in 0..<8 {
            let proof = try builder.inclusionProof(index: UInt64(i), size: 8)
            #expect(proof.count == 3)
            for (level, h) in proof.enumerated() {
                #expect(h.hex == v.node_hashes_by_level_hex[level][(i >> level) ^ 1], "ProofBuilder sibling at level \(level) of leaf \(i)")
            }
        }
        // Perfect prefixes: the root of size 2^l is node (l, 0).
        for level in 0...3 {
            var sub = tree.builder(size: 1 << UInt64(level))
            #expect(try sub.root(size: 1 << UInt64(level)).hex == v.node_hashes_by_level_hex[level][0])
        }
        #expect(count == 15)
        #expect(tree.nodes.count == 15)
        #expect(try builder.root(size: 8).hex == v.node_hashes_by_level_hex[3][0])
    }

    @Test("roots for sizes 0 to 8 match CompactRange, ProofBuilder and the reference recursion")
    func rootsBySize() throws {
        let v = try #require(RFC6962Vectors.loaded)
        let tree = TreeModel(leaves: v.leaf_inputs_hex.map { TreeHasher.leafHash(hexBytes($0)) })
        for (size, want) in v.root_hashes_by_size_hex.enumerated() {
            #expect(tree.roots[size].hex == want, "CompactRange root of size \(size)")
            var builder = tree.builder(size: UInt64(size))
            #expect(try builder.root(size: UInt64(size)).hex == want, "ProofBuilder root of size \(size)")
            #expect(ReferenceTree.mth(tree.leaves.prefix(size)).hex == want, "reference root of size \(size)")
        }
    }

    @Test("a compact range rebuilt from its stored nodes has the same root")
    func compactRangeFromNodes() throws {
        let v = try #require(RFC6962Vectors.loaded)
        let tree = TreeModel(leaves: v.leaf_inputs_hex.map { TreeHasher.leafHash(hexBytes($0)) })
        for size in 0...8 {
            let ids = CompactRange.nodes(forSize: UInt64(size))
            #expect(ids.count == UInt64(size).nonzeroBitCount)
            let range = try CompactRange(size: UInt64(size), hashes: ids.map { tree.nodes[$0]! })
            #expect(range.root.hex == v.root_hashes_by_size_hex[size], "size \(size)")
        }
        #expect(throws: LedgerError.self) { try CompactRange(size: 3, hashes: [TreeHasher.emptyRoot]) }
    }

    @Test("node storage ids count nodes in the order appends complete them")
    func storageIDs() {
        let tree = TreeModel(randomLeaves: 64, seed: 1)
        var range = CompactRange()
        var expected: UInt64 = 0
        for leaf in tree.leaves {
            for (id, _) in range.append(leaf) {
                #expect(id.storageID == expected, "node \(id)")
                expected += 1
            }
            #expect(NodeID.nodeCount(forSize: range.size) == expected)
        }
    }
}
