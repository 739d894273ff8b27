import CPrefetch

/// An open-addressing hash table keyed by 128-bit fingerprints, with two
/// 32-bit values stored beside each key, so one lookup is one cache line.
///
/// Why not `Dictionary<MessageFingerprint, Int32>`: the standard dictionary
/// keeps keys and values in separate arrays, so a lookup that then reads the
/// node's thread touches three cache lines; at a million messages each is a
/// likely miss. Here the entry *is* the node: its index is the node number.
///
/// Linear probing, power-of-two capacity, at most 5/8 full. A key's probe starts at a
/// bucket mixed from *both* halves and a random seed of the table's own (``bucket(_:_:)``):
/// keys can be stable fingerprints, which anyone can make collide in one half (the subject and
/// quote keys), and choosing the bucket by `low` alone let such keys pile into one probe chain
/// (docs/reliability.md, "Attacker-chosen identifiers"). The all-zero key
/// marks an empty slot (a fingerprint that happens to be zero is stored as
/// `low = 1`). Growing moves entries, so indices change: ``grow(remap:)``
/// returns the old-to-new mapping for the caller to fix what it stored.
struct FingerprintTable {
    struct Entry {
        var high: UInt64
        var low: UInt64
        /// First value (for Message-ID nodes: the thread slot held, or -1).
        var first: Int32
        /// Second value (for Message-ID nodes: the message sequence, or -1).
        var second: Int32
    }

    private(set) var entries: [Entry]
    private(set) var count = 0
    private var mask: Int
    /// This table's bucket seed, drawn when it is made.
    private let seedHigh: UInt64
    private let seedLow: UInt64

    init(minimumCapacity: Int = 0) {
        let capacity = Self.capacity(for: minimumCapacity)
        entries = Array(repeating: Entry(high: 0, low: 0, first: -1, second: -1), count: capacity)
        mask = capacity - 1
        var generator = SystemRandomNumberGenerator()
        seedHigh = generator.next()
        seedLow = generator.next()
    }

    /// Where the probe for a key starts (before masking): a multiply-xorshift mix of both
    /// halves and the seed. Keys that differ only in `high` land apart; so do keys made to
    /// agree in `low`, since the seed decides the rest.
    @inline(__always)
    private func bucket(_ high: UInt64, _ low: UInt64) -> Int {
        var z = (high ^ seedHigh) &* 0x9E37_79B9_7F4A_7C15
        z ^= z &>> 32
        z = (z ^ low ^ seedLow) &* 0xD6E8_FEB8_6659_FD93
        z ^= z &>> 32
        return Int(truncatingIfNeeded: z)
    }

    private static func capacity(for count: Int) -> Int {
        var capacity = 16
        while capacity * 5 < count * 8 { capacity <<= 1 }
        return capacity
    }

    var capacity: Int { entries.count }

    /// Whether `additional` insertions would exceed the load limit.
    func needsGrowth(adding additional: Int) -> Bool { (count + additional) * 8 > entries.count * 5 }

    @inline(__always)
    private static func normalized(_ key: MessageFingerprint) -> (UInt64, UInt64) {
        key.high == 0 && key.low == 0 ? (0, 1) : (key.high, key.low)
    }

    /// The index of `key`, or nil.
    func find(_ key: MessageFingerprint) -> Int32? {
        let (high, low) = Self.normalized(key)
        let start = bucket(high, low)
        return entries.withUnsafeBufferPointer { buffer in
            var index = start & mask
            while true {
                let entry = buffer[index]
                if entry.high == high, entry.low == low { return Int32(index) }
                if entry.high == 0, entry.low == 0 { return nil }
                index = (index + 1) & mask
            }
        }
    }

    /// Hints the cache line where `key`'s probe starts.
    @inline(__always)
    func prefetch(_ key: MessageFingerprint) {
        let (high, low) = Self.normalized(key)
        let start = bucket(high, low)
        entries.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { supportkit_prefetch(base + (start & mask)) }
        }
    }

    /// The index of `key`, inserting it with both values -1 when absent.
    /// The caller keeps the table below its load limit (``needsGrowth(adding:)``).
    @inline(__always)
    mutating func intern(_ key: MessageFingerprint) -> (index: Int32, inserted: Bool) {
        let (high, low) = Self.normalized(key)
        let mask = mask
        let start = bucket(high, low)
        let (index, inserted) = entries.withUnsafeMutableBufferPointer { buffer -> (Int, Bool) in
            var index = start & mask
            while true {
                let entry = buffer[index]
                if entry.high == high, entry.low == low { return (index, false) }
                if entry.high == 0, entry.low == 0 {
                    buffer[index] = Entry(high: high, low: low, first: -1, second: -1)
                    return (index, true)
                }
                index = (index + 1) & mask
            }
        }
        if inserted { count += 1 }
        return (Int32(truncatingIfNeeded: index), inserted)
    }

    /// The first value at `index`.
    @inline(__always)
    subscript(first index: Int32) -> Int32 {
        get { entries[Int(index)].first }
        set { entries[Int(index)].first = newValue }
    }

    /// The second value at `index`.
    @inline(__always)
    subscript(second index: Int32) -> Int32 {
        get { entries[Int(index)].second }
        set { entries[Int(index)].second = newValue }
    }

    /// The key's high and low halves at `index`.
    func key(at index: Int32) -> (high: UInt64, low: UInt64) { (entries[Int(index)].high, entries[Int(index)].low) }

    /// Doubles the capacity (or more, to fit `additional` more keys) and
    /// returns, for every old index, the new index of its entry (-1 for empty slots).
    mutating func grow(adding additional: Int) -> [Int32] {
        let capacity = Self.capacity(for: max(count + additional, entries.count))
        var grown = Array(repeating: Entry(high: 0, low: 0, first: -1, second: -1), count: capacity)
        let newMask = capacity - 1
        var remap = Array(repeating: Int32(-1), count: entries.count)
        for (old, entry) in entries.enumerated() where entry.high != 0 || entry.low != 0 {
            var index = bucket(entry.high, entry.low) & newMask
            while grown[index].high != 0 || grown[index].low != 0 { index = (index + 1) & newMask }
            grown[index] = entry
            remap[old] = Int32(index)
        }
        entries = grown
        mask = newMask
        return remap
    }
}
