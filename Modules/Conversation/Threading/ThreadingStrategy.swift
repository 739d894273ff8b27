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
    /// Its quoted text starts like a message of the thread from the same party
    /// (a reply whose client dropped the headers).
    case quotedText = "quoted_text"
    /// The same normalised subject from the same party within the subject window.
    case subject
    /// A chat, call, SMS or social message from the same party soon after.
    case channelContinuation = "channel_continuation"
    /// No rule matched: a new thread.
    case newThread = "new_thread"
}

/// What a threading rule matched on, kept as data and rendered for agents by
/// ``description``: building the sentence for every message would cost more
/// than threading it.
public enum ThreadingEvidence: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The message repeats one already threaded (same Message-ID).
    case duplicate(messageID: String)
    /// A message already threaded named this message's id in its References.
    case referencedEarlier(messageID: String)
    /// In-Reply-To names a message in the thread.
    case inReplyTo(String)
    /// References names a message in the thread.
    case references(String)
    /// The subject's ticket tag, from the owner or a stakeholder of the same account.
    case ticketTag(UInt64, fromOwner: Bool)
    /// The same normalised subject from the same party, this many seconds after the thread's last message.
    case subject(seconds: Double)
    /// The quoted text starts like a message of the thread from the same party;
    /// `attribution` is the reply's "On … wrote:" line before the quote (or empty).
    case quotedText(attribution: String)
    /// A message on a continuing channel this many seconds after the thread's last message.
    case continuation(channel: Channel, thread: ThreadID, seconds: Double)
    /// No rule matched.
    case none

    public var description: String {
        switch self {
        case .duplicate(let id): "duplicate of an earlier message with Message-ID <\(id)>"
        case .referencedEarlier(let id): "Message-ID <\(id)> was referenced by a message in this thread"
        case .inReplyTo(let id): "In-Reply-To → <\(id)>"
        case .references(let id): "References → <\(id)>"
        case .ticketTag(let ticket, let fromOwner):
            "tag [#\(ticket)] from " + (fromOwner ? "the thread's owner" : "a stakeholder of the same account")
        case .subject(let seconds): "subject within party, \(Self.describe(seconds))"
        case .quotedText(let attribution):
            attribution.isEmpty
                ? "quotes a message of this thread from the same party"
                : "quotes a message of this thread from the same party (\"\(attribution)\")"
        case .continuation(let channel, let thread, let seconds):
            "\(Self.channelName(channel)) continues \(thread) after \(Self.describe(seconds))"
        case .none: "no rule matched"
        }
    }

    private static func describe(_ seconds: Double) -> String {
        if seconds < 3_600 { return "\(Int(seconds / 60)) min" }
        if seconds < 86_400 { return "\(Int(seconds / 3_600)) h" }
        let days = Int(seconds / 86_400)
        return days == 1 ? "1 day" : "\(days) days"
    }

    private static func channelName(_ channel: Channel) -> String {
        switch channel {
        case .email: "e-mail"
        case .chat: "chat"
        case .phone: "call"
        case .social(let platform): "\(platform) message"
        case .sms: "SMS"
        case .webForm: "web form"
        case .chatbot: "chatbot"
        }
    }
}

/// Where a message was threaded, and why.
///
/// ``evidence`` reads, for an agent: "References → <a1@example.com>",
/// "tag [#123] from the thread's owner", "subject within party, 2 days",
/// "chat continues #77 after 3 h". `notes` lists evidence that was seen and
/// rejected, such as a ticket tag copied by someone who may not see that thread.
public struct ThreadAssignment: Hashable, Sendable, Codable {
    /// The thread the message is in.
    public var thread: ThreadID
    /// The rule that decided.
    public var rule: ThreadingRule
    /// What the rule matched on, as data.
    public var because: ThreadingEvidence
    /// Evidence seen but not used, with the reason.
    public var notes: [String]

    /// What the rule matched on, as a sentence.
    public var evidence: String { because.description }

    /// Whether the message started a new thread.
    public var startedThread: Bool { rule == .newThread }

    /// An assignment.
    public init(thread: ThreadID, rule: ThreadingRule, because: ThreadingEvidence, notes: [String] = []) {
        self.thread = thread
        self.rule = rule
        self.because = because
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
    mutating func assign(_ message: borrowing SupportMessage, directory: some CustomerDirectory) -> ThreadAssignment

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
