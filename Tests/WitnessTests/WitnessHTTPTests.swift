import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing

/// The witness's HTTP as clients other than hwledgerd meet it: `Expect: 100-continue`, and HTTPS.
@Suite("Witness over HTTP and HTTPS", .serialized)
struct WitnessHTTPTests {
    static func head(port: Int, length: Int) -> [UInt8] {
        Array("POST /add-checkpoint HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: text/plain\r\nContent-Length: \(length)\r\nExpect: 100-continue\r\n\r\n".utf8)
    }

    @Test("Expect: 100-continue gets 100 Continue before a byte of the body is sent, then the cosignature on the same connection; a declared body above the limit gets 413 at once")
    func expectContinue() throws {
        let w = try WitnessFixture()
        let tree = TestTree(prefix: "e", count: 8)
        let body = tree.request(old: 0, size: 5)
        // A 5-second read timeout: a witness that waits for the body instead of answering fails here rather than hangs.
        let c = try WireConnection(port: w.port, timeoutSeconds: 5)
        try c.send(Self.head(port: w.port, length: body.count))
        let interim = try c.readResponse()
        #expect(interim.status == 100)
        #expect(interim.body.isEmpty)
        try c.send(body)
        let answer = try c.readResponse()
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.text.hasPrefix("\u{2014} \(WitnessFixture.cosigner.verifier.name) "))
        // The same connection still serves an ordinary request.
        #expect(try c.request("POST", "/add-checkpoint", body: tree.request(old: 5, size: 8)).status == 200)

        let big = try WireConnection(port: w.port, timeoutSeconds: 5)
        try big.send(Self.head(port: w.port, length: 2 << 20))
        let refused = try big.readResponse()
        #expect(refused.status == 413)
        #expect(refused.headers["connection"] == "close")
        #expect(try w.held()?.0 == 8)
    }

    @Test("hwledger witness serve --tls-cert --tls-key serves HTTPS that curl accepts with the CA (Expect: 100-continue too), and refuses plain HTTP on that port")
    func servesHTTPS() throws {
        let ca = try TestCertificateAuthority()
        let w = try WitnessFixture(tls: ca.issue("witness", names: ["IP:127.0.0.1", "DNS:localhost"]))
        let tree = TestTree(prefix: "t", count: 4)
        let dir = TempDirectory()
        let body = dir.path("body")
        _ = FileManager.default.createFile(atPath: body, contents: Data(tree.request(old: 0, size: 4)))
        let r = try Run.executable("/usr/bin/env", [
            "curl", "-sS", "-v", "--max-time", "10", "--cacert", ca.certificatePath, "-H", "Expect: 100-continue",
            "-H", "Content-Type: text/plain", "--data-binary", "@\(body)", "\(w.url())/add-checkpoint",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("HTTP/1.1 100 Continue"), "\(r.stderr)")
        #expect(r.stderr.contains("HTTP/1.1 200"))
        #expect(r.stdout.hasPrefix("\u{2014} \(WitnessFixture.cosigner.verifier.name) "))
        // Without the CA, curl refuses the certificate.
        let untrusted = try Run.executable("/usr/bin/env", ["curl", "-sS", "--max-time", "10", "\(w.url())/healthz"])
        #expect(untrusted.status == 60, "\(untrusted.stderr)")
        // Plain HTTP to the TLS port gets no HTTP answer.
        #expect((try? WireConnection(port: w.port, timeoutSeconds: 5).request("GET", "/healthz"))?.status != 200)
        #expect(try w.held()?.0 == 4)
    }
}
