import Benchmark
import Foundation
import KPIWorkload
import Metrics

// The KPI fold over the event log: one streaming pass over an in-memory log (the events and
// their message facts built before the measurement starts).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        maxDuration: .seconds(30),
        maxIterations: 5,
        // CI gates throughput only (scripts/benchmarks.sh), with room for a noisy shared machine.
        thresholds: [.throughput: BenchmarkThresholds(relative: [.p90: 50.0])]
    )
    // kpi_fold_10m_events: time per event (scaled by 10^6: ns per event × 10^6 = the run); the
    // CI-gated kpi_fold_100k_events reads iterations/s (× 100 000 = events/s).
    for (name, count, scale) in [("kpi_fold_10m_events", 10_000_000, BenchmarkScalingFactor.mega),
                                 ("kpi_fold_100k_events", 100_000, BenchmarkScalingFactor.one)] {
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
