import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

@Suite("Public reads: checkpoint, proofs, receipts, tiles, healthz, metrics", .serialized)
struct ReadTests {
    /// Appends `n` registrations over HTTP and returns their leaf hashes by index.
    func append(_ d: DaemonFixture, count n: Int, from serial: Int) throws -> [UInt64: Hash] {
        var leaves: [UInt64: Hash] = [:]
        let batch = (0..<n).map { DaemonFixture.registration(serial: serial + $0).json }
        let r = try d.post(.object(["batch": .array(batch)]))
        #expect(r.status == 201)
        for item in r.json?.arrayValue ?? [] {
            if let i = item["index"]?.intValue, let h = item["leafHash"]?.stringValue.flatMap(Hash.init(hex:)) { leaves[UInt64(i)] = h }
        }
        #expect(leaves.count == n)
        return leaves
    }

    @Test("inclusion proofs, consistency proofs and receipts verify against the signed /checkpoint")
    func proofsVerify() throws {
        let d = try DaemonFixture()
        let first = try d.checkpoint(atLeast: 3)
        let leaves = try append(d, count: 20, from: 1000)
        let signed = try d.checkpoint(atLeast: 23)
        let checkpointResponse = try d.request("GET", "/checkpoint")
        #expect(checkpointResponse.headers["content-type"] == "text/plain; charset=utf-8")
        let size = signed.checkpoint.size
        for (index, leaf) in leaves {
            let r = try d.request("GET", "/v1/proofs/inclusion?index=\(index)&size=\(size)")
            #expect(r.status == 200)
            let hashes = (r.json?["hashes"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Hash.init(base64:)) }
            try ProofVerifier.verifyInclusion(leaf: leaf, index: index, size: size, proof: hashes, root: signed.checkpoint.root)
            let receipt = try d.request("GET", "/v1/receipts/\(index)")
            #expect(receipt.status == 200)
            let proof = try TlogProof(verifying: receipt.body, keys: [TestKeys.operatorKey.verifier])
            try proof.verify(leaf: leaf)
        }
        let c = try d.request("GET", "/v1/proofs/consistency?from=\(first.checkpoint.size)&to=\(size)")
        #expect(c.status == 200)
        let hashes = (c.json?["hashes"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Hash.init(base64:)) }
        try ProofVerifier.verifyConsistency(
            oldSize: first.checkpoint.size, oldRoot: first.checkpoint.root, newSize: size, newRoot: signed.checkpoint.root, proof: hashes)
        let defaulted = try d.request("GET", "/v1/proofs/inclusion?index=0")
        #expect(defaulted.json?["size"]?.intValue == Int64(size))
    }

    @Test("bad proof queries are 400; a receipt beyond the checkpoint is 404", arguments: [
        "/v1/proofs/inclusion", "/v1/proofs/inclusion?index=x", "/v1/proofs/inclusion?index=-1", "/v1/proofs/inclusion?index=01",
        "/v1/proofs/inclusion?index=999", "/v1/proofs/inclusion?index=0&size=999", "/v1/proofs/consistency?from=0",
        "/v1/proofs/consistency?from=3&to=2",
    ])
    func badQueries(path: String) throws {
        let d = try DaemonFixture()
        _ = try d.checkpoint(atLeast: 3)
        let r = try d.request("GET", path)
        #expect(r.status == 400, "\(path)")
        #expect(r.rule == "USAGE")
        let receipt = try d.request("GET", "/v1/receipts/999")
        #expect(receipt.status == 404)
        #expect(receipt.rule == "R-NOT-FOUND")
    }

    @Test("level-0 and level-1 hash tiles hold the stored node hashes, up to the signed checkpoint only")
    func tiles() throws {
        let d = try DaemonFixture()
        var leaves = try append(d, count: 300, from: 2000)
        let signed = try d.checkpoint(atLeast: 303)
        let size = signed.checkpoint.size
        #expect(size == 303)
        // Leaves 0…2 were appended through the facade; read their hashes from the store.
        for i in 0..<UInt64(3) { leaves[i] = try d.store.read { try $0.nodeHash(NodeID(level: 0, index: i)) } }
        let full = try d.request("GET", "/tile/0/000")
        #expect(full.status == 200)
        #expect(full.body.count == 256 * 32)
        for i in 0..<256 { #expect(Array(full.body[(i * 32)..<(i * 32 + 32)]) == leaves[UInt64(i)]!.bytes, "leaf \(i)") }
        let partial = try d.request("GET", "/tile/0/001.p/47")
        #expect(partial.status == 200)
        #expect(partial.body.count == 47 * 32)
        #expect(Array(partial.body.suffix(32)) == leaves[302]!.bytes)
        // Level 1 holds level-8 nodes: node 0 is the root of the first 256 leaves.
        let level1 = try d.request("GET", "/tile/1/000.p/1")
        #expect(level1.status == 200)
        var hashes = (0..<256).map { leaves[UInt64($0)]! }
        while hashes.count > 1 { hashes = stride(from: 0, to: hashes.count, by: 2).map { TreeHasher.nodeHash(hashes[$0], hashes[$0 + 1]) } }
        #expect(level1.body == hashes[0].bytes)
        for path in ["/tile/0/001", "/tile/0/001.p/48", "/tile/1/000", "/tile/0/x000/000", "/tile/0/0", "/tile/0/000.p/0", "/tile/8/000"] {
            #expect(try d.request("GET", path).status == 404, "\(path)")
        }
        let entries = try d.request("GET", "/tile/entries/000")
        #expect(entries.status == 401)
        let signedEntries = try d.get("/tile/entries/000", signedBy: TestKeys.operatorKey)
        #expect(signedEntries.status == 404)
    }

    @Test("/healthz reports status, reasons, sizes and the verifier's result; /metrics has HELP and TYPE for every metric")
    func health() throws {
        let d = try DaemonFixture()
        _ = try append(d, count: 3, from: 3000)
        _ = try d.checkpoint(atLeast: 6)
        let deadline = Date().addingTimeInterval(10)
        var json: JSONValue?
        repeat {
            json = try d.request("GET", "/healthz").json
            if json?["verify"]?["size"]?.intValue == 6 { break }
            Thread.sleep(forTimeInterval: 0.2)
        } while Date() < deadline
        #expect(json?["treeSize"]?.intValue == 6)
        #expect(json?["checkpointSize"]?.intValue == 6)
        #expect(json?["verify"]?["ok"] == .bool(true))
        // The bundled holiday calendar ends with 2026: from 60 days before its end the daemon warns (issues 14, 23) —
        // a warning, listed under `warnings` with its Chinese sentence and what to do, that leaves the status ok.
        let today = UTCInstant(seconds: Int64(Date().timeIntervalSince1970)).shanghaiDate
        let calendarShort = today.adding(days: ReferenceStatus.healthMarginDays).year > 2026
        #expect(json?["status"]?.stringValue == "ok")
        #expect(json?["reasons"]?.arrayValue?.isEmpty == true, "\(String(describing: json))")
        let warnings = json?["warnings"]?.arrayValue ?? []
        #expect(warnings.compactMap { $0["code"]?.stringValue } == (calendarShort ? ["calendar-coverage"] : []))
        if let w = warnings.first {
            #expect(w["severity"]?.stringValue == "warning")
            #expect(w["messageZh"]?.stringValue?.hasPrefix("节假日日历即将到期") == true)
            #expect(w["actionZh"]?.stringValue?.isEmpty == false)
            #expect(w["since"]?.stringValue != nil)
        }
        #expect(json?["verify"]?["entriesChecked"]?.intValue ?? 0 >= 6)
        _ = try d.post(.object(["submission": .object([:]), "sig": ""]))
        let metrics = try d.request("GET", "/metrics").text
        for name in ["hwledger_appends_total 3", "hwledger_http_request_duration_seconds_bucket", "hwledger_last_verify_ok 1",
                     "hwledger_last_verify_timestamp_seconds", "hwledger_tree_size 6", "hwledger_checkpoint_age_seconds",
                     "hwledger_writer_queue_depth 0", "hwledger_verified_size 6", "hwledger_health_status{status=\"ok\"} 1",
                     "hwledger_rejections_total{rule=\"R-SCHEMA\"} 1"] {
            #expect(metrics.contains(name), "\(name)")
        }
        let lines = metrics.split(separator: "\n")
        let typed = Set(lines.filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] })
        let helped = Set(lines.filter { $0.hasPrefix("# HELP ") }.map { $0.split(separator: " ")[2] })
        #expect(typed.count >= 12)
        #expect(typed.subtracting(helped).isEmpty, "metrics without # HELP: \(typed.subtracting(helped).sorted())")
        for name in typed { #expect(name.hasPrefix("hwledger_"), "\(name)") }
    }

    @Test("appends made by another writer (the CLI's path) are checkpointed within the interval")
    func checkpointsOtherWriters() throws {
        let d = try DaemonFixture()
        _ = try d.checkpoint(atLeast: 3)
        try d.test.submit("enterprise.registered", actor: "REG-510000", key: TestKeys.sichuan, body: [
            "uscc": .string(TestKeys.uscc(serial: 4000)), "name": "外部写入", "division": "510100", "roles": ["generator"],
        ])
        let signed = try d.checkpoint(atLeast: 4, timeout: 5)
        #expect(signed.checkpoint.size == 4)
    }
}

@Suite("HTTP as clients expect it: HEAD, 405 with Allow, 415, the auth scheme's case")
struct HTTPMethodTests {
    @Test("HEAD on GET resources answers the GET's status and headers without a body; another method on a served path is 405 with Allow; an unserved path stays 404")
    func headAndMethods() throws {
        let d = try DaemonFixture()
        _ = try d.checkpoint(atLeast: 3)
        for path in ["/checkpoint", "/healthz", "/metrics", "/v1/receipts/1", "/tile/0/000.p/3"] {
            let head = try Run.executable("/usr/bin/curl", ["-sS", "-I", "--max-time", "5", "http://127.0.0.1:\(d.port)\(path)"])
            let get = try d.request("GET", path)
            #expect(head.stdout.hasPrefix("HTTP/1.1 \(get.status)"), "\(path): \(head.stdout) \(head.stderr)")
            // /metrics changes between the two requests (the HEAD is itself counted).
            if path != "/metrics" { #expect(head.stdout.lowercased().contains("content-length: \(get.body.count)"), "\(path): \(head.stdout)") }
        }
        #expect(try d.request("GET", "/checkpoint").headers["cache-control"] == "public, max-age=2")
        #expect(try d.request("GET", "/tile/0/000.p/3").headers["cache-control"] == "public, max-age=31536000, immutable")
        let delete = try d.request("DELETE", "/checkpoint")
        #expect(delete.status == 405)
        #expect(delete.headers["allow"] == "GET, HEAD", "\(delete.headers)")
        #expect(delete.rule == "METHOD-NOT-ALLOWED")
        let get = try d.request("GET", "/v1/submissions")
        #expect(get.status == 405)
        #expect(get.headers["allow"] == "POST")
        #expect(try d.request("DELETE", "/no/such/path").status == 404)
    }

    @Test("a POST that is not application/json is 415 and appends nothing; the HWL-Ed25519 scheme name is case-insensitive; a short sig is 401 R-SIG")
    func mediaTypeAuthAndSig() throws {
        let d = try DaemonFixture()
        _ = try d.checkpoint(atLeast: 3)
        let body = DaemonFixture.registration(serial: 8100).json.canonicalBytes
        let plain = try d.request("POST", "/v1/submissions", headers: [("Content-Type", "text/plain")], body: body)
        #expect(plain.status == 415)
        #expect(plain.rule == "UNSUPPORTED-MEDIA-TYPE")
        #expect(try d.cliTreeSize() == 3)
        let target = "/v1/entries/0"
        let header = DaemonFixture.authorization(key: TestKeys.operatorKey, method: "GET", target: target, time: Int64(Date().timeIntervalSince1970))
        for scheme in ["hwl-ed25519", "HWL-ED25519"] {
            let lowered = scheme + header.dropFirst("HWL-Ed25519".count)
            #expect(try d.request("GET", target, headers: [("Authorization", lowered)]).status == 200, "\(scheme)")
        }
        guard case .object(var o) = DaemonFixture.registration(serial: 8101).json else { throw TestFailure("not an object") }
        for sig in ["", "AAAA"] {
            o["sig"] = .string(sig)
            let r = try d.post(.object(o))
            #expect(r.status == 401, "sig \(sig.debugDescription): \(r.text)")
            #expect(r.rule == "R-SIG")
        }
    }
}

extension HTTPMethodTests {
    @Test("Expect: 100-continue: a declared body above the route's limit is 413 before a byte of it is sent; an acceptable one gets 100 Continue at once, then its answer on the same connection")
    func expectContinue() throws {
        let d = try DaemonFixture()
        _ = try d.checkpoint(atLeast: 3)
        func head(_ path: String, length: Int) -> [UInt8] {
            Array("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(length)\r\nExpect: 100-continue\r\n\r\n".utf8)
        }
        // Only the heads are sent: without an answer before the body each read would wait out its timeout and fail.
        for (path, length, limit) in [("/v1/submissions", 1_048_577, 1_048_576), ("/v1/checks", 50_000_000, 1_048_576), ("/v1/session/challenge", 4097, 4096)] {
            let c = try WireConnection(port: d.port, timeoutSeconds: 10)
            try c.send(head(path, length: length))
            let refused = try c.readResponse()
            #expect(refused.status == 413 && refused.rule == "TOO-LARGE", "\(path): \(refused.status) \(refused.text)")
            #expect(refused.text.contains("exceeds \(limit) bytes") && refused.headers["connection"] == "close", "\(path): \(refused.headers)")
            #expect(throws: WireError.self, "\(path): the connection is closed after the 413") { try c.readResponse() }
        }
        #expect(try d.cliTreeSize() == 3)
        let metrics = try d.request("GET", "/metrics").text
        #expect(metrics.contains(#"hwledger_rejections_total{rule="TOO-LARGE"} 1"#), "the refused submission is counted once")

        let body = DaemonFixture.registration(serial: 8200).json.canonicalBytes
        let c = try WireConnection(port: d.port, timeoutSeconds: 10)
        try c.send(head("/v1/submissions", length: body.count))
        let interim = try c.readResponse()
        #expect(interim.status == 100 && interim.body.isEmpty, "\(interim.status) \(interim.text)")
        try c.send(body)
        let created = try c.readResponse()
        #expect(created.status == 201, "\(created.status) \(created.text)")
        #expect(try c.request("GET", "/healthz").status == 200, "the connection goes on after the exchange")
        #expect(try d.cliTreeSize() == 4)
    }
}

extension DaemonFixture {
    /// Entries in the log, read from the file.
    func cliTreeSize() throws -> UInt64 { try store.read { try $0.treeSize() } }
}
