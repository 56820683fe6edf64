import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Logging
import Testing
import TransferLedger

@Suite("hwledgerd start-up", .serialized)
struct StartupTests {
    @Test("without --operator-key it signs with the key recorded at init, logging the bound port")
    func recordedOperatorKey() throws {
        let dir = TempDirectory()
        let keyPath = dir.write("op.key", TestKeys.operatorKey.fileText)
        let db = TestDatabase.locator(in: dir, name: "l.sqlite")
        let store = try TestDatabase.open(db, create: true)
        let ledger = TransferLedger(store: store, reference: Fixtures.reference, clock: TransferLedger.systemClock, logger: Logger(label: "test"))
        try ledger.initialise(genesis: try Genesis(json: TestKeys.genesisJSON()), operatorKey: TestKeys.operatorKey, operatorKeyPath: keyPath)
        let daemon = try DaemonProcess(
            executable: Fixtures.executable("hwledgerd"), arguments: ["--db", db, "--listen", "127.0.0.1:0"],
            environment: ["HWLEDGER_REFERENCE": Fixtures.referenceDirectory])
        #expect(daemon.port > 0)
        #expect(daemon.stderr.contains("hwledgerd: listening on 127.0.0.1:\(daemon.port)"))
        let r = try WireConnection(port: daemon.port).request("GET", "/checkpoint")
        #expect(r.status == 200)
        _ = try SignedCheckpoint(verifying: r.body, keys: [TestKeys.operatorKey.verifier])
        #expect(daemon.stop() == 0)
    }

    @Test("a missing database is exit 66 with error[IO]; a bad --listen is exit 64")
    func badStart() throws {
        let dir = TempDirectory()
        let missing = try Run.executable(Fixtures.executable("hwledgerd"), ["--db", dir.path("none.sqlite"), "--listen", "127.0.0.1:0"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("error[IO]"))
        let usage = try Run.executable(Fixtures.executable("hwledgerd"), ["--db", dir.path("none.sqlite"), "--listen", "nope"])
        #expect(usage.status == 64)
    }
}

@Suite("hwledgerd --log-format json")
struct LogFormatTests {
    @Test("--log-format json: every line on stderr is one JSON object with level, logger, message and a UTC millisecond time, metadata as members (listening, final checkpoint, stopped); a missing database is a critical object; another format is exit 64")
    func jsonLines() throws {
        let d = try DaemonFixture(extraArguments: ["--log-format", "json"])
        _ = try d.checkpoint(atLeast: 3)
        #expect(d.daemon.stop() == 0)
        let lines = d.daemon.stderr.split(separator: "\n").map(String.init)
        var objects: [[String: JSONValue]] = []
        for line in lines {
            guard let object = (try? CanonicalJSON.decode(Array(line.utf8)))?.objectValue else {
                Issue.record("not a JSON object: \(line)")
                continue
            }
            objects.append(object)
            #expect(object["level"]?.stringValue.flatMap(Logger.Level.init(rawValue:)) != nil, "\(line)")
            #expect(object["logger"]?.stringValue?.isEmpty == false && object["message"]?.stringValue?.isEmpty == false, "\(line)")
            let time = object["time"]?.stringValue ?? ""
            #expect(time.wholeMatch(of: /20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{3}Z/) != nil, "\(line)")
        }
        let listening = objects.first { $0["message"]?.stringValue == "listening on 127.0.0.1:\(d.port)" }
        #expect(listening?["level"] == .string("notice") && listening?["port"] == .string("\(d.port)") && listening?["host"] == .string("127.0.0.1"))
        let final = objects.first { $0["message"]?.stringValue == "published the final checkpoint" }
        #expect(final?["size"] == .string("3") && final?["logger"] == .string("hwledgerd"), "\(lines)")
        #expect(objects.last?["message"] == .string("stopped"), "\(lines)")

        let dir = TempDirectory()
        let missing = try Run.executable(Fixtures.executable("hwledgerd"), ["--db", dir.path("none.sqlite"), "--listen", "127.0.0.1:0", "--log-format", "json"])
        #expect(missing.status == 66)
        let failure = (try? CanonicalJSON.decode(Array(missing.stderr.trimmingCharacters(in: .newlines).utf8)))?.objectValue
        #expect(failure?["level"] == .string("critical") && failure?["id"] == .string("IO") && failure?["message"] == .string("cannot open ledger"), "\(missing.stderr)")
        let other = try Run.executable(Fixtures.executable("hwledgerd"), ["--db", dir.path("none.sqlite"), "--log-format", "xml"])
        #expect(other.status == 64 && other.stderr.contains("--log-format must be text or json"), "\(other.stderr)")
    }
}

@Suite("hwledgerd refuses a foreign operator key")
struct ForeignKeyTests {
    @Test("an operator key named after the origin but not the genesis key is exit 66")
    func foreignOperatorKey() throws {
        let dir = TempDirectory()
        let db = TestDatabase.locator(in: dir, name: "l.sqlite")
        let store = try TestDatabase.open(db, create: true)
        _ = try TestLedger(store: store)
        let impostor = dir.write("impostor.key", TestKeys.key(TestKeys.origin, variant: 9).fileText)
        let r = try Run.executable(Fixtures.executable("hwledgerd"), ["--db", db, "--listen", "127.0.0.1:0", "--operator-key", impostor])
        #expect(r.status == 66)
        #expect(r.stderr.contains("is not an active operator key of this ledger"))
    }
}
