// swift-tools-version:6.1
// libFuzzer targets for hwledger's parsers (issue 6). A package of its own so the root package's `swift build` and
// `swift test` never see sanitizer flags or executables without `main`. Build and run them with scripts/fuzz.sh.
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its directory (lower-cased), so the root package's identity is whatever the
/// checkout is called (`main`, `hwledger`, …).
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent.lowercased()

/// Each target is one file exporting `LLVMFuzzerTestOneInput`, compiled as a library: libFuzzer (linked by
/// `-sanitize=fuzzer`) runs the show, entered through FuzzDriver.
let fuzzSettings: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

func fuzzTarget(_ name: String, _ products: [String], extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzDriver"] + products.map { .product(name: $0, package: root) } + extra,
        swiftSettings: fuzzSettings)
}

let package = Package(
    name: "hwledger-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        .target(name: "FuzzDriver", swiftSettings: [.enableExperimentalFeature("Extern")]),
        fuzzTarget("FuzzCanonicalJSON", ["LedgerCore"]),
        fuzzTarget(
            "FuzzSubmission", ["LedgerCore", "TransferRules", "TransferLedger"],
            extra: [.product(name: "Logging", package: "swift-log")]),
        fuzzTarget("FuzzSignedNote", ["LedgerCore"]),
        fuzzTarget("FuzzCheckpoint", ["LedgerCore"]),
        fuzzTarget("FuzzTlogProof", ["LedgerCore"]),
        fuzzTarget("FuzzKeys", ["LedgerCore"]),
        fuzzTarget("FuzzCSV", ["TransferRules"]),
        fuzzTarget("FuzzAuthHeader", ["LedgerCore", "LedgerServer"]),
    ]
)
