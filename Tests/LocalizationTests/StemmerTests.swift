import Foundation
import Testing
@testable import Localization

/// Snowball's published vocabularies (Debian's snowball-data): every word
/// must stem exactly as the reference output says.
@Suite("Snowball stemmers")
struct StemmerTests {
    static let dataDirectory = "/usr/share/snowball/data"

    @Test(arguments: ["en", "sv", "da", "nb", "fi", "it", "de", "fr", "es", "nl"])
    func matchesTheReferenceVocabulary(language: String) throws {
        let stemmer = try #require(SnowballStemmer(language))
        let folder = "\(Self.dataDirectory)/\(stemmer.algorithm)"
        let words = try String(contentsOfFile: "\(folder)/voc.txt", encoding: .utf8).split(separator: "\n")
        let stems = try String(contentsOfFile: "\(folder)/output.txt", encoding: .utf8).split(separator: "\n")
        #expect(words.count == stems.count && words.count > 1_000, "\(folder): install snowball-data")
        var mismatches: [String] = []
        for (word, expected) in zip(words, stems) where stemmer.stem(String(word)) != expected {
            mismatches.append("\(word) → \(stemmer.stem(String(word))) ≠ \(expected)")
        }
        #expect(mismatches.isEmpty, "\(language): \(mismatches.count) of \(words.count) differ, e.g. \(mismatches.prefix(5))")
    }

    @Test func unknownAlgorithmsAreNil() {
        #expect(SnowballStemmer("klingon") == nil)
    }
}

@Suite("Standard analyzer")
struct StandardAnalyzerTests {
    @Test(arguments: [
        ("sv", "returnera", "returnerade"),
        ("fi", "palautus", "palautuksen"),
        ("de", "Rücksendung", "Rücksendungen"),
        ("en", "refunds", "refunded"),
        ("it", "rimborso", "rimborsi"),
        ("fr", "remboursé", "rembourser"),
    ])
    func inflectionsShareATerm(language: String, a: String, b: String) {
        let analyzer = StandardAnalyzer(language: language)
        #expect(analyzer.tokens(in: a).map(\.term) == analyzer.tokens(in: b).map(\.term), "\(language): \(a) vs \(b)")
    }

    @Test func keepsLettersThatAreNotAccentsAndFoldsThoseThatAre() {
        #expect(StandardAnalyzer(language: "sv").fold("FÅR") == "får")
        #expect(StandardAnalyzer(language: "fr").fold("Café") == "cafe")
        #expect(StandardAnalyzer(language: "sv").tokens(in: "far får").map(\.term).count == 2)
        #expect(Set(StandardAnalyzer(language: "sv").tokens(in: "far får").map(\.term)).count == 2)
    }

    @Test func segmentsWithOffsetsAndPositions() {
        let text = "Hej! Var är paketet 10023? Don't wait."
        let tokens = StandardAnalyzer(language: "en").tokens(in: text)
        let utf8 = Array(text.utf8)
        #expect(tokens.map { String(decoding: utf8[Int($0.utf8Start)..<Int($0.utf8End)], as: UTF8.self) }
            == ["Hej", "Var", "är", "paketet", "10023", "Don't", "wait"])
        #expect(tokens.map(\.position) == [0, 1, 2, 3, 4, 5, 6])
        #expect(StandardAnalyzer(language: "it").tokens(in: "l'ordine").map(\.term).last == "ordin")
        #expect(StandardAnalyzer(language: "ja").tokens(in: "注文").count == 2)
    }

    @Test func stopWordsLeaveGapsInPositions() {
        let analyzer = StandardAnalyzer(language: "en", stopWords: ["the"])
        #expect(analyzer.tokens(in: "the parcel").map(\.position) == [1])
    }
}
