import Benchmark
import Foundation
import KPIWorkload
import Metrics

// The KPI fold over the event log: one streaming pass over an in-memory log (the events and
// their message facts built before the measurement starts). Throughput is scaled to events:
// the fold of N events reads as N per iteration.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        maxDuration: .seconds(30),
        maxIterations: 5,
        // CI gates throughput only (scripts/benchmarks.sh), with room for a noisy shared machine.
        thresholds: [.throughput: BenchmarkThresholds(relative: [.p90: 50.0])]
    )
    for (name, count, scale) in [("kpi_fold_10m_events", 10_000_000, BenchmarkScalingFactor.mega),
                                 ("kpi_fold_1m_events", 1_000_000, BenchmarkScalingFactor.mega)] {
        Benchmark(name, configuration: .init(scalingFactor: scale)) { benchmark in
            let workload = KPIWorkload(events: count)
            benchmark.startMeasurement()
            var fold = KPIFold()
            fold.fold(workload.events)
            benchmark.stopMeasurement()
            blackHole(fold)
        }
    }
}
