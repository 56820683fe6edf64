import Foundation
import LedgerTestSupport
import Testing

/// `hwledger keygen --name` checks a USCC's check character before writing a key.
@Suite("hwledger keygen USCC check")
struct KeygenUSCCTests {
    @Test("a USCC with a bad check character (91350203M0001QAY9B) is a usage error and writes no file; a valid one gets its key")
    func usccChecked() throws {
        let dir = TempDirectory()
        let bad = try Run.hwledger(["keygen", "--name", "91350203M0001QAY9B", "--out", dir.path("bad.key")])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("统一社会信用代码"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("bad.key")))
        let good = try Run.hwledger(["keygen", "--name", "91350200776049653A", "--out", dir.path("good.key")])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.hasPrefix("91350200776049653A+"))
        let regulator = try Run.hwledger(["keygen", "--name", "REG-510000", "--out", dir.path("reg.key")])
        #expect(regulator.status == 0)
    }

    @Test("key ids in one spelling: keygen prints 8 lower-case hex digits; a private key file whose key id is upper-cased is refused (exit 65 naming the rule), the same file as written is taken")
    func keyIdSpelling() throws {
        let dir = TempDirectory()
        let made = try Run.hwledger(["keygen", "--name", "91350200776049653A", "--out", dir.path("k.key")])
        try #require(made.status == 0, "\(made.stderr)")
        let id = try #require(made.stdout.split(separator: "+").dropFirst().first.map(String.init))
        #expect(id.count == 8 && id.allSatisfy { "0123456789abcdef".contains($0) }, "\(id)")
        let file = try String(contentsOfFile: dir.path("k.key"), encoding: .utf8)
        #expect(file.contains("+\(id)+"))
        let event = #"{"type":"key.revoked","actor":"91350200776049653A","body":{"principal":"91350200776049653A","keyId":"0a1b2c3d"}}"#
        let signed = try Run.hwledger(["sign", "--key", dir.path("k.key")], stdin: event + "\n")
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(signed.stdout.contains("\"keyId\":\"\(id)\""))
        // A fixed key whose id has letters, written as keygen writes it and then with the id upper-cased.
        let fixed = try #require((UInt8(0)..<16).lazy.map { TestKeys.key("91350200776049653A", variant: $0) }.first { $0.verifier.keyIDHex.contains { $0.isLetter } })
        let fixedId = fixed.verifier.keyIDHex
        let asWritten = try Run.hwledger(["sign", "--key", dir.write("fixed.key", fixed.fileText)], stdin: event + "\n")
        #expect(asWritten.status == 0, "\(asWritten.stderr)")
        dir.write("upper.key", fixed.fileText.replacingOccurrences(of: "+\(fixedId)+", with: "+\(fixedId.uppercased())+"))
        let upper = try Run.hwledger(["sign", "--key", dir.path("upper.key")], stdin: event + "\n")
        #expect(upper.status == 65 && upper.stdout.isEmpty && upper.stderr.contains("lower-case hex"), "\(upper.stderr)")
    }
}
