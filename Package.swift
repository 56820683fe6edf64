// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "hwledger",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TransferLedger", targets: ["TransferLedger"]),
        .library(name: "LedgerCore", targets: ["LedgerCore"]),
        .library(name: "TransferRules", targets: ["TransferRules"]),
        .library(name: "LedgerServer", targets: ["LedgerServer"]),
        .library(name: "LedgerWitness", targets: ["LedgerWitness"]),
        .executable(name: "hwledger", targets: ["hwledger"]),
        .executable(name: "hwledgerd", targets: ["hwledgerd"]),
        .executable(name: "hwledger-load", targets: ["hwledger-load"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        // Hummingbird's default traits pull in swift-configuration; we need none of them.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        // The daemon's witness client (TLS, IPv6, timeouts, connection reuse) and the witness's TLS (decision 014).
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        // The PostgreSQL store for a national deployment (issue 20).
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        .target(name: "TransferRules", swiftSettings: strict),
        .target(
            name: "LedgerCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(
            name: "LedgerSQLite",
            dependencies: ["LedgerCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")],
            swiftSettings: strict),
        // The same ledger on PostgreSQL: the other place with SQL (issue 20, decision 018).
        .target(
            name: "LedgerPostgres",
            dependencies: [
                "LedgerCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // Which store a `--db` names: a SQLite file path or a postgres:// URL.
        .target(name: "LedgerStores", dependencies: ["LedgerCore", "LedgerSQLite", "LedgerPostgres"], swiftSettings: strict),
        .target(
            name: "TransferLedger",
            dependencies: ["TransferRules", "LedgerCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .executableTarget(
            name: "hwledger",
            dependencies: [
                "TransferLedger", "LedgerSQLite", "LedgerStores", "LedgerWitness", "HTTPServerSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "hwledger-bench",
            dependencies: ["TransferLedger", "LedgerSQLite", "LedgerServer", "LedgerConsole", "HTTPServerSupport", "LedgerHTTPClient", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(
            name: "LedgerServer",
            dependencies: [
                "TransferLedger", "TransferRules", "LedgerCore", "HTTPServerSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(name: "LedgerHTTPClient", swiftSettings: strict),
        // What the daemon's and the witness's HTTP servers share (the Expect: 100-continue handler).
        .target(
            name: "HTTPServerSupport",
            dependencies: [.product(name: "HummingbirdCore", package: "hummingbird")],
            swiftSettings: strict),
        .target(
            name: "LedgerWitness",
            dependencies: [
                "LedgerCore", "HTTPServerSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // Debian's libqrencode (libqrencode-dev), linked as SQLite is: QR codes on the printable 联单.
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // The system's zlib (zlib1g-dev): raw DEFLATE of the entries a printed 联单's QR code carries (decision 016).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The web console under /ui/: pages, templates and assets compiled into the binary.
        .target(
            name: "LedgerConsole",
            dependencies: [
                "LedgerServer", "TransferLedger", "TransferRules", "LedgerCore", "CQRencode", "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.embedInCode("Resources")],
            swiftSettings: strict),
        .executableTarget(
            name: "hwledgerd",
            dependencies: [
                "LedgerServer", "LedgerConsole", "TransferLedger", "LedgerSQLite", "LedgerPostgres", "LedgerStores", "LedgerCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "hwledger-load",
            dependencies: [
                "LedgerHTTPClient", "TransferLedger", "TransferRules", "LedgerSQLite", "LedgerPostgres", "LedgerStores", "LedgerCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "LedgerTestSupport",
            dependencies: ["TransferLedger", "LedgerSQLite", "LedgerPostgres", "LedgerStores", "LedgerHTTPClient"],
            path: "Tests/LedgerTestSupport",
            swiftSettings: strict),
        .testTarget(name: "TransferRulesTests", dependencies: ["TransferRules"], swiftSettings: strict),
        .testTarget(name: "LedgerCoreTests", dependencies: ["LedgerCore", "LedgerTestSupport"], swiftSettings: strict),
        .testTarget(name: "LedgerSQLiteTests", dependencies: ["LedgerSQLite", "LedgerTestSupport"], swiftSettings: strict),
        .testTarget(name: "LedgerPostgresTests", dependencies: ["LedgerPostgres", "LedgerTestSupport"], swiftSettings: strict),
        .testTarget(name: "TransferLedgerTests", dependencies: ["TransferLedger", "LedgerTestSupport"], swiftSettings: strict),
        .testTarget(name: "CLITests", dependencies: ["LedgerTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "WitnessTests",
            dependencies: ["LedgerTestSupport", "LedgerHTTPClient", "LedgerCore", "LedgerSQLite", "LedgerWitness"],
            exclude: ["tlog_witness_client.py"],
            swiftSettings: strict),
        .testTarget(
            name: "LedgerServerTests",
            dependencies: ["LedgerTestSupport", "LedgerHTTPClient", "LedgerServer", "TransferLedger", "TransferRules", "LedgerCore", "LedgerSQLite"],
            swiftSettings: strict),
    ]
)
