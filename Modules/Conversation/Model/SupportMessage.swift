import CustomerModel
import Foundation

/// Where a message came from or went to.
public enum Channel: Hashable, Sendable, Codable {
    /// E-mail.
    case email
    /// Live chat on the shop's site or app.
    case chat
    /// A phone call, recorded as an agent's call note or a transcript.
    case phone(PhoneRecord)
    /// A direct message on a social platform (`"instagram"`, `"facebook"`, `"x"`).
    case social(platform: String)
    /// A text message.
    case sms
    /// A contact form on the shop's site.
    case webForm
    /// The shop's chatbot (messages written by the bot, or by the customer to the bot).
    case chatbot

    /// How a call was recorded.
    public enum PhoneRecord: String, Hashable, Sendable, Codable {
        /// The agent's summary of the call.
        case callNote
        /// A transcript of the call.
        case transcript
    }

    /// Whether a message on this channel can continue an open conversation from
    /// another channel (a chat that continues as a call is one conversation).
    /// E-mail and web forms thread by their own headers and subjects instead.
    public var continuesConversations: Bool {
        switch self {
        case .chat, .phone, .sms, .social, .chatbot: true
        case .email, .webForm: false
        }
    }
}

extension Channel {
    /// The channel's kind, without the platform or the call record.
    public var kind: ChannelKind {
        switch self {
        case .email: .email
        case .chat: .chat
        case .phone: .phone
        case .social: .social
        case .sms: .sms
        case .webForm: .webForm
        case .chatbot: .chatbot
        }
    }
}

extension Channel {
    /// The channel's name in the channel-event format (docs/formats.md): `email`, `chat`,
    /// `phone`, `sms`, `social`, `web_form`, `bot`.
    public var intakeName: String {
        switch self {
        case .email: "email"
        case .chat: "chat"
        case .phone: "phone"
        case .sms: "sms"
        case .social: "social"
        case .webForm: "web_form"
        case .chatbot: "bot"
        }
    }
}

/// Who wrote a message, relative to the desk.
public enum MessageDirection: String, Hashable, Sendable, Codable {
    /// From the customer to the desk.
    case inbound
    /// From the desk (an agent or the bot) to the customer.
    case outbound
    /// An internal note, visible to agents only.
    case internalNote
}

/// The headers that e-mail threading reads (RFC 5322 §3.6.4), without angle brackets.
public struct ThreadingHeaders: Hashable, Sendable, Codable {
    /// The message's own Message-ID.
    public var messageID: String?
    /// In-Reply-To: the message(s) this one answers.
    public var inReplyTo: [String]
    /// References: the thread's ancestry, oldest first.
    public var references: [String]

    /// Threading headers; all empty by default (chat, phone and SMS messages have none).
    public init(messageID: String? = nil, inReplyTo: [String] = [], references: [String] = []) {
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
    }
}

/// What the desk keeps of an attachment: metadata, not bytes.
public struct AttachmentInfo: Hashable, Sendable, Codable {
    /// The file name the sender gave, if any.
    public var filename: String?
    /// The MIME type (`image/jpeg`).
    public var contentType: String
    /// Size in bytes after transfer decoding.
    public var size: Int
    /// The Content-ID, for images referenced from an HTML body.
    public var contentID: String?

    /// Describes an attachment.
    public init(filename: String?, contentType: String, size: Int, contentID: String? = nil) {
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.contentID = contentID
    }
}

/// One message on any channel, as the desk stores and threads it.
public struct SupportMessage: Hashable, Sendable, Codable, Identifiable {
    /// The desk's id of the message.
    public var id: MessageID
    /// The channel it came on.
    public var channel: Channel
    /// Inbound, outbound or an internal note.
    public var direction: MessageDirection
    /// The contact point of the author (the customer's address, or the desk's).
    public var author: ContactPoint?
    /// The person who wrote it (customer or stakeholder), once resolved.
    public var person: PartyID?
    /// The party that owns the conversation (the customer, or a B2B account), once resolved.
    public var party: PartyID?
    /// The agent who wrote it, for outbound messages and notes.
    public var agent: AgentID?
    /// When the author sent it (the Date header; the platform's timestamp).
    public var sentAt: Date
    /// When the desk received it.
    public var receivedAt: Date
    /// The subject (e-mail, web forms); empty on channels without one.
    public var subject: String
    /// The readable text: for e-mail the new text with quoted replies stripped.
    public var text: String
    /// What was stripped from ``text``: the quoted earlier messages and the signature.
    public var quotedText: String?
    /// The HTML body, when there was one.
    public var html: String?
    /// The headers e-mail threading reads.
    public var headers: ThreadingHeaders
    /// Attachment metadata.
    public var attachments: [AttachmentInfo]
    /// The message's language as a BCP 47 tag, given or detected.
    public var language: String?

    /// A message; optional parts default to empty.
    public init(
        id: MessageID, channel: Channel, direction: MessageDirection, author: ContactPoint? = nil,
        person: PartyID? = nil, party: PartyID? = nil, agent: AgentID? = nil, sentAt: Date,
        receivedAt: Date? = nil, subject: String = "", text: String, quotedText: String? = nil, html: String? = nil,
        headers: ThreadingHeaders = ThreadingHeaders(), attachments: [AttachmentInfo] = [], language: String? = nil
    ) {
        self.id = id
        self.channel = channel
        self.direction = direction
        self.author = author
        self.person = person
        self.party = party
        self.agent = agent
        self.sentAt = sentAt
        self.receivedAt = receivedAt ?? sentAt
        self.subject = subject
        self.text = text
        self.quotedText = quotedText
        self.html = html
        self.headers = headers
        self.attachments = attachments
        self.language = language
    }
}
