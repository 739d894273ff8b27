import Foundation
import Testing

@testable import Localization

/// Snowball's published vocabularies (Debian `snowball-data`): every word of voc.txt must
/// stem to the word on the same line of output.txt.
@Suite struct StemmerVocabularyTests {
    static let dataDirectory = "/usr/share/snowball/data"
    static let algorithms = [
        "english", "swedish", "danish", "norwegian", "finnish", "italian", "german", "french", "spanish", "dutch",
    ]

    static func lines(_ path: String) throws -> [Substring] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    }

    @Test(arguments: algorithms)
    func matchesEveryVocabularyWord(algorithm: String) throws {
        let directory = "\(Self.dataDirectory)/\(algorithm)"
        guard FileManager.default.fileExists(atPath: "\(directory)/voc.txt") else {
            Issue.record("missing \(directory)/voc.txt: install the Debian package snowball-data")
            return
        }
        let stemmer = try #require(SnowballStemmer(algorithm: algorithm))
        let words = try Self.lines("\(directory)/voc.txt")
        let expected = try Self.lines("\(directory)/output.txt")
        #expect(words.count == expected.count)
        #expect(words.count > 1000)
        var mismatchCount = 0
        var examples: [String] = []
        var checked = 0
        for (word, stem) in zip(words, expected) where !word.isEmpty {
            checked += 1
            let actual = stemmer.stem(String(word))
            if actual != stem {
                mismatchCount += 1
                if examples.count < 10 { examples.append("\(word) → \(actual), expected \(stem)") }
            }
        }
        #expect(mismatchCount == 0, "\(algorithm): \(mismatchCount) of \(checked) differ: \(examples)")
    }

    @Test func everySupportedLanguageHasAStemmer() {
        for language in ["en", "sv", "da", "nb", "fi", "it", "de", "fr", "es", "nl"] {
            let analyzer = AnalyzerRegistry.standard.analyzer(for: language)
            #expect(analyzer.language == language)
        }
        #expect(AnalyzerRegistry.standard.analyzer(for: "xx-YY").language == "und")
        #expect(AnalyzerRegistry.standard.analyzer(for: "sv-SE").language == "sv")
    }
}
