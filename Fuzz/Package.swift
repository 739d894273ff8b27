// swift-tools-version: 6.1
//
// libFuzzer targets for SupportKit's parsers (docs/reliability.md). A package of its own so the
// root package's `swift build` never compiles a fuzzer. Build and run through scripts/fuzz.sh:
//
//   swift build -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
//
// Each target is one file defining `LLVMFuzzerTestOneInput` and a two-line `@main` that starts
// libFuzzer through FuzzDriver (see Sources/FuzzDriver/FuzzDriver.c for why).

import Foundation
import PackageDescription

/// The root package's identity: the name of its folder (a worktree may not be called SupportKit).
let supportKit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent

/// One fuzz target: its executable name, its source folder under Sources/, and the SupportKit products it calls.
let fuzzTargets: [(name: String, products: [String])] = [
    ("fuzz-mail", ["Conversation"]),
    ("fuzz-mailbox", ["Conversation"]),
    ("fuzz-html", ["Conversation"]),
    ("fuzz-messageformat", ["Localization"]),
    ("fuzz-xliff2", ["Localization"]),
    ("fuzz-xliff12", ["Localization"]),
    ("fuzz-query", ["Storage"]),
    ("fuzz-policy", ["Policy"]),
    ("fuzz-customers-jsonl", ["CustomerModel"]),
    ("fuzz-events-jsonl", ["Conversation"]),
    // SupportDesk only so that SwiftPM applies its alias of swift-metrics' `Metrics` module: without
    // it in the graph, our Metrics and swift-metrics' Metrics are reported as conflicting names.
    ("fuzz-surveys-jsonl", ["Metrics", "SupportDesk"]),
]

let package = Package(
    name: "SupportKitFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
    ],
    targets: [
        // Hands the command line to libFuzzer (SwiftPM's main renaming keeps libFuzzer's own main out).
        .target(name: "FuzzDriver", path: "Sources/FuzzDriver"),
    ] + fuzzTargets.map { target in
        .executableTarget(
            name: target.name,
            dependencies: ["FuzzDriver"] + target.products.map { .product(name: $0, package: supportKit) },
            path: "Sources/\(target.name)"
        )
    },
    swiftLanguageModes: [.v6]
)
