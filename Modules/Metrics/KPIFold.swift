import Conversation
import CustomerModel
import Foundation
import Storage

/// One ticket as the fold has seen it so far. Plain numbers only (names are indexes into the
/// fold's name table, ``KPIFold/name(_:)``), so folding an event copies nothing that counts
/// references.
public struct ThreadRecord: Hashable, Sendable, Codable {
    /// The ticket.
    public var thread: ThreadID
    /// Its owner (the customer, or the B2B account), as a name index (0: none).
    public var party: UInt32 = 0
    /// When it opened (seconds since 1970).
    public var openedAt: Double
    /// The customer's first message.
    public var firstInboundAt: Double?
    /// The first reply by a person (or the desk's mail).
    public var firstResponseAt: Double?
    /// The bot's first answer.
    public var firstBotAnswerAt: Double?
    /// The channel of its first message (``KPIFold/channelNames`` index + 1; 0: unknown).
    public var channel: UInt8 = 0
    /// The primary language of its first inbound message (name index; 0: unknown).
    public var language: UInt32 = 0
    /// The agent assigned, else the first who replied (name index; 0: none).
    public var agent: UInt32 = 0
    /// The team it is queued for (name index; 0: none).
    public var team: UInt32 = 0
    /// Its priority.
    public var priority: TicketPriority = .normal
    /// Its status.
    public var status: ThreadStatus = .new
    /// When it was last solved (nil while open).
    public var solvedAt: Double?
    /// Times it was reopened after being solved.
    public var reopened: Int32 = 0
    /// Replies by people.
    public var agentReplies: Int32 = 0
    /// Messages from the customer, and from the desk (people and the bot).
    public var inbound: Int32 = 0, outbound: Int32 = 0
    /// Since when the customer waits for a reply (next-reply clock), nil when answered.
    public var awaitingSince: Double?
    /// Since when it is pending the customer, or on hold.
    public var pendingSince: Double?, holdSince: Double?
    /// Seconds spent pending the customer, and on hold.
    public var waitSeconds: Double = 0, holdSeconds: Double = 0
    /// The normalised subject of its first message (name index; 0: none).
    public var subjectKey: UInt32 = 0
    /// The first order number its messages name (name index; 0: none).
    public var order: UInt32 = 0
    /// Merged into another ticket (it no longer counts on its own).
    public var merged: Bool = false
    /// SLA breaches logged: bit 0 first reply, 1 next reply, 2 periodic update, 3 resolution.
    public var breaches: UInt8 = 0

    /// A ticket first seen at `openedAt`.
    public init(thread: ThreadID, party: UInt32, openedAt: Double) {
        self.thread = thread
        self.party = party
        self.openedAt = openedAt
    }
}

/// A next-reply interval: a customer's message after the first reply, and the desk's answer.
public struct ReplyInterval: Hashable, Sendable, Codable {
    /// The ticket.
    public var thread: ThreadID
    /// The customer's message, and the answer.
    public var start: Double, end: Double
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

/// Counts per quarter hour since the epoch (UTC): a dense array from the first quarter seen,
/// and a table for any quarter far from it.
public struct QuarterCounts: Hashable, Sendable, Codable {
    var base: Int64?
    var dense: [Int32] = []
    var far: [Int64: Int32] = [:]
    /// About ten years of quarter hours; beyond that from the first, the table.
    static let span: Int64 = 10 * 366 * 96

    mutating func add(_ quarter: Int64) {
        guard let base else {
            self.base = quarter
            dense = [1]
            return
        }
        let offset = quarter - base
        if offset >= 0, offset < Self.span {
            if offset >= dense.count { dense.append(contentsOf: repeatElement(0, count: Int(offset) - dense.count + 1)) }
            dense[Int(offset)] += 1
        } else {
            far[quarter, default: 0] += 1
        }
    }

    /// Every quarter with its count.
    public var all: [(quarter: Int64, count: Int)] {
        var result: [(Int64, Int)] = []
        if let base { for (offset, count) in dense.enumerated() where count > 0 { result.append((base + Int64(offset), Int(count))) } }
        for (quarter, count) in far { result.append((quarter, Int(count))) }
        return result
    }
}

/// A complaint term's key: the day, the language and the term, as name indexes.
public struct TermKey: Hashable, Sendable, Codable {
    /// Days since 1970 (UTC).
    public var day: Int32
    /// The language's and the term's name indexes.
    public var language: UInt32, term: UInt32
}

/// The KPIs' fold over the event log: one streaming pass, and incremental — folding more
/// events into a saved state (it is `Codable`) equals folding everything again. It keeps per
/// ticket what its KPIs need (``ThreadRecord``), next-reply intervals, inbound and outbound
/// messages per quarter hour (UTC, so busiest hours can be read in any zone later), complaint
/// terms per day and language, tags and survey answers; ``KPIReport`` reads a period of it.
public struct KPIFold: Hashable, Sendable, Codable {
    // `lastLanguage` is a cache of the name table: it is neither compared, hashed nor saved.
    /// The last event folded (fold only events after it).
    public private(set) var cursor: Int64 = 0
    /// Tickets, in the order first seen.
    public private(set) var records: [ThreadRecord] = []
    /// Record index + 1 by ticket number − ``firstTicket`` (ticket numbers are dense: the store
    /// hands them out in order), so an event costs no hashing; 0: not seen.
    private var dense: [Int32] = []
    private var firstTicket: UInt64?
    /// Record indexes of tickets far from the others (a host's own numbering).
    private var sparse: [ThreadID: Int32] = [:]
    /// The last language name interned, and its index (consecutive messages share one).
    private var lastLanguage: (name: String, index: UInt32)?
    /// Names (parties, languages, agents, teams, subjects, orders, terms) by index; 0 is "none".
    private var names: [String] = [""]
    private var nameIndex: [String: UInt32] = ["": 0]
    /// Next-reply intervals.
    public private(set) var replies: [ReplyInterval] = []
    /// Inbound and outbound messages per quarter hour (UTC).
    public private(set) var inboundByQuarter = QuarterCounts(), outboundByQuarter = QuarterCounts()
    /// Complaint terms of inbound messages.
    public private(set) var terms: [TermKey: Int32] = [:]
    /// Tickets' tags.
    public private(set) var tags: [ThreadID: Set<String>] = [:]
    /// Survey answers.
    public private(set) var surveys: [SurveyAnswer] = []

    /// An empty fold.
    public init() {}

    /// The channel names a ``ThreadRecord/channel`` indexes (from 1).
    public static let channelNames = ["email", "chat", "phone", "sms", "social", "web_form", "bot"]

    /// The name at `index` (nil for 0, "none").
    public func name(_ index: UInt32) -> String? {
        index == 0 || Int(index) >= names.count ? nil : names[Int(index)]
    }

    /// A ticket's record.
    public func record(_ thread: ThreadID) -> ThreadRecord? { index(of: thread).map { records[$0] } }

    private func index(of thread: ThreadID) -> Int? {
        if let first = firstTicket, thread.rawValue >= first, thread.rawValue - first < UInt64(dense.count) {
            let stored = dense[Int(thread.rawValue - first)]
            return stored == 0 ? nil : Int(stored - 1)
        }
        return sparse[thread].map(Int.init)
    }

    private enum CodingKeys: String, CodingKey {
        case cursor, records, dense, firstTicket, sparse, names, replies, inboundByQuarter, outboundByQuarter, terms, tags, surveys
    }

    public static func == (a: KPIFold, b: KPIFold) -> Bool {
        a.cursor == b.cursor && a.records == b.records && a.dense == b.dense && a.firstTicket == b.firstTicket && a.sparse == b.sparse
            && a.names == b.names && a.replies == b.replies && a.inboundByQuarter == b.inboundByQuarter
            && a.outboundByQuarter == b.outboundByQuarter && a.terms == b.terms && a.tags == b.tags && a.surveys == b.surveys
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(cursor)
        hasher.combine(records)
    }

    /// Decodes a saved fold (the name index is rebuilt from the names).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cursor = try c.decode(Int64.self, forKey: .cursor)
        records = try c.decode([ThreadRecord].self, forKey: .records)
        dense = try c.decode([Int32].self, forKey: .dense)
        firstTicket = try c.decodeIfPresent(UInt64.self, forKey: .firstTicket)
        sparse = try c.decode([ThreadID: Int32].self, forKey: .sparse)
        names = try c.decode([String].self, forKey: .names)
        replies = try c.decode([ReplyInterval].self, forKey: .replies)
        inboundByQuarter = try c.decode(QuarterCounts.self, forKey: .inboundByQuarter)
        outboundByQuarter = try c.decode(QuarterCounts.self, forKey: .outboundByQuarter)
        terms = try c.decode([TermKey: Int32].self, forKey: .terms)
        tags = try c.decode([ThreadID: Set<String>].self, forKey: .tags)
        surveys = try c.decode([SurveyAnswer].self, forKey: .surveys)
        guard names.first == "" else { throw DecodingError.dataCorruptedError(forKey: .names, in: c, debugDescription: "name 0 must be empty") }
        for (index, name) in names.enumerated() { nameIndex[name] = UInt32(index) }
    }

    /// Encodes the fold for saving.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(cursor, forKey: .cursor)
        try c.encode(records, forKey: .records)
        try c.encode(dense, forKey: .dense)
        try c.encodeIfPresent(firstTicket, forKey: .firstTicket)
        try c.encode(sparse, forKey: .sparse)
        try c.encode(names, forKey: .names)
        try c.encode(replies, forKey: .replies)
        try c.encode(inboundByQuarter, forKey: .inboundByQuarter)
        try c.encode(outboundByQuarter, forKey: .outboundByQuarter)
        try c.encode(terms, forKey: .terms)
        try c.encode(tags, forKey: .tags)
        try c.encode(surveys, forKey: .surveys)
    }

    private mutating func intern(_ name: String?) -> UInt32 {
        guard let name, !name.isEmpty else { return 0 }
        if let index = nameIndex[name] { return index }
        let index = UInt32(names.count)
        names.append(name)
        nameIndex[name] = index
        return index
    }

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
            if index(of: id) == nil { _ = slot(id, at: at, party: event.party) }
        case .received:
            inboundByQuarter.add(Self.quarter(at))
            var language: UInt32 = 0
            if let facts = item.message {
                if let name = facts.language {
                    if let last = lastLanguage, last.name == name {
                        language = last.index
                    } else {
                        language = intern(Self.primary(name))
                        lastLanguage = (name, language)
                    }
                }
                if language != 0, !facts.terms.isEmpty {
                    let day = Int32((at / 86_400).rounded(.down))
                    for term in facts.terms { terms[TermKey(day: day, language: language, term: intern(term)), default: 0] += 1 }
                }
            }
            guard let thread = event.thread else { return }
            let index = slot(thread, at: at, party: event.party)
            if records[index].firstInboundAt == nil {
                let subject = intern(item.message?.subjectKey)
                let channel = item.message.map { Self.channelCode($0.channel) } ?? 0
                records[index].firstInboundAt = at
                records[index].language = language
                records[index].subjectKey = subject
                if records[index].channel == 0 { records[index].channel = channel }
            }
            if records[index].order == 0, let order = item.message?.order { records[index].order = intern(order) }
            records[index].inbound += 1
            if records[index].firstResponseAt != nil, records[index].awaitingSince == nil { records[index].awaitingSince = at }
        case .replied(_, let agent):
            outboundByQuarter.add(Self.quarter(at))
            guard let thread = event.thread else { return }
            let index = slot(thread, at: at, party: event.party)
            records[index].outbound += 1
            if records[index].channel == 0, let facts = item.message { records[index].channel = Self.channelCode(facts.channel) }
            if item.message?.isBot ?? false {
                if records[index].firstBotAnswerAt == nil { records[index].firstBotAnswerAt = at }
                return
            }
            records[index].agentReplies += 1
            if records[index].firstResponseAt == nil {
                records[index].firstResponseAt = at
                if records[index].agent == 0 { records[index].agent = intern(agent?.rawValue) }
            } else if let start = records[index].awaitingSince, at >= start {
                replies.append(ReplyInterval(thread: thread, start: start, end: at))
            }
            records[index].awaitingSince = nil
        case .statusChanged(let from, let to):
            guard let thread = event.thread else { return }
            let index = slot(thread, at: at, party: event.party)
            if from == .pendingCustomer, let since = records[index].pendingSince {
                records[index].waitSeconds += max(0, at - since)
                records[index].pendingSince = nil
            }
            if from == .onHold, let since = records[index].holdSince {
                records[index].holdSeconds += max(0, at - since)
                records[index].holdSince = nil
            }
            if to == .pendingCustomer { records[index].pendingSince = at }
            if to == .onHold { records[index].holdSince = at }
            if to == .solved || to == .closed {
                // Resolution ends at the first solve since the last reopening (closing a solved ticket keeps it).
                if records[index].solvedAt == nil { records[index].solvedAt = at }
            } else if from == .solved || from == .closed {
                records[index].reopened += 1
                records[index].solvedAt = nil
            }
            records[index].status = to
        case .assigned(let agent, let team):
            guard let thread = event.thread else { return }
            let index = slot(thread, at: at, party: event.party)
            let agentIndex = intern(agent?.rawValue), teamIndex = intern(team)
            if agentIndex != 0 { records[index].agent = agentIndex }
            records[index].team = teamIndex
        case .priorityChanged(_, let to):
            guard let thread = event.thread else { return }
            records[slot(thread, at: at, party: event.party)].priority = to
        case .tagsChanged(let added, let removed, _):
            guard let thread = event.thread else { return }
            _ = slot(thread, at: at, party: event.party)
            tags[thread, default: []].formUnion(added)
            tags[thread]?.subtract(removed)
        case .merged(let merged, _, _), .joinedByThreading(let merged, _):
            if let index = index(of: merged) { records[index].merged = true }
        case .unmerged(let merged, _, _):
            if let index = index(of: merged) { records[index].merged = false }
        case .slaEscalated(let target, let breached):
            guard breached, let thread = event.thread, let bit = Self.metricBit(String(target.prefix { $0 != ":" })) else { return }
            records[slot(thread, at: at, party: event.party)].breaches |= bit
        case .surveyAnswered(let survey, let score):
            surveys.append(SurveyAnswer(kind: survey, score: score, at: at, thread: event.thread, party: event.party))
        case .ticketsErased(let deleted, _):
            for id in deleted { if let index = index(of: id) { records[index].merged = true } }
        case .noted, .split, .splitOff, .unsplit, .identityMerged, .identityUnmerged, .stakeholderMoved, .erased,
            .refundRequested, .refundApproved, .refundRefused, .handedOff, .messageIDReused, .heldAsSuspicious:
            return
        }
    }

    /// The record's index, created at `at` when the ticket is new to the fold (its opening event
    /// was erased, or came before the fold started: it counts from its first event here).
    private mutating func slot(_ thread: ThreadID, at: Double, party: PartyID?) -> Int {
        if let known = index(of: thread) { return known }
        let index = records.count
        records.append(ThreadRecord(thread: thread, party: intern(party?.rawValue), openedAt: at))
        let first = firstTicket ?? thread.rawValue
        firstTicket = first
        // Dense while the numbers stay within 16M of the first one seen, the others in the table.
        if thread.rawValue >= first, thread.rawValue - first < 1 << 24 {
            let offset = Int(thread.rawValue - first)
            if offset >= dense.count { dense.append(contentsOf: repeatElement(0, count: offset - dense.count + 1)) }
            dense[offset] = Int32(index + 1)
        } else {
            sparse[thread] = Int32(index)
        }
        return index
    }

    /// The bit of an SLA metric's name in ``ThreadRecord/breaches``.
    public static func metricBit(_ metric: String) -> UInt8? {
        switch metric {
        case "firstReply": 1
        case "nextReply": 2
        case "periodicUpdate": 4
        case "resolution": 8
        default: nil
        }
    }

    static func primary(_ tag: String) -> String { String(tag.prefix { $0 != "-" }).lowercased() }

    /// The quarter hour (since the epoch, UTC) an instant falls in.
    static func quarter(_ seconds: Double) -> Int64 { Int64((seconds / 900).rounded(.down)) }

    static func channelCode(_ channel: Channel) -> UInt8 {
        switch channel {
        case .email: 1
        case .chat: 2
        case .phone: 3
        case .sms: 4
        case .social: 5
        case .webForm: 6
        case .chatbot: 7
        }
    }

    /// The intake format's channel names (`email`, `chat`, `phone`, `sms`, `social`, `web_form`, `bot`).
    public static func channelName(_ channel: Channel) -> String { channel.intakeName }

    /// A record's channel name (nil: unknown).
    public func channelName(of record: ThreadRecord) -> String? {
        record.channel == 0 ? nil : Self.channelNames[Int(record.channel) - 1]
    }
}
