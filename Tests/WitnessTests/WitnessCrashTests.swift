import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing

@Suite("Witness under SIGKILL")
struct WitnessCrashTests {
    /// What the clients saw: every cosigned (size, root), per lineage.
    final class Ledger: @unchecked Sendable {
        let lock = NSLock()
        var cosigned: [(lineage: Int, size: Int, root: Hash)] = []
        var port = 0
        var stop = false
    }

    @Test("a witness SIGKILLed while two forks race for cosignatures never cosigns both, nor rolls back after restart")
    func killLoop() throws {
        let w = try WitnessFixture()
        let trees = [TestTree(prefix: "main", count: 400), {
            var t = TestTree(prefix: "main", count: 400)
            for i in 3..<400 { t.leaves[i] = TreeHasher.leafHash(Array("fork-\(i)".utf8)) }
            return t
        }()]
        let state = Ledger()
        state.port = w.port
        let group = DispatchGroup()
        for lineage in 0..<2 {
            for client in 0..<2 {
                DispatchQueue.global().async(group: group) {
                    var held = 0
                    var size = 4 + client
                    while !state.lock.withLock({ state.stop }), size < 400 {
                        let port = state.lock.withLock { state.port }
                        guard let r = try? WireConnection(port: port, timeoutSeconds: 5).request(
                            "POST", "/add-checkpoint", body: trees[lineage].request(old: held, size: size))
                        else { continue }
                        switch r.status {
                        case 200:
                            state.lock.withLock { state.cosigned.append((lineage, size, trees[lineage].root(size))) }
                            held = size
                            size += 1 + Int.random(in: 0..<3)
                        case 409:
                            held = Int(r.text.dropLast()) ?? 0
                            if held >= size { size = held + 1 }
                        default:
                            // 422: the held state belongs to the other lineage; keep trying from it.
                            size += 1
                        }
                    }
                }
            }
        }
        for round in 0..<6 {
            Thread.sleep(forTimeInterval: 0.15 + Double(round % 3) * 0.1)
            try w.restart()
            state.lock.withLock { state.port = w.port }
        }
        Thread.sleep(forTimeInterval: 0.3)
        state.lock.withLock { state.stop = true }
        #expect(group.wait(timeout: .now() + 60) == .success)

        let cosigned = state.lock.withLock { state.cosigned }
        #expect(!cosigned.isEmpty)
        // Every cosigned checkpoint lies on one lineage, or on the shared prefix (sizes ≤ 3 are equal in both).
        let lineages = Set(cosigned.filter { $0.size > 3 }.map(\.lineage))
        #expect(lineages.count <= 1, "cosigned checkpoints of both forks: \(cosigned.map { "\($0.lineage):\($0.size)" })")
        // Nothing cosigned was lost: the held state after the last restart covers the largest cosigned size.
        let maxSize = cosigned.map(\.size).max() ?? 0
        let held = try #require(try w.held())
        #expect(held.0 >= UInt64(maxSize))
        if let winner = lineages.first { #expect(held.1 == trees[winner].root(Int(held.0)).base64) }
    }
}
