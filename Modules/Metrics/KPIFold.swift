import Conversation
import CustomerModel
import Foundation
import Storage

/// One ticket as the fold has seen it so far.
public struct ThreadRecord: Hashable, Sendable, Codable {
    /// The ticket.
    public var thread: ThreadID
    /// Its owner (the customer, or the B2B account), as the log names it.
    public var party: PartyID?
    /// When it opened.
    public var openedAt: Double
    /// The customer's first message.
    public var firstInboundAt: Double?
    /// The first reply by a person (or the desk's mail).
    public var firstResponseAt: Double?
    /// The bot's first answer.
    public var firstBotAnswerAt: Double?
    /// The channel of its first message.
    public var channel: String?
    /// The language of its first inbound message.
    public var language: String?
    /// The agent assigned (else the first who replied).
    public var agent: String?
    /// The team it is queued for.
    public var team: String?
    /// Its priority.
    public var priority: String = "normal"
    /// Its tags.
    public var tags: Set<String> = []
    /// Its status.
    public var status: ThreadStatus = .new
    /// When it was last solved (nil while open).
    public var solvedAt: Double?
    /// Times it was reopened after being solved.
    public var reopened: Int = 0
    /// Replies by people.
    public var agentReplies: Int = 0
    /// Messages from the customer.
    public var inbound: Int = 0
    /// Messages from the desk (people and the bot).
    public var outbound: Int = 0
    /// Since when the customer waits for a reply (next-reply clock), nil when answered.
    public var awaitingSince: Double?
    /// Since when it is pending the customer.
    public var pendingSince: Double?
    /// Since when it is on hold.
    public var holdSince: Double?
    /// Seconds spent pending the customer.
    public var waitSeconds: Double = 0
    /// Seconds spent on hold.
    public var holdSeconds: Double = 0
    /// The normalised subject of its first message.
    public var subjectKey: String?
    /// The first order number its messages name.
    public var order: String?
    /// Merged into another ticket (it no longer counts on its own).
    public var merged: Bool = false
    /// SLA breaches logged, by target (`firstReply`, …).
    public var breaches: Set<String> = []
}

/// A next-reply interval: a customer's message after the first reply, and the desk's answer.
public struct ReplyInterval: Hashable, Sendable, Codable {
    /// The ticket.
    public var thread: ThreadID
    /// The customer's message.
    public var start: Double
    /// The answer.
    public var end: Double
}

/// A survey answer.
public struct SurveyAnswer: Hashable, Sendable, Codable {
    /// `nps` (0–10) or `csat` (1–5).
    public var kind: String
    /// The score.
    public var score: Int
    /// When answered.
    public var at: Double
    /// The ticket it is about, if any.
    public var thread: ThreadID?
    /// Who answered, if known.
    public var party: PartyID?
}

/// The KPIs' fold over the event log: one streaming pass, and incremental — folding more
/// events into a saved state (it is `Codable`) equals folding everything again. It keeps per
/// ticket what its KPIs need, next-reply intervals, inbound messages per quarter hour (UTC,
/// so busiest hours can be read in any zone later), complaint terms per day and language, and
/// survey answers; ``KPIReport`` reads a period of it.
public struct KPIFold: Hashable, Sendable, Codable {
    /// The last event folded (fold only events after it).
    public private(set) var cursor: Int64 = 0
    /// Tickets by number.
    public private(set) var threads: [ThreadID: ThreadRecord] = [:]
    /// Next-reply intervals.
    public private(set) var replies: [ReplyInterval] = []
    /// Inbound messages per quarter hour since the epoch (UTC).
    public private(set) var inboundByQuarter: [Int64: Int] = [:]
    /// Outbound messages per quarter hour since the epoch (UTC).
    public private(set) var outboundByQuarter: [Int64: Int] = [:]
    /// Complaint terms: day (since the epoch, UTC) → language → term → count.
    public private(set) var terms: [Int64: [String: [String: Int]]] = [:]
    /// Survey answers.
    public private(set) var surveys: [SurveyAnswer] = []

    /// An empty fold.
    public init() {}

    /// Folds events in log order; events at or below ``cursor`` are skipped (so a page read
    /// twice counts once).
    public mutating func fold(_ events: some Sequence<MetricsEvent>) {
        for event in events { fold(event) }
    }

    /// Folds one event.
    public mutating func fold(_ item: MetricsEvent) {
        let event = item.event
        guard event.sequence > cursor else { return }
        cursor = event.sequence
        let at = event.at.timeIntervalSince1970
        switch event.kind {
        case .threadOpened(let id):
            if threads[id] == nil { threads[id] = ThreadRecord(thread: id, party: event.party, openedAt: at) }
        case .received(_):
            inboundByQuarter[Self.quarter(at), default: 0] += 1
            if let facts = item.message, let language = facts.language, !facts.terms.isEmpty {
                let day = Int64((at / 86_400).rounded(.down))
                let key = String(language.prefix { $0 != "-" })
                for term in facts.terms { terms[day, default: [:]][key, default: [:]][term, default: 0] += 1 }
            }
            update(event.thread, at: at, party: event.party) { record in
                record.inbound += 1
                if record.firstInboundAt == nil {
                    record.firstInboundAt = at
                    record.channel = item.message.map { Self.channelName($0.channel) } ?? record.channel
                    record.language = item.message?.language.map { String($0.prefix { $0 != "-" }) }
                    record.subjectKey = item.message?.subjectKey
                }
                if record.order == nil { record.order = item.message?.order }
                if record.firstResponseAt != nil, record.awaitingSince == nil { record.awaitingSince = at }
            }
        case .replied(_, let agent):
            outboundByQuarter[Self.quarter(at), default: 0] += 1
            let isBot = item.message?.isBot ?? false
            var interval: ReplyInterval?
            update(event.thread, at: at, party: event.party) { record in
                record.outbound += 1
                if record.channel == nil, let facts = item.message { record.channel = Self.channelName(facts.channel) }
                if isBot {
                    if record.firstBotAnswerAt == nil { record.firstBotAnswerAt = at }
                    return
                }
                record.agentReplies += 1
                if record.firstResponseAt == nil {
                    record.firstResponseAt = at
                    if record.agent == nil { record.agent = agent?.rawValue }
                } else if let start = record.awaitingSince, at >= start {
                    interval = ReplyInterval(thread: record.thread, start: start, end: at)
                }
                record.awaitingSince = nil
            }
            if let interval { replies.append(interval) }
        case .statusChanged(let from, let to):
            update(event.thread, at: at, party: event.party) { record in
                if from == .pendingCustomer, let since = record.pendingSince {
                    record.waitSeconds += max(0, at - since)
                    record.pendingSince = nil
                }
                if from == .onHold, let since = record.holdSince {
                    record.holdSeconds += max(0, at - since)
                    record.holdSince = nil
                }
                if to == .pendingCustomer { record.pendingSince = at }
                if to == .onHold { record.holdSince = at }
                if to == .solved || to == .closed {
                    // Resolution ends at the first solve since the last reopening (closing a solved ticket keeps it).
                    if record.solvedAt == nil { record.solvedAt = at }
                } else if from == .solved || from == .closed {
                    record.reopened += 1
                    record.solvedAt = nil
                }
                record.status = to
            }
        case .assigned(let agent, let team):
            update(event.thread, at: at, party: event.party) { record in
                if let agent { record.agent = agent.rawValue }
                record.team = team
            }
        case .priorityChanged(_, let to):
            update(event.thread, at: at, party: event.party) { $0.priority = to.rawValue }
        case .tagsChanged(let added, let removed, _):
            update(event.thread, at: at, party: event.party) { record in
                record.tags.formUnion(added)
                record.tags.subtract(removed)
            }
        case .merged(let merged, _, _), .joinedByThreading(let merged, _):
            threads[merged]?.merged = true
        case .unmerged(let merged, _, _):
            threads[merged]?.merged = false
        case .slaEscalated(let target, let breached):
            guard breached else { return }
            let metric = String(target.prefix { $0 != ":" })
            update(event.thread, at: at, party: event.party) { $0.breaches.insert(metric) }
        case .surveyAnswered(let survey, let score):
            surveys.append(SurveyAnswer(kind: survey, score: score, at: at, thread: event.thread, party: event.party))
        case .ticketsErased(let deleted, _):
            for id in deleted { threads[id] = nil }
        case .noted, .split, .splitOff, .unsplit, .identityMerged, .identityUnmerged, .stakeholderMoved, .erased,
            .refundRequested, .refundApproved, .refundRefused, .handedOff:
            return
        }
    }

    private mutating func update(_ id: ThreadID?, at: Double, party: PartyID?, _ change: (inout ThreadRecord) -> Void) {
        guard let id else { return }
        // In place (no copy of the record); a thread whose opening event was erased, or came
        // before the fold started, counts from its first event here.
        change(&threads[id, default: ThreadRecord(thread: id, party: party, openedAt: at)])
    }

    /// The quarter hour (since the epoch, UTC) an instant falls in.
    static func quarter(_ seconds: Double) -> Int64 { Int64((seconds / 900).rounded(.down)) }

    /// The intake format's channel names (`email`, `chat`, `phone`, `sms`, `social`, `web_form`, `bot`).
    public static func channelName(_ channel: Channel) -> String {
        switch channel {
        case .email: "email"
        case .chat: "chat"
        case .phone: "phone"
        case .sms: "sms"
        case .social: "social"
        case .webForm: "web_form"
        case .chatbot: "bot"
        }
    }
}
