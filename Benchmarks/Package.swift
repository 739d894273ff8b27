// swift-tools-version: 6.1
//
// SupportKit's benchmarks, in a package of their own so that building or
// testing SupportKit never compiles package-benchmark. Run from this folder:
//   swift package --disable-sandbox benchmark
// CI checks committed thresholds (Thresholds/) in a short mode: see .ci/run.

import Foundation
import PackageDescription

// A path dependency's identity is the name of its folder, which differs
// between clones (CI clones into a fresh folder), so it is computed here.
let supportKit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent

let benchmark: Target.Dependency = .product(name: "Benchmark", package: "benchmark")
let benchmarkPlugin: Target.PluginUsage = .plugin(name: "BenchmarkPlugin", package: "benchmark")

@MainActor func suite(_ name: String, _ modules: [String], extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: [benchmark] + modules.map { .product(name: $0, package: supportKit) } + extra,
        path: "Benchmarks/\(name)",
        plugins: [benchmarkPlugin]
    )
}

let package = Package(
    name: "SupportKitBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        // Only postgres-comparison uses it; the benchmark suites never compile postgres-nio.
        .package(path: "../Backends/PostgresStorage"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The one seeded generator (SplitMix64) of every workload below.
        .target(name: "BenchmarkRandom", path: "Sources/BenchmarkRandom"),
        // A deterministic generator of support mail with ground truth, shared by the suites.
        .target(
            name: "SupportWorkload",
            dependencies: [
                "BenchmarkRandom",
                .product(name: "Conversation", package: supportKit),
                .product(name: "CustomerModel", package: supportKit),
            ],
            path: "Sources/SupportWorkload"
        ),
        // Writes the workload as JSON Lines for the Python peers in scripts/.
        // With --score-store it threads the workload through the desk over a SQLite store.
        .executableTarget(
            name: "export-workload",
            dependencies: ["SupportWorkload"] + ["CustomerModel", "Storage", "SQLiteStorage", "SupportDesk"].map { .product(name: $0, package: supportKit) },
            path: "Sources/export-workload"),
        suite("IdentityResolution", ["CustomerModel"], extra: ["BenchmarkRandom"]),
        suite("ThreadMerging", ["Conversation", "CustomerModel"], extra: ["SupportWorkload"]),
        // Threading with random Message-IDs and with ids crafted to collide under the unseeded fingerprint.
        suite("HashFlooding", ["Conversation", "CustomerModel"], extra: ["SupportWorkload", "BenchmarkRandom"]),
        suite("SLAEvaluation", ["CustomerModel", "Policy"], extra: ["BenchmarkRandom"]),
        suite("TextAnalysis", ["Localization"]),
        // A deterministic multilingual corpus and queries for search (Snowball vocabularies, Zipf).
        .target(
            name: "SearchWorkload",
            dependencies: ["BenchmarkRandom"] + ["CustomerModel", "Conversation", "Localization", "Storage", "SQLiteStorage"].map {
                .product(name: $0, package: supportKit)
            },
            path: "Sources/SearchWorkload"
        ),
        // Writes the search workload as JSON Lines for scripts/search_peers.py.
        .executableTarget(name: "export-search-workload", dependencies: ["SearchWorkload"], path: "Sources/export-search-workload"),
        // SupportKit's per-query p50/p99 on the same workload (docs/benchmarks.md).
        .executableTarget(name: "search-latency", dependencies: ["SearchWorkload", .product(name: "CustomerModel", package: supportKit)], path: "Sources/search-latency"),
        suite("Search", ["Storage", "SQLiteStorage"], extra: ["SearchWorkload"]),
        // PostgreSQL beside SQLite: batch ingest, one-mail ingest through the pool, search at scale (issue 14).
        .executableTarget(
            name: "postgres-comparison",
            dependencies: ["SearchWorkload", "SupportWorkload"]
                + ["Conversation", "CustomerModel", "Storage", "SQLiteStorage", "SupportDesk"].map { .product(name: $0, package: supportKit) }
                + ["PostgresStorage", "PostgresTestSupport"].map { .product(name: $0, package: "PostgresStorage") },
            path: "Sources/postgres-comparison"),
        // The desk over SQLite: bulk ingest and one mail into a store (the system-of-record path).
        suite("DeskIngest", ["Conversation", "Storage", "SQLiteStorage", "SupportDesk"], extra: ["SupportWorkload"]),
        // A deterministic event log for the KPI fold, its CSV export for DuckDB (scripts/kpi_peers.py), and the fold.
        .target(
            name: "KPIWorkload",
            dependencies: ["BenchmarkRandom"] + ["Conversation", "CustomerModel", "Metrics", "Storage"].map { .product(name: $0, package: supportKit) },
            path: "Sources/KPIWorkload"),
        .executableTarget(name: "export-kpi-workload", dependencies: ["KPIWorkload", .product(name: "Metrics", package: supportKit), .product(name: "Storage", package: supportKit)], path: "Sources/export-kpi-workload"),
        suite("KPIFold", ["Metrics"], extra: ["KPIWorkload"]),
    ],
    swiftLanguageModes: [.v6]
)
