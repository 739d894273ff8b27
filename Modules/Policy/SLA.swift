import CustomerModel
import Foundation

/// A stretch during which the thread waited on the customer. `end == nil` means it still does.
public struct PendingPeriod: Hashable, Sendable, Codable {
    /// When the thread went pending.
    public var start: Date
    /// When the customer replied, or `nil` while still pending.
    public var end: Date?

    /// A pending period.
    public init(start: Date, end: Date? = nil) {
        self.start = start
        self.end = end
    }
}

/// What SLA evaluation needs to know about a thread. Policy owns this seam so that it need not
/// import Conversation; a thread type conforms by mapping its own fields.
public protocol SLAThread {
    /// Where the thread stands: clocks pause while it is pending the customer and stop once it
    /// is solved or closed; new, open and on-hold threads run them.
    var slaStatus: ThreadStatus { get }
    /// Priority.
    var slaPriority: TicketPriority { get }
    /// Channel the thread is on.
    var slaChannel: ChannelKind { get }
    /// Customer or contract tier.
    var slaTier: CustomerTier { get }
    /// When the customer first wrote.
    var openedAt: Date { get }
    /// The first agent reply, if any.
    var firstAgentReplyAt: Date? { get }
    /// The customer's latest message.
    var lastCustomerMessageAt: Date? { get }
    /// The latest agent message (reply or update).
    var lastAgentMessageAt: Date? { get }
    /// Periods spent waiting on the customer, oldest first.
    var pendingPeriods: [PendingPeriod] { get }
    /// When the thread was solved, if it is.
    var resolvedAt: Date? { get }
}

/// A plain value conforming to ``SLAThread``: for tests, benchmarks and hosts without their own type.
public struct SLAThreadSnapshot: SLAThread, Hashable, Sendable, Codable {
    /// Where the thread stands: clocks pause while it is pending the customer and stop once it
    /// is solved or closed; new, open and on-hold threads run them.
    public var slaStatus: ThreadStatus
    /// Priority.
    public var slaPriority: TicketPriority
    /// Channel.
    public var slaChannel: ChannelKind
    /// Tier.
    public var slaTier: CustomerTier
    /// When the customer first wrote.
    public var openedAt: Date
    /// The first agent reply.
    public var firstAgentReplyAt: Date?
    /// The customer's latest message.
    public var lastCustomerMessageAt: Date?
    /// The latest agent message.
    public var lastAgentMessageAt: Date?
    /// Pending periods, oldest first.
    public var pendingPeriods: [PendingPeriod]
    /// When solved.
    public var resolvedAt: Date?

    /// A snapshot; a new thread needs only the first five fields.
    public init(
        status: ThreadStatus = .open, priority: TicketPriority = .normal, channel: ChannelKind = .email,
        tier: CustomerTier = .standard, openedAt: Date, firstAgentReplyAt: Date? = nil,
        lastCustomerMessageAt: Date? = nil, lastAgentMessageAt: Date? = nil,
        pendingPeriods: [PendingPeriod] = [], resolvedAt: Date? = nil
    ) {
        self.slaStatus = status
        self.slaPriority = priority
        self.slaChannel = channel
        self.slaTier = tier
        self.openedAt = openedAt
        self.firstAgentReplyAt = firstAgentReplyAt
        self.lastCustomerMessageAt = lastCustomerMessageAt ?? openedAt
        self.lastAgentMessageAt = lastAgentMessageAt
        self.pendingPeriods = pendingPeriods
        self.resolvedAt = resolvedAt
    }
}

/// The four SLA measures.
public enum SLAMetric: String, Hashable, Sendable, Codable, CaseIterable {
    /// Customer's first message → first agent reply.
    case firstReply
    /// A customer message after the first reply → the agent's answer to it.
    case nextReply
    /// Longest silence from the team while the thread is open (B2B cases that take days).
    case periodicUpdate
    /// Opened → solved.
    case resolution
}

/// One row of targets, matched by priority × channel × tier; an absent key matches any value.
/// The most specific matching row wins per metric (most keys given; earlier row on a tie).
public struct SLATarget: Hashable, Sendable, Codable {
    /// Priority this row applies to, or any.
    public var priority: TicketPriority?
    /// Channel, or any.
    public var channel: ChannelKind?
    /// Tier, or any.
    public var tier: CustomerTier?
    /// First reply target.
    public var firstReply: PolicyDuration?
    /// Next reply target.
    public var nextReply: PolicyDuration?
    /// Periodic update target.
    public var periodicUpdate: PolicyDuration?
    /// Resolution target.
    public var resolution: PolicyDuration?

    /// A target row.
    public init(
        priority: TicketPriority? = nil, channel: ChannelKind? = nil, tier: CustomerTier? = nil,
        firstReply: PolicyDuration? = nil, nextReply: PolicyDuration? = nil,
        periodicUpdate: PolicyDuration? = nil, resolution: PolicyDuration? = nil
    ) {
        self.priority = priority
        self.channel = channel
        self.tier = tier
        self.firstReply = firstReply
        self.nextReply = nextReply
        self.periodicUpdate = periodicUpdate
        self.resolution = resolution
    }

    func duration(_ metric: SLAMetric) -> PolicyDuration? {
        switch metric {
        case .firstReply: firstReply
        case .nextReply: nextReply
        case .periodicUpdate: periodicUpdate
        case .resolution: resolution
        }
    }

    var specificity: Int { (priority == nil ? 0 : 1) + (channel == nil ? 0 : 1) + (tier == nil ? 0 : 1) }
}

/// When an escalation fires.
public enum EscalationTrigger: String, Hashable, Sendable, Codable {
    /// At the warning instant (``SLAPolicy/warningBefore`` before the breach).
    case warning
    /// At the breach instant plus ``EscalationRule/after``.
    case breach
}

/// An escalation: when a clock reaches a trigger, notify someone.
public struct EscalationRule: Hashable, Sendable, Codable {
    /// The metric, or every metric when absent.
    public var metric: SLAMetric?
    /// Warning or breach.
    public var trigger: EscalationTrigger
    /// Business time after the trigger (e.g. `"2h"` after breach for a second level).
    public var after: PolicyDuration?
    /// Who is told (a team or role name).
    public var notify: String

    /// A rule.
    public init(metric: SLAMetric? = nil, trigger: EscalationTrigger, after: PolicyDuration? = nil, notify: String) {
        self.metric = metric
        self.trigger = trigger
        self.after = after
        self.notify = notify
    }
}

/// The SLA section of a policy.
public struct SLAPolicy: Hashable, Sendable, Codable {
    /// Whether targets count business time (the selected calendar) or around-the-clock time.
    public var businessHours: Bool
    /// How long before a breach a clock turns to warning.
    public var warningBefore: PolicyDuration
    /// Target rows.
    public var targets: [SLATarget]
    /// Escalations.
    public var escalations: [EscalationRule]

    /// An SLA policy.
    public init(businessHours: Bool = true, warningBefore: PolicyDuration = "30m", targets: [SLATarget], escalations: [EscalationRule] = []) {
        self.businessHours = businessHours
        self.warningBefore = warningBefore
        self.targets = targets
        self.escalations = escalations
    }

    private enum CodingKeys: String, CodingKey { case businessHours, warningBefore, targets, escalations }

    /// Decodes; `businessHours` defaults to true, `warningBefore` to 30 minutes, `escalations` to none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        businessHours = try c.decodeIfPresent(Bool.self, forKey: .businessHours) ?? true
        warningBefore = try c.decodeIfPresent(PolicyDuration.self, forKey: .warningBefore) ?? "30m"
        targets = try c.decodeIfPresent([SLATarget].self, forKey: .targets) ?? []
        escalations = try c.decodeIfPresent([EscalationRule].self, forKey: .escalations) ?? []
    }

    /// Every problem, with paths under `path`.
    public func validate(path: String) -> [PolicyIssue] {
        var issues = warningBefore.validatePositive(path: "\(path).warningBefore")
        if targets.isEmpty { issues.append(PolicyIssue(path: "\(path).targets", message: "must list at least one target")) }
        for (i, target) in targets.enumerated() {
            let p = "\(path).targets[\(i)]"
            var any = false
            for metric in SLAMetric.allCases {
                if let d = target.duration(metric) {
                    any = true
                    issues += d.validatePositive(path: "\(p).\(metric.rawValue)")
                }
            }
            if !any { issues.append(PolicyIssue(path: p, message: "sets no target (firstReply, nextReply, periodicUpdate or resolution)")) }
            if let tier = target.tier, tier.rawValue.isEmpty {
                issues.append(PolicyIssue(path: "\(p).tier", message: "must not be empty"))
            }
        }
        for (i, rule) in escalations.enumerated() {
            let p = "\(path).escalations[\(i)]"
            if let after = rule.after, let s = after.seconds, s < 0 {
                issues.append(PolicyIssue(path: "\(p).after", message: "must not be negative"))
            } else if let after = rule.after, after.seconds == nil {
                issues += after.validatePositive(path: "\(p).after")
            }
            if rule.notify.isEmpty { issues.append(PolicyIssue(path: "\(p).notify", message: "must name who is notified")) }
        }
        return issues
    }
}

/// Where one SLA clock stands.
public enum SLAClockStatus: String, Hashable, Sendable, Codable {
    /// Counting down.
    case running
    /// Counting down, less than the warning margin left.
    case warning
    /// Paused while pending the customer.
    case paused
    /// Target missed, clock still open.
    case breached
    /// Completed within target.
    case met
    /// Completed after the target.
    case missed
}

/// One SLA clock of one thread at one instant.
public struct SLAClockState: Hashable, Sendable {
    /// Which measure.
    public var metric: SLAMetric
    /// Status.
    public var status: SLAClockStatus
    /// Target in (business) seconds.
    public var target: TimeInterval
    /// When the clock started.
    public var startedAt: Date
    /// Counted time so far (business time, pauses excluded).
    public var elapsed: TimeInterval
    /// `target - elapsed`; negative once breached.
    public var remaining: TimeInterval { target - elapsed }
    /// When the clock breaches (or breached); `nil` while paused with time left, or when the
    /// calendar never opens again.
    public var breachAt: Date?
    /// When the clock turns (or turned) to warning.
    public var warningAt: Date?
}

/// All clocks of one thread at one instant; a clock is `nil` when it does not apply.
public struct SLAEvaluation: Hashable, Sendable {
    /// First reply clock.
    public var firstReply: SLAClockState?
    /// Next reply clock.
    public var nextReply: SLAClockState?
    /// Periodic update clock.
    public var periodicUpdate: SLAClockState?
    /// Resolution clock.
    public var resolution: SLAClockState?

    /// The clocks that apply.
    public var clocks: [SLAClockState] { [firstReply, nextReply, periodicUpdate, resolution].compactMap { $0 } }

    /// The open clock that breaches first.
    public var nextBreach: SLAClockState? {
        clocks.filter { $0.status == .running || $0.status == .warning }
            .min { ($0.breachAt ?? .distantFuture) < ($1.breachAt ?? .distantFuture) }
    }
}

/// What an escalation event says happened.
public enum SLAEventKind: String, Hashable, Sendable, Codable {
    /// A clock entered its warning margin.
    case warning
    /// A clock breached (or an escalation level after it came due).
    case breach
}

/// An escalation that came due: a value with a timestamp, for the event log.
public struct SLAEscalationEvent: Hashable, Sendable, Codable {
    /// Metric.
    public var metric: SLAMetric
    /// Warning or breach.
    public var kind: SLAEventKind
    /// When it came due.
    public var dueAt: Date
    /// Who is told.
    public var notify: String
    /// Index of the rule in ``SLAPolicy/escalations``.
    public var ruleIndex: Int
}

/// Targets compiled into a table indexed by tier × priority × channel, evaluated against hours.
/// Build it once per policy (and calendar); evaluation is allocation-free apart from the result.
public struct SLAEvaluator: Sendable {
    /// The policy it was compiled from.
    public let policy: SLAPolicy
    /// The hours clocks run in.
    public let hours: any BusinessHours
    private let tierIndex: [CustomerTier: Int]
    /// Per (tier slot, priority, channel): target seconds per metric (`-1` = none).
    private let table: [ResolvedTargets]
    private let warning: TimeInterval

    struct ResolvedTargets: Sendable {
        var seconds: (Double, Double, Double, Double) = (-1, -1, -1, -1)
        subscript(metric: SLAMetric) -> Double {
            get {
                switch metric {
                case .firstReply: seconds.0
                case .nextReply: seconds.1
                case .periodicUpdate: seconds.2
                case .resolution: seconds.3
                }
            }
            set {
                switch metric {
                case .firstReply: seconds.0 = newValue
                case .nextReply: seconds.1 = newValue
                case .periodicUpdate: seconds.2 = newValue
                case .resolution: seconds.3 = newValue
                }
            }
        }
    }

    /// Compiles `policy`; `hours` is the selected calendar (ignored when `businessHours` is false).
    ///
    /// - Throws: ``PolicyValidationError`` with every issue of the SLA section.
    public init(policy: SLAPolicy, hours: any BusinessHours) throws(PolicyValidationError) {
        let issues = policy.validate(path: "sla")
        guard issues.isEmpty else { throw PolicyValidationError(issues: issues) }
        self.policy = policy
        self.hours = policy.businessHours ? hours : AlwaysOpen()
        self.warning = policy.warningBefore.timeInterval
        var tiers: [CustomerTier] = []
        for target in policy.targets { if let t = target.tier, !tiers.contains(t) { tiers.append(t) } }
        var index: [CustomerTier: Int] = [:]
        for (i, t) in tiers.enumerated() { index[t] = i }
        self.tierIndex = index
        // The last slot is for tiers no row names.
        let slots = tiers.count + 1
        var table: [ResolvedTargets] = []
        table.reserveCapacity(slots * TicketPriority.allCases.count * ChannelKind.allCases.count)
        for slot in 0..<slots {
            let tier: CustomerTier? = slot < tiers.count ? tiers[slot] : nil
            for priority in TicketPriority.allCases {
                for channel in ChannelKind.allCases {
                    var resolved = ResolvedTargets()
                    for metric in SLAMetric.allCases {
                        var best: (specificity: Int, seconds: Double)? = nil
                        for target in policy.targets {
                            guard let d = target.duration(metric)?.seconds,
                                  target.priority == nil || target.priority == priority,
                                  target.channel == nil || target.channel == channel,
                                  target.tier == nil || target.tier == tier
                            else { continue }
                            if best == nil || target.specificity > best?.specificity ?? 0 {
                                best = (target.specificity, Double(d))
                            }
                        }
                        resolved[metric] = best?.seconds ?? -1
                    }
                    table.append(resolved)
                }
            }
        }
        self.table = table
    }

    /// The target for a metric, or `nil` when no row sets one.
    public func target(_ metric: SLAMetric, priority: TicketPriority, channel: ChannelKind, tier: CustomerTier) -> TimeInterval? {
        let t = targets(priority: priority, channel: channel, tier: tier)[metric]
        return t < 0 ? nil : t
    }

    private func targets(priority: TicketPriority, channel: ChannelKind, tier: CustomerTier) -> ResolvedTargets {
        let slot = tierIndex[tier] ?? tierIndex.count
        let p = priorityIndex(priority), c = channelIndex(channel)
        return table[(slot * TicketPriority.allCases.count + p) * ChannelKind.allCases.count + c]
    }

    @inline(__always) private func priorityIndex(_ p: TicketPriority) -> Int {
        switch p {
        case .low: 0
        case .normal: 1
        case .high: 2
        case .urgent: 3
        }
    }

    @inline(__always) private func channelIndex(_ c: ChannelKind) -> Int {
        switch c {
        case .email: 0
        case .chat: 1
        case .phone: 2
        case .social: 3
        case .sms: 4
        case .webForm: 5
        case .chatbot: 6
        }
    }

    /// Every clock of `thread` at `now`.
    public func evaluate(_ thread: some SLAThread, at now: Date) -> SLAEvaluation {
        let t = targets(priority: thread.slaPriority, channel: thread.slaChannel, tier: thread.slaTier)
        let pauses = thread.pendingPeriods
        let paused = thread.slaStatus == .pendingCustomer
        var result = SLAEvaluation()
        if t.seconds.0 >= 0 {
            result.firstReply = clock(.firstReply, target: t.seconds.0, start: thread.openedAt,
                                      stop: thread.firstAgentReplyAt, pauses: pauses, paused: paused, now: now)
        }
        let solved = (thread.slaStatus == .solved || thread.slaStatus == .closed)
        if t.seconds.1 >= 0, !solved, thread.firstAgentReplyAt != nil, let customer = thread.lastCustomerMessageAt,
           customer > (thread.lastAgentMessageAt ?? .distantPast) {
            result.nextReply = clock(.nextReply, target: t.seconds.1, start: customer, stop: nil,
                                     pauses: pauses, paused: paused, now: now)
        }
        if t.seconds.2 >= 0, !solved, let agent = thread.lastAgentMessageAt {
            result.periodicUpdate = clock(.periodicUpdate, target: t.seconds.2, start: agent, stop: nil,
                                          pauses: pauses, paused: paused, now: now)
        }
        if t.seconds.3 >= 0 {
            result.resolution = clock(.resolution, target: t.seconds.3, start: thread.openedAt,
                                      stop: solved ? thread.resolvedAt : nil, pauses: pauses, paused: paused, now: now)
        }
        return result
    }

    /// Escalations of `evaluation` that came due in `(since, now]`, in time order.
    public func escalations(for evaluation: SLAEvaluation, since: Date, now: Date) -> [SLAEscalationEvent] {
        var events: [SLAEscalationEvent] = []
        for clock in evaluation.clocks where clock.status != .met && clock.status != .missed {
            for (i, rule) in policy.escalations.enumerated() where rule.metric == nil || rule.metric == clock.metric {
                let base = rule.trigger == .warning ? clock.warningAt : clock.breachAt
                guard let base else { continue }
                let extra = rule.after?.timeInterval ?? 0
                guard let due = extra > 0 ? hours.date(byAddingBusinessTime: extra, to: base) : base else { continue }
                if due > since, due <= now {
                    events.append(SLAEscalationEvent(
                        metric: clock.metric, kind: rule.trigger == .warning ? .warning : .breach,
                        dueAt: due, notify: rule.notify, ruleIndex: i))
                }
            }
        }
        return events.sorted { ($0.dueAt, $0.ruleIndex) < ($1.dueAt, $1.ruleIndex) }
    }

    private func clock(
        _ metric: SLAMetric, target: Double, start: Date, stop: Date?, pauses: [PendingPeriod], paused: Bool, now: Date
    ) -> SLAClockState {
        let end = stop.map { min($0, now) } ?? now
        var elapsed = hours.businessTime(from: start, to: end)
        for pause in pauses {
            let a = max(pause.start, start), b = min(pause.end ?? end, end)
            if a < b { elapsed -= hours.businessTime(from: a, to: b) }
        }
        let breachAt = instant(after: target, from: start, pauses: pauses)
        let warningAt = target > warning ? instant(after: target - warning, from: start, pauses: pauses) : start
        var state = SLAClockState(metric: metric, status: .running, target: target, startedAt: start,
                                  elapsed: elapsed, breachAt: breachAt, warningAt: warningAt)
        if let stop, stop <= now {
            state.status = elapsed <= target ? .met : .missed
        } else if elapsed >= target {
            state.status = .breached
        } else if paused {
            state.status = .paused
            if pauses.last?.end == nil { state.breachAt = nil }
        } else if let warningAt, now >= warningAt {
            state.status = .warning
        }
        return state
    }

    /// The instant at which `amount` of counted time has elapsed after `start`, skipping pauses;
    /// `nil` while an open pause stands in the way.
    private func instant(after amount: Double, from start: Date, pauses: [PendingPeriod]) -> Date? {
        var remaining = amount
        var cursor = start
        for pause in pauses {
            guard let pauseEnd = pause.end else {
                // Open-ended pause: the clock only reaches the target before it starts.
                guard pause.start > cursor, let candidate = hours.date(byAddingBusinessTime: remaining, to: cursor)
                else { return nil }
                return candidate <= pause.start ? candidate : nil
            }
            guard pauseEnd > cursor else { continue }
            if pause.start > cursor {
                guard let candidate = hours.date(byAddingBusinessTime: remaining, to: cursor) else { return nil }
                if candidate <= pause.start { return candidate }
                remaining -= hours.businessTime(from: cursor, to: pause.start)
            }
            cursor = pauseEnd
        }
        return hours.date(byAddingBusinessTime: remaining, to: cursor)
    }
}
