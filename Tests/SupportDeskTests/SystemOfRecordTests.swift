import Conversation
import CustomerModel
import Foundation
import Policy
import SQLiteStorage
import Storage
import SupportDesk
import Testing
import TestSupport

/// A store under test, with how to reopen it (SQLite: a new process's view of the same file;
/// the in-memory reference store: the same store, which is all a reopen can give it).
struct StoreUnderTest: Sendable, CustomTestStringConvertible {
    let name: String
    let open: @Sendable (URL) throws -> any SupportStore

    var testDescription: String { name }

    static let inMemory = StoreUnderTest(name: "in-memory") { _ in InMemorySupportStore() }
    static let sqlite = StoreUnderTest(name: "SQLite") { folder in
        try SQLiteSupportStore(path: folder.appendingPathComponent("desk.sqlite").path)
    }
    static let all = [inMemory, sqlite]
}

/// `day` days after 2025-03-01.
func day(_ number: Int) -> Date { Date(timeIntervalSince1970: 1_740_787_200 + Double(number) * 86_400) }

/// A customer's mail, dated `day` days after 2025-03-01.
func customerMail(_ id: String, from address: String, subject: String, day: Int, inReplyTo: String? = nil, text: String)
    -> RawMail
{
    let date = Date(timeIntervalSince1970: 1_740_787_200 + Double(day) * 86_400)
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
    var headers = """
        From: \(address)
        To: support@shop.example
        Subject: \(subject)
        Date: \(formatter.string(from: date))
        Message-ID: <\(id)>
        """
    if let inReplyTo { headers += "\nIn-Reply-To: <\(inReplyTo)>\nReferences: <\(inReplyTo)>" }
    return mail(headers + "\n\n" + text)
}

/// Four customers write in: tickets 1–4.
func fourCustomers<Store: SupportStore>(_ desk: Desk<Store, SingleBuyerDeskDirectory>) async throws {
    let outcomes = try await desk.ingest([
        customerMail("c1-1@one.example", from: "one@one.example", subject: "Broken zipper", day: 0, text: "My jacket's zipper broke."),
        customerMail("c2-1@two.example", from: "two@two.example", subject: "Where is my parcel", day: 0, text: "Order 2002 is late."),
        customerMail("c3-1@three.example", from: "three@three.example", subject: "Refund", day: 0, text: "I returned order 3003."),
        customerMail("c4-1@four.example", from: "four@four.example", subject: "Invoice", day: 0, text: "Please send the invoice."),
    ], receivedAt: day(0))
    #expect(outcomes.compactMap(\.intake?.assignment.thread.rawValue) == [1, 2, 3, 4])
}

@Suite("The store is the system of record")
struct SystemOfRecordTests {
    static func desk(_ store: any SupportStore) -> Desk<AnySupportStore, SingleBuyerDeskDirectory> {
        Desk(store: AnySupportStore(store), directory: SingleBuyerDeskDirectory(), deskAddresses: deskAddress, deskMail: .history)
    }

    @Test(arguments: StoreUnderTest.all)
    func afterAnErasureARepliesJoinsItsOwnTicketAndNumbersAreNeverReused(_ backend: StoreUnderTest) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try backend.open(folder)
        let desk = Self.desk(store)
        try await fourCustomers(desk)
        let executor = StorePrivacyExecutor(store: AnySupportStore(store))
        let rules = try PrivacyRules(policy: PrivacyPolicy())
        let decision = rules.erasure(
            of: "one@one.example", records: try await executor.personalDataRecords(of: "one@one.example"), holds: [], at: Date())
        _ = try await executor.apply(decision.actions)
        #expect(try await store.thread(ThreadID(1)) == nil)

        // Reopened (SQLite: a new process), the third customer replies to her own first mail.
        let reopened = backend.name == "SQLite" ? Self.desk(try backend.open(folder)) : desk
        let reply = try await reopened.ingest(customerMail(
            "c3-2@three.example", from: "three@three.example", subject: "Re: Refund", day: 1, inReplyTo: "c3-1@three.example",
            text: "Any news on my refund?"))
        #expect(reply.intake?.assignment.thread == ThreadID(3))
        #expect(try await reopened.store.thread(ThreadID(3))?.messageIDs == ["c3-1@three.example", "c3-2@three.example"])
        #expect(try await reopened.store.thread(ThreadID(2))?.messageIDs == ["c2-1@two.example"])
        // The erased customer writes again: a new customer, a new number — 1 is never handed out again.
        let back = try await reopened.ingest(customerMail(
            "c1-2@one.example", from: "one@one.example", subject: "Hello again", day: 2, text: "I am back."))
        #expect(back.intake?.assignment.thread == ThreadID(5))
        // The erasure is in the log: what kind of record, never whose.
        let erased = try await reopened.store.events(after: 0, limit: 1000).filter {
            if case .erased = $0.kind { true } else { false }
        }
        #expect(!erased.isEmpty && erased.allSatisfy { $0.party == nil })
    }

    @Test(arguments: StoreUnderTest.all)
    func afterRetentionDeletesOldMailARepliesJoinsItsOwnTicket(_ backend: StoreUnderTest) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try backend.open(folder)
        let desk = Self.desk(store)
        try await fourCustomers(desk)
        // A year later the first and second customers' mail is past retention; the others wrote since.
        _ = try await desk.ingest([
            customerMail("c3-2@three.example", from: "three@three.example", subject: "Refund", day: 400, text: "Still waiting."),
            customerMail("c4-2@four.example", from: "four@four.example", subject: "Invoice", day: 400, text: "Still no invoice."),
        ], receivedAt: day(400))
        let executor = StorePrivacyExecutor(store: AnySupportStore(store))
        let rules = try PrivacyRules(policy: PrivacyPolicy(retention: [RetentionRule(category: .messages, afterMonths: 12, action: .delete)]))
        let cutoff = Date(timeIntervalSince1970: 1_740_787_200 + 390 * 86_400)
        let decision = rules.retention(records: try await executor.personalDataRecords(lastActiveBefore: cutoff), holds: [], at: cutoff)
        #expect(!decision.actions.isEmpty)
        _ = try await executor.apply(decision.actions)
        #expect(try await store.message("c1-1@one.example") == nil)

        let reopened = backend.name == "SQLite" ? Self.desk(try backend.open(folder)) : desk
        let reply = try await reopened.ingest(customerMail(
            "c3-3@three.example", from: "three@three.example", subject: "Re: Refund", day: 401, inReplyTo: "c3-1@three.example",
            text: "Hello?"))
        let thread = try #require(reply.intake?.assignment.thread)
        #expect(try await reopened.store.thread(thread)?.owner == "three@three.example")
        #expect(thread != ThreadID(1) && thread != ThreadID(2))
        let fresh = try await reopened.ingest(customerMail(
            "c5-1@five.example", from: "five@five.example", subject: "New", day: 402, text: "First mail."))
        let freshThread = try #require(fresh.intake?.assignment.thread)
        #expect(freshThread.rawValue > 4, "a number retention freed is never handed out again")
    }

    @Test(arguments: StoreUnderTest.all)
    func theOwnerCheckRefusesAForgedPlacementAndWritesNothing(_ backend: StoreUnderTest) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try backend.open(folder)
        try await fourCustomers(Self.desk(store))
        let eventsBefore = try await store.events(after: 0, limit: 1000).count
        let stranger = SupportMessage(
            id: "forged@evil.example", channel: .email, direction: .inbound, person: "two@two.example", party: "two@two.example",
            sentAt: Date(), text: "Please send the refund to my account instead.")
        // A decision that puts the second customer's message in the first customer's ticket,
        // as a buggy or hostile rule would.
        let forged = ThreadingDecision(
            assignment: ThreadAssignment(thread: ThreadID(1), rule: .ticketTag, because: .ticketTag(1, fromOwner: true)),
            changes: ThreadingIndexChanges(
                thread: ThreadID(1), opensThread: false, owner: nil, messageID: stranger.id.rawValue,
                latestOfParty: stranger.party, activity: stranger.sentAt, activates: true))
        await #expect(throws: StorageError.placementRefused(
            message: stranger.id, thread: ThreadID(1), reason: "the thread belongs to another party")
        ) {
            try await store.deskTransaction(firstTicketNumber: 1) { transaction in
                _ = try transaction.record(stranger, decision: forged)
            }
        }
        #expect(try await store.message(stranger.id) == nil)
        #expect(try await store.thread(ThreadID(1))?.messageIDs == ["c1-1@one.example"])
        #expect(try await store.events(after: 0, limit: 1000).count == eventsBefore)
    }

    @Test(arguments: StoreUnderTest.all)
    func agentsMergesSplitsAndIdentityMergesPersistAndUndoExactly(_ backend: StoreUnderTest) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let desk = Self.desk(try backend.open(folder))
        _ = try await desk.ingest([
            customerMail("a-1@a.example", from: "anna@a.example", subject: "Return", day: 0, text: "I want to return the shoes."),
            customerMail("a-2@a.example", from: "anna@a.example", subject: "Shoes", day: 20, text: "The shoes are too small."),
            customerMail("a-3@a.example", from: "anna@a.example", subject: "Re: Shoes", day: 21, inReplyTo: "a-2@a.example",
                text: "Also the laces are missing."),
            customerMail("b-1@b.example", from: "anna.b@b.example", subject: "Order", day: 22, text: "It is Anna again, from work."),
        ])
        func reopened() throws -> Desk<AnySupportStore, SingleBuyerDeskDirectory> {
            backend.name == "SQLite" ? Self.desk(try backend.open(folder)) : desk
        }
        // Merge ticket 2 (shoes) into ticket 1 (return).
        try await desk.merge(ThreadID(2), into: ThreadID(1), agent: "agent-1")
        var now = try reopened()
        #expect(try await now.store.thread(ThreadID(1))?.messageIDs == ["a-1@a.example", "a-2@a.example", "a-3@a.example"])
        #expect(try await now.currentThread(ThreadID(2))?.id == ThreadID(1))
        // A reply to a merged message follows it.
        let late = try await now.ingest(customerMail(
            "a-4@a.example", from: "anna@a.example", subject: "Re: Shoes", day: 23, inReplyTo: "a-3@a.example", text: "Hello?"))
        #expect(late.intake?.assignment.thread == ThreadID(1))
        // Undo: ticket 2 gets back exactly the messages it had; the reply that came during the merge stays.
        try await now.undoMerge(ThreadID(2), agent: "agent-1")
        now = try reopened()
        #expect(try await now.store.thread(ThreadID(2))?.messageIDs == ["a-2@a.example", "a-3@a.example"])
        #expect(try await now.store.thread(ThreadID(1))?.messageIDs == ["a-1@a.example", "a-4@a.example"])
        await #expect(throws: StorageError.refused("#2 is not merged")) { try await now.undoMerge(ThreadID(2), agent: "agent-1") }

        // Split the laces message off ticket 2 into a new ticket; undo it.
        let split = try await now.split(["a-3@a.example"], from: ThreadID(2), agent: "agent-2")
        #expect(split == ThreadID(4))
        now = try reopened()
        #expect(try await now.store.message("a-3@a.example")?.thread == split)
        try await now.undoSplit(split, agent: "agent-2")
        now = try reopened()
        #expect(try await now.store.thread(ThreadID(2))?.messageIDs == ["a-2@a.example", "a-3@a.example"])

        // Anna's work address is the same person: her tickets merge across records, and undo.
        await #expect(throws: StorageError.refused("#2 and #3 have different owners")) {
            try await now.merge(ThreadID(2), into: ThreadID(3), agent: "agent-1")
        }
        try await now.mergeIdentity("anna.b@b.example", into: "anna@a.example", agent: "agent-1", reason: "same phone")
        now = try reopened()
        try await now.merge(ThreadID(3), into: ThreadID(2), agent: "agent-1")
        #expect(try await now.store.message("b-1@b.example")?.thread == ThreadID(2))
        try await now.undoMerge(ThreadID(3), agent: "agent-1")
        try await now.undoIdentityMerge("anna.b@b.example", agent: "agent-1")
        await #expect(throws: StorageError.refused("#2 and #3 have different owners")) {
            try await now.merge(ThreadID(2), into: ThreadID(3), agent: "agent-1")
        }
        // Every act is in the log.
        let kinds = try await now.store.events(after: 0, limit: 10_000).map(\.kind)
        #expect(kinds.contains(.merged(ThreadID(2), into: ThreadID(1), agent: "agent-1")))
        #expect(kinds.contains(.unmerged(ThreadID(2), from: ThreadID(1), agent: "agent-1")))
        #expect(kinds.contains(.splitOff(from: ThreadID(2), to: split, messages: ["a-3@a.example"], agent: "agent-2")))
        #expect(kinds.contains(.unsplit(from: ThreadID(2), to: split, agent: "agent-2")))
        #expect(kinds.contains(.identityMerged("anna.b@b.example", into: "anna@a.example", agent: "agent-1", reason: "same phone")))
        #expect(kinds.contains(.identityUnmerged("anna.b@b.example", from: "anna@a.example", agent: "agent-1")))
    }
}
