import Conversation
import CoreMetrics
import CustomerModel
import Foundation
import MetricsTestKit
import Policy
import SQLiteStorage
import Storage
import SupportDesk
import Testing
import TestSupport

@Suite("Live metrics")
struct LiveMetricsTests {
    @Test func messagesRepliesHeldMailAndTheFirstResponseAreCountedAfterCommit() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let metrics = TestMetrics()
        var desk = Desk(
            store: try SQLiteSupportStore(path: folder.appendingPathComponent("s.sqlite").path), directory: SingleBuyerDeskDirectory(),
            deskAddresses: [try .email("support@shop.example")])
        desk.liveMetrics = DeskLiveMetrics(factory: metrics)
        let question = try HostileSenderTests.stored(try await desk.ingest(
            hostileMail(from: "alice@a.example", subject: "Kettle", id: "a1@a.example", minute: 0, text: "Broken kettle.")))
        _ = try await desk.ingest(hostileMail(from: "alice@a.example", subject: "Re: Kettle", id: "a2@a.example", minute: 3, text: "Hello?",
            extra: ["In-Reply-To: <a1@a.example>"]))
        _ = try await desk.ingest(hostileMail(
            from: "support@shop.example", to: "alice@a.example", subject: "Re: Kettle", id: "f@m.example", minute: 4, text: "Forged."))
        #expect(metrics.counterTotal(label: "supportkit_messages_in_total", dimensions: [("channel", "email")]) == 2)
        #expect(metrics.counterTotal(label: "supportkit_messages_held_total") == 1)

        // The desk's reply 90 minutes after the first message: one reply, one first-response time.
        var reply = SupportMessage(
            id: "r1@shop.example", channel: .email, direction: .outbound, author: try .email("support@shop.example"),
            sentAt: question.message.sentAt.addingTimeInterval(5_400), receivedAt: question.message.sentAt.addingTimeInterval(5_400),
            subject: "Re: Kettle", text: "On its way.", headers: ThreadingHeaders(messageID: "r1@shop.example", inReplyTo: ["a2@a.example"]))
        reply.party = "alice@a.example"
        reply.agent = "agent-1"
        _ = try await desk.ingest(reply)
        #expect(metrics.counterTotal(label: "supportkit_replies_total", dimensions: [("channel", "email"), ("by", "agent")]) == 1)
        let timer = try metrics.expectTimer("supportkit_first_response_seconds", [("channel", "email")])
        #expect(timer.values == [5_400 * 1_000_000_000])
        // A second reply is not a first response.
        var second = reply
        second.id = "r2@shop.example"
        second.headers.messageID = "r2@shop.example"
        second.sentAt = second.sentAt.addingTimeInterval(60)
        _ = try await desk.ingest(second)
        #expect(timer.values.count == 1)
        #expect(metrics.counterTotal(label: "supportkit_replies_total") == 2)
    }

    @Test func aRolledBackActCountsNothing() async throws {
        let metrics = TestMetrics()
        var desk = Desk(
            store: InMemorySupportStore(), directory: SingleBuyerDeskDirectory(),
            configuration: ThreadingConfiguration(firstTicketNumber: DeskTransaction.largestTicketNumber + 1))
        desk.liveMetrics = DeskLiveMetrics(factory: metrics)
        await #expect(throws: StorageError.self) {
            _ = try await desk.ingest(hostileMail(from: "a@a.example", subject: "x", id: "x@a.example", minute: 0, text: "x"))
        }
        #expect(metrics.counters.isEmpty)
    }
}
