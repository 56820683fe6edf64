import Foundation
import LedgerTestSupport
import Testing

/// The 2025 fixture dataset (fixtures/ledger) as the README's main command builds it: every event accepted, the
/// ledger verifies, the projections rebuild identically, and the reports read it.
@Suite("Fixture ledger")
struct FixtureLedgerTests {
    @Test("the 2025 fixture ledger builds with every event accepted, verifies, and rebuild --check matches")
    func fixtureLedgerVerifiesAndRebuilds() throws {
        let dir = TempDirectory()
        let db = dir.path("fixture.sqlite")
        let build = try Run.executable(
            "/usr/bin/env", ["python3", Fixtures.path("scripts/build-fixture-ledger.py"), db],
            environment: ["HWLEDGER": Fixtures.executable("hwledger")])
        try #require(build.status == 0, "build-fixture-ledger.py: \(build.stdout)\n\(build.stderr)")

        let verify = try Run.hwledger(["verify", "--db", db, "--json"])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        #expect(verify.stdout.contains("\"ok\":true"))

        let rebuild = try Run.hwledger(["rebuild", "--check", "--db", db])
        #expect(rebuild.status == 0, "\(rebuild.stdout) \(rebuild.stderr)")

        let anomalies = try Run.hwledger(["audit", "anomalies", "--db", db, "--as-of", "2025-12-31", "--json"])
        #expect(anomalies.status == 0)
        for id in ["A-CAPACITY", "A-DISCREPANCY", "A-IN-TRANSIT-OVERDUE", "A-RECEIPT-LATE"] {
            #expect(anomalies.stdout.contains("\"id\":\"\(id)\""), "\(id) missing from the fixture's anomalies")
        }

        let report = try Run.hwledger(["whitelist", "report", "--db", db, "--year", "2025", "--json"])
        #expect(report.status == 0)
        #expect(report.stdout.contains("900-052-31") && report.stdout.contains("900-023-29") && report.stdout.contains("900-045-49"))

        let net = try Run.hwledger(["compensation", "statement", "--db", db, "--quarter", "2025Q3", "--net"])
        #expect(net.status == 0, "\(net.stderr)")
        #expect(net.stdout.contains("\"net\""))

        let list = try Run.hwledger(["manifest", "list", "--db", db, "--limit", "1000", "--json"])
        let manifests = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any]
        let states = Set(((manifests?["manifests"] as? [[String: Any]]) ?? []).compactMap { $0["state"] as? String })
        #expect(states.isSuperset(of: ["received", "rejected", "cancelled", "inTransit"]), "states: \(states)")
    }
}
