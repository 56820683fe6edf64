/// Hands control to libFuzzer's driver with `body` as the test function.
///
/// SwiftPM links a debug executable with `main` aliased to `<module>_main` (so tests can import it); libFuzzer's own
/// `main` is then never linked, so each target defines `<module>_main` and calls this. A release build would link
/// libFuzzer's `main` and never call it.
///
/// - Returns: libFuzzer's exit status (it normally exits by itself).
public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ body: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt {
    var argc = argc
    var argv = argv
    return llvmFuzzerRunDriver(&argc, &argv, body)
}

@_extern(c, "LLVMFuzzerRunDriver")
func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ body: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt
