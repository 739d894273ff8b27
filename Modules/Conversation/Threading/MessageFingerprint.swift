/// A 128-bit fingerprint of a Message-ID, the key the threading engine interns ids by.
///
/// Why not the string: a million Message-IDs as `String` keys cost ~90 bytes
/// each and a heap string comparison (a cache miss) per lookup. Two
/// independently seeded 64-bit hashes make an accidental collision between n
/// ids about n²/2¹²⁹ likely (≈ 10⁻²⁷ for a million), far below the chance of a
/// client reusing a Message-ID, which threading already tolerates; and a
/// collision could still never join two parties' threads, which the owner check
/// forbids independently.
///
/// Two forms (docs/reliability.md, "Attacker-chosen identifiers"):
/// - **Stable** (``init(contiguous:)`` and the other initialisers): the same value in every
///   process, for what is stored or derived into stored values (derived Message-IDs, the
///   stored threading index's subject and quote keys). Every step is a bijection, so anyone
///   can compute ids that collide in a chosen half: it must not pick table buckets by itself.
/// - **Keyed** (``init(keyed:)``): both lanes start from a per-process random key, so nobody
///   outside the process can compute which ids collide. The in-memory engine
///   (`HelpdeskThreading`) keys Message-IDs and parties this way; it never stores them.
struct MessageFingerprint: Hashable {
    private(set) var high: UInt64
    private(set) var low: UInt64

    init<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if let fingerprint = bytes.withContiguousStorageIfAvailable({ Self(contiguous: $0) }) {
            self = fingerprint
            return
        }
        var h1: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var h2: UInt64 = 0xC2B2_AE3D_27D4_EB4F &+ UInt64(bytes.count)
        var word: UInt64 = 0
        var filled = 0
        for byte in bytes {
            word |= UInt64(byte) << (8 * UInt64(filled))
            filled += 1
            if filled == 8 {
                h1 = Self.mix(h1 ^ word, 0xBF58_476D_1CE4_E5B9)
                h2 = Self.mix(h2 &+ word, 0x94D0_49BB_1331_11EB)
                word = 0
                filled = 0
            }
        }
        if filled > 0 {
            h1 = Self.mix(h1 ^ word, 0xBF58_476D_1CE4_E5B9)
            h2 = Self.mix(h2 &+ word, 0x94D0_49BB_1331_11EB)
        }
        high = Self.mix(h1, 0xFF51_AFD7_ED55_8CCD)
        low = Self.mix(h2, 0xC4CE_B9FE_1A85_EC53)
    }

    /// The same fingerprint as the generic initialiser, eight bytes per step
    /// (a little-endian load packs bytes exactly as the byte loop does).
    init(contiguous bytes: UnsafeBufferPointer<UInt8>) {
        self.init(bytes, seeds: 0x9E37_79B9_7F4A_7C15, 0xC2B2_AE3D_27D4_EB4F)
    }

    /// The keyed fingerprint of `bytes`: the stable one's steps, from the process's random key
    /// (``Key/process``) instead of fixed starting values. Equal bytes give equal fingerprints
    /// within a process; which bytes collide cannot be worked out from outside it. Never store it.
    init(keyed bytes: UnsafeBufferPointer<UInt8>) {
        let key = Key.process
        self.init(bytes, seeds: key.high, key.low)
    }

    /// The keyed fingerprint of a string's UTF-8 bytes (``init(keyed:)``).
    init(keyed id: String) {
        var id = id
        self = id.withUTF8 { MessageFingerprint(keyed: $0) }
    }

    /// A per-process random key, drawn once from the system's generator.
    struct Key: Sendable {
        let high: UInt64
        let low: UInt64

        /// This process's key.
        static let process: Key = {
            var generator = SystemRandomNumberGenerator()
            return Key(high: generator.next(), low: generator.next())
        }()
    }

    @inline(__always)
    private init(_ bytes: UnsafeBufferPointer<UInt8>, seeds seedHigh: UInt64, _ seedLow: UInt64) {
        let count = bytes.count
        var h1: UInt64 = seedHigh ^ UInt64(count)
        var h2: UInt64 = seedLow &+ UInt64(count)
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            var offset = 0
            while offset &+ 8 <= count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                h1 = Self.mix(h1 ^ word, 0xBF58_476D_1CE4_E5B9)
                h2 = Self.mix(h2 &+ word, 0x94D0_49BB_1331_11EB)
                offset &+= 8
            }
            let rest = count &- offset
            if rest > 0 {
                var word: UInt64
                if count >= 8 {
                    // The last eight bytes, shifted so that only the rest remains (as the byte loop packs them).
                    let last = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self))
                    word = last &>> UInt64(8 &* (8 &- rest))
                } else {
                    word = 0
                    for index in 0..<rest { word |= UInt64(base[offset &+ index]) &<< UInt64(8 &* index) }
                }
                h1 = Self.mix(h1 ^ word, 0xBF58_476D_1CE4_E5B9)
                h2 = Self.mix(h2 &+ word, 0x94D0_49BB_1331_11EB)
            }
        }
        high = Self.mix(h1, 0xFF51_AFD7_ED55_8CCD)
        low = Self.mix(h2, 0xC4CE_B9FE_1A85_EC53)
    }

    /// A fingerprint from its halves (one built elsewhere, such as a quote's).
    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    init(_ id: String) {
        var id = id
        self = id.withUTF8 { MessageFingerprint($0) }
    }

    /// Mixes `value` into both halves: a key derived from this one (a
    /// subject's fingerprint within a party, say).
    mutating func mixIn(_ value: UInt64) {
        high = Self.mix(high ^ value, 0xBF58_476D_1CE4_E5B9)
        low = Self.mix(low &+ value, 0x94D0_49BB_1331_11EB)
    }

    private static func mix(_ value: UInt64, _ multiplier: UInt64) -> UInt64 {
        var z = value &* multiplier
        z ^= z >> 29
        z = z &* 0xBF58_476D_1CE4_E5B9
        return z ^ (z >> 32)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(high)
        hasher.combine(low)
    }

    // The fingerprint is already a well-mixed hash, so tables use it directly,
    // mixed with their seed, instead of running SipHash over it again: that
    // was a tenth of the threading hot path. Both halves count: stable
    // fingerprints whose `low` halves were made to collide then still spread.
    func _rawHashValue(seed: Int) -> Int {
        let mixedHigh = Self.mix(high ^ UInt64(truncatingIfNeeded: seed), 0x9E37_79B9_7F4A_7C15)
        return Int(truncatingIfNeeded: Self.mix(low ^ mixedHigh, 0xD6E8_FEB8_6659_FD93))
    }
}
