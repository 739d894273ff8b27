import Foundation
import Testing
import TestSupport

@testable import CustomerModel

private func read(_ text: String, region: String? = "SE") throws(CustomerFileError) -> [Result<Customer, CustomerFileError>] {
    try CustomerFile.read(Data(text.utf8), defaultRegion: region)
}

private func customer(_ result: Result<Customer, CustomerFileError>?) -> Customer? {
    guard case .success(let customer)? = result else { return nil }
    return customer
}

private func failure(_ result: Result<Customer, CustomerFileError>?) -> CustomerFileError? {
    guard case .failure(let error)? = result else { return nil }
    return error
}

/// The error a contact point constructor throws, for expectations.
private func contactError(_ make: () throws(ContactPointError) -> ContactPoint) -> ContactPointError? {
    do {
        _ = try make()
        return nil
    } catch {
        return error
    }
}

private func date(_ seconds: TimeInterval) -> Date { Date(timeIntervalSince1970: seconds) }

@Suite("Customers file")
struct CustomerFileTests {
    static let goodFile = #"""
        [
          {"id": "c-1", "name": "Anna Berg",
           "emails": ["Anna@Example.SE", "Anna@example.se", "anna.b@shop.example"],
           "phones": ["070-123 45 67", "+46 70 123 45 67", "08-123 456 78"],
           "handles": [{"platform": "Instagram", "handle": "@Anna.Berg"}, {"platform": "whatsapp", "handle": "+46701234567"}],
           "language": "sv-SE", "timeZone": "Europe/Stockholm", "register": "informal", "tier": "vip", "country": "se",
           "orders": [
             {"id": "1001", "placedAt": "2026-03-01T10:00:00+01:00", "total": "39.90", "currency": "SEK",
              "status": "delivered", "deliveredAt": "2026-03-03T12:00:00Z", "category": "shoes"},
             {"id": "1002", "placedAt": "2026-03-10T08:00:00Z", "total": 39.9, "currency": "sek", "status": "shipped"},
             {"id": "1003", "placedAt": "2026-03-20T08:00:00Z", "total": 1200, "currency": "JPY", "status": "paid"},
             {"id": "1004", "placedAt": "2026-03-05T09:00:00Z", "total": "5.000", "currency": "KWD", "status": "Cancelled"}
           ],
           "returns": [
             {"id": "r-1", "order": "1001", "requestedAt": "2026-03-05T09:00:00Z", "condition": "unopened",
              "category": "shoes", "status": "refunded", "receivedAt": "2026-03-07T09:00:00.500Z"}
           ]},
          {"id": "c-2", "name": "Bo Ek", "emails": [], "timeZone": null, "orders": []}
        ]
        """#

    @Test func goodFile() throws {
        let results = try read(Self.goodFile)
        #expect(results.count == 2)
        let anna = try #require(customer(results.first))
        #expect(anna.id == "c-1")
        let profile = anna.profile
        #expect(profile.displayName == "Anna Berg")
        #expect(
            profile.contactPoints == [
                try ContactPoint.email("Anna@example.se"), try ContactPoint.email("anna.b@shop.example"),
                try ContactPoint.phone("+46701234567"), try ContactPoint.phone("+46812345678"),
                try ContactPoint.handle("anna.berg", platform: "instagram"),
                try ContactPoint.handle("+46701234567", platform: "whatsapp"),
            ])
        #expect(profile.preferredLanguage == "sv-SE")
        #expect(profile.timeZoneIdentifier == "Europe/Stockholm")
        #expect(profile.register == .informal)
        #expect(profile.tier == "vip")
        #expect(profile.country == "SE")
        let orders = profile.commerce.orders
        #expect(
            orders == [
                CustomerOrder(
                    id: "1001", placedAt: date(1_772_355_600), totalMinorUnits: 3990, currency: "SEK", status: "delivered",
                    deliveredAt: date(1_772_539_200), category: "shoes"),
                CustomerOrder(id: "1002", placedAt: date(1_773_129_600), totalMinorUnits: 3990, currency: "SEK", status: "shipped"),
                CustomerOrder(id: "1003", placedAt: date(1_773_993_600), totalMinorUnits: 1200, currency: "JPY", status: "paid"),
                CustomerOrder(id: "1004", placedAt: date(1_772_701_200), totalMinorUnits: 5000, currency: "KWD", status: "Cancelled"),
            ])
        #expect(
            profile.commerce.returns == [
                CustomerReturn(
                    id: "r-1", order: "1001", requestedAt: date(1_772_701_200), condition: "unopened", category: "shoes",
                    status: "refunded", receivedAt: date(1_772_874_000.5))
            ])
        let summary = profile.commerce
        #expect(summary.orderCount == 4)
        #expect(summary.returnCount == 1)
        #expect(summary.refundCount == 1)
        #expect(summary.spentMinorUnits == ["SEK": 7980, "JPY": 1200])  // the cancelled KWD order spent nothing
        #expect(summary.lastOrderAt == date(1_773_993_600))
        #expect(summary.openOrderIDs == ["1002", "1003"])

        let empty = try read(#"[{"id": "e", "name": "E", "language": "", "timeZone": "", "tier": "", "country": "", "register": null}]"#)
        #expect(customer(empty.first)?.profile == PartyProfile(displayName: "E"))

        let bo = try #require(customer(results.last))
        #expect(bo == Customer(id: "c-2", profile: PartyProfile(displayName: "Bo Ek")))
    }

    @Test func refundedOrdersWithoutAReturnCountAsRefunds() throws {
        let results = try read(#"""
            [{"id": "c", "name": "C", "orders": [
              {"id": "1", "placedAt": "2026-03-01T10:00:00Z", "total": "10", "currency": "EUR", "status": "refunded"},
              {"id": "2", "placedAt": "2026-03-01T10:00:00Z", "total": "1.5", "currency": "EUR", "status": "refunded"},
              {"id": "3", "placedAt": "2026-03-01T10:00:00Z", "total": 0, "currency": "EUR", "status": "canceled"}],
             "returns": [{"id": "r", "order": "2", "requestedAt": "2026-03-02T10:00:00Z", "condition": "worn", "status": "refunded"}]}]
            """#)
        let summary = try #require(customer(results.first)).profile.commerce
        #expect(summary.refundCount == 2)
        #expect(summary.spentMinorUnits == ["EUR": 1150])
        #expect(summary.openOrderIDs.isEmpty)
    }

    @Test(arguments: [
        ("39.90", "SEK", 3990), ("39.9", "SEK", 3990), ("39", "SEK", 3900), ("0.01", "EUR", 1), ("1200", "JPY", 1200),
        ("1.234", "KWD", 1234), ("0", "USD", 0), ("92233720368547758.07", "EUR", Int64.max),
    ] as [(String, String, Int64)])
    func amounts(total: String, currency: String, minor: Int64) throws {
        for written in ["\"\(total)\"", total] {
            let text = #"[{"id": "c", "name": "C", "orders": [{"id": "1", "placedAt": "2026-03-01T10:00:00Z", "total": \#(written), "currency": "\#(currency)", "status": "paid"}]}]"#
            let got = try #require(customer(try read(text).first), "\(written) \(currency)")
            #expect(got.profile.commerce.orders.first?.totalMinorUnits == minor, "\(written) \(currency)")
        }
    }

    @Test func numbersGoThroughTheirDigitsNotDoubles() throws {
        // 0.1 + 0.2 style: 1.15 * 100 is 114.99999999999999 in binary floating point.
        let text = #"[{"id": "c", "name": "C", "orders": [{"id": "1", "placedAt": "2026-03-01T10:00:00Z", "total": 1.15, "currency": "EUR", "status": "paid"}, {"id": "2", "placedAt": "2026-03-01T10:00:00Z", "total": 4.35, "currency": "EUR", "status": "paid"}, {"id": "3", "placedAt": "2026-03-01T10:00:00Z", "total": 1e2, "currency": "EUR", "status": "paid"}]}]"#
        let orders = try #require(customer(try read(text).first)).profile.commerce.orders
        #expect(orders.map(\.totalMinorUnits) == [115, 435, 10_000])
    }

    @Test(arguments: [
        ("1200.0", "JPY", 1200), ("1.5e1", "EUR", 1500), ("2E-2", "EUR", 2), ("-0", "EUR", 0), ("39.900", "EUR", 3990),
        ("0.039900e3", "EUR", 3990), ("12E+2", "JPY", 1200), ("1e18", "JPY", 1_000_000_000_000_000_000),
    ] as [(String, String, Int64)])
    func numberTotals(literal: String, currency: String, minor: Int64) throws {
        // As a JSON number, trailing zeros after the point are not digits of precision.
        let text = #"[{"id": "c", "name": "C", "orders": [{"id": "1", "placedAt": "2026-03-01T10:00:00Z", "total": \#(literal), "currency": "\#(currency)", "status": "paid"}]}]"#
        let got = try #require(customer(try read(text).first), "\(literal)")
        #expect(got.profile.commerce.orders.first?.totalMinorUnits == minor, "\(literal)")
        // As a string, they are: "39.900" has three decimals.
        if literal == "39.900" {
            let asString = text.replacingOccurrences(of: "39.900", with: "\"39.900\"")
            #expect(failure(try read(asString).first)?.problem == .badAmount(field: "orders[0].total", value: "39.900", reason: "has 3 decimals; EUR allows 2"))
        }
    }

    // MARK: Bad entries

    static let good = #"{"id": "good", "name": "Good"}"#
    static func order(_ fields: String) -> String {
        #"{"id": "c", "name": "C", "orders": [{"id": "1", "placedAt": "2026-03-01T10:00:00Z", "total": "1.00", "currency": "EUR", "status": "paid"}, \#(fields)]}"#
    }
    static func orderWith(_ replacements: [String: String]) -> String {
        var fields: [(String, String)] = [
            ("id", #""2""#), ("placedAt", #""2026-03-01T10:00:00Z""#), ("total", #""1.00""#), ("currency", #""EUR""#),
            ("status", #""paid""#),
        ]
        for (key, value) in replacements {
            if let index = fields.firstIndex(where: { $0.0 == key }) {
                if value.isEmpty { fields.remove(at: index) } else { fields[index].1 = value }
            } else {
                fields.append((key, value))
            }
        }
        return order("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
    }
    static func returnWith(_ fields: String) -> String {
        #"{"id": "c", "name": "C", "orders": [{"id": "1", "placedAt": "2026-03-01T10:00:00Z", "total": "1.00", "currency": "EUR", "status": "paid"}], "returns": [\#(fields)]}"#
    }
    static let goodReturn = #""id": "r", "order": "1", "requestedAt": "2026-03-02T10:00:00Z", "condition": "unopened", "status": "requested""#

    static let badEntries: [(String, String?, CustomerFileError.Problem)] = [
        ("5", nil, .notAnObject),
        (#""c-9""#, nil, .notAnObject),
        ("[]", nil, .notAnObject),
        ("null", nil, .notAnObject),
        (#"{"name": "No Id"}"#, nil, .missingField("id")),
        (#"{"id": null, "name": "No Id"}"#, nil, .missingField("id")),
        (#"{"id": "c", "emails": []}"#, "c", .missingField("name")),
        (#"{"id": 17, "name": "N"}"#, nil, .wrongType(field: "id", expected: "a string")),
        (#"{"id": " ", "name": "N"}"#, nil, .wrongType(field: "id", expected: "a non-empty string")),
        (#"{"id": "c", "name": ["N"]}"#, "c", .wrongType(field: "name", expected: "a string")),
        (#"{"id": "c", "name": ""}"#, "c", .wrongType(field: "name", expected: "a non-empty string")),
        (#"{"id": "c", "name": "N", "emails": "n@example.se"}"#, "c", .wrongType(field: "emails", expected: "an array")),
        (#"{"id": "c", "name": "N", "emails": [5]}"#, "c", .wrongType(field: "emails[0]", expected: "a string")),
        (#"{"id": "c", "name": "N", "phones": {"mobile": "+46701234567"}}"#, "c", .wrongType(field: "phones", expected: "an array")),
        (#"{"id": "c", "name": "N", "handles": ["@anna"]}"#, "c",
         .wrongType(field: "handles[0]", expected: #"an object with "platform" and "handle""#)),
        (#"{"id": "c", "name": "N", "handles": [{"platform": "x"}]}"#, "c", .missingField("handles[0].handle")),
        (#"{"id": "c", "name": "N", "handles": [{"handle": "x", "platform": 3}]}"#, "c",
         .wrongType(field: "handles[0].platform", expected: "a string")),
        (#"{"id": "c", "name": "N", "language": 1}"#, "c", .wrongType(field: "language", expected: "a string")),
        (#"{"id": "c", "name": "N", "tier": true}"#, "c", .wrongType(field: "tier", expected: "a string")),
        (#"{"id": "c", "name": "N", "orders": {}}"#, "c", .wrongType(field: "orders", expected: "an array")),
        (#"{"id": "c", "name": "N", "orders": ["1001"]}"#, "c", .wrongType(field: "orders[0]", expected: "an object")),
        (#"{"id": "c", "name": "N", "returns": [7]}"#, "c", .wrongType(field: "returns[0]", expected: "an object")),
        (#"{"id": "c", "name": "N", "emails": ["ok@example.se", "plainaddress"]}"#, "c",
         .badContactPoint(field: "emails[1]", value: "plainaddress", error: .emailMissingAt("plainaddress"))),
        (#"{"id": "c", "name": "N", "phones": ["+46701234567", "070-12x"]}"#, "c",
         .badContactPoint(
            field: "phones[1]", value: "070-12x",
            error: contactError { () throws(ContactPointError) in try ContactPoint.phone("070-12x", defaultRegion: "SE") } ?? .phoneEmpty)),
        (#"{"id": "c", "name": "N", "phones": ["12"]}"#, "c",
         .badContactPoint(
            field: "phones[0]", value: "12",
            error: contactError { () throws(ContactPointError) in try ContactPoint.phone("12", defaultRegion: "SE") } ?? .phoneEmpty)),
        (#"{"id": "c", "name": "N", "handles": [{"platform": "insta gram", "handle": "anna"}]}"#, "c",
         .badContactPoint(field: "handles[0]", value: "anna", error: .invalidPlatform("insta gram"))),
        (#"{"id": "c", "name": "N", "handles": [{"platform": "x", "handle": "@"}]}"#, "c",
         .badContactPoint(field: "handles[0]", value: "@", error: .emptyHandle)),
        (#"{"id": "c", "name": "N", "language": "sv_SE"}"#, "c", .badLanguage("sv_SE")),
        (#"{"id": "c", "name": "N", "timeZone": "Mars/Olympus_Mons"}"#, "c", .badTimeZone("Mars/Olympus_Mons")),
        (#"{"id": "c", "name": "N", "register": "casual"}"#, "c", .badRegister("casual")),
        (#"{"id": "c", "name": "N", "register": "Formal"}"#, "c", .badRegister("Formal")),
        (#"{"id": "c", "name": "N", "country": "SWE"}"#, "c", .badCountry("SWE")),
        (#"{"id": "c", "name": "N", "country": "S1"}"#, "c", .badCountry("S1")),
        (orderWith(["placedAt": #""2026-03-01""#]), "c", .badTime(field: "orders[1].placedAt", value: "2026-03-01")),
        (orderWith(["placedAt": #""2026-03-01T10:00:00""#]), "c",
         .badTime(field: "orders[1].placedAt", value: "2026-03-01T10:00:00")),
        (orderWith(["deliveredAt": #""2026-02-29T10:00:00Z""#]), "c",
         .badTime(field: "orders[1].deliveredAt", value: "2026-02-29T10:00:00Z")),
        (orderWith(["placedAt": ""]), "c", .missingField("orders[1].placedAt")),
        (orderWith(["placedAt": "1772355600"]), "c", .wrongType(field: "orders[1].placedAt", expected: "a string")),
        (orderWith(["total": ""]), "c", .missingField("orders[1].total")),
        (orderWith(["status": ""]), "c", .missingField("orders[1].status")),
        (orderWith(["id": ""]), "c", .missingField("orders[1].id")),
        (orderWith(["currency": ""]), "c", .missingField("orders[1].currency")),
        (orderWith(["category": "5"]), "c", .wrongType(field: "orders[1].category", expected: "a string")),
        (orderWith(["total": "true"]), "c",
         .wrongType(field: "orders[1].total", expected: #"a decimal string ("39.90") or a number"#)),
        (orderWith(["total": #""39.905""#]), "c",
         .badAmount(field: "orders[1].total", value: "39.905", reason: "has 3 decimals; EUR allows 2")),
        (orderWith(["total": "39.905"]), "c",
         .badAmount(field: "orders[1].total", value: "39.905", reason: "has 3 decimals; EUR allows 2")),
        (orderWith(["total": "1200.5", "currency": #""JPY""#]), "c",
         .badAmount(field: "orders[1].total", value: "1200.5", reason: "has 1 decimal; JPY allows 0")),
        (orderWith(["total": #""1200.0""#, "currency": #""JPY""#]), "c",
         .badAmount(field: "orders[1].total", value: "1200.0", reason: "has 1 decimal; JPY allows 0")),
        (orderWith(["total": #""1.2345""#, "currency": #""KWD""#]), "c",
         .badAmount(field: "orders[1].total", value: "1.2345", reason: "has 4 decimals; KWD allows 3")),
        (orderWith(["total": #""-5.00""#]), "c", .badAmount(field: "orders[1].total", value: "-5.00", reason: "is negative")),
        (orderWith(["total": "-5"]), "c", .badAmount(field: "orders[1].total", value: "-5", reason: "is negative")),
        (orderWith(["total": #""39,90""#]), "c",
         .badAmount(field: "orders[1].total", value: "39,90", reason: #"must be digits with an optional decimal point ("39.90")"#)),
        (orderWith(["total": #"" 39.90""#]), "c",
         .badAmount(field: "orders[1].total", value: " 39.90", reason: #"must be digits with an optional decimal point ("39.90")"#)),
        (orderWith(["total": #""39.""#]), "c",
         .badAmount(field: "orders[1].total", value: "39.", reason: #"must be digits with an optional decimal point ("39.90")"#)),
        (orderWith(["total": #"".5""#]), "c",
         .badAmount(field: "orders[1].total", value: ".5", reason: #"must be digits with an optional decimal point ("39.90")"#)),
        (orderWith(["total": #""""#]), "c", .badAmount(field: "orders[1].total", value: "", reason: "is empty")),
        (orderWith(["total": #""92233720368547758.08""#]), "c",
         .badAmount(field: "orders[1].total", value: "92233720368547758.08", reason: "is too large")),
        (orderWith(["total": "1e400"]), "c", .badAmount(field: "orders[1].total", value: "1e400", reason: "is too large")),
        (orderWith(["total": "1e1001"]), "c", .badAmount(field: "orders[1].total", value: "1e1001", reason: "is out of range")),
        (orderWith(["total": "1e-3"]), "c", .badAmount(field: "orders[1].total", value: "1e-3", reason: "has 3 decimals; EUR allows 2")),
        (orderWith(["total": "-0.01"]), "c", .badAmount(field: "orders[1].total", value: "-0.01", reason: "is negative")),
        (orderWith(["currency": #""EURO""#]), "c", .badCurrency(field: "orders[1].currency", value: "EURO")),
        (orderWith(["currency": #""E1R""#]), "c", .badCurrency(field: "orders[1].currency", value: "E1R")),
        (orderWith(["id": #""1""#]), "c", .duplicateOrder("1")),
        (orderWith(["total": #""92233720368547758.07""#]), "c",
         .badAmount(
            field: "orders[1].total", value: "9223372036854775807",
            reason: "the EUR totals add up to more than a 64-bit count of minor units")),
        (returnWith("{\(goodReturn)}, {\(goodReturn)}"), "c", .duplicateReturn("r")),
        (returnWith(#"{"id": "r", "order": "9999", "requestedAt": "2026-03-02T10:00:00Z", "condition": "unopened", "status": "requested"}"#),
         "c", .unknownOrder(field: "returns[0].order", order: "9999")),
        (returnWith(#"{"id": "r", "order": "1", "condition": "unopened", "status": "requested"}"#), "c",
         .missingField("returns[0].requestedAt")),
        (returnWith(#"{"id": "r", "order": "1", "requestedAt": "2026-03-02T10:00:00Z", "status": "requested"}"#), "c",
         .missingField("returns[0].condition")),
        (returnWith(#"{"id": "r", "order": "1", "requestedAt": "2026-03-02T10:00:00Z", "condition": "x", "status": "requested", "receivedAt": "soon"}"#),
         "c", .badTime(field: "returns[0].receivedAt", value: "soon")),
        (returnWith(#"{"id": "r", "order": 1, "requestedAt": "2026-03-02T10:00:00Z", "condition": "x", "status": "requested"}"#),
         "c", .wrongType(field: "returns[0].order", expected: "a string")),
    ]

    @Test(arguments: CustomerFileTests.badEntries)
    func badEntryIsReportedWithItsIndex(entry: String, id: String?, problem: CustomerFileError.Problem) throws {
        let results = try read("[\(Self.good), \(entry), {\"id\": \"after\", \"name\": \"After\"}]")
        #expect(results.count == 3)
        #expect(customer(results[0])?.id == "good")
        #expect(failure(results[1]) == CustomerFileError(entry: 1, id: id, problem: problem), "\(entry)")
        #expect(customer(results[2])?.id == "after")
    }

    @Test func nationalPhonesNeedARegion() throws {
        let results = try read(#"[{"id": "c", "name": "N", "phones": ["070-123 45 67"]}]"#, region: nil)
        #expect(
            failure(results.first)?.problem
                == .badContactPoint(field: "phones[0]", value: "070-123 45 67", error: .phoneNeedsRegion("070-123 45 67")))
    }

    @Test func duplicateCustomerIDs() throws {
        let results = try read(#"[{"id": "c", "name": "One"}, {"id": "d", "name": "Two"}, {"id": "c", "name": "One"}, {"id": "e", "name": ""}, {"id": "e", "name": "E"}]"#)
        #expect(results.count == 5)
        #expect(customer(results[0]) != nil && customer(results[1]) != nil)
        #expect(failure(results[2]) == CustomerFileError(entry: 2, id: "c", problem: .duplicateID("c")))
        #expect(failure(results[3])?.problem == .wrongType(field: "name", expected: "a non-empty string"))
        // The id of an entry that failed is taken all the same.
        #expect(failure(results[4]) == CustomerFileError(entry: 4, id: "e", problem: .duplicateID("e")))
    }

    @Test(arguments: [
        ("", nil), ("[{", nil), (#"{"id": "c", "name": "N"}"#, CustomerFileError.Problem.notAnArray), ("\"x\"", .notAnArray),
        ("null", .notAnArray), ("[] []", nil),
    ] as [(String, CustomerFileError.Problem?)])
    func wholeFileErrorsAreThrown(text: String, problem: CustomerFileError.Problem?) {
        do {
            let results = try read(text)
            Issue.record("read \(results)")
        } catch {
            #expect(error.entry == nil)
            #expect(error.id == nil)
            if let problem {
                #expect(error.problem == problem)
            } else if case .notJSON(let reason) = error.problem {
                #expect(!reason.isEmpty)
            } else {
                Issue.record("expected notJSON, got \(error)")
            }
        }
    }

    @Test func invalidUTF8IsNotJSON() throws {
        var bytes = Array(#"[{"id": "c", "name": "Åsa"}]"#.utf8)
        bytes[bytes.count - 4] = 0xFF
        #expect(throws: CustomerFileError(entry: nil, id: nil, problem: .notJSON("invalid UTF-8"))) {
            try CustomerFile.read(Data(bytes))
        }
        #expect(try CustomerFile.read(Data("[]".utf8)).isEmpty)
    }

    @Test func descriptions() {
        #expect(
            CustomerFileError(entry: 3, id: "c-17", problem: .missingField("name")).description
                == #"entry 3 (id "c-17"): missing field "name""#)
        #expect(CustomerFileError(entry: 0, id: nil, problem: .notAnObject).description == "entry 0: not a JSON object")
        #expect(CustomerFileError(entry: nil, id: nil, problem: .notAnArray).description.hasPrefix("file: "))
        #expect(
            CustomerFileError.Problem.badContactPoint(field: "emails[1]", value: "x", error: .emailMissingAt("x")).description
                == #"emails[1]: e-mail address "x" has no @"#)
    }

    // MARK: Stored data

    @Test func oldShapeProfilesStillDecode() throws {
        // A PartyProfile as stored before register, country, orders and returns existed.
        let old = #"""
            {"displayName": "Anna Berg", "contactPoints": [{"kind": "email", "value": "anna@example.se"}],
             "preferredLanguage": "sv-SE", "tier": "vip", "consents": [],
             "commerce": {"orderCount": 2, "spentMinorUnits": {"SEK": 50000}, "lastOrderAt": 796000000,
                          "returnCount": 1, "refundCount": 0, "openOrderIDs": ["1002"]}}
            """#
        let profile = try JSONDecoder().decode(PartyProfile.self, from: Data(old.utf8))
        #expect(profile.displayName == "Anna Berg")
        #expect(profile.register == nil)
        #expect(profile.country == nil)
        #expect(profile.commerce.orders.isEmpty)
        #expect(profile.commerce.returns.isEmpty)
        #expect(
            profile.commerce
                == CommerceSummary(
                    orderCount: 2, spentMinorUnits: ["SEK": 50_000], lastOrderAt: Date(timeIntervalSinceReferenceDate: 796_000_000),
                    returnCount: 1, openOrderIDs: ["1002"]))

        let summary = try JSONDecoder().decode(
            CommerceSummary.self,
            from: Data(#"{"orderCount": 0, "spentMinorUnits": {}, "returnCount": 0, "refundCount": 0, "openOrderIDs": []}"#.utf8))
        #expect(summary == CommerceSummary())
    }

    @Test func profilesWithoutTheNewDataEncodeAsBefore() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let profile = PartyProfile(
            displayName: "Anna", commerce: CommerceSummary(orderCount: 1, spentMinorUnits: ["SEK": 100]))
        let json = try #require(String(data: try encoder.encode(profile), encoding: .utf8))
        for key in ["register", "country", "orders", "returns"] { #expect(!json.contains("\"\(key)\""), "\(json)") }
    }

    @Test func newDataRoundTrips() throws {
        let results = try read(Self.goodFile)
        let anna = try #require(customer(results.first))
        let decoded = try JSONDecoder().decode(Customer.self, from: try JSONEncoder().encode(anna))
        #expect(decoded == anna)
        #expect(decoded.profile.commerce.orders.count == 4)
    }

    // MARK: Fuzz

    @Test func mutatedFilesNeverCrash() throws {
        let seed: UInt64 = 0xC0FF_EE01
        var rng = SplitMix64(seed: seed)
        let entries: [[(String, String)]] = [
            [("id", #""c-1""#), ("name", #""Anna""#), ("emails", #"["anna@example.se", "Anna@EXAMPLE.se"]"#),
             ("phones", #"["070-123 45 67"]"#), ("handles", #"[{"platform": "instagram", "handle": "@anna"}]"#),
             ("language", #""sv-SE""#), ("timeZone", #""Europe/Stockholm""#), ("register", #""formal""#), ("country", #""SE""#),
             ("orders", #"[{"id": "1", "placedAt": "2026-03-01T10:00:00+01:00", "total": "39.90", "currency": "SEK", "status": "delivered", "deliveredAt": "2026-03-03T10:00:00Z"}, {"id": "2", "placedAt": "2026-03-02T10:00:00Z", "total": 1200, "currency": "JPY", "status": "paid"}]"#),
             ("returns", #"[{"id": "r", "order": "1", "requestedAt": "2026-03-04T10:00:00Z", "condition": "unopened", "status": "requested"}]"#)],
            [("id", #""c-2""#), ("name", #""Bo""#), ("tier", #""vip""#),
             ("orders", #"[{"id": "9", "placedAt": "2026-03-01T10:00:00Z", "total": 39.9, "currency": "EUR", "status": "shipped", "category": "toys"}]"#)],
        ]
        let wrongValues = ["5", "true", "null", "[]", "{}", #""""#, #""x""#, "1e400", #"[{"id": 1}]"#, #"[null]"#]
        var good = 0
        var bad = 0
        var thrown = 0
        for iteration in 0..<2_000 {
            var elements: [String] = []
            for _ in 0..<(1 + rng.below(3)) {
                var fields = entries[rng.below(entries.count)]
                switch rng.below(3) {
                case 0: fields.remove(at: rng.below(fields.count))
                case 1: fields[rng.below(fields.count)].1 = wrongValues[rng.below(wrongValues.count)]
                default: break
                }
                elements.append("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
            }
            var bytes = Array(("[" + elements.joined(separator: ",\n") + "]").utf8)
            var structural = true
            switch rng.below(3) {
            case 0:
                bytes = Array(bytes.prefix(rng.below(bytes.count + 1)))
                structural = false
            case 1:
                for _ in 0..<(1 + rng.below(3)) {
                    bytes[rng.below(bytes.count)] ^= UInt8(truncatingIfNeeded: 1 + rng.below(255))
                }
                structural = false
            default: break
            }
            let context = "seed \(seed) iteration \(iteration): \(String(decoding: bytes, as: UTF8.self))"
            do {
                let results = try CustomerFile.read(Data(bytes), defaultRegion: "SE")
                // Count the elements independently.
                if structural {
                    #expect(results.count == elements.count, "\(context)")
                } else if let array = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [Any] {
                    #expect(results.count == array.count, "\(context)")
                }
                for (index, result) in results.enumerated() {
                    switch result {
                    case .success: good += 1
                    case .failure(let error):
                        bad += 1
                        #expect(error.entry == index, "\(context)")
                    }
                }
            } catch {
                thrown += 1
                #expect(!structural, "\(context): \(error)")
                #expect(error.entry == nil, "\(context)")
            }
        }
        #expect(good > 300 && bad > 300 && thrown > 300, "seed \(seed): \(good) good, \(bad) bad, \(thrown) thrown")
    }

    // MARK: The JSON parser

    /// A random JSON value of at most `depth` levels.
    private static func randomValue(_ rng: inout SplitMix64, depth: Int) -> IntakeJSON {
        let pieces = ["a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{1F}", "é", "€", "😀", "\u{7F}", "0"]
        func randomString() -> String { (0..<rng.below(6)).map { _ in pieces[rng.below(pieces.count)] }.joined() }
        switch rng.below(depth > 0 ? 7 : 5) {
        case 0: return .null
        case 1: return .bool(rng.below(2) == 0)
        case 2:
            let numbers = ["0", "-0", "7", "-12", "39.90", "0.001", "1e3", "-2.5E-7", "12345678901234567890123", "1E+2"]
            return .number(numbers[rng.below(numbers.count)])
        case 3, 4: return .string(randomString())
        case 5: return .array((0..<rng.below(4)).map { _ in randomValue(&rng, depth: depth - 1) })
        default:
            var object: [String: IntakeJSON] = [:]
            for _ in 0..<rng.below(4) { object[randomString()] = randomValue(&rng, depth: depth - 1) }
            return .object(object)
        }
    }

    /// JSON text for `value`, escaping a random choice of characters as `\u` (surrogate pairs beyond the BMP).
    private static func serialize(_ value: IntakeJSON, _ rng: inout SplitMix64) -> String {
        func quote(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += rng.below(2) == 0 ? "\\n" : "\\u000a"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20: out += "\\u" + String(format: "%04X", scalar.value)
                case _ where scalar.value > 0xFFFF && rng.below(2) == 0:
                    let v = scalar.value - 0x10000
                    out += String(format: "\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF))
                case "/" where rng.below(2) == 0: out += "\\/"
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        let space = [" ", "", "\n", "\t", "\r\n"][rng.below(5)]
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let literal): return literal
        case .string(let text): return quote(text)
        case .array(let elements):
            return "[" + space + elements.map { serialize($0, &rng) }.joined(separator: "," + space) + "]"
        case .object(let members):
            return "{" + members.map { quote($0.key) + space + ":" + serialize($0.value, &rng) }.joined(separator: "," + space) + space + "}"
        }
    }

    @Test func jsonRoundTrips() {
        let seed: UInt64 = 0x150_0001
        var rng = SplitMix64(seed: seed)
        for iteration in 0..<2_000 {
            let value = Self.randomValue(&rng, depth: 4)
            let text = Self.serialize(value, &rng)
            let parsed = IntakeJSON.parse(Data(text.utf8))
            #expect(parsed == .success(value), "seed \(seed) iteration \(iteration): \(text)")
            // Whatever JSONSerialization accepts as a container, the intake parser reads too.
            if case .array = value, (try? JSONSerialization.jsonObject(with: Data(text.utf8))) == nil {
                Issue.record("JSONSerialization rejected \(text)")
            }
        }
    }
}
