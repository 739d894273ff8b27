import Foundation

/// SplitMix64 (Steele, Lea and Flood, 2014), the one seeded generator of every benchmark
/// workload: small, fast, and the same sequence on every platform, so a workload is a function
/// of its seed.
///
/// The constants are the published ones (`0x9E3779B97F4A7C15`, `0xBF58476D1CE4E5B9`,
/// `0x94D049BB133111EB`). Before this target existed the suites kept copies, and three of them
/// (SLAEvaluation, SearchWorkload, KPIWorkload) had `0xBF58476D1CE5E9B9`; their workloads
/// changed when they moved here (docs/benchmarks.md).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's state; the next value depends on nothing else.
    public private(set) var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Uniform in 0..<n (n > 0), by the remainder (the bias is below 2⁻³² for the sizes used here).
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Zipf-distributed in 1...max with exponent s (inverse-CDF over a small table).
    public mutating func zipf(s: Double, max: Int) -> Int {
        var total = 0.0
        for k in 1...max { total += 1 / pow(Double(k), s) }
        var target = unit() * total
        for k in 1...max {
            target -= 1 / pow(Double(k), s)
            if target <= 0 { return k }
        }
        return max
    }
}
