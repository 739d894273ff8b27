import Benchmark
import Conversation
import CustomerModel
import Foundation
import SupportWorkload

// Generated on first use (Swift globals are lazy), so running one benchmark
// with --filter does not generate every size.
let workload100k = SupportMailWorkload(count: 100_000, seed: 7)
let workload1M = SupportMailWorkload(count: 1_000_000, seed: 7)
let directory100k = workload100k.directory()
let directory1M = workload1M.directory()
let mbox100k = workload100k.mbox()
let mbox1M = workload1M.mbox()

let benchmarks: @Sendable () -> Void = {
    let precision = BenchmarkMetric.custom("precision_ppm", polarity: .prefersLarger, useScalingFactor: false)
    let recall = BenchmarkMetric.custom("recall_ppm", polarity: .prefersLarger, useScalingFactor: false)
    let f1 = BenchmarkMetric.custom("f1_ppm", polarity: .prefersLarger, useScalingFactor: false)
    let bytesPerMessage = BenchmarkMetric.custom("bytes_per_message", polarity: .prefersSmaller, useScalingFactor: false)
    let parseMBps = BenchmarkMetric.custom("parse_MB_per_s", polarity: .prefersLarger, useScalingFactor: false)

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        warmupIterations: 1,
        maxDuration: .seconds(30),
        maxIterations: 5,
        thresholds: [.throughput: BenchmarkThresholds(relative: [.p90: 50.0])]
    )

    for (label, count, scaling) in [("100k", 100_000, BenchmarkScalingFactor.kilo), ("1M", 1_000_000, .mega)] {

        // Threading throughput on pre-parsed messages; quality and memory recorded alongside.
        Benchmark("threading_\(label)", configuration: .init(
            metrics: [.wallClock, .throughput, .peakMemoryResident, precision, recall, f1, bytesPerMessage],
            scalingFactor: scaling)
        ) { benchmark in
            let workload = count == 100_000 ? workload100k : workload1M
            let directory = count == 100_000 ? directory100k : directory1M
            var engine = HelpdeskThreading()
            engine.reserveCapacity(messages: count)
            // The batch entry point borrows each message in place; a cross-module loop
            // copies each message (a dozen retains), a third of the cost of threading it.
            let messages = workload.messages
            benchmark.startMeasurement()
            blackHole(engine.assign(contentsOf: messages, directory: directory))
            benchmark.stopMeasurement()
            let score = PairwiseScore(predicted: engine.assignments, truth: workload.truth)
            benchmark.measurement(precision, Int(score.precision * 1_000_000))
            benchmark.measurement(recall, Int(score.recall * 1_000_000))
            benchmark.measurement(f1, Int(score.f1 * 1_000_000))
            benchmark.measurement(bytesPerMessage, engine.approximateByteCount / count)
        }

        // Parsing throughput: split the mbox and parse every message (headers, MIME, QP, quotes).
        Benchmark("mail_parsing_\(label)", configuration: .init(
            metrics: [.wallClock, .throughput, parseMBps], scalingFactor: scaling)
        ) { benchmark in
            let mbox = count == 100_000 ? mbox100k : mbox1M
            let parser = MailParser()
            let clock = ContinuousClock()
            benchmark.startMeasurement()
            let started = clock.now
            for raw in MailboxReader.mbox(mbox, path: "bench.mbox") { blackHole(try? parser.parse(raw.bytes)) }
            let elapsed = clock.now - started
            benchmark.stopMeasurement()
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            benchmark.measurement(parseMBps, Int(Double(mbox.count) / 1_000_000 / seconds))
        }
    }

    // The CI gate for parsing: the first 10k messages of the 100k corpus, so one
    // iteration is short enough for iterations/s to resolve a regression.
    Benchmark("mail_parsing_10k", configuration: .init(metrics: [.wallClock, .throughput, parseMBps], maxIterations: 20)) { benchmark in
        let raws = Array(MailboxReader.mbox(mbox100k, path: "bench.mbox").prefix(10_000))
        let bytes = raws.reduce(0) { $0 + $1.bytes.count }
        let parser = MailParser()
        let clock = ContinuousClock()
        benchmark.startMeasurement()
        let started = clock.now
        for raw in raws { blackHole(try? parser.parse(raw.bytes)) }
        let elapsed = clock.now - started
        benchmark.stopMeasurement()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        benchmark.measurement(parseMBps, Int(Double(bytes) / 1_000_000 / seconds))
    }
}
