import CustomerModel
import Foundation
import Testing
@testable import Policy

@Suite struct SLATests {
    static func officeHours() throws -> ResolvedCalendar {
        let day = [OpeningWindow(from: "09:00", to: "17:00")]
        return try BusinessCalendar(id: "office", timeZone: "UTC",
                                    weekly: [.monday: day, .tuesday: day, .wednesday: day, .thursday: day, .friday: day]).resolved()
    }

    static let policy = SLAPolicy(
        warningBefore: "30m",
        targets: [
            SLATarget(firstReply: "4h", nextReply: "8h", resolution: "16h"),
            SLATarget(channel: .chat, firstReply: "5m"),
            SLATarget(tier: "vip", firstReply: "2h"),
            SLATarget(priority: .high, tier: "vip", firstReply: "1h", periodicUpdate: "4h"),
        ],
        escalations: [
            EscalationRule(trigger: .warning, notify: "team-lead"),
            EscalationRule(trigger: .breach, notify: "manager"),
            EscalationRule(metric: .firstReply, trigger: .breach, after: "2h", notify: "head-of-support"),
        ])

    func evaluator() throws -> SLAEvaluator { try SLAEvaluator(policy: Self.policy, hours: try Self.officeHours()) }

    // 2026-03-02 is a Monday.
    let opened = utc("2026-03-02T16:00:00Z")

    @Test func firstReplyCountsOnlyBusinessHours() throws {
        let sla = try evaluator()
        let thread = SLAThreadSnapshot(openedAt: opened)
        let early = try #require(sla.evaluate(thread, at: utc("2026-03-02T16:30:00Z")).firstReply)
        #expect(early.status == .running)
        #expect(early.remaining == 3.5 * 3600)
        #expect(early.breachAt == utc("2026-03-03T12:00:00Z"))
        #expect(early.warningAt == utc("2026-03-03T11:30:00Z"))
        // Overnight nothing is counted.
        #expect(sla.evaluate(thread, at: utc("2026-03-03T08:00:00Z")).firstReply?.elapsed == 3600)
        #expect(sla.evaluate(thread, at: utc("2026-03-03T11:45:00Z")).firstReply?.status == .warning)
        #expect(sla.evaluate(thread, at: utc("2026-03-03T13:00:00Z")).firstReply?.status == .breached)
        #expect(sla.evaluate(thread, at: utc("2026-03-03T13:00:00Z")).firstReply?.remaining == -3600)
        var answered = thread
        answered.firstAgentReplyAt = utc("2026-03-03T10:00:00Z")
        answered.lastAgentMessageAt = answered.firstAgentReplyAt
        #expect(sla.evaluate(answered, at: utc("2026-03-04T10:00:00Z")).firstReply?.status == .met)
        answered.firstAgentReplyAt = utc("2026-03-03T12:30:00Z")
        #expect(sla.evaluate(answered, at: utc("2026-03-04T10:00:00Z")).firstReply?.status == .missed)
    }

    @Test func pendingCustomerPausesAndTheirReplyResumes() throws {
        let sla = try evaluator()
        let reply = utc("2026-03-02T16:10:00Z")
        var thread = SLAThreadSnapshot(status: .pendingCustomer, openedAt: opened, firstAgentReplyAt: reply,
                                       lastAgentMessageAt: reply, pendingPeriods: [PendingPeriod(start: reply)])
        let paused = try #require(sla.evaluate(thread, at: utc("2026-03-03T15:00:00Z")).resolution)
        #expect(paused.status == .paused)
        #expect(paused.elapsed == 600)  // only 16:00-16:10 counted
        #expect(paused.breachAt == nil)
        #expect(sla.evaluate(thread, at: utc("2026-03-03T15:00:00Z")).nextReply == nil)

        // The customer replies Tuesday 10:00: the clock resumes and next reply starts.
        let customer = utc("2026-03-03T10:00:00Z")
        thread.slaStatus = .open
        thread.pendingPeriods = [PendingPeriod(start: reply, end: customer)]
        thread.lastCustomerMessageAt = customer
        let evaluation = sla.evaluate(thread, at: utc("2026-03-03T12:00:00Z"))
        let resolution = try #require(evaluation.resolution)
        #expect(resolution.status == .running)
        #expect(resolution.elapsed == 600 + 2 * 3600)
        // 16 h target - 10 min used: 15 h 50 min from Tuesday 10:00 = Wednesday 09:50 + 7 h... :
        // Tue 10:00-17:00 (7 h) + Wed 09:00-17:00 (8 h) + Thu 09:00-09:50.
        #expect(resolution.breachAt == utc("2026-03-05T09:50:00Z"))
        let next = try #require(evaluation.nextReply)
        #expect(next.startedAt == customer)
        #expect(next.breachAt == utc("2026-03-04T10:00:00Z"))
    }

    @Test func targetsMatchTheMostSpecificRow() throws {
        let sla = try evaluator()
        #expect(sla.target(.firstReply, priority: .normal, channel: .email, tier: .standard) == 14_400)
        #expect(sla.target(.firstReply, priority: .normal, channel: .chat, tier: .standard) == 300)
        #expect(sla.target(.firstReply, priority: .normal, channel: .email, tier: "vip") == 7200)
        #expect(sla.target(.firstReply, priority: .high, channel: .email, tier: "vip") == 3600)
        #expect(sla.target(.periodicUpdate, priority: .high, channel: .email, tier: "vip") == 14_400)
        #expect(sla.target(.periodicUpdate, priority: .low, channel: .email, tier: "vip") == nil)
        #expect(sla.target(.resolution, priority: .urgent, channel: .sms, tier: "unknown-tier") == 57_600)
    }

    @Test func escalationsAreEventsWithDueTimes() throws {
        let sla = try evaluator()
        let thread = SLAThreadSnapshot(openedAt: opened)
        let now = utc("2026-03-03T15:00:00Z")
        let evaluation = sla.evaluate(thread, at: now)
        let events = sla.escalations(for: evaluation, since: opened, now: now)
        #expect(events.map(\.notify) == ["team-lead", "manager", "head-of-support"])
        #expect(events.map(\.dueAt) == [utc("2026-03-03T11:30:00Z"), utc("2026-03-03T12:00:00Z"), utc("2026-03-03T14:00:00Z")])
        // Checking again later does not repeat them.
        #expect(sla.escalations(for: sla.evaluate(thread, at: utc("2026-03-03T15:30:00Z")), since: now,
                                now: utc("2026-03-03T15:30:00Z")).isEmpty)
    }

    @Test func clocksFollowAnInjectedClock() throws {
        let sla = try evaluator()
        let clock = ManualClock(opened)
        let thread = SLAThreadSnapshot(openedAt: opened)
        #expect(sla.evaluate(thread, at: clock.now).firstReply?.elapsed == 0)
        clock.advance(by: 30 * 60)
        #expect(sla.evaluate(thread, at: clock.now).firstReply?.elapsed == 1800)
        #expect(FixedClock(opened).now == opened)
    }

    @Test func invalidSLAPolicyIsRejectedWithPaths() throws {
        let bad = SLAPolicy(targets: [SLATarget(firstReply: "0s"), SLATarget()])
        #expect(throws: PolicyValidationError.self) { try SLAEvaluator(policy: bad, hours: AlwaysOpen()) }
        #expect(bad.validate(path: "sla").map(\.path) == ["sla.targets[0].firstReply", "sla.targets[1]"])
    }
}
