import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// The sign-in exchange of the web console (`/v1/session…`, issue 10) against the real `hwledgerd`, and the bad
/// input it must refuse: unknown and revoked keys, replayed challenges, forged cookies, cross-site requests,
/// oversized query strings. Every refusal leaves the ledger and any live session as they were.
@Suite("Console sessions", .serialized)
struct ConsoleSessionTests {
    static let fixture = Result { try RegimeDaemon() }

    func daemon() throws -> RegimeDaemon { try Self.fixture.get() }

    /// Asks for a challenge; returns it with the decoded JSON.
    func challenge(_ d: RegimeDaemon) throws -> String {
        let r = try WireConnection(port: d.port).request("POST", "/v1/session/challenge")
        #expect(r.status == 200, "\(r.text)")
        guard case .object(let o) = try CanonicalJSON.decode(r.body), case .string(let c)? = o["challenge"],
            case .string(let expires)? = o["expiresAt"], let instant = UTCInstant(expires)
        else { throw TestFailure("bad challenge body \(r.text)") }
        #expect(Base64.decode(c)?.count == 32)
        let now = Int64(Date().timeIntervalSince1970)
        #expect((now + 100...now + 125).contains(instant.seconds), "good for 120 s")
        return c
    }

    /// Signs `challenge` with `key` (independently of the server's code) and posts it.
    func signIn(_ d: RegimeDaemon, key: SigningKey, principal: String? = nil, challenge: String) throws -> WireResponse {
        let sig = key.sign(Array("hwledger/session/v1\n\(challenge)\n".utf8))
        let body: JSONValue = .object([
            "principal": .string(principal ?? key.name), "keyId": .string(key.verifier.keyIDHex), "challenge": .string(challenge),
            "sig": .string(Base64.encode(sig)),
        ])
        return try WireConnection(port: d.port).request(
            "POST", "/v1/session", headers: [("Content-Type", "application/json")], body: body.canonicalBytes)
    }

    func cookie(_ r: WireResponse) throws -> String {
        guard let set = r.headers["set-cookie"], let value = set.split(separator: ";").first, value.hasPrefix("hwl_session=") else {
            throw TestFailure("no hwl_session cookie in \(r.headers)")
        }
        return String(value)
    }

    func page(_ d: RegimeDaemon, _ path: String, cookie: String) throws -> WireResponse {
        try WireConnection(port: d.port).request("GET", path, headers: [("Cookie", cookie)])
    }

    @Test("a regulator signs in: 204, an HttpOnly SameSite=Strict cookie for 8 h that opens the console")
    func signInOpensConsole() throws {
        let d = try daemon()
        let r = try signIn(d, key: RegimeDaemon.key(RegimeDaemon.sc), challenge: try challenge(d))
        #expect(r.status == 204, "\(r.text)")
        let set = r.headers["set-cookie"] ?? ""
        for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=28800"] { #expect(set.contains(attribute), "\(set)") }
        #expect(!set.contains("Secure"), "plain HTTP: no Secure flag")
        let list = try page(d, "/ui/manifests", cookie: try cookie(r))
        #expect(list.status == 200)
        #expect(list.text.contains(d.known("X").no), "Sichuan sees its cross-province manifest")
        #expect(!list.text.contains(d.known("Q1").no), "and not a Chongqing-only one")
        #expect(list.headers["content-security-policy"]?.contains("default-src 'self'") == true)
    }

    @Test("behind a TLS proxy the cookie is Secure")
    func secureBehindTLS() throws {
        let d = try daemon()
        let key = RegimeDaemon.key(RegimeDaemon.cq)
        let c = try challenge(d)
        let body: JSONValue = .object([
            "principal": .string(key.name), "keyId": .string(key.verifier.keyIDHex), "challenge": .string(c),
            "sig": .string(Base64.encode(key.sign(Array("hwledger/session/v1\n\(c)\n".utf8)))),
        ])
        let r = try WireConnection(port: d.port).request(
            "POST", "/v1/session", headers: [("X-Forwarded-Proto", "https")], body: body.canonicalBytes)
        #expect(r.status == 204)
        #expect(r.headers["set-cookie"]?.contains("Secure") == true)
    }

    @Test("a challenge is good once: the replay is 401 R-SIG and sets no cookie")
    func replayedChallenge() throws {
        let d = try daemon()
        let c = try challenge(d)
        let key = RegimeDaemon.key(RegimeDaemon.gen)
        #expect(try signIn(d, key: key, challenge: c).status == 204)
        let replay = try signIn(d, key: key, challenge: c)
        #expect(replay.status == 401)
        #expect(replay.text.contains("R-SIG") && replay.text.contains("already used"))
        #expect(replay.headers["set-cookie"] == nil)
        let invented = try signIn(d, key: key, challenge: Base64.encode([UInt8](repeating: 7, count: 32)))
        #expect(invented.status == 401, "a challenge the server never issued")
    }

    @Test("an unknown key, a key of another principal and a forged signature are 401 with no cookie")
    func unknownKeys() throws {
        let d = try daemon()
        let stranger = try SigningKey(generatingFor: TestKeys.uscc(division: "510100", serial: 999))
        let unknown = try signIn(d, key: stranger, challenge: try challenge(d))
        #expect(unknown.status == 401 && unknown.text.contains("not an active key"))
        let borrowed = try signIn(d, key: RegimeDaemon.key(RegimeDaemon.gen), principal: RegimeDaemon.sc, challenge: try challenge(d))
        #expect(borrowed.status == 401)
        let c = try challenge(d)
        let key = RegimeDaemon.key(RegimeDaemon.sc)
        let forged: JSONValue = .object([
            "principal": .string(key.name), "keyId": .string(key.verifier.keyIDHex), "challenge": .string(c),
            "sig": .string(Base64.encode(stranger.sign(Array("hwledger/session/v1\n\(c)\n".utf8)))),
        ])
        let r = try WireConnection(port: d.port).request("POST", "/v1/session", body: forged.canonicalBytes)
        #expect(r.status == 401 && r.text.contains("does not verify"))
        for bad in [unknown, borrowed, r] { #expect(bad.headers["set-cookie"] == nil) }
        // The sign-in page shows the Chinese sentence alone: messageZh is that sentence, then the English detail.
        #expect(unknown.text.contains("\"messageZh\":\"该密钥未在本平台登记或已吊销，请联系所属生态环境部门：key "), "\(unknown.text)")
        #expect(r.text.contains("\"messageZh\":\"密钥文件与本平台登记的公钥不符，请确认所选的密钥文件：the challenge signature"), "\(r.text)")
        let replayed = try signIn(d, key: key, challenge: c)
        #expect(replayed.status == 401 && replayed.text.contains("\"messageZh\":\"登录挑战已过期或已使用，请重新登录："), "\(replayed.text)")
    }

    @Test("a malformed sign-in body is 400 naming the field")
    func malformedBody() throws {
        let d = try daemon()
        let cases: [(String, String)] = [
            ("not json", "MALFORMED"), ("{\"principal\":\"REG-510000\"}", "exactly principal, keyId, challenge and sig"),
            ("{\"principal\":\"REG-510000\",\"keyId\":\"XYZ\",\"challenge\":\"a\",\"sig\":\"b\"}", "keyId must be 8 lower-case hex"),
            ("{\"principal\":\"REG-510000\",\"keyId\":\"0011aabb\",\"challenge\":\"a\",\"sig\":\"!!\"}", "sig must be base64"),
        ]
        for (body, message) in cases {
            let r = try WireConnection(port: d.port).request("POST", "/v1/session", body: Array(body.utf8))
            #expect(r.status == 400, "\(body)")
            #expect(r.text.contains(message), "\(body): \(r.text)")
        }
    }

    @Test("a forged or absent cookie opens nothing: pages send the browser to sign in")
    func forgedCookie() throws {
        let d = try daemon()
        for cookie in ["hwl_session=forged", "hwl_session=", "other=1"] {
            let r = try page(d, "/ui/manifests/\(d.known("X").no)", cookie: cookie)
            #expect(r.status == 303, "\(cookie)")
            #expect(r.headers["location"]?.hasPrefix("/ui/signin?next=") == true)
        }
    }

    @Test("sign-out needs the session's CSRF token: a cross-site DELETE is 403 and the session stays")
    func crossSiteSignOut() throws {
        let d = try daemon()
        let r = try signIn(d, key: RegimeDaemon.key(RegimeDaemon.cq), challenge: try challenge(d))
        let c = try cookie(r)
        let page = try self.page(d, "/ui/manifests", cookie: c)
        guard let range = page.text.range(of: #"data-csrf="[0-9a-f]{32}""#, options: .regularExpression) else {
            throw TestFailure("no CSRF token on the page")
        }
        let token = String(page.text[range].dropFirst(11).dropLast())
        let crossSite: [[(String, String)]] = [
            [("Cookie", c)],
            // A token one digit off (never the real one, whatever its first digit).
            [("Cookie", c), ("X-HWL-CSRF", (token.first == "0" ? "1" : "0") + String(token.dropFirst()))],
            [("Cookie", c), ("X-HWL-CSRF", token), ("Origin", "http://evil.example")],
            [("Cookie", c), ("X-HWL-CSRF", token), ("Sec-Fetch-Site", "cross-site")],
        ]
        for headers in crossSite {
            let out = try WireConnection(port: d.port).request("DELETE", "/v1/session", headers: headers)
            #expect(out.status == 403, "\(headers.map(\.0))")
            #expect(try self.page(d, "/ui/manifests", cookie: c).status == 200, "the session is unchanged")
        }
        let out = try WireConnection(port: d.port).request(
            "DELETE", "/v1/session", headers: [("Cookie", c), ("X-HWL-CSRF", token), ("Origin", "http://127.0.0.1:\(d.port)")])
        #expect(out.status == 204)
        #expect(out.headers["set-cookie"]?.contains("Max-Age=0") == true)
        #expect(try self.page(d, "/ui/manifests", cookie: c).status == 303, "signed out")
    }

    @Test("revoking the key ends its session, and the revoked key cannot sign in again")
    func revocationEndsSession() throws {
        let d = try daemon()
        let uscc = RegimeDaemon.scCarrier
        let key = RegimeDaemon.key(uscc)
        let c = try cookie(try signIn(d, key: key, challenge: try challenge(d)))
        #expect(try page(d, "/ui/manifests", cookie: c).status == 200)
        let revoke = UnsignedEvent(
            type: "key.revoked", actor: RegimeDaemon.sc, body: ["principal": .string(uscc), "keyId": .string(key.verifier.keyIDHex)]
        ).signed(with: RegimeDaemon.key(RegimeDaemon.sc), at: UTCInstant(seconds: Int64(Date().timeIntervalSince1970)), nonce: randomNonce())
        let posted = try WireConnection(port: d.port).request("POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: revoke.json.canonicalBytes)
        #expect(posted.status == 201, "\(posted.text)")
        #expect(try page(d, "/ui/manifests", cookie: c).status == 303, "the session ended with the key")
        #expect(try signIn(d, key: key, challenge: try challenge(d)).status == 401)
    }

    @Test("补偿结算: both directions, the close form only for the payee's regulator, CSV downloads byte for byte the CLI's --excel output; an enterprise 403, a bad quarter 400, an unknown download 404")
    func compensationPage() throws {
        let d = try daemon()
        let cq = try cookie(try signIn(d, key: RegimeDaemon.key(RegimeDaemon.cq), challenge: try challenge(d)))
        let r = try page(d, "/ui/compensation/2025Q1", cookie: cq)
        #expect(r.status == 200, "\(r.text.prefix(300))")
        for id in ["statement-510000-500000", "statement-500000-510000"] { #expect(r.text.contains("id=\"\(id)\""), "\(id)") }
        #expect(r.text.contains(d.known("X").no) && r.text.contains(RegimeDaemon.gen), "X's line names its 移出人 by USCC")
        #expect(r.text.contains("id=\"close-510000-500000\"") && !r.text.contains("id=\"close-500000-510000\""),
                "Chongqing, the payee of Sichuan → Chongqing, may close that direction only")
        let sc = try cookie(try signIn(d, key: RegimeDaemon.key(RegimeDaemon.sc), challenge: try challenge(d)))
        let scPage = try page(d, "/ui/compensation/2025Q1", cookie: sc)
        #expect(scPage.status == 200 && !scPage.text.contains("id=\"close-510000-500000\"") && scPage.text.contains("待重庆"),
                "the payer's regulator sees whose close it waits for")
        for (file, arguments) in [("510000-500000.csv", ["--payer", "510000", "--payee", "500000"]), ("net.csv", ["--net"])] {
            let csv = try page(d, "/ui/compensation/2025Q1/\(file)", cookie: cq)
            #expect(csv.status == 200 && csv.headers["content-type"] == "text/csv; charset=utf-8", "\(file): \(csv.status)")
            #expect(csv.headers["content-disposition"]?.hasPrefix("attachment;") == true)
            let cli = try Run.hwledger(["compensation", "statement", "--db", d.dbPath, "--quarter", "2025Q1", "--labels", "zh", "--excel"] + arguments)
            #expect(cli.status == 0, "\(cli.stderr)")
            #expect(csv.body == Array(cli.stdout.utf8), "\(file) is the CLI's bytes")
            #expect(csv.body.starts(with: [0xEF, 0xBB, 0xBF]) && csv.text.contains("合计"))
        }
        let enterprise = try cookie(try signIn(d, key: RegimeDaemon.key(RegimeDaemon.gen), challenge: try challenge(d)))
        let forbidden = try page(d, "/ui/compensation/2025Q1", cookie: enterprise)
        #expect(forbidden.status == 403 && forbidden.text.contains("无权查看"))
        #expect(try page(d, "/ui/compensation/2025Q1/net.csv", cookie: enterprise).status == 403)
        let badQuarter = try page(d, "/ui/compensation/2025Q9", cookie: cq)
        #expect(badQuarter.status == 400 && badQuarter.text.contains("quarter"))
        #expect(try page(d, "/ui/compensation/2025Q1/other.csv", cookie: cq).status == 404)
        let index = try page(d, "/ui/compensation", cookie: cq)
        #expect(index.status == 303 && index.headers["location"]?.hasPrefix("/ui/compensation/") == true)
    }

    @Test("补偿结算 with rows=N or all=1 shows this fixture's one line per direction and the same totals; rows outside 1…1000 is 400 naming rows (paging itself: the browser test on 2025Q3)")
    func compensationPageRows() throws {
        let d = try daemon()
        let cq = try cookie(try signIn(d, key: RegimeDaemon.key(RegimeDaemon.cq), challenge: try challenge(d)))
        let plain = try page(d, "/ui/compensation/2025Q1", cookie: cq)
        try #require(plain.status == 200, "\(plain.text.prefix(300))")
        for query in ["?rows=1", "?all=1", "?rows=1000"] {
            let r = try page(d, "/ui/compensation/2025Q1\(query)", cookie: cq)
            #expect(r.status == 200 && r.text.contains(d.known("X").no) && !r.text.contains("未列出"), "\(query)")
            #expect(total(r.text, "510000-500000") == total(plain.text, "510000-500000") && total(r.text, "510000-500000") != nil, "\(query)")
        }
        for bad in ["0", "1001", "x"] {
            let r = try page(d, "/ui/compensation/2025Q1?rows=\(bad)", cookie: cq)
            #expect(r.status == 400 && r.text.contains("rows"), "rows=\(bad): \(r.status)")
        }
    }

    /// The 合计 of a direction's section.
    func total(_ text: String, _ id: String) -> String? {
        guard let start = text.range(of: "id=\"statement-\(id)\"") else { return nil }
        guard let t = text[start.upperBound...].range(of: "<strong class=\"total\">") else { return nil }
        return String(text[t.upperBound...].prefix { $0 != "<" })
    }

    @Test("我的联单: todo=1 keeps the manifests with a step of this enterprise's (pickup, receipt), not those with none; the shared filters apply; a bad todo is 400")
    func mineNeedsMe() throws {
        let d = try daemon()
        func rows(_ text: String) -> Set<String> {
            Set(d.known.map(\.no).filter { text.contains("data-no=\"\($0)\"") })
        }
        let carrier = try cookie(try signIn(d, key: RegimeDaemon.key(RegimeDaemon.cqCarrier), challenge: try challenge(d)))
        let all = try page(d, "/ui/mine", cookie: carrier)
        #expect(all.status == 200 && rows(all.text) == Set(["S1", "Q1", "Q2"].map { d.known($0).no }), "every manifest naming the carrier")
        // Newest first (the last filed on top), under the total.
        let filedOrder = d.known.map(\.no).filter { rows(all.text).contains($0) }
        let shown = filedOrder.sorted { all.text.range(of: "data-no=\"\($0)\"")!.lowerBound < all.text.range(of: "data-no=\"\($1)\"")!.lowerBound }
        #expect(shown == filedOrder.reversed(), "newest first: \(shown), filed \(filedOrder)")
        #expect(all.text.contains("共 3 条"), "the total")
        let beyond = try page(d, "/ui/mine?page=2", cookie: carrier)
        #expect(beyond.status == 200 && rows(beyond.text).isEmpty && !beyond.text.contains("id=\"next-page\""), "a page past the end is empty")
        #expect(try page(d, "/ui/mine?page=0", cookie: carrier).status == 400, "page counts from 1")
        let todo = try page(d, "/ui/mine?todo=1", cookie: carrier)
        #expect(todo.status == 200 && rows(todo.text) == Set(["S1", "Q2"].map { d.known($0).no }),
                "only the two it has still to pick up; Q1 is in transit with it, nothing to do")
        #expect(todo.text.contains("name=\"todo\" value=\"1\" checked"), "the box stays ticked")
        #expect(todo.text.contains("name=\"from\"") && todo.text.contains("name=\"code\""), "the 联单查询 filters: dates and waste code")
        let later = try page(d, "/ui/mine?from=2025-03-13", cookie: carrier)
        #expect(later.status == 200 && rows(later.text).isEmpty && later.text.contains("没有列明本单位的联单"), "pickup dates filter")
        let receiver = try cookie(try signIn(d, key: RegimeDaemon.key(RegimeDaemon.scRecv), challenge: try challenge(d)))
        let receipts = try page(d, "/ui/mine?todo=1", cookie: receiver)
        #expect(rows(receipts.text) == [d.known("S2").no], "the receiver has S2 to receive; S1 is not picked up, S3 received")
        let none = try page(d, "/ui/mine?todo=1", cookie: try cookie(try signIn(d, key: RegimeDaemon.key(RegimeDaemon.outsider), challenge: try challenge(d))))
        #expect(none.status == 200 && none.text.contains("没有待本单位办理的联单"))
        let bad = try page(d, "/ui/mine?todo=yes", cookie: carrier)
        #expect(bad.status == 400 && bad.text.contains("todo must be 1"))
    }

    @Test("pages: a manifest that does not exist is a 404 page; a query parameter of 10 MB is refused with 400")
    func badPages() throws {
        let d = try daemon()
        let c = try cookie(try signIn(d, key: RegimeDaemon.key(RegimeDaemon.sc), challenge: try challenge(d)))
        let missing = try page(d, "/ui/manifests/20259999999999", cookie: c)
        #expect(missing.status == 404 && missing.text.contains("未找到") && missing.text.contains("lang=\"zh-CN\""))
        // Every console address that names nothing is an HTML page of the console, never the API's JSON: 404 for no
        // such page or record (a bad quarter stays 400, 办理 for a regulator stays 403), signed in or not.
        let html: (WireResponse) -> Bool = {
            $0.headers["content-type"]?.hasPrefix("text/html") == true && $0.text.contains("lang=\"zh-CN\"") && !$0.text.hasPrefix("{")
        }
        for path in ["/ui/nonexistent", "/ui/manifests/abc", "/ui/a/b/c", "/ui/approvals/nope", "/ui/whitelist/abcd",
                     "/ui/manifests/abc/steps", "/ui/compensation/xyz", "/ui/compensation/2025Q1/nope.csv"] {
            let r = try page(d, path, cookie: c)
            #expect(r.status >= 400 && r.status < 500 && html(r), "\(path): \(r.status) \(r.text.prefix(200))")
        }
        for path in ["/ui/nonexistent", "/ui/manifests/abc", "/ui/a/b/c"] {
            let r = try page(d, path, cookie: c)
            #expect(r.status == 404 && r.text.contains("未找到"), "\(path): \(r.status)")
        }
        let unsigned = try page(d, "/ui/nonexistent", cookie: "other=1")
        #expect(unsigned.status == 404 && html(unsigned), "without a session too: \(unsigned.status)")
        let long = try page(d, "/ui/manifests?q=" + String(repeating: "x", count: 300), cookie: c)
        #expect(long.status == 400 && long.text.contains("query parameter q is longer than 200 bytes"))
        let badDate = try page(d, "/ui/manifests?from=2025-13-01", cookie: c)
        #expect(badDate.status == 400 && badDate.text.contains("from must be a date"))
        // 10 MB in the request line: the daemon answers 400 while the client is still sending.
        nonisolated(unsafe) let connection = try WireConnection(port: d.port, timeoutSeconds: 10)
        let head = Array("GET /ui/manifests?q=".utf8)
        let writer = Thread {
            try? connection.send(head + [UInt8](repeating: UInt8(ascii: "x"), count: 10 * 1_048_576) + Array(" HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        }
        writer.start()
        let answer = try connection.readResponse()
        #expect(answer.status == 400)
        #expect(try page(d, "/ui/manifests", cookie: c).status == 200, "the session is unchanged")
    }
}

/// `GET /v1/worklist` (issue 10): the same computation as `hwledger worklist`, read with a session cookie or a signed
/// request.
@Suite("Worklist API")
struct WorklistAPITests {
    @Test("GET /v1/worklist: Sichuan's overdue review of APP-LATE with its due date, by cookie and by signature; 401 without")
    func worklist() throws {
        let d = try ConsoleSessionTests.fixture.get()
        let s = ConsoleSessionTests()
        let c = try s.cookie(try s.signIn(d, key: RegimeDaemon.key(RegimeDaemon.sc), challenge: try s.challenge(d)))
        let path = "/v1/worklist?asOf=2025-03-20"
        let byCookie = try WireConnection(port: d.port).request("GET", path, headers: [("Cookie", c)])
        let bySignature = try d.get(path, as: RegimeDaemon.sc)
        #expect(byCookie.status == 200 && bySignature.status == 200, "\(byCookie.text)")
        #expect(byCookie.body == bySignature.body)
        // APP-LATE applied 2025-03-03 (Mon): the review is due 5 working days later, 2025-03-10, overdue on 03-20.
        let expected = #"{"due":"2025-03-10","kind":"approval.reviewed","overdue":true,"subject":"APP-LATE","workingDaysLeft":-8}"#
        #expect(byCookie.text.contains(expected), "\(byCookie.text)")
        #expect(byCookie.text.hasPrefix(#"{"asOf":"2025-03-20","items":["#) && byCookie.text.hasSuffix(#""principal":"REG-510000"}"#))
        let cq = try d.get(path, as: RegimeDaemon.cq)
        #expect(cq.status == 200 && !cq.text.contains("APP-LATE"), "Chongqing does not review Sichuan's application")
        #expect(try WireConnection(port: d.port).request("GET", path).status == 401)
        #expect(try WireConnection(port: d.port).request("GET", "/v1/worklist?asOf=2025-02-30", headers: [("Cookie", c)]).status == 400)
    }
}
