import Foundation

// The words every support module shares. They live in this leaf module because Conversation
// (tickets, messages) and Policy (SLA clocks, routing) both need them and neither imports the
// other: one type per concept, so a host never converts a priority from one module's enum to
// another's.

/// Where a ticket stands.
///
/// The lifecycle: new → open → pending customer / on hold → solved → closed.
/// A solved ticket reopens when the customer writes again; a closed ticket is
/// final (a new message starts a follow-up thread that links back to it).
public enum ThreadStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// Arrived, nobody has looked at it yet.
    case new
    /// An agent works on it.
    case open
    /// Waiting for the customer to answer (SLA clocks pause).
    case pendingCustomer = "pending_customer"
    /// Waiting on a third party (carrier, warehouse, finance).
    case onHold = "on_hold"
    /// The agent considers it answered; the customer can still reopen it.
    case solved
    /// Archived; no further changes.
    case closed

    /// Whether a ticket in this status may move to `next`.
    public func canMove(to next: ThreadStatus) -> Bool {
        switch (self, next) {
        case (.closed, _): false
        case (_, .new): false
        case (let a, let b) where a == b: false
        case (.new, _), (.open, _), (.pendingCustomer, _), (.onHold, _): true
        case (.solved, .open), (.solved, .closed): true
        case (.solved, _): false
        }
    }

    /// Whether the ticket still needs the desk (new, open, pending, on hold).
    public var isActive: Bool { self != .solved && self != .closed }
}

/// How urgent a ticket is. Ordered: `low < normal < high < urgent`.
public enum TicketPriority: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case low, normal, high, urgent

    private var rank: Int {
        switch self {
        case .low: 0
        case .normal: 1
        case .high: 2
        case .urgent: 3
        }
    }

    /// Whether `lhs` is less urgent than `rhs`.
    public static func < (lhs: TicketPriority, rhs: TicketPriority) -> Bool { lhs.rank < rhs.rank }
}


/// The kind of channel a message came or went on, without its detail (which social platform,
/// how a call was recorded): what routing, SLA targets and a customer's preference name.
/// `Conversation.Channel` carries the detail and answers its `kind`.
public enum ChannelKind: String, Hashable, Sendable, Codable, CaseIterable {
    /// E-mail.
    case email
    /// Live chat.
    case chat
    /// A phone call.
    case phone
    /// A direct message on a social platform.
    case social
    /// A text message.
    case sms
    /// A contact form on the shop's site.
    case webForm
    /// The shop's chatbot.
    case chatbot
}
