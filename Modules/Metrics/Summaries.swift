import Foundation

/// Count, mean and exact nearest-rank percentiles of durations in seconds: p is the value
/// at rank ⌈p·n⌉ of the sorted values (so p50 of [1, 2] is 1, and of one value is that value).
public struct DurationSummary: Hashable, Sendable {
    /// How many values.
    public var count: Int
    /// Their mean.
    public var mean: Double
    /// Nearest-rank percentiles.
    public var p50: Double, p90: Double, p99: Double

    /// The summary of `values`; nil for none (a KPI with no data is null, never 0).
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        count = sorted.count
        mean = sorted.reduce(0, +) / Double(sorted.count)
        p50 = Self.nearestRank(perMille: 500, sorted)
        p90 = Self.nearestRank(perMille: 900, sorted)
        p99 = Self.nearestRank(perMille: 990, sorted)
    }

    /// The value at rank ⌈p·n⌉ (1-based) of sorted values, p given in per mille so the rank is
    /// exact integer arithmetic (0.9 × 10 is rank 9, not the 10 a binary float would round to).
    public static func nearestRank(perMille: Int, _ sorted: [Double]) -> Double {
        let rank = (perMille * sorted.count + 999) / 1000
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

/// Net Promoter Score: % promoters (9–10) minus % detractors (0–6) of 0–10 answers.
public struct NetPromoterScore: Hashable, Sendable {
    /// −100…100.
    public var score: Double
    /// Answers 9–10, 7–8, 0–6, and all.
    public var promoters: Int, passives: Int, detractors: Int, responses: Int

    /// The score of `answers` (scores outside 0–10 are not counted); nil with no answers.
    public init?(_ answers: [Int]) {
        let valid = answers.filter { (0...10).contains($0) }
        guard !valid.isEmpty else { return nil }
        promoters = valid.filter { $0 >= 9 }.count
        detractors = valid.filter { $0 <= 6 }.count
        passives = valid.count - promoters - detractors
        responses = valid.count
        score = (Double(promoters) - Double(detractors)) * 100 / Double(valid.count)
    }
}

/// Customer satisfaction: % of 4–5 answers on a 1–5 scale.
public struct SatisfactionScore: Hashable, Sendable {
    /// 0…100.
    public var score: Double
    /// Answers counted.
    public var responses: Int

    /// The score of `answers` (outside 1–5 not counted); nil with no answers.
    public init?(_ answers: [Int]) {
        let valid = answers.filter { (1...5).contains($0) }
        guard !valid.isEmpty else { return nil }
        responses = valid.count
        score = Double(valid.filter { $0 >= 4 }.count) * 100 / Double(valid.count)
    }
}
