import Conversation
import CustomerModel
import Foundation
import Testing
import SupportDesk

/// The example mailbox through the whole desk: parse, resolve, thread.
@Test func exampleMailboxThreadsAsAnAgentWouldExpect() throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/data/shop.mbox").path
    var desk = ShopMailDesk(
        deskAddresses: [try .email("support@shop.example")],
        configuration: ThreadingConfiguration(firstTicketNumber: 1001))
    var intakes: [DeskIntake] = []
    for raw in try MailboxReader.messages(at: path) { intakes.append(try desk.take(raw)) }
    let threads = intakes.map { desk.threading.thread(of: $0.message.id) }
    // Anna's return: her mail, the desk's reply, and her answer are one ticket (#1001).
    #expect(threads[0] == ThreadID(1001) && threads[1] == ThreadID(1001) && threads[2] == ThreadID(1001))
    #expect(intakes[1].message.direction == .outbound)
    #expect(intakes[1].message.party == "anna.svensson@example.se")
    // Matti's client dropped the headers; the Finnish "VS:" subject within his party joins.
    #expect(threads[4] == threads[3])
    #expect(intakes[4].assignment.rule == .subject)
    // Two customers with the generic subject "Order status" stay apart; Lucia's reply joins hers.
    #expect(threads[6] != threads[7])
    #expect(threads[9] == threads[7])
    // Mallory copied Anna's tag [#1001] and gets a thread of her own.
    #expect(threads[8] != ThreadID(1001))
    #expect(intakes[8].assignment.notes == ["tag [#1001] ignored: the sender may not see that thread"])
    #expect(Set(threads.compactMap { $0 }).count == 7)
}
