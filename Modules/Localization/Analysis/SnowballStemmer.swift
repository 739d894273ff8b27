import CStemmer
import Synchronization

/// A Snowball stemmer from the reference C library (libstemmer).
///
/// Decision (recorded in docs/Localization.md): SupportKit binds the
/// reference implementation rather than porting the algorithms. The output is
/// then identical to Snowball's by construction (the tests check every word of
/// Snowball's published vocabularies), new languages come for free, and the C
/// code is fast. The cost is a system dependency (`libstemmer-dev`), which
/// `scripts/install-deps.sh` installs.
///
/// A libstemmer instance keeps per-call state, so each stemmer guards its
/// instance with a mutex; analyzers used from many tasks should hold one
/// stemmer per task or accept the lock.
public final class SnowballStemmer: Sendable {
    /// The Snowball algorithm name (`"swedish"`, `"english"`, …).
    public let algorithm: String
    // The C instance, reachable only through the mutex.
    private let instance: Mutex<StemmerHandle>

    /// Snowball algorithm names by ISO 639-1 code, for the languages SupportKit analyses.
    public static let algorithms: [String: String] = [
        "en": "english", "sv": "swedish", "da": "danish", "nb": "norwegian", "no": "norwegian", "nn": "norwegian",
        "fi": "finnish", "it": "italian", "de": "german", "fr": "french", "es": "spanish", "nl": "dutch",
        "pt": "portuguese", "ro": "romanian", "hu": "hungarian", "tr": "turkish", "ru": "russian",
    ]

    /// A stemmer for a Snowball algorithm name or an ISO 639-1 code, or `nil`
    /// when libstemmer has no such algorithm.
    public init?(_ languageOrAlgorithm: String) {
        let name = Self.algorithms[languageOrAlgorithm.lowercased()] ?? languageOrAlgorithm.lowercased()
        guard let pointer = sb_stemmer_new(name, "UTF_8") else { return nil }
        algorithm = name
        instance = Mutex(StemmerHandle(pointer: pointer))
    }

    deinit {
        instance.withLock { sb_stemmer_delete($0.pointer) }
    }

    /// The stem of one lower-cased word. A word libstemmer cannot process
    /// (it runs out of memory) is returned unchanged.
    public func stem(_ word: String) -> String {
        var word = word
        return word.withUTF8 { bytes in
            instance.withLock { handle -> String in
                guard let base = bytes.baseAddress,
                    let output = sb_stemmer_stem(handle.pointer, base, Int32(clamping: bytes.count))
                else { return String(decoding: bytes, as: UTF8.self) }
                let length = Int(sb_stemmer_length(handle.pointer))
                return String(decoding: UnsafeBufferPointer(start: output, count: length), as: UTF8.self)
            }
        }
    }
}

/// The libstemmer instance pointer. It is only ever used inside the owning
/// stemmer's mutex, which is what makes moving it between threads safe.
struct StemmerHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
