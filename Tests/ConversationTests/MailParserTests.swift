import Foundation
import Testing
@testable import Conversation
import TestSupport

private func parse(_ text: String) throws -> MailMessage { try MailParser().parse(Array(text.utf8)) }

@Suite("RFC 5322 headers")
struct MailHeaderTests {
    @Test func unfoldsAndKeepsRepeatedHeadersInOrder() throws {
        let mail = try parse("Received: a\r\nSubject: Long\r\n  folded\r\n\tsubject\r\nReceived: b\r\nMESSAGE-ID: <x@y>\r\n\r\nbody")
        #expect(mail.subject == "Long  folded\tsubject")
        #expect(mail.headers(named: "received") == ["a", "b"])
        #expect(mail.header("Message-Id") == "<x@y>")
        #expect(mail.messageID == "x@y")
        #expect(mail.text == "body")
    }

    @Test func parsesAddressListsWithCommentsAndGroups() throws {
        let mail = try parse("""
            From: "Svensson, Anna" (kund) <anna@example.se>
            To: Support Team: a@shop.example, "B" <b@shop.example>;, c@x.example (Carl)
            Cc: =?UTF-8?Q?J=C3=B6rg?= <jorg@example.de>, undisclosed-recipients:;
            Message-ID: <1@x>

            hi
            """)
        #expect(mail.from == [MailAddress(name: "Svensson, Anna", address: "anna@example.se")])
        #expect(mail.to == [
            MailAddress(name: nil, address: "a@shop.example", group: "Support Team"),
            MailAddress(name: "B", address: "b@shop.example", group: "Support Team"),
            MailAddress(name: nil, address: "c@x.example"),
        ])
        #expect(mail.cc == [MailAddress(name: "Jörg", address: "jorg@example.de")])
    }

    @Test(arguments: [
        ("Mon, 16 Nov 2026 09:12:00 +0100", 1_794_816_720.0),
        ("16 Nov 2026 09:12 +0100", 1_794_816_720.0),
        ("Mon, 16 Nov 2026 03:12:00 EST", 1_794_816_720.0),
        ("Mon, 16 Nov 26 08:12:00 GMT (UTC)", 1_794_816_720.0),
        ("Mon Nov 16 08:12:00 2026", 1_794_816_720.0),
    ])
    func readsDates(value: String, expected: Double) throws {
        let mail = try parse("Date: \(value)\nMessage-ID: <d@x>\n\nx")
        #expect(mail.date?.timeIntervalSince1970 == expected)
    }

    @Test func unreadableDateIsAWarning() throws {
        let mail = try parse("Date: the day after tomorrow\nMessage-ID: <d@x>\n\nx")
        #expect(mail.date == nil)
        #expect(mail.warnings == [.unreadableDate("the day after tomorrow")])
    }

    @Test func readsMessageIDListsAndGuessesBrokenOnes() throws {
        let mail = try parse("Message-ID: <a@x>\nIn-Reply-To: <b@x> (comment)\nReferences: <r1@x>\n <r2@x>  <b@x>\n\nx")
        #expect(mail.inReplyTo == ["b@x"])
        #expect(mail.references == ["r1@x", "r2@x", "b@x"])
        let broken = try parse("Message-ID: a@x\nReferences: r1@x, r2@x\n\nx")
        #expect(broken.messageID == "a@x")
        #expect(broken.references == ["r1@x", "r2@x"])
        #expect(broken.warnings.contains(.malformedMessageIDList(header: "References")))
    }

    @Test func decodesEncodedWordsAcrossAdjacentWords() throws {
        let mail = try parse("Subject: =?ISO-8859-1?Q?Best=E4llning?= =?UTF-8?B?IOKCrA==?= ok\nMessage-ID: <a@x>\n\nx")
        #expect(mail.subject == "Beställning € ok")
    }
}

@Suite("MIME")
struct MIMETests {
    static let nested = """
        From: Jonas <jonas@example.de>
        Message-ID: <m@x>
        Subject: Schaden
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="outer"

        preamble
        --outer
        Content-Type: multipart/alternative; boundary=inner

        --inner
        Content-Type: text/plain; charset=iso-8859-1
        Content-Transfer-Encoding: quoted-printable

        Die Lieferung war besch=E4digt. Bitte um R=FCck=
        erstattung.
        --inner
        Content-Type: text/html; charset=utf-8

        <p>Die Lieferung war <b>beschädigt</b>.</p>
        --inner--
        --outer
        Content-Type: image/jpeg
        Content-Disposition: attachment;
         filename*0*=utf-8''Sch%C3%A4den;
         filename*1=".jpg"
        Content-Transfer-Encoding: base64
        Content-ID: <img1@x>

        /9j/4AAQSkZJRgABAQAAAQABAAD/
        --outer--
        epilogue
        """

    @Test func prefersPlainTextAndRecordsAttachments() throws {
        let mail = try parse(Self.nested)
        #expect(mail.plainText == "Die Lieferung war beschädigt. Bitte um Rückerstattung.")
        #expect(mail.text == mail.plainText)
        #expect(mail.html == "<p>Die Lieferung war <b>beschädigt</b>.</p>")
        #expect(mail.attachments == [MailAttachment(filename: "Schäden.jpg", contentType: "image/jpeg", size: 21, contentID: "img1@x", disposition: "attachment")])
        #expect(mail.warnings.isEmpty)
    }

    @Test func rendersHTMLOnlyBodiesWithLibxml2() throws {
        let html = "<html><head><title>t</title><style>p{}</style><script>alert(1)</script></head><body><p>Guten Tag,</p><p>die Lieferung f&uuml;r 10102 war besch&auml;digt.<br>Jonas</p><ul><li>Jacke</li><li>Schal</li></ul></body></html>"
        let encoded = Data(html.utf8).base64EncodedString(options: .lineLength76Characters)
        let mail = try parse("Message-ID: <h@x>\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n\(encoded)")
        #expect(mail.text == "Guten Tag,\n\ndie Lieferung für 10102 war beschädigt.\nJonas\n\n• Jacke\n• Schal")
    }

    @Test(arguments: [
        ("iso-8859-1", [0x52, 0xE4, 0x6B], "Räk"),
        ("ISO-8859-15", [0xA4, 0x20, 0xBD], "€ œ"),
        ("windows-1252", [0x80, 0x93, 0x78, 0x94], "€“x”"),
        ("us-ascii", [0x61, 0x62], "ab"),
        ("utf-8", [0xC3, 0xA5], "å"),
    ] as [(String, [UInt8], String)])
    func decodesCharsets(charset: String, bytes: [UInt8], expected: String) throws {
        let head = Array("Message-ID: <c@x>\nContent-Type: text/plain; charset=\(charset)\n\n".utf8)
        let mail = try MailParser().parse(head + bytes)
        #expect(mail.text == expected)
        #expect(mail.warnings.isEmpty)
    }
}

@Suite("Bad input")
struct MailBadInputTests {
    @Test func emptyAndHeaderlessInputAreTypedErrors() {
        #expect(throws: MailParseError.empty) { try MailParser().parse([UInt8]()) }
        #expect(throws: MailParseError.empty) { try parse(" \r\n\n") }
        #expect(throws: MailParseError.noHeaders) { try parse("just some text\nwith lines\n") }
    }

    @Test func missingMessageIDIsDerivedStably() throws {
        let text = "From: a@x\nSubject: no id\n\nhello"
        let first = try parse(text), second = try parse(text), other = try parse(text + "!")
        #expect(first.messageIDWasDerived)
        #expect(first.messageID == second.messageID)
        #expect(first.messageID != other.messageID)
        #expect(first.messageID.hasSuffix("@derived.supportkit.invalid"))
        #expect(first.warnings == [.derivedMessageID(first.messageID)])
    }

    @Test func truncatedBase64IsDecodedAsFarAsItGoes() throws {
        let mail = try parse("Message-ID: <b@x>\nContent-Transfer-Encoding: base64\n\nSGVsbG8gd29ybGQ*!K")
        #expect(mail.text.hasPrefix("Hello world"))
        #expect(mail.warnings.contains(.damagedBase64(offset: 53)))
    }

    @Test func unknownCharsetFallsBackToUTF8WithAWarning() throws {
        let mail = try parse("Message-ID: <u@x>\nContent-Type: text/plain; charset=x-klingon\n\nqapla'")
        #expect(mail.text == "qapla'")
        #expect(mail.warnings == [.unknownCharset("x-klingon")])
    }

    @Test func invalidUTF8IsReplacedNotDropped() throws {
        let mail = try MailParser().parse(Array("Message-ID: <i@x>\n\nok ".utf8) + [0xFF, 0xFE] + Array(" ok".utf8))
        #expect(mail.text == "ok \u{FFFD}\u{FFFD} ok")
        #expect(mail.warnings == [.invalidBytes(charset: "utf-8")])
    }

    @Test func nulBytesAreRemovedAndCounted() throws {
        let mail = try MailParser().parse(Array("Message-ID: <n@x>\nSubject: a\0b\n\nx".utf8) + [0, 0] + Array("y".utf8))
        #expect(mail.subject == "ab")
        #expect(mail.text == "xy")
        #expect(mail.warnings == [.nulBytesRemoved(count: 2)])
    }

    @Test func aFiftyMegabyteBodyIsTruncatedForText() throws {
        var bytes = Array("Message-ID: <big@x>\n\n".utf8)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "a"), count: 50 << 20))
        let mail = try MailParser().parse(bytes)
        #expect(mail.text.utf8.count == 4 << 20)
        #expect(mail.warnings == [.bodyTruncated(limit: 4 << 20)])
    }

    @Test func missingBlankLineAndMalformedHeaderLines() throws {
        let mail = try parse(" stray continuation\nMessage-ID: <s@x>\nSubject: ok\nThis is the body\nmore")
        #expect(mail.subject == "ok")
        #expect(mail.text == "This is the body\nmore")
        #expect(mail.warnings == [.malformedHeaderLine(offset: 0), .missingHeaderBodySeparator(offset: 50)])
    }

    @Test func unterminatedMultipartKeepsItsLastPart() throws {
        let mail = try parse("Message-ID: <t@x>\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\npart one")
        #expect(mail.text == "part one")
        #expect(mail.warnings == [.unterminatedMultipart(boundary: "b")])
    }

    @Test func absurdNestingIsCut() throws {
        var text = "Message-ID: <deep@x>\nContent-Type: multipart/mixed; boundary=b0\n\n"
        for level in 1..<40 { text += "--b\(level - 1)\nContent-Type: multipart/mixed; boundary=b\(level)\n\n" }
        let mail = try parse(text)
        #expect(mail.warnings.contains(.nestingTooDeep(limit: 16)))
    }

    /// Random bytes, truncations of a real message at every length, and random
    /// byte mutations never crash the parser; it returns a message or a typed error.
    @Test func fuzzNeverCrashes() {
        var random = SplitMix64(seed: 0xF022)
        let sample = Array(MIMETests.nested.utf8)
        var parsed = 0
        for length in stride(from: 0, through: sample.count, by: 3) {
            if (try? MailParser().parse(Array(sample.prefix(length)))) != nil { parsed += 1 }
        }
        for _ in 0..<2_000 {
            var bytes = sample
            for _ in 0..<(1 + Int(random.next() % 20)) {
                let position = Int(random.next() % UInt64(bytes.count))
                bytes[position] = UInt8(truncatingIfNeeded: random.next())
            }
            if (try? MailParser().parse(bytes)) != nil { parsed += 1 }
        }
        for _ in 0..<500 {
            let bytes = (0..<Int(random.next() % 400)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = try? MailParser().parse(bytes)
        }
        #expect(parsed > 1_000, "seed 0xF022: most mutated messages should still parse")
    }
}

@Suite("Quoted replies and signatures")
struct ReplyExtractorTests {
    @Test(arguments: [
        ("Thanks!\n\nOn Mon, 16 Nov 2026 at 10:02, Shop <s@x> wrote:\n> Hi", "en"),
        ("Tack!\n\nDen 16 nov. 2026 kl. 10:02 skrev Shop Support <s@x>:\n> Hej", "sv"),
        ("Tak!\n\nDen 16. nov. 2026 kl. 10.02 skrev Shop <s@x>:\n> Hej", "da"),
        ("Kiitos!\n\nma 16.11.2026 klo 10.02 Shop <s@x> kirjoitti:\n> Hei", "fi"),
        ("Grazie!\n\nIl giorno lun 16 nov 2026 alle 10:02 Shop <s@x> ha scritto:\n> Ciao", "it"),
        ("Danke!\n\nAm 16.11.2026 um 10:02 schrieb Shop <s@x>:\n> Hallo", "de"),
        ("Danke!\n\nAm Mo., 16. Nov. 2026 um 10:02 Uhr schrieb Shop <\ns@x>:\n> Hallo", "de wrapped"),
        ("Thanks!\n\nFrom: Shop <s@x>\nSent: Monday, November 16, 2026 10:02\nTo: me\nSubject: Re: x", "outlook en"),
        ("Tack!\n\nFrån: Shop <s@x>\nSkickat: den 16 november 2026 10:02\nTill: mig", "outlook sv"),
        ("Kiitos!\n\nLähettäjä: Shop <s@x>\nLähetetty: maanantai 16. marraskuuta 2026 10.02", "outlook fi"),
        ("Danke!\n\nVon: Shop <s@x>\nGesendet: Montag, 16. November 2026 10:02", "outlook de"),
        ("Grazie!\n\nDa: Shop <s@x>\nInviato: lunedì 16 novembre 2026 10:02", "outlook it"),
        ("Thanks!\n\n-----Original Message-----\nFrom: x", "original message"),
        ("Thanks!\n\nSent from my iPhone", "mobile en"),
        ("Tack!\n\nSkickat från min iPhone", "mobile sv"),
        ("Kiitos!\n\nLähetetty iPhonesta", "mobile fi"),
        ("Danke!\n\nVon meinem iPhone gesendet", "mobile de"),
        ("Grazie!\n\n-- \nLucia Rossi\nVia Roma 1", "signature"),
        ("Thanks!\n\n> earlier text\n> more", "bare quote"),
    ])
    func stripsQuotesAndSignatures(text: String, language: String) {
        let (new, quoted) = ReplyExtractor.split(text)
        #expect(["Thanks!", "Tack!", "Tak!", "Kiitos!", "Grazie!", "Danke!"].contains(new), "\(language): \(new.debugDescription)")
        #expect(!quoted.isEmpty, "\(language)")
    }

    @Test func keepsTextWithoutQuotes() {
        let text = "Hello,\nmy order from Monday: where is it?\n> not a quote at the end? it is.\nBye"
        #expect(ReplyExtractor.split(text).new == text)
    }
}

@Suite("Mailboxes")
struct MailboxTests {
    @Test func splitsMboxAndUndoesMboxrdQuoting() throws {
        let mbox = "From a@x Mon Nov 16 09:12:00 2026\nMessage-ID: <1@x>\n\nline\n>From here\n>>From there\n\nFrom b@x Mon Nov 16 09:13:00 2026\nMessage-ID: <2@x>\n\nsecond\n"
        let raws = MailboxReader.mbox(Array(mbox.utf8), path: "t.mbox")
        #expect(raws.count == 2)
        let first = try MailParser().parse(raws[0].bytes)
        #expect(first.text == "line\nFrom here\n>From there\n")
        #expect(try MailParser().parse(raws[1].bytes).messageID == "2@x")
        #expect(raws[1].offset == mbox.utf8.distance(from: mbox.utf8.startIndex, to: mbox.range(of: "From b@x")!.lowerBound.samePosition(in: mbox.utf8)!))
    }

    @Test func readsTheExampleShopMailbox() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples/data/shop.mbox").path
        let mails = try MailboxReader.messages(at: path).map { try MailParser().parse($0.bytes) }
        #expect(mails.count == 11)
        #expect(mails.allSatisfy { $0.warnings.isEmpty })
        #expect(mails[3].subject == "Tilauksen tila")
        #expect(mails[3].text.contains("tilaukseni 10077 ei ole saapunut"))
        #expect(mails[5].text.contains("die Lieferung für Bestellung 10102 war beschädigt"))
        #expect(mails[10].text.contains("\nFrom my point of view"))
        let reply = SupportMessage(mail: mails[2], receivedAt: Date())
        #expect(reply.text == "Tack! Jag har skickat paketet idag. När kommer återbetalningen?")
        #expect(reply.quotedText?.hasPrefix("Den 16 nov. 2026") == true)
    }

    @Test func readsMaildirAndEml() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maildir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("cur"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("new"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("Message-ID: <c@x>\n\ncur".utf8).write(to: root.appendingPathComponent("cur/1.eml"))
        try Data("Message-ID: <n@x>\n\nnew".utf8).write(to: root.appendingPathComponent("new/2.eml"))
        let ids = try MailboxReader.messages(at: root.path).map { try MailParser().parse($0.bytes).messageID }
        #expect(ids == ["c@x", "n@x"])
        let single = try MailboxReader.messages(at: root.appendingPathComponent("cur/1.eml").path)
        #expect(single.count == 1)
        #expect(throws: MailboxError.notAMaildir(path: root.appendingPathComponent("cur").path)) {
            try MailboxReader.messages(at: root.appendingPathComponent("cur").path)
        }
        #expect(throws: MailboxError.self) { try MailboxReader.messages(at: "/nonexistent/box") }
    }
}
