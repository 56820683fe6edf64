import LedgerCore
import FuzzDriver

/// libFuzzer entry point for ``CanonicalJSON/decode(_:)-swift.type.method``.
///
/// Invariants: decoding never traps; anything that decodes re-encodes to canonical bytes that decode to an equal value
/// and re-encode to the very same bytes (encode is a fixed point), and canonical bytes are never longer than needed
/// to hold the value twice over. Does not check that `decode` rejects everything SPEC §3 forbids.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let value = try? CanonicalJSON.decode(bytes) else { return 0 }
    let canonical = CanonicalJSON.encode(value)
    let again: JSONValue
    do { again = try CanonicalJSON.decode(canonical) } catch {
        fatalError("canonical bytes do not decode: \(error) — \(String(decoding: canonical, as: UTF8.self))")
    }
    precondition(again == value, "decode(encode(v)) != v")
    precondition(CanonicalJSON.encode(again) == canonical, "encode is not a fixed point")
    precondition(value.canonicalString == String(decoding: canonical, as: UTF8.self), "canonicalString differs from encode")
    _ = try? value.checkLimits()
    return 0
}

/// libFuzzer's `main` for a SwiftPM debug build (see ``runFuzzer(_:_:_:)``).
@_cdecl("FuzzCanonicalJSON_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runFuzzer(argc, argv, fuzz) }
