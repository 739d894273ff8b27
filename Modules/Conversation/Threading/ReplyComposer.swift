import CustomerModel
import Foundation

/// Composes the desk's outbound replies so that they thread in the customer's
/// mail client and the customer's answer threads back to the ticket.
///
/// Helpdesks often send replies without In-Reply-To, so clients that thread by
/// headers only (Outlook) split one ticket into many conversations. A composed
/// reply carries:
/// - its own Message-ID, `<ticket.unique@domain>`;
/// - In-Reply-To: the message it answers;
/// - References: the parent's References followed by the parent's Message-ID
///   (RFC 5322 §3.6.4), trimmed from the middle when longer than
///   ``maxReferences`` (the first id, which names the thread's root, is kept,
///   and the most recent ones);
/// - the subject as `Re: <subject> [#ticket]`, with one `Re:` however many the
///   parent had.
public struct ReplyComposer: Sendable {
    /// The domain of the desk's Message-IDs (`shop.example`).
    public var domain: String
    /// The most References ids a reply carries.
    public var maxReferences: Int
    private let uniquePart: @Sendable () -> String

    /// A composer for `domain`. `uniquePart` makes Message-IDs unique; by default a random UUID.
    public init(
        domain: String, maxReferences: Int = 20,
        uniquePart: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }
    ) {
        self.domain = domain
        self.maxReferences = max(2, maxReferences)
        self.uniquePart = uniquePart
    }

    /// A reply from the desk to `parent`, in `thread`.
    public func reply(
        to parent: SupportMessage, in thread: ThreadID, from desk: ContactPoint?, agent: AgentID?, text: String,
        at date: Date
    ) -> SupportMessage {
        let ownID = "\(thread.rawValue).\(uniquePart())@\(domain)"
        var references = parent.headers.references
        if let parentID = parent.headers.messageID ?? (parent.channel == .email ? parent.id.rawValue : nil) {
            if references.last != parentID { references.append(parentID) }
        }
        if references.count > maxReferences {
            references = [references[0]] + references.suffix(maxReferences - 1)
        }
        let inReplyTo = (parent.headers.messageID ?? (parent.channel == .email ? parent.id.rawValue : nil)).map { [$0] } ?? []
        let base = SubjectNormalizer.stripPrefixesKeepingCase(parent.subject)
        let subject = "Re: \(base) \(TicketTag.tag(for: thread))"
        return SupportMessage(
            id: MessageID(ownID), channel: parent.channel == .webForm ? .email : parent.channel, direction: .outbound,
            author: desk, person: parent.person, party: parent.party, agent: agent, sentAt: date, subject: subject,
            text: text, headers: ThreadingHeaders(messageID: ownID, inReplyTo: inReplyTo, references: references),
            language: parent.language)
    }
}
