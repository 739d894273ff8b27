import Foundation
import Testing
@testable import Localization

/// The example reply catalog every desk example ships: `Examples/data/catalog.json`.
@Suite("Bundled reply catalog")
struct BundledCatalogTests {
    static let languages = ["sv", "da", "fi", "it", "de", "en"]
    /// The languages that address customers formally or informally; English has one neutral variant.
    static let registerLanguages = ["sv", "da", "fi", "it", "de"]
    static let registers: [Register?] = [.formal, .informal, nil]
    static let stockholm = TimeZone(identifier: "Europe/Stockholm")!
    static let name = "Zoë Quist"
    static let agent = "Robin Vale"

    /// The argument names each key must read, in every language and register.
    static let expectedArguments: [String: Set<String>] = [
        "returns.label": ["name", "agent", "order", "days", "deadline"],
        "refunds.issued": ["name", "agent", "order", "amount", "days"],
        "orders.status": ["name", "agent", "order", "status", "date"],
        "orders.delay": ["name", "agent", "order", "days", "date"],
        "handoff.colleague": ["name", "agent", "minutes"],
        "greeting.ack": ["name", "agent", "hours"],
        "shipping.tracking": ["name", "agent", "order", "carrier", "tracking"],
    ]

    /// Sample arguments per key: every plural count the tests exercise and every status keyword.
    static func samples(for key: String) -> [[String: MessageArgument]] {
        let base: [String: MessageArgument] = ["name": .text(name), "agent": .text(agent), "order": .text("A-10442")]
        let counts = [0, 1, 2, 5, 21]
        let deadline = Date(timeIntervalSince1970: 1_773_000_000)  // 2026-03-08 UTC
        let delivery = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01 UTC
        func with(_ extra: [String: MessageArgument]) -> [String: MessageArgument] { base.merging(extra) { $1 } }
        switch key {
        case "returns.label": return counts.map { with(["days": .integer($0), "deadline": .date(deadline)]) }
        case "refunds.issued": return counts.map { with(["days": .integer($0), "amount": .money(minorUnits: 3990, currency: "SEK")]) }
        case "orders.status":
            return ["placed", "shipped", "delivered", "other", "returned"].map { with(["status": .text($0), "date": .date(delivery)]) }
        case "orders.delay": return counts.map { with(["days": .integer($0), "date": .date(delivery)]) }
        case "handoff.colleague": return counts.map { ["name": .text(name), "agent": .text(agent), "minutes": .integer($0)] }
        case "greeting.ack": return counts.map { ["name": .text(name), "agent": .text(agent), "hours": .integer($0)] }
        case "shipping.tracking": return [with(["carrier": .text("PostNord"), "tracking": .text("00373500123456789")])]
        default:
            Issue.record("no sample arguments for \(key): add them to BundledCatalogTests.samples(for:)")
            return []
        }
    }

    static func loadCatalog() throws -> MessageCatalog {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // LocalizationTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
        return try MessageCatalog.load(json: Data(contentsOf: root.appendingPathComponent("Examples/data/catalog.json")))
    }

    @Test func hasEveryKeyInEveryLanguageAndRegister() throws {
        let catalog = try Self.loadCatalog()
        #expect(Set(catalog.messages.keys) == Set(Self.expectedArguments.keys))
        #expect(catalog.defaultLanguage.description == "en")
        for (key, byLanguage) in catalog.messages {
            #expect(Set(byLanguage.keys) == Set(Self.languages), "\(key)")
            for language in Self.registerLanguages {
                #expect(Set((byLanguage[language] ?? [:]).keys) == ["formal", "informal"], "\(key) \(language)")
            }
            #expect(Set((byLanguage["en"] ?? [:]).keys) == ["neutral"], "\(key) en")
        }
    }

    @Test(arguments: languages)
    func everyVariantFormatsCleanly(language: String) throws {
        let catalog = try Self.loadCatalog()
        let tag = try LanguageTag(language)
        for key in catalog.messages.keys.sorted() {
            for register in Self.registers {
                for arguments in Self.samples(for: key) {
                    let text = try catalog.format(key, language: tag, register: register, arguments: arguments, timeZone: Self.stockholm)
                    let context = "\(key) \(language) \(register?.rawValue ?? "nil") \(arguments): \(text)"
                    #expect(!text.contains("{") && !text.contains("}") && !text.contains("#"), "\(context)")
                    #expect(text.contains(Self.name) && text.contains(Self.agent), "\(context)")
                    // Every `other` case shows the count; 0 and 1 may be spelled out.
                    for countName in ["days", "minutes", "hours"] {
                        if case .integer(let n)? = arguments[countName], n >= 2 { #expect(text.contains(String(n)), "\(context)") }
                    }
                }
            }
        }
    }

    @Test func everyVariantReadsTheSameArgumentsAsEnglish() throws {
        let catalog = try Self.loadCatalog()
        for (key, byLanguage) in catalog.messages.sorted(by: { $0.key < $1.key }) {
            let english = try MessageFormat(try #require(byLanguage["en"]?["neutral"], "\(key)")).argumentNames
            #expect(english == Self.expectedArguments[key], "\(key)")
            for (language, variants) in byLanguage {
                for (register, pattern) in variants {
                    #expect(try MessageFormat(pattern).argumentNames == english, "\(key) \(language) \(register)")
                }
            }
        }
    }

    @Test func formalAndInformalVariantsDiffer() throws {
        let catalog = try Self.loadCatalog()
        for (key, byLanguage) in catalog.messages {
            for language in Self.registerLanguages {
                let variants = byLanguage[language] ?? [:]
                #expect(variants["formal"] != nil && variants["formal"] != variants["informal"], "\(key) \(language)")
            }
        }
    }

    @Test(arguments: languages)
    func lookupFindsTheRequestedLanguageAndRegister(language: String) throws {
        let catalog = try Self.loadCatalog()
        let tag = try LanguageTag(language)
        for key in catalog.messages.keys.sorted() {
            for register in Self.registers {
                let found = try catalog.lookup(key, language: tag, register: register)
                #expect(found.language == tag, "\(key) \(language) \(register?.rawValue ?? "nil")")
                if language == "en" {
                    #expect(found.register == nil, "\(key): English has only the neutral variant")
                } else {
                    // No neutral variant: without a register the lookup takes the formal one.
                    #expect(found.register == (register ?? .formal), "\(key) \(language) \(register?.rawValue ?? "nil")")
                }
            }
            // A regional tag reaches the same language, not the English default.
            let regional = try catalog.lookup(key, language: LanguageTag(language == "en" ? "en-GB" : "\(language)-XX"), register: .informal)
            #expect(regional.language == tag, "\(key) \(language) regional")
        }
    }

    @Test func swedishRefundShowsSwedishMoneyAndPlurals() throws {
        let catalog = try Self.loadCatalog()
        func refund(_ register: Register, days: Int) throws -> String {
            try catalog.format(
                "refunds.issued", language: LanguageTag("sv-SE"), register: register,
                arguments: ["name": .text("Maja"), "agent": .text("Sanna"), "order": .text("A-1"), "days": .integer(days),
                            "amount": .money(minorUnits: 3990, currency: "SEK")],
                timeZone: Self.stockholm
            ).replacingOccurrences(of: "\u{00A0}", with: " ")
        }
        let formal = try refund(.formal, days: 3)
        #expect(formal.contains("39,90 kr") && formal.contains("er order") && formal.contains("3 bankdagar."), "\(formal)")
        #expect(try refund(.informal, days: 1).contains("inom 1 bankdag."))
        #expect(try refund(.informal, days: 0).contains("redan i dag"))
    }

    @Test func longDatesAndApostrophesRenderAsWritten() throws {
        let catalog = try Self.loadCatalog()
        let arguments: [String: MessageArgument] = [
            "name": .text("Giulia"), "agent": .text("Marco"), "order": .text("A-7"), "days": .integer(5),
            "date": .date(Date(timeIntervalSince1970: 1_767_225_600)),
        ]
        let italian = try catalog.format("orders.delay", language: LanguageTag("it"), register: .formal, arguments: arguments, timeZone: Self.stockholm)
        #expect(italian.contains("Nuova data di consegna prevista: 1 gennaio 2026.") && italian.contains("5 giorni"), "\(italian)")
        let english = try catalog.format("orders.delay", language: LanguageTag("en"), arguments: arguments, timeZone: Self.stockholm)
        #expect(english.contains("I'm sorry") && english.contains("January 1, 2026"), "\(english)")
        let german = try catalog.format("orders.delay", language: LanguageTag("de"), register: .informal, arguments: arguments, timeZone: Self.stockholm)
        #expect(german.contains("am 1. Januar 2026") && german.contains("um 5 Tage"), "\(german)")
    }

    /// What catalog authors must know about this parser's apostrophes (ICU's rules): a lone `'`
    /// before a letter is literal, `''` is one apostrophe, and `'` before `{`, `}` (or `#` in a
    /// plural) starts a quoted literal — so "dell'{x}" hides the argument. Hence ’ in Italian.
    @Test func apostropheQuotingFollowsICU() throws {
        let order: [String: MessageArgument] = ["order": .text("A-7"), "n": .integer(2)]
        func render(_ pattern: String) throws -> String { try MessageFormat(pattern).format(order, locale: "it", timeZone: Self.stockholm) }
        #expect(try render("l'ordine {order}") == "l'ordine A-7")
        #expect(try render("l''ordine {order}") == "l'ordine A-7")
        #expect(try render("l’ordine {order}") == "l’ordine A-7")
        #expect(try render("dell'{order}'") == "dell{order}")
        #expect(try render("{n, plural, other {'#' # l'ordine}}") == "# 2 l'ordine")
        #expect(try MessageFormat("dell'{order}'").argumentNames.isEmpty)
    }

    @Test func argumentNamesIncludeNestedCases() throws {
        let format = try MessageFormat(
            "{a} {n, plural, offset:1 =0 {none} one {{b, number}} other {# {k, select, x {{d, date, long}} other {{e}}}}}")
        #expect(format.argumentNames == ["a", "n", "b", "k", "d", "e"])
        #expect(try MessageFormat("no arguments, '{quoted}'").argumentNames.isEmpty)
    }
}
