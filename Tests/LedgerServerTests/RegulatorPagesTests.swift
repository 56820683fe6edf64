import Foundation
import LedgerHTTPClient
import LedgerTestSupport
import Testing

/// The regulators' pages of the console against the real `hwledgerd` (issue 18): the forms an application's page
/// offers come from the open acts of the signed-in regulator only; the whitelist opens on the current year; the
/// registry and 点对点 pages are for regulators, each seeing its own province's enterprises.
@Suite("Regulator pages", .serialized)
struct RegulatorPagesTests {
    static let fixture = Result { try RegimeDaemon() }
    /// The sign-in helpers of the session tests (they take the daemon as an argument).
    let session = ConsoleSessionTests()

    func signedIn(_ d: RegimeDaemon, _ principal: String) throws -> String {
        try session.cookie(try session.signIn(d, key: RegimeDaemon.key(principal), challenge: try session.challenge(d)))
    }

    @Test("an unreviewed application offers 四川 the review, the 补正 notice and the decision, and 重庆 and the generator no form")
    func applicationForms() throws {
        let d = try Self.fixture.get()
        let sc = try session.page(d, "/ui/approvals/APP-LATE", cookie: try signedIn(d, RegimeDaemon.sc))
        #expect(sc.status == 200, "\(sc.text.prefix(300))")
        for form in ["act-approval.reviewed", "act-approval.incomplete", "act-approval.decided"] {
            #expect(sc.text.contains("id=\"\(form)\""), "\(form)")
        }
        #expect(!sc.text.contains("id=\"act-approval.consultation.replied\""))
        // The decision form offers the next 审批文号 of 四川 in the year: one past the numbers its decisions of that
        // year carry, counted here from GET /v1/approvals.
        let offered = try #require(sc.text.firstMatch(of: /name="approvalNo" data-kind="text" value="川环危转〔(\d{4})〕(\d{3})号"/), "a suggested 审批文号")
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(try d.get("/v1/approvals", as: RegimeDaemon.sc).body)) as? [String: Any])
        let applications = try #require(listed["applications"] as? [[String: Any]], "\(listed.keys)")
        let numbered = applications.filter { a in
            guard a["originProvince"] as? String == "510000", let decision = a["decision"] as? [String: Any] else { return false }
            return decision["approvalNo"] != nil && (decision["decidedOn"] as? String)?.hasPrefix(String(offered.1)) == true
        }
        #expect(Int(offered.2) == numbered.count + 1, "offered \(offered.2) after \(numbered.count) numbered decisions of \(offered.1)")
        #expect(sc.text.contains("id=\"open-acts\"") && sc.text.contains("/ui/assets/regulator.js"))
        for other in [RegimeDaemon.cq, RegimeDaemon.gen] {
            let page = try session.page(d, "/ui/approvals/APP-LATE", cookie: try signedIn(d, other))
            #expect(page.status == 200 && !page.text.contains("act-form") && !page.text.contains("regulator.js"), "\(other) gets no form")
        }
        let decided = try session.page(d, "/ui/approvals/APP-X", cookie: try signedIn(d, RegimeDaemon.sc))
        #expect(decided.status == 200 && !decided.text.contains("act-form"), "a decided full-route application has nothing left")
        let worklist = try session.page(d, "/ui/worklist", cookie: try signedIn(d, RegimeDaemon.sc))
        #expect(worklist.text.contains("href=\"/ui/approvals/APP-LATE#act-approval.reviewed\""), "the 待办 row links to its form")
    }

    @Test("待办 shows the first rows of each section and counts the rest, one link from all of them; rows outside 1…1000 is 400")
    func worklistSectionsBounded() throws {
        let d = try Self.fixture.get()
        func items(_ html: String) -> Int { html.components(separatedBy: "<tr class=\"item").count - 1 }
        func hidden(_ html: String) -> [Int] {
            let pattern = #"另有 (\d+) 项未列出，<a href="/ui/worklist\?asOf=[0-9-]+&amp;all=1#worklist-(overdue|soon|later)">全部列出</a>"#
            let regex = try! NSRegularExpression(pattern: pattern)
            return regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { Int((html as NSString).substring(with: $0.range(at: 1)))! }
        }
        // Whoever of the fixture's principals has a section of two rows or more.
        var cookie = try signedIn(d, RegimeDaemon.sc)
        var all = try session.page(d, "/ui/worklist?all=1", cookie: cookie)
        for principal in [RegimeDaemon.cq] + RegimeDaemon.enterprises
        where items(all.text) <= ["overdue", "soon", "later"].filter({ all.text.contains("id=\"worklist-\($0)\"") }).count {
            cookie = try signedIn(d, principal)
            all = try session.page(d, "/ui/worklist?all=1", cookie: cookie)
        }
        let sections = ["overdue", "soon", "later"].filter { all.text.contains("id=\"worklist-\($0)\"") }
        #expect(all.status == 200 && items(all.text) > sections.count, "a section with two rows or more: \(items(all.text)) rows in \(sections)")
        #expect(hidden(all.text).isEmpty, "all=1 lists every row")
        let one = try session.page(d, "/ui/worklist?rows=1", cookie: cookie)
        #expect(items(one.text) == sections.count, "one row per section")
        #expect(hidden(one.text).reduce(0, +) == items(all.text) - sections.count, "the rest are counted: \(hidden(one.text))")
        let usual = try session.page(d, "/ui/worklist", cookie: cookie)
        #expect(items(usual.text) == min(items(all.text), 100 * sections.count) && hidden(usual.text).isEmpty, "under 100 rows a section shows all")
        for bad in ["0", "1001", "x"] {
            let r = try session.page(d, "/ui/worklist?rows=\(bad)", cookie: cookie)
            #expect(r.status == 400 && r.text.contains("rows"), "rows=\(bad): \(r.status)")
        }
    }

    @Test("审批 lists the newest rows=N applications and counts the rest with a link that keeps the filters; all=1 lists all; a bad rows is 400")
    func approvalsListBounded() throws {
        let d = try Self.fixture.get()
        let cookie = try signedIn(d, RegimeDaemon.sc)
        func rows(_ html: String) -> [String] {
            let regex = try! NSRegularExpression(pattern: #"<tr><td><a href="/ui/approvals/([^"]+)">"#)
            return regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { (html as NSString).substring(with: $0.range(at: 1)) }
        }
        let all = try session.page(d, "/ui/approvals?all=1", cookie: cookie)
        try #require(all.status == 200 && rows(all.text).count >= 2, "the fixture shows 四川 two applications or more: \(rows(all.text))")
        #expect(!all.text.contains("未列出"))
        let one = try session.page(d, "/ui/approvals?rows=1", cookie: cookie)
        #expect(rows(one.text) == [rows(all.text)[0]], "rows=1 shows the newest")
        #expect(one.text.contains("另有 \(rows(all.text).count - 1) 条未列出") && one.text.contains("href=\"/ui/approvals?rows=1&amp;all=1\""), "\(one.text.suffix(1500))")
        #expect(rows(try session.page(d, "/ui/approvals", cookie: cookie).text) == rows(all.text), "under 100 the list is whole")
        let filtered = try session.page(d, "/ui/approvals?from=2000-01-01&rows=1", cookie: cookie)
        #expect(rows(filtered.text).count == 1 && filtered.text.contains("href=\"/ui/approvals?from=2000-01-01&amp;rows=1&amp;all=1\""), "the link keeps the filter")
        for bad in ["0", "1001", "x"] {
            let r = try session.page(d, "/ui/approvals?rows=\(bad)", cookie: cookie)
            #expect(r.status == 400 && r.text.contains("rows"), "rows=\(bad): \(r.status)")
        }
    }
    @Test("a value a page shows is HTML-escaped: < > & \" ' of the 审批 receiver filter come back as entities, never raw; Chinese text as it is")
    func pageValuesEscaped() throws {
        let d = try Self.fixture.get()
        let typed = "<b>\"危废'&x"
        let query = typed.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let page = try session.page(d, "/ui/approvals?receiver=\(query)", cookie: try signedIn(d, RegimeDaemon.sc))
        #expect(page.status == 200, "\(page.text.prefix(300))")
        #expect(page.text.contains("name=\"receiver\" value=\"&lt;b&gt;&quot;危废&#39;&amp;x\""), "\(page.text.prefix(2000))")
        #expect(!page.text.contains(typed) && !page.text.contains("<b>\""))
    }


    @Test("/ui/whitelist opens the current year; the registry and 点对点 pages are regulators' own, enterprises get 403")
    func regulatorsOwnPages() throws {
        let d = try Self.fixture.get()
        let sc = try signedIn(d, RegimeDaemon.sc)
        let index = try session.page(d, "/ui/whitelist", cookie: sc)
        #expect(index.status == 303 && index.headers["location"]?.range(of: #"^/ui/whitelist/\d{4}$"#, options: .regularExpression) != nil)
        let registry = try session.page(d, "/ui/registry", cookie: sc)
        #expect(registry.status == 200 && registry.text.contains("id=\"act-enterprise.registered\"")
                && registry.text.contains(RegimeDaemon.gen) && !registry.text.contains(RegimeDaemon.cqGen),
                "四川 sees and registers its own province's enterprises")
        let cqRegistry = try session.page(d, "/ui/registry", cookie: try signedIn(d, RegimeDaemon.cq))
        #expect(cqRegistry.text.contains(RegimeDaemon.cqGen) && !cqRegistry.text.contains("data-uscc=\"\(RegimeDaemon.gen)\""))
        #expect(cqRegistry.text.contains("<option value=\"500103\" data-parent=\"500000\">渝中区</option>"),
                "重庆's districts sit directly under the province and are offered as its first level")
        #expect(registry.text.contains("<option value=\"510104\" data-parent=\"510100\">锦江区</option>"))
        #expect(try session.page(d, "/ui/p2p", cookie: sc).text.contains("id=\"act-p2p.registered\""))
        let enterprise = try signedIn(d, RegimeDaemon.gen)
        for path in ["/ui/registry", "/ui/p2p"] {
            let r = try session.page(d, path, cookie: enterprise)
            #expect(r.status == 403 && r.text.contains("无权查看"), "\(path): \(r.status)")
        }
    }
}
