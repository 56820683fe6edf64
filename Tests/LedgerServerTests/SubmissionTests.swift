import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

@Suite("POST /v1/submissions against the real hwledgerd", .serialized)
struct SubmissionTests {
    @Test("a valid submission is 201 with index and leaf hash, and its replay is 409 R-NONCE")
    func acceptedThenReplayed() throws {
        let d = try DaemonFixture()
        let signed = DaemonFixture.registration(serial: 100)
        let first = try d.post(signed.json)
        #expect(first.status == 201)
        #expect(first.json?["index"]?.intValue == 3)
        #expect(first.json?["leafHash"]?.stringValue?.count == 64)
        #expect(first.headers["content-type"] == "application/json")
        let replay = try d.post(signed.json)
        #expect(replay.status == 409)
        #expect(replay.rule == "R-NONCE")
    }

    @Test("a bad signature or an unknown key is 401 R-SIG with WWW-Authenticate")
    func badSignature() throws {
        let d = try DaemonFixture()
        var signed = DaemonFixture.registration(serial: 101)
        signed.signature[0] ^= 1
        let bad = try d.post(signed.json)
        #expect(bad.status == 401)
        #expect(bad.rule == "R-SIG")
        #expect(bad.headers["www-authenticate"] == "HWL-Ed25519")
        let stranger = DaemonFixture.registration(serial: 102, key: TestKeys.key("REG-510000", variant: 7))
        let unknown = try d.post(stranger.json)
        #expect(unknown.status == 401)
        #expect(unknown.rule == "R-SIG")
    }

    @Test("a rule violation is 422 with its rule id; a submission of the wrong shape is 422 R-SCHEMA")
    func ruleViolations() throws {
        let d = try DaemonFixture()
        let badUSCC = DaemonFixture.registration(serial: 0, uscc: "91350203M0001QAY9B")
        let r = try d.post(badUSCC.json)
        #expect(r.status == 422)
        #expect(r.rule == "R-USCC")
        let shape = try d.post(.object(["submission": .object(["actor": "REG-510000"]), "sig": .string(Base64.encode([UInt8](repeating: 0, count: 64)))]))
        #expect(shape.status == 422)
        #expect(shape.rule == "R-SCHEMA")
    }

    @Test("malformed JSON or a wrong wrapper is 400 MALFORMED", arguments: [
        "{", "[]", "{\"submission\":{}}", "{\"batch\":[],\"x\":1}", "{\"batch\":[]}", "{\"batch\":{}}", "{\"a\":1.5}", "\u{FF}",
    ])
    func malformed(body: String) throws {
        let d = try DaemonFixture()
        let bytes: [UInt8] = body == "\u{FF}" ? [0xFF, 0xFE] : Array(body.utf8)
        let r = try d.request("POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: bytes)
        #expect(r.status == 400, "\(body)")
        #expect(r.rule == "MALFORMED")
    }

    @Test("a body over 1,048,576 bytes is read away and answered 413")
    func tooLarge() throws {
        let d = try DaemonFixture()
        let big = [UInt8](repeating: 0x20, count: 1_048_577)
        let r = try d.request("POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: big)
        #expect(r.status == 413)
        let exact = try d.request("POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: [UInt8](repeating: 0x20, count: 1_048_576))
        #expect(exact.status == 400)
    }

    @Test("a batch answers per item in input order; 201 if any item was appended")
    func mixedBatch() throws {
        let d = try DaemonFixture()
        let a = DaemonFixture.registration(serial: 200)
        var forged = DaemonFixture.registration(serial: 201)
        forged.signature[5] ^= 0x40
        let batch: JSONValue = .object(["batch": .array([a.json, a.json, forged.json, .string("nope"), DaemonFixture.registration(serial: 202).json])])
        let r = try d.post(batch)
        #expect(r.status == 201)
        guard case .array(let items)? = r.json else { Issue.record("not a list: \(r.text)"); return }
        #expect(items.count == 5)
        #expect(items[0]["index"]?.intValue == 3)
        #expect(items[1]["item"]?.intValue == 1)
        #expect(items[1]["status"]?.intValue == 409)
        #expect(items[1]["error"]?["rule"]?.stringValue == "R-NONCE")
        #expect(items[2]["status"]?.intValue == 401)
        #expect(items[3]["status"]?.intValue == 422)
        #expect(items[3]["error"]?["rule"]?.stringValue == "R-SCHEMA")
        #expect(items[4]["index"]?.intValue == 4)
    }

    @Test("a batch with nothing appended has the items' common status, else 422")
    func rejectedBatches() throws {
        let d = try DaemonFixture()
        var x = DaemonFixture.registration(serial: 300)
        x.signature[0] ^= 1
        var y = DaemonFixture.registration(serial: 301)
        y.signature[1] ^= 1
        let allSig = try d.post(.object(["batch": .array([x.json, y.json])]))
        #expect(allSig.status == 401)
        #expect(allSig.headers["www-authenticate"] == "HWL-Ed25519")
        let mixed = try d.post(.object(["batch": .array([x.json, DaemonFixture.registration(serial: 0, uscc: "91350203M0001QAY9B").json])]))
        #expect(mixed.status == 422)
    }
}
