import CustomerModel
import Foundation
import Testing
import TestSupport

@testable import Conversation

/// 2026-03-28T22:30:00Z.
private let t0 = Date(timeIntervalSince1970: 1_774_737_000)

private func read(_ lines: [String], region: String? = nil) -> [Result<ChannelEvent, ChannelEventError>] {
    ChannelEventReader.read(Data(lines.joined(separator: "\n").utf8), defaultRegion: region)
}

private func event(_ result: Result<ChannelEvent, ChannelEventError>?) -> ChannelEvent? {
    guard case .success(let event)? = result else { return nil }
    return event
}

private func error(_ result: Result<ChannelEvent, ChannelEventError>?) -> ChannelEventError? {
    guard case .failure(let error)? = result else { return nil }
    return error
}

private let anna = #"{"email": "anna@example.se"}"#

@Suite("Channel event reader")
struct ChannelEventReaderTests {
    // MARK: Good lines

    @Test(arguments: [
        ("chat", Channel.chat), ("phone", .phone(.callNote)), ("sms", .sms), ("web_form", .webForm), ("bot", .chatbot),
        ("social", .social(platform: "social")),
    ])
    func eachChannel(name: String, channel: Channel) throws {
        let results = read([#"{"id": "m1", "channel": "\#(name)", "at": "2026-03-28T22:30:00Z", "from": \#(anna), "text": "Hi"}"#])
        let got = try #require(event(results.first))
        #expect(results.count == 1)
        #expect(got.message.channel == channel)
        #expect(got.message.direction == .inbound)
        #expect(got.line == 1)
    }

    @Test func socialTakesThePlatformOfTheCustomersHandle() throws {
        let results = read([
            #"{"id": "s1", "channel": "social", "at": "2026-03-28T22:30:00Z", "from": {"handle": "@Anna.Berg", "platform": "Instagram"}, "text": "Hi"}"#,
            #"{"id": "s2", "channel": "social", "at": "2026-03-28T22:31:00Z", "direction": "outbound", "agent": "maria", "from": {"handle": "shop", "platform": "instagram"}, "to": {"handle": "anna.berg", "platform": "INSTAGRAM"}, "text": "Hello"}"#,
        ])
        let inbound = try #require(event(results.first))
        #expect(inbound.message.channel == .social(platform: "instagram"))
        #expect(inbound.customer == (try ContactPoint.handle("anna.berg", platform: "instagram")))
        #expect(inbound.message.author == inbound.customer)
        let outbound = try #require(event(results.last))
        #expect(outbound.message.channel == .social(platform: "instagram"))
        #expect(outbound.customer == inbound.customer)
    }

    @Test func inboundLineMapsEveryField() throws {
        let line = #"{"id": "chat-81", "channel": "chat", "at": "2026-03-28T22:30:00.250Z", "from": {"email": "Anna@Example.SE"}, "to": {"email": "help@shop.example"}, "text": "Where is my order?", "subject": "Order 1001", "session": "s-17", "language": "sv-SE", "order": "1001", "name": "Anna Berg", "extra": {"ignored": [1, 2]}}"#
        let got = try #require(event(read([line]).first))
        let customer = try ContactPoint.email("Anna@example.se")
        #expect(got.customer == customer)
        #expect(got.customerName == "Anna Berg")
        #expect(got.session == "s-17")
        #expect(got.order == "1001")
        let expected = SupportMessage(
            id: "chat-81", channel: .chat, direction: .inbound, author: customer, sentAt: t0.addingTimeInterval(0.25),
            subject: "Order 1001", text: "Where is my order?",
            headers: ThreadingHeaders(references: ["session.s-17@intake.invalid"]), language: "sv-SE")
        #expect(got.message == expected)
        #expect(got.message.receivedAt == got.message.sentAt)
    }

    @Test func outboundAndInternalNotes() throws {
        let results = read([
            #"{"id": "o1", "channel": "chat", "at": "2026-03-28T23:30:00+01:00", "direction": "outbound", "agent": "maria", "from": {"email": "help@shop.example"}, "to": \#(anna), "text": "On its way"}"#,
            #"{"id": "o2", "channel": "phone", "at": "2026-03-28T22:30:00Z", "direction": "outbound", "agent": "maria", "from": {"phone": "+46701234567"}, "text": "Called back"}"#,
            #"{"id": "n1", "channel": "chat", "at": "2026-03-28T22:30:00Z", "direction": "internal", "agent": "maria", "to": \#(anna), "text": "VIP, be quick"}"#,
            #"{"id": "i1", "channel": "sms", "at": "2026-03-28T22:30:00Z", "direction": "inbound", "agent": "bot-7", "from": {"phone": "070-123 45 67"}, "text": "STOP"}"#,
        ], region: "SE")
        #expect(results.count == 4)
        let o1 = try #require(event(results[0]))
        #expect(o1.message.direction == .outbound)
        #expect(o1.message.author == nil)
        #expect(o1.message.agent == "maria")
        #expect(o1.message.sentAt == t0)
        #expect(o1.customer == (try ContactPoint.email("anna@example.se")))
        #expect(o1.message.headers == ThreadingHeaders())
        let o2 = try #require(event(results[1]))
        #expect(o2.customer == (try ContactPoint.phone("+46701234567")))
        #expect(o2.message.channel == .phone(.callNote))
        let n1 = try #require(event(results[2]))
        #expect(n1.message.direction == .internalNote)
        #expect(n1.message.author == nil)
        let i1 = try #require(event(results[3]))
        #expect(i1.customer.value == "+46701234567")
        #expect(i1.message.author == i1.customer)
        #expect(i1.message.agent == "bot-7")
    }

    @Test func aSessionBecomesOneSharedReference() throws {
        let results = read([
            #"{"id": "a", "channel": "chat", "at": "2026-03-28T22:30:00Z", "from": \#(anna), "text": "Hi", "session": "s-9"}"#,
            #"{"id": "b", "channel": "phone", "at": "2026-03-28T22:40:00Z", "from": \#(anna), "text": "Call", "session": "s-9"}"#,
            #"{"id": "c", "channel": "chat", "at": "2026-03-28T22:50:00Z", "from": \#(anna), "text": "Other", "session": ""}"#,
        ])
        let a = try #require(event(results[0])), b = try #require(event(results[1])), c = try #require(event(results[2]))
        #expect(a.message.headers.references == ["session.s-9@intake.invalid"])
        #expect(a.message.headers == b.message.headers)
        #expect(a.message.headers.messageID == nil && a.message.headers.inReplyTo.isEmpty)
        #expect(c.message.headers == ThreadingHeaders())
        #expect(c.session == nil)
    }

    @Test func aSessionThreadsAsOneConversation() throws {
        // A chat, then two days later a call in the same session: the shared reference joins
        // them even though the gap is far beyond any channel-continuation window.
        let results = read([
            #"{"id": "a", "channel": "chat", "at": "2026-03-28T22:30:00Z", "from": \#(anna), "text": "Hi", "session": "s-9"}"#,
            #"{"id": "b", "channel": "phone", "at": "2026-03-30T22:30:00Z", "from": \#(anna), "text": "Call", "session": "s-9"}"#,
            #"{"id": "c", "channel": "chat", "at": "2026-03-30T22:30:00Z", "from": \#(anna), "text": "New", "session": "s-10"}"#,
        ])
        var messages = try results.map { try #require(event($0)).message }
        for index in messages.indices { messages[index].party = "c1" }
        var engine = HelpdeskThreading()
        let directory = b2cDirectory()
        let first = engine.assign(messages[0], directory: directory)
        let second = engine.assign(messages[1], directory: directory)
        #expect(second.thread == first.thread)
        #expect(second.rule == .references)
        #expect(second.because == .references("session.s-9@intake.invalid"))
        let third = engine.assign(messages[2], directory: directory)
        #expect(third.rule != .references)
    }

    @Test func blankLinesCRLFAndNoFinalNewline() throws {
        let good = #"{"id": "m\#u{24}", "channel": "chat", "at": "2026-03-28T22:30:00Z", "from": \#(anna), "text": "Hi"}"#
        let text = "\n" + good.replacingOccurrences(of: "$", with: "1") + "\r\n  \t\r\n\r\n"
            + good.replacingOccurrences(of: "$", with: "2") + "\r\n\n" + #"{"id": "m3""# + "\r\n"
            + good.replacingOccurrences(of: "$", with: "4")
        let results = ChannelEventReader.read(Data(text.utf8))
        #expect(results.count == 4)
        #expect(event(results[0])?.line == 2)
        #expect(event(results[0])?.message.text == "Hi")
        #expect(event(results[1])?.line == 5)
        #expect(error(results[2])?.line == 7)
        #expect(event(results[3])?.line == 8)
        #expect(event(results[3])?.message.id == "m4")
        #expect(ChannelEventReader.read(Data()).isEmpty)
        #expect(ChannelEventReader.read(Data("\n\r\n \n".utf8)).isEmpty)
        let withBOM = ChannelEventReader.read(Data([0xEF, 0xBB, 0xBF] + Array(good.utf8)))
        #expect(event(withBOM.first)?.line == 1)
    }

    @Test func timesWithOffsetsAndFractions() throws {
        let times = [
            "2026-03-28T22:30:00Z", "2026-03-28T23:30:00+01:00", "2026-03-28T18:00:00-04:30", "2026-03-28t22:30:00z",
            "2026-03-28T22:30:00.000Z",
        ]
        for time in times {
            let got = event(read([#"{"id": "m", "channel": "chat", "at": "\#(time)", "from": \#(anna), "text": "x"}"#]).first)
            #expect(got?.message.sentAt == t0, "\(time)")
        }
        let fractional = event(read([#"{"id": "m", "channel": "chat", "at": "2026-03-28T22:30:00.5+00:00", "from": \#(anna), "text": "x"}"#]).first)
        #expect(fractional?.message.sentAt == t0.addingTimeInterval(0.5))
        let leap = event(read([#"{"id": "m", "channel": "chat", "at": "2028-02-29T00:00:00Z", "from": \#(anna), "text": "x"}"#]).first)
        #expect(leap?.message.sentAt == Date(timeIntervalSince1970: 1_835_395_200))
    }

    // MARK: Duplicates

    @Test func theSameIDTwice() throws {
        let line = #"{"id": "d1", "channel": "chat", "at": "2026-03-28T22:30:00Z", "from": \#(anna), "text": "Hi"}"#
        let reordered = #"{"text": "Hi", "from": {"email": "anna@EXAMPLE.se"}, "at": "2026-03-28T23:30:00+01:00", "channel": "chat", "id": "d1", "unknown": 1}"#
        let different = #"{"id": "d1", "channel": "chat", "at": "2026-03-28T22:30:00Z", "from": \#(anna), "text": "Hi again"}"#
        let results = read([line, line, reordered, different, line])
        #expect(results.count == 5)
        #expect(event(results[0])?.line == 1)
        #expect(event(results[1])?.line == 2)
        #expect(event(results[1])?.message == event(results[0])?.message)
        #expect(event(results[2])?.line == 3)
        #expect(error(results[3]) == ChannelEventError(line: 4, problem: .duplicateID("d1")))
        #expect(event(results[4])?.line == 5)
        // A failed line claims no id: the next good line with it is the first.
        let afterFailure = read([#"{"id": "d2", "channel": "chat", "at": "bad", "from": \#(anna), "text": "Hi"}"#,
                                 #"{"id": "d2", "channel": "chat", "at": "2026-03-28T22:30:00Z", "from": \#(anna), "text": "Hi"}"#])
        #expect(error(afterFailure[0])?.problem == .badTime("bad"))
        #expect(event(afterFailure[1])?.line == 2)
    }

    // MARK: Errors

    /// The field sets of a good inbound line, for building bad ones.
    static let base: KeyValuePairs<String, String> = [
        "id": #""e1""#, "channel": #""chat""#, "at": #""2026-03-28T22:30:00Z""#, "from": anna, "text": #""Hello""#,
    ]

    static func line(replacing changes: [String: String?]) -> String {
        var parts: [String] = []
        for (key, value) in base {
            if let change = changes[key] {
                if let change { parts.append("\"\(key)\": \(change)") }
            } else {
                parts.append("\"\(key)\": \(value)")
            }
        }
        for (key, value) in changes where !base.contains(where: { $0.key == key }) {
            if let value { parts.append("\"\(key)\": \(value)") }
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    static let badLines: [(String, ChannelEventError.Problem)] = [
        (#"[1, 2]"#, .notAnObject),
        (#""just a string""#, .notAnObject),
        ("42", .notAnObject),
        ("null", .notAnObject),
        (line(replacing: ["id": nil]), .missingField("id")),
        (line(replacing: ["id": "null"]), .missingField("id")),
        (line(replacing: ["channel": nil]), .missingField("channel")),
        (line(replacing: ["at": nil]), .missingField("at")),
        (line(replacing: ["text": nil]), .missingField("text")),
        (line(replacing: ["from": nil]), .missingField("from")),
        (line(replacing: ["from": nil, "to": anna]), .missingField("from")),
        (line(replacing: ["from": nil, "direction": #""outbound""#, "agent": #""maria""#]), .missingField("to")),
        (line(replacing: ["id": "5"]), .wrongType(field: "id", expected: "a string")),
        (line(replacing: ["id": #""  ""#]), .wrongType(field: "id", expected: "a non-empty string")),
        (line(replacing: ["channel": "true"]), .wrongType(field: "channel", expected: "a string")),
        (line(replacing: ["at": "1774737000"]), .wrongType(field: "at", expected: "a string")),
        (line(replacing: ["text": #"["Hello"]"#]), .wrongType(field: "text", expected: "a string")),
        (line(replacing: ["direction": "1"]), .wrongType(field: "direction", expected: "a string")),
        (line(replacing: ["session": "17"]), .wrongType(field: "session", expected: "a string")),
        (line(replacing: ["subject": "{}"]), .wrongType(field: "subject", expected: "a string")),
        (line(replacing: ["name": "false"]), .wrongType(field: "name", expected: "a string")),
        (line(replacing: ["order": "1001"]), .wrongType(field: "order", expected: "a string")),
        (line(replacing: ["agent": "7"]), .wrongType(field: "agent", expected: "a string")),
        (line(replacing: ["language": "[]"]), .wrongType(field: "language", expected: "a string")),
        (line(replacing: ["from": #""anna@example.se""#]),
         .wrongType(field: "from", expected: #"an object with "email", "phone" or "handle""#)),
        (line(replacing: ["to": "[]"]), .wrongType(field: "to", expected: #"an object with "email", "phone" or "handle""#)),
        (line(replacing: ["from": #"{"email": 5}"#]), .wrongType(field: "from.email", expected: "a string")),
        (line(replacing: ["from": #"{"handle": "anna", "platform": 5}"#]), .wrongType(field: "from.platform", expected: "a string")),
        (line(replacing: ["at": #""2026-03-28T22:30:00""#]), .badTime("2026-03-28T22:30:00")),
        (line(replacing: ["at": #""2026-03-28""#]), .badTime("2026-03-28")),
        (line(replacing: ["at": #""2026-02-29T10:00:00Z""#]), .badTime("2026-02-29T10:00:00Z")),
        (line(replacing: ["at": #""2026-04-31T10:00:00Z""#]), .badTime("2026-04-31T10:00:00Z")),
        (line(replacing: ["at": #""2026-13-01T10:00:00Z""#]), .badTime("2026-13-01T10:00:00Z")),
        (line(replacing: ["at": #""2026-03-28T24:00:00Z""#]), .badTime("2026-03-28T24:00:00Z")),
        (line(replacing: ["at": #""2026-03-28T22:60:00Z""#]), .badTime("2026-03-28T22:60:00Z")),
        (line(replacing: ["at": #""2026-03-28 22:30:00Z""#]), .badTime("2026-03-28 22:30:00Z")),
        (line(replacing: ["at": #""2026-03-28T22:30:00+0100""#]), .badTime("2026-03-28T22:30:00+0100")),
        (line(replacing: ["at": #""2026-03-28T22:30:00.Z""#]), .badTime("2026-03-28T22:30:00.Z")),
        (line(replacing: ["at": #""2026-03-28T22:30:00Z ""#]), .badTime("2026-03-28T22:30:00Z ")),
        (line(replacing: ["at": #""yesterday""#]), .badTime("yesterday")),
        (line(replacing: ["channel": #""email""#]), .unknownChannel("email")),
        (line(replacing: ["channel": #""Chat""#]), .unknownChannel("Chat")),
        (line(replacing: ["direction": #""sideways""#]), .unknownDirection("sideways")),
        (line(replacing: ["from": "{}"]), .badContactPoint(field: "from", reason: #"needs one of "email", "phone" or "handle""#)),
        (line(replacing: ["from": #"{"email": null, "name": "Anna"}"#]),
         .badContactPoint(field: "from", reason: #"needs one of "email", "phone" or "handle""#)),
        (line(replacing: ["from": #"{"email": "anna@example.se", "phone": "+46701234567"}"#]),
         .badContactPoint(field: "from", reason: #"has "email" and "phone"; give exactly one"#)),
        (line(replacing: ["from": #"{"email": "plainaddress"}"#]),
         .badContactPoint(field: "from", reason: ContactPointError.emailMissingAt("plainaddress").description)),
        (line(replacing: ["from": #"{"phone": "070-123 45 67"}"#]),
         .badContactPoint(field: "from", reason: ContactPointError.phoneNeedsRegion("070-123 45 67").description)),
        (line(replacing: ["from": #"{"handle": "anna"}"#]), .badContactPoint(field: "from", reason: #"a handle needs a "platform""#)),
        (line(replacing: ["from": #"{"handle": "@", "platform": "x"}"#]),
         .badContactPoint(field: "from", reason: ContactPointError.emptyHandle.description)),
        (line(replacing: ["to": #"{"email": "@shop.example"}"#]),
         .badContactPoint(field: "to", reason: ContactPointError.emailEmptyLocalPart("@shop.example").description)),
        (line(replacing: ["direction": #""outbound""#]), .missingAgent),
        (line(replacing: ["direction": #""internal""#, "agent": #""""#]), .missingAgent),
        (line(replacing: ["direction": #""outbound""#, "agent": "null"]), .missingAgent),
        (line(replacing: ["language": #""english!""#]), .badLanguage("english!")),
        (line(replacing: ["language": #""e""#]), .badLanguage("e")),
        (line(replacing: ["language": #""sv_SE""#]), .badLanguage("sv_SE")),
        (line(replacing: ["language": #""sv-""#]), .badLanguage("sv-")),
        (line(replacing: ["language": #""sv-toolongsubtag""#]), .badLanguage("sv-toolongsubtag")),
        (line(replacing: ["text": #""""#]), .emptyText),
        (line(replacing: ["text": #"" \n\t ""#]), .emptyText),
    ]

    @Test(arguments: ChannelEventReaderTests.badLines)
    func badLineIsReportedAtItsLine(text: String, problem: ChannelEventError.Problem) {
        let good = Self.line(replacing: ["id": #""good""#])
        let results = read([good, "", "   ", text, good.replacingOccurrences(of: "good", with: "good2")])
        #expect(results.count == 3)
        #expect(event(results[0])?.line == 1)
        #expect(error(results[1]) == ChannelEventError(line: 4, problem: problem), "\(text)")
        #expect(event(results[2])?.line == 5)
    }

    @Test func goodVariantsOfTheBase() throws {
        #expect(event(read([Self.line(replacing: [:])]).first) != nil)
        #expect(event(read([Self.line(replacing: ["language": #""zh-Hant-TW""#])]).first)?.message.language == "zh-Hant-TW")
        #expect(event(read([Self.line(replacing: ["language": #""de-CH-1996""#])]).first)?.message.language == "de-CH-1996")
        #expect(event(read([Self.line(replacing: ["language": #""""#])]).first)?.message.language == nil)
        #expect(event(read([Self.line(replacing: ["to": "null", "session": "null"])]).first) != nil)
    }

    @Test func notJSON() throws {
        let truncated = read([#"{"id": "x", "channel": "#])
        guard case .notJSON(let reason)? = error(truncated.first)?.problem else {
            Issue.record("expected notJSON, got \(truncated)")
            return
        }
        #expect(!reason.isEmpty)
        #expect(error(truncated.first)?.line == 1)

        var bytes = Array((Self.line(replacing: [:]) + "\n").utf8)
        bytes += Array(Self.line(replacing: ["text": "\"caf\u{E9}\""]).utf8)
        let index = try #require(bytes.lastIndex(of: 0xA9))  // the second byte of "é"
        bytes[index] = 0xFF
        let invalid = ChannelEventReader.read(Data(bytes))
        #expect(invalid.count == 2)
        #expect(error(invalid[1]) == ChannelEventError(line: 2, problem: .notJSON("invalid UTF-8")))

        let deep = read([String(repeating: "[", count: 100_000)])
        #expect(error(deep.first)?.problem == .notJSON("nested deeper than 32 levels at column 33"))
        let strict: [(String, String)] = [
            ("{\"id\": \"x\"} trailing", "text after the JSON value at column 13"),
            (#"{"id": "x", "id": "y"}"#, #"key "id" appears twice in one object at column 13"#),
            (#"{"id": "x", "n": 01}"#, "number with a leading zero at column 18"),
            (#"{"id": "x", "n": [1,]}"#, #"unexpected "]" at column 21"#),
            (#"{"id": "x",}"#, "expected a quoted key at column 12"),
            (#"{"text": "\ud800"}"#, "unpaired surrogate in \\u escape at column 11"),
            (#"{"text": "\x"}"#, "invalid escape at column 11"),
            ("{\"text\": \"a\tb\"}", "unescaped control character in a string at column 12"),
            (#"{'id': 1}"#, "expected a quoted key at column 2"),
            (#"{"id": "x", "channel": "#, "unexpected end of input at column 24"),
        ]
        for (text, reason) in strict {
            #expect(error(read([text]).first)?.problem == .notJSON(reason), "\(text)")
        }
    }

    @Test func stringEscapesAreDecoded() {
        let line = #"{"id": "m", "channel": "chat", "at": "2026-03-28T22:30:00Z", "from": {"email": "anna@example.se"}, "text": "caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t end", "name": "Åsa"}"#
        let got = event(read([line]).first)
        #expect(got?.message.text == "caf\u{E9} \u{1F600} \"q\" \\ / \u{08}\u{0C}\n\r\t end")
        #expect(got?.customerName == "Åsa")
    }

    @Test func descriptionsNameTheLine() {
        #expect(ChannelEventError(line: 7, problem: .missingField("text")).description == #"line 7: missing field "text""#)
        #expect(ChannelEventError(line: 2, problem: .missingAgent).description.hasPrefix("line 2: "))
        #expect(ChannelEventError(line: 3, problem: .wrongType(field: "id", expected: "a string")).description
            == #"line 3: field "id" must be a string"#)
    }

    // MARK: Fuzz

    @Test func mutatedLinesNeverCrashAndEachNonBlankLineGetsOneResult() {
        let seed: UInt64 = 0xC4A7_0001
        var rng = SplitMix64(seed: seed)
        let fieldSets: [[(String, String)]] = [
            [("id", #""f1""#), ("channel", #""chat""#), ("at", #""2026-03-28T22:30:00.250Z""#), ("from", anna),
             ("text", #""Hej""#), ("session", #""s1""#), ("language", #""sv-SE""#), ("name", #""Anna""#)],
            [("id", #""f2""#), ("channel", #""social""#), ("at", #""2026-03-28T23:30:00+01:00""#),
             ("direction", #""outbound""#), ("agent", #""maria""#), ("to", #"{"handle": "@anna", "platform": "instagram"}"#),
             ("text", #""On its way""#), ("order", #""1001""#)],
            [("id", #""f3""#), ("channel", #""phone""#), ("at", #""2026-03-28T22:30:00Z""#),
             ("from", #"{"phone": "070-123 45 67"}"#), ("text", #""Call about \u00e9 order""#), ("subject", #""Re: x""#)],
        ]
        let wrongValues = ["5", "true", "null", "[]", "{}", #""""#, #""x""#, "-0.5e3", #"{"email": 1}"#]
        var successes = 0
        var failures = 0
        for iteration in 0..<2_000 {
            var lines: [[UInt8]] = []
            for _ in 0..<(1 + rng.below(4)) {
                var fields = fieldSets[rng.below(fieldSets.count)]
                switch rng.below(3) {
                case 0 where !fields.isEmpty: fields.remove(at: rng.below(fields.count))
                case 1 where !fields.isEmpty: fields[rng.below(fields.count)].1 = wrongValues[rng.below(wrongValues.count)]
                default: break
                }
                var bytes = Array(("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}").utf8)
                switch rng.below(4) {
                case 0: bytes = Array(bytes.prefix(rng.below(bytes.count + 1)))
                case 1:
                    for _ in 0..<(1 + rng.below(3)) where !bytes.isEmpty {
                        bytes[rng.below(bytes.count)] ^= UInt8(truncatingIfNeeded: 1 + rng.below(255))
                    }
                default: break
                }
                lines.append(bytes)
            }
            if rng.below(4) == 0 { lines.insert([], at: rng.below(lines.count + 1)) }
            let separator: [UInt8] = rng.below(2) == 0 ? [0x0A] : [0x0D, 0x0A]
            var file: [UInt8] = []
            for (index, line) in lines.enumerated() {
                if index > 0 { file += separator }
                file += line
            }
            if rng.below(2) == 0 { file += separator }

            let results = ChannelEventReader.read(Data(file), defaultRegion: "SE")
            for result in results {
                if case .success = result { successes += 1 } else { failures += 1 }
            }
            // Count independently: split on LF, skip lines of only space, tab and CR.
            let body = file.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(file.dropFirst(3)) : file
            let physical = body.split(separator: 0x0A, omittingEmptySubsequences: false)
            let expectedLines = physical.enumerated().filter { _, line in
                line.contains { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }
            }.map { $0.offset + 1 }
            let gotLines = results.map { result in
                switch result {
                case .success(let event): event.line
                case .failure(let error): error.line
                }
            }
            #expect(gotLines == expectedLines, "seed \(seed) iteration \(iteration): \(String(decoding: file, as: UTF8.self))")
            for case .success(let event) in results {
                #expect(event.message.text.contains { !$0.isWhitespace }, "seed \(seed) iteration \(iteration)")
                #expect(event.message.direction == .inbound ? event.message.author != nil : event.message.agent != nil,
                        "seed \(seed) iteration \(iteration)")
            }
        }
        // The mutations leave enough lines intact for the good path to be exercised too.
        #expect(successes > 500 && failures > 500, "seed \(seed): \(successes) good, \(failures) bad")
    }
}
