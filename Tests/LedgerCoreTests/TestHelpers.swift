import Foundation
import LedgerCore

/// SplitMix64, for seeded property tests (STYLE §2.4). Private to this test target.
struct TestRNG: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

/// Known-answer vector files: `fixtures/vectors/` (an unmodified copy of the shared vectors, committed so that a
/// clean clone tests alone), found from this file's path.
enum Vectors {
    /// Walks up from this source file to the package root (the folder holding Package.swift).
    static func url(_ name: String, filePath: String = #filePath) -> URL {
        var dir = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("fixtures/vectors").appendingPathComponent(name)
    }

    static func load<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        let data = try Data(contentsOf: url(name))
        return try JSONDecoder().decode(T.self, from: data)
    }
}

func hexBytes(_ text: String) -> [UInt8] {
    guard let bytes = Hex.decode(text) else { fatalError("bad hex in test data: \(text)") }
    return bytes
}

func hash(_ hex: String) -> Hash {
    guard let h = Hash(hex: hex) else { fatalError("bad hash in test data: \(hex)") }
    return h
}

extension Hash {
    /// This hash with one bit inverted.
    func flippingBit(_ bit: Int) -> Hash {
        var b = bytes
        b[bit / 8] ^= 1 << UInt8(bit % 8)
        return Hash(bytes: b)!
    }
}

/// A `SubtreeHashSource` over a dictionary that refuses any node outside a tree of `size` leaves.
struct MapHashSource: SubtreeHashSource {
    let nodes: [NodeID: Hash]
    let size: UInt64

    func hash(of node: NodeID) throws -> Hash {
        let end = (node.index + 1) << UInt64(node.level)
        guard end <= size else { throw LedgerError.outOfRange("node \(node) lies outside the tree of size \(size)") }
        guard let h = nodes[node] else { throw LedgerError.outOfRange("node \(node) not known") }
        return h
    }
}

/// A tree of leaf hashes with every perfect subtree (from `CompactRange.append`) and the root of every prefix.
struct TreeModel: Sendable {
    let leaves: [Hash]
    let nodes: [NodeID: Hash]
    /// `roots[n]` is the root of the first n leaves.
    let roots: [Hash]

    init(leaves: [Hash]) {
        var range = CompactRange()
        var nodes: [NodeID: Hash] = [:]
        var roots = [range.root]
        for leaf in leaves {
            for (id, h) in range.append(leaf) { nodes[id] = h }
            roots.append(range.root)
        }
        self.leaves = leaves
        self.nodes = nodes
        self.roots = roots
    }

    init(randomLeaves count: Int, seed: UInt64) {
        var rng = TestRNG(seed: seed)
        self.init(leaves: (0..<count).map { _ in TreeHasher.leafHash(rng.bytes(Int.random(in: 0...40, using: &rng))) })
    }

    func builder(size: UInt64) -> ProofBuilder<MapHashSource> {
        ProofBuilder(source: MapHashSource(nodes: nodes, size: size))
    }
}

/// RFC 9162 §2.1 written out directly from the recursive definitions, as an independent reference.
enum ReferenceTree {
    static func mth(_ d: ArraySlice<Hash>) -> Hash {
        if d.isEmpty { return TreeHasher.emptyRoot }
        if d.count == 1 { return d.first! }
        let k = split(d.count)
        return TreeHasher.nodeHash(mth(d.prefix(k)), mth(d.dropFirst(k)))
    }

    static func path(_ m: Int, _ d: ArraySlice<Hash>) -> [Hash] {
        if d.count == 1 { return [] }
        let k = split(d.count)
        if m < k { return path(m, d.prefix(k)) + [mth(d.dropFirst(k))] }
        return path(m - k, d.dropFirst(k)) + [mth(d.prefix(k))]
    }

    static func proof(_ m: Int, _ d: ArraySlice<Hash>) -> [Hash] { subproof(m, d, true) }

    static func subproof(_ m: Int, _ d: ArraySlice<Hash>, _ b: Bool) -> [Hash] {
        if m == d.count { return b ? [] : [mth(d)] }
        let k = split(d.count)
        if m <= k { return subproof(m, d.prefix(k), b) + [mth(d.dropFirst(k))] }
        return subproof(m - k, d.dropFirst(k), false) + [mth(d.prefix(k))]
    }

    /// Largest power of two strictly below n (n ≥ 2).
    static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }
}

/// An authority that accepts every entry and says it must be signed by `key`.
struct OneKeyAuthority: EntryAuthority {
    let key: VerifierKey
    var admitted: [UInt64] = []

    init(key: VerifierKey) { self.key = key }

    mutating func admit(_ entry: Entry) throws -> VerifierKey {
        admitted.append(entry.index)
        return key
    }
}

enum Fixtures {
    static let origin = "hwledger.test/log"
    static let operatorKey = try! SigningKey(name: origin, seed: [UInt8](repeating: 7, count: 32))
    static let otherOperatorKey = try! SigningKey(name: origin, seed: [UInt8](repeating: 8, count: 32))
    static let partyKey = try! SigningKey(name: "91510100MA6CA7XK3L", seed: [UInt8](repeating: 9, count: 32))

    static func nonce(_ i: Int) -> String {
        let h = String(UInt64(i), radix: 16)
        return String(repeating: "0", count: 32 - h.count) + h
    }

    static func submission(_ i: Int, key: SigningKey = partyKey, note: String = "含铅废物 /\n\u{7F}") -> Submission {
        Submission(
            actor: key.name, type: "manifest.filed",
            body: ["manifestNo": .string("M-\(i)"), "quantityKg": .int(Int64(i) * 125), "note": .string(note), "ok": true],
            keyID: key.verifier.keyIDHex, nonce: nonce(i), signedAt: "2025-03-01T08:00:00Z")
    }

    /// A store holding `count` entries signed by ``partyKey``, with checkpoints published at `checkpointSizes`.
    static func store(entries count: Int, checkpointsAt checkpointSizes: [Int] = []) throws -> InMemoryLedgerStore {
        let store = InMemoryLedgerStore()
        let checkpointer = try Checkpointer(origin: origin, keys: [operatorKey])
        var written = 0
        for target in (checkpointSizes + [count]).sorted() {
            try store.write { w in
                var appender = try LogAppender(writer: w)
                while written < target {
                    let s = submission(written)
                    _ = try appender.append(s, signature: s.signature(with: partyKey), time: "2025-03-01T08:00:01Z")
                    written += 1
                }
                if checkpointSizes.contains(target) { try checkpointer.publish(in: w) }
            }
        }
        return store
    }
}
