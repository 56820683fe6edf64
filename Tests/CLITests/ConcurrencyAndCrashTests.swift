import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger

/// Two writers on one file, and a writer killed mid-flight (SPEC §3.4: every append one `BEGIN IMMEDIATE`
/// transaction; exit 0 means on disk; the log never forks).
@Suite("hwledger under concurrent writers and SIGKILL", .serialized)
struct ConcurrencyAndCrashTests {
    @Test("two submit processes appending 1,000 events each to one database give 2,001 entries that verify")
    func twoWriters() async throws {
        let ledger = try CLILedger()
        let sichuan = (0..<1000).map { i -> JSONValue in
            let division = Events.sichuanDivisions[i % Events.sichuanDivisions.count]
            return Events.registration(uscc: TestKeys.uscc(division: division, serial: i), division: division)
        }
        let chongqing = (0..<1000).map { i -> JSONValue in
            let division = Events.chongqingDistricts[i % Events.chongqingDistricts.count]
            return Events.registration(uscc: TestKeys.uscc(division: division, serial: i), division: division)
        }
        let fileA = ledger.writeLines(sichuan.map(\.canonicalString), stem: "sichuan")
        let fileB = ledger.writeLines(chongqing.map(\.canonicalString), stem: "chongqing")

        async let a = runInBackground(["submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath, fileA])
        async let b = runInBackground(["submit", "--db", ledger.db, "--key", ledger.chongqingKeyPath, fileB])
        let (ra, rb) = try await (a.get(), b.get())

        for (name, r) in [("sichuan", ra), ("chongqing", rb)] {
            #expect(r.status == 0, "\(name) submit exited \(r.status): \(r.stderr)")
            let lines = try r.stdoutLines.map { try CanonicalJSON.decode($0) }
            #expect(lines.count == 1000, "\(name)")
            let indexes = lines.compactMap { $0["index"]?.intValue }
            #expect(indexes.count == 1000, "\(name): every line appended")
            #expect(indexes == indexes.sorted(), "\(name): one process's events keep their input order")
        }

        let entries = try ledger.entries()
        #expect(entries.count == 2001)
        let usccs = try entries.dropFirst().map { try Events.registeredUSCC($0) ?? "" }
        #expect(Set(usccs).count == 2000)
        let expectedA = sichuan.compactMap { $0["body"]?["uscc"]?.stringValue }
        let expectedB = chongqing.compactMap { $0["body"]?["uscc"]?.stringValue }
        let setA = Set(expectedA)
        #expect(usccs.filter { setA.contains($0) } == expectedA, "Sichuan's lines are appended in input order")
        #expect(usccs.filter { !setA.contains($0) } == expectedB, "Chongqing's lines are appended in input order")

        let verify = try ledger.run(["verify", "--db", ledger.db])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(checkpointSize(try ledger.checkpoint()) == 2001, "the later writer's checkpoint covers everything")
    }

    @Test("SIGKILL during a bulk submit of 20,000 events (6,000 on PostgreSQL) leaves a verifiable log holding a prefix of the input")
    func killedMidSubmit() throws {
        // The kill lands while the submit is frozen (FrozenKill), so it is mid-run unless the submit finished between
        // two slices with no committed batch seen; such an attempt is checked all the same and repeated with a fresh
        // ledger; at least one of three attempts must kill mid-run.
        var killedMidRun = false
        for attempt in 1...3 where !killedMidRun {
            killedMidRun = try killSubmitAndCheck(attempt: attempt)
        }
        #expect(killedMidRun, "in none of 3 attempts was the submit still running when killed")
    }

    /// Starts a bulk submit, SIGKILLs it shortly after its first commit, and checks the survivors: the log
    /// verifies, holds a prefix of the input, and takes the next submit. Returns whether the kill landed mid-run.
    private func killSubmitAndCheck(attempt: Int) throws -> Bool {
        let ledger = try CLILedger()
        // Ten batches on SQLite; three on PostgreSQL, whose slower appends would otherwise make this the CI's longest test.
        let total = TestDatabase.isPostgres ? 6_000 : 20_000
        let usccs = (0..<total).map { TestKeys.uscc(division: "510100", serial: $0) }
        let file = ledger.writeLines(usccs.map { Events.registration(uscc: $0).canonicalString }, stem: "bulk")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.executable("hwledger"))
        process.arguments = ["submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath, file]
        var env = ProcessInfo.processInfo.environment
        env["HWLEDGER_REFERENCE"] = Fixtures.referenceDirectory
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()

        // Kill it frozen, a few slices after a reader first sees a committed batch and before the last one.
        var committed = 1
        var slicesAfterFirstCommit = 0
        let extraSlices = Int.random(in: 0...4)
        let wasRunning = try FrozenKill.kill(process) {
            let r = try TestDatabase.sql(ledger.db, "SELECT count(*) FROM entries;")
            committed = Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? committed
            guard committed > 1, committed <= total else { return false }
            slicesAfterFirstCommit += 1
            return slicesAfterFirstCommit > extraSlices
        }
        let context = "attempt \(attempt): killed \(slicesAfterFirstCommit) slices after the first commit, \(committed) entries seen (ended by the signal: \(wasRunning), status \(process.terminationStatus))"
        if !wasRunning {
            #expect(process.terminationStatus == 0, "\(context): a submit that was not killed exits 0")
        }

        let verify = try ledger.run(["verify", "--db", ledger.db])
        #expect(verify.status == 0, "\(context): \(verify.stderr)")

        let entries = try ledger.entries()
        let present = try entries.dropFirst().map { try Events.registeredUSCC($0) ?? "?" }
        #expect(present == Array(usccs.prefix(present.count)), "\(context): entries are a prefix of the input")
        #expect(present.count >= committed - 1, "\(context): a commit seen by a reader survives the kill")
        if wasRunning { #expect(present.count < total, "\(context)") } else { #expect(present.count == total, "\(context)") }
        let ckpt = try #require(checkpointSize(try ledger.checkpoint()))
        #expect(ckpt <= entries.count, "\(context): no checkpoint beyond the log")

        // The ledger stays usable: the next submit appends after the survivors and covers them with a checkpoint.
        let next = try ledger.submit([Events.registration(uscc: TestKeys.uscc(division: "510300", serial: 1), division: "510300")])
        #expect(next.status == 0, "\(context): \(next.stderr)")
        #expect(try CanonicalJSON.decode(next.stdout.trimmingCharacters(in: .newlines))["index"]?.intValue == Int64(entries.count))
        #expect(checkpointSize(try ledger.checkpoint()) == entries.count + 1)
        let again = try ledger.run(["verify", "--db", ledger.db])
        #expect(again.status == 0, "\(context): \(again.stderr)")
        return wasRunning
    }
}
