import Foundation
import Testing
@testable import Localization

private let helsinki = TimeZone(identifier: "Europe/Helsinki")!

@Suite("Language tags and catalogs")
struct CatalogTests {
    @Test(arguments: [("fi_fi", "fi-FI"), ("ZH-hant-tw", "zh-Hant-TW"), ("es-419", "es-419"), ("sv", "sv"), ("de-DE-1996", "de-DE-1996")])
    func canonicalisesTags(input: String, expected: String) throws {
        #expect(try LanguageTag(input).description == expected)
    }

    @Test func rejectsBadTags() {
        #expect(throws: LanguageTagError.invalidLanguage("1x")) { try LanguageTag("1x") }
        #expect(throws: LanguageTagError.invalidSubtag("en-toolongsubtag", subtag: "toolongsubtag")) { try LanguageTag("en-toolongsubtag") }
    }

    @Test func fallsBackAlongTheChainAndPrefersAnotherRegisterToAnotherLanguage() throws {
        var catalog = MessageCatalog(defaultLanguage: try LanguageTag("en"))
        catalog.set("Hello {name}", key: "greeting", language: try LanguageTag("en"))
        catalog.set("Hyvä {name}", key: "greeting", language: try LanguageTag("fi"), register: .formal)
        catalog.set("Hei {name}", key: "greeting", language: try LanguageTag("fi"), register: .informal)
        catalog.set("Buongiorno {name}, Lei", key: "greeting", language: try LanguageTag("it"), register: .formal)

        let informalFinn = try catalog.lookup("greeting", language: LanguageTag("fi-FI"), register: .informal)
        #expect(informalFinn.pattern == "Hei {name}" && informalFinn.language.description == "fi")
        let italianTu = try catalog.lookup("greeting", language: LanguageTag("it-IT"), register: .informal)
        #expect(italianTu.pattern == "Buongiorno {name}, Lei" && italianTu.register == .formal)
        let dane = try catalog.lookup("greeting", language: LanguageTag("da-DK"))
        #expect(dane.language.description == "en")
        #expect(throws: CatalogError.missingKey("farewell")) { try catalog.lookup("farewell", language: LanguageTag("fi")) }
        #expect(try catalog.format("greeting", language: LanguageTag("fi"), register: .formal, arguments: ["name": .text("Matti")], timeZone: helsinki) == "Hyvä Matti")
        #expect(throws: CatalogError.message(key: "greeting", language: "fi", .missingArgument("name"))) {
            try catalog.format("greeting", language: LanguageTag("fi"), arguments: [:], timeZone: helsinki)
        }
    }

    @Test func jsonFormRoundTripsAndRejectsBrokenPatterns() throws {
        let json = #"{"defaultLanguage":"sv","messages":{"refund":{"sv":{"neutral":"Vi har återbetalat {amount, number, currency}."}}}}"#
        let catalog = try MessageCatalog.load(json: Data(json.utf8))
        #expect(try catalog.format("refund", language: LanguageTag("sv-SE"), arguments: ["amount": .money(minorUnits: 49_900, currency: "SEK")], timeZone: helsinki)
            .replacingOccurrences(of: "\u{00A0}", with: " ") == "Vi har återbetalat 499,00 kr.")
        let again = try MessageCatalog.load(json: JSONEncoder().encode(catalog))
        #expect(again == catalog)
        let broken = #"{"defaultLanguage":"sv","messages":{"x":{"sv":{"neutral":"{n, plural, one {#}}"}}}}"#
        #expect(throws: CatalogError.message(key: "x", language: "sv", .missingOther(offset: 0))) { try MessageCatalog.load(json: Data(broken.utf8)) }
        #expect(throws: CatalogError.self) { try MessageCatalog.load(json: Data("{".utf8)) }
    }
}
