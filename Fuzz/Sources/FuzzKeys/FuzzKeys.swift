import LedgerCore
import FuzzDriver

/// libFuzzer entry point for ``VerifierKey/init(parsing:)`` and ``SigningKey/init(parsing:)``.
///
/// Invariants: nothing traps; a parsed verifier key prints as the input up to the case of its key id (the parser
/// accepts upper-case hex, the printer writes lower case) and re-parses to an equal key; a parsed private key file
/// prints as the trimmed input and its verifier key round-trips the same way. Checking a signature with a parsed key
/// never traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let key = try? VerifierKey(parsing: text) {
        check(key, printedFrom: text)
        _ = key.isValidSignature([UInt8](repeating: 0, count: 64), for: Array(text.utf8))
    }
    if let key = try? SigningKey(parsing: text) {
        let file = key.fileText
        precondition(sameUpToKeyIDCase(file, trimmed(text)), "private key does not print as its input")
        precondition((try? SigningKey(parsing: file))?.verifier == key.verifier, "private key does not re-parse")
        check(key.verifier, printedFrom: key.verifier.description)
        let signature = key.sign(Array(text.utf8))
        precondition(key.verifier.isValidSignature(signature, for: Array(text.utf8)), "own signature does not verify")
    }
    return 0
}

func check(_ key: VerifierKey, printedFrom text: String) {
    precondition(key.keyID.count == 4 && key.publicKey.count == 32, "key of the wrong size")
    precondition(sameUpToKeyIDCase(key.description, text), "verifier key does not print as its input")
    precondition((try? VerifierKey(parsing: key.description)) == key, "verifier key does not re-parse")
}

/// True when `a` and `b` differ at most in the case of their hex key id: the `+` field before the base64 key,
/// which may itself hold `+`.
func sameUpToKeyIDCase(_ a: String, _ b: String) -> Bool {
    let fields = a.hasPrefix("PRIVATE+KEY+") ? 5 : 3
    let pa = a.split(separator: "+", maxSplits: fields - 1, omittingEmptySubsequences: false)
    let pb = b.split(separator: "+", maxSplits: fields - 1, omittingEmptySubsequences: false)
    guard pa.count == fields, pb.count == fields else { return a == b }
    return pa.indices.allSatisfy { i in pa[i] == pb[i] || (i == fields - 2 && pa[i].lowercased() == pb[i].lowercased()) }
}

func trimmed(_ s: String) -> String {
    var t = Substring(s)
    while let f = t.unicodeScalars.first, " \n\r\t".unicodeScalars.contains(f) { t = t.dropFirst() }
    while let l = t.unicodeScalars.last, " \n\r\t".unicodeScalars.contains(l) { t = t.dropLast() }
    return String(t)
}

/// libFuzzer's `main` for a SwiftPM debug build (see ``runFuzzer(_:_:_:)``).
@_cdecl("FuzzKeys_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runFuzzer(argc, argv, fuzz) }
