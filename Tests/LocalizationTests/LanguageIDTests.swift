import Testing
@testable import Localization

@Suite("Language identification")
struct LanguageIDTests {
    /// Short support messages written for this test (not from the training corpus).
    static let messages: [(String, String)] = [
        ("en", "Hi, my parcel has not arrived yet and the tracking page shows nothing."),
        ("en", "I would like to return the shoes because they are too small."),
        ("sv", "Hej, jag vill returnera jackan eftersom den var för liten."),
        ("sv", "Mitt paket har inte kommit fram än, kan ni kolla leveransen?"),
        ("da", "Hej, jeg vil gerne bytte skoene til en større størrelse."),
        ("da", "Min pakke er ikke kommet endnu, kan I se hvor den er?"),
        ("nb", "Hei, jeg har ikke fått pakken min ennå, kan dere sjekke hvor den er?"),
        ("nb", "Jeg vil gjerne returnere jakken fordi den er for liten."),
        ("fi", "Hei, tilaukseni ei ole vieläkään saapunut, voitteko tarkistaa?"),
        ("fi", "Haluaisin palauttaa takin, koska se on liian pieni."),
        ("it", "Buongiorno, vorrei sapere quando arriverà il mio ordine."),
        ("it", "Il pacco è arrivato danneggiato, vorrei un rimborso."),
        ("de", "Guten Tag, die Lieferung war beschädigt und ich möchte eine Erstattung."),
        ("de", "Wann kommt meine Bestellung an? Ich warte seit einer Woche."),
        ("fr", "Bonjour, ma commande n'est toujours pas arrivée, pouvez-vous vérifier ?"),
        ("fr", "Je voudrais retourner les chaussures car elles sont trop petites."),
        ("es", "Hola, mi pedido todavía no ha llegado, ¿pueden revisarlo?"),
        ("es", "Quiero devolver la chaqueta porque es demasiado pequeña."),
        ("nl", "Hallo, mijn pakket is nog steeds niet aangekomen, kunnen jullie dat nakijken?"),
        ("nl", "Ik wil de schoenen graag terugsturen omdat ze te klein zijn."),
        ("pl", "Dzień dobry, moja paczka jeszcze nie dotarła, czy mogą Państwo sprawdzić?"),
        ("pl", "Chciałbym zwrócić kurtkę, ponieważ jest za mała."),
    ]

    @Test func identifiesShortSupportMessages() {
        var wrong: [String] = []
        for (expected, text) in Self.messages where LanguageModel.shared.identify(text).language != expected {
            wrong.append("\(expected): \(text) → \(LanguageModel.shared.identify(text).language)")
        }
        #expect(wrong.count <= 1, "\(wrong)")
    }

    @Test func ranksEveryLanguageWithConfidencesThatSumToOne() {
        let ranking = LanguageModel.shared.rank("Tack för hjälpen med returen!")
        #expect(ranking.count == 11)
        #expect(ranking.first?.language == "sv")
        #expect(abs(ranking.reduce(0) { $0 + $1.confidence } - 1) < 1e-9)
        #expect(zip(ranking, ranking.dropFirst()).allSatisfy { $0.confidence >= $1.confidence })
    }

    @Test func tooLittleTextIsUnknown() {
        #expect(LanguageModel.shared.identify("ok").language == "unknown")
        #expect(LanguageModel.shared.identify("12345 !!!").language == "unknown")
        #expect(LanguageModel.shared.identify("").language == "unknown")
    }
}
