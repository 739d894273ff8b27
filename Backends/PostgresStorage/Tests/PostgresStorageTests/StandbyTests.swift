import Conversation
import CustomerModel
import Foundation
import PostgresStorage
import PostgresTestSupport
import Storage
import SupportDesk
import Synchronization
import Testing

/// docs/scaling.md, "A synchronous standby": a primary and a streaming standby on loopback
/// sockets, the primary waiting for the standby at every commit; the desk writes to the
/// primary, search reads from the standby; the primary dies (`pg_ctl stop -m immediate`), the
/// standby is promoted, the desk reconnects to it, and every acknowledged message is there.
@Suite("A synchronous standby takes over", .serialized)
struct PostgresStandbyTests {
    @Test func everyAcknowledgedMessageSurvivesTheLossOfThePrimary() async throws {
        let primary = try PostgresCluster.start()
        defer { primary.destroy() }
        let primaryURL = try primary.createDatabase("desk")
        // Migrate before the standby exists (a commit would otherwise wait for it).
        let opened = try await PostgresSupportStore(url: primaryURL)
        await opened.close()
        let standby = try PostgresCluster.standby(of: primary, name: "standby1")
        defer { standby.destroy() }
        // From here a commit returns only once the standby has applied it (remote_apply):
        // an acknowledged message is readable there at once.
        try primary.psql("ALTER SYSTEM SET synchronous_standby_names = 'standby1'")
        try primary.psql("ALTER SYSTEM SET synchronous_commit = 'remote_apply'")
        try primary.psql("SELECT pg_reload_conf()")
        var synchronous = ""
        for _ in 0..<100 {
            synchronous = try primary.psql("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if synchronous == "sync" { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(synchronous == "sync")

        // A dead primary fails an operation within 5–10 s instead of the defaults (30 s, 600 s).
        let store = try await PostgresSupportStore(url: primaryURL, options: .init(connectionTimeout: 5, statementTimeout: 10))
        let desk = Desk(store: store, directory: SingleBuyerDeskDirectory(), deskAddresses: deskAddress, deskMail: .history)
        let start = Date(timeIntervalSince1970: 1_764_547_200)
        let mails = (0..<200).flatMap { conversation($0, mails: 3, start: start) }
        // Reports and search read from the standby while the desk writes to the primary.
        let reader = try await PostgresSupportStore(url: standby.url(database: "desk"))
        for item in mails.prefix(20) { _ = try await desk.ingest(item.mail, receivedAt: item.at) }
        #expect(try await reader.search(SearchQuery("parcel")).count > 0, "the standby answers search")
        await #expect(throws: StorageError.self) { try await reader.append([NewSupportEvent(at: start, kind: .surveyAnswered(survey: "standby", score: 5))]) }

        // Ingest on and on; kill the primary mid-stream.
        let acknowledged = Mutex<[MessageID]>([])
        let writer = Task {
            for item in mails.dropFirst(20) {
                do {
                    let intake = try await desk.ingest(item.mail, receivedAt: item.at)
                    if case .stored(let stored) = intake { acknowledged.withLock { $0.append(stored.message.id) } }
                } catch { return }
            }
        }
        while acknowledged.withLock({ $0.count }) < 60 { try await Task.sleep(nanoseconds: 20_000_000) }
        primary.stop(mode: "immediate")
        await writer.value
        let acknowledgedIDs = acknowledged.withLock { $0 }
        #expect(acknowledgedIDs.count >= 60)
        await store.close()
        await reader.close()

        try standby.promote()
        let promoted = try await PostgresSupportStore(url: standby.url(database: "desk"))
        for id in acknowledgedIDs { #expect(try await promoted.message(id) != nil, "acknowledged \(id) lost in the failover") }
        // The desk goes on on the new primary: the next reply joins its conversation's ticket.
        let resumed = Desk(store: promoted, directory: SingleBuyerDeskDirectory(), deskAddresses: deskAddress, deskMail: .history)
        let last = try #require(acknowledgedIDs.last)
        let before = try #require(try await promoted.message(last))
        let reply = mail(
            """
            From: \(before.message.party?.rawValue ?? "nobody@customer.example")
            To: support@shop.example
            Subject: Re: after the failover
            Date: Tue, 02 Dec 2025 10:00:00 +0000
            Message-ID: <after-failover@shop.example>
            In-Reply-To: <\(last.rawValue)>

            Are you still there?
            """)
        let intake = try await resumed.ingest(reply, receivedAt: start.addingTimeInterval(86_400 * 30))
        guard case .stored(let stored) = intake else {
            Issue.record("the reply after the failover was not stored: \(intake)")
            return
        }
        #expect(stored.assignment.thread == before.thread)
        await promoted.close()
    }
}
