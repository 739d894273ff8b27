/// Maps language codes to analyzers, with a neutral fallback for languages it does not know.
///
/// Lookups accept BCP 47 tags and use their primary subtag (`"sv-SE"` → `"sv"`); `"no"` and
/// `"nn"` use the Norwegian (Bokmål) stemmer. Unknown languages get ``neutral``: segmentation,
/// lower-casing and full diacritic folding, no stemming.
public struct AnalyzerRegistry: Sendable {
    /// The Snowball algorithm per supported primary language subtag.
    public static let snowballAlgorithms: [String: String] = [
        "en": "english", "sv": "swedish", "da": "danish", "nb": "norwegian", "no": "norwegian",
        "nn": "norwegian", "fi": "finnish", "it": "italian", "de": "german", "fr": "french",
        "es": "spanish", "nl": "dutch", "pt": "portuguese", "ru": "russian", "hu": "hungarian",
        "ro": "romanian", "tr": "turkish",
    ]

    private var analyzers: [String: any TextAnalyzer]
    /// The analyzer for languages without an entry.
    public let neutral: any TextAnalyzer

    /// A registry with a ``StandardTextAnalyzer`` for every language in
    /// ``snowballAlgorithms`` that the linked libstemmer provides, without stop words.
    public static let standard = AnalyzerRegistry()

    /// Creates the standard registry (see ``standard``).
    public init() {
        var analyzers: [String: any TextAnalyzer] = [:]
        for (language, algorithm) in Self.snowballAlgorithms {
            if let stemmer = SnowballStemmer(algorithm: algorithm) {
                analyzers[language] = StandardTextAnalyzer(language: language, stemmer: stemmer)
            }
        }
        self.analyzers = analyzers
        self.neutral = StandardTextAnalyzer(language: "und", stemmer: nil)
    }

    /// Registers (or replaces) the analyzer for its language's primary subtag.
    public mutating func register(_ analyzer: any TextAnalyzer) {
        analyzers[Self.primarySubtag(analyzer.language)] = analyzer
    }

    /// The analyzer for `language` (a BCP 47 tag), or ``neutral``.
    public func analyzer(for language: String) -> any TextAnalyzer {
        analyzers[Self.primarySubtag(language)] ?? neutral
    }

    /// The primary subtags with a registered analyzer, sorted.
    public var languages: [String] { analyzers.keys.sorted() }

    /// The lower-cased primary subtag of a BCP 47 tag (`sv-SE` → `sv`): the key analyzers are registered under.
    public static func primarySubtag(_ tag: String) -> String {
        let primary = tag.prefix { $0 != "-" && $0 != "_" }
        return primary.lowercased()
    }
}
