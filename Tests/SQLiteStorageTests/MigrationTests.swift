import Conversation
import CustomerModel
import Foundation
import SQLiteStorage
import Storage
import Testing

/// A store written by schema v1 opens, migrates by the named v2 migration, loses nothing, and
/// threads new mail onto its old tickets from the index the migration built.
@Suite("Schema migration")
struct MigrationTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/v1-store/shop-desk.sqlite")

    @Test func aV1StoreMigratesWithoutLosingARowAndThreadsOntoItsTickets() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("shop-desk.sqlite").path
        try FileManager.default.copyItem(atPath: Self.fixture.path, toPath: path)

        let store = try SQLiteSupportStore(path: path)
        // Nothing lost: the 11 messages, their 7 tickets, the customers, the event log.
        let messages = try await store.messages(after: 0, limit: 100)
        #expect(messages.count == 11)
        #expect(try await store.thread(ThreadID(1001))?.messageIDs.count == 3)
        #expect(try await store.party("anna.svensson@example.se") != nil)
        #expect(try await store.events(after: 0, limit: 1000).count > 11)
        #expect(try await store.search(SearchQuery("returnera")).count == 4)

        // The index the migration built: a reply by headers, a header-less reply by subject,
        // a duplicate, and the next ticket number after the highest stored.
        let anna = PartyID("anna.svensson@example.se")
        let decisions = try await store.deskTransaction(firstTicketNumber: 1) { transaction in
            let byHeaders = SupportMessage(
                id: "sv-9@mail.example.se", channel: .email, direction: .inbound, person: anna, party: anna,
                sentAt: Date(timeIntervalSince1970: 1_741_600_000), subject: "SV: Returnera jackan", text: "Tack!",
                headers: ThreadingHeaders(messageID: "sv-9@mail.example.se", inReplyTo: ["sv-2@mail.example.se"]))
            var bySubject = byHeaders
            bySubject.id = "sv-10@mail.example.se"
            bySubject.headers = ThreadingHeaders(messageID: "sv-10@mail.example.se")
            var again = byHeaders
            again.id = "sv-1@mail.example.se"
            again.headers = ThreadingHeaders(messageID: "sv-1@mail.example.se")
            var stranger = byHeaders
            stranger.id = "new-1@elsewhere.example"
            stranger.headers = ThreadingHeaders(messageID: "new-1@elsewhere.example")
            stranger.party = "someone@elsewhere.example"
            stranger.person = stranger.party
            stranger.subject = "A new question"
            return try [byHeaders, bySubject, again, stranger].map { message in
                try ThreadingRules.decide(message, reader: transaction, configuration: ThreadingConfiguration()) { viewer, access in
                    viewer == .person(access.owner)
                }
            }
        }
        #expect(decisions[0].assignment.thread == ThreadID(1001) && decisions[0].assignment.rule == .references)
        #expect(decisions[1].assignment.thread == ThreadID(1001) && decisions[1].assignment.rule == .subject)
        #expect(decisions[2].isDuplicate)
        #expect(decisions[3].assignment.thread == ThreadID(1008) && decisions[3].assignment.rule == .newThread)
    }
}
