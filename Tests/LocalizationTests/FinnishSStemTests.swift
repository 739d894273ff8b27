import Localization
import Testing

@Suite("Finnish -us/-ukse- stems")
struct FinnishSStemTests {
    let analyzer = AnalyzerRegistry.standard.analyzer(for: "fi")

    @Test(arguments: [
        ["palautus", "palautuksen", "palautusta", "palautukset", "palautuksesta"],
        ["tilaus", "tilauksen", "tilausta", "tilaukseni"],
        ["kysymys", "kysymyksen", "kysymystä"],
        ["vastaus", "vastauksen", "vastausta"],
        ["rikos", "rikoksen", "rikosta"],
    ])
    func inflectionsShareOneTerm(_ forms: [String]) {
        let terms = Set(forms.flatMap { analyzer.tokens(in: $0).map(\.term) })
        #expect(terms.count == 1, "\(forms) → \(terms)")
    }

    @Test func otherWordsKeepTheirStems() {
        #expect(analyzer.tokens(in: "lasku").map(\.term) == ["lasku"])
        #expect(analyzer.tokens(in: "talo").map(\.term) == ["talo"])
    }

    @Test func theStemmerItselfStaysSnowball() throws {
        let stemmer = try #require(SnowballStemmer(algorithm: "finnish"))
        #expect(stemmer.stem("palautuksen") == "palautuks")
    }
}
