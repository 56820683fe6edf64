import LedgerCore
import Testing

/// One tree of 2,000 random leaves; every smaller tree is a prefix of it.
private let bigTree = TreeModel(randomLeaves: 2_000, seed: 0x6877_6C65_6467_6572)

private func inclusionVerifies(_ tree: TreeModel, leaf: Hash, index: UInt64, size: UInt64, proof: [Hash], root: Hash) -> Bool {
    (try? ProofVerifier.verifyInclusion(leaf: leaf, index: index, size: size, proof: proof, root: root)) != nil
}

private func consistencyVerifies(_ m: UInt64, _ oldRoot: Hash, _ n: UInt64, _ newRoot: Hash, _ proof: [Hash]) -> Bool {
    (try? ProofVerifier.verifyConsistency(oldSize: m, oldRoot: oldRoot, newSize: n, newRoot: newRoot, proof: proof)) != nil
}

/// Checks one inclusion proof and every tampering of it.
private func checkInclusion(_ tree: TreeModel, index i: UInt64, size n: UInt64, rng: inout TestRNG, note: String) throws {
    var builder = tree.builder(size: n)
    let proof = try builder.inclusionProof(index: i, size: n)
    let leaf = tree.leaves[Int(i)]
    let root = tree.roots[Int(n)]
    #expect(inclusionVerifies(tree, leaf: leaf, index: i, size: n, proof: proof, root: root), "\(note): genuine proof")

    // Any single bit of any proof hash.
    for j in proof.indices {
        var bad = proof
        bad[j] = bad[j].flippingBit(Int.random(in: 0..<256, using: &rng))
        #expect(!inclusionVerifies(tree, leaf: leaf, index: i, size: n, proof: bad, root: root), "\(note): bit flip in hash \(j)")
    }
    // The leaf and the root.
    #expect(!inclusionVerifies(tree, leaf: leaf.flippingBit(Int.random(in: 0..<256, using: &rng)), index: i, size: n, proof: proof, root: root), "\(note): flipped leaf")
    #expect(!inclusionVerifies(tree, leaf: leaf, index: i, size: n, proof: proof, root: root.flippingBit(Int.random(in: 0..<256, using: &rng))), "\(note): flipped root")
    // Dropping or adding a hash.
    if !proof.isEmpty {
        #expect(!inclusionVerifies(tree, leaf: leaf, index: i, size: n, proof: Array(proof.dropFirst()), root: root), "\(note): first hash dropped")
        #expect(!inclusionVerifies(tree, leaf: leaf, index: i, size: n, proof: Array(proof.dropLast()), root: root), "\(note): last hash dropped")
    }
    let extra = TreeHasher.leafHash(rng.bytes(8))
    #expect(!inclusionVerifies(tree, leaf: leaf, index: i, size: n, proof: proof + [extra], root: root), "\(note): hash appended")
    #expect(!inclusionVerifies(tree, leaf: leaf, index: i, size: n, proof: [extra] + proof, root: root), "\(note): hash prepended")
    // Wrong index in the same tree.
    for wrong in [i &- 1, i + 1, UInt64.random(in: 0..<n, using: &rng)] where wrong < n && wrong != i {
        #expect(!inclusionVerifies(tree, leaf: leaf, index: wrong, size: n, proof: proof, root: root), "\(note): wrong index \(wrong)")
    }
    #expect(!inclusionVerifies(tree, leaf: leaf, index: n, size: n, proof: proof, root: root), "\(note): index = size")
    // Wrong size, against the genuine root of that size: verifies only if the proof happens to be that size's proof.
    for wrong in [n - 1, n + 1, UInt64.random(in: 1...UInt64(tree.leaves.count), using: &rng)]
    where wrong > i && wrong != n && wrong <= UInt64(tree.leaves.count) {
        var other = tree.builder(size: wrong)
        let same = try other.inclusionProof(index: i, size: wrong) == proof && tree.roots[Int(wrong)] == root
        #expect(inclusionVerifies(tree, leaf: leaf, index: i, size: wrong, proof: proof, root: tree.roots[Int(wrong)]) == same, "\(note): wrong size \(wrong)")
    }
}

/// Checks one consistency proof and every tampering of it.
private func checkConsistency(_ tree: TreeModel, from m: UInt64, to n: UInt64, rng: inout TestRNG, note: String) throws {
    var builder = tree.builder(size: n)
    let proof = try builder.consistencyProof(from: m, to: n)
    let oldRoot = tree.roots[Int(m)]
    let newRoot = tree.roots[Int(n)]
    #expect(consistencyVerifies(m, oldRoot, n, newRoot, proof), "\(note): genuine proof")

    for j in proof.indices {
        var bad = proof
        bad[j] = bad[j].flippingBit(Int.random(in: 0..<256, using: &rng))
        #expect(!consistencyVerifies(m, oldRoot, n, newRoot, bad), "\(note): bit flip in hash \(j)")
    }
    #expect(!consistencyVerifies(m, oldRoot.flippingBit(Int.random(in: 0..<256, using: &rng)), n, newRoot, proof), "\(note): flipped old root")
    #expect(!consistencyVerifies(m, oldRoot, n, newRoot.flippingBit(Int.random(in: 0..<256, using: &rng)), proof), "\(note): flipped new root")
    if !proof.isEmpty {
        #expect(!consistencyVerifies(m, oldRoot, n, newRoot, Array(proof.dropFirst())), "\(note): first hash dropped")
        #expect(!consistencyVerifies(m, oldRoot, n, newRoot, Array(proof.dropLast())), "\(note): last hash dropped")
    }
    let extra = TreeHasher.leafHash(rng.bytes(8))
    #expect(!consistencyVerifies(m, oldRoot, n, newRoot, proof + [extra]), "\(note): hash appended")
    #expect(!consistencyVerifies(m, oldRoot, n, newRoot, [extra] + proof), "\(note): hash prepended")
    // Wrong sizes, against the genuine roots of those sizes: verifies only if the proof is that pair's proof.
    let total = UInt64(tree.leaves.count)
    for (m2, n2) in [(m - 1, n), (m + 1, n), (m, n - 1), (m, n + 1)] where m2 >= 1 && m2 <= n2 && n2 <= total && (m2, n2) != (m, n) {
        var other = tree.builder(size: n2)
        let same = try other.consistencyProof(from: m2, to: n2) == proof
        #expect(consistencyVerifies(m2, tree.roots[Int(m2)], n2, tree.roots[Int(n2)], proof) == same, "\(note): sizes \(m2)→\(n2)")
    }
    // The claimed old size with the same root but another tree's old root is a fork.
    if m < n {
        #expect(!consistencyVerifies(m, tree.roots[Int(m) - 1 == 0 ? Int(m) + 1 : Int(m) - 1], n, newRoot, proof), "\(note): another old root")
    }
}

@Suite("Merkle proofs (property tests)")
struct MerkleProofPropertyTests {
    @Test("ProofBuilder matches the RFC 9162 recursion for every index and old size up to 40 leaves")
    func matchesReference() throws {
        let tree = TreeModel(randomLeaves: 40, seed: 7)
        for n in 1...40 {
            let d = tree.leaves.prefix(n)
            #expect(tree.roots[n] == ReferenceTree.mth(d), "root of \(n)")
            var builder = tree.builder(size: UInt64(n))
            #expect(try builder.root(size: UInt64(n)) == tree.roots[n])
            for i in 0..<n {
                let proof = try builder.inclusionProof(index: UInt64(i), size: UInt64(n))
                #expect(proof == ReferenceTree.path(i, d), "inclusion \(i) in \(n)")
                #expect(inclusionVerifies(tree, leaf: tree.leaves[i], index: UInt64(i), size: UInt64(n), proof: proof, root: tree.roots[n]))
            }
            for m in 1...n {
                let proof = try builder.consistencyProof(from: UInt64(m), to: UInt64(n))
                #expect(proof == ReferenceTree.proof(m, d), "consistency \(m)→\(n)")
                #expect(consistencyVerifies(UInt64(m), tree.roots[m], UInt64(n), tree.roots[n], proof))
            }
        }
    }

    @Test("every inclusion and consistency proof of trees up to 64 leaves verifies and every tampering fails")
    func exhaustiveSmallTrees() throws {
        var rng = TestRNG(seed: 64)
        for n in UInt64(1)...64 {
            for i in 0..<n { try checkInclusion(bigTree, index: i, size: n, rng: &rng, note: "inclusion \(i)/\(n)") }
            for m in 1...n { try checkConsistency(bigTree, from: m, to: n, rng: &rng, note: "consistency \(m)→\(n)") }
        }
    }

    @Test("for random sizes up to 2,000, sampled inclusion and consistency proofs verify and every tampering fails")
    func randomSizes() throws {
        let fixed: [UInt64] = [127, 128, 129, 255, 256, 257, 1023, 1024, 1025, 1999, 2000]
        for seed in UInt64(0)..<60 {
            var rng = TestRNG(seed: seed)
            let n = seed < UInt64(fixed.count) ? fixed[Int(seed)] : UInt64.random(in: 65...2000, using: &rng)
            var indices: Set<UInt64> = [0, n - 1]
            var olds: Set<UInt64> = [1, n, n - 1]
            for _ in 0..<6 {
                indices.insert(UInt64.random(in: 0..<n, using: &rng))
                olds.insert(UInt64.random(in: 1...n, using: &rng))
            }
            // Powers of two and their neighbours are the edge cases of the algorithms.
            var p: UInt64 = 1
            while p <= n { olds.insert(p); if p > 1 { olds.insert(p - 1) }; if p + 1 <= n { olds.insert(p + 1) }; p <<= 1 }
            for i in indices.sorted() { try checkInclusion(bigTree, index: i, size: n, rng: &rng, note: "seed \(seed): inclusion \(i)/\(n)") }
            for m in olds.sorted() { try checkConsistency(bigTree, from: m, to: n, rng: &rng, note: "seed \(seed): consistency \(m)→\(n)") }
        }
    }

    @Test("proofs outside the tree are refused by the builder and the verifier")
    func outOfRange() throws {
        var builder = bigTree.builder(size: 10)
        #expect(throws: LedgerError.self) { try builder.inclusionProof(index: 10, size: 10) }
        #expect(throws: LedgerError.self) { try builder.consistencyProof(from: 0, to: 10) }
        #expect(throws: LedgerError.self) { try builder.consistencyProof(from: 11, to: 10) }
        // The builder must not read nodes beyond the tree it proves.
        #expect(throws: (any Error).self) { try builder.inclusionProof(index: 3, size: 11) }
        #expect(try builder.consistencyProof(from: 10, to: 10).isEmpty)
        #expect(throws: LedgerError.self) {
            try ProofVerifier.verifyInclusion(leaf: bigTree.leaves[0], index: 0, size: 0, proof: [], root: TreeHasher.emptyRoot)
        }
        #expect(throws: LedgerError.self) {
            try ProofVerifier.verifyConsistency(oldSize: 0, oldRoot: TreeHasher.emptyRoot, newSize: 5, newRoot: bigTree.roots[5], proof: [])
        }
        #expect(throws: LedgerError.self) {
            try ProofVerifier.verifyConsistency(oldSize: 6, oldRoot: bigTree.roots[6], newSize: 5, newRoot: bigTree.roots[5], proof: [])
        }
        #expect(throws: LedgerError.self) {
            try ProofVerifier.verifyConsistency(oldSize: 5, oldRoot: bigTree.roots[5], newSize: 5, newRoot: bigTree.roots[6], proof: [])
        }
        #expect(throws: LedgerError.self) {
            try ProofVerifier.verifyConsistency(oldSize: 5, oldRoot: bigTree.roots[5], newSize: 5, newRoot: bigTree.roots[5], proof: [bigTree.roots[5]])
        }
        // A tree of one leaf: the root is the leaf and the proof is empty.
        try ProofVerifier.verifyInclusion(leaf: bigTree.leaves[0], index: 0, size: 1, proof: [], root: bigTree.leaves[0])
    }
}
