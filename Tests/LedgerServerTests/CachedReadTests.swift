import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing

/// Tiles and the checkpoint answered from memory on the event loop (issue 22): the same answer as the router's, a
/// new checkpoint as soon as it is published, responses in order on a pipelined connection.
@Suite("Cached tiles and checkpoint: the router's answer, from memory", .serialized)
struct CachedReadTests {
    /// `hwledger_http_request_duration_seconds_count` for `route`, GET, 200.
    static func requestCount(_ d: DaemonFixture, route: String) throws -> Int {
        let text = String(decoding: try d.request("GET", "/metrics").body, as: UTF8.self)
        let line = text.split(separator: "\n").first {
            $0.hasPrefix("hwledger_http_request_duration_seconds_count{") && $0.contains("route=\"\(route)\"")
                && $0.contains("method=\"GET\"") && $0.contains("status=\"200\"")
        }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
    }

    @Test("a cached tile and the cached checkpoint carry the router's status, headers and bytes, and count in the request metric")
    func sameAnswer() throws {
        let d = try DaemonFixture()
        _ = try d.checkpoint(atLeast: 3)
        for path in ["/tile/0/000.p/3", "/checkpoint"] {
            // HEAD always goes through the router, and reads what the GETs cached.
            let routed = try d.request("GET", path + "?via=router")
            let first = try d.request("GET", path)
            let cached = try d.request("GET", path)
            #expect(routed.status == 200 && first.status == 200 && cached.status == 200, "\(path)")
            #expect(routed.body == cached.body && first.body == cached.body, "\(path)")
            for name in ["content-type", "cache-control", "content-length", "server"] {
                #expect(routed.headers[name] == cached.headers[name], "\(path) \(name): \(routed.headers) vs \(cached.headers)")
            }
            #expect(cached.headers["date"]?.hasSuffix(" GMT") == true, "\(cached.headers)")
        }
        let before = try Self.requestCount(d, route: "/tile/**")
        for _ in 0..<5 { #expect(try d.request("GET", "/tile/0/000.p/3").status == 200) }
        #expect(try Self.requestCount(d, route: "/tile/**") == before + 5)
        // Entry bundles keep their rules: 401 unsigned, 404 signed, however often asked.
        for _ in 0..<2 { #expect(try d.request("GET", "/tile/entries/000").status == 401) }
        #expect(try d.request("GET", "/tile/0/001").status == 404)
    }

    @Test("a checkpoint is served from the moment the daemon has published it")
    func freshCheckpoint() throws {
        let d = try DaemonFixture()
        _ = try d.checkpoint(atLeast: 3)
        _ = try d.request("GET", "/checkpoint")
        let batch = (0..<5).map { DaemonFixture.registration(serial: 4000 + $0).json }
        #expect(try d.post(.object(["batch": .array(batch)])).status == 201)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, try d.request("GET", "/healthz").json?["checkpointSize"]?.intValue != 8 {
            Thread.sleep(forTimeInterval: 0.02)
        }
        // /healthz reads the store, which holds the checkpoint a moment before the daemon swaps the cached one: allow
        // that moment, far below the cache's one-second limit on a note's age.
        let swapped = Date().addingTimeInterval(0.2)
        var served: UInt64 = 0
        repeat {
            served = try SignedCheckpoint(verifying: try d.request("GET", "/checkpoint").body, keys: [TestKeys.operatorKey.verifier]).checkpoint.size
        } while served != 8 && Date() < swapped
        #expect(served == 8)
    }

    @Test("a cached read pipelined behind a request still with the router is answered after it")
    func pipelinedOrder() throws {
        let d = try DaemonFixture()
        _ = try d.checkpoint(atLeast: 3)
        _ = try d.request("GET", "/tile/0/000.p/3")
        let connection = try d.connect()
        let host = "Host: 127.0.0.1:\(d.port)\r\n"
        try connection.send(Array(
            ("GET /healthz HTTP/1.1\r\n\(host)\r\n" + "GET /tile/0/000.p/3 HTTP/1.1\r\n\(host)\r\n" + "GET /v1/receipts/1 HTTP/1.1\r\n\(host)\r\n"
                + "GET /checkpoint HTTP/1.1\r\n\(host)\r\n").utf8))
        let answers = try (0..<4).map { _ in try connection.readResponse() }
        #expect(answers.map(\.status) == [200, 200, 200, 200])
        #expect(answers[0].json?["status"] != nil)
        #expect(answers[1].body.count == 3 * 32)
        #expect(String(decoding: answers[2].body, as: UTF8.self).contains("\n"))
        #expect(answers[3].headers["cache-control"] == "public, max-age=2")
    }
}
