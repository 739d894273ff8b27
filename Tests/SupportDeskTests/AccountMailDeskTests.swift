import Conversation
import CustomerModel
import Foundation
import SupportDesk
import Testing

/// The bundled B2B example (Examples/data/b2b.mbox) through the account desk.
@Suite("Account mail desk")
struct AccountMailDeskTests {
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/data")

    static func directory() throws -> AccountDirectory {
        var book = AccountDirectory()
        try book.add(Account(
            id: "acct-acme", profile: PartyProfile(displayName: "ACME Industri AB"),
            sharing: .participantsAndRoles([.finance, .executiveSponsor])))
        try book.add(Account(id: "acct-nordic", profile: PartyProfile(displayName: "Nordic Tools Oy")))
        let people: [(String, String, String, StakeholderRole)] = [
            ("s-karin", "acct-acme", "karin.lund@acme.example", .buyer), ("s-per", "acct-acme", "per.ek@acme.example", .finance),
            ("s-erik", "acct-acme", "erik.holm@acme.example", .executiveSponsor),
            ("s-jussi", "acct-nordic", "jussi.koski@nordictools.example", .buyer),
        ]
        for (id, account, email, role) in people {
            try book.add(Stakeholder(
                id: PartyID(id), accountID: PartyID(account), roles: [role],
                profile: PartyProfile(displayName: id, contactPoints: [try .email(email)])), at: Date(timeIntervalSince1970: 0))
        }
        return book
    }

    @Test func conversationsBelongToAccountsAndFollowTheirSharing() throws {
        var desk = AccountMailDesk(
            directory: try Self.directory(), deskAddresses: [try .email("b2b@shop.example")],
            accountDomains: ["acme.example": "acct-acme", "nordictools.example": "acct-nordic"],
            configuration: ThreadingConfiguration(firstTicketNumber: 2001))
        let intakes = try MailboxReader.messages(at: Self.data.appendingPathComponent("b2b.mbox").path).map { try desk.take($0) }
        let threads = intakes.map(\.assignment.thread.rawValue)
        // Karin's order, the desk's reply, finance's tagged follow-up, Karin's header-less answer: one ticket.
        #expect(threads[0] == 2001 && threads[1] == 2001 && threads[2] == 2001 && threads[7] == 2001)
        #expect(intakes[2].assignment.evidence == "tag [#2001] from a stakeholder of the same account")
        #expect(intakes.allSatisfy { $0.message.party != "acct-nordic" || $0.message.person == "s-jussi" })
        // "Invoice question" from two accounts: two threads.
        #expect(threads[3] != threads[4])
        // Lisa is new at acme.example: a stakeholder of ACME, but she may not see Karin's ticket.
        #expect(intakes[5].newStakeholder?.accountID == "acct-acme")
        #expect(threads[5] != 2001)
        #expect(intakes[5].assignment.notes.contains("tag [#2001] ignored: the sender may not see that thread"))
        // A sender of no known account copies the tag: unassigned, a thread of its own.
        #expect(intakes[6].unassigned && threads[6] != 2001)
        // Who may see the ticket: participants and the finance and executive roles, never Lisa or Nordic Tools.
        #expect(desk.viewers(of: ThreadID(2001)) == ["s-erik", "s-karin", "s-per"])
        #expect(desk.viewers(of: ThreadID(UInt64(threads[3]))) == ["s-jussi"])
    }
}
