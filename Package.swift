// swift-tools-version: 6.1
//
// SupportKit: customer-support domain libraries for e-commerce.
// Every library target is its own product so that a host depends on exactly
// the modules it uses. Benchmarks live in their own package (Benchmarks/) so a
// plain `swift build` never resolves or compiles package-benchmark.

import PackageDescription

let strictSwift6: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "SupportKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "CustomerModel", targets: ["CustomerModel"]),
        .library(name: "Conversation", targets: ["Conversation"]),
        .library(name: "Localization", targets: ["Localization"]),
        .library(name: "Policy", targets: ["Policy"]),
        .library(name: "Metrics", targets: ["Metrics"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "StorageConformance", targets: ["StorageConformance"]),
        .library(name: "DeskConformance", targets: ["DeskConformance"]),
        .library(name: "SQLiteStorage", targets: ["SQLiteStorage"]),
        .library(name: "SupportDesk", targets: ["SupportDesk"]),
        // The shared code of the example CLIs (Examples/Package.swift builds `shop-desk` and
        // `account-desk` on it): their commands, `--store` opening (StoreOpeners), output.
        .library(name: "DeskCLI", targets: ["DeskCLI"]),
        // Helpers of SupportKit's own test suites (and the Examples package's): the seeded
        // generator, temporary folders, hand-written mail, executables built beside a test bundle.
        .library(name: "TestSupport", targets: ["TestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.6.0"),
        // YAML policy files (Policy only).
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        // The embedded default store (SQLiteStorage only), on the system SQLite.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // Live counters and timers (SupportDesk records through CoreMetrics; the host picks the backend).
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        // Logging through the host's handler (SupportDesk, SQLiteStorage take a Logger; no bootstrap in libraries).
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // libxml2, for HTML e-mail bodies (its HTML parser) and XLIFF.
        .systemLibrary(
            name: "CLibXML2",
            path: "Modules/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // The Snowball reference stemmers (libstemmer-dev ships no pkg-config file).
        .systemLibrary(
            name: "CStemmer",
            path: "Modules/CStemmer",
            providers: [.apt(["libstemmer-dev"])]
        ),
        // A cache prefetch hint (a static inline C function; nothing to link).
        .systemLibrary(name: "CPrefetch", path: "Modules/CPrefetch"),
        .target(name: "CustomerModel", path: "Modules/CustomerModel", swiftSettings: strictSwift6),
        .target(
            name: "Localization",
            dependencies: ["CLibXML2", "CStemmer"],
            path: "Modules/Localization",
            exclude: ["LanguageID/MODEL-LICENSE.md"],
            swiftSettings: strictSwift6
        ),
        .target(
            name: "Conversation",
            dependencies: ["CustomerModel", "CLibXML2", "CPrefetch"],
            path: "Modules/Conversation",
            swiftSettings: strictSwift6
        ),
        .target(
            name: "Policy",
            dependencies: ["CustomerModel", .product(name: "Yams", package: "Yams")],
            path: "Modules/Policy",
            swiftSettings: strictSwift6
        ),
        .target(
            name: "Storage",
            dependencies: ["CustomerModel", "Conversation", "Localization"],
            path: "Modules/Storage",
            swiftSettings: strictSwift6
        ),
        // The checks every store backend must pass, for backends' own test targets.
        .target(name: "StorageConformance", dependencies: ["CustomerModel", "Conversation", "Storage"], path: "Modules/StorageConformance", swiftSettings: strictSwift6),
        // The system-of-record property a desk over any backend must keep, for backends' own test targets.
        .target(
            name: "DeskConformance", dependencies: ["CustomerModel", "Conversation", "Policy", "Storage", "SupportDesk", "TestSupport"],
            path: "Modules/DeskConformance", swiftSettings: strictSwift6),
        .target(
            name: "SQLiteStorage",
            dependencies: [
                "CustomerModel", "Conversation", "Localization", "Storage", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Modules/SQLiteStorage",
            swiftSettings: strictSwift6
        ),
        // KPIs from the event log: imports Storage's protocols, never a backend or a CLI library.
        .target(
            name: "Metrics",
            dependencies: ["CustomerModel", "Conversation", "Localization", "Policy", "Storage"],
            path: "Modules/Metrics",
            swiftSettings: strictSwift6
        ),
        .target(
            name: "SupportDesk",
            dependencies: [
                "CustomerModel", "Conversation", "Localization", "Policy", "Metrics", "Storage",
                // swift-metrics' `Metrics` target shares our Metrics module's name: declaring the product
                // under an alias is what lets SwiftPM accept the two in one graph (packages that depend on
                // SupportKit — Benchmarks, Fuzz, the Prometheus example — fail to load without it).
                .product(name: "Metrics", package: "swift-metrics", moduleAliases: ["Metrics": "SwiftMetrics"]),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Modules/SupportDesk",
            swiftSettings: strictSwift6
        ),
        // What both example CLIs share: output, opening the store (a SQLite file, or a URL through an
        // opener the executable registers), the agents' commands. The CLIs are Examples/Package.swift's.
        .target(
            name: "DeskCLI",
            dependencies: [
                "CustomerModel", "Conversation", "Localization", "Policy", "Metrics", "SupportDesk", "Storage", "SQLiteStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/DeskCLI",
            swiftSettings: strictSwift6
        ),
        // What several test targets share (the seeded generator of every property test, temporary
        // folders, hand-written mail, executables beside the test bundle), the Examples package's too.
        .target(name: "TestSupport", dependencies: ["Conversation"], path: "Tests/TestSupport", swiftSettings: strictSwift6),
        .testTarget(name: "CustomerModelTests", dependencies: ["CustomerModel", "TestSupport"], path: "Tests/CustomerModelTests"),
        .testTarget(name: "ConversationTests", dependencies: ["CustomerModel", "Conversation", "TestSupport"], path: "Tests/ConversationTests"),
        .testTarget(name: "LocalizationTests", dependencies: ["Localization"], path: "Tests/LocalizationTests"),
        .testTarget(name: "PolicyTests", dependencies: ["CustomerModel", "Policy", "TestSupport"], path: "Tests/PolicyTests"),
        .testTarget(
            name: "MetricsTests", dependencies: ["CustomerModel", "Conversation", "Metrics", "Storage", "SupportDesk", "SQLiteStorage", "Policy", "TestSupport"],
            path: "Tests/MetricsTests"),
        // A desk in a child process: two writers on one store, and kill -9 mid-act.
        .executableTarget(
            name: "desk-writer", dependencies: ["CustomerModel", "Conversation", "SupportDesk", "SQLiteStorage", "Policy", "Storage", "TestSupport"], path: "Tests/DeskWriter",
            swiftSettings: strictSwift6),
        .testTarget(
            name: "SupportDeskTests",
            dependencies: [
                "CustomerModel", "Conversation", "SupportDesk", "SQLiteStorage", "Policy", "Storage", "Localization", "TestSupport",
                "DeskConformance", "DeskCLI", .product(name: "CoreMetrics", package: "swift-metrics"), .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics", moduleAliases: ["Metrics": "SwiftMetrics"]),
                // The executable the process tests run (declared so it is built first).
                "desk-writer",
            ],
            path: "Tests/SupportDeskTests"),
        .testTarget(name: "StorageTests", dependencies: ["CustomerModel", "Conversation", "Localization", "Storage", "StorageConformance", "TestSupport"], path: "Tests/StorageTests"),
        // A child process for the crash test: ingests until the test kills it.
        .executableTarget(name: "sqlite-crash-writer", dependencies: ["CustomerModel", "Conversation", "Storage", "SQLiteStorage"], path: "Tests/SQLiteCrashWriter"),
        .testTarget(
            name: "SQLiteStorageTests",
            dependencies: [
                "CustomerModel", "Conversation", "Storage", "SQLiteStorage", "StorageConformance", "TestSupport",
                "sqlite-crash-writer",  // the child process the crash test kills (declared so it is built first)
            ],
            path: "Tests/SQLiteStorageTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
