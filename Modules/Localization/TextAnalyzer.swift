/// One index term produced by text analysis.
///
/// Offsets are in UTF-8 code units of the analysed text, so a search index can
/// cut snippets and place highlights without re-analysing.
public struct AnalyzedToken: Hashable, Sendable {
    /// The normalised term as stored in an index (folded, stemmed).
    public var term: String
    /// The word's ordinal position in the text, from 0 (stop words leave gaps),
    /// for phrase queries.
    public var position: Int32
    /// Offset of the word's first UTF-8 code unit in the original text.
    public var utf8Start: Int32
    /// Offset just past the word's last UTF-8 code unit.
    public var utf8End: Int32

    /// Creates a token.
    public init(term: String, position: Int32, utf8Start: Int32, utf8End: Int32) {
        self.term = term
        self.position = position
        self.utf8Start = utf8Start
        self.utf8End = utf8End
    }
}

/// The seam between languages and search: turns text into index terms.
///
/// An index and its queries must use the same analyzer for a language, or
/// queries stop matching. Implementations must be deterministic, thread-safe
/// and fast (search indexes call them for every message).
public protocol TextAnalyzer: Sendable {
    /// The BCP 47 language this analyzer is for (`"sv"`), or `"und"` for a language-neutral one.
    var language: String { get }

    /// The full pipeline: segment into words, fold case and diacritics,
    /// drop stop words (if configured), stem.
    func tokens(in text: String) -> [AnalyzedToken]

    /// Folding only (no stemming, no stop words) of one word, for prefix queries
    /// (`retur*`) that must match the folded form of indexed words.
    func fold(_ word: String) -> String
}
