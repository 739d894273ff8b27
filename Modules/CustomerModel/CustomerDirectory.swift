/// Who is looking at a conversation.
public enum Viewer: Hashable, Sendable, Codable {
    /// A support agent. Agents see every conversation of the desk they work on;
    /// a host that restricts agents by team does so before asking the directory.
    case agent(AgentID)
    /// A person on the customer side: a B2C customer or a B2B stakeholder.
    case person(PartyID)
}

/// What a directory needs to know about a conversation to decide who may see it.
///
/// `Conversation` builds one of these from a thread; the directory never needs
/// the messages themselves.
public struct ConversationAccess: Hashable, Sendable, Codable {
    /// The party that owns the conversation: the customer (B2C) or the account (B2B).
    public var owner: PartyID
    /// The people who wrote in or were addressed in it (customers or stakeholders).
    public var participants: Set<PartyID>

    /// Describes a conversation owned by `owner` with the given participants.
    public init(owner: PartyID, participants: Set<PartyID> = []) {
        self.owner = owner
        self.participants = participants
    }
}

/// A contact point resolved to the person behind it and the party that owns
/// the conversations that person starts.
public struct ResolvedParty: Hashable, Sendable, Codable {
    /// The person: a customer, or a stakeholder of an account.
    public var person: PartyID
    /// The owner of the person's conversations: the customer itself (B2C), or the
    /// stakeholder's account (B2B).
    public var owner: PartyID

    /// Pairs a person with the owner of their conversations.
    public init(person: PartyID, owner: PartyID) {
        self.person = person
        self.owner = owner
    }
}

/// The seam that decides whom a conversation belongs to and who may see it.
///
/// SupportKit ships two implementations: ``SingleBuyerDirectory`` for B2C shops
/// (one buyer per conversation) and ``AccountDirectory`` for B2B accounts with
/// stakeholders. A host with its own CRM conforms its client to this protocol.
///
/// Implementations must be deterministic and side-effect free: threading calls
/// ``mayView(_:_:)`` on its hot path to decide whether a copied ticket tag is
/// trustworthy.
///
/// The one rule every implementation must keep: a person never sees a
/// conversation owned by a party they do not belong to (another customer, or
/// another account).
public protocol CustomerDirectory: Sendable {
    /// The person behind a contact point and the owner of their conversations,
    /// or `nil` when the contact point is unknown.
    func resolve(_ contactPoint: ContactPoint) -> ResolvedParty?

    /// Whether `viewer` may read a conversation with the given ownership.
    func mayView(_ viewer: Viewer, _ conversation: ConversationAccess) -> Bool
}
