import LedgerCore
import FuzzDriver

/// A fixed key so that notes copied from the seeds can reach the verifying path.
let key = try! SigningKey(name: "fuzz.example/log", seed: [UInt8](repeating: 7, count: 32))

/// libFuzzer entry point for ``SignedNote/init(parsing:)-(Collection<UInt8>)``.
///
/// Invariants: parsing never traps; a parsed note re-serialises to exactly the input bytes (one note, one spelling)
/// and re-parses to an equal value; verifying against a key never traps. Says nothing about signature validity.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let note = try? SignedNote(parsing: bytes) else { return 0 }
    let serialized = Array(note.serialized.utf8)
    precondition(serialized == bytes, "note does not re-serialise to its input bytes")
    guard let again = try? SignedNote(parsing: serialized) else { fatalError("serialised note does not parse") }
    precondition(again == note, "parse(serialize(n)) != n")
    for sig in note.signatures { precondition(sig.keyID.count == 4, "key id is not 4 bytes") }
    _ = try? note.verify(with: [key.verifier])
    return 0
}

/// libFuzzer's `main` for a SwiftPM debug build (see ``runFuzzer(_:_:_:)``).
@_cdecl("FuzzSignedNote_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { runFuzzer(argc, argv, fuzz) }
