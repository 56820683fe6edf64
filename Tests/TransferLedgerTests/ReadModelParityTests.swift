import Foundation
import LedgerCore
import LedgerSQLite
import LedgerTestSupport
import Logging
import Testing
import TransferLedger
import TransferRules

/// The read models (decision 020) answer every report exactly as the computation they replaced (``LegacyReports``)
/// did: on the 2025 fixture ledger, at every third day from 2025-01-01 to 2026-03-31.
@Suite("Read models agree with the reports they replaced")
struct ReadModelParityTests {
    @Test("2025 fixture ledger: every principal's worklist, the anomalies (all and each province's), every statement, the whitelist report, the newest-first manifest list and the applications list equal the pre-read-model computation",
        .enabled(if: TestDatabase.isSQLite, "builds its own SQLite fixture ledger: the PostgreSQL pass would repeat it unchanged"))
    func fixtureLedger() throws {
        let dir = TempDirectory()
        let db = dir.path("fixture.sqlite")
        let build = try Run.executable(
            "/usr/bin/env", ["python3", Fixtures.path("scripts/build-fixture-ledger.py"), db, "--quiet"],
            environment: ["HWLEDGER": Fixtures.executable("hwledger")])
        try #require(build.status == 0, "build-fixture-ledger.py: \(build.stdout)\n\(build.stderr)")
        let ledger = TransferLedger(
            store: try SQLiteLedgerStore(path: db), reference: Fixtures.reference, clock: TransferLedger.systemClock, logger: Logger(label: "parity"))
        let manifests = try ledger.manifests(ManifestFilter(), limit: Int.max).manifests
        let provinces = Dictionary(try ledger.enterprises().map { ($0.uscc, $0.province) }, uniquingKeysWith: { a, _ in a })
        let legacy = LegacyReports(
            c: try ledger.context(), applications: try ledger.applications(), manifests: manifests,
            permits: Dictionary(grouping: try ledger.permits(of: nil), by: \.holder), whitelists: try ledger.whitelists(),
            compensation: CompensationInputs(
                manifests: manifests, tables: try ledger.rateTables(), closes: try ledger.closedStatements(), provinces: provinces))
        #expect(manifests.count > 50 && legacy.applications.count > 5, "the fixture has \(manifests.count) manifests")

        let principals = ["REG-510000", "REG-500000"] + (try ledger.enterprises().map(\.uscc))
        let byNumber = Dictionary(manifests.map { ($0.manifestNo, $0) }, uniquingKeysWith: { a, _ in a })
        let applications = Dictionary(legacy.applications.map { ($0.applicationId, $0) }, uniquingKeysWith: { a, _ in a })
        func provincesOf(_ a: Anomaly) -> Set<String> {
            if let m = byNumber[a.subject] { return Set([provinces[m.generator], provinces[m.receiver]].compactMap { $0 }) }
            if let app = applications[a.subject] { return [app.originProvince, app.destinationProvince] }
            return []
        }
        var date = CivilDate("2025-01-01")!
        var compared = (items: 0, anomalies: 0)
        while date <= CivilDate("2026-03-31")! {
            for p in principals {
                let expected = legacy.worklist(for: p, asOf: date)
                let got = try ledger.worklist(for: p, asOf: date).items
                #expect(got == expected, "worklist of \(p) as of \(date)")
                compared.items += expected.count
            }
            let all = legacy.anomalies(asOf: date)
            #expect(try ledger.anomalies(asOf: date) == all, "anomalies as of \(date)")
            for province in ["510000", "500000"] {
                #expect(try ledger.anomalies(asOf: date, province: province) == all.filter { provincesOf($0).contains(province) }, "\(province)'s anomalies as of \(date)")
                for id in TransferLedger.anomalyIDs {
                    let ofId = all.filter { $0.id == id && provincesOf($0).contains(province) }
                    #expect(try ledger.anomalyCount(asOf: date, province: province, id: id) == ofId.count, "\(province)'s \(id) count as of \(date)")
                }
            }
            compared.anomalies += all.count
            date = date.adding(days: 3)
        }
        #expect(compared.items > 100 && compared.anomalies > 100, "compared \(compared)")

        let newest = manifests.sorted { a, b in
            let (x, y) = (a.events.first?.index ?? 0, b.events.first?.index ?? 0)
            return x != y ? x > y : a.manifestNo > b.manifestNo
        }
        let someParty = try #require(manifests.first?.generator)
        for scope in [nil, "510000", "500000", someParty] as [String?] {
            let visible = newest.filter { m in
                guard let scope else { return true }
                return m.namedParties.contains(scope) || [provinces[m.generator], provinces[m.receiver]].contains(scope)
            }
            for offset in [0, 7, 50] {
                let page = try ledger.manifestsNewestFirst(scope: scope, offset: offset, limit: 20)
                #expect(page.total == visible.count, "count of \(scope ?? "all")")
                #expect(page.manifests.map(\.manifestNo) == visible.dropFirst(offset).prefix(20).map(\.manifestNo), "\(scope ?? "all") from \(offset)")
            }
        }

        // The applications list: each scope's, newest application date first, with and without filters, as the
        // records filtered by visibility and sorted (what /ui/approvals computed before the read model).
        let newestApplications = legacy.applications.sorted { $0.appliedOn != $1.appliedOn ? $0.appliedOn > $1.appliedOn : $0.applicationId < $1.applicationId }
        let applicant = try #require(legacy.applications.first?.generator)
        for scope in [nil, "510000", "500000", applicant] as [String?] {
            let visible = newestApplications.filter { a in
                scope.map { [a.generator, a.receiver, a.originProvince, a.destinationProvince].contains($0) } ?? true
            }
            let whole = try ledger.applicationList(scope: scope, filter: ApplicationListFilter(), limit: nil)
            #expect(whole.applications == visible && whole.total == visible.count, "applications of \(scope ?? "all")")
            let firstTwo = try ledger.applicationList(scope: scope, filter: ApplicationListFilter(), limit: 2)
            #expect(firstTwo.applications == Array(visible.prefix(2)) && firstTwo.total == visible.count, "the first two of \(scope ?? "all")")
            for stage in ApplicationStage.allCases {
                var filter = ApplicationListFilter()
                filter.stage = stage
                filter.from = CivilDate("2025-03-01")
                #expect(try ledger.applicationList(scope: scope, filter: filter, limit: nil).applications
                    == visible.filter { $0.stage == stage && $0.appliedOn >= CivilDate("2025-03-01")! }, "\(stage) of \(scope ?? "all")")
                // One stage and nothing else: the first row from the stage's rows, the count from its count row.
                filter.from = nil
                let ofStage = visible.filter { $0.stage == stage }
                let first = try ledger.applicationList(scope: scope, filter: filter, limit: 1)
                #expect(first.applications == Array(ofStage.prefix(1)) && first.total == ofStage.count, "the first \(stage) of \(scope ?? "all")")
            }
            // A date range: from its last day back to its first, both inclusive.
            let days = Set(visible.map(\.appliedOn)).sorted()
            if days.count >= 3 {
                var range = ApplicationListFilter()
                range.from = days[1]
                range.to = days[days.count - 2]
                let inRange = visible.filter { $0.appliedOn >= days[1] && $0.appliedOn <= days[days.count - 2] }
                let listed = try ledger.applicationList(scope: scope, filter: range, limit: 1)
                #expect(listed.applications == Array(inRange.prefix(1)) && listed.total == inRange.count, "\(days[1])…\(days[days.count - 2]) of \(scope ?? "all")")
            }
            var out = ApplicationListFilter()
            out.origin = "510000"
            out.wasteCode = visible.first?.wasteCode
            out.receiver = { $0 == visible.first?.receiver }
            #expect(try ledger.applicationList(scope: scope, filter: out, limit: nil).applications
                == visible.filter { $0.originProvince == "510000" && $0.wasteCode == visible.first?.wasteCode && $0.receiver == visible.first?.receiver },
                "origin, code and receiver of \(scope ?? "all")")
        }
        #expect(Set(legacy.applications.map(\.stage)).count >= 2, "the fixture has applications in more than one stage")
        #expect(Set(legacy.applications.map(\.appliedOn)).count >= 3, "the fixture has applications on three days or more (the date range above)")
        // The approval numbers a province issued in a year (what the decision form counts to offer the next one), as
        // the decision form counted them from the records.
        var issuedAny = false
        for province in ["510000", "500000"] {
            for year in 2024...2026 {
                let issued = legacy.applications.filter { $0.originProvince == province && $0.decision?.decidedOn.year == year && $0.decision?.approvalNo != nil }.count
                #expect(try ledger.approvalNumbersIssued(province: province, year: year) == issued, "approval numbers of \(province) in \(year)")
                issuedAny = issuedAny || issued > 0
            }
        }
        #expect(issuedAny, "the fixture's applications include decisions with an approval number")

        var quarter = Quarter(year: 2025, q: 1)!
        while quarter <= Quarter(year: 2026, q: 1)! {
            for (payer, payee) in [("510000", "500000"), ("500000", "510000")] {
                #expect(try ledger.statement(quarter: quarter, payer: payer, payee: payee) == legacy.statement(quarter: quarter, payer: payer, payee: payee), "\(quarter) \(payer) → \(payee)")
            }
            quarter = quarter.next
        }

        for year in [2025, 2026] {
            for row in try ledger.whitelistReport(year: year) {
                let list = try #require(try ledger.whitelists(year: year).first { $0.listingProvince == row.listingProvince })
                let entry = try #require(list.entries.firstIndex { $0.receiver == row.receiver && $0.wasteCode == row.wasteCode })
                let charge = ApplicationRecord.WhitelistCharge(year: year, listingProvince: row.listingProvince, entry: entry)
                let nos = Set(legacy.applications.filter { $0.whitelistCharge == charge }.compactMap { $0.decision?.approvalNo })
                let usage = legacy.whitelistUsage(approvalNos: nos)
                #expect(row.shippedGrams == usage.shipped && row.receivedGrams == usage.received, "\(year) \(row.listingProvince) \(row.receiver) \(row.wasteCode)")
            }
        }

        // Every record the API serves encodes to the same JSON value as through Foundation's JSON text (the old path),
        // and its canonical bytes written from the encoder's slots are those of that value.
        func viaFoundation<T: Encodable>(_ value: T) throws -> JSONValue {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return try CanonicalJSON.decode(Array(try encoder.encode(value)))
        }
        func same<T: Encodable>(_ records: [T], _ what: String) throws {
            #expect(!records.isEmpty, "\(what): none in the fixture")
            for r in records {
                #expect(try r.jsonValue() == viaFoundation(r), "\(what)")
                #expect(try CanonicalJSON.encode(encoding: r) == viaFoundation(r).canonicalBytes, "\(what)")
            }
        }
        try same(manifests, "manifests")
        try same(legacy.applications, "applications")
        try same(try ledger.enterprises(), "enterprises")
        try same(try ledger.permits(of: nil), "permits")
        try same(try ledger.whitelists(), "whitelists")
        try same(try ledger.rateTables(), "rate tables")
        try same(try ledger.closedStatements(), "closed statements")
        try same(try ledger.p2pRegistrations(), "点对点 registrations")
        try same(try ledger.whitelistReport(year: 2025), "whitelist report rows")
    }
}

@Suite("Read models are checked like every projection")
struct ReadModelTamperTests {
    /// A SQLite ledger with one manifest filed and picked up: `work`, `manifestByParty` and `manifestByState` rows.
    static func ledger() throws -> (TransferScenario, String) {
        let s = try TransferScenario(sqlite: true)
        let no = try s.file(TransferBody.manifest(carriers: [TransferParty.carrier]))
        try s.pickUp(no)
        return (s, no)
    }

    @Test("rebuild --check and verify name a read-model row changed, removed or added in the file (exit 3)", .enabled(if: TestDatabase.isSQLite, "edits the SQLite file"))
    func tamperedRowsAreNamed() throws {
        let (s, no) = try Self.ledger()
        let db = s.locator!
        let good = try Run.hwledger(["rebuild", "--check", "--db", db])
        try #require(good.status == 0, "\(good.stderr)")
        let work = try #require(try Self.sqlite(db, "SELECT key FROM projections WHERE kind = 'work' ORDER BY key LIMIT 1;").split(separator: "\n").first.map(String.init))
        let cases: [(sql: String, named: String)] = [
            ("UPDATE projections SET value = CAST('20250101|20250102' AS BLOB) WHERE kind = 'work' AND key = '\(work)';", "projection work/\(work) differs"),
            ("DELETE FROM projections WHERE kind = 'manifestByState' AND key = '510000/inTransit/\(no)';", "projection manifestByState/510000/inTransit/\(no) differs"),
            ("INSERT INTO projections (kind, key, value) VALUES ('manifestByParty', 'X/\(no)', X'');", "projection manifestByParty/X/\(no) differs"),
            ("INSERT INTO projections (kind, key, value) VALUES ('manifestByApproval', 'X/\(no)', X'');", "projection manifestByApproval/X/\(no) differs"),
        ]
        for (i, c) in cases.enumerated() {
            let copy = s.dir.path("tampered-\(i).sqlite")
            for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: db + suffix) {
                try FileManager.default.copyItem(atPath: db + suffix, toPath: copy + suffix)
            }
            _ = try Self.sqlite(copy, c.sql)
            for command in [["rebuild", "--check"], ["verify"]] {
                let r = try Run.hwledger(command + ["--db", copy])
                #expect(r.status == 3, "\(command) after \(c.sql): \(r.stderr)")
                #expect(r.stderr.contains(c.named), "\(command) after \(c.sql) names the row: \(r.stderr)")
            }
        }
    }

    static func sqlite(_ db: String, _ sql: String) throws -> String {
        let r = try Run.executable("/usr/bin/sqlite3", [db, sql])
        guard r.status == 0 else { throw LedgerError.storage("sqlite3: \(r.stderr)") }
        return r.stdout
    }
}
