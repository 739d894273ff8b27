import Conversation
import CustomerModel
import Foundation
import PostgresStorage
import PostgresTestSupport
import Storage
import SupportDesk
import Testing

func mail(_ text: String) -> RawMail { RawMail(bytes: Array((text + "\n").utf8), source: "test") }

let deskAddress: Set<ContactPoint> = { (try? ContactPoint.email("support@shop.example")).map { [$0] } ?? [] }()

/// A conversation's mails: the customer's first mail, then replies alternating desk and customer,
/// each In-Reply-To the one before.
func conversation(_ number: Int, mails: Int, start: Date) -> [(mail: RawMail, at: Date)] {
    let customer = "buyer\(number)@customer\(number % 7).example"
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
    return (0..<mails).map { step in
        let at = start.addingTimeInterval(Double(step * 3_600 + number * 60))
        let fromDesk = step % 2 == 1
        var text = """
            From: \(fromDesk ? "support@shop.example" : customer)
            To: \(fromDesk ? customer : "support@shop.example")
            Subject: \(step == 0 ? "" : "Re: ")Order \(1_000 + number) has not arrived
            Date: \(formatter.string(from: at))
            Message-ID: <c\(number)-m\(step)@\(fromDesk ? "shop.example" : "customer.example")>
            """
        if step > 0 { text += "\nIn-Reply-To: <c\(number)-m\(step - 1)@\(step % 2 == 0 ? "shop.example" : "customer.example")>" }
        text += "\n\n\(fromDesk ? "We are looking into order" : "Where is my parcel for order") \(1_000 + number), step \(step)?"
        return (mail(text), at)
    }
}

/// Several desks, each with its own connection pool (as separate processes would have), on one database.
@Suite("Several desks on one PostgreSQL database", .serialized)
struct PostgresConcurrencyTests {
    @Test func fourDesksIngestingOverlappingMailNeverLoseDuplicateOrSplit() async throws {
        let url = try TestServer.freshDatabase()
        let conversations = 40
        let perConversation = 5
        let start = Date(timeIntervalSince1970: 1_764_547_200)
        var stores: [PostgresSupportStore] = []
        for _ in 0..<4 { stores.append(try await PostgresSupportStore(url: url, options: .init(maximumConnections: 2))) }
        let desks = stores.map { Desk(store: $0, directory: SingleBuyerDeskDirectory(), deskAddresses: deskAddress, deskMail: .history) }
        // Mail in arrival order; desk k sees conversations 10k ..< 10k + 25 (wrapping), so most mail
        // reaches two or three desks at about the same moment.
        let timeline = (0..<conversations).flatMap { number in conversation(number, mails: perConversation, start: start).enumerated().map { (number, $0.offset, $0.element) } }
            .sorted { ($0.2.at, $0.0) < ($1.2.at, $1.0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, desk) in desks.enumerated() {
                let mine = timeline.filter { (($0.0 - index * 10 + conversations) % conversations) < 25 }
                group.addTask {
                    for (_, _, item) in mine { _ = try await desk.ingest(item.mail, receivedAt: item.at) }
                }
            }
            try await group.waitForAll()
        }
        let store = stores[0]
        // Every message once.
        var stored: [(message: SupportMessage, thread: ThreadID)] = []
        var cursor: Int64 = 0
        while true {
            let page = try await store.messages(after: cursor, limit: 500)
            guard let last = page.last else { break }
            stored += page.map { ($0.message, $0.thread) }
            cursor = last.cursor
        }
        #expect(stored.count == conversations * perConversation, "every mail stored exactly once")
        #expect(Set(stored.map(\.message.id)).count == stored.count)
        // One ticket per conversation, owned by its customer, numbered 1…40 without gaps or reuse.
        var ticketOf: [Int: Set<ThreadID>] = [:]
        for (message, thread) in stored {
            let number = Int(message.id.rawValue.dropFirst().prefix { $0 != "-" }) ?? -1
            ticketOf[number, default: []].insert(thread)
        }
        for number in 0..<conversations { #expect(ticketOf[number]?.count == 1, "conversation \(number) is in \(ticketOf[number] ?? [])") }
        let tickets = Set(ticketOf.values.flatMap { $0 })
        #expect(tickets == Set((1...UInt64(conversations)).map(ThreadID.init)))
        for ticket in tickets {
            let thread = try #require(try await store.thread(ticket))
            #expect(thread.owner.rawValue.hasPrefix("buyer"), "ticket \(ticket) owned by \(thread.owner)")
        }
        // Ticket numbers rise in commit order: the log's first event of each ticket comes in number order.
        var firstSeen: [ThreadID] = []
        var sequence: Int64 = 0
        while true {
            let events = try await store.events(after: sequence, limit: 500)
            guard let last = events.last else { break }
            for event in events { if let thread = event.thread, !firstSeen.contains(thread) { firstSeen.append(thread) } }
            sequence = last.sequence
        }
        #expect(firstSeen == firstSeen.sorted { $0.rawValue < $1.rawValue })
        for store in stores { await store.close() }
    }
}
