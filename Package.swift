// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "hwledger",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TransferLedger", targets: ["TransferLedger"]),
        .library(name: "LedgerCore", targets: ["LedgerCore"]),
        .executable(name: "hwledger", targets: ["hwledger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        .target(name: "TransferRules", swiftSettings: strict),
        .target(
            name: "LedgerCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(
            name: "LedgerSQLite",
            dependencies: ["LedgerCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .target(
            name: "TransferLedger",
            dependencies: ["TransferRules", "LedgerCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .executableTarget(
            name: "hwledger",
            dependencies: [
                "TransferLedger", "LedgerSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "hwledger-bench",
            dependencies: ["TransferLedger", "LedgerSQLite", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(
            name: "LedgerTestSupport",
            dependencies: ["TransferLedger", "LedgerSQLite"],
            path: "Tests/LedgerTestSupport",
            swiftSettings: strict),
        .testTarget(name: "TransferRulesTests", dependencies: ["TransferRules"], swiftSettings: strict),
        .testTarget(name: "LedgerCoreTests", dependencies: ["LedgerCore", "LedgerTestSupport"], swiftSettings: strict),
        .testTarget(name: "LedgerSQLiteTests", dependencies: ["LedgerSQLite", "LedgerTestSupport"], swiftSettings: strict),
        .testTarget(name: "TransferLedgerTests", dependencies: ["TransferLedger", "LedgerTestSupport"], swiftSettings: strict),
        .testTarget(name: "CLITests", dependencies: ["LedgerTestSupport"], swiftSettings: strict),
    ]
)
