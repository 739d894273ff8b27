import Conversation
import CustomerModel
import Foundation
import SQLiteStorage
import Storage
import SupportDesk
import Testing
import TestSupport

/// One mail from its text (as SMTP or a webhook would hand it over).
func mail(_ text: String) -> RawMail { RawMail(bytes: Array((text + "\n").utf8), source: "test") }

let deskAddress: Set<ContactPoint> = { (try? ContactPoint.email("support@shop.example")).map { [$0] } ?? [] }()

@Suite("The desk (B2C)")
struct ShopDeskTests {
    let configuration = ThreadingConfiguration(firstTicketNumber: 1001)

    @Test func theExampleMailboxIsThreadedStoredAndSearchable() async throws {
        let store = InMemorySupportStore()
        let desk = Desk(store: store, directory: SingleBuyerDeskDirectory(), deskAddresses: deskAddress, deskMail: .history, configuration: configuration)
        let outcomes = try await desk.ingest(try MailboxReader.messages(at: shopMailbox))
        let intakes = outcomes.compactMap(\.intake)
        #expect(intakes.count == outcomes.count)
        let threads = intakes.map(\.assignment.thread)
        // Anna's return: her mail, the desk's reply, and her answer are one ticket (#1001).
        #expect(threads.prefix(3).allSatisfy { $0 == ThreadID(1001) })
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
        #expect(Set(threads).count == 7)

        let anna = try #require(try await store.thread(ThreadID(1001)))
        #expect(anna.messageIDs.count == 3)
        #expect(anna.owner == "anna.svensson@example.se")
        // Anna wrote, the desk replied (pending customer), Anna answered (open again).
        #expect(anna.status == .open)
        let events = try await store.events(after: 0, limit: 1000).filter { $0.thread == ThreadID(1001) }
        #expect(events.map(\.kind).contains(.statusChanged(from: .new, to: .pendingCustomer)))
        #expect(events.map(\.kind).contains(.statusChanged(from: .pendingCustomer, to: .open)))
        // Events carry the message's own time (its Date header), not the ingest call's.
        #expect(events.first?.at == intakes[0].message.sentAt)
        #expect(intakes[0].message.sentAt < intakes[0].message.receivedAt)
        // Customers were stored with their messages; languages were detected for search.
        #expect(try await store.party("anna.svensson@example.se") != nil)
        #expect(intakes[0].message.language == "sv")
        #expect(try await store.search(SearchQuery("returnera", filter: SearchFilter(party: "anna.svensson@example.se"))).count == 3)
        #expect(try await store.search(SearchQuery("refund", filter: SearchFilter(party: "anna.svensson@example.se"))).isEmpty)
    }

    @Test func reopeningOverSQLiteSkipsDuplicatesAndThreadsNewRepliesOntoOldTickets() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("desk.sqlite").path
        do {
            let store = try SQLiteSupportStore(path: path)
            let desk = Desk(store: store, directory: SingleBuyerDeskDirectory(), deskAddresses: deskAddress, deskMail: .history, configuration: configuration)
            _ = try await desk.ingest(try MailboxReader.messages(at: shopMailbox))
            try await store.close()
        }
        let store = try SQLiteSupportStore(path: path)
        // A reopened desk numbers from the store, whatever its own configuration says.
        let desk = Desk(store: store, directory: SingleBuyerDeskDirectory(), deskAddresses: deskAddress, deskMail: .history)
        let again = try await desk.ingest(try MailboxReader.messages(at: shopMailbox))
        #expect(again.allSatisfy { if case .duplicate = $0 { true } else { false } })
        // Anna answers again from a client that dropped every header: subject within her party.
        let reply = try await desk.ingest(mail("""
            From: Anna Svensson <anna.svensson@example.se>
            To: support@shop.example
            Subject: SV: Returnera jackan
            Date: Mon, 10 Mar 2025 09:00:00 +0100
            Message-ID: <sv-3@mail.example.se>

            Har ni fått paketet?
            """))
        let intake = try #require(reply.intake)
        #expect(intake.assignment.thread == ThreadID(1001))
        #expect(try await store.thread(ThreadID(1001))?.messageIDs.last == "sv-3@mail.example.se")
        // A new customer gets the next number after the highest handed out.
        let fresh = try await desk.ingest(mail("""
            From: New Person <new@example.org>
            Subject: Hello
            Date: Mon, 10 Mar 2025 10:00:00 +0100
            Message-ID: <new-1@example.org>

            A question about sizes.
            """))
        #expect(fresh.intake?.assignment.thread == ThreadID(1008))
        // Not a mail at all: rejected, nothing stored.
        let garbage = try await desk.ingest(mail("this is no mail: no header field at all"))
        if case .rejected = garbage {} else { Issue.record("empty input was not rejected: \(garbage)") }
    }

    @Test func aChatAndACallEnterTheDeskAndContinueOneConversation() async throws {
        let store = InMemorySupportStore()
        let desk = Desk(store: store, directory: SingleBuyerDeskDirectory(), configuration: configuration)
        let start = Date(timeIntervalSince1970: 1_741_600_000)
        let phone = try ContactPoint.phone("+46701234567", defaultRegion: nil)
        let chat = SupportMessage(
            id: "chat:1", channel: .chat, direction: .inbound, author: phone, sentAt: start, subject: "",
            text: "Hi, my parcel has not arrived yet, order 4711.")
        let call = SupportMessage(
            id: "call:1", channel: .phone(.callNote), direction: .inbound, author: phone, sentAt: start.addingTimeInterval(3_600),
            text: "Customer called about the same parcel.")
        let outcomes = try await desk.ingest([chat, call])
        let first = try #require(outcomes[0].intake)
        let second = try #require(outcomes[1].intake)
        #expect(first.assignment.thread == ThreadID(1001))
        #expect(first.message.party == "+46701234567")
        #expect(second.assignment.thread == ThreadID(1001))
        #expect(second.assignment.rule == ThreadingRule.channelContinuation)
        #expect(try await store.party("+46701234567") != nil)
        #expect(try await desk.ingest(chat).intake == nil, "idempotent on the message id")
    }
}

@Suite("The desk (B2B)")
struct AccountDeskTests {
    static func parties() throws -> [StoredParty] {
        var parties: [StoredParty] = [
            .account(Account(
                id: "acct-acme", profile: PartyProfile(displayName: "ACME Industri AB"),
                sharing: .participantsAndRoles([.finance, .executiveSponsor]))),
            .account(Account(id: "acct-nordic", profile: PartyProfile(displayName: "Nordic Tools Oy"))),
        ]
        let people: [(String, String, String, StakeholderRole)] = [
            ("s-karin", "acct-acme", "karin.lund@acme.example", .buyer), ("s-per", "acct-acme", "per.ek@acme.example", .finance),
            ("s-erik", "acct-acme", "erik.holm@acme.example", .executiveSponsor),
            ("s-jussi", "acct-nordic", "jussi.koski@nordictools.example", .buyer),
        ]
        for (id, account, email, role) in people {
            parties.append(.stakeholder(Stakeholder(
                id: PartyID(id), accountID: PartyID(account), roles: [role],
                profile: PartyProfile(displayName: id, contactPoints: [try .email(email)]))))
        }
        return parties
    }

    static func desk<Store: SupportStore>(_ store: Store) async throws -> Desk<Store, AccountDeskDirectory> {
        let desk = Desk(
            store: store, directory: AccountDeskDirectory(accountDomains: ["acme.example": "acct-acme", "nordictools.example": "acct-nordic"]),
            deskAddresses: [try .email("b2b@shop.example")], deskMail: .history, configuration: ThreadingConfiguration(firstTicketNumber: 2001))
        try await desk.save(try parties())
        return desk
    }

    @Test func conversationsBelongToAccountsAndFollowTheirSharing() async throws {
        let store = InMemorySupportStore()
        let desk = try await Self.desk(store)
        let intakes = try await desk.ingest(try MailboxReader.messages(at: examples.appendingPathComponent("b2b.mbox").path))
            .compactMap(\.intake)
        let threads = intakes.map(\.assignment.thread.rawValue)
        // Karin's order, the desk's reply, finance's tagged follow-up, Karin's header-less answer: one ticket.
        #expect(threads[0] == 2001 && threads[1] == 2001 && threads[2] == 2001 && threads[7] == 2001)
        #expect(intakes[2].assignment.evidence == "tag [#2001] from a stakeholder of the same account")
        #expect(intakes.allSatisfy { $0.message.party != "acct-nordic" || $0.message.person == "s-jussi" })
        // "Invoice question" from two accounts: two threads.
        #expect(threads[3] != threads[4])
        // Lisa is new at acme.example: a stakeholder of ACME, but she may not see Karin's ticket.
        guard case .stakeholder(let lisa)? = intakes[5].newParty else {
            Issue.record("no stakeholder created for Lisa")
            return
        }
        #expect(lisa.accountID == "acct-acme")
        #expect(threads[5] != 2001)
        #expect(intakes[5].assignment.notes.contains("tag [#2001] ignored: the sender may not see that thread"))
        // A sender of no known account copies the tag: unassigned, a thread of its own.
        #expect(intakes[6].message.party == nil && threads[6] != 2001)
        // Who may see the ticket: participants and the finance and executive roles, never Lisa or Nordic Tools.
        #expect(try await desk.viewers(of: ThreadID(2001)) == ["s-erik", "s-karin", "s-per"])
        #expect(try await desk.viewers(of: ThreadID(UInt64(threads[3]))) == ["s-jussi"])
    }

    @Test func aStakeholderMoveIsStoredAndEndsTheirSightOfTheOldAccount() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("b2b.sqlite").path
        do {
            let desk = try await Self.desk(try SQLiteSupportStore(path: path))
            _ = try await desk.ingest(try MailboxReader.messages(at: examples.appendingPathComponent("b2b.mbox").path))
            try await desk.moveStakeholder("s-per", to: "acct-nordic", agent: "agent-1")
            await #expect(throws: StorageError.refused("s-per is in acct-nordic already")) {
                try await desk.moveStakeholder("s-per", to: "acct-nordic", agent: "agent-1")
            }
        }
        let store = try SQLiteSupportStore(path: path)
        let desk = Desk(store: store, directory: AccountDeskDirectory())
        guard case .stakeholder(let per)? = try await store.party("s-per") else {
            Issue.record("s-per is not stored")
            return
        }
        #expect(per.accountID == "acct-nordic")
        #expect(try await desk.viewers(of: ThreadID(2001)) == ["s-erik", "s-karin"])
        let moves = try await store.events(after: 0, limit: 10_000).filter {
            if case .stakeholderMoved = $0.kind { true } else { false }
        }
        #expect(moves.map(\.kind) == [.stakeholderMoved("s-per", from: "acct-acme", to: "acct-nordic", agent: "agent-1")])
    }
}
