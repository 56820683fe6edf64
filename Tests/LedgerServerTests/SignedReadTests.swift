import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing
import TransferLedger

@Suite("Signed reads: GET /v1/entries/{index}, operator only", .serialized)
struct SignedReadTests {
    @Test("the operator reads an entry's exact bytes; unknown index is 404 R-NOT-FOUND")
    func operatorReads() throws {
        let d = try DaemonFixture()
        let r = try d.get("/v1/entries/0", signedBy: TestKeys.operatorKey)
        #expect(r.status == 200)
        let bytes = r.json?["data"]?.stringValue.flatMap(Base64.decode)
        let stored = try d.store.read { try $0.entry(at: 0) }
        #expect(bytes == stored)
        let missing = try d.get("/v1/entries/999", signedBy: TestKeys.operatorKey)
        #expect(missing.status == 404)
        #expect(missing.rule == "R-NOT-FOUND")
    }

    @Test("a regulator or an enterprise is 403 R-AUTH")
    func othersForbidden() throws {
        let d = try DaemonFixture()
        for key in [TestKeys.sichuan, d.enterpriseKey] {
            let r = try d.get("/v1/entries/0", signedBy: key)
            #expect(r.status == 403, "\(key.name)")
            #expect(r.rule == "R-AUTH")
        }
    }

    @Test("no header, a bad signature, a stale time, an unknown key or another path's signature is 401 R-SIG")
    func unauthenticated() throws {
        let d = try DaemonFixture()
        let now = Int64(Date().timeIntervalSince1970)
        var cases: [(String, [(String, String)])] = [("none", [])]
        cases.append(("stale", [("Authorization", DaemonFixture.authorization(key: TestKeys.operatorKey, method: "GET", target: "/v1/entries/0", time: now - 301))]))
        cases.append(("future", [("Authorization", DaemonFixture.authorization(key: TestKeys.operatorKey, method: "GET", target: "/v1/entries/0", time: now + 400))]))
        cases.append(("other path", [("Authorization", DaemonFixture.authorization(key: TestKeys.operatorKey, method: "GET", target: "/v1/entries/1", time: now))]))
        cases.append(("unknown key", [("Authorization", DaemonFixture.authorization(key: TestKeys.key(TestKeys.origin, variant: 3), method: "GET", target: "/v1/entries/0", time: now))]))
        cases.append(("garbage", [("Authorization", "HWL-Ed25519 principal=x")]))
        cases.append(("bearer", [("Authorization", "Bearer abc")]))
        var tampered = DaemonFixture.authorization(key: TestKeys.operatorKey, method: "GET", target: "/v1/entries/0", time: now)
        tampered = tampered.replacingOccurrences(of: "time=\(now)", with: "time=\(now - 1)")
        cases.append(("tampered time", [("Authorization", tampered)]))
        for (name, headers) in cases {
            let r = try d.request("GET", "/v1/entries/0", headers: headers)
            #expect(r.status == 401, "\(name)")
            #expect(r.rule == "R-SIG", "\(name)")
            #expect(r.headers["www-authenticate"] == "HWL-Ed25519", "\(name)")
        }
        let ok = try d.get("/v1/entries/0", signedBy: TestKeys.operatorKey, time: now - 250)
        #expect(ok.status == 200)
    }

    @Test("an unknown route is 404")
    func unknownRoute() throws {
        let d = try DaemonFixture()
        #expect(try d.request("GET", "/v1/nothing").status == 404)
    }
}
