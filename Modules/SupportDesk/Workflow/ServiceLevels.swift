import Conversation
import CustomerModel
import Foundation
import Policy
import Storage

/// One thread's SLA facts as the store keeps them (workflow record `sla`, keyed by ticket
/// number): what the policy's clocks read, advanced in the transaction of every event that
/// moves them — a message in or out, a status, priority or team change, a merge or split.
/// The clocks themselves are computed from these facts at any instant (``SLAEvaluator``).
public struct ThreadServiceLevel: Hashable, Sendable, Codable, SLAThread {
    /// The ticket.
    public var thread: ThreadID
    /// Its owner (the customer, or the B2B account).
    public var owner: PartyID
    /// The ticket's status, as of the last event.
    public var status: ThreadStatus
    /// The ticket's priority.
    public var priority: TicketPriority
    /// The channel the conversation started on.
    public var channel: ChannelKind
    /// The customer's tier, or the B2B account's contract tier.
    public var tier: CustomerTier
    /// The B2B account (its calendar comes first), nil for B2C.
    public var account: PartyID?
    /// The team it is queued for (its calendar comes next).
    public var team: String?
    /// The language of the customer's latest message (routing reads it).
    public var language: String?
    /// The customer's first message.
    public var openedAt: Date
    /// The first reply by a person (the bot's answers do not count).
    public var firstAgentReplyAt: Date?
    /// The customer's latest message.
    public var lastCustomerMessageAt: Date?
    /// The desk's latest message.
    public var lastAgentMessageAt: Date?
    /// Periods spent pending the customer (the clocks pause).
    public var pendingPeriods: [PendingPeriod]
    /// When it was solved (nil while open).
    public var resolvedAt: Date?
    /// The instant escalations were last looked for.
    public var evaluatedAt: Date
    /// Escalations already logged (`metric|rule|due`), so none is logged twice.
    public var escalated: Set<String>

    /// The workflow record kind.
    public static let kind = "sla"

    // MARK: SLAThread

    public var slaStatus: ThreadStatus { status }
    public var slaPriority: TicketPriority { priority }
    public var slaChannel: ChannelKind { channel }
    public var slaTier: CustomerTier { tier }

    /// The kind of a message's channel (what SLA targets and routing name).
    public static func channel(_ channel: Channel) -> ChannelKind { channel.kind }
}

/// Where one open ticket stands in the SLA queue at an instant.
public struct QueueEntry: Hashable, Sendable {
    /// The ticket.
    public var thread: SupportThread
    /// Its SLA facts.
    public var level: ThreadServiceLevel
    /// The clock that comes due first (breached clocks first of all); nil without a policy or target.
    public var due: SLAClockState?
    /// Every clock that applies.
    public var clocks: [SLAClockState]
    /// The calendar (or union) the clocks count in.
    public var calendar: String?
}

/// The SLA engine of a desk transaction: reads and writes the threads' `sla` records, and
/// appends an escalation event for every warning or breach that came due since the last look.
/// Lives for one transaction (evaluators are compiled once per calendar in it).
final class ServiceLevelKeeper {
    let policy: CompiledSupportPolicy?
    let transaction: DeskTransaction
    private var evaluators: [String: SLAEvaluator] = [:]
    /// The first replies and breaches of this transaction, for live metrics after it commits.
    var observed = DeskObservations()

    init(policy: CompiledSupportPolicy?, transaction: DeskTransaction) {
        self.policy = policy
        self.transaction = transaction
    }

    func load(_ thread: ThreadID) throws(StorageError) -> ThreadServiceLevel? {
        try transaction.workflowRecord(kind: ThreadServiceLevel.kind, key: Self.key(thread))?.decoded(as: ThreadServiceLevel.self)
    }

    func save(_ level: ThreadServiceLevel) throws(StorageError) {
        transaction.putWorkflowRecord(try .encoding(
            level, kind: ThreadServiceLevel.kind, key: Self.key(level.thread), party: level.owner, thread: level.thread))
    }

    /// Keys sort as numbers do (the queue lists records in ticket order before sorting by due time).
    static func key(_ thread: ThreadID) -> String {
        let digits = String(thread.rawValue)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    /// The facts of a thread after `message` joined it (or after an act on it when nil), then
    /// the escalations due by `now`.
    func advance(_ threadID: ThreadID, message: SupportMessage?, at now: Date) throws(StorageError) {
        guard let thread = try transaction.currentThread(threadID) else { return }
        var level: ThreadServiceLevel
        if let stored = try load(thread.id) {
            level = stored
        } else {
            let opened = message?.sentAt ?? thread.createdAt
            level = ThreadServiceLevel(
                thread: thread.id, owner: thread.owner, status: thread.status, priority: thread.priority,
                channel: ThreadServiceLevel.channel(message?.channel ?? .email), tier: .standard, account: nil, team: thread.team,
                language: nil,
                openedAt: opened, firstAgentReplyAt: nil, lastCustomerMessageAt: nil, lastAgentMessageAt: nil,
                pendingPeriods: [], resolvedAt: nil, evaluatedAt: opened, escalated: [])
            try refreshOwner(&level, owner: thread.owner)
        }
        if let message {
            switch message.direction {
            case .inbound:
                level.lastCustomerMessageAt = max(level.lastCustomerMessageAt ?? message.sentAt, message.sentAt)
                level.openedAt = min(level.openedAt, message.sentAt)
                if let language = message.language { level.language = language }
            case .outbound:
                level.lastAgentMessageAt = max(level.lastAgentMessageAt ?? message.sentAt, message.sentAt)
                // The bot's turns are not a person's reply; the desk's mail is, named agent or not.
                if message.channel != .chatbot || message.agent != nil, level.firstAgentReplyAt == nil {
                    level.firstAgentReplyAt = message.sentAt
                    observed.firstResponses.append((message.channel.intakeName, max(0, message.sentAt.timeIntervalSince(level.openedAt))))
                }
            case .internalNote: break
            }
        }
        if level.owner != thread.owner { try refreshOwner(&level, owner: thread.owner) }
        Self.follow(&level, status: thread.status, at: now)
        level.priority = thread.priority
        level.team = thread.team
        try escalate(&level, at: now)
        try save(level)
    }

    /// A merge: the surviving thread's facts take in the merged one's (earliest start and
    /// first reply, latest messages).
    func absorb(_ merged: ThreadID, into target: ThreadID, at now: Date) throws(StorageError) {
        if let source = try load(merged), var level = try load(target) {
            level.openedAt = min(level.openedAt, source.openedAt)
            level.firstAgentReplyAt = [level.firstAgentReplyAt, source.firstAgentReplyAt].compactMap { $0 }.min()
            level.lastCustomerMessageAt = [level.lastCustomerMessageAt, source.lastCustomerMessageAt].compactMap { $0 }.max()
            level.lastAgentMessageAt = [level.lastAgentMessageAt, source.lastAgentMessageAt].compactMap { $0 }.max()
            try save(level)
        }
        try advance(target, message: nil, at: now)
    }

    /// A split: the new thread starts with the facts of the one it came from.
    func copy(_ source: ThreadID, to split: ThreadID, at now: Date) throws(StorageError) {
        if var level = try load(source) {
            level.thread = split
            level.escalated = []
            try save(level)
        }
        try advance(split, message: nil, at: now)
    }

    /// Pending periods open and close with the status; solving stamps the resolution.
    static func follow(_ level: inout ThreadServiceLevel, status: ThreadStatus, at now: Date) {
        guard status != level.status else { return }
        if level.status == .pendingCustomer, let last = level.pendingPeriods.indices.last, level.pendingPeriods[last].end == nil {
            level.pendingPeriods[last].end = max(now, level.pendingPeriods[last].start)
        }
        if status == .pendingCustomer { level.pendingPeriods.append(PendingPeriod(start: now)) }
        if status == .solved || status == .closed {
            if level.resolvedAt == nil { level.resolvedAt = now }
        } else {
            level.resolvedAt = nil
        }
        level.status = status
    }

    private func refreshOwner(_ level: inout ThreadServiceLevel, owner: PartyID) throws(StorageError) {
        level.owner = owner
        switch try transaction.party(try transaction.primaryParty(of: owner)) {
        case .account(let account)?:
            level.account = account.id
            level.tier = account.profile.tier
        case .customer(let customer)?:
            level.account = nil
            level.tier = customer.profile.tier
        case .stakeholder(let stakeholder)?:
            level.account = stakeholder.accountID
            level.tier = stakeholder.profile.tier
        case nil:
            level.account = nil
        }
    }

    /// The calendar and evaluator for a thread's facts (account → team → default).
    func evaluator(for level: ThreadServiceLevel) -> (calendar: String, evaluator: SLAEvaluator)? {
        guard let policy else { return nil }
        let calendar = policy.document.calendarSelection.calendarID(account: level.account?.rawValue, team: level.team)
        if let cached = evaluators[calendar] { return (calendar, cached) }
        guard let made = try? policy.slaEvaluator(account: level.account?.rawValue, team: level.team) else { return nil }
        evaluators[calendar] = made
        return (calendar, made)
    }

    private func escalate(_ level: inout ThreadServiceLevel, at now: Date) throws(StorageError) {
        defer { level.evaluatedAt = max(level.evaluatedAt, now) }
        guard now > level.evaluatedAt, let (_, evaluator) = evaluator(for: level) else { return }
        let evaluation = evaluator.evaluate(level, at: now)
        var events: [NewSupportEvent] = []
        for escalation in evaluator.escalations(for: evaluation, since: level.evaluatedAt, now: now) {
            let key = "\(escalation.metric.rawValue)|\(escalation.ruleIndex)|\(escalation.dueAt.timeIntervalSince1970)"
            guard level.escalated.insert(key).inserted else { continue }
            if escalation.kind == .breach { observed.breaches.append(escalation.metric.rawValue) }
            events.append(NewSupportEvent(
                at: escalation.dueAt, thread: level.thread, party: level.owner,
                kind: .slaEscalated(target: "\(escalation.metric.rawValue):\(escalation.notify)", breached: escalation.kind == .breach)))
        }
        if !events.isEmpty { _ = try transaction.records.appendEvents(events) }
    }

    /// Escalations of every open thread due by `now` (a periodic tick).
    func sweep(at now: Date) throws(StorageError) -> Int {
        var count = 0
        for record in try transaction.workflowRecords(kind: ThreadServiceLevel.kind) {
            let level = try record.decoded(as: ThreadServiceLevel.self)
            guard let thread = try transaction.currentThread(level.thread), thread.id == level.thread, thread.status.isActive else {
                continue
            }
            let before = level.escalated.count
            try advance(thread.id, message: nil, at: now)
            count += (try load(thread.id)?.escalated.count ?? before) - before
        }
        return count
    }

    /// The open threads by SLA due time (breached and soonest first; threads without a target last).
    func queue(at now: Date) throws(StorageError) -> [QueueEntry] {
        var entries: [QueueEntry] = []
        for record in try transaction.workflowRecords(kind: ThreadServiceLevel.kind) {
            var level = try record.decoded(as: ThreadServiceLevel.self)
            guard let thread = try transaction.currentThread(level.thread), thread.id == level.thread, thread.status.isActive else {
                continue
            }
            Self.follow(&level, status: thread.status, at: now)
            level.priority = thread.priority
            level.team = thread.team
            var entry = QueueEntry(thread: thread, level: level, due: nil, clocks: [], calendar: nil)
            if let (calendar, evaluator) = evaluator(for: level) {
                let evaluation = evaluator.evaluate(level, at: now)
                entry.calendar = calendar
                entry.clocks = evaluation.clocks
                let open = evaluation.clocks.filter { [.running, .warning, .breached, .paused].contains($0.status) }
                entry.due = open.min { ($0.breachAt ?? .distantFuture, $0.metric.rawValue) < ($1.breachAt ?? .distantFuture, $1.metric.rawValue) }
            }
            entries.append(entry)
        }
        return entries.sorted {
            ($0.due?.breachAt ?? .distantFuture, $0.thread.id) < ($1.due?.breachAt ?? .distantFuture, $1.thread.id)
        }
    }
}
