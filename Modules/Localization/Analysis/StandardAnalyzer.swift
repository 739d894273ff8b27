import Foundation

/// SupportKit's default analyzer: Unicode word segmentation, case folding,
/// optional stop words, the language's Snowball stemmer, and diacritic
/// folding where the language treats accents as marks rather than letters.
///
/// Decisions (see docs/Localization.md):
/// - **Words** are runs of letters, digits and combining marks (a pragmatic
///   subset of UAX #29 word boundaries). An apostrophe between letters joins
///   a word in English and the Germanic languages (`don't`, `kund's`) and
///   separates an elided article in French, Italian, Spanish and Catalan
///   (`l'ordine` → `l`, `ordine`). Ideographs (CJK) are one token each.
/// - **Diacritics** are folded after stemming in en, fr, es, it, nl, pt, ro,
///   ca (so `cafe` finds `café`), and kept in sv, fi, da, nb, de, hu, tr, where
///   å, ä, ö, ø, æ, ü are distinct letters (`far` and `får` are different
///   words) and the Snowball stemmers expect them.
/// - **Stems** come from the reference Snowball stemmers (``SnowballStemmer``);
///   a language without one is folded but not stemmed. One addition on top, for
///   Finnish: stems in -uks/-yks map to -us/-ys, so "palautus" finds "palautuksen".
public struct StandardAnalyzer: TextAnalyzer {
    public let language: String
    /// Words dropped after case folding (none by default: support search needs "not", "no", "inte").
    public var stopWords: Set<String>
    private let stemmer: SnowballStemmer?
    private let foldsDiacritics: Bool
    private let apostropheJoinsWords: Bool

    private static let diacriticFoldingLanguages: Set<String> = ["en", "fr", "es", "it", "nl", "pt", "ro", "ca", "und"]
    private static let elidingLanguages: Set<String> = ["fr", "it", "es", "ca"]

    /// An analyzer for a BCP 47 language tag (`"sv-SE"` uses Swedish); an
    /// unknown language gets a neutral analyzer that segments and folds only.
    public init(language: String, stopWords: Set<String> = []) {
        let primary = String(language.lowercased().split(separator: "-").first ?? "und")
        self.language = primary.isEmpty ? "und" : primary
        self.stopWords = stopWords
        stemmer = SnowballStemmer.algorithms[self.language] != nil ? SnowballStemmer(self.language) : nil
        foldsDiacritics = Self.diacriticFoldingLanguages.contains(self.language) || stemmer == nil
        apostropheJoinsWords = !Self.elidingLanguages.contains(self.language)
    }

    public func tokens(in text: String) -> [AnalyzedToken] {
        var result: [AnalyzedToken] = []
        var position: Int32 = 0
        forEachWord(in: text) { word, start, end in
            let lower = word.lowercased()
            defer { position += 1 }
            if stopWords.contains(lower) { return }
            var term = stemmer?.stem(lower) ?? lower
            if language == "fi" { term = Self.joinFinnishUsNouns(term) }
            if foldsDiacritics { term = Self.stripDiacritics(term) }
            result.append(AnalyzedToken(term: term, position: position, utf8Start: start, utf8End: end))
        }
        return result
    }

    public func fold(_ word: String) -> String {
        let lower = word.lowercased()
        return foldsDiacritics ? Self.stripDiacritics(lower) : lower
    }

    /// Calls `body` with each word and its UTF-8 offsets.
    private func forEachWord(in text: String, _ body: (String, Int32, Int32) -> Void) {
        var word = String.UnicodeScalarView()
        var wordStart: Int32 = 0
        var offset: Int32 = 0
        var pendingApostrophe: (scalar: Unicode.Scalar, offset: Int32)?
        func flush() {
            if !word.isEmpty { body(String(word), wordStart, pendingApostrophe?.offset ?? offset) }
            word.removeAll()
            pendingApostrophe = nil
        }
        for scalar in text.unicodeScalars {
            let width = Int32(UTF8.width(scalar))
            defer { offset += width }
            let properties = scalar.properties
            if properties.isIdeographic {
                flush()
                body(String(scalar), offset, offset + width)
                continue
            }
            if Self.isWordScalar(scalar) {
                if let apostrophe = pendingApostrophe {
                    word.append(apostrophe.scalar)
                    pendingApostrophe = nil
                }
                if word.isEmpty { wordStart = offset }
                word.append(scalar)
                continue
            }
            if (scalar == "'" || scalar == "\u{2019}"), apostropheJoinsWords, !word.isEmpty, pendingApostrophe == nil {
                pendingApostrophe = (scalar, offset)
                continue
            }
            flush()
        }
        flush()
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let v = scalar.value
            return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
        }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber: return true
        default: return properties.isAlphabetic
        }
    }

    /// Finnish nouns in -us/-ys inflect through -uks-/-yks- (palautus,
    /// palautuksen, palautukseen), which the Snowball stemmer leaves apart
    /// ("palautus", "palautuks"); mapping the inflected stem back joins them.
    static func joinFinnishUsNouns(_ stem: String) -> String {
        if stem.hasSuffix("uks") { return String(stem.dropLast(3)) + "us" }
        if stem.hasSuffix("yks") { return String(stem.dropLast(3)) + "ys" }
        return stem
    }

    /// Removes combining marks after canonical decomposition (é → e, ñ → n).
    static func stripDiacritics(_ word: String) -> String {
        guard !word.utf8.allSatisfy({ $0 < 0x80 }) else { return word }
        var scalars = String.UnicodeScalarView()
        for scalar in word.decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: continue
            default: scalars.append(scalar)
            }
        }
        return String(scalars).precomposedStringWithCanonicalMapping
    }
}
