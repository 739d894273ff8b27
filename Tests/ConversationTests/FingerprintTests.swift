import Testing
@testable import Conversation
import TestSupport

@Suite("Message-ID fingerprints and their table")
struct FingerprintTests {
    /// The word-at-a-time path must give the byte loop's fingerprint: derived
    /// Message-IDs are stored, so the function may never change.
    @Test func contiguousAndByteLoopAgree() {
        var random = SplitMix64(seed: 5)
        for length in 0..<80 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let byteLoop = MessageFingerprint(bytes.lazy.map { $0 })  // not contiguous: the byte loop
            let contiguous = bytes.withUnsafeBufferPointer { MessageFingerprint(contiguous: $0) }
            #expect(byteLoop == contiguous, "length \(length)")
            #expect(MessageFingerprint(bytes) == contiguous)
        }
    }

    @Test func tableFindsWhatItInternedAcrossGrowth() {
        var table = FingerprintTable()
        var indices: [Int32] = []
        var remapped = 0
        for value in 0..<5_000 {
            if table.needsGrowth(adding: 1) {
                let remap = table.grow(adding: 1)
                indices = indices.map { remap[Int($0)] }
                remapped += 1
            }
            let (index, inserted) = table.intern(MessageFingerprint("id\(value)@x"))
            #expect(inserted)
            table[first: index] = Int32(value)
            indices.append(index)
        }
        #expect(remapped > 0)
        for value in 0..<5_000 {
            let index = table.find(MessageFingerprint("id\(value)@x"))
            #expect(index == indices[value])
            #expect(index.map { table[first: $0] } == Int32(value))
            #expect(table.intern(MessageFingerprint("id\(value)@x")).inserted == false)
        }
        #expect(table.find(MessageFingerprint("absent@x")) == nil)
        #expect(table.count == 5_000)
    }
}

/// Ids whose stable (unkeyed) fingerprints share their `low` half, built by running the lane
/// backwards from a target state, as an attacker can: the stable fingerprint is public.
enum CollidingIDs {
    static func mix(_ value: UInt64, _ multiplier: UInt64) -> UInt64 {
        var z = value &* multiplier
        z ^= z >> 29
        z = z &* 0xBF58_476D_1CE4_E5B9
        return z ^ (z >> 32)
    }

    static func unmix(_ value: UInt64, _ multiplier: UInt64) -> UInt64 {
        var z = value ^ (value >> 32)
        z = z &* inverse(0xBF58_476D_1CE4_E5B9)
        z ^= (z >> 29) ^ (z >> 58)
        return z &* inverse(multiplier)
    }

    static func inverse(_ odd: UInt64) -> UInt64 {
        var x = odd
        for _ in 0..<5 { x = x &* (2 &- odd &* x) }
        return x
    }

    /// `count` distinct 16-byte ids (a random first word, a computed second) with one stable `low`.
    static func make(_ count: Int, seed: UInt64) -> [[UInt8]] {
        var random = SplitMix64(seed: seed)
        let lane: UInt64 = 0x94D0_49BB_1331_11EB
        let start: UInt64 = 0xC2B2_AE3D_27D4_EB4F &+ 16
        let required = unmix(0x0123_4567_89AB_CDEF, lane)
        return (0..<count).map { _ in
            let first = random.next()
            let second = required &- mix(start &+ first, lane)
            return (0..<8).map { UInt8(truncatingIfNeeded: first >> (8 * UInt64($0))) }
                + (0..<8).map { UInt8(truncatingIfNeeded: second >> (8 * UInt64($0))) }
        }
    }
}

@Suite("Attacker-chosen identifiers")
struct HashFloodingTests {
    /// The stable fingerprint is stored (derived Message-IDs, the stored index's keys): these
    /// values were computed before keying was added and must never change.
    @Test(arguments: [
        ("", 0xA3AA_72E2_89F3_6D81 as UInt64, 0x6400_7E36_89D8_7328 as UInt64),
        ("a", 0x96C0_E825_1333_0F10, 0x05E8_5DCF_3C78_8C41),
        ("t0.m0.123456@mail.example", 0xF0FE_0DD8_36D2_0F9E, 0x0CB1_9063_F189_5E67),
        ("<0123456789abcdef0123456789abcdef>", 0x7713_1EA1_5EAB_1B59, 0x37AD_93F2_10D0_C8A1),
    ])
    func stableFingerprintKeepsItsValues(id: String, high: UInt64, low: UInt64) {
        #expect(MessageFingerprint(id) == MessageFingerprint(high: high, low: low))
    }

    @Test func keyedFingerprintIsConsistentAndNotTheStableOne() {
        for id in ["", "a", "t0.m0.123456@mail.example"] {
            #expect(MessageFingerprint(keyed: id) == MessageFingerprint(keyed: id))
            #expect(MessageFingerprint(keyed: id) != MessageFingerprint(id))
        }
    }

    @Test func craftedIDsCollideOnlyUnderTheStableFingerprint() {
        let ids = CollidingIDs.make(500, seed: 15)
        #expect(Set(ids).count == 500)
        #expect(Set(ids.map { MessageFingerprint($0).low }).count == 1)
        #expect(Set(ids.map { $0.withUnsafeBufferPointer { MessageFingerprint(keyed: $0).low } }).count == 500)
    }

    /// Keys that agree in `low` (stable fingerprints, as the subject and quote keys are) must not
    /// form one probe chain: the table's bucket mixes both halves with its own seed.
    @Test func keysAgreeingInLowDoNotFormOneProbeChain() {
        let keys = CollidingIDs.make(500, seed: 16).map { MessageFingerprint($0) }
        var table = FingerprintTable(minimumCapacity: 500)
        for key in keys { _ = table.intern(key) }
        #expect(table.count == 500)
        for key in keys { #expect(table.find(key) != nil) }
        var longest = 0
        var run = 0
        for entry in table.entries + table.entries {  // twice: a run may wrap around
            run = entry.high == 0 && entry.low == 0 ? 0 : run + 1
            longest = max(longest, min(run, table.capacity))
        }
        #expect(longest < 60, "longest run of occupied slots: \(longest) of \(table.capacity)")
    }
}
