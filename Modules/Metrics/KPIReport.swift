import Conversation
import CustomerModel
import Foundation
import Policy
import Storage

/// What a report breaks its KPIs down by.
public enum ReportDimension: String, Hashable, Sendable, CaseIterable {
    case channel, agent, team, language, tier, account
}

/// What a report needs to know about a ticket's owner (the store answers it).
public struct PartyFacts: Hashable, Sendable {
    /// The customer's tier, or the B2B account's contract tier.
    public var tier: String
    /// The B2B account (nil for B2C).
    public var account: String?

    /// Facts.
    public init(tier: String = "standard", account: String? = nil) {
        self.tier = tier
        self.account = account
    }
}

/// The options of one report.
public struct ReportOptions: Sendable {
    /// The period's start (inclusive) and end (exclusive).
    public var from: Date, to: Date
    /// The zone busiest hours are read in.
    public var zone: TimeZone
    /// The policy: calendars for business seconds, SLA targets (nil: no business time, no SLA).
    public var policy: CompiledSupportPolicy?
    /// Break the KPIs down by this too.
    public var by: ReportDimension?
    /// A new ticket within this many days after one of the customer's was solved, about the same
    /// order or subject, is a repeat contact.
    public var repeatWindowDays: Int
    /// How many complaint terms per language.
    public var topTerms: Int

    /// Options.
    public init(
        from: Date, to: Date, zone: TimeZone, policy: CompiledSupportPolicy? = nil, by: ReportDimension? = nil,
        repeatWindowDays: Int = 7, topTerms: Int = 10
    ) {
        self.from = from
        self.to = to
        self.zone = zone
        self.policy = policy
        self.by = by
        self.repeatWindowDays = repeatWindowDays
        self.topTerms = topTerms
    }
}

/// A duration KPI: wall-clock and, under the ticket's calendar, business seconds.
public struct DurationKPI: Hashable, Sendable {
    /// Wall-clock seconds.
    public var wall: DurationSummary
    /// Business seconds (nil without a policy).
    public var business: DurationSummary?
}

/// One complaint term and its change against the previous period of the same length.
public struct ComplaintTerm: Hashable, Sendable {
    /// The term (a stem) or tag.
    public var term: String
    /// Inbound messages (or tickets, for a tag) in the period.
    public var count: Int
    /// `count` minus the previous period's.
    public var change: Int
}

/// SLA attainment of one target.
public struct Attainment: Hashable, Sendable {
    /// Met and breached.
    public var met: Int, breached: Int

    /// An attainment.
    public init(met: Int, breached: Int) {
        self.met = met
        self.breached = breached
    }
    /// met / (met + breached); nil when neither.
    public var rate: Double? { met + breached == 0 ? nil : Double(met) / Double(met + breached) }
}

/// The KPIs of one group of tickets in a period.
public struct KPIGroup: Sendable {
    /// Tickets opened in the period.
    public var threads: Int
    /// Inbound and outbound messages: overall, those sent in the period; in a group, those of
    /// the group's tickets (opened in the period).
    public var inbound: Int, outbound: Int
    /// First response (first inbound → first reply by a person or the desk).
    public var firstResponse: DurationKPI?
    /// The bot's first answer.
    public var botFirstAnswer: DurationSummary?
    /// Next replies.
    public var nextReply: DurationKPI?
    /// Opened → solved.
    public var resolution: DurationKPI?
    /// Time pending the customer and on hold (wall clock).
    public var waitOnCustomer: DurationSummary?, onHold: DurationSummary?
    /// Solved, solved with one reply, reopened.
    public var resolved: Int, oneTouch: Int, reopened: Int
    /// Repeat contacts and their rate of solved tickets.
    public var repeatContacts: Int, repeatRate: Double?
    /// SLA attainment per target.
    public var sla: [String: Attainment]
    /// NPS and CSAT.
    public var nps: NetPromoterScore?, csat: SatisfactionScore?
}

/// A report: the KPIs of a period, overall and (optionally) by a dimension, from a ``KPIFold``.
public struct KPIReport: Sendable {
    /// The options it was made with.
    public var options: ReportOptions
    /// Everything.
    public var overall: KPIGroup
    /// Top complaint terms per language, and tags.
    public var topComplaints: [String: [ComplaintTerm]]
    /// Inbound messages per weekday (Monday first) × hour, in ``ReportOptions/zone``.
    public var busiestHours: [[Int]]
    /// By the chosen dimension's values.
    public var groups: [String: KPIGroup]

    /// The report of `fold` under `options`; `party` tells each owner's tier and account.
    public init(_ fold: KPIFold, options: ReportOptions, party: (PartyID) -> PartyFacts) {
        self.options = options
        let from = options.from.timeIntervalSince1970, to = options.to.timeIntervalSince1970
        var facts: [PartyID: PartyFacts] = [:]
        func factsOf(_ id: PartyID?) -> PartyFacts {
            guard let id else { return PartyFacts() }
            if let known = facts[id] { return known }
            let found = party(id)
            facts[id] = found
            return found
        }
        let live = fold.threads.values.filter { !$0.merged }
        let opened = live.filter { $0.openedAt >= from && $0.openedAt < to }.sorted { $0.thread < $1.thread }
        let repeats = Self.repeatContacts(live, in: from..<to, windowDays: options.repeatWindowDays)
        func key(_ record: ThreadRecord) -> String {
            switch options.by {
            case .channel?: record.channel ?? "unknown"
            case .agent?: record.agent ?? "unassigned"
            case .team?: record.team ?? "none"
            case .language?: record.language ?? "unknown"
            case .tier?: factsOf(record.party).tier
            case .account?: factsOf(record.party).account ?? "none"
            case nil: ""
            }
        }
        let overallThreads = Set(opened.map(\.thread))
        overall = Self.group(
            opened, fold: fold, options: options, repeats: repeats, factsOf: factsOf, messageThreads: nil, allThreads: overallThreads)
        var groups: [String: KPIGroup] = [:]
        if options.by != nil {
            var byKey: [String: [ThreadRecord]] = [:]
            for record in opened { byKey[key(record), default: []].append(record) }
            for (name, records) in byKey {
                groups[name] = Self.group(
                    records, fold: fold, options: options, repeats: repeats, factsOf: factsOf, messageThreads: Set(records.map(\.thread)),
                    allThreads: Set(records.map(\.thread)))
            }
        }
        self.groups = groups
        topComplaints = Self.complaints(fold, opened: opened, from: from, to: to, limit: options.topTerms)
        busiestHours = Self.hours(fold.inboundByQuarter, from: from, to: to, zone: options.zone)
    }

    static func group(
        _ records: [ThreadRecord], fold: KPIFold, options: ReportOptions, repeats: Set<ThreadID>, factsOf: (PartyID?) -> PartyFacts,
        messageThreads: Set<ThreadID>?, allThreads: Set<ThreadID>
    ) -> KPIGroup {
        let from = options.from.timeIntervalSince1970, to = options.to.timeIntervalSince1970
        var first: [Double] = [], firstBusiness: [Double] = []
        var bot: [Double] = []
        var resolution: [Double] = [], resolutionBusiness: [Double] = []
        var wait: [Double] = [], hold: [Double] = []
        var resolved = 0, oneTouch = 0, reopened = 0, inbound = 0, outboundOfThreads = 0
        var sla: [String: Attainment] = [:]
        let policy = options.policy
        func hours(_ record: ThreadRecord) -> (any BusinessHours)? {
            policy.map { $0.businessHours(account: factsOf(record.party).account, team: record.team) }
        }
        func judge(_ metric: SLAMetric, _ record: ThreadRecord, business: Double?) {
            guard let policy, let evaluator = try? policy.slaEvaluator(account: factsOf(record.party).account, team: record.team),
                let target = evaluator.target(
                    metric, priority: Policy.TicketPriority(rawValue: record.priority) ?? .normal,
                    channel: SupportChannel(intakeName: record.channel), tier: CustomerTier(rawValue: factsOf(record.party).tier))
            else { return }
            var entry = sla[metric.rawValue] ?? Attainment(met: 0, breached: 0)
            if let business {
                if business <= target { entry.met += 1 } else { entry.breached += 1 }
            } else if record.breaches.contains(metric.rawValue) {
                entry.breached += 1
            } else {
                return
            }
            sla[metric.rawValue] = entry
        }
        for record in records {
            inbound += record.inbound
            outboundOfThreads += record.outbound
            let start = record.firstInboundAt ?? record.openedAt
            let calendar = hours(record)
            if let response = record.firstResponseAt, response >= start {
                first.append(response - start)
                let business = calendar.map { $0.businessTime(from: Date(timeIntervalSince1970: start), to: Date(timeIntervalSince1970: response)) }
                if let business { firstBusiness.append(business) }
                judge(.firstReply, record, business: business ?? (response - start))
            } else {
                judge(.firstReply, record, business: nil)
            }
            if let answer = record.firstBotAnswerAt, answer >= start { bot.append(answer - start) }
            if let solved = record.solvedAt, record.status == .solved || record.status == .closed {
                resolved += 1
                resolution.append(max(0, solved - start))
                let business = calendar.map { $0.businessTime(from: Date(timeIntervalSince1970: start), to: Date(timeIntervalSince1970: solved)) }
                if let business { resolutionBusiness.append(business) }
                judge(.resolution, record, business: business ?? max(0, solved - start))
                if record.agentReplies == 1, record.reopened == 0 { oneTouch += 1 }
            } else {
                judge(.resolution, record, business: nil)
            }
            if record.reopened > 0 { reopened += 1 }
            if record.waitSeconds > 0 || record.pendingSince != nil { wait.append(record.waitSeconds) }
            if record.holdSeconds > 0 || record.holdSince != nil { hold.append(record.holdSeconds) }
        }
        var next: [Double] = [], nextBusiness: [Double] = []
        let byThread = Dictionary(records.map { ($0.thread, $0) }, uniquingKeysWith: { a, _ in a })
        for interval in fold.replies where interval.start >= from && interval.start < to {
            guard let record = byThread[interval.thread] else { continue }
            next.append(interval.end - interval.start)
            if let calendar = hours(record) {
                nextBusiness.append(calendar.businessTime(
                    from: Date(timeIntervalSince1970: interval.start), to: Date(timeIntervalSince1970: interval.end)))
            }
        }
        let answers = fold.surveys.filter { $0.at >= from && $0.at < to && (messageThreads == nil || $0.thread.map(allThreads.contains) == true) }
        let repeatCount = records.filter { repeats.contains($0.thread) }.count
        func kpi(_ wall: [Double], _ business: [Double]) -> DurationKPI? {
            DurationSummary(wall).map { DurationKPI(wall: $0, business: policy == nil ? nil : DurationSummary(business)) }
        }
        let outbound = messageThreads == nil
            ? fold.outboundByQuarter.filter { Double($0.key) * 900 >= from && Double($0.key) * 900 < to }.reduce(0) { $0 + $1.value }
            : outboundOfThreads
        let inboundTotal = messageThreads == nil
            ? fold.inboundByQuarter.filter { Double($0.key) * 900 >= from && Double($0.key) * 900 < to }.reduce(0) { $0 + $1.value } : inbound
        return KPIGroup(
            threads: records.count, inbound: inboundTotal, outbound: outbound, firstResponse: kpi(first, firstBusiness),
            botFirstAnswer: DurationSummary(bot), nextReply: kpi(next, nextBusiness), resolution: kpi(resolution, resolutionBusiness),
            waitOnCustomer: DurationSummary(wait), onHold: DurationSummary(hold), resolved: resolved, oneTouch: oneTouch,
            reopened: reopened, repeatContacts: repeatCount, repeatRate: resolved == 0 ? nil : Double(repeatCount) / Double(resolved),
            sla: sla, nps: NetPromoterScore(answers.filter { $0.kind == "nps" }.map(\.score)),
            csat: SatisfactionScore(answers.filter { $0.kind == "csat" }.map(\.score)))
    }

    /// Tickets opened in `period` by a customer within `windowDays` after one of their tickets
    /// was solved, naming the same order or carrying the same normalised subject.
    static func repeatContacts(_ records: [ThreadRecord], in period: Range<Double>, windowDays: Int) -> Set<ThreadID> {
        var byParty: [PartyID: [ThreadRecord]] = [:]
        for record in records { if let party = record.party { byParty[party, default: []].append(record) } }
        var repeats = Set<ThreadID>()
        let window = Double(windowDays) * 86_400
        for (_, threads) in byParty where threads.count > 1 {
            for later in threads where period.contains(later.openedAt) {
                let earlier = threads.contains { other in
                    guard other.thread != later.thread, let solved = other.solvedAt, solved <= later.openedAt,
                        later.openedAt - solved <= window
                    else { return false }
                    let sameOrder = other.order != nil && other.order == later.order
                    let sameSubject = other.subjectKey.map { !$0.isEmpty && $0 == later.subjectKey } ?? false
                    return sameOrder || sameSubject
                }
                if earlier { repeats.insert(later.thread) }
            }
        }
        return repeats
    }

    /// Top terms per language (and `tags`), with the change against the previous period.
    static func complaints(_ fold: KPIFold, opened: [ThreadRecord], from: Double, to: Double, limit: Int) -> [String: [ComplaintTerm]] {
        let firstDay = Int64((from / 86_400).rounded(.down)), lastDay = Int64((to / 86_400).rounded(.up))
        let length = lastDay - firstDay
        func counts(_ days: Range<Int64>) -> [String: [String: Int]] {
            var total: [String: [String: Int]] = [:]
            for (day, languages) in fold.terms where days.contains(day) {
                for (language, terms) in languages {
                    for (term, count) in terms { total[language, default: [:]][term, default: 0] += count }
                }
            }
            return total
        }
        let now = counts(firstDay..<lastDay)
        let before = counts((firstDay - length)..<firstDay)
        var result: [String: [ComplaintTerm]] = [:]
        for (language, terms) in now {
            result[language] = terms.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(limit).map {
                ComplaintTerm(term: $0.key, count: $0.value, change: $0.value - (before[language]?[$0.key] ?? 0))
            }
        }
        var tags: [String: Int] = [:]
        for record in opened { for tag in record.tags { tags[tag, default: 0] += 1 } }
        let previousTags = fold.threads.values.filter { $0.openedAt >= from - (to - from) && $0.openedAt < from }
            .reduce(into: [String: Int]()) { counts, record in for tag in record.tags { counts[tag, default: 0] += 1 } }
        if !tags.isEmpty {
            result["tags"] = tags.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(limit).map {
                ComplaintTerm(term: $0.key, count: $0.value, change: $0.value - (previousTags[$0.key] ?? 0))
            }
        }
        return result
    }

    /// Inbound messages per weekday (Monday first) × local hour in `zone`, DST-correct: each
    /// quarter hour is placed by its own instant's local time.
    static func hours(_ quarters: [Int64: Int], from: Double, to: Double, zone: TimeZone) -> [[Int]] {
        var grid = Array(repeating: Array(repeating: 0, count: 24), count: 7)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        for (quarter, count) in quarters {
            let instant = Double(quarter) * 900
            guard instant >= from, instant < to else { continue }
            let parts = calendar.dateComponents([.weekday, .hour], from: Date(timeIntervalSince1970: instant))
            guard let weekday = parts.weekday, let hour = parts.hour else { continue }
            grid[(weekday + 5) % 7][hour] += count  // Calendar: 1 = Sunday; the grid: 0 = Monday
        }
        return grid
    }
}

extension SupportChannel {
    /// The policy's channel for an intake channel name (`web_form` → `webForm`, `bot` → `chatbot`).
    init(intakeName: String?) {
        switch intakeName {
        case "chat": self = .chat
        case "phone": self = .phone
        case "sms": self = .sms
        case "social": self = .social
        case "web_form": self = .webForm
        case "bot": self = .chatbot
        default: self = .email
        }
    }
}
