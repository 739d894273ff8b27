import DeskConformance
import Conversation
import CustomerModel
import Foundation
import SQLiteStorage
import Storage
import SupportDesk
import Testing
import TestSupport

/// The B2B desk under random acts — stakeholders of three accounts with different sharing
/// settings writing, replying to each other's mail and copying tags, senders of no account,
/// merges, splits, identity merges within an account, stakeholder moves, reopening — on the
/// in-memory reference store and SQLite: the same outcomes, and a stakeholder's message only
/// ever in a conversation of their account that its sharing setting lets them see.
@Test func randomAccountDeskActsAgreeAcrossStoresAndRespectSharing() async throws {
    let operations = (ProcessInfo.processInfo.environment["SUPPORTKIT_PROPERTY_OPERATIONS"].flatMap(Int.init) ?? 10_000) / 3
    var random = SplitMix64(seed: 0xB2B)
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("b2b.sqlite").path
    let accounts: [(PartyID, String, AccountSharing)] = [
        ("acct-a", "a.example", .allStakeholders), ("acct-b", "b.example", .participantsOnly),
        ("acct-c", "c.example", .participantsAndRoles([.finance])),
    ]
    var parties: [StoredParty] = []
    var people: [(id: PartyID, address: String)] = []
    for (account, domain, sharing) in accounts {
        parties.append(.account(Account(id: account, profile: PartyProfile(displayName: account.rawValue), sharing: sharing)))
        for index in 0..<4 {
            let id = PartyID("\(account.rawValue)-s\(index)")
            let address = "s\(index)@\(domain)"
            parties.append(.stakeholder(Stakeholder(
                id: id, accountID: account, roles: [index == 0 ? .finance : .buyer],
                profile: PartyProfile(displayName: id.rawValue, contactPoints: [try .email(address)]))))
            people.append((id, address))
        }
    }
    let directory = AccountDeskDirectory(accountDomains: Dictionary(uniqueKeysWithValues: accounts.map { ($0.1, $0.0) }))
    let memory = Desk(store: InMemorySupportStore(), directory: directory, deskAddresses: deskAddress, deskMail: .history)
    var sqlite = Desk(store: try SQLiteSupportStore(path: path), directory: directory, deskAddresses: deskAddress, deskMail: .history)
    try await memory.save(parties)
    try await sqlite.save(parties)
    var sent: [String] = []
    var clock = Date(timeIntervalSince1970: 1_740_787_200)
    var merged = Set<PartyID>()
    for step in 0..<operations {
        clock = clock.addingTimeInterval(Double(600 + random.below(4 * 3_600)))
        let tickets = max(1, sent.count / 2 + 2)
        let context = "step \(step)"
        switch random.below(100) {
        case 0..<60:
            let sender = random.below(10) == 0 ? "stranger\(random.below(3))@free.example" : people[random.below(people.count)].address
            var headers = """
                From: \(sender)
                To: support@shop.example
                Subject: \(random.below(2) == 0 ? "Re: " : "")Order \(random.below(6))\(random.below(8) == 0 ? " [#\(1 + random.below(tickets))]" : "")
                Date: \(mailDate(clock))
                Message-ID: <b\(sent.count)@\(sender.split(separator: "@")[1])>
                """
            if !sent.isEmpty, random.below(3) == 0 { headers += "\nIn-Reply-To: <\(sent[random.below(sent.count)])>" }
            sent.append("b\(sent.count)@\(sender.split(separator: "@")[1])")
            let raw = mail(headers + "\n\nAbout the order and the invoice.")
            let (a, b) = (try await memory.ingest(raw, receivedAt: clock), try await sqlite.ingest(raw, receivedAt: clock))
            #expect(DeskProperties.outcome(a) == DeskProperties.outcome(b), "\(context)")
            if case .stored(let intake) = b, let person = intake.message.person, !merged.contains(person) {
                let allowed = try await sqlite.store.deskTransaction(firstTicketNumber: 1) { transaction in
                    guard let thread = try transaction.currentThread(intake.assignment.thread) else { return false }
                    if thread.messageIDs.first == intake.message.id { return true }  // it opened the thread
                    return try transaction.accountMayView(person, thread.access) || thread.owner == DeskTransaction.unowned
                }
                #expect(allowed, "\(context): \(person) placed in \(intake.assignment.thread), which they may not see")
            }
        case 60..<70:
            let (from, into) = (ThreadID(UInt64(1 + random.below(tickets))), ThreadID(UInt64(1 + random.below(tickets))))
            let a = await DeskProperties.act { () async throws(StorageError) in try await memory.merge(from, into: into, agent: "a", at: clock) }
            let b = await DeskProperties.act { () async throws(StorageError) in try await sqlite.merge(from, into: into, agent: "a", at: clock) }
            #expect(a == b, "\(context): merge")
        case 70..<75:
            let thread = ThreadID(UInt64(1 + random.below(tickets)))
            let a = await DeskProperties.act { () async throws(StorageError) in try await memory.undoMerge(thread, agent: "a", at: clock) }
            let b = await DeskProperties.act { () async throws(StorageError) in try await sqlite.undoMerge(thread, agent: "a", at: clock) }
            #expect(a == b, "\(context): unmerge")
        case 75..<82:
            let thread = ThreadID(UInt64(1 + random.below(tickets)))
            let messages = try await sqlite.store.thread(thread)?.messageIDs ?? []
            let chosen = messages.isEmpty ? [MessageID("none")] : [messages[random.below(messages.count)]]
            let a = await DeskProperties.act { () async throws(StorageError) in
                _ = try await memory.split(chosen, from: thread, agent: "a", at: clock)
                return []
            }
            let b = await DeskProperties.act { () async throws(StorageError) in
                _ = try await sqlite.split(chosen, from: thread, agent: "a", at: clock)
                return []
            }
            #expect(a == b, "\(context): split")
        case 82..<88:
            let person = people[random.below(people.count)].id
            let account = accounts[random.below(accounts.count)].0
            let a = await DeskProperties.act { () async throws(StorageError) in try await memory.moveStakeholder(person, to: account, agent: "a", at: clock) }
            let b = await DeskProperties.act { () async throws(StorageError) in try await sqlite.moveStakeholder(person, to: account, agent: "a", at: clock) }
            #expect(a == b, "\(context): move \(person) to \(account)")
        case 88..<92:
            let (one, other) = (people[random.below(people.count)].id, people[random.below(people.count)].id)
            let a = await DeskProperties.act { () async throws(StorageError) in
                try await memory.mergeIdentity(one, into: other, agent: "a", reason: "test", at: clock)
            }
            let b = await DeskProperties.act { () async throws(StorageError) in
                try await sqlite.mergeIdentity(one, into: other, agent: "a", reason: "test", at: clock)
            }
            #expect(a == b, "\(context): identity")
            if b == .done { merged.formUnion([one, other]) }
        case 92..<97:
            let thread = ThreadID(UInt64(1 + random.below(tickets)))
            let (ra, rb) = (try await memory.viewers(of: thread), try await sqlite.viewers(of: thread))
            #expect(ra == rb, "\(context): viewers of \(thread)")
        default:
            try await sqlite.store.close()
            sqlite = Desk(store: try SQLiteSupportStore(path: path), directory: directory, deskAddresses: deskAddress, deskMail: .history)
        }
    }
    for number in 1...UInt64(sent.count + 5) {
        let (a, b) = (try await memory.store.thread(ThreadID(number)), try await sqlite.store.thread(ThreadID(number)))
        #expect(a == b, "ticket \(number) differs")
    }
}

/// An RFC 5322 date, in UTC.
func mailDate(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
    return formatter.string(from: date)
}
