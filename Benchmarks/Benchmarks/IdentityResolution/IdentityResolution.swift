import Benchmark
import CustomerModel
import Foundation

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(10),
        maxIterations: 5
    )
    Benchmark("identity_resolution_placeholder") { benchmark in
        var graph = IdentityGraph()
        for _ in benchmark.scaledIterations { blackHole(graph.add("x")) }
    }
}
