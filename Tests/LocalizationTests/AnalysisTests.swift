import Testing

@testable import Localization

@Suite struct AnalysisTests {
    let registry = AnalyzerRegistry.standard

    func terms(_ language: String, _ text: String) -> [String] {
        registry.analyzer(for: language).tokens(in: text).map(\.term)
    }

    @Test func englishStemsAndFoldsCase() {
        #expect(terms("en", "Returning the SHOES, don't refund!") == ["return", "the", "shoe", "don't", "refund"])
    }

    @Test func swedishKeepsItsLettersButFoldsOthers() {
        #expect(terms("sv", "Får") == ["får"])
        #expect(terms("sv", "café") == ["cafe"])
        #expect(registry.analyzer(for: "sv").fold("ÅÄÖ é") == "åäö e")
    }

    @Test func danishAndNorwegianKeepAeOeAa() {
        #expect(registry.analyzer(for: "da").fold("Ærø Å") == "ærø å")
        #expect(registry.analyzer(for: "nb").fold("Søknad") == "søknad")
    }

    @Test func germanFoldsUmlautsLikeItsStemmer() {
        #expect(terms("de", "Häuser Straße") == ["haus", "strass"])
        #expect(registry.analyzer(for: "de").fold("Größe") == "grosse")
    }

    @Test func frenchSplitsElisionAndFoldsAccents() {
        #expect(terms("fr", "l'été") == ["l", "ete"])
    }

    @Test func numbersAndPositionsAndOffsets() {
        let tokens = registry.analyzer(for: "en").tokens(in: "pay 3.50 now")
        #expect(tokens.map(\.term) == ["pay", "3.50", "now"])
        #expect(tokens.map(\.position) == [0, 1, 2])
        #expect(tokens.map(\.utf8Start) == [0, 4, 9])
        #expect(tokens.map(\.utf8End) == [3, 8, 12])
    }

    @Test func cjkCharactersAreWordsOfTheirOwn() {
        #expect(terms("ja", "注文を") == ["注", "文", "を"])
    }

    @Test func stopWordsLeaveGaps() throws {
        let stemmer = try #require(SnowballStemmer(algorithm: "english"))
        let analyzer = StandardTextAnalyzer(language: "en", stemmer: stemmer, stopWords: ["the"])
        let tokens = analyzer.tokens(in: "the order")
        #expect(tokens.map(\.term) == ["order"])
        #expect(tokens.map(\.position) == [1])
    }

    /// The stem cache must give the same stems as the stemmer: stem every vocabulary word
    /// twice through one analyzer (second pass from the cache) and compare with a fresh stemmer.
    @Test func cachedStemsEqualFreshStems() throws {
        let cached = try #require(SnowballStemmer(algorithm: "english"))
        let words = ["running", "runs", "cats", "generously", "happiness", "a", "x", String(repeating: "ab", count: 40)]
        for _ in 0..<3 {
            for word in words {
                let fresh = try #require(SnowballStemmer(algorithm: "english"))
                #expect(cached.stem(word) == fresh.stem(word))
            }
        }
    }

    @Test func loneCombiningMarkIsNoWord() {
        #expect(terms("en", "\u{301} ok") == ["ok"])
    }

    @Test func neutralAnalyzerFoldsEverything() {
        #expect(terms("xx", "Ærø Été") == ["aero", "ete"])
    }

    /// Random Unicode never crashes the analyzer, offsets stay inside the text and terms are non-empty.
    @Test func randomTextKeepsInvariants() {
        var state: UInt64 = 0x5EED_1234
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let pool: [Unicode.Scalar] = Array("aZ09 ,.'’-åäöæøéßİ注를\u{301}\u{200D}\n".unicodeScalars)
        for round in 0..<2000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int(next() % 40) { text.append(pool[Int(next()) % pool.count]) }
            let string = String(text)
            for language in ["en", "sv", "fr", "und"] {
                for token in registry.analyzer(for: language).tokens(in: string) {
                    #expect(!token.term.isEmpty, "seed 0x5EED_1234 round \(round)")
                    #expect(
                        token.utf8Start >= 0 && token.utf8Start < token.utf8End
                            && Int(token.utf8End) <= string.utf8.count, "seed 0x5EED_1234 round \(round)")
                }
            }
        }
    }
}
