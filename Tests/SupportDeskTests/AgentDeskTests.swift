import Conversation
import CustomerModel
import Foundation
import Localization
import Policy
import SQLiteStorage
import Storage
import SupportDesk
import Testing
import TestSupport

/// A policy for the workflow tests: Stockholm hours 09–17 on weekdays with a holiday on
/// Monday 26 October 2026 (the day after Europe's DST change), an 8-business-hour first reply,
/// and the example empowerment roles.
let workflowPolicyYAML = """
    version: 1
    calendars:
      - id: stockholm
        timeZone: Europe/Stockholm
        weekly:
          monday:    [{from: "09:00", to: "17:00"}]
          tuesday:   [{from: "09:00", to: "17:00"}]
          wednesday: [{from: "09:00", to: "17:00"}]
          thursday:  [{from: "09:00", to: "17:00"}]
          friday:    [{from: "09:00", to: "17:00"}]
        specialDays:
          - {date: "2026-10-26", name: "Company day off"}
      - id: new-york
        timeZone: America/New_York
        weekly:
          monday:    [{from: "09:00", to: "17:00"}]
          tuesday:   [{from: "09:00", to: "17:00"}]
          wednesday: [{from: "09:00", to: "17:00"}]
          thursday:  [{from: "09:00", to: "17:00"}]
          friday:    [{from: "09:00", to: "17:00"}]
    calendarSelection:
      defaultCalendar: stockholm
      accounts:
        acct-us: new-york
    sla:
      businessHours: true
      warningBefore: 1h
      targets:
        - {firstReply: 8h, nextReply: 8h, resolution: 5d}
        - {tier: enterprise-gold, firstReply: 2h}
      escalations:
        - {trigger: warning, notify: team-lead}
        - {trigger: breach, notify: support-manager}
    returns:
      windowDays: 30
      acceptedConditions: [unopened, likeNew]
      timeZone: Europe/Stockholm
      regionRules:
        - {regions: [EEA], withdrawalDays: 14, source: "Directive 2011/83/EU art. 9"}
    empowerment:
      roles:
        - name: agent
          limits:
            - {kind: refund, maxAmount: {SEK: 50000}, periodDays: 30, maxTotalPerPeriod: {SEK: 80000}}
        - name: team-lead
          mayApprove: true
          limits:
            - {kind: refund, maxAmount: {SEK: 500000}}
    """

func workflowPolicy() throws -> CompiledSupportPolicy {
    try SupportPolicyDocument.load(from: Data(workflowPolicyYAML.utf8), format: .yaml).compiled()
}

let workflowAgents = [
    DeskAgent(id: "agent-7", name: "Elin Berg", role: "agent", team: "nordics", languages: ["sv", "en"], maxOpenThreads: 2),
    DeskAgent(id: "agent-8", name: "Mikko Laine", role: "agent", team: "nordics", languages: ["fi", "en"], maxOpenThreads: 2),
    DeskAgent(id: "lead-1", name: "Sofia Lind", role: "team-lead", team: "nordics", languages: ["sv"], maxOpenThreads: 2),
]

func bundledCatalog() throws -> MessageCatalog {
    try MessageCatalog.load(json: Data(contentsOf: examples.appendingPathComponent("catalog.json")))
}

/// `2026-10-23T15:00:00+02:00` and the like.
func instant(_ text: String) throws -> Date {
    let formatter = ISO8601DateFormatter()
    return try #require(formatter.date(from: text), "bad test time \(text)")
}

/// Anna, a Swedish customer with two orders and a return.
func anna() throws -> Customer {
    let email = try ContactPoint.email("anna.svensson@example.se")
    let phone = try ContactPoint.phone("070-123 45 67", defaultRegion: "SE")
    var commerce = CommerceSummary()
    commerce.orders = [
        CustomerOrder(
            id: "O-1", placedAt: try instant("2026-10-01T10:00:00Z"), totalMinorUnits: 89_900, currency: "SEK", status: "delivered",
            deliveredAt: try instant("2026-10-05T10:00:00Z"), category: "outerwear"),
        CustomerOrder(id: "O-2", placedAt: try instant("2026-10-10T10:00:00Z"), totalMinorUnits: 45_000, currency: "SEK", status: "shipped"),
        CustomerOrder(
            id: "O-OLD", placedAt: try instant("2026-06-01T10:00:00Z"), totalMinorUnits: 20_000, currency: "SEK", status: "delivered",
            deliveredAt: try instant("2026-06-03T10:00:00Z")),
    ]
    commerce.returns = [
        CustomerReturn(id: "RET-1", order: "O-1", requestedAt: try instant("2026-10-12T10:00:00Z"), condition: "unopened", status: "received"),
        CustomerReturn(id: "RET-2", order: "O-OLD", requestedAt: try instant("2026-10-12T10:00:00Z"), condition: "used", status: "received"),
    ]
    return Customer(
        id: "c-anna",
        profile: PartyProfile(
            displayName: "Anna Svensson", contactPoints: [email, phone], preferredLanguage: "sv-SE",
            timeZoneIdentifier: "Europe/Stockholm", commerce: commerce, register: .formal, country: "SE"))
}

/// A desk over a fresh SQLite store with the workflow policy, agents and bundled catalog.
func workflowDesk(_ path: String) throws -> Desk<SQLiteSupportStore, SingleBuyerDeskDirectory> {
    var desk = Desk(
        store: try SQLiteSupportStore(path: path), directory: SingleBuyerDeskDirectory(), deskAddresses: deskAddress, deskMail: .history,
        configuration: ThreadingConfiguration(firstTicketNumber: 1001))
    desk.policy = try workflowPolicy()
    desk.agents = workflowAgents
    desk.catalog = try bundledCatalog()
    return desk
}

func annaMail(id: String, date: String, subject: String = "Returnera jackan", text: String, inReplyTo: String? = nil) -> RawMail {
    var lines = [
        "From: Anna Svensson <anna.svensson@example.se>", "To: support@shop.example", "Subject: \(subject)", "Date: \(date)",
        "Message-ID: <\(id)>",
    ]
    if let inReplyTo { lines += ["In-Reply-To: <\(inReplyTo)>", "References: <\(inReplyTo)>"] }
    return mail(lines.joined(separator: "\n") + "\n\n" + text)
}

@Suite("The agent's desk")
struct AgentDeskTests {
    @Test func customersImportIsIdempotentAndMergesRecordsThatShareAContactPoint() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("desk.sqlite").path
        let desk = try workflowDesk(path)
        // Her mail came first: the desk made a record for her address.
        let first = try await desk.ingest(annaMail(id: "a-1@example.se", date: "Fri, 23 Oct 2026 15:00:00 +0200", text: "Hej!"))
        #expect(first.intake?.message.party == "anna.svensson@example.se")
        let imported = try await desk.importCustomers([try anna()], agent: "import")
        #expect(imported[0].change == "created")
        #expect(imported[0].merges.map(\.merged) == ["anna.svensson@example.se"], "the desk's record joins the imported one")
        // A guest checkout with her phone number is the same person: the later record merges into the earlier.
        let guest = Customer(
            id: "c-guest", profile: PartyProfile(displayName: "A. S.", contactPoints: [try .phone("+46701234567", defaultRegion: nil)]))
        let second = try await desk.importCustomers([try anna(), guest], agent: "import")
        #expect(second[0].change == "unchanged", "idempotent by id")
        #expect(second[1].merges.map(\.into) == ["c-anna"])
        try await desk.store.close()

        // After a reopen: the merges hold, her mail resolves to the imported record, and an undo is exact.
        let reopened = try workflowDesk(path)
        let view = try await reopened.agentView(of: ThreadID(1001))
        #expect(view.party?.id == "c-anna")
        #expect(view.party?.profile.commerce.orders.count == 3)
        try await reopened.undoIdentityMerge("c-guest", agent: "agent-7")
        let afterUndo = try await reopened.importCustomers([guest], agent: "import")
        #expect(afterUndo[0].change == "unchanged")
        let events = try await reopened.store.events(after: 0, limit: 100).map(\.kind)
        #expect(events.contains { if case .identityMerged("c-guest", into: "c-anna", _, _) = $0 { true } else { false } })
        #expect(events.contains { if case .identityUnmerged("c-guest", from: "c-anna", _) = $0 { true } else { false } })
    }

    @Test func aChatContinuesAsACallAndASessionKeepsAChatTogether() async throws {
        let store = InMemorySupportStore()
        let desk = Desk(store: store, directory: SingleBuyerDeskDirectory(), configuration: ThreadingConfiguration(firstTicketNumber: 1))
        let lines = """
            {"id": "c1", "channel": "chat", "at": "2026-11-17T09:05:00+01:00", "from": {"phone": "070-123 45 67"}, "session": "s-1", "text": "Hej, var är mitt paket?"}
            {"id": "c2", "channel": "chat", "at": "2026-11-17T09:06:00+01:00", "direction": "outbound", "agent": "agent-7", "to": {"phone": "070-123 45 67"}, "session": "s-1", "text": "Jag kollar!"}
            {"id": "p1", "channel": "phone", "at": "2026-11-17T09:30:00+01:00", "from": {"phone": "+46701234567"}, "text": "Samtal om samma paket."}
            {"id": "c3", "channel": "chat", "at": "2026-11-20T09:05:00+01:00", "from": {"phone": "070-123 45 67"}, "session": "s-1", "text": "Tre dagar senare, samma chatt."}
            {"id": "x1", "channel": "chat", "at": "2026-11-20T09:06:00+01:00", "from": {"email": "mallory@example.org"}, "session": "s-1", "text": "Jag vill se den chatten."}
            """
        let events = try ChannelEventReader.read(Data(lines.utf8), defaultRegion: "SE").map { try $0.get() }
        let outcomes = try await desk.ingest(events).map { try #require($0.intake) }
        #expect(outcomes.map(\.assignment.thread.rawValue) == [1, 1, 1, 1, 2])
        #expect(outcomes[1].message.direction == .outbound)
        #expect(outcomes[2].assignment.rule == .channelContinuation, "the call continues the chat")
        #expect(outcomes[3].assignment.rule == .references, "the session id holds beyond the continuation window")
        #expect(outcomes[4].assignment.rule == .newThread, "another person's message never joins by a session id")
        #expect(try await desk.ingest(events).allSatisfy { $0.intake == nil }, "idempotent on the event id")
    }

    @Test func aReplyIsAnRFC5322MailAndTheCustomersAnswerThreadsBack() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("desk.sqlite").path
        let desk = try workflowDesk(path)
        _ = try await desk.importCustomers([try anna()], agent: "import")
        let parent = try #require(try await desk.ingest(annaMail(
            id: "a-1@example.se", date: "Mon, 16 Nov 2026 09:12:00 +0100", subject: "Återbetalning för jackan – när?",
            text: "Hej! När kommer pengarna?")).intake)
        let reply = try await desk.reply(
            to: parent.assignment.thread, template: "refunds.issued",
            arguments: ["order": .text("O-1"), "amount": .money(minorUnits: 89_900, currency: "SEK"), "days": .integer(3)],
            agent: "agent-7", from: try .email("support@shop.example"), at: try instant("2026-11-16T10:00:00Z"))
        #expect(reply.language == "sv")
        #expect(reply.register == .formal, "her profile asks for the formal register")
        let bytes = try #require(reply.mail).rfc5322Bytes()
        // The RFC constraints: CRLF only, no line over 998 octets, an encoded-word subject.
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        #expect(text.contains("Subject: =?UTF-8?"))
        let parsed = try MailParser().parse(bytes)
        #expect(parsed.subject == "Re: Återbetalning för jackan – när? [#1001]")
        #expect(parsed.inReplyTo == ["a-1@example.se"])
        #expect(parsed.references == ["a-1@example.se"])
        #expect(parsed.to.first?.address == "anna.svensson@example.se")
        #expect(parsed.from.first?.address == "support@shop.example")
        #expect(parsed.text.contains("899,00"), "money in the customer's locale: \(parsed.text)")
        #expect(parsed.text.contains("Elin Berg"))
        #expect(parsed.header("Content-Transfer-Encoding") == "quoted-printable")
        try await desk.store.close()

        // Her answer to the reply, after a reopen, threads back to the ticket by its headers.
        let reopened = try workflowDesk(path)
        let answer = try #require(try await reopened.ingest(annaMail(
            id: "a-2@example.se", date: "Tue, 17 Nov 2026 08:00:00 +0100", subject: "Re: " + parsed.subject,
            text: "Tack!", inReplyTo: parsed.messageID)).intake)
        #expect(answer.assignment.thread == parent.assignment.thread)
        #expect(answer.assignment.rule == .references)
        let view = try await reopened.agentView(of: parent.assignment.thread)
        #expect(view.messages.map(\.message.direction) == [.inbound, .outbound, .inbound])
        #expect(view.messages.map { $0.placement?.rule } == ["new_thread", "references", "references"])
        #expect(view.thread.status == .open, "her answer reopened the ticket the reply left pending")
    }

    @Test func theSLAQueueCountsBusinessTimeAcrossADSTChangeAndAHoliday() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("desk.sqlite").path
        let desk = try workflowDesk(path)
        // Friday 23 October 15:00 CEST: 2 business hours that day; Sunday the clocks go back;
        // Monday is a holiday; the other 6 hours run Tuesday 09:00–15:00 CET (14:00 UTC).
        let ticket = try #require(try await desk.ingest(annaMail(
            id: "a-1@example.se", date: "Fri, 23 Oct 2026 15:00:00 +0200", text: "Hej!")).intake).assignment.thread
        let second = try #require(try await desk.ingest(annaMail(
            id: "b-1@example.se", date: "Tue, 27 Oct 2026 09:30:00 +0100", subject: "Fråga om storlek", text: "Hej igen!")).intake)
        try await desk.store.close()
        let reopened = try workflowDesk(path)
        let queue = try await reopened.queue(at: try instant("2026-10-27T08:30:00Z"))
        #expect(queue.map(\.thread.id) == [ticket, second.assignment.thread], "soonest due first")
        let due = try #require(queue.first?.due)
        #expect(due.metric == .firstReply)
        #expect(due.breachAt == (try instant("2026-10-27T14:00:00Z")))
        #expect(due.remaining == 6 * 3600 - 30 * 60, "Tuesday 09:30 CET: 5h 30m left")
        #expect(queue.first?.calendar == "stockholm")
        // A sweep after the breach logs the warning and the breach once each; a second sweep logs nothing.
        #expect(try await reopened.escalate(at: try instant("2026-10-27T15:00:00Z")) == 2)
        #expect(try await reopened.escalate(at: try instant("2026-10-27T15:00:00Z")) == 0, "nothing is logged twice")
        // The second ticket (Tuesday 09:30 CET) reaches its warning at 7 business hours: 16:30 CET.
        #expect(try await reopened.escalate(at: try instant("2026-10-27T16:00:00Z")) == 1)
        let escalations = try await reopened.store.events(after: 0, limit: 1000).filter { $0.thread == ticket }.compactMap { event in
            if case .slaEscalated(let target, let breached) = event.kind { return (target, breached, event.at) }
            return nil
        }
        #expect(escalations.map(\.0) == ["firstReply:team-lead", "firstReply:support-manager"])
        #expect(escalations.map(\.2) == [try instant("2026-10-27T13:00:00Z"), try instant("2026-10-27T14:00:00Z")])
        // Pending the customer pauses the clocks: the reply stops firstReply; nextReply has not started.
        _ = try await reopened.update(ticket, status: .pendingCustomer, agent: "agent-7", at: try instant("2026-10-27T16:00:00Z"))
        let paused = try #require(try await reopened.queue(at: try instant("2026-10-29T16:00:00Z")).first { $0.thread.id == ticket })
        #expect(paused.clocks.first { $0.metric == .resolution }?.status == .paused)
    }

    @Test func aRefundOverTheLimitGoesToApprovalAndNobodyApprovesTheirOwn() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("desk.sqlite").path
        let desk = try workflowDesk(path)
        _ = try await desk.importCustomers([try anna()], agent: "import")
        let ticket = try #require(try await desk.ingest(annaMail(
            id: "a-1@example.se", date: "Mon, 12 Oct 2026 09:12:00 +0200", text: "Jackan är tillbakaskickad.")).intake).assignment.thread
        let at = try instant("2026-10-13T10:00:00Z")
        // Within the agent's 500 SEK: granted at once.
        let small = try await desk.requestRefund(
            in: ticket, order: "O-2", amount: Money(minorUnits: 39_900, currency: "SEK"), agent: "agent-7", at: at)
        #expect(small.status == .granted)
        // 899 SEK is over it: it waits for an approver.
        let large = try await desk.requestRefund(
            in: ticket, order: "O-1", amount: Money(minorUnits: 89_900, currency: "SEK"), agent: "agent-7", reason: "return received",
            at: at)
        #expect(large.status == .pending)
        #expect(large.eligibility.first == "eligible")
        // The period total: another 450 SEK would make 849 > 800 SEK in 30 days.
        let third = try await desk.requestRefund(
            in: ticket, order: "O-2", amount: Money(minorUnits: 45_000, currency: "SEK"), agent: "agent-7", at: at)
        #expect(third.status == .pending, "\(third.limits)")
        // An item returned used, long after the window and the withdrawal period: not eligible.
        await #expect(throws: StorageError.self) {
            try await desk.requestRefund(in: ticket, order: "O-OLD", amount: Money(minorUnits: 100, currency: "SEK"), agent: "agent-7", at: at)
        }
        await #expect(throws: StorageError.self) {
            try await desk.requestRefund(in: ticket, order: "O-1", amount: Money(minorUnits: 100, currency: "EUR"), agent: "agent-7", at: at)
        }
        try await desk.store.close()
        let reopened = try workflowDesk(path)
        do {
            _ = try await reopened.decideRefund(large.id, approve: true, by: "agent-7")
            Issue.record("self-approval was allowed")
        } catch { #expect("\(error)".contains("own request")) }
        await #expect(throws: StorageError.self) { try await reopened.decideRefund(large.id, approve: true, by: "agent-8") }
        let approved = try await reopened.decideRefund(large.id, approve: true, by: "lead-1", note: "ok")
        #expect(approved.status == .approved)
        await #expect(throws: StorageError.self) { try await reopened.decideRefund(large.id, approve: false, by: "lead-1") }
        let refused = try await reopened.decideRefund(third.id, approve: false, by: "lead-1", note: "already refunded")
        #expect(refused.status == .refused)
        let kinds = try await reopened.store.events(after: 0, limit: 1000).map(\.kind)
        let refundEvents = kinds.filter {
            switch $0 {
            case .refundRequested, .refundApproved, .refundRefused: true
            default: false
            }
        }
        #expect(refundEvents.count == 3 + 1 + 2, "three requests, one grant at once, one approval, one refusal")
        #expect(try await reopened.refunds(in: ticket).map(\.status) == [.granted, .approved, .refused])
    }

    @Test func theRouterAssignsByLanguageAndCapacity() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let desk = try workflowDesk(folder.appendingPathComponent("desk.sqlite").path)
        var tickets: [ThreadID] = []
        for index in 1...3 {
            let intake = try #require(try await desk.ingest(annaMail(
                id: "a-\(index)@example.se", date: "Mon, 12 Oct 2026 09:1\(index):00 +0200", subject: "Fråga \(index)",
                text: "Hej! Jag har en fråga om min beställning.")).intake)
            tickets.append(intake.assignment.thread)
        }
        let first = try await desk.assign(tickets[0], by: "lead-1")
        #expect(first.assignee == "agent-7", "writes Swedish, most free capacity")
        let second = try await desk.assign(tickets[1], by: "lead-1")
        #expect(second.assignee == "lead-1" || second.assignee == "agent-7")
        let explicit = try await desk.assign(tickets[2], to: "agent-8", by: "lead-1")
        #expect(explicit.assignee == "agent-8" && explicit.decision == nil)
        let thread = try #require(try await desk.currentThread(tickets[2]))
        #expect(thread.assignee == "agent-8" && thread.team == "nordics")
    }

    @Test func theBotAnswersFromTheKnowledgeBaseOrHandsOverWithTheContext() async throws {
        let store = InMemorySupportStore()
        try await store.upsertArticle(KnowledgeArticle(
            id: "returns", locale: "en", title: "Returns and refunds",
            body: "You can return items within 30 days of delivery. Refunds are paid within 24 hours.", updatedAt: Date()))
        try await store.upsertArticle(KnowledgeArticle(
            id: "delivery", locale: "en", title: "Where is my order?", body: "Orders ship within two working days.", updatedAt: Date()))
        var desk = Desk(store: store, directory: SingleBuyerDeskDirectory())
        desk.responder = KnowledgeBaseResponder(store: store, minimumScore: 0.5)
        let lines = """
            {"id": "b1", "channel": "bot", "at": "2026-11-19T08:10:00-05:00", "from": {"email": "sam@example.com"}, "session": "b", "text": "How do I return items and get a refund?", "language": "en"}
            {"id": "b2", "channel": "bot", "at": "2026-11-19T08:12:00-05:00", "from": {"email": "sam@example.com"}, "session": "b", "text": "Can I talk to a person please?", "language": "en"}
            """
        let events = try ChannelEventReader.read(Data(lines.utf8)).map { try $0.get() }
        var turns: [BotTurn] = []
        for intake in try await desk.ingest(events).compactMap(\.intake) {
            if let turn = try await desk.converse(intake) { turns.append(turn) }
        }
        #expect(turns.count == 2)
        if case .answer(_, let articles, _) = turns[0].decision { #expect(articles == ["returns"]) } else {
            Issue.record("the bot did not answer: \(turns[0].decision)")
        }
        if case .handOff(let reason) = turns[1].decision { #expect(reason.contains("person")) } else { Issue.record("no hand-off") }
        let timeline = try await desk.agentView(of: turns[0].thread).messages.map(\.message)
        #expect(timeline.map(\.direction) == [.inbound, .outbound, .inbound], "the bot's turn is in the timeline, in time order")
        let handOffs = try await store.events(after: 0, limit: 100).filter {
            if case .handedOff = $0.kind { true } else { false }
        }
        #expect(handOffs.count == 1)
        #expect(try await store.thread(turns[0].thread)?.status == .open)
    }

    @Test func aStakeholderSeesThroughShowOnlyWhatTheirRoleAndSharingAllow() async throws {
        let store = InMemorySupportStore()
        let desk = try await AccountDeskTests.desk(store)
        let outcomes = try await desk.ingest(try MailboxReader.messages(at: examples.appendingPathComponent("b2b.mbox").path))
        let acme = try #require(outcomes.compactMap(\.intake).first { $0.message.party == "acct-acme" }).assignment.thread
        _ = try await desk.ingest(SupportMessage(
            id: "note-1", channel: .email, direction: .internalNote, party: "acct-acme", agent: "agent-7", sentAt: Date(),
            text: "Internal: credit approved by finance lead.", headers: ThreadingHeaders(messageID: "note-1", inReplyTo: [outcomes[0].intake?.message.headers.messageID ?? ""])))
        let agentView = try await desk.agentView(of: acme)
        let stakeholderView = try await desk.agentView(of: acme, as: "s-per")
        #expect(agentView.messages.count > stakeholderView.messages.count || !agentView.messages.contains { $0.message.direction == .internalNote })
        #expect(!stakeholderView.messages.contains { $0.message.direction == .internalNote }, "internal notes are the desk's")
        #expect(stakeholderView.articles.isEmpty && stakeholderView.refunds.isEmpty)
        await #expect(throws: StorageError.self) { try await desk.agentView(of: acme, as: "s-jussi") }
        let visible = try await desk.visibleThreads(for: "s-jussi")
        #expect(!visible.contains { $0.id == acme }, "another account's stakeholder never sees it")
    }
}

@Suite("The agent's desk (B2B)")
struct AccountWorkflowTests {
    /// ACME has a gold contract and an account team; Nordic Tools is a standard account whose
    /// calendar is New York's. The contract tier picks the target, the account picks the calendar,
    /// and the Router prefers the account team.
    @Test func theContractTierPicksTheSLAAndTheAccountTeamTakesTheTicket() async throws {
        let store = InMemorySupportStore()
        var desk = Desk(
            store: store, directory: AccountDeskDirectory(accountDomains: ["acme.example": "acct-acme", "us.example": "acct-us"]),
            deskAddresses: [try .email("b2b@shop.example")], deskMail: .history, configuration: ThreadingConfiguration(firstTicketNumber: 2001))
        desk.policy = try workflowPolicy()
        desk.agents = workflowAgents + [DeskAgent(id: "agent-us", name: "Kim Park", languages: ["en"])]
        try await desk.save([
            .account(Account(
                id: "acct-acme", profile: PartyProfile(displayName: "ACME Industri AB", tier: "enterprise-gold"),
                accountTeam: ["agent-8"])),
            .account(Account(id: "acct-us", profile: PartyProfile(displayName: "US Tools Inc"))),
            .stakeholder(Stakeholder(
                id: "s-karin", accountID: "acct-acme", roles: [.buyer],
                profile: PartyProfile(displayName: "Karin Lund", contactPoints: [try .email("karin@acme.example")]))),
            .stakeholder(Stakeholder(
                id: "s-dana", accountID: "acct-us", roles: [.buyer],
                profile: PartyProfile(displayName: "Dana Smith", contactPoints: [try .email("dana@us.example")]))),
        ])
        func mail(from: String, id: String) -> RawMail {
            SupportDeskTests.mail("""
                From: \(from)
                To: b2b@shop.example
                Subject: Pallets missing
                Date: Tue, 27 Oct 2026 10:00:00 +0100
                Message-ID: <\(id)>

                Hello, 40 pallets are missing from our delivery.
                """)
        }
        let acme = try #require(try await desk.ingest(mail(from: "karin@acme.example", id: "k-1@acme.example")).intake)
        let us = try #require(try await desk.ingest(mail(from: "dana@us.example", id: "d-1@us.example")).intake)
        #expect(acme.message.party == "acct-acme" && us.message.party == "acct-us")
        let queue = try await desk.queue(at: try instant("2026-10-27T09:30:00Z"))
        let gold = try #require(queue.first { $0.thread.id == acme.assignment.thread })
        let standard = try #require(queue.first { $0.thread.id == us.assignment.thread })
        #expect(gold.clocks.first { $0.metric == .firstReply }?.target == TimeInterval(2 * 3600), "the gold contract's 2 h")
        #expect(standard.clocks.first { $0.metric == .firstReply }?.target == TimeInterval(8 * 3600))
        #expect(gold.calendar == "stockholm" && standard.calendar == "new-york", "the account's calendar")
        // 10:00 CET is 05:00 in New York (still on summer time until 1 November): the US account's
        // 8 business hours run 09:00–17:00 EDT, 13:00–21:00 UTC; the gold ticket's 2 h end 12:00 CET.
        #expect(standard.due?.breachAt == (try instant("2026-10-27T21:00:00Z")))
        #expect(gold.due?.breachAt == (try instant("2026-10-27T11:00:00Z")))
        let routed = try await desk.assign(acme.assignment.thread, by: "lead-1")
        #expect(routed.assignee == "agent-8", "the account team: \(routed.decision?.explanation ?? [])")
    }
}

@Suite("SLA facts (property)")
struct ServiceLevelPropertyTests {
    /// Random messages and status changes on one ticket: the stored pending periods are ordered,
    /// disjoint and at most the last is open (exactly when the ticket is pending), the clocks'
    /// elapsed business time never runs backwards, and a pending ticket's open clocks are paused.
    @Test func pendingPeriodsAndClocksStayConsistent() async throws {
        var random = SplitMix64(seed: 12)
        for round in 0..<12 {
            let store = InMemorySupportStore()
            var desk = Desk(store: store, directory: SingleBuyerDeskDirectory())
            desk.policy = try workflowPolicy()
            var clock = try instant("2026-10-22T07:00:00Z")
            let first = try #require(try await desk.ingest(SupportMessage(
                id: MessageID("r\(round)-0"), channel: .chat, direction: .inbound, author: try .email("p@example.org"), sentAt: clock,
                text: "hello")).intake)
            let ticket = first.assignment.thread
            var lastElapsed: [SLAMetric: Double] = [:]
            for step in 1..<40 {
                clock = clock.addingTimeInterval(Double(random.below(6 * 3600)))
                switch random.below(4) {
                case 0:
                    _ = try await desk.ingest(SupportMessage(
                        id: MessageID("r\(round)-\(step)"), channel: .chat, direction: .inbound, author: try .email("p@example.org"),
                        sentAt: clock, text: "more \(step)"))
                case 1:
                    _ = try await desk.ingest(SupportMessage(
                        id: MessageID("r\(round)-\(step)"), channel: .chat, direction: .outbound, author: nil, party: first.message.party,
                        agent: "agent-7", sentAt: clock, text: "answer \(step)",
                        headers: ThreadingHeaders(references: [first.message.id.rawValue])))
                default:
                    let statuses: [ThreadStatus] = [.open, .pendingCustomer, .onHold, .solved]
                    _ = try? await desk.update(ticket, status: statuses[random.below(statuses.count)], agent: "agent-7", at: clock)
                }
                let level = try #require(try await desk.serviceLevel(of: ticket))
                for (a, b) in zip(level.pendingPeriods, level.pendingPeriods.dropFirst()) {
                    let end = try #require(a.end, "only the last period may be open")
                    #expect(a.start <= end && end <= b.start)
                }
                let thread = try #require(try await desk.currentThread(ticket))
                #expect((level.pendingPeriods.last.map { $0.end == nil } ?? false) == (thread.status == .pendingCustomer))
                #expect((level.resolvedAt != nil) == (thread.status == .solved || thread.status == .closed))
                guard let entry = try await desk.queue(at: clock).first(where: { $0.thread.id == ticket }) else {
                    lastElapsed = [:]
                    continue
                }
                for state in entry.clocks where state.status != .met && state.status != .missed {
                    if let previous = lastElapsed[state.metric], state.metric != .nextReply, state.metric != .periodicUpdate {
                        #expect(state.elapsed >= previous - 0.001, "\(state.metric) ran backwards")
                    }
                    lastElapsed[state.metric] = state.elapsed
                    if thread.status == .pendingCustomer, state.status != .breached { #expect(state.status == .paused) }
                }
                if !thread.status.isActive { lastElapsed = [:] }
            }
        }
    }
}
