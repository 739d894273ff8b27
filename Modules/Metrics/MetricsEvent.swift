import Conversation
import CustomerModel
import Foundation
import Storage

/// What the KPIs need to know about one message, beside its event: read from the stored
/// message once, when its event is folded.
public struct MessageFacts: Hashable, Sendable, Codable {
    /// The channel it came or went on.
    public var channel: Channel
    /// Its language (BCP 47), given or detected.
    public var language: String?
    /// The agent who wrote it (outbound, notes).
    public var agent: AgentID?
    /// The analyzed terms of an inbound message (stems, stop words dropped): what customers
    /// complain about. Empty for the desk's own messages.
    public var terms: [String]
    /// The normalised subject (repeat contact compares it).
    public var subjectKey: String?
    /// An order number the message names (repeat contact compares it).
    public var order: String?

    /// Facts.
    public init(
        channel: Channel, language: String? = nil, agent: AgentID? = nil, terms: [String] = [], subjectKey: String? = nil,
        order: String? = nil
    ) {
        self.channel = channel
        self.language = language
        self.agent = agent
        self.terms = terms
        self.subjectKey = subjectKey
        self.order = order
    }

    /// Whether the chatbot wrote it (its answers are counted apart from people's replies).
    public var isBot: Bool { channel == .chatbot && agent == nil }

    /// The facts of a stored message: its channel, language, agent, normalised subject, the
    /// first order number it names, and — inbound — its analyzed terms with `analyzer`.
    public static func of(_ message: SupportMessage, analyze: (String, String?) -> [String]) -> MessageFacts {
        MessageFacts(
            channel: message.channel, language: message.language, agent: message.agent,
            terms: message.direction == .inbound ? analyze(message.subject + "\n" + message.text, message.language) : [],
            subjectKey: message.subject.isEmpty ? nil : SubjectNormalizer.normalize(message.subject),
            order: OrderNumber.first(in: message.subject + " " + message.text))
    }
}

/// One event of the log as the fold reads it: the event, and for a message's event the
/// message's facts.
public struct MetricsEvent: Hashable, Sendable {
    /// The event.
    public var event: SupportEvent
    /// The message's facts for `received`, `replied` and `noted` (nil: the message is gone,
    /// erased or deleted by retention; the event still counts, without its dimensions).
    public var message: MessageFacts?

    /// An event to fold.
    public init(_ event: SupportEvent, message: MessageFacts? = nil) {
        self.event = event
        self.message = message
    }
}

/// Order numbers in free text: a token of at least four digits, optionally with a short
/// letter prefix and a dash (`4711`, `O-5512`, `#10023`, `SO12345`). Best effort: a year
/// (2026) reads as an order number too, so callers compare only within one customer.
public enum OrderNumber {
    /// The first order number in `text`, upper-cased, without `#`.
    public static func first(in text: String) -> String? {
        var token = ""
        func candidate() -> String? {
            let trimmed = token.trimmingCharacters(in: CharacterSet(charactersIn: "#-"))
            let digits = trimmed.reversed().prefix { $0.isASCII && $0.isNumber }.count
            let prefix = trimmed.dropLast(digits).replacingOccurrences(of: "-", with: "")
            guard digits >= 4, prefix.count <= 3, prefix.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
            return trimmed.uppercased()
        }
        for character in text + " " {
            if character.isASCII && (character.isLetter || character.isNumber) || character == "-" || character == "#" {
                token.append(character)
            } else {
                if let found = candidate() { return found }
                token = ""
            }
        }
        return nil
    }
}
