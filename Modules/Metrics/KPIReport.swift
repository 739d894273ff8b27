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
        var facts: [UInt32: PartyFacts] = [:]
        func factsOf(_ index: UInt32) -> PartyFacts {
            if let known = facts[index] { return known }
            let found = fold.name(index).map { party(PartyID($0)) } ?? PartyFacts()
            facts[index] = found
            return found
        }
        let live = fold.records.filter { !$0.merged }
        let opened = live.filter { $0.openedAt >= from && $0.openedAt < to }
        let repeats = Self.repeatContacts(live, in: from..<to, windowDays: options.repeatWindowDays)
        func key(_ record: ThreadRecord) -> String {
            switch options.by {
            case .channel?: fold.channelName(of: record) ?? "unknown"
            case .agent?: fold.name(record.agent) ?? "unassigned"
            case .team?: fold.name(record.team) ?? "none"
            case .language?: fold.name(record.language) ?? "unknown"
            case .tier?: factsOf(record.party).tier
            case .account?: factsOf(record.party).account ?? "none"
            case nil: ""
            }
        }
        var calendars = CalendarCache(policy: options.policy)
        overall = Self.group(opened, fold: fold, options: options, repeats: repeats, factsOf: factsOf, calendars: &calendars, overall: true)
        var groups: [String: KPIGroup] = [:]
        if options.by != nil {
            var byKey: [String: [ThreadRecord]] = [:]
            for record in opened { byKey[key(record), default: []].append(record) }
            for (name, records) in byKey {
                groups[name] = Self.group(
                    records, fold: fold, options: options, repeats: repeats, factsOf: factsOf, calendars: &calendars, overall: false)
            }
        }
        self.groups = groups
        topComplaints = Self.complaints(fold, opened: opened, from: from, to: to, limit: options.topTerms)
        busiestHours = Self.hours(fold.inboundByQuarter, from: from, to: to, zone: options.zone)
    }

    /// Business hours and SLA evaluators per calendar, built once per report.
    struct CalendarCache {
        let policy: CompiledSupportPolicy?
        var hours: [String: any BusinessHours] = [:]
        var evaluators: [String: SLAEvaluator?] = [:]

        init(policy: CompiledSupportPolicy?) { self.policy = policy }

        mutating func hours(account: String?, team: String?) -> (any BusinessHours)? {
            guard let policy else { return nil }
            let id = policy.document.calendarSelection.calendarID(account: account, team: team)
            if let known = hours[id] { return known }
            let made = policy.businessHours(account: account, team: team)
            hours[id] = made
            return made
        }

        mutating func evaluator(account: String?, team: String?) -> SLAEvaluator? {
            guard let policy else { return nil }
            let id = policy.document.calendarSelection.calendarID(account: account, team: team)
            if let known = evaluators[id] { return known }
            let made = try? policy.slaEvaluator(account: account, team: team)
            evaluators[id] = .some(made)
            return made
        }
    }

    static func group(
        _ records: [ThreadRecord], fold: KPIFold, options: ReportOptions, repeats: Set<ThreadID>, factsOf: (UInt32) -> PartyFacts,
        calendars: inout CalendarCache, overall: Bool
    ) -> KPIGroup {
        let from = options.from.timeIntervalSince1970, to = options.to.timeIntervalSince1970
        var first: [Double] = [], firstBusiness: [Double] = []
        var bot: [Double] = []
        var resolution: [Double] = [], resolutionBusiness: [Double] = []
        var wait: [Double] = [], hold: [Double] = []
        var resolved = 0, oneTouch = 0, reopened = 0, inbound = 0, outboundOfThreads = 0
        var sla: [String: Attainment] = [:]
        let policy = options.policy
        func judge(_ metric: SLAMetric, _ record: ThreadRecord, business: Double?, calendars: inout CalendarCache) {
            guard policy != nil else { return }
            let facts = factsOf(record.party)
            let priority = TicketPriority(rawValue: record.priority.rawValue) ?? .normal
            let channel = ChannelKind(intakeName: fold.channelName(of: record))
            guard let evaluator = calendars.evaluator(account: facts.account, team: fold.name(record.team)),
                let target = evaluator.target(metric, priority: priority, channel: channel, tier: CustomerTier(rawValue: facts.tier))
            else { return }
            var entry = sla[metric.rawValue] ?? Attainment(met: 0, breached: 0)
            if let business {
                if business <= target { entry.met += 1 } else { entry.breached += 1 }
            } else if let bit = KPIFold.metricBit(metric.rawValue), record.breaches & bit != 0 {
                entry.breached += 1
            } else {
                return
            }
            sla[metric.rawValue] = entry
        }
        func businessTime(_ calendar: (any BusinessHours)?, _ start: Double, _ end: Double) -> Double? {
            calendar.map { $0.businessTime(from: Date(timeIntervalSince1970: start), to: Date(timeIntervalSince1970: end)) }
        }
        for record in records {
            inbound += Int(record.inbound)
            outboundOfThreads += Int(record.outbound)
            let start: Double = record.firstInboundAt ?? record.openedAt
            let calendar = calendars.hours(account: factsOf(record.party).account, team: fold.name(record.team))
            if let response = record.firstResponseAt, response >= start {
                first.append(response - start)
                let business = businessTime(calendar, start, response)
                if let business { firstBusiness.append(business) }
                judge(.firstReply, record, business: business ?? (response - start), calendars: &calendars)
            } else {
                judge(.firstReply, record, business: nil, calendars: &calendars)
            }
            if let answer = record.firstBotAnswerAt, answer >= start { bot.append(answer - start) }
            if let solved = record.solvedAt, record.status == .solved || record.status == .closed {
                resolved += 1
                let wall: Double = max(0, solved - start)
                resolution.append(wall)
                let business = businessTime(calendar, start, solved)
                if let business { resolutionBusiness.append(business) }
                judge(.resolution, record, business: business ?? wall, calendars: &calendars)
                if record.agentReplies == 1, record.reopened == 0 { oneTouch += 1 }
            } else {
                judge(.resolution, record, business: nil, calendars: &calendars)
            }
            if record.reopened > 0 { reopened += 1 }
            if record.waitSeconds > 0 || record.pendingSince != nil { wait.append(record.waitSeconds) }
            if record.holdSeconds > 0 || record.holdSince != nil { hold.append(record.holdSeconds) }
        }
        var next: [Double] = [], nextBusiness: [Double] = []
        var byThread: [ThreadID: ThreadRecord] = [:]
        for record in records { byThread[record.thread] = record }
        for interval in fold.replies where interval.start >= from && interval.start < to {
            guard let record = byThread[interval.thread] else { continue }
            next.append(interval.end - interval.start)
            let calendar = calendars.hours(account: factsOf(record.party).account, team: fold.name(record.team))
            if let business = businessTime(calendar, interval.start, interval.end) { nextBusiness.append(business) }
        }
        let members = Set(records.map(\.thread))
        var npsAnswers: [Int] = [], csatAnswers: [Int] = []
        for answer in fold.surveys where answer.at >= from && answer.at < to {
            guard overall || answer.thread.map(members.contains) == true else { continue }
            if answer.kind == "nps" { npsAnswers.append(answer.score) } else if answer.kind == "csat" { csatAnswers.append(answer.score) }
        }
        var repeatCount = 0
        for record in records where repeats.contains(record.thread) { repeatCount += 1 }
        func kpi(_ wall: [Double], _ business: [Double]) -> DurationKPI? {
            guard let summary = DurationSummary(wall) else { return nil }
            return DurationKPI(wall: summary, business: policy == nil ? nil : DurationSummary(business))
        }
        func sent(_ counts: QuarterCounts) -> Int {
            var total = 0
            for entry in counts.all {
                let instant: Double = Double(entry.quarter) * 900
                if instant >= from, instant < to { total += entry.count }
            }
            return total
        }
        let repeatRate: Double? = resolved == 0 ? nil : Double(repeatCount) / Double(resolved)
        return KPIGroup(
            threads: records.count, inbound: overall ? sent(fold.inboundByQuarter) : inbound,
            outbound: overall ? sent(fold.outboundByQuarter) : outboundOfThreads, firstResponse: kpi(first, firstBusiness),
            botFirstAnswer: DurationSummary(bot), nextReply: kpi(next, nextBusiness), resolution: kpi(resolution, resolutionBusiness),
            waitOnCustomer: DurationSummary(wait), onHold: DurationSummary(hold), resolved: resolved, oneTouch: oneTouch,
            reopened: reopened, repeatContacts: repeatCount, repeatRate: repeatRate, sla: sla,
            nps: NetPromoterScore(npsAnswers), csat: SatisfactionScore(csatAnswers))
    }

    /// Tickets opened in `period` by a customer within `windowDays` after one of their tickets
    /// was solved, naming the same order or carrying the same normalised subject.
    static func repeatContacts(_ records: [ThreadRecord], in period: Range<Double>, windowDays: Int) -> Set<ThreadID> {
        var byParty: [UInt32: [ThreadRecord]] = [:]
        for record in records where record.party != 0 { byParty[record.party, default: []].append(record) }
        var repeats = Set<ThreadID>()
        let window = Double(windowDays) * 86_400
        for (_, threads) in byParty where threads.count > 1 {
            for later in threads where period.contains(later.openedAt) {
                for other in threads where other.thread != later.thread {
                    guard let solved = other.solvedAt, solved <= later.openedAt, later.openedAt - solved <= window else { continue }
                    let sameOrder = other.order != 0 && other.order == later.order
                    let sameSubject = other.subjectKey != 0 && other.subjectKey == later.subjectKey
                    if sameOrder || sameSubject {
                        repeats.insert(later.thread)
                        break
                    }
                }
            }
        }
        return repeats
    }

    /// Top terms per language (and `tags`), with the change against the previous period.
    static func complaints(_ fold: KPIFold, opened: [ThreadRecord], from: Double, to: Double, limit: Int) -> [String: [ComplaintTerm]] {
        let firstDay = Int32((from / 86_400).rounded(.down)), lastDay = Int32((to / 86_400).rounded(.up))
        let length = lastDay - firstDay
        var now: [UInt32: [UInt32: Int]] = [:], before: [UInt32: [UInt32: Int]] = [:]
        for (key, count) in fold.terms {
            if key.day >= firstDay, key.day < lastDay {
                now[key.language, default: [:]][key.term, default: 0] += Int(count)
            } else if key.day >= firstDay - length, key.day < firstDay {
                before[key.language, default: [:]][key.term, default: 0] += Int(count)
            }
        }
        var result: [String: [ComplaintTerm]] = [:]
        for (language, terms) in now {
            guard let languageName = fold.name(language) else { continue }
            var named: [ComplaintTerm] = []
            for (term, count) in terms {
                let previous = before[language]?[term] ?? 0
                named.append(ComplaintTerm(term: fold.name(term) ?? "", count: count, change: count - previous))
            }
            named.sort { a, b in a.count != b.count ? a.count > b.count : a.term < b.term }
            result[languageName] = Array(named.prefix(limit))
        }
        var tags: [String: Int] = [:], previousTags: [String: Int] = [:]
        for record in opened { for tag in fold.tags[record.thread] ?? [] { tags[tag, default: 0] += 1 } }
        let previousStart = from - (to - from)
        for record in fold.records where record.openedAt >= previousStart && record.openedAt < from {
            for tag in fold.tags[record.thread] ?? [] { previousTags[tag, default: 0] += 1 }
        }
        if !tags.isEmpty {
            var named = tags.map { ComplaintTerm(term: $0.key, count: $0.value, change: $0.value - (previousTags[$0.key] ?? 0)) }
            named.sort { a, b in a.count != b.count ? a.count > b.count : a.term < b.term }
            result["tags"] = Array(named.prefix(limit))
        }
        return result
    }

    /// Inbound messages per weekday (Monday first) × local hour in `zone`, DST-correct: each
    /// quarter hour is placed by its own instant's local time.
    static func hours(_ quarters: QuarterCounts, from: Double, to: Double, zone: TimeZone) -> [[Int]] {
        var grid = Array(repeating: Array(repeating: 0, count: 24), count: 7)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        for (quarter, count) in quarters.all {
            let instant = Double(quarter) * 900
            guard instant >= from, instant < to else { continue }
            let parts = calendar.dateComponents([.weekday, .hour], from: Date(timeIntervalSince1970: instant))
            guard let weekday = parts.weekday, let hour = parts.hour else { continue }
            grid[(weekday + 5) % 7][hour] += count  // Calendar: 1 = Sunday; the grid: 0 = Monday
        }
        return grid
    }
}

extension ChannelKind {
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
