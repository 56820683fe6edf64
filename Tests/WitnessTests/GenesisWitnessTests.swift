import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing

/// The genesis names the witnesses (each province's regulator runs one) and the quorum; the daemon and the CLI
/// take their policy from it.
@Suite("Witnesses named in the genesis", .serialized)
struct GenesisWitnessTests {
    static func genesis(_ witnesses: [JSONValue], quorum: Int? = nil) -> String {
        guard case .object(var g) = TestKeys.genesisJSON() else { fatalError("genesis is an object") }
        g["witnesses"] = .array(witnesses)
        if let quorum { g["witnessQuorum"] = .int(Int64(quorum)) }
        return JSONValue.object(g).canonicalString
    }

    static let both: [JSONValue] = [
        .object(["regulator": "REG-510000", "key": .string(WitnessFixture.sichuan.verifier.description)]),
        .object(["regulator": "REG-500000", "key": .string(WitnessFixture.chongqing.verifier.description)]),
    ]

    static func initLedger(_ dir: TempDirectory, genesis: String) throws -> (ProcessResult, String) {
        let db = dir.path("ledger.sqlite")
        let key = dir.write("operator.key", TestKeys.operatorKey.fileText + "\n")
        let file = dir.write("genesis.json", genesis)
        return (try Run.hwledger(["init", "--db", db, "--genesis", file, "--operator-key", key]), db)
    }

    @Test("a genesis witness must be a listed regulator with a cosigner (0x04) key; the quorum at most their number")
    func badGenesis() throws {
        let cases: [(String, [JSONValue], Int?, String)] = [
            ("a note key", [.object(["regulator": "REG-510000", "key": .string(TestKeys.sichuan.verifier.description)])], nil, "witnesses[0].key"),
            ("an unknown regulator", [.object(["regulator": "REG-440000", "key": .string(WitnessFixture.sichuan.verifier.description)])], nil, "witnesses[0].regulator"),
            ("a quorum of 3", Self.both, 3, "witnessQuorum"),
            ("an unknown field", [.object(["regulator": "REG-510000", "key": .string(WitnessFixture.sichuan.verifier.description), "url": "x"])], nil, "url"),
        ]
        for (desc, witnesses, quorum, field) in cases {
            let dir = TempDirectory()
            let (r, db) = try Self.initLedger(dir, genesis: Self.genesis(witnesses, quorum: quorum))
            #expect(r.status != 0, "\(desc)")
            #expect(r.stderr.contains(field), "\(desc): \(r.stderr)")
            let exists = FileManager.default.fileExists(atPath: db)
            let checkpoint = exists ? try Run.hwledger(["checkpoint", "--db", db]).status : 1
            #expect(checkpoint != 0, "\(desc): nothing may be written")
        }
    }

    @Test("the daemon takes the genesis quorum, refuses a witness the genesis does not name, and receipts follow the genesis policy")
    func daemonAndCLIFollowGenesis() throws {
        let dir = TempDirectory()
        let (r, db) = try Self.initLedger(dir, genesis: Self.genesis(Self.both))
        #expect(r.status == 0, "\(r.stderr)")
        let waiting = try Run.hwledger(["receipt", "--db", db, "--index", "0"])
        #expect(waiting.status == 3)
        #expect(waiting.stderr.contains("has 0 of the 2 witness cosignatures it needs; missing: witness.test/sichuan, witness.test/chongqing"))

        let sc = try WitnessFixture(key: WitnessFixture.sichuan)
        let cq = try WitnessFixture(key: WitnessFixture.chongqing)
        let stranger = try CosignerSigningKey(name: "witness.test/other", seed: [UInt8](repeating: 9, count: 32))
        let hwledgerd = Fixtures.executable("hwledgerd")
        let refused = try Run.executable(hwledgerd, [
            "--db", db, "--listen", "127.0.0.1:0", "--witness", "other=http://127.0.0.1:1=\(stranger.verifier)",
        ])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("not a witness the genesis names"))
        let short = try Run.executable(hwledgerd, ["--db", db, "--listen", "127.0.0.1:0", "--witness", sc.daemonArgument(label: "sichuan")])
        #expect(short.status == 64)

        let daemon = try DaemonProcess(executable: hwledgerd, arguments: [
            "--db", db, "--listen", "127.0.0.1:0", "--witness", sc.daemonArgument(label: "sichuan"),
            "--witness", cq.daemonArgument(label: "chongqing"),
        ], environment: ["HWLEDGER_REFERENCE": Fixtures.referenceDirectory])
        defer { _ = daemon.stop(timeout: 10) }
        let deadline = Date().addingTimeInterval(20)
        var served: WireResponse?
        while Date() < deadline {
            let c = try WireConnection(port: daemon.port).request("GET", "/checkpoint")
            if c.status == 200 { served = c; break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let checkpoint = try SignedCheckpoint(verifying: try #require(served).body, keys: [TestKeys.operatorKey.verifier])
        let policy = try WitnessPolicy(witnesses: [WitnessFixture.sichuan.verifier, WitnessFixture.chongqing.verifier], quorum: 2)
        #expect(try policy.requireQuorum(on: checkpoint.note).count == 2)
        let receipt = try Run.hwledger(["receipt", "--db", db, "--index", "0"])
        #expect(receipt.status == 0, "\(receipt.stderr)")
    }
}
