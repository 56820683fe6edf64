import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// What the clients of one round were told: every 201's index and leaf hash, with the USCC it registered.
final class AcknowledgementLog: @unchecked Sendable {
    struct Ack: Sendable {
        var index: Int64
        var leafHash: String
        var uscc: String
    }

    private let lock = NSLock()
    private var acks: [Ack] = []
    private var problems: [String] = []
    private var requests = 0

    func record(_ a: [Ack]) { lock.withLock { acks += a; requests += 1 } }
    func problem(_ p: String) { lock.withLock { problems.append(p) } }
    var snapshot: (acks: [Ack], problems: [String], requests: Int) { lock.withLock { (acks, problems, requests) } }
}

/// Crash consistency of the daemon (GitHub issue 6, SPEC §3.4, §4.2): `hwledgerd` under concurrent signed
/// submissions is killed with SIGKILL at seeded random moments; after each kill `hwledger verify` passes, the log has
/// no gap, and every acknowledged (201) index holds the acknowledged leaf hash and submission; then the daemon is
/// restarted on the same database.
@Suite("Faults: SIGKILL of hwledgerd under concurrent submissions", .serialized)
struct DaemonKillLoopTests {
    static let rounds = 6
    static let clients = 4

    /// A registration by the regulator of the division's province, with a nonce derived from its USCC.
    static func registration(round: Int, client: Int, n: Int) -> SignedSubmission {
        let sichuan = client % 2 == 0
        let division = sichuan ? "510100" : "500101"
        let regulator = sichuan ? TestKeys.sichuan : TestKeys.chongqing
        let uscc = TestKeys.uscc(division: division, serial: round * 10_000_000 + client * 1_000_000 + n)
        return UnsignedEvent(type: "enterprise.registered", actor: regulator.name, body: [
            "uscc": .string(uscc), "name": "压测企业", "division": .string(division), "roles": ["generator"],
        ]).signed(with: regulator, at: TransferLedger.systemClock(), nonce: Array(Hash.sha256(Array("kill-nonce/\(uscc)".utf8)).bytes.prefix(16)))
    }

    /// One client: posts until the connection fails (the daemon was killed). Even clients post one submission per
    /// request, odd ones batches of 8 (bulk submits); each keeps its connection alive.
    static func client(port: Int, round: Int, client: Int, log: AcknowledgementLog, done: DispatchGroup) {
        done.enter()
        Thread.detachNewThread {
            defer { done.leave() }
            var n = 0
            guard let connection = try? WireConnection(port: port, timeoutSeconds: 20) else { return }
            while true {
                let count = client % 2 == 0 ? 1 : 8
                let items = (0..<count).map { registration(round: round, client: client, n: n + $0) }
                n += count
                let body: JSONValue = count == 1 ? items[0].json : .object(["batch": .array(items.map(\.json))])
                let r: WireResponse
                do {
                    r = try connection.request("POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: body.canonicalBytes)
                } catch { return }  // killed: the answer never came
                guard r.status == 201 else {
                    log.problem("round \(round) client \(client): status \(r.status) \(r.text.prefix(200))")
                    return
                }
                let results: [JSONValue] = count == 1 ? [r.json ?? .null] : (r.json?.arrayValue ?? [])
                guard results.count == count else {
                    log.problem("round \(round) client \(client): \(results.count) results for \(count): \(r.text.prefix(200))")
                    return
                }
                var acks: [AcknowledgementLog.Ack] = []
                for (item, result) in zip(items, results) {
                    guard let index = result["index"]?.intValue, let leaf = result["leafHash"]?.stringValue,
                        case .string(let uscc)? = item.submission.body["uscc"]
                    else {
                        log.problem("round \(round) client \(client): not appended: \(result.canonicalString.prefix(200))")
                        continue
                    }
                    acks.append(.init(index: index, leafHash: leaf, uscc: uscc))
                }
                log.record(acks)
            }
        }
    }

    @Test("6 rounds of hwledgerd SIGKILLed at random moments under 4 concurrent clients: verify passes, no gap, no acknowledged entry lost")
    func killLoop() async throws {
        let ledger = try DaemonLedger()
        var rng = SplitMix64(seed: 6)
        var survived = 0
        var totalAcks = 0
        var killedWithAcks = 0
        var unacknowledgedSurvivors = 0
        var everAcked: [Int64: AcknowledgementLog.Ack] = [:]
        for round in 1...Self.rounds {
            let startCount = try ledger.entries().count
            let daemon = try ledger.startDaemon()
            let log = AcknowledgementLog()
            let done = DispatchGroup()
            for c in 0..<Self.clients { Self.client(port: daemon.port, round: round, client: c, log: log, done: done) }
            // A seeded moment: from right after start-up to well into the load.
            let delay = Double.random(in: 0.05...1.5, using: &rng)
            try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            let wasRunning = daemon.process.isRunning
            daemon.signal(SIGKILL)
            let exit = daemon.waitForExit(timeout: 10)
            let joined = done.wait(timeout: .now() + 30) == .success
            let (acks, clientProblems, requests) = log.snapshot
            let context = "round \(round) (killed after \(Int(delay * 1000)) ms, \(requests) answered requests, \(acks.count) acknowledged)"
            #expect(wasRunning, "\(context): the daemon had already stopped: \(daemon.stderr.suffix(1000))")
            #expect(exit != nil && daemon.process.terminationReason == .uncaughtSignal, "\(context): not killed by the signal (exit \(String(describing: exit)))")
            #expect(joined, "\(context): a client hung after the kill")
            #expect(clientProblems.isEmpty, "\(context): \(clientProblems.prefix(10).joined(separator: "\n"))")

            let verify = try ledger.verify()
            #expect(verify.status == 0 && !verify.timedOut, "\(context): verify exited \(verify.status): \(verify.stderr)")
            let entries = try ledger.entries()  // throws on a gap
            var lost: [String] = []
            for ack in acks {
                guard Int(ack.index) < entries.count else {
                    lost.append("index \(ack.index) (\(ack.uscc)) missing; log has \(entries.count)")
                    continue
                }
                let bytes = entries[Int(ack.index)]
                let leaf = TreeHasher.leafHash(bytes).hex
                let uscc = (try? CanonicalJSON.decode(bytes))?["submission"]?["body"]?["uscc"]?.stringValue
                if leaf != ack.leafHash || uscc != ack.uscc {
                    lost.append("index \(ack.index): acknowledged \(ack.uscc) \(ack.leafHash), log holds \(uscc ?? "?") \(leaf)")
                }
                if Int(ack.index) < startCount { lost.append("index \(ack.index) acknowledged in this round lies before its start (\(startCount))") }
                if let earlier = everAcked[ack.index] { lost.append("index \(ack.index) acknowledged twice (\(earlier.uscc), \(ack.uscc))") }
                everAcked[ack.index] = ack
            }
            // Earlier rounds' acknowledged entries are still there, unchanged.
            for (index, ack) in everAcked where Int(index) < startCount {
                if Int(index) >= entries.count || TreeHasher.leafHash(entries[Int(index)]).hex != ack.leafHash {
                    lost.append("earlier acknowledged index \(index) changed or vanished")
                }
            }
            // Everything the round added is one of its registrations, each once.
            let added = entries.dropFirst(startCount).map { (try? CanonicalJSON.decode($0))?["submission"]?["body"]?["uscc"]?.stringValue ?? "?" }
            if Set(added).count != added.count || added.contains("?") { lost.append("the round's entries repeat a registration or hold something else") }
            unacknowledgedSurvivors += added.count - acks.count
            if let size = try ledger.cliCheckpointSize(), size > entries.count { lost.append("checkpoint of size \(size) beyond the log (\(entries.count))") }
            #expect(lost.isEmpty, "\(context):\n\(lost.prefix(20).joined(separator: "\n"))")
            if verify.status == 0 && lost.isEmpty { survived += 1 }
            if !acks.isEmpty { killedWithAcks += 1 }
            totalAcks += acks.count
            print("daemon kill round \(round): killed after \(Int(delay * 1000)) ms; \(acks.count) acknowledged, \(added.count) appended, log \(entries.count)")
        }
        print("daemon kill loop: \(survived) of \(Self.rounds) rounds verified with every acknowledged entry present; \(totalAcks) acknowledgements, \(killedWithAcks) rounds killed under load, \(unacknowledgedSurvivors) committed but unanswered")
        #expect(killedWithAcks >= Self.rounds - 2, "most rounds should be killed while clients were being answered")

        // The daemon starts again on the killed database, signs a checkpoint covering everything, and stops cleanly.
        let count = try ledger.entries().count
        let daemon = try ledger.startDaemon()
        let settled = try DaemonProbe.settledCheckpoint(port: daemon.port)
        #expect(settled.size == UInt64(count))
        let extra = try WireConnection(port: daemon.port).request(
            "POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: Self.registration(round: 99, client: 0, n: 0).json.canonicalBytes)
        #expect(extra.status == 201 && extra.json?["index"]?.intValue == Int64(count), "\(extra.status) \(extra.text)")
        #expect(daemon.stop(timeout: 15) == 0)
        #expect(try ledger.verify().status == 0)
        #expect(try ledger.cliCheckpointSize() == count + 1)
    }
}
