import CustomerModel
import Foundation

/// A conversation with a customer: one ticket, on any mix of channels.
public struct SupportThread: Hashable, Sendable, Codable, Identifiable {
    /// The ticket number.
    public var id: ThreadID
    /// The party that owns it: the customer (B2C) or the account (B2B).
    public var owner: PartyID
    /// The people who wrote in it (customers or stakeholders).
    public var participants: Set<PartyID>
    /// Where it stands.
    public var status: ThreadStatus
    /// How urgent it is.
    public var priority: TicketPriority
    /// The agent working on it.
    public var assignee: AgentID?
    /// The team it is queued for.
    public var team: String?
    /// Free-form labels (`"refund"`, `"damaged-item"`).
    public var tags: Set<String>
    /// The subject of its first message, normalised (no reply prefixes, no ticket tag).
    public var subject: String
    /// When its first message arrived.
    public var createdAt: Date
    /// When its last message arrived or its status last changed.
    public var updatedAt: Date
    /// Its messages in arrival order.
    public var messageIDs: [MessageID]
    /// When its latest message was sent (the threading windows count from here); nil on rows
    /// written before the store kept it (then ``updatedAt`` stands in).
    public var lastMessageAt: Date?
    /// The thread it was merged into (by an agent, or by threading when one message's headers
    /// showed two threads to be one conversation): its messages are there now, and its id leads
    /// there. ``messageIDs`` keeps the messages it had, so an agent's merge undoes exactly.
    public var mergedInto: ThreadID?
    /// Where an agent split this thread off, with the messages moved, so the split undoes exactly.
    public var splitFrom: ThreadSplitOrigin?

    /// A thread; new threads start with status ``ThreadStatus/new`` and normal priority.
    public init(
        id: ThreadID, owner: PartyID, participants: Set<PartyID> = [], status: ThreadStatus = .new,
        priority: TicketPriority = .normal, assignee: AgentID? = nil, team: String? = nil, tags: Set<String> = [],
        subject: String, createdAt: Date, updatedAt: Date? = nil, messageIDs: [MessageID] = []
    ) {
        self.id = id
        self.owner = owner
        self.participants = participants
        self.status = status
        self.priority = priority
        self.assignee = assignee
        self.team = team
        self.tags = tags
        self.subject = subject
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.messageIDs = messageIDs
    }

    /// The time the threading windows count from.
    public var lastActivity: Date { lastMessageAt ?? updatedAt }

    /// What a ``CustomerDirectory`` needs to decide who may see this thread.
    public var access: ConversationAccess { ConversationAccess(owner: owner, participants: participants) }
}

/// The thread an agent split a thread off from, and the messages the split moved.
public struct ThreadSplitOrigin: Hashable, Sendable, Codable {
    /// The thread the messages came from.
    public var thread: ThreadID
    /// The messages moved (an undo moves these back).
    public var messages: [MessageID]

    /// An origin.
    public init(thread: ThreadID, messages: [MessageID]) {
        self.thread = thread
        self.messages = messages
    }
}
