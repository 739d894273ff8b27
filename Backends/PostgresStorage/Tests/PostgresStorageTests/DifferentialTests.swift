import Conversation
import CustomerModel
import Foundation
import PostgresStorage
import PostgresTestSupport
import SQLiteStorage
import Storage
import SupportDesk
import Testing

/// The same intake into SQLite and into PostgreSQL gives the same store: the example mailbox,
/// its JSONL channel events and 300 generated mails in 60 conversations, in one order, then
/// every message is in the same ticket on both, and a set of queries returns the same top 20.
@Suite("SQLite and PostgreSQL agree", .serialized)
struct PostgresDifferentialTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples/data")

    static let queries = [
        "parcel", "order", "arrived", "order 1012", "\"has not arrived\"", "parc*", "returnera", "jackan", "återbetalningen",
        "where -arrived", "looking OR parcel", "step", "Buongiorno", "palautus", "1003", "ord*",
    ]

    @Test func theSameIntakeGivesTheSameTicketsAndTheSameTopTwenty() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("differential-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sqlite = try SQLiteSupportStore(path: folder.appendingPathComponent("desk.sqlite").path)
        let postgres = try await PostgresSupportStore(url: try TestServer.freshDatabase())
        let sqliteDesk = Desk(store: sqlite, directory: SingleBuyerDeskDirectory(), deskAddresses: deskAddress, deskMail: .history)
        let postgresDesk = Desk(store: postgres, directory: SingleBuyerDeskDirectory(), deskAddresses: deskAddress, deskMail: .history)

        let mailbox = try MailboxReader.messages(at: Self.examples.appendingPathComponent("shop.mbox").path)
        let events = ChannelEventReader.read(try Data(contentsOf: Self.examples.appendingPathComponent("events.jsonl")), defaultRegion: "SE")
            .compactMap { try? $0.get() }
        #expect(events.count >= 3)
        let start = Date(timeIntervalSince1970: 1_764_547_200)
        let generated = (0..<60).flatMap { conversation($0, mails: 5, start: start) }.sorted { $0.at < $1.at }
        for desk in [AnyDesk(sqliteDesk), AnyDesk(postgresDesk)] {
            try await desk.ingest(mailbox)
            try await desk.ingest(events)
            // In batches, as an import would: one transaction each.
            for batch in stride(from: 0, to: generated.count, by: 50) {
                try await desk.ingest(generated[batch..<min(batch + 50, generated.count)].map(\.mail))
            }
        }

        // Every message in the same ticket.
        let (left, right) = (try await Self.placements(sqlite), try await Self.placements(postgres))
        #expect(left.count == mailbox.count + events.count + generated.count)
        #expect(left == right, "\(left.filter { right[$0.key] != $0.value }.count) messages in different tickets")
        // The same top 20 for every query, in the same order.
        for text in Self.queries {
            var query = SearchQuery(text)
            query.limit = 20
            let (a, b) = (try await sqlite.search(query).map(\.message), try await postgres.search(query).map(\.message))
            #expect(a == b, "\(text): SQLite \(a) vs PostgreSQL \(b)")
            #expect(!a.isEmpty || text == "where -arrived", "\(text) found nothing")
        }
        await postgres.close()
        try await sqlite.close()
    }

    static func placements(_ store: some SupportStore) async throws -> [MessageID: ThreadID] {
        var found: [MessageID: ThreadID] = [:]
        var cursor: Int64 = 0
        while true {
            let page = try await store.messages(after: cursor, limit: 500)
            guard let last = page.last else { return found }
            for row in page { found[row.message.id] = row.thread }
            cursor = last.cursor
        }
    }
}

/// The two desks' ingest calls, over either store.
struct AnyDesk {
    let mail: ([RawMail]) async throws -> Void
    let channel: ([ChannelEvent]) async throws -> Void

    init<Store: SupportStore>(_ desk: Desk<Store, SingleBuyerDeskDirectory>) {
        // One arrival time for both stores (the ingest time is recorded beside the message's own).
        let arrival = Date(timeIntervalSince1970: 1_767_225_600)
        mail = { _ = try await desk.ingest($0, receivedAt: arrival) }
        channel = { _ = try await desk.ingest($0) }
    }

    func ingest(_ mails: [RawMail]) async throws { try await mail(mails) }
    func ingest(_ events: [ChannelEvent]) async throws { try await channel(events) }
}
