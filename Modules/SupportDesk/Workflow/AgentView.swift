import Conversation
import CustomerModel
import Foundation
import Localization
import Policy
import Storage

/// A template the desk suggests for a message: a catalog key, in the message's language.
public struct TemplateSuggestion: Hashable, Sendable {
    /// The catalog key.
    public var key: String
    /// The language the template is in.
    public var language: String
    /// How many of the message's terms the template shares (higher is better).
    public var score: Int
}

/// Everything an agent sees for one ticket, on one screen.
public struct AgentView: Sendable {
    /// The ticket (the one a merged number leads to).
    public var thread: SupportThread
    /// The customer (B2C) or account (B2B) that owns it, after identity merges.
    public var party: StoredParty?
    /// Its messages across channels, in time order, each with why it is in this thread.
    public var messages: [(message: SupportMessage, placement: MessagePlacement?)]
    /// SLA facts and the clocks at the instant of the view.
    public var serviceLevel: QueueEntry?
    /// Knowledge-base articles for the latest inbound message.
    public var articles: [ArticleHit]
    /// Templates for the latest inbound message, in its language.
    public var templates: [TemplateSuggestion]
    /// Refund requests made in the ticket.
    public var refunds: [RefundRecord]
    /// The stakeholder the view was built for (B2B), nil for an agent.
    public var viewer: PartyID?
}

/// What a customers import did with one record.
public struct CustomerImportOutcome: Hashable, Sendable {
    /// The record.
    public var id: PartyID
    /// `created`, `updated` or `unchanged`.
    public var change: String
    /// Identity merges the record's contact points proved: (merged record, into record, shared point).
    public var merges: [(merged: PartyID, into: PartyID, point: String)]

    public static func == (a: Self, b: Self) -> Bool {
        a.id == b.id && a.change == b.change && a.merges.map { "\($0.merged)|\($0.into)|\($0.point)" } == b.merges.map { "\($0.merged)|\($0.into)|\($0.point)" }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(change)
    }
}

extension Desk {
    /// The agent's view of a ticket at `now`. With `viewer` (a B2B stakeholder, or a B2C
    /// customer), only what that person may see: the ticket must be visible to them by the
    /// directory's rule, internal notes are left out, and so are suggestions and refunds.
    ///
    /// - Throws: ``StorageError/notFound(_:)``; ``StorageError/refused(_:)`` when `viewer` may not see it.
    public func agentView(of id: ThreadID, as viewer: PartyID? = nil, at now: Date = Date()) async throws(StorageError)
        -> AgentView
    {
        let directory = directory
        let policy = policy
        let (thread, party, entry) = try await act { transaction -> (SupportThread, StoredParty?, QueueEntry?) in
            guard let thread = try transaction.currentThread(id) else { throw StorageError.notFound("thread \(id)") }
            if let viewer, try !directory.mayView(viewer, thread.access, in: transaction) {
                throw StorageError.refused("\(viewer) may not see thread \(thread.id)")
            }
            let party = try transaction.party(try transaction.primaryParty(of: thread.owner))
            let keeper = ServiceLevelKeeper(policy: policy, transaction: transaction)
            let entry = try keeper.queue(at: now).first { $0.thread.id == thread.id }
                ?? keeper.load(thread.id).map { QueueEntry(thread: thread, level: $0, due: nil, clocks: [], calendar: nil) }
            return (thread, party, entry)
        }
        // The timeline in time order across channels (arrival order breaks ties): a bot's answer
        // recorded after a batch still sits after the question it answers.
        var timeline = try await store.messages(inThread: thread.id).enumerated()
            .sorted { ($0.element.sentAt, $0.offset) < ($1.element.sentAt, $1.offset) }.map(\.element)
        if viewer != nil { timeline.removeAll { $0.direction == .internalNote } }
        let messages = timeline
        let placements = try await act { transaction in
            try messages.map { message in
                try transaction.workflowRecord(kind: MessagePlacement.kind, key: message.id.rawValue)?.decoded(as: MessagePlacement.self)
            }
        }
        var view = AgentView(
            thread: thread, party: viewer == nil ? party : nil, messages: Array(zip(messages, placements)), serviceLevel: entry,
            articles: [], templates: [], refunds: [], viewer: viewer)
        guard viewer == nil else { return view }
        view.party = party
        if let last = messages.last(where: { $0.direction == .inbound }) {
            view.articles = try await store.suggestArticles(for: last, limit: 3)
            view.templates = suggestTemplates(for: last)
        }
        view.refunds = try await refunds(in: thread.id)
        return view
    }

    /// Catalog templates for a message, in its language: those sharing the most analyzed
    /// terms (stems) with it, best first; at most three.
    public func suggestTemplates(for message: SupportMessage, limit: Int = 3) -> [TemplateSuggestion] {
        guard let catalog else { return [] }
        let languageText = message.language ?? catalog.defaultLanguage.description
        let analyzer = AnalyzerRegistry.standard.analyzer(for: languageText)
        let wanted = Set(analyzer.tokens(in: message.subject + "\n" + message.text).map(\.term))
        var suggestions: [TemplateSuggestion] = []
        let language = (try? LanguageTag(languageText)) ?? catalog.defaultLanguage
        for key in catalog.messages.keys.sorted() {
            guard let found = try? catalog.lookup(key, language: language) else { continue }
            // The key's own words count too ("orders.delay": a message about a delay).
            let words = found.pattern + " " + key.replacingOccurrences(of: ".", with: " ")
            let terms = Set(analyzer.tokens(in: words).map(\.term))
            let score = wanted.intersection(terms).count
            if score > 0 { suggestions.append(TemplateSuggestion(key: key, language: found.language.description, score: score)) }
        }
        return Array(suggestions.sorted { ($1.score, $0.key) < ($0.score, $1.key) }.prefix(limit))
    }

    /// The threads `person` may see (a B2B stakeholder: the account's, by its sharing setting
    /// and their roles; a B2C customer: their own), oldest first.
    public func visibleThreads(for person: PartyID) async throws(StorageError) -> [SupportThread] {
        let directory = directory
        let owners: [PartyID] = try await act { transaction in
            let primary = try transaction.primaryParty(of: person)
            guard let party = try transaction.party(primary) else { throw StorageError.notFound("party \(person)") }
            return [party.accountID ?? primary]
        }
        var visible: [SupportThread] = []
        for owner in owners {
            let threads = try await store.threads(ownedBy: owner)
            let allowed = try await act { transaction in
                try threads.filter { thread in
                    guard thread.mergedInto == nil else { return false }
                    return try directory.mayView(person, thread.access, in: transaction)
                }
            }
            visible.append(contentsOf: allowed)
        }
        return visible
    }

    // MARK: Customers

    /// Stores customers (an import from the shop's customer database), idempotent by id: a
    /// record equal to the stored one changes nothing. A contact point another record already
    /// holds proves the two are one person: they are merged (an audited identity merge, undone
    /// with ``undoIdentityMerge(_:agent:at:)``); a record the desk created from a message
    /// merges into the imported one, otherwise the newer import merges into the earlier record.
    /// One transaction for the whole import.
    ///
    /// - Throws: ``StorageError``; nothing is stored then.
    public func importCustomers(_ customers: [Customer], agent: AgentID, at date: Date = Date()) async throws(StorageError)
        -> [CustomerImportOutcome]
    {
        try await act { transaction in
            var outcomes: [CustomerImportOutcome] = []
            for customer in customers {
                let stored = try transaction.party(customer.id)
                var outcome = CustomerImportOutcome(
                    id: customer.id, change: stored == nil ? "created" : (stored == .customer(customer) ? "unchanged" : "updated"),
                    merges: [])
                var holders: [(PartyID, ContactPoint)] = []
                for point in customer.profile.contactPoints {
                    guard let holder = try transaction.party(holding: point), holder != customer.id,
                        try !transaction.samePerson(holder, customer.id), !holders.contains(where: { $0.0 == holder })
                    else { continue }
                    holders.append((holder, point))
                }
                if outcome.change != "unchanged" { try transaction.saveParty(.customer(customer)) }
                for (holder, point) in holders {
                    // A record the desk made from a message is the lesser one: it joins the imported customer.
                    let fromMessage = holder.rawValue == SingleBuyerDeskDirectory.partyID(of: point)
                    let (merged, into) = fromMessage ? (holder, customer.id) : (customer.id, holder)
                    guard try transaction.primaryParty(of: merged) == merged, try !transaction.samePerson(merged, into) else { continue }
                    _ = try transaction.mergeIdentity(merged, into: into, agent: agent, reason: "shares \(point)", at: date)
                    outcome.merges.append((merged, into, point.description))
                }
                outcomes.append(outcome)
            }
            return outcomes
        }
    }
}
