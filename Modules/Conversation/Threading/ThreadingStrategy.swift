import CustomerModel
import Foundation

/// Which rule put a message in its thread.
public enum ThreadingRule: String, Hashable, Sendable, Codable {
    /// Its own Message-ID was already in a thread (a child arrived first and named it),
    /// or it repeats a message already threaded.
    case knownMessageID = "known_message_id"
    /// One of its References or In-Reply-To ids is in the thread.
    case references
    /// The desk's ticket tag in the subject, from someone who may see that thread.
    case ticketTag = "ticket_tag"
    /// The same normalised subject from the same party within the subject window.
    case subject
    /// A chat, call, SMS or social message from the same party soon after.
    case channelContinuation = "channel_continuation"
    /// No rule matched: a new thread.
    case newThread = "new_thread"
}

/// Where a message was threaded, and why.
///
/// `evidence` is written for an agent: "References → <a1@example.com>",
/// "tag [#123] from the thread's owner", "subject within party, 2 days",
/// "chat continues #77 after 3 h". `notes` lists evidence that was seen and
/// rejected, such as a ticket tag copied by someone who may not see that thread.
public struct ThreadAssignment: Hashable, Sendable, Codable {
    /// The thread the message is in.
    public var thread: ThreadID
    /// The rule that decided.
    public var rule: ThreadingRule
    /// What the rule matched on.
    public var evidence: String
    /// Evidence seen but not used, with the reason.
    public var notes: [String]

    /// Whether the message started a new thread.
    public var startedThread: Bool { rule == .newThread }

    /// An assignment.
    public init(thread: ThreadID, rule: ThreadingRule, evidence: String, notes: [String] = []) {
        self.thread = thread
        self.rule = rule
        self.evidence = evidence
        self.notes = notes
    }
}

/// The seam for threading: decides which thread each arriving message joins.
///
/// Implementations keep their own state and must be incremental: assigning one
/// message to a corpus of a million costs about as much as the message's own
/// references, never a re-thread. They must never put a message in a thread
/// its sender may not see. SupportKit's default is ``HelpdeskThreading``; a
/// host with other rules (an order-number rule, say) writes its own, usually by
/// wrapping the default and trying its rule first.
public protocol ThreadingStrategy: Sendable {
    /// Threads one message and returns where it went and why. `directory` says
    /// who may see which thread (tags and headers that point at a thread the
    /// sender may not see are ignored).
    mutating func assign(_ message: SupportMessage, directory: some CustomerDirectory) -> ThreadAssignment

    /// The thread a message is in now (after merges and splits), or `nil` if unknown.
    func thread(of message: MessageID) -> ThreadID?
}

/// Tuning for ``HelpdeskThreading``.
public struct ThreadingConfiguration: Hashable, Sendable, Codable {
    /// How long after a thread's last message a same-subject message from the
    /// same party still joins it.
    public var subjectWindow: TimeInterval
    /// How long after a conversation's last message a chat, call, SMS or social
    /// message from the same party continues it.
    public var continuationWindow: TimeInterval
    /// The ticket number of the first thread.
    public var firstTicketNumber: UInt64
    /// At most this many References ids are read per message (the last ones,
    /// nearest the message); the rest are ignored as hostile or broken input.
    public var maxReferences: Int

    /// Defaults: subjects join within 14 days, channels continue within 24 hours,
    /// tickets count from 1, and 64 references are read.
    public init(
        subjectWindow: TimeInterval = 14 * 86_400, continuationWindow: TimeInterval = 86_400,
        firstTicketNumber: UInt64 = 1, maxReferences: Int = 64
    ) {
        self.subjectWindow = subjectWindow
        self.continuationWindow = continuationWindow
        self.firstTicketNumber = firstTicketNumber
        self.maxReferences = maxReferences
    }
}
