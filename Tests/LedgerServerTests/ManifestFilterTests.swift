import Foundation
import LedgerCore
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// `manifest list --waste-code --name --pickup-from --pickup-to` and `GET /v1/manifests?wasteCode=&name=&pickupFrom=
/// &pickupTo=`: one filter (the facade's ManifestFilter), the same manifests from --db and --server.
@Suite("manifest list filters")
struct ManifestFilterTests {
    static func numbers(_ stdout: String) throws -> [String] {
        let page = try CanonicalJSON.decode(stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        return page["manifests"]?.arrayValue?.compactMap { $0["manifestNo"]?.stringValue } ?? []
    }

    @Test("the filters go to hwledgerd as wasteCode, name, pickupFrom, pickupTo and answer what --db answers; bad values are 64 naming the option")
    func filters() throws {
        let d = try RegimeDaemon()
        let url = "http://127.0.0.1:\(d.port)"
        let operatorKey = d.dir.write("operator.key", TestKeys.operatorKey.fileText)
        let all = try CanonicalJSON.decode(try #require(try Run.hwledger(["manifest", "list", "--db", d.dbPath, "--limit", "1000", "--json"]).stdoutLines.first))
        let records = try #require(all["manifests"]?.arrayValue)
        let pickup = try #require(records.first?["plannedPickup"]?.stringValue)
        let everything = records.compactMap { $0["manifestNo"]?.stringValue }
        let cases: [([String], [String])] = [
            (["--pickup-from", pickup, "--pickup-to", pickup, "--waste-code", RegimeDaemon.code, "--name", "测试"], everything),
            (["--pickup-from", "2099-01-01"], []), (["--waste-code", "900-041-49"], []), (["--name", RegimeDaemon.gen], []),
        ]
        for (options, want) in cases {
            let args = ["manifest", "list", "--limit", "1000", "--json"] + options
            let local = try Run.hwledger(args + ["--db", d.dbPath])
            let remote = try Run.hwledger(args + ["--server", url, "--key", operatorKey])
            #expect(local.status == 0 && remote.status == 0, "\(options): \(local.stderr) \(remote.stderr)")
            #expect(try Self.numbers(local.stdout) == want, "\(options)")
            #expect(remote.stdout == local.stdout, "\(options)")
        }
        // `today` (北京时间) is resolved by the CLI: the fixture's pickups lie in the past, so none is on or after today.
        for target in [["--db", d.dbPath], ["--server", url, "--key", operatorKey]] {
            let later = try Run.hwledger(["manifest", "list", "--json", "--pickup-from", "today"] + target)
            let found = try Self.numbers(later.stdout)
            #expect(later.status == 0 && found.isEmpty, "\(target): \(later.stderr)")
            let earlier = try Run.hwledger(["manifest", "list", "--json", "--limit", "1000", "--pickup-to", "today", "--to", "today"] + target)
            #expect(try Self.numbers(earlier.stdout) == everything, "\(target): \(earlier.stderr)")
        }

        for (option, value) in [("--waste-code", "900-52-31"), ("--name", ""), ("--pickup-from", "2025-13-01"), ("--pickup-to", "tomorrow")] {
            let bad = try Run.hwledger(["manifest", "list", option, value, "--db", d.dbPath])
            #expect(bad.status == 64 && bad.stdout.isEmpty && bad.stderr.contains(option), "\(option) \(value): \(bad.stderr)")
        }
    }
}
