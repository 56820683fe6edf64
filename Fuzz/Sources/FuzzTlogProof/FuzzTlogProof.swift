import LedgerCore
import FuzzDriver

/// The fixture ledger's operator key (fixtures/ledger/keys/operator.key), so seeds can carry a validly signed
/// checkpoint and reach the proof checks.
let operatorKey = try! SigningKey(parsing: "PRIVATE+KEY+hwledger.example/sc-cq+207b9c34+AdWfMOGNDLIHbTCYDb4nDvSdsBdHTtCNU7gDVaEYIiko")

/// libFuzzer entry point for ``TlogProof/init(verifying:keys:)`` and ``TlogProof/verify(leaf:)``.
///
/// Invariants: nothing traps on any input, including an inclusion check of an arbitrary leaf against an arbitrary
/// index, size and proof; a parsed proof re-serialises to exactly the input and re-parses to an equal value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let proof = try? TlogProof(verifying: bytes, keys: [operatorKey.verifier]) else { return 0 }
    precondition(Array(proof.text.utf8) == bytes, "tlog-proof does not re-serialise to its input")
    precondition((try? TlogProof(verifying: Array(proof.text.utf8), keys: [operatorKey.verifier])) == proof, "parse(text(p)) != p")
    _ = try? proof.verify(leaf: Hash.zero)
    if let first = proof.proof.first { _ = try? proof.verify(leaf: first) }
    return 0
}

/// libFuzzer's `main` for a SwiftPM debug build (see ``runFuzzer(_:_:_:)``).
@_cdecl("FuzzTlogProof_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runFuzzer(argc, argv, fuzz) }
