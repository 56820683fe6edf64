import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// The outcome of a process run with a deadline.
struct TimedResult: Sendable {
    var status: Int32
    var signaled: Bool
    var timedOut: Bool
    var stdout: String
    var stderr: String
    var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
}

/// Runs the built executables with a deadline (a hang is a failure, never a stuck test run). Output goes to files,
/// so a killed process's last output can still be read.
enum TimedRun {
    static func start(_ arguments: [String], in dir: TempDirectory, tag: String) throws -> (Process, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.executable("hwledger"))
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["HWLEDGER_REFERENCE"] = Fixtures.referenceDirectory
        process.environment = env
        let out = dir.path("\(tag).stdout")
        let err = dir.path("\(tag).stderr")
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out, err)
    }

    static func collect(_ process: Process, _ out: String, _ err: String, timedOut: Bool) -> TimedResult {
        TimedResult(
            status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal, timedOut: timedOut,
            stdout: String(decoding: FileManager.default.contents(atPath: out) ?? Data(), as: UTF8.self),
            stderr: String(decoding: FileManager.default.contents(atPath: err) ?? Data(), as: UTF8.self))
    }

    /// Runs `hwledger arguments`, killing it after `timeout` seconds.
    static func hwledger(_ arguments: [String], in dir: TempDirectory, timeout: TimeInterval = 60) throws -> TimedResult {
        let tag = "run-\(UUID().uuidString)"
        let (process, out, err) = try start(arguments, in: dir, tag: tag)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(5_000) }
        var timedOut = false
        if process.isRunning {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        defer {
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(atPath: err)
        }
        return collect(process, out, err, timedOut: timedOut)
    }
}

/// A CLI ledger holding the hostile corpus state (SPEC §4.1 `submit`), built with `submit --signed`.
final class HostileCLILedger: @unchecked Sendable {
    let cli: CLILedger
    let corpus: HostileCorpus
    private var keyPaths: [String: String] = [:]
    private var counter = 0

    init() throws {
        cli = try CLILedger()
        let parties = HostileCorpus.partySetup.enumerated().map { HostileCorpus.sign($1, nonceTag: "party-\($0)") }
        let cli = self.cli
        func run(_ items: [SignedSubmission]) throws -> [[String: JSONValue]?] {
            let file = cli.writeLines(items.map { $0.json.canonicalString }, stem: "setup")
            let r = try TimedRun.hwledger(["submit", "--db", cli.db, "--signed", file], in: cli.dir)
            guard !r.signaled, !r.timedOut else { throw TestFailure("setup submit died: \(r)") }
            return try r.stdoutLines.map { line -> [String: JSONValue]? in
                let v = try CanonicalJSON.decode(line)
                guard v["index"] != nil else { return nil }
                return v["assigned"]?.objectValue ?? [:]
            }
        }
        guard try run(parties).allSatisfy({ $0 != nil }) else { throw TestFailure("party setup rejected") }
        corpus = try HostileCorpus(run: run)
    }

    /// A key file for `actor` (written once).
    func keyPath(_ actor: String) -> String {
        if let p = keyPaths[actor] { return p }
        counter += 1
        let p = cli.dir.write("key-\(counter).key", HostileParty.key(actor).fileText + "\n")
        keyPaths[actor] = p
        return p
    }

    func file(_ bytes: [UInt8]) -> String {
        counter += 1
        let p = cli.dir.path("variant-\(counter).jsonl")
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes + [0x0A]))
        return p
    }

    /// Submits one variant as its own input.
    func submit(_ v: HostileVariant) throws -> TimedResult {
        switch v.payload {
        case .eventLine(let bytes, let signer):
            return try TimedRun.hwledger(["submit", "--db", cli.db, "--key", keyPath(signer), file(bytes)], in: cli.dir, timeout: 30)
        case .signedLine(let bytes):
            return try TimedRun.hwledger(["submit", "--db", cli.db, "--signed", file(bytes)], in: cli.dir, timeout: 30)
        case .direct:
            throw TestFailure("direct variants are library-only")
        }
    }

    /// Everything stored: every table dumped (by /usr/bin/sqlite3 through the WAL, or pg_dump), plus the checkpoint
    /// and the entries as `hwledger` prints them.
    func fingerprint() throws -> String {
        try TestDatabase.dump(cli.db) + "\n--checkpoint--\n" + (try cli.checkpoint()) + "\n--entries--\n" + (try cli.entries().map { Data($0).base64EncodedString() }.joined(separator: "\n"))
    }
}

/// GitHub issue 6 through the process: a representative selection of the hostile corpus fed to `hwledger submit`, one
/// variant per run (as a `.jsonl` line signed with `--key`, or as a `--signed` line), then the whole corpus in bulk.
/// Every run exits 2 (a rule) or 65 (malformed), never 0, 1 or a signal, within a deadline, with the contract's
/// output; the database is unchanged throughout (SPEC §4.1, §4.3).
@Suite("Hostile input through hwledger submit", .serialized)
struct HostileCLITests {
    /// Up to `perKind` variants of each kind of mutation, chosen by a seeded generator, event and signed lines alike.
    static func selection(_ variants: [HostileVariant], perKind: Int, seed: UInt64) -> [HostileVariant] {
        var rng = SplitMix64(seed: seed)
        var chosen: [HostileVariant] = []
        for kind in Set(variants.map(\.kind)).sorted() {
            var pool = variants.filter { $0.kind == kind }
            pool.shuffle(using: &rng)
            chosen += pool.prefix(perKind)
        }
        return chosen
    }

    /// Checks one run against the contract; nil when it holds.
    static func problem(_ v: HostileVariant, _ r: TimedResult) -> String? {
        if r.timedOut { return "\(v): hung (killed after the deadline)" }
        if r.signaled { return "\(v): died of a signal (status \(r.status)); stderr: \(r.stderr)" }
        switch v.expected {
        case .malformed:
            guard r.status == 65 else { return "\(v): exit \(r.status), expected 65; stdout \(r.stdout) stderr \(r.stderr)" }
            guard r.stderr.hasPrefix("error[MALFORMED]: "), r.stdout.isEmpty else { return "\(v): output \(r.stdout) / \(r.stderr)" }
        case .rule(let rules):
            guard r.status == 2 else { return "\(v): exit \(r.status), expected 2; stdout \(r.stdout) stderr \(r.stderr)" }
            guard r.stdoutLines.count == 1, let line = try? CanonicalJSON.decode(r.stdoutLines[0]),
                line["line"]?.intValue == 1, let rule = line["error"]?["rule"]?.stringValue, let id = RuleID(rawValue: rule),
                let message = line["error"]?["message"]?.stringValue, !message.isEmpty
            else { return "\(v): stdout is not one {\"line\",\"error\"} line: \(r.stdout) (stderr \(r.stderr))" }
            guard rules.contains(id) else { return "\(v): rule \(rule), expected \(rules.map(\.rawValue).sorted())" }
        }
        return nil
    }

    @Test("a representative selection of ≥ 60 hostile variants, one submit each, exits 2 or 65 and leaves the database unchanged")
    func oneByOne() throws {
        let ledger = try HostileCLILedger()
        let all = ledger.corpus.variants().filter { if case .direct = $0.payload { false } else { true } }
        let chosen = Self.selection(all, perKind: 4, seed: 6)
        let signedCount = chosen.filter { if case .signedLine = $0.payload { true } else { false } }.count
        #expect(chosen.count >= 60)
        #expect(signedCount >= 15, "--signed lines are represented")
        let before = try ledger.fingerprint()
        var problems: [String] = []
        var clean = 0
        for (i, v) in chosen.enumerated() {
            let r = try ledger.submit(v)
            if let p = Self.problem(v, r) { problems.append(p) } else { clean += 1 }
            // The whole database is compared every few runs and at the end (each dump costs a process).
            if i % 10 == 9 || i == chosen.count - 1 {
                if try ledger.fingerprint() != before {
                    problems.append("the database changed by variant \(i - 9)…\(i) (last: \(v))")
                    break
                }
            }
        }
        print("hostile corpus (hwledger submit, one by one): \(clean) of \(chosen.count) rejected cleanly (\(signedCount) as --signed lines)")
        let report = problems.joined(separator: "\n")
        #expect(problems.isEmpty, "\(problems.count) runs broke the contract:\n\(report)")
        let verify = try TimedRun.hwledger(["verify", "--db", ledger.cli.db], in: ledger.cli.dir)
        #expect(verify.status == 0, "\(verify.stderr)")
    }

    @Test("submit rejects categoryPermille keys of the form HWnn that are not 名录 categories with R-SCHEMA (exit 2)")
    func categoryKeys() throws {
        var problems: [String] = []
        for v in try HostileCLILedger().corpus.categoryKeyVariants() {
            let ledger = try HostileCLILedger()
            let before = try ledger.fingerprint()
            let r = try ledger.submit(v)
            if let p = Self.problem(v, r) { problems.append(p) }
            if try ledger.fingerprint() != before { problems.append("\(v): the database changed") }
        }
        let report = problems.joined(separator: "\n")
        #expect(problems.isEmpty, "\(problems.count) problems:\n\(report)")
    }

    @Test("the whole corpus in bulk: every well-formed line is answered with its rule, every malformed input appends nothing")
    func bulk() throws {
        let ledger = try HostileCLILedger()
        let all = ledger.corpus.variants().filter { if case .direct = $0.payload { false } else { true } }
        let before = try ledger.fingerprint()
        var problems: [String] = []
        var judged = 0
        // Well-formed lines, one input per signer (event lines) and one --signed input.
        var groups: [String: [HostileVariant]] = [:]
        for v in all {
            guard case .rule = v.expected else { continue }
            switch v.payload {
            case .eventLine(_, let signer): groups["key:" + signer, default: []].append(v)
            case .signedLine: groups["signed", default: []].append(v)
            case .direct: break
            }
        }
        for (group, variants) in groups.sorted(by: { $0.key < $1.key }) {
            let bytes = variants.flatMap { v -> [UInt8] in
                switch v.payload {
                case .eventLine(let b, _), .signedLine(let b): b + [0x0A]
                case .direct: []
                }
            }
            let path = ledger.cli.dir.path("bulk-\(judged).jsonl")
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            let args = group == "signed"
                ? ["submit", "--db", ledger.cli.db, "--signed", path]
                : ["submit", "--db", ledger.cli.db, "--key", ledger.keyPath(String(group.dropFirst(4))), path]
            let r = try TimedRun.hwledger(args, in: ledger.cli.dir, timeout: 120)
            guard !r.timedOut, !r.signaled, r.status == 2 else {
                problems.append("\(group): exit \(r.status) signaled \(r.signaled) timedOut \(r.timedOut): \(r.stderr)")
                continue
            }
            let lines = r.stdoutLines.compactMap { try? CanonicalJSON.decode($0) }
            guard lines.count == variants.count else {
                problems.append("\(group): \(lines.count) result lines for \(variants.count) inputs")
                continue
            }
            for (v, line) in zip(variants, lines) {
                judged += 1
                guard case .rule(let rules) = v.expected, let rule = line["error"]?["rule"]?.stringValue, let id = RuleID(rawValue: rule), rules.contains(id) else {
                    problems.append("\(v): \(line.canonicalString)")
                    continue
                }
            }
        }
        // Malformed lines: each one poisons a whole input of otherwise valid events — nothing may be appended.
        let valid = ledger.corpus.finalBases.map { $0.json.canonicalString }
        var malformedRuns = 0
        for v in all {
            guard v.expected == .malformed, case .eventLine(let b, _) = v.payload, malformedRuns < 40 else { continue }
            malformedRuns += 1
            let bad = String(decoding: b, as: UTF8.self)
            let path = ledger.cli.writeLines([valid[0], bad, valid[1]], stem: "poisoned")
            if !b.elementsEqual(bad.utf8) {
                // Invalid UTF-8 must reach the file as bytes.
                _ = FileManager.default.createFile(atPath: path, contents: Data(Array((valid[0] + "\n").utf8) + b + Array(("\n" + valid[1] + "\n").utf8)))
            }
            let r = try TimedRun.hwledger(["submit", "--db", ledger.cli.db, "--signed", path], in: ledger.cli.dir, timeout: 30)
            if r.timedOut || r.signaled || r.status != 65 || !r.stderr.hasPrefix("error[MALFORMED]: ") || !r.stderr.contains("line 2") {
                problems.append("poisoned by \(v): exit \(r.status), stderr \(r.stderr)")
            }
        }
        #expect(judged >= 300)
        #expect(malformedRuns >= 30)
        print("hostile corpus (hwledger submit, bulk): \(judged) well-formed lines judged in \(groups.count) runs; \(malformedRuns) poisoned inputs refused whole")
        let report = problems.prefix(50).joined(separator: "\n")
        #expect(problems.isEmpty, "\(problems.count) problems:\n\(report)")
        #expect(try ledger.fingerprint() == before, "the database changed")
        let verify = try TimedRun.hwledger(["verify", "--db", ledger.cli.db], in: ledger.cli.dir)
        #expect(verify.status == 0, "\(verify.stderr)")
        // The valid bases still go in afterwards.
        let ok = try TimedRun.hwledger(["submit", "--db", ledger.cli.db, "--signed", ledger.cli.writeLines(valid)], in: ledger.cli.dir)
        #expect(ok.status == 0, "\(ok.stdout) \(ok.stderr)")
    }
}
