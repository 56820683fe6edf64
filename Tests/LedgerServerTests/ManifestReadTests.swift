import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// SPEC §4.2 signed reads of the regime: `GET /v1/manifests/{no}`, `GET /v1/manifests`, `GET /v1/audit/anomalies`,
/// `GET /v1/compensation/statements`, against the real `hwledgerd` over a ledger built by ``RegimeDaemon``.
@Suite("Signed reads: manifests, anomalies, compensation statements", .serialized)
struct ManifestReadTests {
    typealias D = RegimeDaemon
    static let op = TestKeys.origin

    // MARK: GET /v1/manifests/{no}

    @Test("GET /v1/manifests/{no}: the visibility matrix (parties, regulators by generator/receiver province, operator)")
    func singleManifestMatrix() throws {
        let d = try RegimeDaemon()
        let x = d.known("X").no
        let s1 = d.known("S1").no
        let cases: [(String, String, String, Int)] = [
            ("cross, generator", x, D.gen, 200),
            ("cross, carrier", x, D.scCarrier, 200),
            ("cross, receiver", x, D.cqRecv, 200),
            ("cross, unrelated enterprise", x, D.outsider, 403),
            ("cross, unrelated enterprise of the receiver's province", x, D.cqGen, 403),
            ("cross, REG-510000 (generator's province)", x, D.sc, 200),
            ("cross, REG-500000 (receiver's province)", x, D.cq, 200),
            ("cross, operator", x, Self.op, 200),
            ("intra-Sichuan, REG-510000", s1, D.sc, 200),
            ("intra-Sichuan with a Chongqing carrier, REG-500000 (carriers do not count)", s1, D.cq, 403),
            ("intra-Sichuan, its Chongqing carrier", s1, D.cqCarrier, 200),
            ("intra-Sichuan, operator", s1, Self.op, 200),
            ("intra-Chongqing, REG-510000", d.known("Q1").no, D.sc, 403),
            ("intra-Chongqing, REG-500000", d.known("Q1").no, D.cq, 200),
        ]
        for (name, no, principal, status) in cases {
            let r = try d.get("/v1/manifests/\(no)", as: principal)
            #expect(r.status == status, "\(name): \(r.status) \(r.text)")
            if status == 403 { #expect(r.rule == "R-AUTH", "\(name)") }
            if status == 200 {
                #expect(r.headers["content-type"]?.hasPrefix("application/json") == true, "\(name)")
                let stored = try d.ledger.manifestDocument(d.ledger.manifest(no)!)
                #expect(r.json == stored, "\(name): the body is the manifest record with its labels")
                #expect(r.json?["manifestNo"]?.stringValue == no, "\(name)")
            }
        }
        // The whole matrix over every principal and manifest agrees with the rule computed from what was filed.
        for principal in D.principals {
            let visible = Set(d.visible(to: principal).map(\.no))
            for k in d.known {
                let r = try d.get("/v1/manifests/\(k.no)", as: principal)
                #expect(r.status == (visible.contains(k.no) ? 200 : 403), "\(principal) reading \(k.ref): \(r.status)")
            }
        }
    }

    @Test("GET /v1/manifests/{no}: no header and a bad signature are 401 R-SIG with WWW-Authenticate; unknown number is 404 R-NOT-FOUND")
    func singleManifestErrors() throws {
        let d = try RegimeDaemon()
        let path = "/v1/manifests/\(d.known("X").no)"
        let none = try d.request("GET", path)
        #expect(none.status == 401)
        #expect(none.rule == "R-SIG")
        #expect(none.headers["www-authenticate"] == "HWL-Ed25519")

        let now = Int64(Date().timeIntervalSince1970)
        let key = D.key(D.gen)
        // Signed by another key under the generator's name and key id.
        let wrongKey = TestKeys.key(D.gen, variant: 7)
        let good = DaemonFixture.authorization(key: key, method: "GET", target: path, time: now)
        let forged = DaemonFixture.authorization(key: wrongKey, method: "GET", target: path, time: now)
        let forgedSig = String(forged[forged.range(of: "sig=")!.upperBound...])
        let badSig = String(good[..<good.range(of: "sig=")!.upperBound]) + forgedSig
        let otherPath = DaemonFixture.authorization(key: key, method: "GET", target: "/v1/manifests/\(d.known("S1").no)", time: now)
        for (name, header) in [("signature by another key", badSig), ("signature of another path", otherPath), ("garbage", "HWL-Ed25519 sig=x")] {
            let r = try d.request("GET", path, headers: [("Authorization", header)])
            #expect(r.status == 401, "\(name)")
            #expect(r.rule == "R-SIG", "\(name)")
            #expect(r.headers["www-authenticate"] == "HWL-Ed25519", "\(name)")
        }
        #expect(try d.request("GET", path, headers: [("Authorization", good)]).status == 200)

        for principal in [Self.op, D.sc, D.gen] {
            let missing = try d.get("/v1/manifests/20255101999999", as: principal)
            #expect(missing.status == 404, "\(principal): unknown manifest is \(missing.status) \(missing.text)")
            #expect(missing.rule == "R-NOT-FOUND", "\(principal)")
        }
        // Unauthenticated beats not-found.
        let anonymousMissing = try d.request("GET", "/v1/manifests/20255101999999")
        #expect(anonymousMissing.status == 401)
    }

    // MARK: GET /v1/manifests

    /// Walks every page of `query` (without cursor/limit) as `principal`; returns the numbers in order and the pages.
    static func walk(_ d: RegimeDaemon, _ query: String, as principal: String, limit: Int) throws -> (numbers: [String], pages: [Int]) {
        var numbers: [String] = []
        var pages: [Int] = []
        var cursor: String?
        for _ in 0..<50 {
            var path = "/v1/manifests?limit=\(limit)" + (query.isEmpty ? "" : "&" + query)
            if let cursor { path += "&cursor=" + queryEncoded(cursor) }
            let r = try d.get(path, as: principal)
            guard r.status == 200, let manifests = r.json?["manifests"]?.arrayValue else {
                throw TestFailure("\(path) as \(principal): \(r.status) \(r.text)")
            }
            pages.append(manifests.count)
            numbers += manifests.compactMap { $0["manifestNo"]?.stringValue }
            guard let next = r.json?["nextCursor"] else { return (numbers, pages) }
            guard let text = next.stringValue else { throw TestFailure("nextCursor is not a string: \(next)") }
            cursor = text
        }
        throw TestFailure("more than 50 pages")
    }

    @Test("GET /v1/manifests: every principal sees exactly the manifests it may see, in number order")
    func listVisibility() throws {
        let d = try RegimeDaemon()
        for principal in D.principals {
            let r = try d.get("/v1/manifests", as: principal)
            #expect(r.status == 200, "\(principal): \(r.text)")
            let got = r.json?["manifests"]?.arrayValue?.compactMap { $0["manifestNo"]?.stringValue } ?? []
            #expect(got == d.visible(to: principal).map(\.no), "\(principal)")
            #expect(r.json?["nextCursor"] == nil, "\(principal): one page with the default limit")
            #expect(Set(r.json?.objectValue?.keys.map { $0 } ?? []) == ["manifests", "labels"], "\(principal)")
        }
        // Spot checks of the rule itself.
        let sc = Set(d.visible(to: D.sc).map(\.ref))
        let cq = Set(d.visible(to: D.cq).map(\.ref))
        #expect(sc == ["X", "S1", "S2", "S3"])
        #expect(cq == ["X", "Q1", "Q2"])
        #expect(Set(d.visible(to: D.cqCarrier).map(\.ref)) == ["S1", "Q1", "Q2"])
        #expect(d.visible(to: D.outsider).isEmpty)
        let none = try d.request("GET", "/v1/manifests")
        #expect(none.status == 401)
        #expect(none.rule == "R-SIG")
        #expect(none.headers["www-authenticate"] == "HWL-Ed25519")
    }

    @Test("GET /v1/manifests: status, party, from and to (Asia/Shanghai filing dates, inclusive) filter within what is visible")
    func listFilters() throws {
        let d = try RegimeDaemon()
        func refs(_ query: String, as principal: String) throws -> Set<String> {
            let r = try d.get("/v1/manifests?" + query, as: principal)
            guard r.status == 200 else { throw TestFailure("\(query) as \(principal): \(r.status) \(r.text)") }
            let numbers = r.json?["manifests"]?.arrayValue?.compactMap { $0["manifestNo"]?.stringValue } ?? []
            return Set(numbers.map { no in d.known.first { $0.no == no }?.ref ?? "?\(no)" })
        }
        #expect(try refs("status=received", as: Self.op) == ["X", "S3"])
        #expect(try refs("status=inTransit", as: Self.op) == ["S2", "Q1"])
        #expect(try refs("status=filed", as: Self.op) == ["S1", "Q2"])
        #expect(try refs("status=cancelled", as: Self.op) == [])
        #expect(try refs("status=filed", as: D.sc) == ["S1"])
        #expect(try refs("status=inTransit", as: D.cq) == ["Q1"])
        #expect(try refs("party=\(D.cqCarrier)", as: Self.op) == ["S1", "Q1", "Q2"], "carriers are parties for the party filter")
        #expect(try refs("party=\(D.scCarrier)", as: D.cq) == ["X"])
        #expect(try refs("party=\(D.gen2)", as: D.gen) == [], "the filter does not widen visibility")
        #expect(try refs("party=\(D.gen)&status=filed", as: D.gen) == ["S1"])
        // S1 was filed at 2025-03-09T17:00Z = 2025-03-10 01:00 in Shanghai; Q2 at 15:59:59Z = 23:59:59 Shanghai.
        #expect(d.known("S1").filedOn == "2025-03-10")
        #expect(try refs("from=2025-03-10&to=2025-03-10", as: Self.op) == ["S1", "S2"])
        #expect(try refs("from=2025-03-09&to=2025-03-09", as: Self.op) == ["X"])
        #expect(try refs("from=2025-03-11", as: Self.op) == ["S3", "Q1", "Q2"])
        #expect(try refs("to=2025-03-09", as: Self.op) == ["X"])
        #expect(try refs("from=2025-03-12", as: Self.op) == [])
        #expect(try refs("from=2025-03-10&to=2025-03-11", as: D.sc) == ["S1", "S2", "S3"])
        #expect(try refs("from=2025-03-11&to=2025-03-10", as: Self.op) == [])
        #expect(try refs("status=inTransit&from=2025-03-11&to=2025-03-11", as: Self.op) == ["Q1"])
    }

    @Test("GET /v1/manifests: limit=2 (and 1) walks every page via nextCursor without duplicates or gaps")
    func paging() throws {
        let d = try RegimeDaemon()
        for principal in [Self.op, D.sc, D.cq, D.gen, D.cqCarrier] {
            for limit in [1, 2, 3] {
                let (numbers, pages) = try Self.walk(d, "", as: principal, limit: limit)
                let expected = d.visible(to: principal).map(\.no)
                #expect(numbers == expected, "\(principal) limit \(limit)")
                #expect(Set(numbers).count == numbers.count, "\(principal) limit \(limit): duplicates")
                #expect(pages.allSatisfy { $0 <= limit }, "\(principal) limit \(limit): \(pages)")
                #expect(pages.dropLast().allSatisfy { $0 == limit }, "\(principal) limit \(limit): a short page before the last: \(pages)")
                #expect(pages.count == max(1, (expected.count + limit - 1) / limit), "\(principal) limit \(limit): \(pages)")
            }
        }
        // Paging composes with a filter.
        let (filtered, _) = try Self.walk(d, "party=\(D.cqCarrier)", as: Self.op, limit: 2)
        #expect(filtered == d.known.filter { $0.carriers.contains(D.cqCarrier) }.map(\.no).sorted())
        let (scFiltered, _) = try Self.walk(d, "from=2025-03-10", as: D.sc, limit: 2)
        #expect(scFiltered == d.visible(to: D.sc).filter { $0.filedOn >= "2025-03-10" }.map(\.no))
        // A regulator's state list reads its province's rows of manifestByState: the same manifests, page by page,
        // as its visible ones in that state (a cross-province manifest under both provinces).
        for principal in [D.sc, D.cq, Self.op] {
            for state in ["filed", "inTransit", "received"] {
                let (numbers, _) = try Self.walk(d, "status=\(state)", as: principal, limit: 1)
                #expect(numbers == d.visible(to: principal).filter { $0.state == state }.map(\.no), "\(principal) \(state)")
            }
        }
        #expect(d.visible(to: D.sc).contains { $0.ref == "X" } && d.visible(to: D.cq).contains { $0.ref == "X" }, "X crosses the provinces")
    }

    @Test("GET /v1/manifests: limit outside 1…1000, a bad status or date, and a cursor the server never issued are 400")
    func listBadParameters() throws {
        let d = try RegimeDaemon()
        #expect(try d.get("/v1/manifests?limit=1000", as: Self.op).status == 200)
        #expect(try d.get("/v1/manifests?limit=1", as: Self.op).status == 200)
        let bad = [
            "limit=0", "limit=1001", "limit=-1", "limit=abc", "status=lost", "from=2025-02-30", "to=20250310", "from=yesterday",
            "cursor=" + queryEncoded("!!!not base64!!!"), "cursor=%25%25",
        ]
        for query in bad {
            let r = try d.get("/v1/manifests?" + query, as: Self.op)
            #expect(r.status == 400, "\(query): \(r.status) \(r.text)")
            #expect(r.rule == "USAGE", "\(query)")
        }
    }

    @Test("GET /v1/manifests: a well-formed base64 cursor that this server did not issue is 400")
    func forgedCursor() throws {
        let d = try RegimeDaemon()
        for text in ["garbage", "zzzz", "20255101", ""] {
            let cursor = Data(text.utf8).base64EncodedString()
            let r = try d.get("/v1/manifests?limit=2&cursor=" + queryEncoded(cursor), as: Self.op)
            #expect(r.status == 400, "cursor base64(\"\(text)\"): \(r.status) \(r.text)")
        }
    }

    // MARK: GET /v1/audit/anomalies

    static func anomalyTuples(_ v: JSONValue?) -> [String] {
        (v?["anomalies"]?.arrayValue ?? []).map { a in
            [a["id"], a["subject"], a["due"], a["detail"]].map { $0?.canonicalString ?? "<missing>" }.joined(separator: "|")
        }
    }

    @Test("GET /v1/audit/anomalies: enterprises 403; a regulator sees only anomalies touching its province; the operator all; asOf required")
    func anomalies() throws {
        let d = try RegimeDaemon()
        let asOf = "2025-12-31"
        let all = try d.ledger.anomalies(asOf: CivilDate(asOf)!)
        // Subject → provinces it touches, from what the test set up (applications: gen → cqRecv).
        var touches: [String: Set<String>] = ["APP-X": ["510000", "500000"], "APP-LATE": ["510000", "500000"]]
        for k in d.known { touches[k.no] = k.provinces }
        let subjects = Set(all.map(\.subject))
        #expect(subjects.contains(d.known("S2").no), "an intra-Sichuan in-transit anomaly exists: \(all)")
        #expect(subjects.contains(d.known("Q1").no), "an intra-Chongqing in-transit anomaly exists: \(all)")
        #expect(subjects.contains("APP-LATE"), "a cross-province application anomaly exists: \(all)")
        #expect(subjects.isSubset(of: Set(touches.keys)), "\(subjects)")

        func wire(_ a: Anomaly) -> String {
            [JSONValue.string(a.id), .string(a.subject), a.due.map { .string($0.description) } ?? .null, .string(a.detail)]
                .map(\.canonicalString).joined(separator: "|")
        }
        let op = try d.get("/v1/audit/anomalies?asOf=\(asOf)", as: Self.op)
        #expect(op.status == 200, "\(op.text)")
        #expect(op.json?["asOf"]?.stringValue == asOf)
        #expect(Self.anomalyTuples(op.json) == all.map(wire))
        #expect(Set(op.json?.objectValue?.keys.map { $0 } ?? []) == ["asOf", "anomalies"])
        for a in op.json?["anomalies"]?.arrayValue ?? [] {
            #expect(Set(a.objectValue?.keys.map { $0 } ?? []) == ["id", "subject", "due", "detail"], "\(a)")
        }

        for (regulator, province) in [(D.sc, "510000"), (D.cq, "500000")] {
            let r = try d.get("/v1/audit/anomalies?asOf=\(asOf)", as: regulator)
            #expect(r.status == 200, "\(regulator): \(r.text)")
            let expected = all.filter { touches[$0.subject]?.contains(province) == true }.map(wire)
            #expect(Self.anomalyTuples(r.json) == expected, "\(regulator)")
            #expect(!expected.isEmpty && expected.count < all.count, "\(regulator): the filter is exercised")
        }
        let scSubjects = Set((try d.get("/v1/audit/anomalies?asOf=\(asOf)", as: D.sc)).json?["anomalies"]?.arrayValue?.compactMap { $0["subject"]?.stringValue } ?? [])
        #expect(!scSubjects.contains(d.known("Q1").no))
        #expect(scSubjects.contains(d.known("S2").no))

        for enterprise in [D.gen, D.cqRecv, D.outsider] {
            let r = try d.get("/v1/audit/anomalies?asOf=\(asOf)", as: enterprise)
            #expect(r.status == 403, "\(enterprise): \(r.status)")
            #expect(r.rule == "R-AUTH", "\(enterprise)")
        }
        for query in ["", "?asOf=", "?asOf=2025-13-01", "?asOf=31.12.2025"] {
            let r = try d.get("/v1/audit/anomalies" + query, as: D.sc)
            #expect(r.status == 400, "'\(query)': \(r.status) \(r.text)")
        }
        let none = try d.request("GET", "/v1/audit/anomalies?asOf=\(asOf)")
        #expect(none.status == 401)
        #expect(none.headers["www-authenticate"] == "HWL-Ed25519")
    }

    // MARK: GET /v1/compensation/statements

    @Test("GET /v1/compensation/statements: regulators get the normative statement, identical to `hwledger compensation statement`; enterprises 403")
    func statements() throws {
        let d = try RegimeDaemon()
        let path = "/v1/compensation/statements?quarter=2025Q1&payer=510000&payee=500000"
        let cli = try Run.hwledger(["compensation", "statement", "--db", d.dbPath, "--quarter", "2025Q1", "--payer", "510000", "--payee", "500000"])
        #expect(cli.status == 0, "\(cli.stderr)")
        let cliBytes = Array(cli.stdout.trimmingCharacters(in: .newlines).utf8)
        let statement = try d.ledger.statement(quarter: Quarter("2025Q1")!, payer: "510000", payee: "500000")
        #expect(statement.items.contains { $0.manifestNo == d.known("X").no }, "X is charged in 2025Q1")
        #expect(statement.totalFen > 0)

        for principal in [D.sc, D.cq, Self.op] {
            let r = try d.get(path, as: principal)
            #expect(r.status == 200, "\(principal): \(r.text)")
            guard let json = r.json else { Issue.record("\(principal): not JSON"); continue }
            #expect(Set(json.objectValue?.keys.map { $0 } ?? []) == ["quarter", "payer", "payee", "items", "adjustments", "totalFen"], "\(principal)")
            #expect(json["quarter"]?.stringValue == "2025Q1")
            #expect(json["payer"]?.stringValue == "510000")
            #expect(json["payee"]?.stringValue == "500000")
            #expect(r.body == cliBytes, "\(principal): the body is byte for byte what the CLI prints")
            #expect(Hash.sha256(json.canonicalBytes).hex == StatementJSON.digest(statement), "\(principal): digest")
            #expect(Hash.sha256(r.body).hex == Hash.sha256(cliBytes).hex)
        }
        // The other direction, empty but well-formed.
        let back = try d.get("/v1/compensation/statements?quarter=2025Q1&payer=500000&payee=510000", as: D.cq)
        #expect(back.status == 200)
        #expect(back.json?["items"]?.arrayValue?.isEmpty == true)
        #expect(back.json?["totalFen"] == .int(0))

        for enterprise in [D.gen, D.cqRecv, D.outsider] {
            let r = try d.get(path, as: enterprise)
            #expect(r.status == 403, "\(enterprise): \(r.status)")
            #expect(r.rule == "R-AUTH")
        }
        for query in ["", "?quarter=2025Q1&payer=510000", "?quarter=2025Q5&payer=510000&payee=500000", "?quarter=2025Q1&payer=51&payee=500000"] {
            let r = try d.get("/v1/compensation/statements" + query, as: D.sc)
            #expect(r.status == 400, "'\(query)': \(r.status) \(r.text)")
        }
        let none = try d.request("GET", path)
        #expect(none.status == 401)
        #expect(none.rule == "R-SIG")
        #expect(none.headers["www-authenticate"] == "HWL-Ed25519")
    }

    // MARK: Query parameters as documented, the same in the API and the CLI

    @Test("party that is not a USCC, payer = payee, a payer that is not a province and a quarter not spelled YYYYQn are 400 naming the parameter and its rule; the CLI refuses the same values with the same rule")
    func parametersAsDocumented() throws {
        let d = try RegimeDaemon()
        let statement = "/v1/compensation/statements?"
        let cases: [(query: String, cli: [String], parameter: String, rule: String)] = [
            ("/v1/manifests?party=abc", ["manifest", "list", "--party", "abc"], "party", "must be a 统一社会信用代码 (USCC)"),
            // 18 characters of the right alphabet, wrong check character.
            ("/v1/manifests?party=\(D.gen.dropLast())\(D.gen.last == "0" ? "1" : "0")",
             ["manifest", "list", "--party", "\(D.gen.dropLast())\(D.gen.last == "0" ? "1" : "0")"], "party", "the last its check character"),
            (statement + "quarter=2025Q1&payer=510000&payee=510000",
             ["compensation", "statement", "--quarter", "2025Q1", "--payer", "510000", "--payee", "510000"], "payee", "must differ from"),
            (statement + "quarter=2025Q1&payer=510100&payee=500000",
             ["compensation", "statement", "--quarter", "2025Q1", "--payer", "510100", "--payee", "500000"], "payer", "must be a province code"),
            (statement + "quarter=2025q1&payer=510000&payee=500000",
             ["compensation", "statement", "--quarter", "2025q1", "--payer", "510000", "--payee", "500000"], "quarter", "must be a quarter written YYYYQn"),
            (statement + "quarter=603Q2&payer=510000&payee=500000",
             ["compensation", "statement", "--quarter", "603Q2", "--payer", "510000", "--payee", "500000"], "quarter", "four-digit year"),
            (statement + "quarter=0000Q2&payer=510000&payee=500000",
             ["compensation", "close", "--dry-run", "--quarter", "0000Q2", "--payer", "510000", "--payee", "500000"], "quarter", "must be a quarter"),
        ]
        for c in cases {
            let r = try d.get(c.query, as: Self.op)
            #expect(r.status == 400 && r.rule == "USAGE", "\(c.query): \(r.status) \(r.text)")
            let message = r.json?["error"]?["message"]?.stringValue ?? ""
            #expect(message.hasPrefix(c.parameter + " ") && message.contains(c.rule), "\(c.query): \(message)")
            let cli = try Run.hwledger(Array(c.cli.prefix(2)) + ["--db", d.dbPath] + c.cli.dropFirst(2))
            #expect(cli.status == 64 && cli.stdout.isEmpty, "\(c.cli): \(cli.status) \(cli.stdout)")
            let firstLine = cli.stderr.split(separator: "\n").first.map(String.init) ?? ""
            #expect(firstLine.contains("--" + c.parameter + " ") && firstLine.contains(c.rule), "\(c.cli): \(cli.stderr)")
        }
        // The one spelling reads back as itself: a year before 1000 is written with four digits, as in dates.
        let early = try d.get(statement + "quarter=0603Q2&payer=510000&payee=500000", as: Self.op)
        #expect(early.status == 200 && early.json?["quarter"]?.stringValue == "0603Q2", "\(early.status) \(early.text)")
        let cli = try Run.hwledger(["compensation", "statement", "--db", d.dbPath, "--quarter", "0603Q2", "--payer", "510000", "--payee", "500000"])
        #expect(cli.status == 0 && Array(cli.stdout.trimmingCharacters(in: .newlines).utf8) == early.body, "\(cli.stderr)")
    }
}
