import Testing
import TestSupport
@testable import Policy

@Suite("Money from and to decimal text")
struct MoneyTests {
    @Test(arguments: [
        ("JPY", 0), ("ISK", 0), ("KRW", 0), ("XPF", 0), ("SEK", 2), ("EUR", 2), ("USD", 2), ("XAU", 2),
        ("BHD", 3), ("KWD", 3), ("TND", 3), ("CLF", 4), ("UYW", 4),
    ])
    func minorUnitDigitsFollowISO4217(currency: String, digits: Int) {
        #expect(Money.minorUnitDigits(of: currency) == digits)
    }

    @Test(arguments: [
        ("39.90", "SEK", 3990), ("39.9", "SEK", 3990), ("1200", "JPY", 1200), ("0.5", "EUR", 50), ("-0.05", "EUR", -5),
        ("-12", "SEK", -1200), ("0", "SEK", 0), ("-0", "SEK", 0), ("007.50", "SEK", 750), ("1.234", "BHD", 1234),
        ("1.2", "KWD", 1200), ("0.0001", "CLF", 1), ("92233720368547758.07", "SEK", Int64.max),
        ("-92233720368547758.08", "SEK", Int64.min), ("9223372036854775807", "JPY", Int64.max),
    ] as [(String, String, Int64)])
    func parsesDecimalText(text: String, currency: String, minorUnits: Int64) throws {
        #expect(try Money(decimal: text, currency: currency) == Money(minorUnits: minorUnits, currency: currency))
    }

    @Test(arguments: [
        ("", "SEK", MoneyParseError.empty),
        ("39.90", "sek", .invalidCurrencyCode("sek")),
        ("39.90", "SEKK", .invalidCurrencyCode("SEKK")),
        ("39.90", "", .invalidCurrencyCode("")),
        ("39.905", "SEK", .tooManyFractionDigits(text: "39.905", currency: "SEK", allowed: 2)),
        ("10.5", "JPY", .tooManyFractionDigits(text: "10.5", currency: "JPY", allowed: 0)),
        ("1200.0", "JPY", .tooManyFractionDigits(text: "1200.0", currency: "JPY", allowed: 0)),
        ("1.2345", "BHD", .tooManyFractionDigits(text: "1.2345", currency: "BHD", allowed: 3)),
        ("abc", "SEK", .unexpectedCharacter("a", offset: 0, text: "abc")),
        ("1,5", "SEK", .unexpectedCharacter(",", offset: 1, text: "1,5")),
        ("1 000", "SEK", .unexpectedCharacter(" ", offset: 1, text: "1 000")),
        (" 5", "SEK", .unexpectedCharacter(" ", offset: 0, text: " 5")),
        ("5 ", "SEK", .unexpectedCharacter(" ", offset: 1, text: "5 ")),
        ("+5", "SEK", .unexpectedCharacter("+", offset: 0, text: "+5")),
        ("1e3", "SEK", .unexpectedCharacter("e", offset: 1, text: "1e3")),
        ("1.2.3", "SEK", .unexpectedCharacter(".", offset: 3, text: "1.2.3")),
        ("--1", "SEK", .unexpectedCharacter("-", offset: 1, text: "--1")),
        ("\u{0663}", "SEK", .unexpectedCharacter("\u{0663}", offset: 0, text: "\u{0663}")),
        ("-", "SEK", .missingDigits(offset: 1, text: "-")),
        (".5", "SEK", .missingDigits(offset: 0, text: ".5")),
        ("-.5", "SEK", .missingDigits(offset: 1, text: "-.5")),
        ("5.", "SEK", .missingDigits(offset: 2, text: "5.")),
        ("92233720368547758.08", "SEK", .outOfRange(text: "92233720368547758.08", currency: "SEK")),
        ("-92233720368547758.09", "SEK", .outOfRange(text: "-92233720368547758.09", currency: "SEK")),
        ("9223372036854775808", "JPY", .outOfRange(text: "9223372036854775808", currency: "JPY")),
        ("100000000000000000", "SEK", .outOfRange(text: "100000000000000000", currency: "SEK")),
    ] as [(String, String, MoneyParseError)])
    func rejectsBadText(text: String, currency: String, error: MoneyParseError) {
        #expect(throws: error) { try Money(decimal: text, currency: currency) }
        #expect(!error.description.isEmpty)
    }

    @Test func errorsSayWhatToDo() {
        #expect(MoneyParseError.invalidCurrencyCode("sek").description.contains("upper-case"))
        #expect(MoneyParseError.tooManyFractionDigits(text: "39.905", currency: "SEK", allowed: 2).description.contains("at most 2 digits"))
        #expect(MoneyParseError.tooManyFractionDigits(text: "10.5", currency: "JPY", allowed: 0).description.contains("whole number"))
    }

    @Test(arguments: [
        (3990, "SEK", "39.90"), (1200, "JPY", "1200"), (-5, "EUR", "-0.05"), (0, "SEK", "0.00"), (0, "JPY", "0"),
        (1, "BHD", "0.001"), (5, "CLF", "0.0005"), (-120_000, "KWD", "-120.000"),
        (Int64.min, "SEK", "-92233720368547758.08"), (Int64.max, "JPY", "9223372036854775807"),
    ] as [(Int64, String, String)])
    func writesDecimalText(minorUnits: Int64, currency: String, text: String) throws {
        let money = Money(minorUnits: minorUnits, currency: currency)
        #expect(money.decimalString == text)
        #expect(try Money(decimal: text, currency: currency) == money)
    }

    /// Random amounts (small and full-range) in currencies with 0, 2, 3 and 4 minor digits
    /// survive `decimalString` → `init(decimal:currency:)`.
    @Test func decimalStringRoundTrips() throws {
        let seed: UInt64 = 0x4D4F_4E45_5931
        var random = SplitMix64(seed: seed)
        let currencies = ["JPY", "SEK", "EUR", "BHD", "KWD", "CLF"]
        for iteration in 0..<5_000 {
            let currency = currencies[random.below(currencies.count)]
            let minorUnits: Int64 =
                switch random.below(3) {
                case 0: Int64(bitPattern: random.next())
                case 1: Int64(random.below(2_000_001)) - 1_000_000
                default: Int64(random.below(200)) - 100
                }
            let money = Money(minorUnits: minorUnits, currency: currency)
            let text = money.decimalString
            let digits = Money.minorUnitDigits(of: currency)
            let fraction = text.split(separator: ".", omittingEmptySubsequences: false).dropFirst().first
            #expect((fraction?.count ?? 0) == digits, "seed \(seed), iteration \(iteration): \(text) \(currency)")
            #expect(try Money(decimal: text, currency: currency) == money, "seed \(seed), iteration \(iteration): \(minorUnits) \(currency) → \(text)")
        }
    }
}
