import Testing

@testable import Localization

@Suite struct LanguageIDTests {
    let identifier = LanguageIdentifier.standard

    /// Hand-written customer messages (not from the training corpus).
    static let messages: [(String, String)] = [
        ("en", "Hi, my order arrived damaged and I would like a refund please."),
        ("sv", "Hej! Jag har inte fått mitt paket än, kan ni kolla var det är?"),
        ("da", "Hej, jeg vil gerne returnere skoene, de er for små. Hvordan gør jeg?"),
        ("nb", "Hei, jeg har ikke mottatt pakken min ennå. Kan dere sjekke hvor den er?"),
        ("fi", "Hei, tilaukseni ei ole vieläkään saapunut. Voitteko tarkistaa sen?"),
        ("it", "Buongiorno, vorrei restituire le scarpe perché sono troppo piccole."),
        ("de", "Guten Tag, meine Bestellung ist beschädigt angekommen. Ich möchte mein Geld zurück."),
        ("fr", "Bonjour, ma commande n'est toujours pas arrivée, pouvez-vous vérifier ?"),
        ("es", "Hola, mi pedido llegó dañado y quisiera un reembolso, por favor."),
        ("nl", "Hallo, mijn bestelling is nog steeds niet aangekomen. Kunt u dat nakijken?"),
        ("pl", "Dzień dobry, moje zamówienie jeszcze nie dotarło. Czy możecie to sprawdzić?"),
    ]

    @Test(arguments: messages)
    func identifiesCustomerMessages(language: String, text: String) {
        let result = identifier.identify(text)
        #expect(result.language == language, "\(text): \(result.ranked.prefix(3))")
        #expect(result.confidence > 0.5)
    }

    @Test func textWithoutLettersIsUnknown() {
        for text in ["", "   ", "12345 !!! 678", "😀😀"] {
            let result = identifier.identify(text)
            #expect(result.language == LanguageIdentifier.unknown)
            #expect(result.confidence == 0)
            #expect(result.ranked.isEmpty)
        }
    }

    @Test func aStrictThresholdSaysUnknown() {
        let strict = LanguageIdentifier(threshold: 1.01)
        #expect(strict.identify("Hej, var är mitt paket?").language == LanguageIdentifier.unknown)
        #expect(strict.identify("Hej, var är mitt paket?").ranked.first?.language == "sv")
    }

    @Test func coversTheRequiredLanguages() {
        #expect(Set(identifier.languages) == ["en", "sv", "da", "nb", "fi", "it", "de", "fr", "es", "nl", "pl"])
    }

    /// Random and truncated input: never crashes; confidences are a ranked distribution.
    @Test func randomInputGivesARankedDistribution() {
        let seed: UInt64 = 0xC0FFEE
        var state = seed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let pool = Array("abcåäöæøéßźł 注 ,.!?'1\u{301}😀".unicodeScalars)
        for round in 0..<3000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int(next() % 200) { scalars.append(pool[Int(next()) % pool.count]) }
            var text = String(scalars)
            if round % 3 == 0 { text = String(text.prefix(Int(next() % 20))) }
            let result = identifier.identify(text)
            let total = result.ranked.reduce(0) { $0 + $1.confidence }
            #expect(result.ranked.isEmpty || abs(total - 1) < 1e-9, "seed \(seed) round \(round)")
            #expect((0...1).contains(result.confidence), "seed \(seed) round \(round)")
            #expect(
                zip(result.ranked, result.ranked.dropFirst()).allSatisfy { $0.confidence >= $1.confidence },
                "seed \(seed) round \(round)")
        }
    }
}

@Test func tooFewLettersIsUnknown() {
    #expect(LanguageIdentifier.standard.identify("ok").language == LanguageIdentifier.unknown)
    #expect(LanguageIdentifier.standard.identify("thx!").language == LanguageIdentifier.unknown)
    #expect(LanguageIdentifier.standard.identify("Tack för hjälpen").language == "sv")
}
