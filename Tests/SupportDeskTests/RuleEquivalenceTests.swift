import DeskConformance
import Conversation
import CustomerModel
import Foundation
import Storage
import SupportDesk
import Testing
import TestSupport

/// One implementation of the rules: the in-memory batch engine (`HelpdeskThreading`) and the
/// stored path (`ThreadingRules` over a store's index, through the desk) place the same random
/// traffic — replies, hostile references, copied tags, header-less quotes, duplicates, chats
/// and calls — in the same threads by the same rules.
@Test func theInMemoryEngineAndTheStoredPathThreadAlike() async throws {
    var random = SplitMix64(seed: 0xE0_1A1E)
    let support = try ContactPoint.email("support@shop.example")
    var sent: [String] = []
    var clock = Date(timeIntervalSince1970: 1_740_787_200)
    var messages: [SupportMessage] = []
    var quotes: [String: String] = [:]
    let parser = MailParser()
    for _ in 0..<3_000 {
        clock = clock.addingTimeInterval(Double(600 + random.below(8 * 3_600)))
        if random.below(8) == 0 {
            var chat = DeskProperties.randomChat(&random, sent: &sent, at: clock)
            chat.party = chat.author.map { PartyID($0.value) }
            chat.person = chat.party
            messages.append(chat)
            continue
        }
        let raw = DeskProperties.randomMail(
            &random, sent: &sent, tickets: UInt64(max(2, messages.count / 2)), at: clock, quotes: &quotes)
        let mail = try parser.parse(raw.bytes)
        let author = try mail.from.first.map { try ContactPoint.email($0.address) }
        let outbound = author == support
        var message = SupportMessage(mail: mail, receivedAt: clock, direction: outbound ? .outbound : .inbound)
        let customer = outbound ? mail.to.first?.address : mail.from.first?.address
        message.party = try customer.map { PartyID(try ContactPoint.email($0).value) }
        message.person = message.party
        messages.append(message)
    }

    // Some replies arrive before the mail they answer (its id is referenced before it is seen).
    for _ in 0..<150 {
        let index = random.below(messages.count)
        guard let parent = messages[index].headers.inReplyTo.first,
            let position = messages.firstIndex(where: { ($0.headers.messageID ?? $0.id.rawValue) == parent }), position < index
        else { continue }
        let reply = messages.remove(at: index)
        messages.insert(reply, at: position)
    }

    var directory = SingleBuyerDirectory()
    for customer in DeskProperties.customers {
        try directory.add(Customer(id: PartyID(customer), profile: PartyProfile(displayName: customer,
            contactPoints: [try .email(customer)])), at: Date(timeIntervalSince1970: 0))
    }
    var engine = HelpdeskThreading()
    let inMemory = messages.map { engine.assign($0, directory: directory) }

    let desk = Desk(store: InMemorySupportStore(), directory: SingleBuyerDeskDirectory(), deskAddresses: [support], deskMail: .history)
    try await desk.save(directory.customers.values.map { .customer($0) })
    var stored: [StoredIntake] = []
    for start in stride(from: 0, to: messages.count, by: 250) {
        stored += try await desk.ingest(Array(messages[start..<min(start + 250, messages.count)]))
    }
    var rules: [ThreadingRule: Int] = [:]
    for (index, (expected, outcome)) in zip(inMemory, stored).enumerated() {
        switch outcome {
        case .stored(let intake):
            #expect(intake.assignment.thread == expected.thread && intake.assignment.rule == expected.rule,
                "message \(index) \(messages[index].id): engine \(expected.thread) by \(expected.rule), store \(intake.assignment.thread) by \(intake.assignment.rule)")
            rules[intake.assignment.rule, default: 0] += 1
        case .duplicate:
            #expect(expected.because == .duplicate(messageID: messages[index].headers.messageID ?? messages[index].id.rawValue),
                "message \(index): a duplicate for the store only")
        case .rejected: Issue.record("message \(index) rejected")
        case .held: Issue.record("message \(index) held")
        }
        // Later joins may rename a thread: the final placements must agree too.
        if index == messages.count - 1 {
            for message in messages.prefix(500) {
                let now = try await desk.store.message(message.id)?.thread
                #expect(now == engine.thread(of: message.id), "\(message.id) ends in different threads")
            }
        }
    }
    // The traffic exercised every rule.
    for rule in [ThreadingRule.references, .ticketTag, .quotedText, .subject, .channelContinuation, .newThread, .knownMessageID] {
        #expect(rules[rule, default: 0] > 0, "no message was placed by \(rule)")
    }
}
