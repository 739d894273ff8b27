import Foundation

/// A ranked guess of a text's language.
public struct LanguageGuess: Hashable, Sendable {
    /// ISO 639-1 code (`"sv"`), or `"unknown"`.
    public var language: String
    /// 0...1: how sure the identifier is (a softmax over per-character likelihoods).
    public var confidence: Double
}

/// Identifies the language of short customer messages (20–200 characters)
/// among en, sv, da, nb, fi, it, de, fr, es, nl and pl.
///
/// A character 1–4-gram naive Bayes model: each language's 6,000 most
/// frequent n-grams with their log-frequencies, trained offline by
/// `scripts/build-language-model.py` from the translation catalogs of Debian
/// packages (sources and licences in `LanguageID/MODEL-SOURCES.txt`) and
/// compiled into the library: nothing is downloaded at run time. N-grams are
/// packed into 64-bit keys, so scoring a message is a few hundred integer
/// hash lookups.
///
/// Best effort by design: text with fewer than ``minimumLetters`` letters, or
/// whose best guess is below ``threshold``, is `"unknown"`.
public struct LanguageModel: Sendable {
    /// The languages the model knows, in the order of its score vectors.
    public let languages: [String]
    /// Guesses below this confidence are reported as `"unknown"`.
    public var threshold: Double
    /// Texts with fewer letters than this are `"unknown"`.
    public var minimumLetters: Int
    private let table: [UInt64: Int32]
    private let scores: [Float]
    private let floors: [Float]

    /// The built-in model.
    public static let shared = LanguageModel(data: trainedData)

    /// A model from the generator's text form (`language \t ngram \t logp` lines).
    init(data: String, threshold: Double = 0.35, minimumLetters: Int = 6) {
        var languages: [String] = []
        var entries: [(String, UInt64, Float)] = []
        for line in data.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3, let logp = Float(fields[2]) else { continue }
            let language = String(fields[0])
            if !languages.contains(language) { languages.append(language) }
            entries.append((language, Self.pack(Array(fields[1].unicodeScalars)), logp))
        }
        var table: [UInt64: Int32] = [:]
        var scores: [Float] = []
        var floors = [Float](repeating: 0, count: languages.count)
        for (language, key, logp) in entries {
            let column = languages.firstIndex(of: language) ?? 0
            floors[column] = min(floors[column], logp)
            let row: Int32
            if let existing = table[key] {
                row = existing
            } else {
                row = Int32(scores.count / max(1, languages.count))
                table[key] = row
                scores.append(contentsOf: repeatElement(Float.nan, count: languages.count))
            }
            scores[Int(row) * languages.count + column] = logp
        }
        // An n-gram a language never showed scores a little below its rarest kept n-gram.
        floors = floors.map { $0 - 1.5 }
        for row in 0..<(scores.count / max(1, languages.count)) {
            for column in languages.indices where scores[row * languages.count + column].isNaN {
                scores[row * languages.count + column] = floors[column]
            }
        }
        self.languages = languages
        self.table = table
        self.scores = scores
        self.floors = floors
        self.threshold = threshold
        self.minimumLetters = minimumLetters
    }

    /// Packs up to four Unicode scalars (their low 16 bits) into a key.
    private static func pack(_ scalars: [Unicode.Scalar]) -> UInt64 {
        var key: UInt64 = UInt64(scalars.count)
        for scalar in scalars.prefix(4) { key = key << 16 | UInt64(scalar.value & 0xFFFF) }
        return key
    }

    /// Every language ranked, most likely first.
    public func rank(_ text: String) -> [LanguageGuess] {
        var window: [Unicode.Scalar] = [" "]
        window.reserveCapacity(text.unicodeScalars.count + 2)
        var letters = 0
        for scalar in text.unicodeScalars {
            let lowered = scalar.properties.lowercaseMapping.unicodeScalars.first ?? scalar
            if lowered.properties.isAlphabetic {
                letters += 1
                window.append(lowered)
            } else if window.last != " " {
                window.append(" ")
            }
        }
        if window.last != " " { window.append(" ") }
        guard letters >= minimumLetters else { return [LanguageGuess(language: "unknown", confidence: 0)] }

        var totals = [Float](repeating: 0, count: languages.count)
        var grams = 0
        for start in 0..<window.count {
            var key: UInt64 = 0
            for length in 1...4 where start + length <= window.count {
                let scalar = window[start + length - 1]
                key = (key & 0x0000_FFFF_FFFF_FFFF) << 16 | UInt64(scalar.value & 0xFFFF)
                if length == 1 && scalar == " " { break }
                let packed = UInt64(length) << (16 * UInt64(length)) | key
                grams += 1
                if let row = table[packed] {
                    let base = Int(row) * languages.count
                    for column in languages.indices { totals[column] += scores[base + column] }
                } else {
                    for column in languages.indices { totals[column] += floors[column] }
                }
            }
        }
        // Softmax over the mean log-likelihood per n-gram, sharpened: comparable across text lengths.
        let means = totals.map { Double($0) / Double(max(1, grams)) }
        let best = means.max() ?? 0
        let weights = means.map { exp(($0 - best) * 12) }
        let sum = weights.reduce(0, +)
        return zip(languages, weights).map { LanguageGuess(language: $0, confidence: $1 / sum) }
            .sorted { $0.confidence > $1.confidence }
    }

    /// The most likely language, or `"unknown"` below the threshold.
    public func identify(_ text: String) -> LanguageGuess {
        guard let best = rank(text).first, best.language != "unknown", best.confidence >= threshold else {
            return LanguageGuess(language: "unknown", confidence: rank(text).first?.confidence ?? 0)
        }
        return best
    }
}
