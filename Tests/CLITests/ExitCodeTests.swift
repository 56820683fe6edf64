import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger

/// SPEC §4.1: exit codes 0/2/3/64/65/66, errors on stderr as `error[ID]: sentence`, `--json` errors on stdout.
@Suite("hwledger exit codes and error lines")
struct ExitCodeTests {
    // MARK: 64 — usage

    @Test("an unknown subcommand is a usage error: exit 64 and error[USAGE]")
    func unknownSubcommand() throws {
        let r = try Run.hwledger(["frobnicate", "--db", "x.sqlite"])
        expectFailure(r, code: 64, id: "USAGE")
        #expect(r.stdout.isEmpty)
    }

    @Test("submit without --key or without events is a usage error")
    func submitWithoutKey() throws {
        let ledger = try CLILedger()
        let file = ledger.writeLines([Events.sichuanRegistrations(1)[0].canonicalString])
        expectFailure(try ledger.run(["submit", "--db", ledger.db, file]), code: 64, id: "USAGE")
        expectFailure(try ledger.run(["submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath]), code: 64, id: "USAGE")
        expectFailure(
            try ledger.run(["submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath, "--signed", file]), code: 64, id: "USAGE")
        #expect(try ledger.entries().count == 1)
    }

    @Test("a missing required option or a non-number is a usage error")
    func missingOption() throws {
        let ledger = try CLILedger()
        expectFailure(try ledger.run(["proof", "inclusion", "--db", ledger.db]), code: 64, id: "USAGE")
        expectFailure(try ledger.run(["proof", "inclusion", "--db", ledger.db, "--index", "abc"]), code: 64, id: "USAGE")
        expectFailure(try ledger.run(["verify"]), code: 64, id: "USAGE")
        expectFailure(try ledger.run(["rebuild", "--db", ledger.db]), code: 64, id: "USAGE")
    }

    // MARK: 65 — malformed input

    @Test("a malformed JSON line in a .jsonl fails the whole input with 65 and appends nothing")
    func malformedLine() throws {
        let ledger = try CLILedger()
        try ledger.submitAccepted(Events.sichuanRegistrations(2))
        let sizeBefore = try #require(checkpointSize(try ledger.checkpoint()))
        let good = Events.sichuanRegistrations(3, firstSerial: 10).map(\.canonicalString)
        let file = ledger.writeLines([good[0], #"{"type":"enterprise.registered","actor":"REG-510000","body":{"#, good[2]])
        let r = try ledger.run(["submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath, file])
        expectFailure(r, code: 65, id: "MALFORMED", mentioning: "line 2")
        #expect(r.stdout.isEmpty, "no per-line results when nothing is appended: \(r.stdout)")
        #expect(try ledger.entries().count == sizeBefore)
        #expect(checkpointSize(try ledger.checkpoint()) == sizeBefore)
    }

    @Test("a trailing garbage line after valid lines also appends nothing")
    func malformedLastLine() throws {
        let ledger = try CLILedger()
        let good = Events.sichuanRegistrations(2).map(\.canonicalString)
        let file = ledger.writeLines(good + ["not json"])
        expectFailure(
            try ledger.run(["submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath, file]), code: 65, id: "MALFORMED",
            mentioning: "line 3")
        #expect(try ledger.entries().count == 1)
    }

    @Test("an empty .jsonl file, or blank lines on stdin, is malformed input: 65")
    func emptyInput() throws {
        let ledger = try CLILedger()
        let empty = ledger.dir.write("empty.jsonl", "")
        expectFailure(try ledger.run(["submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath, empty]), code: 65, id: "MALFORMED")
        let blank = try ledger.run(["submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath, "-"], stdin: "\n  \n\n")
        expectFailure(blank, code: 65, id: "MALFORMED")
        let signedEmpty = try ledger.run(["submit", "--db", ledger.db, "--signed", empty])
        expectFailure(signedEmpty, code: 65, id: "MALFORMED")
        #expect(try ledger.entries().count == 1)
        #expect(checkpointSize(try ledger.checkpoint()) == 1)
    }

    @Test("a .json event file that is not JSON is malformed input: 65")
    func malformedWholeFile() throws {
        let ledger = try CLILedger()
        let file = ledger.dir.write("event.json", "{\"type\":")
        expectFailure(try ledger.run(["submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath, file]), code: 65, id: "MALFORMED")
        #expect(try ledger.entries().count == 1)
    }

    // MARK: 66 — cannot open

    @Test("a missing database is exit 66 with error[IO], and is not created")
    func missingDatabase() throws {
        let dir = TempDirectory()
        let db = dir.path("absent.sqlite")
        for args in [["verify", "--db", db], ["checkpoint", "--db", db], ["entries", "--db", db], ["rebuild", "--check", "--db", db]] {
            expectFailure(try Run.hwledger(args), code: 66, id: "IO")
        }
        let key = dir.write("sc.key", TestKeys.sichuan.fileText)
        let event = dir.write("e.json", Events.sichuanRegistrations(1)[0].canonicalString)
        expectFailure(try Run.hwledger(["submit", "--db", db, "--key", key, event]), code: 66, id: "IO")
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    @Test("a missing key file or event file is exit 66 and appends nothing")
    func missingKeyOrEventFile() throws {
        let ledger = try CLILedger()
        let file = ledger.writeLines(Events.sichuanRegistrations(1).map(\.canonicalString))
        expectFailure(
            try ledger.run(["submit", "--db", ledger.db, "--key", ledger.dir.path("nope.key"), file]), code: 66, id: "IO")
        expectFailure(
            try ledger.run(["submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath, ledger.dir.path("nope.jsonl")]),
            code: 66, id: "IO")
        #expect(try ledger.entries().count == 1)
    }

    @Test("init with a missing operator key or genesis is exit 66 and creates no database")
    func initMissingInputs() throws {
        let dir = TempDirectory()
        let genesis = dir.write("genesis.json", TestKeys.genesisJSON().canonicalString)
        let key = dir.write("operator.key", TestKeys.operatorKey.fileText)
        let db = dir.path("l.sqlite")
        expectFailure(
            try Run.hwledger(["init", "--db", db, "--genesis", genesis, "--operator-key", dir.path("nope.key")]), code: 66, id: "IO")
        expectFailure(
            try Run.hwledger(["init", "--db", db, "--genesis", dir.path("nope.json"), "--operator-key", key]), code: 66, id: "IO")
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    @Test("submit with the recorded operator key gone is exit 66 before anything is appended")
    func operatorKeyGone() throws {
        let ledger = try CLILedger()
        try FileManager.default.removeItem(atPath: ledger.operatorKeyPath)
        let r = try ledger.submit(Events.sichuanRegistrations(1))
        expectFailure(r, code: 66, id: "IO")
        #expect(try ledger.entries().count == 1)
    }

    // MARK: 2 — rule rejection

    @Test("a rule rejection is exit 2 with a per-line error, while the other lines are appended")
    func ruleRejection() throws {
        let ledger = try CLILedger()
        let a = Events.registration(uscc: TestKeys.uscc(serial: 1))
        let badUSCC = Events.registration(uscc: "91350203M0001QAY9B")
        let chongqing = Events.registration(uscc: TestKeys.uscc(division: "500101", serial: 2), division: "500101", actor: "REG-510000")
        let b = Events.registration(uscc: TestKeys.uscc(serial: 3))
        let repeatA = a
        let r = try ledger.submit([a, badUSCC, chongqing, b, repeatA])
        #expect(r.status == 2, "stderr: \(r.stderr)")
        let lines = try r.stdoutLines.map { try CanonicalJSON.decode($0) }
        try #require(lines.count == 5, "stdout: \(r.stdout)")

        #expect(lines[0]["index"]?.intValue == 1)
        #expect(lines[0]["leafHash"]?.stringValue?.count == 64)
        #expect(lines[0]["assigned"] == nil, "assigned is omitted when empty")
        #expect(lines[0].objectValue?.keys.sorted() == ["index", "leafHash"])

        for (i, rule) in [(1, "R-USCC"), (2, "R-AUTH"), (4, "R-DUPLICATE")] {
            #expect(lines[i].objectValue?.keys.sorted() == ["error", "line"], "line \(i + 1): \(lines[i])")
            #expect(lines[i]["line"]?.intValue == Int64(i + 1))
            #expect(lines[i]["error"]?["rule"]?.stringValue == rule, "line \(i + 1): \(lines[i])")
            #expect((lines[i]["error"]?["message"]?.stringValue ?? "").count > 10)
            #expect(lines[i]["error"]?.objectValue?.keys.sorted() == ["message", "rule"])
        }
        #expect(lines[3]["index"]?.intValue == 2)

        let entries = try ledger.entries()
        #expect(entries.count == 3)
        #expect(try entries.dropFirst().map(Events.registeredUSCC) == [TestKeys.uscc(serial: 1), TestKeys.uscc(serial: 3)])
        #expect(checkpointSize(try ledger.checkpoint()) == 3, "submit ends by signing a checkpoint covering its appends")
        #expect(try ledger.run(["verify", "--db", ledger.db]).status == 0)
    }

    @Test("accepted lines print index and leafHash, and the leaf hash is SHA-256(0x00 ‖ entry)")
    func acceptedOutput() throws {
        let ledger = try CLILedger()
        let r = try ledger.submit(Events.sichuanRegistrations(3))
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr.isEmpty)
        let entries = try ledger.entries()
        for (i, line) in r.stdoutLines.enumerated() {
            let value = try CanonicalJSON.decode(line)
            #expect(value["index"]?.intValue == Int64(i + 1))
            #expect(value["leafHash"]?.stringValue == TreeHasher.leafHash(entries[i + 1]).hex)
        }
    }

    // MARK: 3 and --json

    @Test("verify --json on a broken ledger prints {\"error\":{\"rule\",\"message\"}} on stdout and exits 3", .enabled(if: TestDatabase.isSQLite, "edits or copies the SQLite file itself"))
    func verifyJSONError() throws {
        let ledger = try CLILedger()
        try ledger.submitAccepted(Events.sichuanRegistrations(3))
        let ok = try ledger.run(["verify", "--db", ledger.db, "--json"])
        #expect(ok.status == 0)
        let report = try CanonicalJSON.decode(ok.stdout.trimmingCharacters(in: .newlines))
        #expect(report["ok"] == .bool(true))
        #expect(report["size"]?.intValue == 4)

        var bytes = try ledger.entries()[2]
        bytes[bytes.count / 2] ^= 0x04
        let broken = try ledger.copyDatabase(to: "broken.sqlite")
        let s = try sqlite(broken, "DROP TRIGGER entries_refuse_update; UPDATE entries SET data = \(sqlBlob(bytes)) WHERE idx = 2;")
        try #require(s.status == 0, "sqlite3: \(s.stderr)")

        let r = try ledger.run(["verify", "--db", broken, "--json"])
        #expect(r.status == 3)
        let lines = r.stdoutLines
        try #require(lines.count == 1, "stdout: \(r.stdout)")
        let value = try CanonicalJSON.decode(lines[0])
        #expect(value.objectValue?.keys.sorted() == ["error"])
        #expect(value["error"]?.objectValue?.keys.sorted() == ["message", "rule"])
        #expect(value["error"]?["rule"]?.stringValue == "INTEGRITY")
        #expect(value["error"]?["message"]?.stringValue?.contains("index 2") == true, "\(value)")

        let plain = try ledger.run(["verify", "--db", broken])
        expectFailure(plain, code: 3, id: "INTEGRITY", mentioning: "index 2")
        #expect(plain.stdout.isEmpty, "an error is never printed on stdout without --json")
    }

    @Test("--help, -h, help SUBCOMMAND and --version exit 0 with the text on stdout")
    func helpAndVersion() throws {
        for args in [["--help"], ["-h"], ["help"], ["submit", "--help"], ["help", "submit"], ["verify", "--help"]] {
            let r = try Run.hwledger(args)
            #expect(r.status == 0, "\(args): exit \(r.status), stderr: \(r.stderr)")
            #expect(r.stdout.contains("USAGE") || r.stdout.contains("Usage") || r.stdout.contains("usage"), "\(args): \(r.stdout)")
            #expect(!r.stderr.contains("error[INTERNAL]"), "\(args): \(r.stderr)")
        }
        let version = try Run.hwledger(["--version"])
        #expect(version.status == 0)
        #expect(!version.stdout.isEmpty)
    }

    @Test("hwledger with no arguments prints help (0) or is a usage error (64), never an internal failure")
    func noArguments() throws {
        let r = try Run.hwledger([])
        #expect(r.status == 0 || r.status == 64, "exit \(r.status), stderr: \(r.stderr)")
        #expect(!r.stderr.contains("error[INTERNAL]"), "\(r.stderr)")
    }
}

/// `--lang zh` (issue 11): the same exit codes and ids, messages from the Chinese catalogue.
@Suite("hwledger --lang zh")
struct LanguageOptionTests {
    @Test("--lang zh prints a rejected line's messageZh beside the English message, and error lines in Chinese")
    func chineseMessages() throws {
        let ledger = try CLILedger()
        let bad = Events.registration(uscc: "91350203M0001QAY9B")
        let file = ledger.writeLines([bad.canonicalString])
        let r = try ledger.run(["--lang", "zh", "submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath, "--json", file])
        #expect(r.status == 2, "stderr: \(r.stderr)")
        let line = try CanonicalJSON.decode(Array(r.stdout.utf8))
        let error = try #require(line["error"])
        #expect(error["rule"]?.stringValue == "R-USCC")
        let message = try #require(error["message"]?.stringValue)
        #expect(error["messageZh"]?.stringValue == "统一社会信用代码校验位错误：" + message)

        let english = try ledger.run(["submit", "--db", ledger.db, "--key", ledger.sichuanKeyPath, file])
        #expect(english.status == 2)
        #expect(try CanonicalJSON.decode(Array(english.stdout.utf8))["error"]?["messageZh"] == nil, "English output is unchanged")

        let missing = try ledger.run(["manifest", "show", "20259999000001", "--db", ledger.db, "--lang=zh"])
        expectFailure(missing, code: 2, id: "R-NOT-FOUND", mentioning: "引用的申请、批准、登记、联单、费率表或更正不存在：manifest 20259999000001 does not exist")
        #expect(try ledger.entries().count == 1)
    }

    @Test("--lang with a value other than zh or en is a usage error")
    func badLanguage() throws {
        expectFailure(try Run.hwledger(["--lang", "fr", "verify", "--db", "x.sqlite"]), code: 64, id: "USAGE", mentioning: "--lang fr")
        expectFailure(try Run.hwledger(["verify", "--db", "x.sqlite", "--lang"]), code: 64, id: "USAGE")
    }
}
