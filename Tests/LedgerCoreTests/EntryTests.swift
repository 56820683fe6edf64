import Foundation
import LedgerCore
import Testing

private func sampleEntry(assigned: [String: JSONValue] = ["manifestNo": "5101002025000001"]) -> Entry {
    let s = Fixtures.submission(3)
    return Entry(
        index: 3, prev: TreeHasher.leafHash(Array("entry 2".utf8)), submission: s, signature: s.signature(with: Fixtures.partyKey),
        time: "2025-03-01T08:00:01Z", assigned: assigned)
}

/// The sample entry's JSON with `edit` applied, canonically encoded.
private func editedBytes(_ edit: (inout [String: JSONValue]) -> Void) -> [UInt8] {
    var o = sampleEntry().json.objectValue!
    edit(&o)
    return CanonicalJSON.encode(.object(o))
}

private func editedSubmission(_ edit: @escaping (inout [String: JSONValue]) -> Void) -> [UInt8] {
    editedBytes { o in
        var s = o["submission"]!.objectValue!
        edit(&s)
        o["submission"] = .object(s)
    }
}

struct EntryRejectCase: Sendable, CustomTestStringConvertible {
    var desc: String
    var bytes: [UInt8]
    var testDescription: String { desc }
}

@Suite("Entries and submissions")
struct EntryTests {
    @Test("an entry survives bytes → Entry → bytes, with and without assigned values")
    func roundTrip() throws {
        for entry in [sampleEntry(), sampleEntry(assigned: [:])] {
            let bytes = entry.canonicalBytes
            let parsed = try Entry(bytes: bytes)
            #expect(parsed == entry)
            #expect(parsed.canonicalBytes == bytes)
            #expect(entry.json["assigned"] == (entry.assigned.isEmpty ? nil : .object(entry.assigned)))
        }
    }

    @Test("Entry.size is the byte count of the entry without assigned, at one- to twenty-digit indexes")
    func sizeBeforeAppend() throws {
        let s = Fixtures.submission(3)
        for index: UInt64 in [0, 9, 10, 99_999, 3_191_800, UInt64(Int64.max)] {
            let entry = Entry(
                index: index, prev: TreeHasher.leafHash(Array("x".utf8)), submission: s, signature: s.signature(with: Fixtures.partyKey),
                time: "2025-03-01T08:00:01Z")
            #expect(Entry.size(submissionBytes: s.canonicalBytes.count, index: index) == entry.canonicalBytes.count, "index \(index)")
        }
    }

    @Test("the entry JSON has exactly the fields of SPEC §3 in canonical order")
    func shape() throws {
        let text = String(decoding: sampleEntry().canonicalBytes, as: UTF8.self)
        let keys = ["\"assigned\":", "\"index\":3", "\"prev\":\"", "\"sig\":\"", "\"submission\":{\"actor\":", "\"time\":\"2025-03-01T08:00:01Z\""]
        var last = text.startIndex
        for k in keys {
            let r = try #require(text.range(of: k), "\(k)")
            #expect(r.lowerBound >= last, "\(k) out of order")
            last = r.lowerBound
        }
        #expect(text.hasPrefix("{\"assigned\":{\"manifestNo\":"))
    }

    @Test("the submission signature covers the domain prefix and the canonical submission")
    func submissionSignature() throws {
        let s = Fixtures.submission(1)
        #expect(s.signedMessage == Array("hwledger/submission/v1\n".utf8) + s.canonicalBytes)
        let sig = s.signature(with: Fixtures.partyKey)
        #expect(sig.count == 64)
        #expect(Fixtures.partyKey.verifier.isValidSignature(sig, for: s.signedMessage))
        #expect(!Fixtures.partyKey.verifier.isValidSignature(sig, for: s.canonicalBytes))
        #expect(try Submission(json: s.json) == s)
    }

    static let rejectCases: [EntryRejectCase] = {
        let good = sampleEntry().canonicalBytes
        let text = String(decoding: good, as: UTF8.self)
        let sig = sampleEntry().json["sig"]!.stringValue!
        func replacing(_ a: String, _ b: String) -> [UInt8] {
            precondition(text.contains(a), "test data: \(a)")
            return Array(text.replacingOccurrences(of: a, with: b).utf8)
        }
        // 64 bytes are 86 base64 digits and "=="; the last digit carries 4 unused bits.
        let lastDigit = sig[sig.index(sig.endIndex, offsetBy: -3)]
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let pos = alphabet.firstIndex(of: lastDigit)!
        let nonCanonicalSig = String(sig.dropLast(3)) + String(alphabet[pos | 1]) + "=="
        return [
            EntryRejectCase(desc: "whitespace after the opening brace", bytes: [0x7B, 0x20] + good.dropFirst()),
            EntryRejectCase(desc: "trailing newline", bytes: good + [0x0A]),
            EntryRejectCase(desc: "keys out of order", bytes: Array(("{\"index\":3," + text.dropFirst().replacingOccurrences(of: "\"index\":3,", with: "")).utf8)),
            EntryRejectCase(desc: "escaped slash in a string", bytes: replacing("/", "\\/")),
            EntryRejectCase(desc: "needless \\u escape", bytes: replacing("manifest.filed", "manifest\\u002efiled")),
            EntryRejectCase(desc: "unknown entry field", bytes: editedBytes { $0["extra"] = 1 }),
            EntryRejectCase(desc: "unknown submission field", bytes: editedSubmission { $0["extra"] = 1 }),
            EntryRejectCase(desc: "missing sig", bytes: editedBytes { $0["sig"] = nil }),
            EntryRejectCase(desc: "missing prev", bytes: editedBytes { $0["prev"] = nil }),
            EntryRejectCase(desc: "missing submission", bytes: editedBytes { $0["submission"] = nil }),
            EntryRejectCase(desc: "sig that is not base64", bytes: editedBytes { $0["sig"] = "!!!!" }),
            EntryRejectCase(desc: "sig in the URL alphabet", bytes: editedBytes { $0["sig"] = .string(sig.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_") + (sig.contains("+") || sig.contains("/") ? "" : "$")) }),
            EntryRejectCase(desc: "sig without padding", bytes: editedBytes { $0["sig"] = .string(String(sig.dropLast(2))) }),
            EntryRejectCase(desc: "sig with non-zero unused bits", bytes: editedBytes { $0["sig"] = .string(nonCanonicalSig) }),
            EntryRejectCase(desc: "sig of 63 bytes", bytes: editedBytes { $0["sig"] = .string(Base64.encode([UInt8](repeating: 1, count: 63))) }),
            EntryRejectCase(desc: "sig of 65 bytes", bytes: editedBytes { $0["sig"] = .string(Base64.encode([UInt8](repeating: 1, count: 65))) }),
            EntryRejectCase(desc: "sig that is a number", bytes: editedBytes { $0["sig"] = 5 }),
            EntryRejectCase(desc: "upper-case prev", bytes: editedBytes { $0["prev"] = .string($0["prev"]!.stringValue!.uppercased()) }),
            EntryRejectCase(desc: "short prev", bytes: editedBytes { $0["prev"] = .string(String($0["prev"]!.stringValue!.dropLast())) }),
            EntryRejectCase(desc: "negative index", bytes: editedBytes { $0["index"] = -1 }),
            EntryRejectCase(desc: "string index", bytes: editedBytes { $0["index"] = "3" }),
            EntryRejectCase(desc: "time with an offset", bytes: editedBytes { $0["time"] = "2025-03-01T08:00:01+00:00" }),
            EntryRejectCase(desc: "time with month 13", bytes: editedBytes { $0["time"] = "2025-13-01T08:00:01Z" }),
            EntryRejectCase(desc: "empty assigned object", bytes: editedBytes { $0["assigned"] = [:] }),
            EntryRejectCase(desc: "assigned that is not an object", bytes: editedBytes { $0["assigned"] = "x" }),
            EntryRejectCase(desc: "entry that is an array", bytes: Array("[]".utf8)),
            EntryRejectCase(desc: "upper-case keyId", bytes: editedSubmission { $0["keyId"] = .string($0["keyId"]!.stringValue!.uppercased()) }),
            EntryRejectCase(desc: "short nonce", bytes: editedSubmission { $0["nonce"] = "abcd" }),
            EntryRejectCase(desc: "empty actor", bytes: editedSubmission { $0["actor"] = "" }),
            EntryRejectCase(desc: "body that is an array", bytes: editedSubmission { $0["body"] = [] }),
            EntryRejectCase(desc: "signedAt without Z", bytes: editedSubmission { $0["signedAt"] = "2025-03-01T08:00:00" }),
            EntryRejectCase(desc: "invalid UTF-8", bytes: replacing("含", "X").map { $0 == UInt8(ascii: "X") ? 0xFF : $0 }),
        ]
    }()

    @Test("entry bytes that are malformed, non-canonical or mis-shaped are rejected", arguments: rejectCases)
    func rejects(_ c: EntryRejectCase) {
        #expect(throws: LedgerError.self) { try Entry(bytes: c.bytes) }
    }

    @Test("non-canonical but otherwise valid bytes are rejected as non-canonical, not as unparseable")
    func nonCanonicalReason() {
        let good = sampleEntry().canonicalBytes
        let error = #expect(throws: LedgerError.self) { try Entry(bytes: [0x20] + good) }
        #expect(error == .malformedSubmission("entry bytes are not in canonical form"))
    }

    @Test("RFC 3339 instants are accepted only in the YYYY-MM-DDTHH:MM:SSZ form", arguments: [
        ("2025-03-01T08:00:00Z", true), ("1999-12-31T23:59:59Z", true), ("2025-03-01T24:00:00Z", false),
        ("2025-03-01 08:00:00Z", false), ("2025-03-01T08:00:00.5Z", false), ("2025-03-01t08:00:00z", false),
        ("2025-00-01T08:00:00Z", false), ("2025-03-32T08:00:00Z", false), ("2025-03-01T08:60:00Z", false), ("", false),
    ])
    func instants(_ text: String, _ ok: Bool) {
        #expect(Instant.isRFC3339(text) == ok)
    }
}
