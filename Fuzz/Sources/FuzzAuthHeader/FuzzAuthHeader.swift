import LedgerCore
import LedgerServer
import FuzzDriver

/// libFuzzer entry point for ``SignedRequest/init(header:)``, the `Authorization: HWL-Ed25519 …` parser.
///
/// Invariants: nothing traps; a parsed header's fields are within their documented bounds, and the header the
/// client side would write for the parsed values parses back to an equal value. Does not check signatures (that
/// needs a ledger; ``RequestAuthenticator`` is not fuzzed here).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let header = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let request = try? SignedRequest(header: header) else { return 0 }
    precondition(!request.principal.isEmpty && request.principal.utf8.count <= 256, "principal out of bounds")
    precondition(Hex.isLowerHex(request.keyId, count: 8), "keyId is not 8 lower-case hex digits")
    precondition(request.time >= 0 && request.signature.count == 64, "time or signature out of bounds")
    let rewritten = "\(SignedRequest.scheme) principal=\(request.principal),keyId=\(request.keyId),time=\(request.time),"
        + "sig=\(Base64.encode(request.signature))"
    // A principal may legitimately hold ',' only if the parser let it through; then the rewrite is ambiguous.
    if !request.principal.contains(",") {
        precondition((try? SignedRequest(header: rewritten)) == request, "canonical header does not re-parse: \(rewritten)")
    }
    _ = SignedRequest.message(method: "GET", target: "/v1/" + request.principal, time: request.time)
    return 0
}

/// libFuzzer's `main` for a SwiftPM debug build (see ``runFuzzer(_:_:_:)``).
@_cdecl("FuzzAuthHeader_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runFuzzer(argc, argv, fuzz) }
