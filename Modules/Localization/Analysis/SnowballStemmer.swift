import CStemmer
import Synchronization

/// A Snowball stemmer for one algorithm, backed by the reference C library (libstemmer).
///
/// libstemmer's stemmer objects keep per-call state, so one object must never be used by
/// two threads at once. This type keeps a small pool of them behind a mutex: a call takes
/// one out, stems, and puts it back, so the type is safe to share across tasks and the
/// C objects (a few allocations each) are reused instead of created per word.
public final class SnowballStemmer: Sendable {
    /// The Snowball algorithm name (`"swedish"`, `"norwegian"`, `"english"`, ...).
    public let algorithm: String
    private let pool: Mutex<[StemmerHandle]>

    /// Creates a stemmer, or returns `nil` when libstemmer has no algorithm of that name
    /// (see ``SnowballStemmer/availableAlgorithms``).
    public init?(algorithm: String) {
        guard let first = sb_stemmer_new(algorithm, "UTF_8") else { return nil }
        self.algorithm = algorithm
        self.pool = Mutex([StemmerHandle(pointer: first)])
    }

    deinit {
        pool.withLock { handles in
            for handle in handles { sb_stemmer_delete(handle.pointer) }
            handles.removeAll()
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

    /// Stems one lower-cased UTF-8 word and hands the stem's bytes to `body`.
    ///
    /// The bytes passed to `body` are only valid during the call. An empty word, or a
    /// stemmer that cannot be created (out of memory), yields the word unchanged.
    public func withStem<Result>(
        ofUTF8 word: UnsafeBufferPointer<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        guard let base = word.baseAddress, word.count > 0, let handle = checkOut() else {
            return body(word)
        }
        defer { checkIn(handle) }
        guard let stemmed = sb_stemmer_stem(handle.pointer, base, Int32(word.count)) else {
            return body(word)
        }
        let length = Int(sb_stemmer_length(handle.pointer))
        return body(UnsafeBufferPointer(start: stemmed, count: length))
    }

    /// Stems one lower-cased word (convenience; allocates Strings).
    public func stem(_ word: String) -> String {
        var bytes = Array(word.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            withStem(ofUTF8: UnsafeBufferPointer(buffer)) { String(decoding: $0, as: UTF8.self) }
        }
    }

    private func checkOut() -> StemmerHandle? {
        if let handle = pool.withLock({ $0.popLast() }) { return handle }
        guard let pointer = sb_stemmer_new(algorithm, "UTF_8") else { return nil }
        return StemmerHandle(pointer: pointer)
    }

    private func checkIn(_ handle: StemmerHandle) {
        pool.withLock { $0.append(handle) }
    }
}

/// An owned libstemmer object.
///
/// `@unchecked Sendable` is sound because a handle is only ever reachable from the pool
/// (under its mutex) or from exactly one in-flight `withStem` call that checked it out:
/// it is moved between threads, never shared.
private struct StemmerHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
