/// The term dictionary: term bytes to term ids, looked up straight from the analyzer's UTF-8
/// bytes so that indexing makes no `String` (and hashes no `String`) for terms it has seen.
///
/// Open addressing with linear probing; each slot packs a 32-bit hash and the id + 1 (0 is
/// empty). Term bytes live in one arena. Removing a term only marks its id dead: the slot stays
/// as a tombstone, and a later ``insert(_:id:)`` of the same bytes takes a new slot.
struct TermDictionary: Sendable {
    private var slots: [UInt64] = Array(repeating: 0, count: 1024)
    private var arena: [UInt8] = []
    private var starts: [UInt32] = []
    private var lengths: [UInt16] = []
    private var dead: [Bool] = []
    private var occupied = 0

    /// The id of a term, if it is in the dictionary and not removed.
    func id(of term: UnsafeBufferPointer<UInt8>) -> UInt32? {
        let hash = Self.hash(term)
        let mask = slots.count - 1
        return slots.withUnsafeBufferPointer { slots in
            arena.withUnsafeBufferPointer { arena in
                var slot = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let entry = slots[slot]
                    if entry == 0 { return nil }
                    if UInt32(truncatingIfNeeded: entry >> 32) == hash {
                        let id = Int(UInt32(truncatingIfNeeded: entry) - 1)
                        if !dead[id], Self.equal(arena, Int(starts[id]), Int(lengths[id]), term) { return UInt32(id) }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    /// The id of a term given as a `String`.
    func id(of term: String) -> UInt32? {
        var term = term
        return term.withUTF8 { id(of: $0) }
    }

    subscript(term: String) -> UInt32? { id(of: term) }

    /// Adds a term (not in the dictionary) under `id`, which must be the number of terms added so far.
    mutating func insert(_ term: UnsafeBufferPointer<UInt8>, id: UInt32) {
        precondition(Int(id) == starts.count, "term ids are dense and increasing")
        if (occupied + 1) * 2 > slots.count { grow() }
        let hash = Self.hash(term)
        starts.append(UInt32(arena.count))
        let length = min(term.count, Int(UInt16.max))
        lengths.append(UInt16(length))
        arena.append(contentsOf: UnsafeBufferPointer(rebasing: term[0..<length]))
        dead.append(false)
        place(UInt64(hash) << 32 | UInt64(id + 1))
        occupied += 1
    }

    /// Marks a term's id removed (erasure): lookups no longer find it, and its bytes are zeroed.
    mutating func remove(id: UInt32) {
        guard Int(id) < dead.count else { return }
        dead[Int(id)] = true
        let start = Int(starts[Int(id)])
        for index in start..<(start + Int(lengths[Int(id)])) { arena[index] = 0 }
    }

    private mutating func place(_ entry: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: entry >> 32) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = entry
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: 0, count: old.count * 2)
        for entry in old where entry != 0 { place(entry) }
    }

    private static func equal(_ arena: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int, _ term: UnsafeBufferPointer<UInt8>) -> Bool {
        guard length == term.count else { return false }
        var index = 0
        while index < length {
            if arena[start + index] != term[index] { return false }
            index += 1
        }
        return true
    }

    /// The term's slot hash: the standard library's `Hasher` (SipHash-1-3 under a per-process
    /// random seed) over the bytes, cut to 32 bits (the low bits choose the slot). Terms are
    /// strangers' words, so the hash must be keyed: it was FNV-1a with a fixed finalizer, whose
    /// collisions anyone can compute, and colliding terms made one long probe chain
    /// (docs/reliability.md, "Attacker-chosen identifiers"). Never stored: the slots are
    /// rebuilt in each process.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        return UInt32(truncatingIfNeeded: hasher.finalize())
    }
}
