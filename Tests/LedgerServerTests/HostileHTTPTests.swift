import Foundation
import LedgerCore
import LedgerHTTPClient
import LedgerTestSupport
import Testing
import TransferLedger
import TransferRules

/// How the daemon must answer one hostile body (SPEC §4.2).
enum HTTPExpectation: Sendable, Equatable {
    /// Not well-formed JSON, or not one of the two wrappers: 400 MALFORMED.
    case malformed
    /// Judged and rejected with one of these rules: 401 (R-SIG), 409 (R-NONCE), else 422.
    case rule(Set<RuleID>)
    /// A body over 1,048,576 bytes: 413.
    case tooLarge
    /// A Content-Type other than application/json: 415.
    case unsupportedMediaType

    /// The status SPEC §4.2 gives a rejection by `rule`, written here independently of the server's mapping.
    static func status(for rule: RuleID) -> Int {
        switch rule {
        case .signature: 401
        case .nonce: 409
        default: 422
        }
    }
}

/// One hostile request.
struct HTTPCase: Sendable, CustomStringConvertible {
    var group: String
    var detail: String
    var body: [UInt8]
    var expected: HTTPExpectation
    var contentType: String? = "application/json"
    /// Extra raw head lines instead of a `Content-Length` body (chunked, declared lengths).
    var rawHead: String? = nil

    var description: String { "[\(group)] \(detail)" }
}

/// The hostile corpus state on a ledger served by `hwledgerd`: the standard parties and the corpus setup are
/// submitted over HTTP as batches.
final class HostileDaemonLedger: @unchecked Sendable {
    let ledger: DaemonLedger
    let daemon: DaemonProcess
    let corpus: HostileCorpus
    var port: Int { daemon.port }

    init() throws {
        ledger = try DaemonLedger()
        daemon = try ledger.startDaemon()
        let port = daemon.port
        func run(_ items: [SignedSubmission]) throws -> [[String: JSONValue]?] {
            let body = CanonicalJSON.encode(.object(["batch": .array(items.map(\.json))]))
            let r = try WireConnection(port: port).request("POST", "/v1/submissions", headers: [("Content-Type", "application/json")], body: body)
            guard case .array(let results)? = r.json else { throw TestFailure("setup batch answered \(r.status): \(r.text)") }
            return results.map { v -> [String: JSONValue]? in v["index"] == nil ? nil : (v["assigned"]?.objectValue ?? [:]) }
        }
        let parties = HostileCorpus.partySetup.enumerated().map { HostileCorpus.sign($1, nonceTag: "party-\($0)") }
        guard try run(parties).allSatisfy({ $0 != nil }) else { throw TestFailure("party setup rejected") }
        corpus = try HostileCorpus(run: run)
    }

    deinit { _ = daemon.stop(timeout: 10) }

    /// Sends one case on a new connection (a 10 s read deadline: a hang is an error).
    func send(_ c: HTTPCase) throws -> WireResponse {
        let connection = try WireConnection(port: port, timeoutSeconds: 10)
        if let rawHead = c.rawHead {
            try connection.send(Array("POST /v1/submissions HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\(rawHead)\r\n".utf8) + c.body)
            return try connection.readResponse()
        }
        var headers: [(String, String)] = []
        if let t = c.contentType { headers.append(("Content-Type", t)) }
        return try connection.request("POST", "/v1/submissions", headers: headers, body: c.body)
    }

    /// What identifies the log: the daemon's settled checkpoint (size, root) and every entry's bytes.
    func fingerprint() throws -> (size: UInt64, root: String, entries: [[UInt8]]) {
        let (size, root) = try DaemonProbe.settledCheckpoint(port: port)
        return (size, root, try ledger.entries())
    }
}

extension JSONValue {
    /// Nesting depth as the parser counts it (an object or array opens a level).
    var nestingDepth: Int {
        switch self {
        case .object(let o): 1 + (o.values.map(\.nestingDepth).max() ?? 0)
        case .array(let a): 1 + (a.map(\.nestingDepth).max() ?? 0)
        default: 0
        }
    }
}

/// GitHub issue 6 through HTTP: the hostile corpus and raw-body mutations POSTed to the real `hwledgerd`
/// (SPEC §4.2, §4.3). Every answer is the SPEC's 4xx with `{"error":{"rule","message"}}`, the daemon never dies or
/// hangs (`/healthz` stays 200), and the log is unchanged (checkpoint size and root, `hwledger entries`).
@Suite("Hostile input through POST /v1/submissions", .serialized)
struct HostileHTTPTests {
    static let fakeSig = Base64.encode([UInt8](repeating: 7, count: 64))
    static let maxItemsBytes = 900_000

    /// The corpus as HTTP bodies: signed lines as they are, event lines signed by the test (with their own nonce),
    /// malformed event lines wrapped in `{"submission":…,"sig":…}` and also sent bare, library-only values encoded.
    static func corpusCases(_ corpus: HostileCorpus) -> (cases: [HTTPCase], batchable: [(JSONValue, HTTPCase)]) {
        var cases: [HTTPCase] = []
        var batchable: [(JSONValue, HTTPCase)] = []
        let variants = corpus.variants() + corpus.directVariants() + corpus.categoryKeyVariants()
        func expectation(_ e: HostileExpectation) -> HTTPExpectation {
            switch e {
            case .malformed: .malformed
            case .rule(let r): .rule(r)
            }
        }
        for (i, v) in variants.enumerated() {
            let group = "corpus " + v.kind
            switch v.payload {
            case .signedLine(let bytes):
                // A wrapper with other keys than {submission, sig} is 400 as a body (SPEC §4.2), R-SCHEMA as a batch item.
                guard let value = try? CanonicalJSON.decode(bytes), case .object(let o) = value else {
                    cases.append(HTTPCase(group: group, detail: v.description, body: bytes, expected: .malformed))
                    continue
                }
                let wrapper = Set(o.keys) == ["submission", "sig"]
                let c = HTTPCase(group: group, detail: v.description, body: bytes, expected: wrapper ? expectation(v.expected) : .malformed)
                cases.append(c)
                batchable.append((value, HTTPCase(group: group, detail: v.description, body: [], expected: wrapper ? expectation(v.expected) : .rule([.schema]))))
            case .eventLine(let bytes, let signer):
                switch v.expected {
                case .malformed:
                    let wrapped = Array("{\"submission\":".utf8) + bytes + Array(",\"sig\":\"\(fakeSig)\"}".utf8)
                    if (try? CanonicalJSON.decode(wrapped)) == nil {
                        cases.append(HTTPCase(group: group, detail: v.description + " (wrapped)", body: wrapped, expected: .malformed))
                    }
                    cases.append(HTTPCase(group: group, detail: v.description + " (bare body)", body: bytes, expected: .malformed))
                case .rule(let rules):
                    guard let value = try? CanonicalJSON.decode(bytes) else {
                        cases.append(HTTPCase(group: group, detail: v.description + " (undecodable, expected \(rules))", body: bytes, expected: .malformed))
                        continue
                    }
                    let submission: JSONValue
                    let signature: [UInt8]
                    var expected: HTTPExpectation = .rule(rules)
                    let key = HostileParty.key(signer)
                    if let event = try? UnsignedEvent(json: value) {
                        let s = event.signed(with: key, at: HostileCorpus.signedAt, nonce: HostileCorpus.nonce("http-\(i)"))
                        submission = s.submission.json
                        signature = s.signature
                    } else {
                        // The envelope itself is broken: it becomes the submission as it stands, with the signer's keyId,
                        // a nonce and signedAt added where absent, signed over its canonical bytes.
                        var sub = value
                        if case .object(var o) = value {
                            o["keyId"] = o["keyId"] ?? .string(key.verifier.keyIDHex)
                            o["nonce"] = o["nonce"] ?? .string(Hex.encode(HostileCorpus.nonce("http-\(i)")))
                            o["signedAt"] = o["signedAt"] ?? .string(HostileCorpus.signedAt.description)
                            sub = .object(o)
                        }
                        // A clerk's stray field that happens to make a well-formed submission is no longer hostile here.
                        if (try? Submission(json: sub)) != nil { continue }
                        submission = sub
                        signature = key.sign(Submission.signaturePrefix + CanonicalJSON.encode(sub))
                        expected = .rule([.schema])
                    }
                    let wrapper: JSONValue = .object(["submission": submission, "sig": .string(Base64.encode(signature))])
                    // Nesting is counted over the whole body: the wrapper adds two levels to an event line's.
                    if wrapper.nestingDepth > CanonicalJSON.maxDepth { expected = .malformed }
                    let c = HTTPCase(group: group, detail: v.description, body: CanonicalJSON.encode(wrapper), expected: expected)
                    cases.append(c)
                    if expected != .malformed { batchable.append((wrapper, c)) }
                }
            case .direct(let s):
                // Integers of 2^53 and beyond and nesting over 32 levels: as text the parser refuses them.
                cases.append(HTTPCase(group: "corpus " + v.kind, detail: v.description, body: CanonicalJSON.encode(s.json), expected: .malformed))
            }
        }
        return (cases, batchable)
    }

    /// Byte-level mutations of whole bodies: wrappers, invalid UTF-8, truncation, nesting, duplicate keys, numbers,
    /// sizes, Content-Type.
    static func rawCases(_ corpus: HostileCorpus, rng: inout SplitMix64) -> [HTTPCase] {
        var out: [HTTPCase] = []
        // A good submission that is never sent whole, and one with a broken signature.
        let good = HostileCorpus.sign(corpus.base("enterprise.registered"), nonceTag: "raw-good")
        let goodSub = CanonicalJSON.encode(good.submission.json)
        let goodBody = CanonicalJSON.encode(good.json)
        var forged = good
        forged.signature[3] ^= 0x10
        let forgedBody = CanonicalJSON.encode(forged.json)
        let sig = "\"" + Base64.encode(good.signature) + "\""
        func add(_ group: String, _ detail: String, _ body: [UInt8], _ e: HTTPExpectation = .malformed, contentType: String? = "application/json") {
            out.append(HTTPCase(group: group, detail: detail, body: body, expected: e, contentType: contentType))
        }
        func text(_ s: String) -> [UInt8] { Array(s.utf8) }

        // Wrappers.
        for (d, b) in [
            ("empty body", ""), ("whitespace only", "  \n"), ("null", "null"), ("an array of submissions", "[" + String(decoding: goodBody, as: UTF8.self) + "]"),
            ("a string", "\"submission\""), ("a number", "42"), ("{}", "{}"),
            ("submission without sig", "{\"submission\":" + String(decoding: goodSub, as: UTF8.self) + "}"),
            ("sig without submission", "{\"sig\":" + sig + "}"),
            ("submission, sig and batch", "{\"batch\":[" + String(decoding: goodBody, as: UTF8.self) + "],\"sig\":" + sig + ",\"submission\":" + String(decoding: goodSub, as: UTF8.self) + "}"),
            ("submission, sig and an extra field", "{\"sig\":" + sig + ",\"submission\":" + String(decoding: goodSub, as: UTF8.self) + ",\"zz\":1}"),
            ("Submission capitalised", "{\"Submission\":" + String(decoding: goodSub, as: UTF8.self) + ",\"sig\":" + sig + "}"),
            ("submissions (plural)", "{\"submissions\":[" + String(decoding: goodBody, as: UTF8.self) + "]}"),
            ("empty batch", "{\"batch\":[]}"), ("batch an object", "{\"batch\":{}}"), ("batch null", "{\"batch\":null}"),
            ("batch a string", "{\"batch\":\"x\"}"), ("batch with an extra field", "{\"batch\":[" + String(decoding: goodBody, as: UTF8.self) + "],\"x\":1}"),
            ("Batch capitalised", "{\"Batch\":[" + String(decoding: goodBody, as: UTF8.self) + "]}"),
        ] {
            add("wrong wrapper", d, text(b))
        }
        // Invalid UTF-8 and Unicode in the wrapper.
        add("invalid UTF-8", "FF FE", [0xFF, 0xFE])
        add("invalid UTF-8", "UTF-16LE body", Array(String(decoding: goodBody, as: UTF8.self).utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
        add("invalid UTF-8", "byte FF inside the sig string", text("{\"sig\":\"") + [0xFF] + text(String(Base64.encode(good.signature).dropFirst()) + "\",\"submission\":") + goodSub + text("}"))
        add("invalid UTF-8", "overlong '\"' (C0 A2) in a key", text("{\"sig") + [0xC0, 0xA2] + text(":" + sig + ",\"submission\":") + goodSub + text("}"))
        add("invalid UTF-8", "lone surrogate escape in a key", text("{\"sig\\ud800\":" + sig + ",\"submission\":") + goodSub + text("}"))
        add("invalid UTF-8", "NUL byte before the body", [0] + goodBody)
        add("invalid UTF-8", "encoded surrogate in the body", Array(goodBody.prefix(20)) + [0xED, 0xB0, 0x80] + Array(goodBody.dropFirst(20)))
        // Truncation of a valid body at seeded points (the whole body is never sent).
        for _ in 0..<10 {
            let cut = Int.random(in: 1..<goodBody.count, using: &rng)
            add("truncation", "good body cut at byte \(cut) of \(goodBody.count)", Array(goodBody.prefix(cut)))
        }
        add("truncation", "good body without its last byte", Array(goodBody.dropLast()))
        add("trailing data", "two bodies back to back", goodBody + goodBody)
        add("trailing data", "garbage after the body", goodBody + text(" x"))
        // Deep nesting.
        for depth in [33, 100, 10_000, 100_000] {
            add("deep nesting", "\(depth) nested arrays as the body", text(String(repeating: "[", count: depth) + String(repeating: "]", count: depth)))
            add("deep nesting", "\(depth) nested arrays as the batch", text("{\"batch\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"))
        }
        add("deep nesting", "1,000,000 unclosed arrays", [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000))
        add("deep nesting", "50,000 nested objects", text(String(repeating: "{\"a\":", count: 50_000) + "1" + String(repeating: "}", count: 50_000)))
        add("deep nesting", "40 nested objects as the submission", text("{\"sig\":" + sig + ",\"submission\":" + String(repeating: "{\"a\":", count: 40) + "1" + String(repeating: "}", count: 40) + "}"))
        // Duplicate keys.
        add("duplicate key", "submission twice", text("{\"sig\":" + sig + ",\"submission\":") + goodSub + text(",\"submission\":") + goodSub + text("}"))
        add("duplicate key", "sig twice", text("{\"sig\":" + sig + ",\"sig\":" + sig + ",\"submission\":") + goodSub + text("}"))
        add("duplicate key", "batch twice", text("{\"batch\":[") + goodBody + text("],\"batch\":[") + goodBody + text("]}"))
        add("duplicate key", "submission.actor twice", text("{\"sig\":" + sig + ",\"submission\":{\"actor\":\"REG-500000\",") + Array(goodSub.dropFirst()) + text("}"))
        // Huge and non-integer numbers.
        for n in ["1e999999", "123456789012345678901234567890", "9007199254740993", "-9007199254740993", "1.0", "1E2", "-", "0x10", "NaN", "01",
                  String(repeating: "9", count: 500_000)] {
            add("huge number", "batch item \(n.prefix(40))\(n.count > 40 ? "… (\(n.count) digits)" : "")", text("{\"batch\":[" + n + "]}"))
        }
        add("huge number", "sig = 1e400", text("{\"sig\":1e400,\"submission\":") + goodSub + text("}"))
        // Sizes.
        let pad = 1_048_577 - goodBody.count
        add("oversize", "1,048,577 bytes: a good body padded with spaces", goodBody + [UInt8](repeating: 0x20, count: pad), .tooLarge)
        add("oversize", "1,048,577 bytes: a batch of one huge string", text("{\"batch\":[\"" + String(repeating: "a", count: 1_048_577 - 14) + "\"]}"), .tooLarge)
        add("oversize", "2 MiB of '['", [UInt8](repeating: UInt8(ascii: "["), count: 2 * 1_048_576), .tooLarge)
        var chunked: [UInt8] = []
        for _ in 0..<33 { chunked += text(String(32_768, radix: 16) + "\r\n") + [UInt8](repeating: 0x20, count: 32_768) + text("\r\n") }
        chunked += text("0\r\n\r\n")
        out.append(HTTPCase(group: "oversize", detail: "1,081,344 bytes chunked, no Content-Length", body: chunked, expected: .tooLarge,
                            rawHead: "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"))
        out.append(HTTPCase(group: "oversize", detail: "declared Content-Length 100,000,000, nothing sent", body: [], expected: .tooLarge,
                            rawHead: "Content-Type: application/json\r\nContent-Length: 100000000\r\n"))
        // Content-Type: anything but application/json (parameters aside) is 415 before the body is judged.
        for type in [nil, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"] {
            let t = type ?? "none"
            add("content type", "\(t): forged signature", forgedBody, .unsupportedMediaType, contentType: type)
            add("content type", "\(t): not JSON", text("submission=1&sig=2"), .unsupportedMediaType, contentType: type)
        }
        for type in ["application/json; charset=latin1", "Application/JSON"] {
            add("content type", "\(type): forged signature", forgedBody, .rule([.signature]), contentType: type)
            add("content type", "\(type): truncated", Array(goodBody.prefix(goodBody.count / 2)), contentType: type)
        }
        return out
    }

    /// Checks one answer; nil when it holds.
    static func problem(_ c: HTTPCase, _ r: WireResponse) -> String? {
        let expectedStatus: Int
        switch c.expected {
        case .malformed: expectedStatus = 400
        case .tooLarge: expectedStatus = 413
        case .unsupportedMediaType: expectedStatus = 415
        case .rule(let rules):
            guard let rule = r.rule, let id = RuleID(rawValue: rule), rules.contains(id) else {
                return "\(c): \(r.status) \(r.text.prefix(300)), expected a rule in \(rules.map(\.rawValue).sorted())"
            }
            expectedStatus = HTTPExpectation.status(for: id)
        }
        guard r.status == expectedStatus else { return "\(c): status \(r.status), expected \(expectedStatus): \(r.text.prefix(300))" }
        // A replay of an appended submission also carries the original {"index","leafHash","assigned"} (issue 9).
        let topKeys: Set<Set<String>> = r.status == 409 ? [["error"], ["error", "index", "leafHash"], ["error", "index", "leafHash", "assigned"]] : [["error"]]
        guard r.headers["content-type"] == "application/json", case .object(let top)? = r.json, topKeys.contains(Set(top.keys)),
            case .object(let error)? = top["error"], Set(error.keys) == ["rule", "message", "messageZh"],
            let rule = error["rule"]?.stringValue, !rule.isEmpty, let message = error["message"]?.stringValue, !message.isEmpty,
            error["messageZh"]?.stringValue == RuleMessagesZh.message(id: rule, detail: message)
        else { return "\(c): not the {\"error\":{\"rule\",\"message\",\"messageZh\"}} envelope: \(r.headers["content-type"] ?? "-") \(r.text.prefix(300))" }
        if c.expected == .malformed, rule != "MALFORMED" { return "\(c): rule \(rule), expected MALFORMED" }
        if expectedStatus == 401, r.headers["www-authenticate"] != "HWL-Ed25519" { return "\(c): 401 without WWW-Authenticate: HWL-Ed25519" }
        return nil
    }

    @Test("≥ 150 hostile bodies, one POST each, are answered with the SPEC's 4xx and envelope; the daemon stays healthy and the log unchanged")
    func oneByOne() throws {
        let d = try HostileDaemonLedger()
        var rng = SplitMix64(seed: 6)
        let (corpusCases, _) = Self.corpusCases(d.corpus)
        let cases = corpusCases + Self.rawCases(d.corpus, rng: &rng)
        #expect(cases.count >= 150)
        let before = try d.fingerprint()
        var problems: [String] = []
        var tally: [Int: Int] = [:]
        var healthChecks = 0
        let started = Date()
        for (i, c) in cases.enumerated() {
            do {
                let r = try d.send(c)
                tally[r.status, default: 0] += 1
                if let p = Self.problem(c, r) { problems.append(p) }
            } catch {
                problems.append("\(c): no answer (\(error)); daemon running: \(d.daemon.process.isRunning)")
                if !d.daemon.process.isRunning { break }
            }
            if i % 25 == 24 {
                healthChecks += 1
                let h = DaemonProbe.health(port: d.port)
                if h?.status != 200 { problems.append("after \(c): /healthz \(h.map { "\($0.status) \($0.text)" } ?? "no answer")") }
            }
        }
        let seconds = Date().timeIntervalSince(started)
        let h = DaemonProbe.health(port: d.port)
        #expect(d.daemon.process.isRunning, "the daemon died; stderr:\n\(d.daemon.stderr.suffix(2000))")
        #expect(h?.status == 200, "/healthz after the corpus: \(h.map { "\($0.status) \($0.text)" } ?? "no answer")")
        let after = try d.fingerprint()
        #expect(after.size == before.size && after.root == before.root, "checkpoint moved from \(before.size) \(before.root) to \(after.size) \(after.root)")
        #expect(after.entries == before.entries, "hwledger entries changed")
        let groups = Dictionary(grouping: cases, by: \.group).mapValues(\.count).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        print("hostile HTTP (one POST each): \(cases.count) bodies in \(String(format: "%.1f", seconds)) s, \(healthChecks + 1) health checks; statuses \(tally.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " "))")
        print("hostile HTTP groups: " + groups.joined(separator: "; "))
        let report = problems.prefix(60).joined(separator: "\n")
        #expect(problems.isEmpty, "\(problems.count) answers broke the contract:\n\(report)")
        let verify = try d.ledger.verify()
        #expect(verify.status == 0 && !verify.timedOut, "verify: \(verify.stderr)")
    }

    @Test("the corpus in batches: each item gets its status and rule in input order; a batch that appends nothing has the common status, else 422; a mixed batch appends exactly its good items")
    func batches() throws {
        let d = try HostileDaemonLedger()
        let (_, batchable) = Self.corpusCases(d.corpus)
        let before = try d.fingerprint()
        var problems: [String] = []
        var judged = 0
        // Chunks under the body limit.
        var chunks: [[(JSONValue, HTTPCase)]] = [[]]
        var size = 0
        for item in batchable {
            let n = CanonicalJSON.encode(item.0).count + 1
            if size + n > Self.maxItemsBytes, !chunks[chunks.count - 1].isEmpty {
                chunks.append([])
                size = 0
            }
            chunks[chunks.count - 1].append(item)
            size += n
        }
        // Plus one batch of R-SIG items only and one of R-NONCE items only (their common status).
        let sigOnly = batchable.filter { $0.1.expected == .rule([.signature]) }
        let nonceOnly = batchable.filter { $0.1.expected == .rule([.nonce]) }
        chunks.append(sigOnly)
        chunks.append(nonceOnly)
        var batchStatuses: [Int: Int] = [:]
        for chunk in chunks where !chunk.isEmpty {
            let body = CanonicalJSON.encode(.object(["batch": .array(chunk.map(\.0))]))
            let r: WireResponse
            do { r = try d.send(HTTPCase(group: "batch", detail: "\(chunk.count) items", body: body, expected: .malformed)) } catch {
                problems.append("batch of \(chunk.count): no answer (\(error))")
                continue
            }
            batchStatuses[r.status, default: 0] += 1
            guard case .array(let items)? = r.json, items.count == chunk.count else {
                problems.append("batch of \(chunk.count): \(r.status) \(r.text.prefix(300))")
                continue
            }
            var statuses = Set<Int>()
            for (i, (item, (_, c))) in zip(items, chunk).enumerated() {
                judged += 1
                guard case .rule(let rules) = c.expected, item["item"]?.intValue == Int64(i), let status = item["status"]?.intValue,
                    let rule = item["error"]?["rule"]?.stringValue, let id = RuleID(rawValue: rule), rules.contains(id),
                    status == Int64(HTTPExpectation.status(for: id)), !(item["error"]?["message"]?.stringValue ?? "").isEmpty
                else {
                    problems.append("\(c) as batch item \(i): \(item.canonicalString.prefix(300))")
                    continue
                }
                statuses.insert(Int(status))
            }
            let expected = statuses.count == 1 ? statuses.first! : 422
            if r.status != expected { problems.append("batch of \(chunk.count): status \(r.status), expected \(expected) (items: \(statuses.sorted()))") }
            if r.status == 401, r.headers["www-authenticate"] != "HWL-Ed25519" { problems.append("batch 401 without WWW-Authenticate") }
        }
        #expect(judged >= 300)
        #expect(DaemonProbe.health(port: d.port)?.status == 200)
        let after = try d.fingerprint()
        #expect(after.size == before.size && after.root == before.root, "checkpoint moved from \(before.size) to \(after.size)")
        #expect(after.entries == before.entries, "hwledger entries changed")

        // A batch mixing good and bad items: only the good ones are appended, in input order, after the old log.
        let goods = HostileCorpus.kinds.prefix(3).map { HostileCorpus.sign(d.corpus.base($0), nonceTag: "mixed-good-\($0)") }
        let bads = Array(batchable.filter { $0.1.expected != .rule([.nonce]) }.prefix(6))
        let mixed: [(JSONValue, HTTPExpectation?)] = [
            (goods[0].json, nil), (bads[0].0, bads[0].1.expected), (bads[1].0, bads[1].1.expected), (goods[1].json, nil),
            (goods[0].json, .rule([.nonce])), (.string("not a submission"), .rule([.schema])), (bads[2].0, bads[2].1.expected), (goods[2].json, nil),
        ]
        let r = try d.send(HTTPCase(group: "batch", detail: "mixed", body: CanonicalJSON.encode(.object(["batch": .array(mixed.map(\.0))])), expected: .malformed))
        #expect(r.status == 201, "\(r.text.prefix(500))")
        var appended: [(Int64, String)] = []
        if case .array(let items)? = r.json, items.count == mixed.count {
            for (i, (item, (_, e))) in zip(items, mixed).enumerated() {
                if let e {
                    guard case .rule(let rules) = e, item["item"]?.intValue == Int64(i), let rule = item["error"]?["rule"]?.stringValue,
                        let id = RuleID(rawValue: rule), rules.contains(id), item["status"]?.intValue == Int64(HTTPExpectation.status(for: id))
                    else { problems.append("mixed batch item \(i): \(item.canonicalString.prefix(300))"); continue }
                } else if let index = item["index"]?.intValue, let leaf = item["leafHash"]?.stringValue {
                    appended.append((index, leaf))
                } else {
                    problems.append("mixed batch good item \(i): \(item.canonicalString.prefix(300))")
                }
            }
        } else {
            problems.append("mixed batch: \(r.text.prefix(500))")
        }
        let final = try d.ledger.entries()
        #expect(appended.map(\.0) == (0..<3).map { Int64(before.entries.count + $0) }, "indexes \(appended.map(\.0))")
        #expect(Array(final.prefix(before.entries.count)) == before.entries, "the old log changed")
        #expect(final.count == before.entries.count + 3, "\(final.count - before.entries.count) entries appended, expected 3")
        for (index, leaf) in appended where Int(index) < final.count {
            #expect(TreeHasher.leafHash(final[Int(index)]).hex == leaf)
        }
        print("hostile HTTP (batches): \(judged) items judged in \(chunks.filter { !$0.isEmpty }.count) batches; batch statuses \(batchStatuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")); mixed batch appended \(appended.count) of \(mixed.count)")
        let report = problems.prefix(60).joined(separator: "\n")
        #expect(problems.isEmpty, "\(problems.count) problems:\n\(report)")
        #expect(try d.ledger.verify().status == 0)
    }
}
