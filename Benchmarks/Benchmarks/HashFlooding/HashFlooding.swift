import Benchmark
import BenchmarkRandom
import Conversation
import CustomerModel
import Foundation
import SupportWorkload

// Hash flooding (issue 15, item 2): the ThreadMerging workload threaded twice, once with every
// Message-ID replaced by a random id and once by an id crafted to collide under the unseeded
// Message-ID fingerprint that HelpdeskThreading used before it was keyed (see
// docs/reliability.md, "Attacker-chosen identifiers"). Both id sets have the same length and
// alphabet, so the only difference between the two runs is where the ids land in the tables.

/// The `low` half of the unseeded Message-ID fingerprint (its second lane), as it was before
/// the fingerprint was keyed: the half `FingerprintTable` chose buckets by (`low & mask`) and
/// `MessageFingerprint.hash(into:)` fed to `Hasher`. Every step is a bijection, so it can be
/// run backwards: that is what makes crafting colliding ids cheap.
enum UnseededLowLane {
    static let laneMultiplier: UInt64 = 0x94D0_49BB_1331_11EB
    static let finalMultiplier: UInt64 = 0xC4CE_B9FE_1A85_EC53
    static let innerMultiplier: UInt64 = 0xBF58_476D_1CE4_E5B9

    static func mix(_ value: UInt64, _ multiplier: UInt64) -> UInt64 {
        var z = value &* multiplier
        z ^= z >> 29
        z = z &* innerMultiplier
        return z ^ (z >> 32)
    }

    static func unmix(_ value: UInt64, _ multiplier: UInt64) -> UInt64 {
        var z = value ^ (value >> 32)
        z = z &* inverse(innerMultiplier)
        z ^= (z >> 29) ^ (z >> 58)
        return z &* inverse(multiplier)
    }

    /// The multiplicative inverse of an odd number modulo 2⁶⁴ (Newton's iteration).
    static func inverse(_ odd: UInt64) -> UInt64 {
        var x = odd
        for _ in 0..<5 { x = x &* (2 &- odd &* x) }
        return x
    }

    /// The little-endian word of up to eight bytes, as the fingerprint packs them.
    static func word(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var word: UInt64 = 0
        for (index, byte) in bytes.enumerated() { word |= UInt64(byte) << (8 * UInt64(index)) }
        return word
    }

    /// The lane's state after all of `bytes` (before the final mix).
    static func state(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xC2B2_AE3D_27D4_EB4F &+ UInt64(bytes.count)
        var offset = 0
        while offset < bytes.count {
            h = mix(h &+ word(bytes[offset..<min(offset + 8, bytes.count)]), laneMultiplier)
            offset += 8
        }
        return h
    }

    /// The fingerprint's `low` half of `bytes`.
    static func low(_ bytes: [UInt8]) -> UInt64 { mix(state(bytes), finalMultiplier) }
}

/// Message-IDs of one shape, `<16 chars><8 chars>@flood.example` (38 bytes, printable ASCII
/// without `<>@"\` and space), either random or all with the same unseeded `low` half.
struct FloodIDs {
    static let alphabet: [UInt8] = (0x21...0x7E).map { UInt8($0) }.filter { !"<>@\"\\".utf8.contains($0) }
    static let suffix = Array("@flood.example".utf8)
    static let length = 16 + 8 + suffix.count
    /// The lane state every crafted id ends in (any value would do).
    static let target: UInt64 = 0x0123_4567_89AB_CDEF

    private var random: SplitMix64
    private var allowed = [Bool](repeating: false, count: 256)
    /// The state the free word must leave: the target run back through the suffix's words.
    private let required: UInt64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
        for byte in Self.alphabet { allowed[Int(byte)] = true }
        var state = Self.target
        // The suffix's words, last first (bytes 24..<32 and 32..<38).
        let tail = Self.suffix
        state = UnseededLowLane.unmix(state, UnseededLowLane.laneMultiplier) &- UnseededLowLane.word(tail[8...])
        state = UnseededLowLane.unmix(state, UnseededLowLane.laneMultiplier) &- UnseededLowLane.word(tail[0..<8])
        required = UnseededLowLane.unmix(state, UnseededLowLane.laneMultiplier)
    }

    private mutating func printableWord() -> UInt64 {
        var bits = random.next()
        var word: UInt64 = 0
        for index in 0..<8 {
            word |= UInt64(Self.alphabet[Int(bits % UInt64(Self.alphabet.count))]) << (8 * UInt64(index))
            bits /= UInt64(Self.alphabet.count)
        }
        return word
    }

    private static func string(_ words: [UInt64]) -> String {
        var bytes: [UInt8] = []
        for word in words { for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: word >> (8 * UInt64(index)))) } }
        return String(decoding: bytes + suffix, as: UTF8.self)
    }

    /// A random id of the shape.
    mutating func randomID() -> String { Self.string([printableWord(), printableWord(), printableWord()]) }

    /// An id whose unseeded `low` half is every other crafted id's: a random first word, then
    /// second words (their two low bytes counted through the alphabet) until the free third
    /// word that reaches the target is printable (about one try in 4,700 with this alphabet).
    mutating func craftedID() -> String {
        let first = printableWord()
        let afterFirst = UnseededLowLane.mix(
            (0xC2B2_AE3D_27D4_EB4F &+ UInt64(Self.length)) &+ first, UnseededLowLane.laneMultiplier)
        let alphabet = Self.alphabet
        let required = required
        while true {
            let upper = printableWord() & ~0xFFFF
            let found: UInt64? = allowed.withUnsafeBufferPointer { allowed in
                for byte1 in alphabet {
                    for byte0 in alphabet {
                        let second = upper | UInt64(byte1) << 8 | UInt64(byte0)
                        let free = required &- UnseededLowLane.mix(afterFirst &+ second, UnseededLowLane.laneMultiplier)
                        var index: UInt64 = 0
                        while index < 8, allowed[Int(UInt8(truncatingIfNeeded: free &>> (8 &* index)))] { index &+= 1 }
                        if index == 8 { return second }
                    }
                }
                return nil
            }
            if let second = found {
                return Self.string([first, second, required &- UnseededLowLane.mix(afterFirst &+ second, UnseededLowLane.laneMultiplier)])
            }
        }
    }
}

/// The workload with every Message-ID (own, In-Reply-To, References) mapped to a new id.
func rewritingIDs(_ workload: SupportMailWorkload, crafted: Bool, seed: UInt64) -> [SupportMessage] {
    var ids = FloodIDs(seed: seed)
    var mapping: [String: String] = [:]
    var used = Set<String>()
    func mapped(_ id: String) -> String {
        if let known = mapping[id] { return known }
        var fresh = crafted ? ids.craftedID() : ids.randomID()
        while used.contains(fresh) { fresh = crafted ? ids.craftedID() : ids.randomID() }
        used.insert(fresh)
        mapping[id] = fresh
        return fresh
    }
    return workload.messages.map { message in
        var message = message
        let own = mapped(message.headers.messageID ?? message.id.rawValue)
        message.id = MessageID(own)
        message.headers = ThreadingHeaders(
            messageID: own, inReplyTo: message.headers.inReplyTo.map(mapped), references: message.headers.references.map(mapped))
        return message
    }
}

/// The workload's messages with random or crafted ids, and what scoring needs.
struct FloodCorpus: Sendable {
    let messages: [SupportMessage]
    let truth: [Int32]
    let directory: SingleBuyerDirectory

    init(count: Int, crafted: Bool) {
        let workload = SupportMailWorkload(count: count, seed: 7)
        messages = rewritingIDs(workload, crafted: crafted, seed: 15)
        truth = workload.truth
        directory = workload.directory()
    }
}

// Generated on first use, so --filter builds only the corpus asked for (crafting 100k ids
// takes some seconds: about 4,700 tries per id).
let random100k = FloodCorpus(count: 100_000, crafted: false)
let crafted100k = FloodCorpus(count: 100_000, crafted: true)
let random10k = FloodCorpus(count: 10_000, crafted: false)
let crafted10k = FloodCorpus(count: 10_000, crafted: true)

let benchmarks: @Sendable () -> Void = {
    let f1 = BenchmarkMetric.custom("f1_ppm", polarity: .prefersLarger, useScalingFactor: false)
    let distinctLow = BenchmarkMetric.custom("distinct_unseeded_low", polarity: .prefersLarger, useScalingFactor: false)
    let messagesPerSecond = BenchmarkMetric.custom("k_msg_per_s", polarity: .prefersLarger, useScalingFactor: false)

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput],
        warmupIterations: 1,
        maxDuration: .seconds(60),
        maxIterations: 5,
        thresholds: [.throughput: BenchmarkThresholds(relative: [.p90: 50.0])]
    )

    // 100k: the figures in docs/benchmarks.md. 10k: the CI gate (short enough to gate even
    // when the ids collide); its thresholds are in Benchmarks/Thresholds/.
    for (label, scaling, maxIterations) in [("100k", BenchmarkScalingFactor.kilo, 5), ("10k", .kilo, 20)] {
        for crafted in [false, true] {
            let name = "hash_flooding_\(label)_\(crafted ? "crafted" : "random")_ids"
            Benchmark(name, configuration: .init(
                metrics: [.wallClock, .throughput, messagesPerSecond, f1, distinctLow], scalingFactor: scaling,
                maxIterations: maxIterations)
            ) { benchmark in
                let corpus = label == "100k" ? (crafted ? crafted100k : random100k) : (crafted ? crafted10k : random10k)
                let messages = corpus.messages
                var engine = HelpdeskThreading()
                engine.reserveCapacity(messages: messages.count)
                let clock = ContinuousClock()
                benchmark.startMeasurement()
                let started = clock.now
                blackHole(engine.assign(contentsOf: messages, directory: corpus.directory))
                let elapsed = clock.now - started
                benchmark.stopMeasurement()
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                benchmark.measurement(messagesPerSecond, Int(Double(messages.count) / seconds / 1000))
                // The ids only change names: threading must find the same threads either way.
                benchmark.measurement(f1, Int(PairwiseScore(predicted: engine.assignments, truth: corpus.truth).f1 * 1_000_000))
                let lows = Set(messages.prefix(1000).map { UnseededLowLane.low(Array(($0.headers.messageID ?? "").utf8)) })
                benchmark.measurement(distinctLow, lows.count)
            }
        }
    }
}
