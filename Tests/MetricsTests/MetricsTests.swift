import Conversation
import CustomerModel
import Foundation
import Metrics
import Policy
import SQLiteStorage
import Storage
import SupportDesk
import Testing
import TestSupport

func at(_ text: String) throws -> Date {
    try #require(ISO8601DateFormatter().date(from: text), "bad time \(text)")
}

/// Builds a log by hand: each call appends one event with the next sequence number.
struct LogBuilder {
    var events: [MetricsEvent] = []

    mutating func add(_ time: String, _ thread: UInt64?, _ kind: SupportEventKind, party: PartyID? = "c-1", facts: MessageFacts? = nil) throws {
        let event = SupportEvent(
            sequence: Int64(events.count + 1), at: try at(time), thread: thread.map(ThreadID.init), party: party, kind: kind)
        events.append(MetricsEvent(event, message: facts))
    }

    mutating func inbound(_ time: String, _ thread: UInt64, id: String, channel: Channel = .email, terms: [String] = [],
                          subject: String? = nil, order: String? = nil, party: PartyID = "c-1") throws {
        try add(time, thread, .received(MessageID(id)), party: party, facts: MessageFacts(
            channel: channel, language: "sv", terms: terms, subjectKey: subject, order: order))
    }

    mutating func reply(_ time: String, _ thread: UInt64, id: String, agent: AgentID? = "agent-7", channel: Channel = .email) throws {
        try add(time, thread, .replied(MessageID(id), agent: agent), facts: MessageFacts(channel: channel, agent: agent))
    }
}

let stockholmPolicy = """
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
    calendarSelection: {defaultCalendar: stockholm}
    sla:
      businessHours: true
      targets:
        - {firstReply: 4h, resolution: 2d}
    """

func policy() throws -> CompiledSupportPolicy {
    try SupportPolicyDocument.load(from: Data(stockholmPolicy.utf8), format: .yaml).compiled()
}

func report(_ fold: KPIFold, from: String, to: String, zone: String = "Europe/Stockholm", policy: CompiledSupportPolicy? = nil,
            by: ReportDimension? = nil, party: @escaping (PartyID) -> PartyFacts = { _ in PartyFacts() }) throws -> KPIReport {
    KPIReport(
        fold, options: ReportOptions(from: try at(from), to: try at(to), zone: try #require(TimeZone(identifier: zone)), policy: policy, by: by),
        party: party)
}

@Suite("Summaries")
struct SummaryTests {
    @Test func nearestRankPercentilesOnTinyAndTiedInputs() throws {
        #expect(DurationSummary([]) == nil, "no data is no summary, never 0")
        let one = try #require(DurationSummary([42]))
        #expect(one.p50 == 42 && one.p90 == 42 && one.p99 == 42 && one.mean == 42 && one.count == 1)
        let two = try #require(DurationSummary([2, 1]))
        #expect(two.p50 == 1 && two.p90 == 2 && two.p99 == 2, "rank ⌈0.5·2⌉ = 1, ⌈0.9·2⌉ = 2")
        let tied = try #require(DurationSummary([5, 1, 5, 5]))
        #expect(tied.p50 == 5 && tied.mean == 4)
        let ten = try #require(DurationSummary((1...10).map(Double.init)))
        #expect(ten.p50 == 5 && ten.p90 == 9 && ten.p99 == 10, "⌈0.9·10⌉ is rank 9 exactly")
        let hundred = try #require(DurationSummary((1...100).map(Double.init).reversed()))
        #expect(hundred.p50 == 50 && hundred.p90 == 90 && hundred.p99 == 99)
    }

    @Test func npsAndCSATBoundaries() throws {
        #expect(NetPromoterScore([]) == nil && SatisfactionScore([]) == nil)
        #expect(NetPromoterScore([6])?.score == -100, "6 is a detractor")
        #expect(NetPromoterScore([7, 8])?.score == 0 && NetPromoterScore([7, 8])?.passives == 2, "7–8 are passive")
        #expect(NetPromoterScore([9])?.score == 100, "9 is a promoter")
        let mixed = try #require(NetPromoterScore([10, 9, 8, 0, 11, -1]))
        #expect(mixed.responses == 4 && mixed.promoters == 2 && mixed.detractors == 1 && mixed.score == 25, "out-of-range answers are not counted")
        #expect(SatisfactionScore([4, 5, 3])?.score == 200.0 / 3)
        #expect(SatisfactionScore([3])?.score == 0 && SatisfactionScore([0, 6]) == nil)
    }
}

@Suite("KPIs from a hand-written log")
struct HandComputedKPITests {
    /// Ticket 1: opened 09:00, answered 09:30 (first response 30 min), asked again 10:00,
    /// answered 10:20 (next reply 20 min), pending 10:20–11:00, solved 12:00 (resolution 3 h).
    /// Ticket 2: the bot answers after 1 min, a person after 2 h, solved with that one reply
    /// (one-touch), reopened and solved again. Ticket 3: never answered.
    static func log() throws -> [MetricsEvent] {
        var log = LogBuilder()
        try log.add("2026-11-16T08:00:00Z", 1, .threadOpened(ThreadID(1)))
        try log.inbound("2026-11-16T08:00:00Z", 1, id: "m1", terms: ["paket", "försen"], subject: "paketet", order: "O-1")
        try log.reply("2026-11-16T08:30:00Z", 1, id: "r1")
        try log.inbound("2026-11-16T09:00:00Z", 1, id: "m2", terms: ["paket"])
        try log.reply("2026-11-16T09:20:00Z", 1, id: "r2")
        try log.add("2026-11-16T09:20:00Z", 1, .statusChanged(from: .open, to: .pendingCustomer))
        try log.add("2026-11-16T10:00:00Z", 1, .statusChanged(from: .pendingCustomer, to: .open))
        try log.add("2026-11-16T11:00:00Z", 1, .statusChanged(from: .open, to: .solved))
        try log.add("2026-11-16T11:00:00Z", 1, .tagsChanged(added: ["delay"], removed: [], agent: "agent-7"))
        try log.add("2026-11-17T08:00:00Z", 2, .threadOpened(ThreadID(2)), party: "c-2")
        try log.inbound("2026-11-17T08:00:00Z", 2, id: "m3", channel: .chatbot, terms: ["retur"], party: "c-2")
        try log.add("2026-11-17T08:01:00Z", 2, .replied(MessageID("b1"), agent: nil), party: "c-2", facts: MessageFacts(channel: .chatbot))
        try log.add("2026-11-17T10:00:00Z", 2, .replied(MessageID("r3"), agent: "agent-8"), party: "c-2", facts: MessageFacts(channel: .chat, agent: "agent-8"))
        try log.add("2026-11-17T11:00:00Z", 2, .statusChanged(from: .open, to: .solved), party: "c-2")
        try log.add("2026-11-17T12:00:00Z", 2, .statusChanged(from: .solved, to: .open), party: "c-2")
        try log.add("2026-11-17T13:00:00Z", 2, .statusChanged(from: .open, to: .solved), party: "c-2")
        try log.add("2026-11-18T08:00:00Z", 3, .threadOpened(ThreadID(3)), party: "c-3")
        try log.inbound("2026-11-18T08:00:00Z", 3, id: "m4", terms: ["paket"], party: "c-3")
        try log.add("2026-11-18T09:00:00Z", 3, .surveyAnswered(survey: "nps", score: 9), party: "c-3")
        try log.add("2026-11-18T09:00:00Z", 1, .surveyAnswered(survey: "nps", score: 6))
        try log.add("2026-11-18T09:00:00Z", 1, .surveyAnswered(survey: "csat", score: 5))
        return log.events
    }

    @Test func eachKPIMatchesTheHandComputedValue() throws {
        var fold = KPIFold()
        fold.fold(try Self.log())
        let kpis = try report(fold, from: "2026-11-16T00:00:00Z", to: "2026-11-19T00:00:00Z")
        let all = kpis.overall
        #expect(all.threads == 3 && all.inbound == 4 && all.outbound == 4)
        #expect(all.firstResponse?.wall.count == 2)
        #expect(all.firstResponse?.wall.p50 == 1800 && all.firstResponse?.wall.p90 == 7200, "30 min and 2 h")
        #expect(all.botFirstAnswer?.p50 == 60, "the bot's answer is counted apart")
        #expect(all.nextReply?.wall.count == 1 && all.nextReply?.wall.p50 == 1200)
        #expect(all.resolution?.wall.p50 == Double(3 * 3600) && all.resolution?.wall.count == 2)
        #expect(all.resolution?.wall.p99 == Double(5 * 3600), "ticket 2: opened 08:00, solved again at 13:00")
        #expect(all.waitOnCustomer?.p50 == 2400)
        #expect(all.resolved == 2 && all.reopened == 1 && all.oneTouch == 0, "ticket 2 was reopened: not one touch")
        #expect(all.nps?.score == 0 && all.nps?.responses == 2 && all.csat?.score == 100)
        #expect(all.firstResponse?.business == nil, "no policy: no business seconds")
        #expect(kpis.topComplaints["sv"]?.first?.term == "paket" && kpis.topComplaints["sv"]?.first?.count == 3)
        #expect(kpis.topComplaints["tags"]?.first?.term == "delay")
        // Nothing in a later, empty period: every duration KPI is null.
        let empty = try report(fold, from: "2026-12-01T00:00:00Z", to: "2026-12-02T00:00:00Z")
        #expect(empty.overall.firstResponse == nil && empty.overall.nps == nil && empty.overall.repeatRate == nil)
        let json = empty.jsonObject()
        #expect(json["first_response"] is NSNull && json["nps"] is NSNull && json["csat"] is NSNull)
        #expect((json["busiest_hours"] as? [String: Any])?["zone"] as? String == "Europe/Stockholm")
    }

    @Test func breakdownsFollowTheTicketsDimensions() throws {
        var fold = KPIFold()
        fold.fold(try Self.log())
        let byChannel = try report(fold, from: "2026-11-16T00:00:00Z", to: "2026-11-19T00:00:00Z", by: .channel)
        #expect(Set(byChannel.groups.keys) == ["email", "bot"])
        #expect(byChannel.groups["bot"]?.threads == 1 && byChannel.groups["email"]?.threads == 2)
        let byTier = try report(fold, from: "2026-11-16T00:00:00Z", to: "2026-11-19T00:00:00Z", by: .tier) { party in
            PartyFacts(tier: party == "c-2" ? "vip" : "standard")
        }
        #expect(byTier.groups["vip"]?.firstResponse?.wall.p50 == 7200)
        #expect(byTier.groups["standard"]?.firstResponse?.wall.p50 == 1800)
        let json = byTier.jsonObject()
        #expect(((json["by"] as? [String: Any])?["vip"] as? [String: Any])?["threads"] as? Int == 1)
    }

    @Test func businessFirstResponseAcrossADSTChangeAndAHoliday() throws {
        var log = LogBuilder()
        // Friday 23 October 16:00 CEST; the answer Tuesday 27 October 10:00 CET. Business time:
        // Friday 16–17 and Tuesday 09–10 (the clocks went back on Sunday; Monday is a day off).
        try log.add("2026-10-23T14:00:00Z", 1, .threadOpened(ThreadID(1)))
        try log.inbound("2026-10-23T14:00:00Z", 1, id: "m1")
        try log.reply("2026-10-27T09:00:00Z", 1, id: "r1")
        var fold = KPIFold()
        fold.fold(log.events)
        let kpis = try report(fold, from: "2026-10-19T00:00:00Z", to: "2026-11-01T00:00:00Z", policy: try policy())
        let first = try #require(kpis.overall.firstResponse)
        #expect(first.wall.p50 == Double(3 * 86_400 + 19 * 3600), "Friday 14:00 to Tuesday 09:00 UTC")
        #expect(first.business?.p50 == Double(2 * 3600))
        #expect(kpis.overall.sla["firstReply"] == Attainment(met: 1, breached: 0), "2 business hours are within the 4 h target")
    }

    @Test func busiestHoursAreReadInTheZoneAcrossTheDSTChange() throws {
        var log = LogBuilder()
        try log.inbound("2026-10-24T10:30:00Z", 1, id: "a")  // Saturday 12:30 CEST
        try log.inbound("2026-10-26T10:30:00Z", 1, id: "b")  // Monday 11:30 CET
        try log.inbound("2026-10-26T10:40:00Z", 1, id: "c")
        var fold = KPIFold()
        fold.fold(log.events)
        let grid = try report(fold, from: "2026-10-19T00:00:00Z", to: "2026-11-01T00:00:00Z").busiestHours
        #expect(grid.count == 7 && grid.allSatisfy { $0.count == 24 })
        #expect(grid[5][12] == 1, "Saturday 12:00")
        #expect(grid[0][11] == 2, "Monday 11:00")
        #expect(grid.flatMap { $0 }.reduce(0, +) == 3)
        let india = try report(fold, from: "2026-10-19T00:00:00Z", to: "2026-11-01T00:00:00Z", zone: "Asia/Kolkata").busiestHours
        #expect(india[0][16] == 2, "10:30 UTC is 16:00 in India (+05:30)")
    }

    @Test func aRepeatContactIsTheSameOrderOrSubjectWithinTheWindow() throws {
        var log = LogBuilder()
        try log.add("2026-11-02T08:00:00Z", 1, .threadOpened(ThreadID(1)))
        try log.inbound("2026-11-02T08:00:00Z", 1, id: "m1", subject: "trasig lampa", order: "O-77")
        try log.add("2026-11-02T09:00:00Z", 1, .statusChanged(from: .new, to: .solved))
        try log.add("2026-11-05T08:00:00Z", 2, .threadOpened(ThreadID(2)))
        try log.inbound("2026-11-05T08:00:00Z", 2, id: "m2", subject: "fortfarande trasig", order: "O-77")
        try log.add("2026-11-06T08:00:00Z", 3, .threadOpened(ThreadID(3)))
        try log.inbound("2026-11-06T08:00:00Z", 3, id: "m3", subject: "trasig lampa")
        try log.add("2026-11-20T08:00:00Z", 4, .threadOpened(ThreadID(4)))
        try log.inbound("2026-11-20T08:00:00Z", 4, id: "m4", subject: "trasig lampa")
        try log.add("2026-11-06T09:00:00Z", 5, .threadOpened(ThreadID(5)), party: "c-9")
        try log.inbound("2026-11-06T09:00:00Z", 5, id: "m5", subject: "trasig lampa", party: "c-9")
        var fold = KPIFold()
        fold.fold(log.events)
        let kpis = try report(fold, from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z")
        #expect(kpis.overall.repeatContacts == 2, "ticket 2 (same order) and 3 (same subject); 4 is 18 days later; 5 is someone else")
        #expect(kpis.overall.repeatRate == 2.0 / 1.0)
    }
}

@Suite("The fold from a store")
struct StoreFoldTests {
    @Test func aMailboxImportTakesFirstResponseFromTheDateHeaders() async throws {
        let store = InMemorySupportStore()
        let desk = Desk(
            store: store, directory: SingleBuyerDeskDirectory(), deskAddresses: [try .email("support@shop.example")], deskMail: .history,
            configuration: ThreadingConfiguration(firstTicketNumber: 1001))
        let mailbox = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples/data/shop.mbox").path
        // Imported today: the mails are of November 2026.
        _ = try await desk.ingest(try MailboxReader.messages(at: mailbox), receivedAt: Date())
        let fold = try await StoreFeed.current(store)
        let kpis = try report(fold, from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z")
        // Anna wrote Mon 16 Nov 09:12 +0100; the desk replied 10:02 +0100 (the Date headers).
        #expect(kpis.overall.firstResponse?.wall.p50 == Double(50 * 60))
        #expect(kpis.overall.threads == 7)
        #expect(!(kpis.topComplaints["sv"] ?? []).isEmpty && !(kpis.topComplaints["fi"] ?? []).isEmpty)
        // Saved and brought up to date: a second look folds nothing new and gives the same fold.
        let again = try await StoreFeed.current(store)
        #expect(again == fold)
    }

    /// Random desk acts on a store; the log folded at once, or in pieces with the state saved
    /// and restored (JSON) between them, gives the same fold.
    @Test func theIncrementalFoldEqualsTheFullFold() async throws {
        var random = SplitMix64(seed: 7)
        let store = InMemorySupportStore()
        let desk = Desk(store: store, directory: SingleBuyerDeskDirectory())
        var clock = try at("2026-11-02T08:00:00Z")
        var threads: [ThreadID] = []
        for step in 0..<300 {
            clock = clock.addingTimeInterval(Double(random.below(5_000)))
            let customer = try ContactPoint.email("c\(random.below(12))@example.org")
            switch random.below(5) {
            case 0, 1:
                let intake = try await desk.ingest(SupportMessage(
                    id: MessageID("m\(step)"), channel: random.below(2) == 0 ? .chat : .sms, direction: .inbound, author: customer, sentAt: clock,
                    text: "paketet order O-\(random.below(5) + 1000) är sent", language: "sv"))
                if let thread = intake.intake?.assignment.thread { threads.append(thread) }
            case 2:
                guard let thread = threads.randomElement(using: &random) else { continue }
                let owner = try await store.thread(thread)?.owner
                _ = try await desk.ingest(SupportMessage(
                    id: MessageID("r\(step)"), channel: .chat, direction: .outbound, party: owner, agent: AgentID("agent-\(random.below(3))"),
                    sentAt: clock, text: "svar"))
            case 3:
                guard let thread = threads.randomElement(using: &random) else { continue }
                let statuses: [ThreadStatus] = [.open, .pendingCustomer, .onHold, .solved]
                _ = try? await desk.update(thread, status: statuses[random.below(4)], agent: "agent-1", at: clock)
            default:
                guard let thread = threads.randomElement(using: &random) else { continue }
                _ = try? await desk.update(thread, priority: .high, addTags: ["t\(random.below(3))"], agent: "agent-1", at: clock)
            }
        }
        var full = KPIFold()
        try await StoreFeed.fold(store, into: &full)
        let events = try await store.events(after: 0, limit: 100_000)
        #expect(full.cursor == events.last?.sequence)
        for _ in 0..<10 {
            let cut = Int64(random.below(events.count))
            var pieces = KPIFold()
            try await StoreFeed.fold(store, into: &pieces, page: 37)
            // Restart from a saved state at a random point: fold a prefix, save, restore, fold the rest.
            var prefix = KPIFold()
            var items: [MetricsEvent] = []
            for event in events where event.sequence <= cut {
                let facts = try await event.kind.message.asyncMap { id in try await store.message(id)?.message }
                    .map { MessageFacts.of($0) { text, language in ComplaintAnalyzer().terms(text, language: language) } }
                items.append(MetricsEvent(event, message: facts))
            }
            prefix.fold(items)
            let saved = try JSONEncoder().encode(prefix)
            var restored = try JSONDecoder().decode(KPIFold.self, from: saved)
            try await StoreFeed.fold(store, into: &restored)
            #expect(restored == full, "cut at \(cut)")
            #expect(pieces == full)
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

@Suite("Surveys")
struct SurveyTests {
    @Test func badLinesAreNamedAndAnImportIsIdempotent() async throws {
        let text = """
            {"id": "s1", "kind": "nps", "score": 9, "at": "2026-11-18T12:00:00+01:00", "thread": "1"}
            {"id": "s2", "kind": "nps", "score": 11, "at": "2026-11-18T12:00:00+01:00"}
            {"id": "s3", "kind": "ces", "score": 3, "at": "2026-11-18T12:00:00+01:00"}
            {"id": "s4", "kind": "csat", "score": 0, "at": "2026-11-18T12:00:00+01:00"}
            {"id": "s5", "kind": "csat", "score": 4, "at": "yesterday"}

            {"id": "s1", "kind": "nps", "score": 3, "at": "2026-11-18T12:00:00+01:00"}
            {"id": "s6", "kind": "csat", "score": 5, "at": "2026-11-18T12:00:00Z", "from": {"email": "anna@example.se"}, "comment": "Tack!"}
            """
        let results = SurveyReader.read(Data(text.utf8))
        let failures = results.compactMap { if case .failure(let error) = $0 { error.line } else { nil } }
        #expect(failures == [2, 3, 4, 5, 7])
        let answers = results.compactMap { try? $0.get() }
        #expect(answers.map(\.id) == ["s1", "s6"])
        let store = InMemorySupportStore()
        let desk = Desk(store: store, directory: SingleBuyerDeskDirectory())
        let first = try await desk.recordSurveys(answers)
        #expect(first.count == 2 && first.allSatisfy { if case .stored = $0 { true } else { false } })
        let second = try await desk.recordSurveys(answers)
        #expect(second.allSatisfy { if case .duplicate = $0 { true } else { false } }, "idempotent on id")
        var changed = answers[0]
        changed.score = 2
        await #expect(throws: StorageError.self) { try await desk.recordSurveys([changed]) }
        let surveyEvents = try await store.events(after: 0, limit: 100).filter { if case .surveyAnswered = $0.kind { true } else { false } }
        #expect(surveyEvents.count == 2)
    }
}
