import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerSQLite
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
        let db = dir.path("l.sqlite")
        let store = try SQLiteLedgerStore(path: db, create: true)
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

@Suite("hwledgerd refuses a foreign operator key")
struct ForeignKeyTests {
    @Test("an operator key named after the origin but not the genesis key is exit 66")
    func foreignOperatorKey() throws {
        let dir = TempDirectory()
        let db = dir.path("l.sqlite")
        let store = try SQLiteLedgerStore(path: db, create: true)
        _ = try TestLedger(store: store)
        let impostor = dir.write("impostor.key", TestKeys.key(TestKeys.origin, variant: 9).fileText)
        let r = try Run.executable(Fixtures.executable("hwledgerd"), ["--db", db, "--listen", "127.0.0.1:0", "--operator-key", impostor])
        #expect(r.status == 66)
        #expect(r.stderr.contains("is not an active operator key of this ledger"))
    }
}
