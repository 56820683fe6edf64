import LedgerCore
import FuzzDriver

/// The fixture ledger's operator key (fixtures/ledger/keys/operator.key), so seeds can carry a validly signed
/// checkpoint.
let operatorKey = try! SigningKey(parsing: "PRIVATE+KEY+hwledger.example/sc-cq+207b9c34+AdWfMOGNDLIHbTCYDb4nDvSdsBdHTtCNU7gDVaEYIiko")

/// libFuzzer entry point for ``Checkpoint/init(body:)`` and ``SignedCheckpoint/init(verifying:keys:)``.
///
/// The input is tried both as a bare checkpoint body and as a signed note. Invariants: nothing traps; a parsed body
/// re-serialises to exactly the input and re-parses to an equal checkpoint; a verified checkpoint's origin is the
/// key's name and its text is the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let text = String(validating: bytes, as: UTF8.self), let checkpoint = try? Checkpoint(body: text) {
        precondition(checkpoint.body == text, "checkpoint body does not re-serialise to its input")
        precondition((try? Checkpoint(body: checkpoint.body)) == checkpoint, "parse(body(c)) != c")
    }
    if let signed = try? SignedCheckpoint(verifying: bytes, keys: [operatorKey.verifier]) {
        precondition(signed.checkpoint.origin == operatorKey.name, "verified a checkpoint of another origin")
        precondition(Array(signed.text.utf8) == bytes, "signed checkpoint does not re-serialise to its input")
    }
    return 0
}

/// libFuzzer's `main` for a SwiftPM debug build (see ``runFuzzer(_:_:_:)``).
@_cdecl("FuzzCheckpoint_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runFuzzer(argc, argv, fuzz) }
