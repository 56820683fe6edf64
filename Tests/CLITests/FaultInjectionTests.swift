import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger

/// Faults (GitHub issue 6, SPEC §3.4, §4.1, §4.3): the disk filling up under `submit`, and `submit` killed with
/// SIGKILL at random moments. The log never holds half an append: `verify` passes, the entries are a prefix of the
/// input without gaps, and the ledger stays usable.
@Suite("Faults: disk full and SIGKILL during hwledger submit", .serialized)
struct FaultInjectionTests {
    static func registrations(_ count: Int, round: Int) -> [JSONValue] {
        (0..<count).map { i in
            let division = Events.sichuanDivisions[i % Events.sichuanDivisions.count]
            return Events.registration(uscc: TestKeys.uscc(division: division, serial: round * 100_000 + i), division: division)
        }
    }

    static func usccs(_ events: [JSONValue]) -> [String] { events.compactMap { $0["body"]?["uscc"]?.stringValue } }

    @Test(
        "a full disk during submit gives a clear error, leaves a verifiable prefix, and the ledger works once space returns",
        .enabled(if: SmallFilesystem.available, "mounting a tmpfs is not permitted here (needs root): disk-full test skipped"))
    func diskFull() throws {
        let cli = try CLILedger()
        let fs = try SmallFilesystem(megabytes: 3)
        let db = fs.path("ledger.sqlite")
        let initRun = try TimedRun.hwledger(["init", "--db", db, "--genesis", cli.genesisPath, "--operator-key", cli.operatorKeyPath], in: cli.dir)
        try #require(initRun.status == 0, "\(initRun.stderr)")
        let warmup = Self.registrations(50, round: 1)
        let w = try TimedRun.hwledger(["submit", "--db", db, "--key", cli.sichuanKeyPath, cli.writeLines(warmup.map(\.canonicalString))], in: cli.dir)
        try #require(w.status == 0, "\(w.stderr)")

        // Fill the filesystem, then give back a little room: enough to open the database, far too little for the input.
        var fillers = fs.fill()
        try #require(fillers.count > 2, "could not fill the filesystem")
        for p in fillers.suffix(3) { try FileManager.default.removeItem(atPath: p) }
        fillers.removeLast(3)

        let input = Self.registrations(4000, round: 2)
        let r = try TimedRun.hwledger(["submit", "--db", db, "--key", cli.sichuanKeyPath, cli.writeLines(input.map(\.canonicalString))], in: cli.dir, timeout: 120)
        print("disk full: submit exited \(r.status) (signaled \(r.signaled)); stderr: \(r.stderr.prefix(300))")
        #expect(!r.timedOut && !r.signaled, "submit hung or died of a signal on a full disk")
        #expect(r.status == 66, "exit \(r.status); stdout \(r.stdout.prefix(200))")
        let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("error[STORAGE-FULL]: the ledger database's disk is full"), "the disk is named, not a key or file: \(r.stderr)")

        // Nothing half-written: the log verifies (still full) and holds the warm-up plus a prefix of the input.
        let verifyFull = try TimedRun.hwledger(["verify", "--db", db], in: cli.dir)
        #expect(verifyFull.status == 0, "verify on the full disk: \(verifyFull.stderr)")
        for p in fillers { try FileManager.default.removeItem(atPath: p) }
        let verify = try TimedRun.hwledger(["verify", "--db", db], in: cli.dir)
        #expect(verify.status == 0, "verify after space returns: \(verify.stderr)")
        let entries = try cli.entries(db: db)
        let present = try entries.dropFirst().map { try Events.registeredUSCC($0) ?? "?" }
        let expected = Self.usccs(warmup) + Self.usccs(input)
        #expect(present == Array(expected.prefix(present.count)), "the entries are a prefix of the input")
        #expect(present.count < expected.count, "the disk was never full")
        let printed = r.stdoutLines.compactMap { try? CanonicalJSON.decode($0) }.compactMap { $0["index"]?.intValue }
        #expect(printed.allSatisfy { $0 < entries.count }, "an index printed before the failure is missing")
        let ckpt = try #require(checkpointSize(try cli.checkpoint(db: db)))
        #expect(ckpt <= entries.count)

        // Usable again once space returns: the next submit appends after the survivors and covers them.
        let more = Self.registrations(20, round: 3)
        let again = try TimedRun.hwledger(["submit", "--db", db, "--key", cli.sichuanKeyPath, cli.writeLines(more.map(\.canonicalString))], in: cli.dir)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdoutLines.first.flatMap { try? CanonicalJSON.decode($0) }?["index"]?.intValue == Int64(entries.count))
        #expect(checkpointSize(try cli.checkpoint(db: db)) == entries.count + 20)
        let final = try TimedRun.hwledger(["verify", "--db", db], in: cli.dir)
        #expect(final.status == 0, "\(final.stderr)")
    }

    @Test("12 rounds of submit killed with SIGKILL at random moments: verify passes, no gap, every printed index is present")
    func sigkillLoop() throws {
        let cli = try CLILedger()
        let perRound = 2500
        var rng = SplitMix64(seed: 6)

        // Round 0 runs to completion and measures a whole submit's CPU time, which the suite's parallel load does not
        // stretch as it stretches the wall clock.
        let first = Self.registrations(perRound, round: 0)
        let (p0, out0, err0) = try TimedRun.start(["submit", "--db", cli.db, "--key", cli.sichuanKeyPath, cli.writeLines(first.map(\.canonicalString))], in: cli.dir, tag: "round-0")
        let cpu0 = FrozenKill.cpuTicksUntilExit(p0)
        let r0 = TimedRun.collect(p0, out0, err0, timedOut: false)
        try #require(r0.status == 0, "\(r0.stderr)")
        try #require(cpu0 > 10, "round 0 used \(cpu0) CPU ticks")
        var expectedAll = Self.usccs(first)

        var killedMidRun = 0
        var survived = 0
        for round in 1...12 {
            let input = Self.registrations(perRound, round: round)
            let startCount = try cli.entries().count
            let (process, out, err) = try TimedRun.start(
                ["submit", "--db", cli.db, "--key", cli.sichuanKeyPath, cli.writeLines(input.map(\.canonicalString))], in: cli.dir, tag: "kill-\(round)")
            // Killed frozen once it has used 2–60 % of round 0's CPU time: from start-up and signing through the
            // commits, always mid-run.
            let target = Int(Double.random(in: 0.02...0.6, using: &rng) * Double(cpu0))
            let pid = process.processIdentifier
            let wasRunning = try FrozenKill.kill(process) { (FrozenKill.cpuTicks(pid) ?? .max) >= target }
            let r = TimedRun.collect(process, out, err, timedOut: false)
            if wasRunning { killedMidRun += 1 }
            let context = "round \(round), killed at \(target) of ~\(cpu0) CPU ticks (running: \(wasRunning))"

            let verify = try TimedRun.hwledger(["verify", "--db", cli.db], in: cli.dir)
            #expect(verify.status == 0, "\(context): \(verify.stderr)")
            let entries = try cli.entries()  // checks the indexes run 0, 1, 2, … without a gap
            let present = try entries.dropFirst(startCount).map { try Events.registeredUSCC($0) ?? "?" }
            let roundUSCCs = Self.usccs(input)
            #expect(present == Array(roundUSCCs.prefix(present.count)), "\(context): this round's entries are a prefix of its input")
            #expect(try entries.dropFirst().prefix(startCount - 1).map { try Events.registeredUSCC($0) ?? "?" } == expectedAll, "\(context): earlier entries intact")
            // Every result line printed before the kill names an entry that is there, holding that line's event.
            for (i, line) in r.stdoutLines.enumerated() {
                guard let value = try? CanonicalJSON.decode(line), let index = value["index"]?.intValue else { continue }
                #expect(Int(index) < entries.count, "\(context): printed index \(index) is missing")
                if Int(index) < entries.count {
                    #expect(try Events.registeredUSCC(entries[Int(index)]) == roundUSCCs[i], "\(context): printed index \(index)")
                }
            }
            let ckpt = try #require(checkpointSize(try cli.checkpoint()))
            #expect(ckpt <= entries.count, "\(context): a checkpoint beyond the log")
            expectedAll += present
            if verify.status == 0 { survived += 1 }
        }
        print("sigkill loop: \(survived) of 12 rounds verified; \(killedMidRun) killed mid-run; one submit of \(perRound) takes ~\(cpu0) CPU ticks")
        // Every kill is aimed at most 60 % into the submit's own CPU work and lands while it is frozen.
        #expect(killedMidRun >= 10, "rounds killed while submit ran")

        // Still usable: a final submit appends after everything and signs a checkpoint that covers it.
        let count = try cli.entries().count
        let last = try TimedRun.hwledger(["submit", "--db", cli.db, "--key", cli.sichuanKeyPath, cli.writeLines(Self.registrations(5, round: 99).map(\.canonicalString))], in: cli.dir)
        #expect(last.status == 0, "\(last.stderr)")
        #expect(checkpointSize(try cli.checkpoint()) == count + 5)
        #expect(try TimedRun.hwledger(["verify", "--db", cli.db], in: cli.dir).status == 0)
    }
}
