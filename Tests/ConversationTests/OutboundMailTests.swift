import Foundation
import Testing
@testable import Conversation
import TestSupport

// MARK: Helpers

private let stockholm = TimeZone(identifier: "Europe/Stockholm") ?? .gmt

private func mail(
    from: MailAddress = MailAddress(name: "Kundtjänst", address: "support@shop.example"),
    to: [MailAddress] = [MailAddress(name: "Anna Svensson", address: "anna@example.se")],
    date: Date = Date(timeIntervalSince1970: 1_796_113_800),  // 2026-12-01 08:30:00 UTC
    timeZone: TimeZone = stockholm,
    messageID: String = "reply-1@shop.example",
    inReplyTo: [String] = ["q-1@example.se"],
    references: [String] = ["q-0@example.se", "q-1@example.se"],
    subject: String = "Re: Where is my parcel?",
    text: String = "Hello Anna,\nyour parcel left our warehouse today.\n"
) -> OutboundMail {
    OutboundMail(
        from: from, to: to, date: date, timeZone: timeZone, messageID: messageID, inReplyTo: inReplyTo,
        references: references, subject: subject, text: text)
}

/// The message's lines without their CRLF; records a failure for a bare CR or LF or a missing final CRLF.
private func crlfLines(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> [ArraySlice<UInt8>] {
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    var index = 0
    while index < bytes.count {
        let byte = bytes[index]
        if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
            lines.append(bytes[start..<index])
            index += 2
            start = index
            continue
        }
        if byte == 0x0D || byte == 0x0A {
            Issue.record("bare \(byte == 0x0D ? "CR" : "LF") at byte \(index)", sourceLocation: sourceLocation)
        }
        index += 1
    }
    #expect(start == bytes.count, "the message does not end in CRLF", sourceLocation: sourceLocation)
    return lines
}

private func text(_ line: ArraySlice<UInt8>) -> String { String(decoding: line, as: UTF8.self) }

/// Header lines (as written, folded) and body lines.
private func split(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation)
    -> (header: [ArraySlice<UInt8>], body: [ArraySlice<UInt8>])
{
    let lines = crlfLines(bytes, sourceLocation: sourceLocation)
    guard let blank = lines.firstIndex(where: \.isEmpty) else {
        Issue.record("no blank line after the headers", sourceLocation: sourceLocation)
        return (lines, [])
    }
    return (Array(lines[..<blank]), Array(lines[(blank + 1)...]))
}

/// Every `=?…?=` encoded-word in a header line.
private func encodedWords(_ line: String) -> [Substring] {
    var words: [Substring] = []
    var rest = line[...]
    while let open = rest.range(of: "=?") {
        let after = rest[open.upperBound...]
        // =?charset?E?payload?=: the close is the "?=" after the third "?".
        var marks = 0
        var cursor = after.startIndex
        var close: Substring.Index?
        while cursor < after.endIndex {
            if after[cursor] == "?" {
                marks += 1
                let next = after.index(after: cursor)
                if marks >= 3, next < after.endIndex, after[next] == "=" {
                    close = after.index(after: next)
                    break
                }
            }
            cursor = after.index(after: cursor)
        }
        guard let close else { break }
        words.append(rest[open.lowerBound..<close])
        rest = rest[close...]
    }
    return words
}

/// The invariants of every message: CRLF, line limits, 7-bit QP body, encoded-word sizes.
private func checkShape(_ bytes: [UInt8], headerLimit: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    let (header, body) = split(bytes, sourceLocation: sourceLocation)
    for line in header {
        #expect(line.count <= 998, "header line of \(line.count) octets", sourceLocation: sourceLocation)
        if let headerLimit {
            #expect(line.count <= headerLimit, "header line over \(headerLimit): \(text(line))", sourceLocation: sourceLocation)
        }
        if let first = line.first, first == 0x20 || first == 0x09 {
            #expect(line.contains { $0 != 0x20 && $0 != 0x09 }, "a folded line of only whitespace", sourceLocation: sourceLocation)
        }
        for word in encodedWords(text(line)) {
            #expect(word.utf8.count <= 75, "encoded-word of \(word.utf8.count) characters: \(word)", sourceLocation: sourceLocation)
        }
    }
    for line in body {
        #expect(line.count <= 76, "quoted-printable line of \(line.count): \(text(line))", sourceLocation: sourceLocation)
        #expect(line.allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x09 }, "non-ASCII in the body: \(text(line))",
            sourceLocation: sourceLocation)
        if let last = line.last {
            #expect(last != 0x20 && last != 0x09, "trailing whitespace on an encoded line: \(text(line))", sourceLocation: sourceLocation)
        }
        #expect(!line.starts(with: "From ".utf8), "a body line starts with From : \(text(line))", sourceLocation: sourceLocation)
        // Every "=" is a soft break (last on the line) or an escape of two upper-case hex digits.
        var index = line.startIndex
        while index < line.endIndex {
            if line[index] == UInt8(ascii: "=") {
                if index + 1 == line.endIndex { break }
                let hex = Array("0123456789ABCDEF".utf8)
                let ok = index + 2 < line.endIndex && hex.contains(line[index + 1]) && hex.contains(line[index + 2])
                #expect(ok, "a broken =XX escape in: \(text(line))", sourceLocation: sourceLocation)
                index += 3
            } else {
                index += 1
            }
        }
    }
}

/// Text with its line breaks as CRLF, as the parser returns a quoted-printable body.
private func crlfNormalised(_ text: String) -> String {
    var scalars = String.UnicodeScalarView()
    var previousWasCR = false
    for scalar in text.unicodeScalars {
        if scalar == "\n" {
            if !previousWasCR { scalars.append(contentsOf: "\r\n".unicodeScalars) }
            previousWasCR = false
        } else if scalar == "\r" {
            scalars.append(contentsOf: "\r\n".unicodeScalars)
            previousWasCR = true
        } else {
            scalars.append(scalar)
            previousWasCR = false
        }
    }
    return String(scalars)
}

/// What the parser makes of a subject: ASCII spaces and tabs trimmed at both ends.
private func trimmed(_ text: String) -> String {
    var scalars = Array(text.unicodeScalars)
    while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
    while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
    return String(String.UnicodeScalarView(scalars))
}

// MARK: Round trips

@Suite("Outbound mail: RFC 5322 writer")
struct OutboundMailTests {
    @Test func roundTripsThroughTheParser() throws {
        let message = mail()
        let bytes = message.rfc5322Bytes()
        checkShape(bytes, headerLimit: 78)
        let parsed = try MailParser().parse(bytes)
        #expect(parsed.subject == "Re: Where is my parcel?")
        #expect(parsed.text == "Hello Anna,\r\nyour parcel left our warehouse today.\r\n")
        #expect(parsed.from == [MailAddress(name: "Kundtjänst", address: "support@shop.example")])
        #expect(parsed.to == [MailAddress(name: "Anna Svensson", address: "anna@example.se")])
        #expect(parsed.messageID == "reply-1@shop.example")
        #expect(!parsed.messageIDWasDerived)
        #expect(parsed.inReplyTo == ["q-1@example.se"])
        #expect(parsed.references == ["q-0@example.se", "q-1@example.se"])
        #expect(parsed.date == message.date)
        #expect(parsed.warnings.isEmpty)
        #expect(parsed.header("content-type") == "text/plain; charset=utf-8")
    }

    @Test func headersComeInTheDocumentedOrder() {
        let (header, _) = split(mail().rfc5322Bytes())
        let names = header.filter { $0.first != 0x20 && $0.first != 0x09 }.map { line in
            text(line.prefix { $0 != UInt8(ascii: ":") })
        }
        #expect(names == [
            "From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "MIME-Version", "Content-Type",
            "Content-Transfer-Encoding",
        ])
        let lines = header.map(text)
        #expect(lines.contains("MIME-Version: 1.0"))
        #expect(lines.contains("Content-Type: text/plain; charset=utf-8"))
        #expect(lines.contains("Content-Transfer-Encoding: quoted-printable"))
        #expect(lines.contains("Message-ID: <reply-1@shop.example>"))
        #expect(lines.contains("References: <q-0@example.se> <q-1@example.se>"))
    }

    @Test func emptyThreadingListsOmitTheirHeaders() throws {
        let bytes = mail(inReplyTo: [], references: []).rfc5322Bytes()
        let parsed = try MailParser().parse(bytes)
        #expect(parsed.header("in-reply-to") == nil)
        #expect(parsed.header("references") == nil)
        #expect(parsed.messageID == "reply-1@shop.example")
    }

    @Test(arguments: [
        "Re: Var är mitt paket? Beställning 4711 – leverans försenad",
        "Vastaus: Tilaukseni on myöhässä, mitä tapahtuu? Pääsiäisenä äiti öljyää",
        "📦 Your parcel 🚚 is on its way 🎉 — 配達状況のお知らせ 👍🏽 👨‍👩‍👧‍👦",
        "Ärende: " + String(repeating: "Återbetalning av överbetalning för order åäö ", count: 12),
        String(repeating: "A very long plain ASCII subject line that goes on and on ", count: 20),
        String(repeating: "x", count: 1_500),
        "Price =?UTF-8?B?not-a-word?= and 100% = true",
        "Tabs\tand  double  spaces",
        "",
    ])
    func subjectsRoundTrip(subject: String) throws {
        let bytes = mail(subject: subject).rfc5322Bytes()
        checkShape(bytes)
        let parsed = try MailParser().parse(bytes)
        // The parser trims the spaces at the end of the subject (the long cases end in one).
        #expect(parsed.subject == trimmed(subject))
        let subjectLines = headerField("Subject", in: bytes)
        if !subject.utf8.allSatisfy({ $0 < 0x80 }) {
            // Encoded: every line folds within 78, and the words are ≤ 75.
            #expect(subjectLines.allSatisfy { $0.utf8.count <= 78 }, "\(subjectLines)")
            #expect(subjectLines.count > 1 || subject.utf8.count < 40)
        }
    }

    @Test func plainASCIISubjectsAreWrittenAsIsAndFolded() {
        let subject = String(repeating: "Order status update ", count: 10) + "done"
        let lines = headerField("Subject", in: mail(subject: subject).rfc5322Bytes())
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(lines.joined() == "Subject: " + subject)
        #expect(!lines.joined().contains("=?"))
    }

    @Test func encodedWordsNeverSplitACharacter() throws {
        // 200 × "ö" (two bytes each) and 4-byte emoji: any split inside a character would decode to U+FFFD.
        for subject in [String(repeating: "ö", count: 200), String(repeating: "😀", count: 90), String(repeating: "aö😀", count: 60)] {
            let bytes = mail(subject: subject).rfc5322Bytes()
            let lines = headerField("Subject", in: bytes)
            for word in lines.flatMap(encodedWords) {
                #expect(word.utf8.count <= 75)
                let decoded = HeaderValues.decodeEncodedWords(String(word))
                #expect(!decoded.contains("\u{FFFD}"), "\(word) splits a character")
            }
            #expect(try MailParser().parse(bytes).subject == subject)
        }
    }

    @Test func textRoundTripsWithCRLFLineBreaks() throws {
        let body = "Hej Anna!\n\nPaketet skickades i dag från vårt lager i Borås.\r\nMvh\rKundtjänst"
        let parsed = try MailParser().parse(mail(text: body).rfc5322Bytes())
        // No line break is added at the end: the writer ends such a text with a soft break.
        #expect(parsed.text == "Hej Anna!\r\n\r\nPaketet skickades i dag fr\u{E5}n v\u{E5}rt lager i Bor\u{E5}s.\r\nMvh\r\nKundtjänst")
    }

    @Test func quotedPrintableEscapesWhatItMust() {
        let body = "a = b \nend\t\nFrom here on\n.\nö\n" + String(repeating: "=", count: 100) + "\n"
        let (_, lines) = split(mail(text: body).rfc5322Bytes())
        let written = lines.map(text)
        #expect(written[0] == "a =3D b=20")
        #expect(written[1] == "end=09")
        #expect(written[2] == "=46rom here on")
        #expect(written[3] == ".")
        #expect(written[4] == "=C3=B6")
        // 100 "=" as =3D: 25 escapes (75 characters) fit before a soft break, never half an escape.
        #expect(written[5] == String(repeating: "=3D", count: 25) + "=")
        #expect(written[6] == written[5] && written[7] == written[5])
        #expect(written[8] == String(repeating: "=3D", count: 25))
        #expect(written.count == 9)
        checkShape(mail(text: body).rfc5322Bytes())
    }

    @Test func longLinesWithoutSpacesGetSoftBreaks() throws {
        let body = String(repeating: "abcdefghij", count: 50) + "\n" + String(repeating: "å", count: 100)
        let bytes = mail(text: body).rfc5322Bytes()
        checkShape(bytes)
        let (_, lines) = split(bytes)
        #expect(lines.count > 10)
        #expect(try MailParser().parse(bytes).text == crlfNormalised(body))
    }

    @Test func emptyTextGivesAnEmptyBody() throws {
        let bytes = mail(text: "").rfc5322Bytes()
        #expect(bytes.suffix(4) == [0x0D, 0x0A, 0x0D, 0x0A])
        #expect(try MailParser().parse(bytes).text == "")
    }

    @Test(arguments: [
        (MailAddress(name: "Anna Svensson", address: "anna@example.se"), "Anna Svensson <anna@example.se>"),
        (MailAddress(name: nil, address: "anna@example.se"), "anna@example.se"),
        (MailAddress(name: "", address: "anna@example.se"), "anna@example.se"),
        (MailAddress(name: "Svensson, Anna \"Kund\" \\ VIP", address: "a@x.se"), #""Svensson, Anna \"Kund\" \\ VIP" <a@x.se>"#),
        (MailAddress(name: "J. Smith", address: "j@x.example"), #""J. Smith" <j@x.example>"#),
    ])
    func displayNamesAreAtomsOrQuoted(address: MailAddress, written: String) throws {
        let bytes = mail(to: [address]).rfc5322Bytes()
        #expect(headerField("To", in: bytes).joined() == "To: " + written)
        let parsed = try MailParser().parse(bytes)
        #expect(parsed.to == [MailAddress(name: address.name?.isEmpty == true ? nil : address.name, address: address.address)])
    }

    @Test func nonASCIIAndLongNamesAreEncodedWordsAndRoundTrip() throws {
        let recipients = [
            MailAddress(name: "Åsa Öberg", address: "asa@example.se"),
            MailAddress(name: "Jyväskylän Äänekosken Öljynjalostamon Asiakaspalvelun Päällikkö Pääkkönen", address: "p@example.fi"),
            MailAddress(name: "山田 太郎", address: "taro@example.jp"),
            MailAddress(name: "Fake =?UTF-8?B?QQ==?= name", address: "f@example.com"),
            MailAddress(name: nil, address: "plain@example.com"),
        ]
        let bytes = mail(from: MailAddress(name: "Kundtjänst 🛒", address: "support@shop.example"), to: recipients).rfc5322Bytes()
        checkShape(bytes, headerLimit: 78)
        let toLines = headerField("To", in: bytes)
        #expect(toLines.count > 2)
        #expect(toLines[0].contains("=?UTF-8?"))
        let parsed = try MailParser().parse(bytes)
        #expect(parsed.from == [MailAddress(name: "Kundtjänst 🛒", address: "support@shop.example")])
        #expect(parsed.to == recipients)
    }

    @Test func noRecipientsIsAnUndisclosedGroup() throws {
        let bytes = mail(to: []).rfc5322Bytes()
        #expect(headerField("To", in: bytes) == ["To: undisclosed-recipients:;"])
        #expect(try MailParser().parse(bytes).to == [])
    }

    @Test func manyReferencesFoldWithinTheLineLimit() throws {
        let references = (0..<40).map { "message-\($0)-with-a-long-local-part@mail.example.com" }
        let bytes = mail(inReplyTo: [references[39]], references: references).rfc5322Bytes()
        checkShape(bytes, headerLimit: 78)
        let lines = headerField("References", in: bytes)
        #expect(lines.count > 10)
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" <") })
        let parsed = try MailParser().parse(bytes)
        #expect(parsed.references == references)
        #expect(parsed.inReplyTo == [references[39]])
        #expect(parsed.warnings.isEmpty)
    }

    // MARK: Header injection

    @Test func lineBreaksInASubjectNeverMakeAHeader() throws {
        for subject in ["Hello\r\nBcc: x@y", "Hello\nBcc: x@y", "Hello\rBcc: x@y", "Hälsning\r\nBcc: x@y", "\r\nBcc: x@y"] {
            let bytes = mail(subject: subject).rfc5322Bytes()
            checkShape(bytes)
            let parsed = try MailParser().parse(bytes)
            #expect(parsed.header("bcc") == nil, "\(subject.debugDescription) made a Bcc header")
            #expect(parsed.headers.filter { $0.name == "subject" }.count == 1)
            #expect(!parsed.subject.contains("\r") && !parsed.subject.contains("\n"))
            #expect(parsed.subject.hasSuffix("Bcc: x@y"))
        }
        let parsed = try MailParser().parse(mail(subject: "Hello\r\nBcc: x@y").rfc5322Bytes())
        #expect(parsed.subject == "Hello Bcc: x@y")
    }

    @Test func lineBreaksInNamesAddressesAndIDsNeverMakeAHeader() throws {
        let message = mail(
            from: MailAddress(name: "Eve\r\nBcc: x@y", address: "eve@example.com\r\nBcc: y@z"),
            to: [MailAddress(name: "Bob\nCc: c@d", address: "bob@example.com")],
            messageID: "id@x\r\nBcc: x@y", inReplyTo: ["a@b>\r\nBcc: <x@y"], references: ["r@x\nX-Injected: 1"])
        let bytes = message.rfc5322Bytes()
        checkShape(bytes)
        let parsed = try MailParser().parse(bytes)
        let names = Set(parsed.headers.map(\.name))
        #expect(!names.contains("bcc") && !names.contains("cc") && !names.contains("x-injected"))
        #expect(parsed.from.map(\.address) == ["eve@example.comBcc:y@z"])
        #expect(parsed.from.first?.name == "Eve Bcc: x@y")
        #expect(parsed.messageID == "id@xBcc:x@y")
        #expect(parsed.inReplyTo == ["a@bBcc:x@y"])
        #expect(parsed.references == ["r@xX-Injected:1"])
    }

    @Test func unusableIDsAreLeftOut() throws {
        let bytes = mail(messageID: " \r\n ", inReplyTo: ["<>", String(repeating: "x", count: 1_000) + "@y"], references: ["ok@x"])
            .rfc5322Bytes()
        checkShape(bytes)
        let parsed = try MailParser().parse(bytes)
        #expect(parsed.header("message-id") == nil)
        #expect(parsed.messageIDWasDerived)
        #expect(parsed.header("in-reply-to") == nil)
        #expect(parsed.references == ["ok@x"])
    }

    // MARK: Date

    @Test(arguments: [
        (1_796_113_800.0, "Europe/Stockholm", "Tue, 01 Dec 2026 09:30:00 +0100"),  // winter: CET
        (1_782_891_000.0, "Europe/Stockholm", "Wed, 01 Jul 2026 09:30:00 +0200"),  // summer: CEST
        (1_774_746_000.0, "Europe/Stockholm", "Sun, 29 Mar 2026 03:00:00 +0200"),  // 01:00 UTC, the first CEST instant
        (1_774_745_999.0, "Europe/Stockholm", "Sun, 29 Mar 2026 01:59:59 +0100"),  // the last CET second
        (1_796_113_800.5, "UTC", "Tue, 01 Dec 2026 08:30:00 +0000"),
        (1_796_113_800.0, "America/St_Johns", "Tue, 01 Dec 2026 05:00:00 -0330"),
        (1_796_113_800.0, "Asia/Kolkata", "Tue, 01 Dec 2026 14:00:00 +0530"),
        (0.0, "America/New_York", "Wed, 31 Dec 1969 19:00:00 -0500"),
        (-86_400.0 * 365, "UTC", "Wed, 01 Jan 1969 00:00:00 +0000"),
    ])
    func dateHeaderIsRFC5322InTheZone(seconds: Double, zone: String, expected: String) throws {
        let timeZone = try #require(TimeZone(identifier: zone))
        let date = Date(timeIntervalSince1970: seconds)
        let bytes = mail(date: date, timeZone: timeZone).rfc5322Bytes()
        #expect(headerField("Date", in: bytes) == ["Date: " + expected])
        let parsed = try MailParser().parse(bytes)
        #expect(parsed.date == Date(timeIntervalSince1970: seconds.rounded(.down)))
    }

    @Test func theSameInputGivesTheSameBytes() {
        let message = mail(subject: "Återkoppling 📦", text: "Rad ett \nRad två")
        #expect(message.rfc5322Bytes() == message.rfc5322Bytes())
        #expect(message.rfc5322Bytes() == mail(subject: "Återkoppling 📦", text: "Rad ett \nRad två").rfc5322Bytes())
    }

    // MARK: Property test

    @Test func randomUnicodeRoundTripsWithinTheLimits() throws {
        let seed: UInt64 = 42
        var rng = SplitMix64(seed: seed)
        let pools: [[String]] = [
            ["a", "b", "Z", "q", "0", "7", ".", ",", "!", "?", "(", ")", "\"", "\\", "_", ":", ";", "-"],
            ["å", "ä", "ö", "ü", "Å", "Ä", "Ö", "é", "ß", "ñ"],
            ["配", "達", "状", "況", "日", "本", "语", "한", "국"],
            ["😀", "📦", "🚚", "👍🏽", "👨‍👩‍👧", "🇸🇪"],
            [" ", " ", "  ", "\t"],
            ["=", "=?", "?=", "=3D", "=?UTF-8?Q?x?="],
            ["From ", "F", "e\u{301}", "\u{00A0}"],
        ]
        func piece(_ rng: inout SplitMix64) -> String {
            let pool = pools[rng.below(pools.count)]
            return pool[rng.below(pool.count)]
        }
        var encodedSubjects = 0
        var softBreaks = 0
        for run in 0..<300 {
            // Subject: up to 150 pieces, sometimes one long word without spaces.
            var subject = ""
            let subjectLength = rng.below(6) == 0 ? 300 + rng.below(700) : rng.below(150)
            if rng.below(8) == 0 {
                subject = String(repeating: pools[rng.below(4)][0], count: subjectLength)
            } else {
                for _ in 0..<subjectLength { subject += piece(&rng) }
            }
            // Body: lines of random pieces, some long without spaces, some with trailing whitespace.
            var body = ""
            for _ in 0..<rng.below(12) {
                switch rng.below(5) {
                case 0: body += String(repeating: pools[rng.below(4)][rng.below(5)], count: rng.below(300))
                case 1: body += "From the desk" + String(repeating: " ", count: rng.below(3))
                default: for _ in 0..<rng.below(120) { body += piece(&rng) }
                }
                body += ["\n", "\r\n", "\r", " \n", "\t\n"][rng.below(5)]
            }
            if rng.below(2) == 0 { for _ in 0..<rng.below(40) { body += piece(&rng) } }

            let message = mail(
                from: MailAddress(name: rng.below(2) == 0 ? subject.prefix(40).description : "Desk", address: "desk@shop.example"),
                messageID: "run-\(run)@shop.example", subject: subject, text: body)
            let bytes = message.rfc5322Bytes()
            checkShape(bytes)
            let parsed = try MailParser().parse(bytes)
            #expect(parsed.subject == trimmed(subject), "seed \(seed), run \(run): subject \(subject.debugDescription)")
            #expect(parsed.text == crlfNormalised(body), "seed \(seed), run \(run): body \(body.debugDescription)")
            #expect(parsed.messageID == "run-\(run)@shop.example", "seed \(seed), run \(run)")
            #expect(parsed.from.count == 1, "seed \(seed), run \(run)")
            let name = message.from.name.map(trimmed) ?? ""
            #expect(parsed.from.first?.name == (name.isEmpty ? nil : name), "seed \(seed), run \(run): name \(name.debugDescription)")
            #expect(parsed.from.first?.address == "desk@shop.example", "seed \(seed), run \(run)")
            #expect(parsed.warnings.isEmpty, "seed \(seed), run \(run): \(parsed.warnings)")
            if !MailWriter.isPlainHeaderText(Array(subject.utf8)) {
                encodedSubjects += 1
                #expect(headerField("Subject", in: bytes).allSatisfy { $0.utf8.count <= 78 }, "seed \(seed), run \(run)")
            }
            softBreaks += split(bytes).body.filter { $0.last == UInt8(ascii: "=") }.count
        }
        // The generator reaches both subject forms and long body lines.
        #expect(encodedSubjects > 100 && encodedSubjects < 290, "\(encodedSubjects) of 300 subjects encoded")
        #expect(softBreaks > 300)
    }
}

/// The lines (as written) of the first header field with this name.
private func headerField(_ name: String, in bytes: [UInt8]) -> [String] {
    let (header, _) = split(bytes)
    var result: [String] = []
    for line in header.map(text) {
        if result.isEmpty {
            if line.hasPrefix(name + ":") { result.append(line) }
        } else if line.hasPrefix(" ") || line.hasPrefix("\t") {
            result.append(line)
        } else {
            break
        }
    }
    return result
}

// MARK: Maildir

@Suite("Maildir delivery")
struct MaildirTests {
    private func scratch() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("maildir-test-\(UUID().uuidString)", isDirectory: true)
    }

    @Test func deliversIntoNewThroughTmp() throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("a/b/Outbox", isDirectory: true)
        let first = mail().rfc5322Bytes()
        let second = mail(subject: "Second").rfc5322Bytes()
        let now = Date(timeIntervalSince1970: 1_796_113_800.25)
        let firstURL = try Maildir.deliver(first, to: directory, now: now)
        let secondURL = try Maildir.deliver(second, to: directory, now: now)

        #expect(firstURL.deletingLastPathComponent().lastPathComponent == "new")
        #expect(firstURL.deletingLastPathComponent().deletingLastPathComponent().standardizedFileURL.path
            == directory.standardizedFileURL.path)
        #expect(firstURL.lastPathComponent != secondURL.lastPathComponent)
        #expect(try Array(Data(contentsOf: firstURL)) == first)
        #expect(try Array(Data(contentsOf: secondURL)) == second)
        let files = FileManager.default
        #expect(try files.contentsOfDirectory(atPath: directory.appendingPathComponent("tmp").path).isEmpty)
        #expect(try files.contentsOfDirectory(atPath: directory.appendingPathComponent("cur").path).isEmpty)
        #expect(try files.contentsOfDirectory(atPath: directory.appendingPathComponent("new").path).count == 2)

        // <seconds>.M<microseconds>P<pid>Q<counter>.<host>
        let parts = firstURL.lastPathComponent.split(separator: ".", maxSplits: 2)
        #expect(parts.count == 3)
        #expect(parts.first == "1796113800")
        let middle = parts.count > 1 ? String(parts[1]) : ""
        #expect(middle.hasPrefix("M250000P\(ProcessInfo.processInfo.processIdentifier)Q"))
        #expect(!firstURL.lastPathComponent.contains("/") && !firstURL.lastPathComponent.contains(":"))

        // The desk's own reader finds both, and they parse.
        let read = try MailboxReader.messages(at: directory.path)
        #expect(read.count == 2)
        #expect(try read.map { try MailParser().parse($0.bytes).subject }.sorted() == ["Re: Where is my parcel?", "Second"])
    }

    @Test func hostNamesAreSanitised() {
        #expect(Maildir.sanitisedHost("mail/host:25") == "mail\\057host\\07225")
        #expect(Maildir.sanitisedHost("") == "localhost")
        let name = Maildir.uniqueName(now: Date(timeIntervalSince1970: 12.000_5), pid: 7, counter: 3, host: "h")
        #expect(name == "12.M500P7Q3.h")
    }

    @Test func aFileInTheWayIsATypedError() throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let blocker = root.appendingPathComponent("Outbox")
        try Data("not a directory".utf8).write(to: blocker)
        #expect {
            try Maildir.deliver([0x41], to: blocker)
        } throws: { error in
            guard let error = error as? MaildirError, case .cannotCreate(let path, _) = error else { return false }
            return path.hasSuffix("Outbox") && error.description.contains("Outbox")
        }
        let web = try #require(URL(string: "https://example.com/box"))
        #expect(throws: MaildirError.self) { try Maildir.deliver([0x41], to: web) }
    }
}
