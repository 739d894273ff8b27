import Foundation
import Testing
@testable import Conversation

/// The byte-level fast paths must read exactly what the general readers read.
@Suite("Mail fast paths")
struct MailFastPathTests {
    @Test(arguments: [
        "text/plain; charset=utf-8",
        "TEXT/Plain;  Charset=\"ISO-8859-1\" ; format=flowed",
        "text/plain; name=\"a;b.txt\"",            // a semicolon inside quotes: the general reader
        "text/plain; name*=utf-8''%E2%82%AC.txt",  // RFC 2231: the general reader
        "multipart/mixed; boundary=\"=_x\\\"y\"",    // an escape: the general reader
        "text/plain;;charset=utf-8;",
        "text/plain; charset=\"\"",
        "text/plain; x=\"é\"",
    ])
    func contentTypeParameters(value: String) {
        let parsed = HeaderValues.parameterized(value)
        #expect(!parsed.value.isEmpty)
        #expect(parsed.value == parsed.value.lowercased())
        for name in parsed.parameters.keys { #expect(name == name.lowercased()) }
    }

    @Test func commonContentTypesReadAsBefore() {
        #expect(HeaderValues.parameterized("TEXT/Plain;  Charset=\"ISO-8859-1\" ; format=flowed").value == "text/plain")
        #expect(HeaderValues.parameterized("TEXT/Plain;  Charset=\"ISO-8859-1\" ; format=flowed").parameters
            == ["charset": "ISO-8859-1", "format": "flowed"])
        #expect(HeaderValues.parameterized("text/plain; name=\"a;b.txt\"").parameters == ["name": "a;b.txt"])
        #expect(HeaderValues.parameterized("text/plain; name*=utf-8''%E2%82%AC.txt").parameters == ["name": "€.txt"])
        #expect(HeaderValues.parameterized("text/plain;;charset=utf-8;").parameters == ["charset": "utf-8"])
    }

    @Test func messageIDsWithFoldedWhitespaceAndEmptyBrackets() {
        #expect(HeaderValues.messageIDs("<a@x> <>\r\n <b@\r\n y> <c@z").ids == ["a@x", "b@y"])
        #expect(HeaderValues.messageIDs("<a@x><<b@x>").ids == ["a@x", "b@x"])
    }

    @Test func foldedEightBitAndCRLFHeaders() throws {
        var bytes = Array("From x Mon Nov 16 09:12:00 2026\r\nSubject: Caf".utf8)
        bytes.append(0xE9)  // Windows-1252 é in a raw 8-bit header
        bytes += Array("\r\n \tau lait\r\nX-Empty:\r\nMessage-ID:\r\n <m@x>\r\n\r\nbody".utf8)
        let mail = try MailParser().parse(bytes)
        #expect(mail.subject == "Café \tau lait")
        #expect(mail.header("x-empty") == "")
        #expect(mail.messageID == "m@x")
        #expect(mail.text == "body")
    }
}
