// swift-tools-version: 6.1
//
// An example, not a product: a desk whose live metrics (SupportDesk.DeskLiveMetrics, through
// swift-metrics) are served to Prometheus by swift-prometheus. Its own package, so that a host
// of SupportKit never resolves swift-prometheus.

import PackageDescription

let package = Package(
    name: "PrometheusDesk",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "SupportKit", path: "../.."),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .executableTarget(
            name: "prometheus-desk",
            dependencies: [
                .product(name: "SupportDesk", package: "SupportKit"),
                .product(name: "SQLiteStorage", package: "SupportKit"),
                .product(name: "Conversation", package: "SupportKit"),
                .product(name: "CustomerModel", package: "SupportKit"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Sources/PrometheusDesk",
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        )
    ]
)
