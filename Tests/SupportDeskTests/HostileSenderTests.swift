import Conversation
import CustomerModel
import Foundation
import SQLiteStorage
import Storage
import SupportDesk
import Testing
import TestSupport

@Suite("Hostile senders")
struct HostileSenderTests {
    func desk(_ folder: URL, trust: DeskMailTrust = .live) throws -> Desk<SQLiteSupportStore, SingleBuyerDeskDirectory> {
        Desk(
            store: try SQLiteSupportStore(path: folder.appendingPathComponent("s.sqlite").path),
            directory: SingleBuyerDeskDirectory(), deskAddresses: [try .email("support@shop.example")], deskMail: trust)
    }

    static func stored(_ outcome: StoredIntake) throws -> DeskIntake {
        guard case .stored(let intake) = outcome else { throw Failure("not stored: \(outcome)") }
        return intake
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test func aStrangerReusingAliceMessageIDGetsATicketOfTheirOwn() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let desk = try desk(folder)
        let alice = try Self.stored(try await desk.ingest(
            hostileMail(from: "alice@a.example", subject: "Broken kettle", id: "alice-1@a.example", minute: 0, text: "My kettle broke.")))
        let stranger = try Self.stored(try await desk.ingest(
            hostileMail(from: "mallory@m.example", subject: "Hello", id: "alice-1@a.example", minute: 5, text: "Squatting.")))
        #expect(stranger.assignment.thread != alice.assignment.thread)
        #expect(stranger.message.party == "mallory@m.example")
        #expect(stranger.message.id.rawValue.hasPrefix("alice-1@a.example#"))
        #expect(stranger.message.headers.messageID == "alice-1@a.example", "the original header value is kept")
        #expect(try await desk.store.message("alice-1@a.example")?.message.text == "My kettle broke.", "Alice's message is untouched")
        let events = try await desk.store.events(after: 0, limit: 100).map(\.kind)
        #expect(events.contains(.messageIDReused(claimed: "alice-1@a.example", storedAs: stranger.message.id)))
        // The same colliding mail delivered again is one message.
        let again = try await desk.ingest(
            hostileMail(from: "mallory@m.example", subject: "Hello", id: "alice-1@a.example", minute: 6, text: "Squatting."))
        guard case .duplicate(let id, let thread) = again else { throw Failure("\(again)") }
        #expect(id == stranger.message.id && thread == stranger.assignment.thread)
        // Alice's own re-delivery is a duplicate.
        let redelivered = try await desk.ingest(
            hostileMail(from: "alice@a.example", subject: "Broken kettle", id: "alice-1@a.example", minute: 9, text: "My kettle broke."))
        guard case .duplicate(_, let aliceThread) = redelivered else { throw Failure("\(redelivered)") }
        #expect(aliceThread == alice.assignment.thread)
    }

    @Test func aSquattedIDCannotMakeAliceNextMessageVanish() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let desk = try desk(folder)
        let first = try Self.stored(try await desk.ingest(
            hostileMail(from: "alice@a.example", subject: "Broken kettle", id: "alice-1@a.example", minute: 0, text: "My kettle broke.")))
        // The stranger sends first with the id Alice's next message will carry.
        let squatter = try Self.stored(try await desk.ingest(
            hostileMail(from: "mallory@m.example", subject: "Re: Broken kettle", id: "alice-2@a.example", minute: 1, text: "Pay me.",
                extra: ["In-Reply-To: <alice-1@a.example>"])))
        #expect(squatter.assignment.thread != first.assignment.thread, "a forged reference joined Alice's ticket")
        let reply = try Self.stored(try await desk.ingest(
            hostileMail(from: "alice@a.example", subject: "Re: Broken kettle", id: "alice-2@a.example", minute: 30, text: "Any news?",
                extra: ["In-Reply-To: <alice-1@a.example>"])))
        #expect(reply.assignment.thread == first.assignment.thread, "Alice's reply is in her ticket")
        #expect(reply.message.text == "Any news?")
        let ticket = try #require(try await desk.store.thread(first.assignment.thread))
        #expect(ticket.messageIDs == [first.message.id, reply.message.id])
        #expect(try await desk.store.message("alice-2@a.example")?.message.party == "mallory@m.example")
    }

    @Test func copiedTicketTagsAndForgedReferencesStayWithTheirSender() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let desk = try desk(folder)
        let alice = try Self.stored(try await desk.ingest(
            hostileMail(from: "alice@a.example", subject: "Broken kettle", id: "a1@a.example", minute: 0, text: "Kettle.")))
        let tag = try Self.stored(try await desk.ingest(
            hostileMail(from: "mallory@m.example", subject: "Re: Broken kettle [#\(alice.assignment.thread.rawValue)]", id: "m1@m.example",
                minute: 2, text: "Tagged.")))
        #expect(tag.assignment.thread != alice.assignment.thread)
        #expect(tag.assignment.notes.contains { $0.contains("may not see") })
        let reference = try Self.stored(try await desk.ingest(
            hostileMail(from: "mallory@m.example", subject: "Re: x", id: "m2@m.example", minute: 3, text: "Referenced.",
                extra: ["References: <a1@a.example>"])))
        #expect(reference.assignment.thread != alice.assignment.thread)
    }

    @Test func liveIntakeHoldsASpoofedDeskReplyAndHistoryTrustsIt() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let live = try desk(folder)
        let alice = try Self.stored(try await live.ingest(
            hostileMail(from: "alice@a.example", subject: "Broken kettle", id: "a1@a.example", minute: 0, text: "Kettle.")))
        let spoof = hostileMail(
            from: "Shop <support@shop.example>", to: "alice@a.example", subject: "Re: Broken kettle", id: "forged@m.example", minute: 5,
            text: "Pay to this account.", extra: ["In-Reply-To: <a1@a.example>", "Reply-To: mallory@m.example"])
        let outcome = try await live.ingest(spoof)
        guard case .held(let held) = outcome else { throw Failure("not held: \(outcome)") }
        #expect(held.replyTo == ["mallory@m.example"] && held.party == "alice@a.example")
        #expect(try await live.store.message("forged@m.example") == nil, "a held mail is never placed")
        #expect(try await live.store.thread(alice.assignment.thread)?.messageIDs == [alice.message.id])
        #expect(try await live.heldMail().map(\.messageID) == ["forged@m.example"])
        #expect(try await live.store.events(after: 0, limit: 100).contains { $0.kind == .heldAsSuspicious("forged@m.example", reason: held.reason) })
        // Holding is idempotent.
        _ = try await live.ingest(spoof)
        #expect(try await live.heldMail().count == 1)
        try await live.store.close()

        let history = try desk(folder.appendingPathComponent("h", isDirectory: true).creatingFolder(), trust: .history)
        _ = try await history.ingest(hostileMail(from: "alice@a.example", subject: "Broken kettle", id: "a1@a.example", minute: 0, text: "Kettle."))
        let trusted = try Self.stored(try await history.ingest(spoof))
        #expect(trusted.message.direction == .outbound && trusted.message.party == "alice@a.example")
    }

    @Test func aCopyOfAReplyTheDeskWroteIsADuplicateInLiveIntake() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let desk = try desk(folder)
        _ = try await desk.ingest(hostileMail(from: "alice@a.example", subject: "Kettle", id: "a1@a.example", minute: 0, text: "Kettle."))
        // The desk's own reply, as `Desk.reply` stores it (an outbound message with the desk's id).
        var own = SupportMessage(
            id: "desk-1@shop.example", channel: .email, direction: .outbound, author: try .email("support@shop.example"),
            sentAt: Date(timeIntervalSince1970: 1_793_000_600), receivedAt: Date(timeIntervalSince1970: 1_793_000_600),
            subject: "Re: Kettle", text: "We are on it.", headers: ThreadingHeaders(messageID: "desk-1@shop.example", inReplyTo: ["a1@a.example"]))
        own.party = "alice@a.example"
        _ = try Self.stored(try await desk.ingest(own))
        let copy = try await desk.ingest(hostileMail(
            from: "support@shop.example", to: "alice@a.example", subject: "Re: Kettle", id: "desk-1@shop.example", minute: 10,
            text: "We are on it.\r\n\r\n-- \r\nShop", extra: ["In-Reply-To: <a1@a.example>"]))
        guard case .duplicate = copy else { throw Failure("\(copy)") }
        #expect(try await desk.heldMail().isEmpty)
    }

    @Test func aPersonIsResolvedFromAnyContactPointInAnyLetterCase() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let desk = try desk(folder)
        _ = try await desk.ingest(hostileMail(from: "victim@v.example", subject: "Help", id: "v1@v.example", minute: 0, text: "Help."))
        _ = try await desk.ingest(hostileMail(from: "other@v.example", subject: "Help", id: "o1@v.example", minute: 1, text: "Other."))
        let person = try #require(try await desk.resolvePerson("Victim@V.EXAMPLE"))
        #expect(person.primary == "victim@v.example" && person.records == ["victim@v.example"])
        #expect(try await desk.resolvePerson("nobody@v.example") == nil)
        #expect(try await desk.resolvePerson("") == nil)
        try await desk.mergeIdentity("other@v.example", into: "victim@v.example", agent: "agent-1", reason: "same person")
        let merged = try #require(try await desk.resolvePerson("OTHER@v.example"))
        #expect(merged.primary == "victim@v.example" && Set(merged.records) == ["victim@v.example", "other@v.example"])
    }

    @Test(arguments: [DeskTransaction.largestTicketNumber + 1, UInt64.max])
    func ticketNumbersOutOfRangeAreRefusedWithNothingWritten(first: UInt64) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let desk = Desk(
            store: try SQLiteSupportStore(path: folder.appendingPathComponent("s.sqlite").path), directory: SingleBuyerDeskDirectory(),
            configuration: ThreadingConfiguration(firstTicketNumber: first))
        await #expect(throws: StorageError.self) {
            _ = try await desk.ingest(hostileMail(from: "a@a.example", subject: "x", id: "x@a.example", minute: 0, text: "x"))
        }
        #expect(try await desk.store.message("x@a.example") == nil)
    }

    @Test func theLastTicketNumberIsHandedOutOnceAndThenRefused() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let desk = Desk(
            store: try SQLiteSupportStore(path: folder.appendingPathComponent("s.sqlite").path), directory: SingleBuyerDeskDirectory(),
            configuration: ThreadingConfiguration(firstTicketNumber: DeskTransaction.largestTicketNumber))
        let last = try Self.stored(try await desk.ingest(hostileMail(from: "a@a.example", subject: "x", id: "x@a.example", minute: 0, text: "x")))
        #expect(last.assignment.thread.rawValue == DeskTransaction.largestTicketNumber)
        await #expect(throws: StorageError.self) {
            _ = try await desk.ingest(hostileMail(from: "b@b.example", subject: "y", id: "y@b.example", minute: 1, text: "y"))
        }
    }
}

@Suite("The batch engine and hostile ids")
struct HostileEngineTests {
    @Test func aKnownIDFromAnotherSenderIsAnotherMessageInTheEngineToo() throws {
        var directory = SingleBuyerDirectory()
        for address in ["alice@a.example", "mallory@m.example"] {
            try directory.add(
                Customer(id: PartyID(address), profile: PartyProfile(displayName: address, contactPoints: [try .email(address)])),
                at: Date(timeIntervalSince1970: 0))
        }
        func message(_ from: String, _ id: String, _ minute: Double, _ text: String, replyTo: String? = nil) throws -> SupportMessage {
            var message = SupportMessage(
                id: MessageID(id), channel: .email, direction: .inbound, author: try .email(from),
                sentAt: Date(timeIntervalSince1970: 1_793_000_000 + minute * 60), receivedAt: Date(timeIntervalSince1970: 1_793_000_000),
                subject: "Kettle", text: text,
                headers: ThreadingHeaders(messageID: id, inReplyTo: replyTo.map { [$0] } ?? []))
            message.party = PartyID(from)
            return message
        }
        var engine = HelpdeskThreading()
        let alice = engine.assign(try message("alice@a.example", "a1", 0, "Kettle broke."), directory: directory)
        let squat = engine.assign(try message("mallory@m.example", "a2", 1, "Pay me.", replyTo: "a1"), directory: directory)
        let real = engine.assign(try message("alice@a.example", "a2", 2, "Any news?", replyTo: "a1"), directory: directory)
        let copy = engine.assign(try message("mallory@m.example", "a1", 3, "Squat."), directory: directory)
        let redelivery = engine.assign(try message("alice@a.example", "a1", 4, "Kettle broke."), directory: directory)
        #expect(squat.thread != alice.thread)
        #expect(real.thread == alice.thread && real.rule == .references)
        #expect(copy.thread != alice.thread && copy.rule != .knownMessageID)
        #expect(redelivery.thread == alice.thread && redelivery.rule == .knownMessageID)
    }
}

@Suite("Search answers say how they read the query")
struct SearchQueryReadingTests {
    @Test func exclusionsAloneListTheNewestMessagesWithoutTheWord() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let desk = Desk(store: try SQLiteSupportStore(path: folder.appendingPathComponent("s.sqlite").path), directory: SingleBuyerDeskDirectory())
        for index in 0..<6 {
            _ = try await desk.ingest(hostileMail(
                from: "c\(index)@c.example", subject: "Question \(index)", id: "q\(index)@c.example", minute: index,
                text: index % 2 == 0 ? "hello there" : "good morning"))
        }
        let hits = try await desk.store.search(SearchQuery("-hello"))
        #expect(hits.map(\.message.rawValue) == ["q5@c.example", "q3@c.example", "q1@c.example"])
        #expect(try await desk.store.search(SearchQuery("-hello", limit: 2)).count == 2)
        #expect(try await desk.store.search(SearchQuery("-hello", filter: SearchFilter(party: "c3@c.example"))).map(\.message.rawValue) == ["q3@c.example"])
    }

    @Test func aPrefixPastItsCapSaysSoAndAnExcludedPrefixExcludesEveryMatch() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteSupportStore(path: folder.appendingPathComponent("s.sqlite").path)
        let desk = Desk(store: store, directory: SingleBuyerDeskDirectory())
        // 100 distinct words starting with "zq" (beyond the cap of 64), each in its own message, and "hat" in all.
        let letters = Array("abcdefghij")
        var mails: [RawMail] = []
        for index in 0..<100 {
            let word = "zq" + String(letters[index / 10]) + String(letters[index % 10]) + "x"
            mails.append(hostileMail(
                from: "c\(index % 7)@c.example", subject: "Note \(index)", id: "n\(index)@c.example", minute: index, text: "hat \(word)"))
        }
        mails.append(hostileMail(from: "d@c.example", subject: "Plain", id: "plain@c.example", minute: 200, text: "hat only"))
        _ = try await desk.ingest(mails)
        let capped = try await store.searchReport(SearchQuery("zq*", limit: 1000))
        #expect(capped.hits.count == InvertedIndex.maxPrefixExpansion)
        #expect(capped.notes.count == 1 && capped.notes[0].contains("zq* matches 100 terms"), "\(capped.notes)")
        let excluded = try await store.searchReport(SearchQuery("hat -zq*", limit: 1000))
        #expect(excluded.hits.map(\.message.rawValue) == ["plain@c.example"], "an excluded prefix excludes every term it matches")
        #expect(excluded.notes.isEmpty)
        #expect(try await store.searchReport(SearchQuery("zqaa*")).notes.isEmpty)
    }
}

@Suite("Maildir robustness")
struct MaildirRobustnessTests {
    @Test func entriesThatAreNotMessagesAreSkippedAndNamed() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let maildir = folder.appendingPathComponent("Maildir")
        let cur = maildir.appendingPathComponent("cur")
        try FileManager.default.createDirectory(at: cur, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: maildir.appendingPathComponent("new"), withIntermediateDirectories: true)
        let mail = "From: a@a.example\r\nSubject: x\r\nMessage-ID: <m@a.example>\r\n\r\nHello\r\n"
        try mail.write(to: cur.appendingPathComponent("1"), atomically: true, encoding: .utf8)
        #expect(mkfifo(cur.appendingPathComponent("2-fifo").path, 0o600) == 0)
        try FileManager.default.createDirectory(at: cur.appendingPathComponent("3-dir"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: cur.appendingPathComponent("4-loop").path, withDestinationPath: "4-loop")
        let outside = folder.appendingPathComponent("secret.txt")
        try "From: x@x.example\r\n\r\nsecret\r\n".write(to: outside, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: cur.appendingPathComponent("5-out").path, withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(atPath: cur.appendingPathComponent("6-in").path, withDestinationPath: cur.appendingPathComponent("1").path)

        let contents = try MailboxReader.contents(at: maildir.path)
        #expect(contents.messages.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["1", "6-in"])
        #expect(contents.skipped.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["2-fifo", "3-dir", "4-loop", "5-out"])
        #expect(contents.skipped[0].reason.contains("FIFO") && contents.skipped[3].reason.contains("out of the Maildir"))
        let following = try MailboxReader.contents(at: maildir.path, followingSymlinks: true)
        #expect(following.messages.count == 3)
        #expect(throws: MailboxError.self) { try MailboxReader.check(folder.appendingPathComponent("missing").path) }
        #expect(throws: MailboxError.self) { try MailboxReader.check(cur.appendingPathComponent("2-fifo").path) }
    }
}

extension URL {
    /// Creates this folder (and its parents) and returns it.
    func creatingFolder() throws -> URL {
        try FileManager.default.createDirectory(at: self, withIntermediateDirectories: true)
        return self
    }
}
