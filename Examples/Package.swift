// swift-tools-version: 6.1
//
// SupportKit's example CLIs, `shop-desk` (B2C) and `account-desk` (B2B), in a package of their
// own so that a host of the root package never resolves postgres-nio: these two open a SQLite
// file or a `postgresql://` URL with `--store`. Their shared commands are the root's `DeskCLI`
// product. Run from the repository root:
//   swift build --package-path Examples --product shop-desk
//   swift test --package-path Examples
// (Examples/PrometheusDesk is another package, on its own.)

import Foundation
import PackageDescription

// A path dependency's identity is the name of its folder, which differs
// between clones (CI clones into a fresh folder), so it is computed here.
let supportKit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent

let strictSwift6: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

func kit(_ names: String...) -> [Target.Dependency] { names.map { .product(name: $0, package: supportKit) } }

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "SupportKitExamples",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(path: "../Backends/PostgresStorage"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // `--store postgresql://…`: registers PostgresSupportStore with DeskCLI's StoreOpeners.
        .target(
            name: "DeskPostgres",
            dependencies: kit("DeskCLI", "Storage") + [
                .product(name: "PostgresStorage", package: "PostgresStorage"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "DeskPostgres",
            swiftSettings: strictSwift6
        ),
        .executableTarget(
            name: "shop-desk",
            dependencies: ["DeskPostgres", argumentParser]
                + kit("CustomerModel", "Conversation", "Localization", "Policy", "SupportDesk", "Storage", "SQLiteStorage", "DeskCLI"),
            path: "ShopDesk",
            swiftSettings: strictSwift6
        ),
        .executableTarget(
            name: "account-desk",
            dependencies: ["DeskPostgres", argumentParser]
                + kit("CustomerModel", "Conversation", "SupportDesk", "Storage", "SQLiteStorage", "DeskCLI"),
            path: "AccountDesk",
            swiftSettings: strictSwift6
        ),
        // The CLIs run as processes, on SQLite files and on throwaway PostgreSQL databases.
        .testTarget(
            name: "DeskCLITests",
            dependencies: [
                // The executables the tests run (declared so they are built first).
                "shop-desk", "account-desk",
            ] + kit("Conversation", "TestSupport") + [
                // Throwaway PostgreSQL databases (a per-process cluster, or SUPPORTKIT_POSTGRES_URL's server).
                .product(name: "PostgresTestSupport", package: "PostgresStorage"),
            ],
            path: "Tests/DeskCLITests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
