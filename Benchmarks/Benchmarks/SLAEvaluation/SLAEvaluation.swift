import Benchmark
import BenchmarkRandom
import CustomerModel
import Foundation
import Policy

// SLA evaluation of many open threads against a split-shift Stockholm calendar precomputed as a
// BusinessTimeline (2025-2028). The workload is deterministic: a fixed seed and a fixed "now".


private let now = Date(timeIntervalSince1970: 1_782_900_000)  // 2026-07-01

private func makeEvaluator() -> SLAEvaluator? {
    let split = [OpeningWindow(from: "08:00", to: "12:00"), OpeningWindow(from: "13:00", to: "17:00")]
    let calendar = BusinessCalendar(
        id: "stockholm", timeZone: "Europe/Stockholm",
        weekly: [.monday: split, .tuesday: split, .wednesday: split, .thursday: split, .friday: split],
        specialDays: [SpecialDay(date: "2026-06-19", name: "Midsommarafton")])
    let policy = SLAPolicy(targets: [
        SLATarget(firstReply: "8h", nextReply: "8h", resolution: "5d"),
        SLATarget(channel: .chat, firstReply: "5m", nextReply: "5m"),
        SLATarget(priority: .urgent, firstReply: "1h", nextReply: "2h", resolution: "1d"),
        SLATarget(tier: "vip", firstReply: "2h", nextReply: "4h"),
        SLATarget(priority: .high, tier: "enterprise-gold", firstReply: "1h", periodicUpdate: "1d", resolution: "3d"),
    ])
    guard let resolved = try? calendar.resolved() else { return nil }
    let timeline = BusinessTimeline(resolved, span: OpenInterval(
        start: Date(timeIntervalSince1970: 1_735_689_600), end: Date(timeIntervalSince1970: 1_830_297_600)))
    return try? SLAEvaluator(policy: policy, hours: timeline)
}

private func makeThreads(_ count: Int) -> [SLAThreadSnapshot] {
    var rng = SplitMix64(seed: 2026)
    let tiers: [CustomerTier] = [.standard, .standard, .standard, "vip", "enterprise-gold"]
    var threads: [SLAThreadSnapshot] = []
    threads.reserveCapacity(count)
    for _ in 0..<count {
        let opened = now.addingTimeInterval(-Double(Int.random(in: 60...(20 * 86_400), using: &rng)))
        var thread = SLAThreadSnapshot(
            priority: TicketPriority.allCases[Int.random(in: 0..<4, using: &rng)],
            channel: ChannelKind.allCases[Int.random(in: 0..<ChannelKind.allCases.count, using: &rng)],
            tier: tiers[Int.random(in: 0..<tiers.count, using: &rng)], openedAt: opened)
        if Bool.random(using: &rng) {
            let reply = opened.addingTimeInterval(Double(Int.random(in: 60...now.timeIntervalSince(opened).asInt, using: &rng)))
            thread.firstAgentReplyAt = reply
            thread.lastAgentMessageAt = reply
            if Int.random(in: 0..<4, using: &rng) == 0 {
                thread.slaStatus = .pendingCustomer
                thread.pendingPeriods = [PendingPeriod(start: reply)]
            } else {
                thread.lastCustomerMessageAt = reply.addingTimeInterval(Double(Int.random(in: 0...now.timeIntervalSince(reply).asInt, using: &rng)))
            }
        }
        threads.append(thread)
    }
    return threads
}

extension TimeInterval {
    fileprivate var asInt: Int { Swift.max(60, Int(self)) }
}

private func run(_ benchmark: Benchmark, threads: [SLAThreadSnapshot], evaluator: SLAEvaluator) {
    benchmark.startMeasurement()
    var breached = 0
    for thread in threads {
        let evaluation = evaluator.evaluate(thread, at: now)
        if evaluation.firstReply?.status == .breached { breached &+= 1 }
        blackHole(evaluation)
    }
    benchmark.stopMeasurement()
    blackHole(breached)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(20),
        maxIterations: 5,
        // CI gates throughput only (scripts/benchmarks.sh), with room for a noisy shared machine.
        thresholds: [.throughput: BenchmarkThresholds(relative: [.p90: 50.0])]
    )
    // Throughput: the 1M run is scaled so one iteration counts 10^6 evaluations (reads as M evaluations/s);
    // the 100k run reports iterations/s (× 100 000 = evaluations/s).
    for (name, count, scale) in [("sla_evaluation_1m", 1_000_000, BenchmarkScalingFactor.mega),
                                 ("sla_evaluation_100k", 100_000, BenchmarkScalingFactor.one)] {
        Benchmark(name, configuration: .init(scalingFactor: scale)) { benchmark in
            // Built outside the measured region (startMeasurement is called inside run).
            guard let evaluator = makeEvaluator() else { return }
            let threads = makeThreads(count)
            run(benchmark, threads: threads, evaluator: evaluator)
        }
    }
}
