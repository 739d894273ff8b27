import Foundation
import Testing
@testable import Localization

private let stockholm = TimeZone(identifier: "Europe/Stockholm")!

@Suite("MessageFormat")
struct MessageFormatTests {
    @Test func pluralsSelectAndPound() throws {
        let message = try MessageFormat("{name}, {n, plural, =0 {inga paket} one {# paket} other {# paket}} {g, select, formal {har skickats} other {är på väg}}.")
        #expect(try message.format(["name": .text("Anna"), "n": .integer(0), "g": .text("x")], locale: "sv", timeZone: stockholm) == "Anna, inga paket är på väg.")
        #expect(try message.format(["name": .text("Anna"), "n": .integer(3), "g": .text("formal")], locale: "sv", timeZone: stockholm) == "Anna, 3 paket har skickats.")
    }

    @Test func pluralCategoriesComeFromCLDR() throws {
        let polish = try MessageFormat("{n, plural, one {# paczka} few {# paczki} many {# paczek} other {# paczki}}")
        #expect(try polish.format(["n": .integer(1)], locale: "pl", timeZone: stockholm) == "1 paczka")
        #expect(try polish.format(["n": .integer(22)], locale: "pl", timeZone: stockholm) == "22 paczki")
        #expect(try polish.format(["n": .integer(25)], locale: "pl", timeZone: stockholm) == "25 paczek")
        let ordinal = try MessageFormat("{n, selectordinal, one {#st} two {#nd} few {#rd} other {#th}}")
        #expect(try (1...4).map { try ordinal.format(["n": .integer($0)], locale: "en", timeZone: stockholm) } == ["1st", "2nd", "3rd", "4th"])
        let offset = try MessageFormat("{n, plural, offset:1 =0 {nobody} =1 {you} one {you and # other} other {you and # others}}")
        #expect(try offset.format(["n": .integer(2)], locale: "en", timeZone: stockholm) == "you and 1 other")
        #expect(try offset.format(["n": .integer(5)], locale: "en", timeZone: stockholm) == "you and 4 others")
    }

    @Test func apostropheQuoting() throws {
        #expect(try MessageFormat("It''s '{literal}' here").format([:], locale: "en", timeZone: stockholm) == "It's {literal} here")
        #expect(try MessageFormat("l'ordine").format([:], locale: "it", timeZone: stockholm) == "l'ordine")
    }

    /// Money, numbers and dates across the spring DST change, per locale, as
    /// Foundation's ICU data formats them (spaces normalised: ICU uses no-break ones).
    @Test(arguments: [
        ("sv-SE", "Europe/Stockholm", "1 234,56 € · 29 mars 2026 01:30 · 1 234,5", "1 234,56 € · 29 mars 2026 03:30 · 1 234,5"),
        ("da-DK", "Europe/Copenhagen", "1.234,56 € · 29. mar. 2026 01.30 · 1.234,5", "1.234,56 € · 29. mar. 2026 03.30 · 1.234,5"),
        ("fi-FI", "Europe/Helsinki", "1 234,56 € · 29.3.2026 2.30 · 1 234,5", "1 234,56 € · 29.3.2026 4.30 · 1 234,5"),
        ("it-IT", "Europe/Rome", "1234,56 € · 29 mar 2026 01:30 · 1234,5", "1234,56 € · 29 mar 2026 03:30 · 1234,5"),
        ("de-DE", "Europe/Berlin", "1.234,56 € · 29.03.2026 01:30 · 1.234,5", "1.234,56 € · 29.03.2026 03:30 · 1.234,5"),
        ("en-US", "America/New_York", "€1,234.56 · Mar 28, 2026 8:30 PM · 1,234.5", "€1,234.56 · Mar 28, 2026 9:30 PM · 1,234.5"),
        ("ja-JP", "Asia/Tokyo", "€1,234.56 · 2026/03/29 9:30 · 1,234.5", "€1,234.56 · 2026/03/29 10:30 · 1,234.5"),
    ])
    func formatsMoneyAndDatesForTheLocale(locale: String, zone: String, beforeChange: String, afterChange: String) throws {
        let message = try MessageFormat("{amount, number, currency} · {d, date, medium} {d, time, short} · {n, number}")
        // 2026-03-29 00:30 UTC, and an hour later: the EU's clocks jump from 02:00 to 03:00 local in between.
        let before = Date(timeIntervalSince1970: 1_774_744_200)
        let arguments: (Date) -> [String: MessageArgument] = {
            ["amount": .money(minorUnits: 123_456, currency: "EUR"), "d": .date($0), "n": .decimal("1234.5")]
        }
        let tz = try #require(TimeZone(identifier: zone))
        func plain(_ s: String) -> String { String(s.map { $0 == "\u{00A0}" || $0 == "\u{202F}" ? " " : $0 }) }
        #expect(plain(try message.format(arguments(before), locale: locale, timeZone: tz)) == beforeChange)
        #expect(plain(try message.format(arguments(before.addingTimeInterval(3_600)), locale: locale, timeZone: tz)) == afterChange)
    }

    /// Minor units scale by the currency's own digits (ISO 4217), not a fixed two.
    @Test func moneyScalesByTheCurrencysMinorUnit() throws {
        let message = try MessageFormat("{amount}")
        func plain(_ s: String) -> String { String(s.map { $0 == "\u{00A0}" || $0 == "\u{202F}" ? " " : $0 }) }
        let yen = plain(try message.format(["amount": .money(minorUnits: 500, currency: "JPY")], locale: "en-US", timeZone: stockholm))
        #expect(yen.contains("500") && !yen.contains("5.00"), "\(yen)")
        let dinar = plain(try message.format(["amount": .money(minorUnits: 5_125, currency: "BHD")], locale: "en-US", timeZone: stockholm))
        #expect(dinar.contains("5.125"), "\(dinar)")
        let kronor = plain(try message.format(["amount": .money(minorUnits: 3_990, currency: "SEK")], locale: "sv-SE", timeZone: stockholm))
        #expect(kronor == "39,90 kr", "\(kronor)")
    }

    @Test func typedErrors() {
        #expect(throws: MessageFormatError.unexpectedEnd(offset: 11)) { try MessageFormat("Hello {name") }
        #expect(throws: MessageFormatError.missingOther(offset: 0)) { try MessageFormat("{n, plural, one {x}}") }
        #expect(throws: MessageFormatError.unknownArgumentType("colour", offset: 4)) { try MessageFormat("{n, colour}") }
        #expect(throws: MessageFormatError.unexpectedCharacter("}", offset: 3)) { try MessageFormat("ab }") }
        #expect(throws: MessageFormatError.missingArgument("name")) { try MessageFormat("{name}").format([:], locale: "en", timeZone: stockholm) }
        #expect(throws: MessageFormatError.wrongArgumentType("n", expected: "a number")) {
            try MessageFormat("{n, plural, other {#}}").format(["n": .text("x")], locale: "en", timeZone: stockholm)
        }
        #expect {
            try MessageFormat(String(repeating: "{a, select, other {", count: 40) + String(repeating: "}}", count: 40))
        } throws: { error in
            if case .nestingTooDeep = error as? MessageFormatError { return true }
            return false
        }
    }

    /// Random and truncated patterns never crash the parser or the formatter.
    @Test func fuzzNeverCrashes() {
        var state: UInt64 = 0x3F
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        let alphabet = Array("{}#',= abnx12plural select selectordinal number date other one few offset:")
        let seeds = [
            "{n, plural, offset:1 =0 {none} one {# item} other {# items}}",
            "{g, select, female {her {n, plural, one {#} other {##}}} other {their}}",
            "It''s '{quoted}' {d, date, long} {x, number, percent}",
        ]
        var parsed = 0
        for seed in seeds {
            let characters = Array(seed)
            for length in 0...characters.count {
                if let message = try? MessageFormat(String(characters.prefix(length))) {
                    parsed += 1
                    _ = try? message.format(["n": .integer(2), "g": .text("female"), "d": .date(Date()), "x": .decimal("0.5")], locale: "en", timeZone: stockholm)
                }
            }
        }
        for _ in 0..<3_000 {
            let pattern = String((0..<Int(next() % 60)).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] })
            if let message = try? MessageFormat(pattern) {
                parsed += 1
                _ = try? message.format(["n": .integer(1), "a": .text("x")], locale: "fi", timeZone: stockholm)
            }
        }
        #expect(parsed > 10, "seed 0x3F")
    }
}
