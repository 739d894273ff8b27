import CustomerModel
import Foundation
import Testing
@testable import Conversation

/// A message with text and a quote, as `SupportMessage(mail:)` gives it.
private func reply(
    _ id: String, party: PartyID = "c1", text: String, quoting quoted: String?, subject: String = "Re: Order status",
    hours: Double, direction: MessageDirection = .inbound, inReplyTo: [String] = []
) -> SupportMessage {
    SupportMessage(
        id: MessageID(id), channel: .email, direction: direction, person: party, party: party,
        sentAt: epoch.addingTimeInterval(hours * 3_600), subject: subject, text: text,
        quotedText: quoted.map { "On Monday the shop wrote:\n> " + $0 },
        headers: ThreadingHeaders(messageID: id, inReplyTo: inReplyTo))
}

@Suite("Threading by quoted text")
struct QuotedTextThreadingTests {
    /// The case the subject rule gets wrong: two open "Order status" tickets of
    /// one customer, and a reply without headers to the older one.
    @Test func aHeaderlessReplyJoinsTheThreadWhoseMessageItQuotes() {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading()
        let older = engine.assign(reply("a@x", text: "Where is my parcel with the blue jacket", quoting: nil, subject: "Order status", hours: 0), directory: directory)
        let answer = "Your parcel left our warehouse this morning"
        _ = engine.assign(reply("b@shop", text: answer, quoting: nil, subject: "Re: Order status", hours: 1, direction: .outbound, inReplyTo: ["a@x"]), directory: directory)
        let newer = engine.assign(reply("c@x", text: "I want to change the size of my shoes order", quoting: nil, subject: "Order status", hours: 2), directory: directory)
        #expect(newer.thread != older.thread)

        // Without the quote the subject rule picks the newer ticket.
        let unquoted = engine.assign(reply("d@x", text: "Thanks a lot for the quick help here", quoting: nil, hours: 3), directory: directory)
        #expect(unquoted.thread == newer.thread)
        #expect(unquoted.rule == .subject)

        let quoting = engine.assign(reply("e@x", text: "Thanks, when will it arrive then", quoting: String(answer.prefix(60)), hours: 4), directory: directory)
        #expect(quoting.thread == older.thread)
        #expect(quoting.rule == .quotedText)
        #expect(quoting.evidence == "quotes a message of this thread from the same party (\"On Monday the shop wrote:\")")
    }

    /// A quote is matched by its start, whatever the client's markers, wrapping and case.
    @Test func quotesMatchAcrossMarkersWrappingAndCase() {
        let text = "Hello, I ordered the green jacket in size M but got an L instead."
        let plain = Array(text.utf8).withUnsafeBufferPointer { QuoteFingerprint.ofText($0) }
        let quoted = Array("Den 3 mars skrev Shop:\n> hello, i ordered the green\n>  jacket in SIZE M but got".utf8)
            .withUnsafeBufferPointer { QuoteFingerprint.ofQuote($0) }
        #expect(plain != nil)
        #expect(quoted?.fingerprint == plain)
        #expect(quoted?.attributionEnd == "Den 3 mars skrev Shop:".utf8.count)
        // Too short to tell threads apart, and no '>' lines: no evidence.
        #expect(Array("Thanks!".utf8).withUnsafeBufferPointer { QuoteFingerprint.ofText($0) } == nil)
        #expect(Array("On Monday x wrote:\nno markers here at all, just text".utf8).withUnsafeBufferPointer { QuoteFingerprint.ofQuote($0) } == nil)
    }

    /// Quoting another customer's message never joins that customer's thread.
    @Test func aQuoteNeverAttachesAMessageToAnotherPartysThread() {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading()
        let text = "Your refund of 49 euros was sent to your card today"
        let theirs = engine.assign(reply("a@shop", party: "c1", text: text, quoting: nil, subject: "Refund", hours: 0, direction: .outbound), directory: directory)
        let stranger = engine.assign(reply("s@x", party: "c2", text: "I did not get mine, where is it", quoting: text, subject: "Re: Refund", hours: 1), directory: directory)
        #expect(stranger.thread != theirs.thread)
        #expect(stranger.rule != .quotedText)
        #expect(engine.owner(of: stranger.thread) == "c2")
        // The owner's own quoting reply does join.
        let own = engine.assign(reply("o@x", party: "c1", text: "Thank you, I see it on my account", quoting: text, subject: "Something else", hours: 2), directory: directory)
        #expect(own.thread == theirs.thread)
        #expect(own.rule == .quotedText)
    }

    /// Messages of two threads that start alike make the quote ambiguous: no guess.
    @Test func anAmbiguousQuoteIsNoEvidence() {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading()
        let same = "Thank you for your order, it ships within two days"
        let first = engine.assign(reply("a@shop", text: same, quoting: nil, subject: "Order 1", hours: 0, direction: .outbound), directory: directory)
        let second = engine.assign(reply("b@shop", text: same, quoting: nil, subject: "Order 2", hours: 1, direction: .outbound), directory: directory)
        #expect(first.thread != second.thread)
        let answer = engine.assign(reply("c@x", text: "Great, thanks for letting me know", quoting: same, subject: "Hello", hours: 2), directory: directory)
        #expect(answer.rule == .newThread)
    }

    /// A split moves the quoted message; a later quote follows it, like a header would.
    @Test func quotesFollowSplitMessages() throws {
        let directory = b2cDirectory()
        var engine = HelpdeskThreading()
        let t = engine.assign(reply("a@x", text: "Two problems with my order number 5", quoting: nil, subject: "Two problems", hours: 0), directory: directory).thread
        let second = "And the second problem is the missing belt"
        _ = engine.assign(reply("b@x", text: second, quoting: nil, subject: "Re: Two problems", hours: 1, inReplyTo: ["a@x"]), directory: directory)
        let split = try engine.split(["b@x"], from: t, agent: "ag", reason: "second problem", at: epoch)
        let answer = engine.assign(reply("c@shop", text: "We will send the belt right away", quoting: second, subject: "Belt", hours: 2, direction: .outbound), directory: directory)
        #expect(answer.thread == split.to)
    }
}
