import Testing
import Foundation
@testable import CustomerModel
import TestSupport

@Suite("E-mail addresses")
struct EmailTests {
    @Test(arguments: [
        ("Anna@Example.SE", "Anna@example.se"),
        ("  bo.ek+orders@shop.example  ", "bo.ek+orders@shop.example"),
        ("\"john doe\"@example.com", "\"john doe\"@example.com"),
        ("user@[192.0.2.1]", "user@[192.0.2.1]"),
        ("åsa@Exempel.SE", "åsa@exempel.se"),
        ("o'brien@example.ie", "o'brien@example.ie"),
        ("x@MÜNCHEN.de", "x@münchen.de"),
    ])
    func normalises(input: String, expected: String) throws {
        #expect(try ContactPoint.email(input).value == expected)
    }

    @Test func localPartKeepsItsCase() throws {
        #expect(try ContactPoint.email("Anna@example.se") != ContactPoint.email("anna@example.se"))
        #expect(try ContactPoint.email("anna@EXAMPLE.se") == ContactPoint.email("anna@example.SE"))
    }

    @Test(arguments: [
        ("plainaddress", ContactPointError.emailMissingAt("plainaddress")),
        ("@example.com", .emailEmptyLocalPart("@example.com")),
        ("a..b@example.com", .emailInvalidLocalPart("a..b@example.com", reason: "has two dots in a row")),
        (".ab@example.com", .emailInvalidLocalPart(".ab@example.com", reason: "starts or ends with a dot")),
        ("a b@example.com", .emailInvalidLocalPart("a b@example.com", reason: "has \" \", which needs quoting")),
        ("ab@", .emailInvalidDomain("ab@", reason: "is empty")),
        ("ab@example..com", .emailInvalidDomain("ab@example..com", reason: "has an empty label")),
        ("ab@-example.com", .emailInvalidDomain("ab@-example.com", reason: "has a label that starts or ends with a hyphen")),
        ("ab@exa_mple.com", .emailInvalidDomain("ab@exa_mple.com", reason: "has \"_\"")),
        ("\"unterminated@example.com", .emailInvalidLocalPart("\"unterminated@example.com", reason: "has an unterminated quoted string")),
        ("ab@[1.2.3.4", .emailInvalidDomain("ab@[1.2.3.4", reason: "has an unterminated address literal")),
    ])
    func rejects(input: String, expected: ContactPointError) {
        #expect(throws: expected) { try ContactPoint.email(input) }
    }

    @Test func rejectsOverlongParts() {
        let local = String(repeating: "a", count: 65)
        #expect(throws: ContactPointError.emailLocalPartTooLong("\(local)@example.com")) {
            try ContactPoint.email("\(local)@example.com")
        }
        let label = String(repeating: "b", count: 64)
        #expect(throws: ContactPointError.emailInvalidDomain("a@\(label).com", reason: "has a label over 63 octets")) {
            try ContactPoint.email("a@\(label).com")
        }
    }
}

@Suite("Phone numbers")
struct PhoneTests {
    @Test(arguments: [
        ("+46 70-123 45 67", nil, "+46701234567"),
        ("070-123 45 67", "SE", "+46701234567"),
        ("0046 70 123 45 67", "SE", "+46701234567"),
        ("(212) 555-0100", "US", "+12125550100"),
        ("1 212 555 0100", "US", "+12125550100"),
        ("011 46 70 123 45 67", "US", "+46701234567"),
        ("06 1234 5678", "NL", "+31612345678"),
        ("040 123 4567", "FI", "+358401234567"),
        ("06 12345678", "IT", "+390612345678"),
        ("20 12 34 56", "DK", "+4520123456"),
        ("0171 1234567", "de", "+491711234567"),
        ("0046701234567", nil, "+46701234567"),
    ] as [(String, String?, String)])
    func normalisesToE164(input: String, region: String?, expected: String) throws {
        #expect(try ContactPoint.phone(input, defaultRegion: region).value == expected)
    }

    @Test(arguments: [
        ("", nil, ContactPointError.phoneEmpty),
        ("+ - ()", nil, .phoneEmpty),
        ("070-123 45 67", nil, .phoneNeedsRegion("070-123 45 67")),
        ("070 12", "XX", .phoneUnknownRegion("XX")),
        ("+46 70 12a", nil, .phoneInvalidCharacter("+46 70 12a", "a")),
        ("+46 70", nil, .phoneInvalidLength("+46 70", digits: 4)),
        ("+46 70 123 45 67 89 01 23", nil, .phoneInvalidLength("+46 70 123 45 67 89 01 23", digits: 17)),
        ("+999 123 456 789", nil, .phoneUnknownCountryCode("+999 123 456 789")),
        ("46+701234567", nil, .phoneInvalidCharacter("46+701234567", "+")),
    ] as [(String, String?, ContactPointError)])
    func rejects(input: String, region: String?, expected: ContactPointError) {
        #expect(throws: expected) { try ContactPoint.phone(input, defaultRegion: region) }
    }
}

@Suite("Handles")
struct HandleTests {
    @Test func namespacedByPlatformAndCaseFolded() throws {
        let a = try ContactPoint.handle("@Shop_Fan", platform: "Instagram")
        #expect(a.value == "shop_fan")
        #expect(a.kind == .handle(platform: "instagram"))
        #expect(try a != ContactPoint.handle("shop_fan", platform: "x"))
    }

    @Test func rejectsEmptyAndBadPlatforms() {
        #expect(throws: ContactPointError.emptyHandle) { try ContactPoint.handle(" @ ", platform: "x") }
        #expect(throws: ContactPointError.emptyHandle) { try ContactPoint.handle("two words", platform: "x") }
        #expect(throws: ContactPointError.invalidPlatform("we chat")) { try ContactPoint.handle("a", platform: "we chat") }
    }
}

@Suite("Normalisation is idempotent")
struct IdempotenceTests {
    static let localAlphabet = Array("abcXYZ019.+-_!#åé'")
    static let domainAlphabet = Array("abcXYZ019-ÄÖ")

    @Test func randomContactPointsNormaliseToAFixedPoint() throws {
        let seed: UInt64 = 0x5EED_0001
        var random = SplitMix64(seed: seed)
        var accepted = 0
        for _ in 0..<5_000 {
            let raw = Self.randomInput(&random)
            for make in [
                { try ContactPoint.email(raw) },
                { try ContactPoint.phone(raw, defaultRegion: ["SE", "US", "DE", "FI"].randomElement(using: &random)) },
                { try ContactPoint.handle(raw, platform: "Chat") },
            ] as [() throws -> ContactPoint] {
                guard let once = try? make() else { continue }
                accepted += 1
                let twice = try ContactPoint(kind: once.kind, normalising: once.value)
                #expect(once == twice, "seed \(seed): \(raw.debugDescription) → \(once.value) → \(twice.value)")
            }
        }
        #expect(accepted > 2_000, "seed \(seed): the generator should produce mostly valid input")
    }

    static func randomInput(_ random: inout SplitMix64) -> String {
        switch random.next() % 3 {
        case 0:
            let local = String((0..<Int.random(in: 1...10, using: &random)).map { _ in localAlphabet.randomElement(using: &random)! })
            let domain = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                String((0..<Int.random(in: 1...6, using: &random)).map { _ in domainAlphabet.randomElement(using: &random)! })
            }.joined(separator: ".")
            return "\(local)@\(domain)"
        case 1:
            let prefix = ["+46 ", "0", "00", "+1 ", "(", ""].randomElement(using: &random)!
            let digits = String((0..<Int.random(in: 6...13, using: &random)).map { _ in "0123456789 -".randomElement(using: &random)! })
            return prefix + digits
        default:
            return "@" + String((0..<Int.random(in: 1...12, using: &random)).map { _ in "aBc_1.Ö".randomElement(using: &random)! })
        }
    }
}

@Suite("Contact points as table keys")
struct ContactPointKeyTests {
    /// The fingerprint is keyed per process and never encoded: a decoded contact point computes
    /// its own, so it equals and hashes as the original.
    @Test func decodedContactPointEqualsAndHashesAsTheOriginal() throws {
        let points = [
            try ContactPoint.email("Anna@Example.SE"), try ContactPoint.phone("+46 70-123 45 67"),
            try ContactPoint(kind: .handle(platform: "instagram"), normalising: "@Anna.Shop"),
        ]
        let decoded = try JSONDecoder().decode([ContactPoint].self, from: JSONEncoder().encode(points))
        #expect(decoded == points)
        #expect(decoded.map(\.hashValue) == points.map(\.hashValue))
        #expect(Set(points + decoded).count == 3)
    }

    /// Kinds stay apart even for the same value.
    @Test func kindIsPartOfTheIdentity() throws {
        let handle = try ContactPoint(kind: .handle(platform: "whatsapp"), normalising: "46701234567")
        let other = try ContactPoint(kind: .handle(platform: "telegram"), normalising: "46701234567")
        #expect(handle != other)
    }
}
