import Conversation
import CustomerModel
import Foundation
import SQLiteStorage
import Storage
import SupportDesk
import Testing

private let mailbox = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Examples/data/shop.mbox").path

/// One mail as an mbox of one message (RawMail has no public initializer: mail comes from MailboxReader).
private func raw(_ text: String) -> RawMail {
    MailboxReader.mbox(Array(("From sender Mon Mar 10 09:00:00 2025\n" + text + "\n").utf8), path: "test.mbox")[0]
}

@Suite("Stored mail desk")
struct StoredMailDeskTests {
    let desk: Set<ContactPoint>
    let configuration = ThreadingConfiguration(firstTicketNumber: 1001)

    init() throws { desk = [try .email("support@shop.example")] }

    @Test func theExampleMailboxIsStoredThreadedAndSearchable() async throws {
        let store = InMemorySupportStore()
        let stored = try await StoredMailDesk.open(store: store, deskAddresses: desk, configuration: configuration)
        let outcomes = try await stored.ingest(try MailboxReader.messages(at: mailbox))
        let intakes = outcomes.compactMap { if case .stored(let intake) = $0 { intake } else { nil } }
        #expect(intakes.count == outcomes.count)
        // Same threads as the in-memory desk gives (ShopMailDeskTests): Anna's three mails in #1001.
        #expect(intakes.prefix(3).allSatisfy { $0.assignment.thread == ThreadID(1001) })
        let anna = try #require(try await store.thread(ThreadID(1001)))
        #expect(anna.messageIDs.count == 3)
        #expect(anna.owner == "anna.svensson@example.se")
        // Anna wrote, the desk replied (pending customer), Anna answered (open again).
        #expect(anna.status == .open)
        let kinds = try await store.events(after: 0, limit: 1000).filter { $0.thread == ThreadID(1001) }.map(\.kind)
        #expect(kinds.contains(.statusChanged(from: .new, to: .pendingCustomer)))
        #expect(kinds.contains(.statusChanged(from: .pendingCustomer, to: .open)))
        // Customers were stored with their messages; languages were detected for search.
        #expect(try await store.party("anna.svensson@example.se") != nil)
        #expect(intakes[0].message.language == "sv")
        #expect(try await store.search(SearchQuery("returnera", filter: SearchFilter(party: "anna.svensson@example.se"))).count == 3)
        // The stranger who copied Anna's tag is not in Anna's thread, and not in her search results.
        #expect(try await store.search(SearchQuery("refund", filter: SearchFilter(party: "anna.svensson@example.se"))).isEmpty)
    }

    @Test func reopeningOverSQLiteSkipsDuplicatesAndThreadsNewRepliesOntoOldTickets() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("desk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("desk.sqlite").path
        do {
            let store = try SQLiteSupportStore(path: path)
            let first = try await StoredMailDesk.open(store: store, deskAddresses: desk, configuration: configuration)
            _ = try await first.ingest(try MailboxReader.messages(at: mailbox))
            try await store.close()
        }
        let store = try SQLiteSupportStore(path: path)
        let second = try await StoredMailDesk.open(store: store, deskAddresses: desk, configuration: configuration)
        #expect(await second.replayMismatches == 0)
        let again = try await second.ingest(try MailboxReader.messages(at: mailbox))
        #expect(again.allSatisfy { if case .duplicate = $0 { true } else { false } })
        // Anna answers again from a client that dropped every header: subject within her party.
        let reply = try await second.ingest(raw("""
            From: Anna Svensson <anna.svensson@example.se>
            To: support@shop.example
            Subject: SV: Returnera jackan
            Date: Mon, 10 Mar 2025 09:00:00 +0100
            Message-ID: <sv-3@mail.example.se>

            Har ni fått paketet?
            """))
        guard case .stored(let intake) = reply else { Issue.record("reply not stored: \(reply)"); return }
        #expect(intake.assignment.thread == ThreadID(1001))
        #expect(try await store.thread(ThreadID(1001))?.messageIDs.last == "sv-3@mail.example.se")
        // Not a mail at all: rejected, nothing stored.
        let garbage = try await second.ingest(raw("this is no mail: no header field at all"))
        if case .rejected = garbage {} else { Issue.record("empty input was not rejected: \(garbage)") }
    }
}
