// swift-tools-version: 6.1
//
// PostgresStorage: SupportKit's server store on PostgreSQL, in a package of its own so that
// a host of the root package (SQLite only) never resolves or compiles postgres-nio.
// Its tests start throwaway PostgreSQL clusters (initdb + pg_ctl in a temporary folder);
// `scripts/postgres-tests.sh` at the top runs them. docs/scaling.md tells the design.

import Foundation
import PackageDescription

// A path dependency's identity is the name of its folder, which differs between clones
// (CI clones into a fresh folder), so it is computed here.
let supportKit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent

let strictSwift6: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "PostgresStorage",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PostgresStorage", targets: ["PostgresStorage"]),
        // Throwaway PostgreSQL clusters for tests (initdb + pg_ctl in a temporary folder).
        .library(name: "PostgresTestSupport", targets: ["PostgresTestSupport"]),
    ],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .target(
            name: "PostgresStorage",
            dependencies: [
                .product(name: "CustomerModel", package: supportKit),
                .product(name: "Conversation", package: supportKit),
                .product(name: "Localization", package: supportKit),
                .product(name: "Storage", package: supportKit),
                // postgres-nio records through swift-metrics, whose `Metrics` module shares our Metrics
                // module's name: the alias keeps both in one graph (as SupportDesk does).
                .product(name: "PostgresNIO", package: "postgres-nio", moduleAliases: ["Metrics": "SwiftMetrics"]),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/PostgresStorage",
            swiftSettings: strictSwift6
        ),
        .target(name: "PostgresTestSupport", path: "Sources/PostgresTestSupport", swiftSettings: strictSwift6),
        .testTarget(
            name: "PostgresStorageTests",
            dependencies: [
                "PostgresStorage", "PostgresTestSupport",
                .product(name: "CustomerModel", package: supportKit),
                .product(name: "Conversation", package: supportKit),
                .product(name: "Storage", package: supportKit),
                .product(name: "StorageConformance", package: supportKit),
                .product(name: "DeskConformance", package: supportKit),
                // The differential test ingests the same intake into SQLite.
                .product(name: "SQLiteStorage", package: supportKit),
                .product(name: "SupportDesk", package: supportKit),
                .product(name: "Policy", package: supportKit),
            ],
            path: "Tests/PostgresStorageTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
