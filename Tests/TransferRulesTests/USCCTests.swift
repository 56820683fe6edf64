import Testing
import TransferRules

/// 统一社会信用代码 check (SPEC §1): charset, length, weights and the mod-31 check character.
@Suite("USCC check character")
struct USCCTests {
    static let charset = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")

    @Test("SPEC's valid examples pass", arguments: [
        "91350200776049653A", "91110000802100433B", "913502000728319549", "91440101MA5CJQ4N59",
    ])
    func validExamples(code: String) {
        #expect(USCC.isValid(code))
    }

    @Test("SPEC's invalid example and malformed codes fail", arguments: [
        "91350203M0001QAY9B",  // SPEC: wrong check character
        "",  // empty
        "91350200776049653",  // 17 characters
        "91350200776049653AA",  // 19 characters
        "9135020077604965",  // 16 characters
        "91440101ma5cjq4n59",  // lower case
        "91440101MA5CJQ4n59",  // one lower-case letter
        " 91350200776049653A",  // leading space
        "91350200776049653A ",  // trailing space
        "９1350200776049653A",  // full-width digit
    ])
    func invalidCodes(code: String) {
        #expect(!USCC.isValid(code))
    }

    @Test("the letters I, O, S, V and Z are outside the charset anywhere in the code", arguments: ["I", "O", "S", "V", "Z"])
    func forbiddenLetters(letter: Character) {
        let valid = Array("91440101MA5CJQ4N59")
        for position in 0..<18 {
            var chars = valid
            chars[position] = letter
            #expect(!USCC.isValid(String(chars)), "\(letter) at position \(position + 1)")
        }
        #expect(USCC.checkCharacter(for: Array("91440101MA5CJQ4\(letter)5".utf8)) == nil)
    }

    @Test("complete() appends the check character of each SPEC example")
    func completeReproducesExamples() {
        for code in ["91350200776049653A", "91110000802100433B", "913502000728319549", "91440101MA5CJQ4N59"] {
            #expect(USCC.complete(String(code.prefix(17))) == code)
        }
        #expect(USCC.complete("91350203M0001QAY9") != "91350203M0001QAY9B")
    }

    @Test("complete() refuses prefixes of the wrong length or with characters outside the charset")
    func completeRefusesBadPrefixes() {
        #expect(USCC.complete("9135020077604965") == nil)
        #expect(USCC.complete("913502007760496533") == nil)
        #expect(USCC.complete("9135020077604965I") == nil)
        #expect(USCC.complete("9135020077604965a") == nil)
    }

    @Test("a check value of 31 maps to the character 0")
    func checkThirtyOneIsZero() {
        // Σ value×weight ≡ 0 (mod 31) gives 31 − 0 = 31 → 0.
        let prefix = String(repeating: "0", count: 17)
        #expect(USCC.complete(prefix) == prefix + "0")
        #expect(USCC.isValid(prefix + "0"))
        #expect(!USCC.isValid(prefix + "1"))
    }

    @Test("exactly one check character completes a random prefix (property, 200 seeds)")
    func exactlyOneCheckCharacter() {
        for seed in 0..<200 {
            var rng = SeedRandom(seed: UInt64(seed))
            let prefix = String((0..<17).map { _ in Self.charset[Int(rng.next() % 31)] })
            let valid = Self.charset.filter { USCC.isValid(prefix + String($0)) }
            #expect(valid.count == 1, "seed \(seed): \(prefix) completed by \(valid)")
            #expect(USCC.complete(prefix) == prefix + String(valid.first ?? "?"), "seed \(seed)")
        }
    }

    @Test("changing any one character of a valid code makes it invalid (property, 200 seeds)")
    func singleSubstitutionDetected() {
        for seed in 0..<200 {
            var rng = SeedRandom(seed: UInt64(seed) &+ 1000)
            let prefix = String((0..<17).map { _ in Self.charset[Int(rng.next() % 31)] })
            guard let code = USCC.complete(prefix) else {
                Issue.record("seed \(seed): no completion")
                continue
            }
            var chars = Array(code)
            let position = Int(rng.next() % 18)
            let old = chars[position]
            var replacement = Self.charset[Int(rng.next() % 31)]
            if replacement == old { replacement = Self.charset[(Self.charset.firstIndex(of: old)! + 1) % 31] }
            chars[position] = replacement
            #expect(!USCC.isValid(String(chars)), "seed \(seed): \(code) → \(String(chars))")
        }
    }
}

/// SplitMix64, repeated here because this target depends on TransferRules only.
struct SeedRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
