import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// `submit --signed` (submissions signed elsewhere), replay protection, and `rebuild --check` (SPEC §3, §4.1).
@Suite("hwledger submit --signed and rebuild --check")
struct SignedSubmitTests {
    static let signedAt = UTCInstant("2025-03-01T08:00:00Z")!

    /// A pre-signed `{"submission","sig"}` line registering `uscc`, signed by `key` with `nonce` byte `n`.
    static func signedLine(uscc: String, key: SigningKey = TestKeys.sichuan, nonce n: UInt8, name: String = "测试企业") -> String {
        let event = UnsignedEvent(type: "enterprise.registered", actor: key.name, body: [
            "uscc": .string(uscc), "name": .string(name), "division": "510100", "roles": ["generator"],
        ])
        return event.signed(with: key, at: signedAt, nonce: [UInt8](repeating: n, count: 16)).json.canonicalString
    }

    static func results(_ r: ProcessResult) throws -> [JSONValue] {
        try r.stdoutLines.map { try CanonicalJSON.decode($0) }
    }

    @Test("pre-signed lines are appended as signed, byte for byte")
    func appendsPresigned() throws {
        let ledger = try CLILedger()
        let lines = (1...3).map { Self.signedLine(uscc: TestKeys.uscc(serial: $0), nonce: UInt8($0)) }
        let r = try ledger.run(["submit", "--db", ledger.db, "--signed", ledger.writeLines(lines)])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(try Self.results(r).map { $0["index"]?.intValue } == [1, 2, 3])

        let entries = try ledger.entries()
        #expect(entries.count == 4)
        for (i, line) in lines.enumerated() {
            let entry = try CanonicalJSON.decode(entries[i + 1])
            let signed = try CanonicalJSON.decode(line)
            #expect(entry["submission"] == signed["submission"], "entry \(i + 1) holds the submission as signed")
            #expect(entry["sig"] == signed["sig"])
        }
        #expect(checkpointSize(try ledger.checkpoint()) == 4)
        #expect(try ledger.run(["verify", "--db", ledger.db]).status == 0)
    }

    @Test("a replayed pre-signed line is rejected with R-NONCE and writes nothing")
    func replay() throws {
        let ledger = try CLILedger()
        let first = Self.signedLine(uscc: TestKeys.uscc(serial: 1), nonce: 1)
        let second = Self.signedLine(uscc: TestKeys.uscc(serial: 2), nonce: 2)
        try #require(try ledger.run(["submit", "--db", ledger.db, "--signed", ledger.writeLines([first, second])]).status == 0)

        // The same line again, a fresh line, and a new body signed with an already used nonce.
        let fresh = Self.signedLine(uscc: TestKeys.uscc(serial: 3), nonce: 3)
        let reusedNonce = Self.signedLine(uscc: TestKeys.uscc(serial: 4), nonce: 2)
        let r = try ledger.run(["submit", "--db", ledger.db, "--signed", ledger.writeLines([second, fresh, reusedNonce])])
        #expect(r.status == 2, "\(r.stderr)")
        let results = try Self.results(r)
        try #require(results.count == 3, "\(r.stdout)")
        #expect(results[0]["line"]?.intValue == 1)
        #expect(results[0]["error"]?["rule"]?.stringValue == "R-NONCE", "\(results[0])")
        #expect(results[1]["index"]?.intValue == 3)
        #expect(results[2]["line"]?.intValue == 3)
        #expect(results[2]["error"]?["rule"]?.stringValue == "R-NONCE", "\(results[2])")
        #expect(try ledger.entries().count == 4)

        // A replay within one input: the second copy meets the first one's nonce.
        let twice = Self.signedLine(uscc: TestKeys.uscc(serial: 5), nonce: 5)
        let r2 = try ledger.run(["submit", "--db", ledger.db, "--signed", ledger.writeLines([twice, twice])])
        #expect(r2.status == 2)
        let results2 = try Self.results(r2)
        #expect(results2.first?["index"]?.intValue == 4)
        #expect(results2.last?["error"]?["rule"]?.stringValue == "R-NONCE", "\(r2.stdout)")
        #expect(try ledger.entries().count == 5)
        #expect(try ledger.run(["verify", "--db", ledger.db]).status == 0)
    }

    @Test("a pre-signed line altered after signing, or signed by the wrong key, is rejected with R-SIG")
    func badSignature() throws {
        let ledger = try CLILedger()
        let good = Self.signedLine(uscc: TestKeys.uscc(serial: 1), nonce: 1, name: "原名")
        let altered = good.replacingOccurrences(of: "原名", with: "改名")
        let impostor = TestKeys.key("REG-510000", variant: 7)
        let forged = Self.signedLine(uscc: TestKeys.uscc(serial: 2), key: impostor, nonce: 2)
        let r = try ledger.run(["submit", "--db", ledger.db, "--signed", ledger.writeLines([altered, forged])])
        #expect(r.status == 2)
        let results = try Self.results(r)
        try #require(results.count == 2, "\(r.stdout)")
        #expect(results.map { $0["error"]?["rule"]?.stringValue } == ["R-SIG", "R-SIG"], "\(r.stdout)")
        #expect(try ledger.entries().count == 1)

        // The unaltered line is still fresh: its nonce was not consumed by the rejected copy.
        let ok = try ledger.run(["submit", "--db", ledger.db, "--signed", ledger.writeLines([good])])
        #expect(ok.status == 0, "\(ok.stdout) \(ok.stderr)")
    }

    @Test("a --signed line that is JSON but not a signed submission is rejected per line, not malformed")
    func wrongShape() throws {
        let ledger = try CLILedger()
        let good = Self.signedLine(uscc: TestKeys.uscc(serial: 1), nonce: 1)
        let r = try ledger.run([
            "submit", "--db", ledger.db, "--signed", ledger.writeLines([#"{"submission":{}}"#, good, "[1,2]"]),
        ])
        #expect(r.status == 2, "\(r.stderr)")
        let results = try Self.results(r)
        try #require(results.count == 3, "\(r.stdout)")
        #expect(results[0]["error"]?["rule"]?.stringValue == "R-SCHEMA", "\(results[0])")
        #expect(results[1]["index"]?.intValue == 1)
        #expect(results[2]["error"]?["rule"]?.stringValue == "R-SCHEMA", "\(results[2])")
    }

    @Test("rebuild --check exits 0 on a good ledger, after signed and unsigned submits")
    func rebuildCheck() throws {
        let ledger = try CLILedger()
        try ledger.submitAccepted(Events.sichuanRegistrations(3))
        let lines = (10...12).map { Self.signedLine(uscc: TestKeys.uscc(serial: $0), nonce: UInt8($0)) }
        try #require(try ledger.run(["submit", "--db", ledger.db, "--signed", ledger.writeLines(lines)]).status == 0)
        let r = try ledger.run(["rebuild", "--check", "--db", ledger.db])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.isEmpty)
        #expect(r.stderr.isEmpty)
    }
}
