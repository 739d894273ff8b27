import Benchmark
import Foundation
import Localization
import SupportWorkload

// The texts of the support-mail workload: short multilingual messages (sv, fi,
// de, it, da, nl, en vocabulary), generated on first use.
let texts10k: [String] = SupportMailWorkload(count: 10_000, seed: 11).messages.map(\.text)

let benchmarks: @Sendable () -> Void = {
    let megabytesPerSecond = BenchmarkMetric.custom("MB_per_s", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        warmupIterations: 1,
        maxDuration: .seconds(20),
        maxIterations: 20,
        thresholds: [.throughput: BenchmarkThresholds(relative: [.p90: 50.0])]
    )

    Benchmark("language_id_10k", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let model = LanguageModel.shared
        let texts = texts10k
        benchmark.startMeasurement()
        for text in texts { blackHole(model.identify(text).language) }
        benchmark.stopMeasurement()
    }

    Benchmark("text_analysis_10k", configuration: .init(
        metrics: [.wallClock, .throughput, megabytesPerSecond], scalingFactor: .kilo)
    ) { benchmark in
        let analyzers = ["sv", "fi", "de", "it", "da", "nl", "en"].map { StandardAnalyzer(language: $0) }
        let texts = texts10k
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        let clock = ContinuousClock()
        benchmark.startMeasurement()
        let started = clock.now
        for (index, text) in texts.enumerated() { blackHole(analyzers[index % analyzers.count].tokens(in: text).count) }
        let elapsed = clock.now - started
        benchmark.stopMeasurement()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        benchmark.measurement(megabytesPerSecond, Int(Double(bytes) / 1_000_000 / seconds))
    }
}
