import CStemmer
import Synchronization

/// A Snowball stemmer for one algorithm, backed by the reference C library (libstemmer).
///
/// libstemmer's stemmer objects keep per-call state, so one object must never be used by
/// two threads at once. This type keeps a small pool of them behind a mutex: a call takes
/// one out, stems outside the lock, and puts it back, so the type is safe to share across
/// tasks and the C objects are reused instead of created per word. The same lock guards a
/// small stem cache (see ``stem(utf8:into:)``).
public final class SnowballStemmer: Sendable {
    /// The Snowball algorithm name (`"swedish"`, `"norwegian"`, `"english"`, ...).
    public let algorithm: String
    private let state: Mutex<StemmerState>

    /// Creates a stemmer, or returns `nil` when libstemmer has no algorithm of that name
    /// (see ``SnowballStemmer/availableAlgorithms``).
    public init?(algorithm: String) {
        guard let first = sb_stemmer_new(algorithm, "UTF_8") else { return nil }
        self.algorithm = algorithm
        self.state = Mutex(StemmerState(handles: [StemmerHandle(pointer: first)]))
    }

    deinit {
        state.withLock { state in
            for handle in state.handles { sb_stemmer_delete(handle.pointer) }
            state.handles.removeAll()
        }
    }

    /// The algorithm names the linked libstemmer provides.
    public static var availableAlgorithms: [String] {
        var names: [String] = []
        guard let list = sb_stemmer_list() else { return names }
        var index = 0
        while let name = list[index] {
            names.append(String(cString: name))
            index += 1
        }
        return names
    }

    /// Replaces `output`'s contents with the stem of one lower-cased UTF-8 word.
    ///
    /// Running text repeats words (Zipf), so recent stems of words up to
    /// ``StemCache/maxWordBytes`` bytes are kept in a small direct-mapped cache: a hit costs
    /// one uncontended lock and a copy instead of a run of the stemmer. An empty word, or a
    /// stemmer that cannot be created (out of memory), yields the word unchanged.
    public func stem(utf8 word: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        output.removeAll(keepingCapacity: true)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: word.count * 2 + 16) { scratch in
            var buffer = WordBuffer(storage: scratch)
            stem(utf8: word, into: &buffer)
            output.append(contentsOf: buffer.bytes)
        }
    }

    /// The core of ``stem(utf8:into:)`` on a fixed buffer (a stem longer than the buffer is cut).
    func stem(utf8 word: UnsafeBufferPointer<UInt8>, into output: inout WordBuffer) {
        output.count = 0
        guard let base = word.baseAddress, word.count > 0 else { return }
        let cacheable = word.count <= StemCache.maxWordBytes
        let slot = cacheable ? StemCache.slot(for: word) : 0
        let handle: StemmerHandle? = state.withLock { state in
            if cacheable, state.cache.lookup(word, slot: slot, into: &output) { return nil }
            return state.handles.popLast() ?? sb_stemmer_new(algorithm, "UTF_8").map(StemmerHandle.init)
        }
        guard let handle else {
            if output.count == 0 { output.append(contentsOf: word) }  // hit, or no stemmer available
            return
        }
        if let stemmed = sb_stemmer_stem(handle.pointer, base, Int32(word.count)) {
            output.append(contentsOf: UnsafeBufferPointer(start: stemmed, count: Int(sb_stemmer_length(handle.pointer))))
        } else {
            output.append(contentsOf: word)
        }
        let stem = output.bytes
        state.withLock { state in
            state.handles.append(handle)
            if cacheable { state.cache.store(word, stem: stem, slot: slot) }
        }
    }

    /// Stems one lower-cased word (convenience; allocates Strings).
    public func stem(_ word: String) -> String {
        var output: [UInt8] = []
        var word = word
        word.withUTF8 { stem(utf8: $0, into: &output) }
        return String(decoding: output, as: UTF8.self)
    }
}

/// The mutable state behind a stemmer's lock: idle C stemmers and the stem cache.
private struct StemmerState: Sendable {
    var handles: [StemmerHandle]
    var cache = StemCache()
}

/// A direct-mapped cache of word → stem in one flat byte array (no per-entry allocation).
/// Slot layout: word length, stem length, word bytes, stem bytes.
struct StemCache: Sendable {
    static let maxWordBytes = 30
    static let slotCount = 4096
    static let slotBytes = 2 + 2 * maxWordBytes + 4  // stems can grow slightly (German ß → ss)
    private var bytes: [UInt8] = []

    @inline(__always)
    static func slot(for word: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in word { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash & UInt32(slotCount - 1))
    }

    func lookup(_ word: UnsafeBufferPointer<UInt8>, slot: Int, into output: inout WordBuffer) -> Bool {
        guard !bytes.isEmpty else { return false }
        return bytes.withUnsafeBufferPointer { bytes in
            let base = slot * Self.slotBytes
            guard Int(bytes[base]) == word.count else { return false }
            for index in 0..<word.count where bytes[base + 2 + index] != word[index] { return false }
            let stemStart = base + 2 + Self.maxWordBytes
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[stemStart..<(stemStart + Int(bytes[base + 1]))]))
            return true
        }
    }

    mutating func store(_ word: UnsafeBufferPointer<UInt8>, stem: UnsafeBufferPointer<UInt8>, slot: Int) {
        guard stem.count <= Self.maxWordBytes + 4 else { return }
        if bytes.isEmpty { bytes = [UInt8](repeating: 0, count: Self.slotCount * Self.slotBytes) }
        let base = slot * Self.slotBytes
        bytes[base] = UInt8(word.count)
        bytes[base + 1] = UInt8(stem.count)
        for index in 0..<word.count { bytes[base + 2 + index] = word[index] }
        for index in 0..<stem.count { bytes[base + 2 + Self.maxWordBytes + index] = stem[index] }
    }
}

/// An owned libstemmer object.
///
/// `@unchecked Sendable` is sound because a handle is only ever reachable from the pool
/// (under its mutex) or from exactly one in-flight `stem(utf8:into:)` call that checked it out:
/// it is moved between threads, never shared.
private struct StemmerHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
