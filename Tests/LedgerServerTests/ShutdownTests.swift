import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing
import TransferLedger

@Suite("Graceful shutdown", .serialized)
struct ShutdownTests {
    @Test("SIGTERM during load: exit 0, every acknowledged entry is stored, the final checkpoint covers all, verify passes")
    func sigtermDuringLoad() throws {
        let d = try DaemonFixture()
        final class Acks: @unchecked Sendable {
            let lock = NSLock()
            var leaves: [UInt64: Hash] = [:]
            var other: [Int: Int] = [:]
        }
        let acks = Acks()
        let clients = 8
        let group = DispatchGroup()
        let port = d.port
        for c in 0..<clients {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                guard let connection = try? WireConnection(port: port, timeoutSeconds: 20) else { return }
                var serial = 10_000 + c * 10_000
                while true {
                    serial += 1
                    let body = DaemonFixture.registration(serial: serial).json.canonicalBytes
                    guard let r = try? connection.request("POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: body) else { return }
                    if r.status == 201, let i = r.json?["index"]?.intValue, let h = r.json?["leafHash"]?.stringValue.flatMap(Hash.init(hex:)) {
                        acks.lock.withLock { acks.leaves[UInt64(i)] = h }
                    } else {
                        acks.lock.withLock { acks.other[r.status, default: 0] += 1 }
                        if r.status == 503 { return }
                    }
                }
            }
        }
        Thread.sleep(forTimeInterval: 1.5)
        d.daemon.signal(SIGTERM)
        let status = d.daemon.waitForExit(timeout: 30)
        group.wait()
        #expect(status == 0, "stderr: \(d.daemon.stderr)")
        let leaves = acks.lock.withLock { acks.leaves }
        #expect(leaves.count > 10)
        #expect(acks.lock.withLock { acks.other.keys.allSatisfy { $0 == 503 } }, "\(acks.other)")
        let (size, checkpoint) = try d.store.read { (try $0.treeSize(), try $0.latestCheckpoint()) }
        #expect(checkpoint?.size == size)
        for (index, leaf) in leaves {
            let stored = try d.store.read { TreeHasher.leafHash(try $0.entry(at: index)) }
            #expect(stored == leaf, "entry \(index)")
        }
        let verify = try Run.hwledger(["verify", "--db", d.dbPath])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(d.daemon.stderr.contains("hwledgerd: stopped"))
    }
}
