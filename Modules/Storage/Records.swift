import Conversation
import CustomerModel
import Foundation

/// A party as a store keeps it: a B2C customer, a B2B account, or one of an account's stakeholders.
public enum StoredParty: Hashable, Sendable, Codable {
    /// A single buyer.
    case customer(Customer)
    /// A B2B organisation.
    case account(Account)
    /// A person who belongs to an account.
    case stakeholder(Stakeholder)

    /// The party's id.
    public var id: PartyID {
        switch self {
        case .customer(let customer): customer.id
        case .account(let account): account.id
        case .stakeholder(let stakeholder): stakeholder.id
        }
    }

    /// The account a stakeholder belongs to; nil for customers and accounts.
    public var accountID: PartyID? {
        if case .stakeholder(let stakeholder) = self { return stakeholder.accountID }
        return nil
    }

    /// The profile an agent sees.
    public var profile: PartyProfile {
        switch self {
        case .customer(let customer): customer.profile
        case .account(let account): account.profile
        case .stakeholder(let stakeholder): stakeholder.profile
        }
    }
}

/// What happened in the desk, as an entry of the append-only event log.
///
/// Metrics folds these into KPIs (first response time, resolution time, CSAT);
/// Policy reads them to run SLA clocks. The log is never rewritten, except that
/// erasure removes a party's entries (GDPR Art. 17).
public enum SupportEventKind: Hashable, Sendable, Codable {
    /// A customer's message arrived.
    case received(MessageID)
    /// The desk answered (an agent, or the bot when `agent` is nil).
    case replied(MessageID, agent: AgentID?)
    /// An agent wrote an internal note.
    case noted(MessageID, agent: AgentID?)
    /// A thread was opened by its first message.
    case threadOpened(ThreadID)
    /// The ticket's status changed.
    case statusChanged(from: ThreadStatus, to: ThreadStatus)
    /// The ticket was assigned to an agent or a team.
    case assigned(agent: AgentID?, team: String?)
    /// The ticket's priority changed.
    case priorityChanged(from: TicketPriority, to: TicketPriority)
    /// An agent merged another thread into this one.
    case merged(ThreadID, into: ThreadID, agent: AgentID)
    /// An agent split messages off into a new thread.
    case split(from: ThreadID, to: ThreadID, agent: AgentID)
    /// The customer answered a satisfaction survey (CSAT 1–5, or NPS 0–10).
    case surveyAnswered(survey: String, score: Int)
    /// An SLA target was breached or is about to be.
    case slaEscalated(target: String, breached: Bool)
    /// An agent undid the merge of `ThreadID` into `from`: the messages it had then are back in it.
    case unmerged(ThreadID, from: ThreadID, agent: AgentID)
    /// An agent split `messages` off `from` into the new thread `to`.
    case splitOff(from: ThreadID, to: ThreadID, messages: [MessageID], agent: AgentID)
    /// An agent undid a split: the messages moved to `to` are back in `from`.
    case unsplit(from: ThreadID, to: ThreadID, agent: AgentID)
    /// Threading found one message's headers linking two threads of one owner and joined them
    /// (not an agent's act, and not undone).
    case joinedByThreading(ThreadID, into: ThreadID)
    /// The ticket's tags changed.
    case tagsChanged(added: Set<String>, removed: Set<String>, agent: AgentID?)
    /// Two party records were proven to be one person (`merged` now resolves to `into`).
    case identityMerged(PartyID, into: PartyID, agent: AgentID, reason: String)
    /// An identity merge was undone.
    case identityUnmerged(PartyID, from: PartyID, agent: AgentID)
    /// A B2B stakeholder moved from one account to another.
    case stakeholderMoved(PartyID, from: PartyID, to: PartyID, agent: AgentID)
    /// A privacy request or retention removed records: what kind and how many, never what they held.
    case erased(category: String, records: Int, anonymised: Int)
    /// Which tickets an erasure deleted or anonymised (their numbers stay taken), so the thread
    /// projections can be rebuilt from the log.
    case ticketsErased(deleted: [ThreadID], anonymised: [ThreadID])
    /// An agent asked to refund `amount` minor units of `currency` on `order`; `approval` says
    /// who decides: `"agent"` (within the agent's own limits: granted at once) or `"approver"`.
    case refundRequested(request: String, order: String, minorUnits: Int64, currency: String, agent: AgentID, approval: String)
    /// A refund request was granted: by the requesting agent within their own limits (right after
    /// `refundRequested` with approval `"agent"`), or by an approver.
    case refundApproved(request: String, by: AgentID)
    /// An approver refused a refund request.
    case refundRefused(request: String, by: AgentID, note: String)
    /// The chatbot (the responder named `responder`) handed the conversation to a person, saying why.
    case handedOff(responder: String, reason: String)
    /// A message arrived with a Message-ID another, different message already holds (another
    /// sender, or other content): it was stored as `storedAs`, its original id kept in its headers.
    case messageIDReused(claimed: String, storedAs: MessageID)
    /// An inbound message claimed to come from one of the desk's addresses but is not a reply
    /// the desk wrote: held for an agent (``Storage/WorkflowRecord`` kind `held`), never placed
    /// in a ticket as the desk's reply.
    case heldAsSuspicious(MessageID, reason: String)
}

/// One entry of the event log, with the sequence number the store gave it.
public struct SupportEvent: Hashable, Sendable, Codable {
    /// The store's order of events: strictly increasing, never reused.
    public var sequence: Int64
    /// When it happened.
    public var at: Date
    /// The thread it concerns, if any.
    public var thread: ThreadID?
    /// The party it concerns, if any.
    public var party: PartyID?
    /// What happened.
    public var kind: SupportEventKind

    /// An event as read back from a store.
    public init(sequence: Int64, at: Date, thread: ThreadID?, party: PartyID?, kind: SupportEventKind) {
        self.sequence = sequence
        self.at = at
        self.thread = thread
        self.party = party
        self.kind = kind
    }
}

/// An event about to be appended (the store assigns its sequence number).
public struct NewSupportEvent: Hashable, Sendable, Codable {
    /// When it happened.
    public var at: Date
    /// The thread it concerns, if any.
    public var thread: ThreadID?
    /// The party it concerns, if any.
    public var party: PartyID?
    /// What happened.
    public var kind: SupportEventKind

    /// An event to append.
    public init(at: Date, thread: ThreadID? = nil, party: PartyID? = nil, kind: SupportEventKind) {
        self.at = at
        self.thread = thread
        self.party = party
        self.kind = kind
    }
}

/// Everything one ingested message changes, written in ONE transaction:
/// the message, its thread's new state, new or changed parties, the events,
/// and the message's search entry. Either all of it is stored or none of it.
public struct IngestRecord: Hashable, Sendable {
    /// The message (its ``SupportMessage/id`` is the idempotency key).
    public var message: SupportMessage
    /// The thread as it stands after the message joined it.
    public var thread: SupportThread
    /// Parties created or changed by this message (a new customer), stored first.
    public var parties: [StoredParty]
    /// Events to append.
    public var events: [NewSupportEvent]
    /// The B2B account the message's party belongs to, for the search filter `account:`.
    public var account: PartyID?

    /// A record for one message.
    public init(
        message: SupportMessage, thread: SupportThread, parties: [StoredParty] = [], events: [NewSupportEvent] = [],
        account: PartyID? = nil
    ) {
        self.message = message
        self.thread = thread
        self.parties = parties
        self.events = events
        self.account = account
    }
}

/// What ``ConversationStore/ingest(_:)`` did.
public enum IngestOutcome: Hashable, Sendable {
    /// Stored; the events got these sequence numbers.
    case stored(events: [Int64])
    /// A message with this id was already stored; nothing was written.
    case duplicate(existingThread: ThreadID)
}

/// A knowledge-base article (FAQ, return policy, terms) in one locale.
public struct KnowledgeArticle: Hashable, Sendable, Codable, Identifiable {
    /// The article's id, unique per locale (`returns-policy`).
    public var id: String
    /// The BCP 47 locale it is written in (`sv-SE`).
    public var locale: String
    /// The title.
    public var title: String
    /// The body as plain text.
    public var body: String
    /// Labels (`returns`, `shipping`).
    public var tags: Set<String>
    /// When it was last changed.
    public var updatedAt: Date

    /// An article.
    public init(id: String, locale: String, title: String, body: String, tags: Set<String> = [], updatedAt: Date) {
        self.id = id
        self.locale = locale
        self.title = title
        self.body = body
        self.tags = tags
        self.updatedAt = updatedAt
    }

    /// The key a store indexes it under: one article per id and locale.
    public var storageKey: String { "\(id)@\(locale)" }
}
