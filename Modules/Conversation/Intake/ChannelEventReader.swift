import CustomerModel
import Foundation

/// One message from a channel events file, with what the file said about the customer.
public struct ChannelEvent: Hashable, Sendable {
    /// The 1-based line number in the file.
    public var line: Int
    /// The message, ready to thread.
    public var message: SupportMessage
    /// The customer's contact point: `from` on inbound lines; `to` (or `from` when there is no
    /// `to`) on outbound lines and internal notes.
    public var customer: ContactPoint
    /// The customer's display name, when the line gave one.
    public var customerName: String?
    /// The chat session or call id, when the line gave one.
    public var session: String?
    /// The shop's order id the message is about, when the line gave one.
    public var order: String?

    /// An event.
    public init(
        line: Int, message: SupportMessage, customer: ContactPoint, customerName: String? = nil,
        session: String? = nil, order: String? = nil
    ) {
        self.line = line
        self.message = message
        self.customer = customer
        self.customerName = customerName
        self.session = session
        self.order = order
    }
}

/// Why one line of a channel events file was rejected.
public struct ChannelEventError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The 1-based line number in the file.
    public var line: Int
    /// What is wrong with the line.
    public var problem: Problem

    /// An error on `line`.
    public init(line: Int, problem: Problem) {
        self.line = line
        self.problem = problem
    }

    /// What is wrong with a line. Field names are the line's keys (`"from.platform"` for a
    /// key inside the contact point object). (An `Error` too, so the reader can throw it from
    /// its helpers; callers receive it inside a ``ChannelEventError``.)
    public enum Problem: Error, Hashable, Sendable, CustomStringConvertible {
        /// The line is not JSON (or not UTF-8); the text says why.
        case notJSON(String)
        /// The line is JSON but not an object.
        case notAnObject
        /// A required field is absent (or `null`).
        case missingField(String)
        /// A field has the wrong JSON type, or is an empty string where text is required.
        case wrongType(field: String, expected: String)
        /// `at` is not an RFC 3339 time with a time zone, or names an impossible date.
        case badTime(String)
        /// `channel` is none of `chat`, `phone`, `sms`, `social`, `web_form`, `bot`.
        case unknownChannel(String)
        /// `direction` is none of `inbound`, `outbound`, `internal`.
        case unknownDirection(String)
        /// A contact point object (`from`, `to`) has none or several of email/phone/handle, or
        /// its value is not a valid address, number or handle.
        case badContactPoint(field: String, reason: String)
        /// An outbound message or internal note names no `agent`.
        case missingAgent
        /// An earlier line used the same `id` for a different event.
        case duplicateID(String)
        /// `language` is not a BCP 47 tag.
        case badLanguage(String)
        /// `text` is empty or only whitespace.
        case emptyText

        /// What is wrong, in words a person can act on.
        public var description: String {
            switch self {
            case .notJSON(let reason): "not JSON: \(reason)"
            case .notAnObject: "not a JSON object"
            case .missingField(let field): "missing field \"\(field)\""
            case .wrongType(let field, let expected): "field \"\(field)\" must be \(expected)"
            case .badTime(let text):
                "time \"\(text)\" is not an RFC 3339 time with a time zone (\"2026-03-28T22:30:00Z\")"
            case .unknownChannel(let name):
                "unknown channel \"\(name)\"; expected chat, phone, sms, social, web_form or bot"
            case .unknownDirection(let name): "unknown direction \"\(name)\"; expected inbound, outbound or internal"
            case .badContactPoint(let field, let reason): "contact point \"\(field)\": \(reason)"
            case .missingAgent: "outbound messages and internal notes need an \"agent\""
            case .duplicateID(let id): "id \"\(id)\" was used on an earlier line for a different event"
            case .badLanguage(let tag): "language \"\(tag)\" is not a BCP 47 tag (\"sv-SE\")"
            case .emptyText: "text is empty"
            }
        }
    }

    /// `line 7: missing field "text"`.
    public var description: String { "line \(line): \(problem)" }
}

/// Reads channel events: the chat, phone, SMS, social, web-form and bot messages a desk
/// imports from its channel platforms, as JSON Lines.
///
/// One JSON object per line; blank lines are skipped, `\r\n` line ends and a missing final
/// newline are fine, and so is a UTF-8 byte order mark before the first line.
///
/// ```json
/// {"id": "chat-81", "channel": "chat", "at": "2026-03-28T22:30:00.250Z", "from": {"email": "anna@example.se"},
///  "text": "Where is my order?", "session": "s-17", "order": "1001", "name": "Anna Berg"}
/// {"id": "chat-82", "channel": "chat", "at": "2026-03-28T23:31:00+01:00", "direction": "outbound",
///  "agent": "maria", "to": {"email": "anna@example.se"}, "text": "It left the warehouse today.", "session": "s-17"}
/// ```
///
/// Fields: `id`, `channel`, `at`, `text` and a contact point are required; `direction`
/// defaults to `inbound`; `agent` is required for `outbound` and `internal`. A contact point
/// object is `{"email": …}`, `{"phone": …}` (E.164, or national with `defaultRegion`) or
/// `{"handle": …, "platform": …}`. It names the customer: `from` on inbound lines, `to` (or
/// `from` when there is no `to`) otherwise; any other contact point object on the line must be
/// valid too, but is not kept. `null` and, for optional fields, `""` count as absent; unknown
/// keys are ignored.
///
/// A pure parser: it reads no store and resolves no identities.
public enum ChannelEventReader {
    /// One result per non-blank line, in order.
    ///
    /// A line whose `id` an earlier successful line used is returned as a success again when it
    /// describes the same event (an idempotent redelivery; compare ``ChannelEvent`` ignoring
    /// `line`), and as ``ChannelEventError/Problem/duplicateID(_:)`` when it describes another.
    ///
    /// - Parameters:
    ///   - data: the file's bytes (UTF-8).
    ///   - defaultRegion: the ISO 3166 region national phone numbers are read in (`"SE"`).
    public static func read(_ data: Data, defaultRegion: String? = nil) -> [Result<ChannelEvent, ChannelEventError>] {
        let bytes = [UInt8](data)
        var results: [Result<ChannelEvent, ChannelEventError>] = []
        var earlier: [String: ChannelEvent] = [:]
        var start = 0
        var lineNumber = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        while start < bytes.count {
            lineNumber += 1
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let line = bytes[start..<end]
            start = end + 1
            guard line.contains(where: { !Self.isBlank($0) }) else { continue }
            do throws(ChannelEventError.Problem) {
                var event = try Self.event(line, defaultRegion: defaultRegion)
                event.line = lineNumber
                let id = event.message.id.rawValue
                if var previous = earlier[id] {
                    previous.line = lineNumber
                    guard previous == event else { throw .duplicateID(id) }
                } else {
                    earlier[id] = event
                }
                results.append(.success(event))
            } catch {
                results.append(.failure(ChannelEventError(line: lineNumber, problem: error)))
            }
        }
        return results
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    // MARK: One line

    private static func event(_ line: ArraySlice<UInt8>, defaultRegion: String?) throws(ChannelEventError.Problem)
        -> ChannelEvent
    {
        let object: [String: IntakeJSON]
        switch IntakeJSON.parse(Array(line)) {
        case .failure(let error): throw .notJSON(error.reason)
        case .success(.object(let value)): object = value
        case .success: throw .notAnObject
        }
        let fields = Fields(object: object)

        let id = try fields.nonEmptyString("id")
        let channelName = try fields.requiredString("channel")
        let timeText = try fields.requiredString("at")
        guard let time = RFC3339.date(timeText) else { throw .badTime(timeText) }
        let direction: MessageDirection
        switch try fields.optionalString("direction") ?? "inbound" {
        case "inbound": direction = .inbound
        case "outbound": direction = .outbound
        case "internal": direction = .internalNote
        case let other: throw .unknownDirection(other)
        }

        // The customer's side: `from` for inbound, `to` (falling back to `from`) otherwise.
        var from: ContactPoint?
        if let value = fields.value("from") { from = try contactPoint(value, field: "from", defaultRegion: defaultRegion) }
        var to: ContactPoint?
        if let value = fields.value("to") { to = try contactPoint(value, field: "to", defaultRegion: defaultRegion) }
        let customer: ContactPoint
        if direction == .inbound {
            guard let from else { throw .missingField("from") }
            customer = from
        } else {
            guard let point = to ?? from else { throw .missingField("to") }
            customer = point
        }

        let agent = try fields.optionalString("agent").map { AgentID($0) }
        if direction != .inbound, agent == nil { throw .missingAgent }

        let channel: Channel
        switch channelName {
        case "chat": channel = .chat
        case "phone": channel = .phone(.callNote)
        case "sms": channel = .sms
        case "social":
            if case .handle(let platform) = customer.kind {
                channel = .social(platform: platform)
            } else {
                channel = .social(platform: "social")
            }
        case "web_form": channel = .webForm
        case "bot": channel = .chatbot
        default: throw .unknownChannel(channelName)
        }

        guard let text = try fields.optionalString("text", emptyIsAbsent: false) else { throw .missingField("text") }
        guard text.contains(where: { !$0.isWhitespace }) else { throw .emptyText }
        let subject = try fields.optionalString("subject") ?? ""
        let language = try fields.optionalString("language")
        if let language, !LanguageTagSyntax.isValid(language) { throw .badLanguage(language) }
        let session = try fields.optionalString("session")
        let order = try fields.optionalString("order")
        let name = try fields.optionalString("name")

        // Channel events carry no Message-IDs. A session (a chat session, a call) is expressed
        // as one References entry shared by all its messages, in a reserved domain (`.invalid`,
        // RFC 2606, so it can never collide with a real Message-ID): the threading rules'
        // References step then keeps the session's messages in one thread, however long the
        // gaps between them.
        let headers =
            session.map { ThreadingHeaders(messageID: nil, inReplyTo: [], references: ["session.\($0)@intake.invalid"]) }
            ?? ThreadingHeaders()

        let message = SupportMessage(
            id: MessageID(id), channel: channel, direction: direction,
            author: direction == .inbound ? customer : nil, agent: agent, sentAt: time, receivedAt: time,
            subject: subject, text: text, headers: headers, language: language)
        return ChannelEvent(
            line: 0, message: message, customer: customer, customerName: name, session: session, order: order)
    }

    /// Reads a contact point object: exactly one of `email`, `phone`, `handle` (with `platform`).
    private static func contactPoint(_ value: IntakeJSON, field: String, defaultRegion: String?)
        throws(ChannelEventError.Problem) -> ContactPoint
    {
        guard case .object(let object) = value else {
            throw .wrongType(field: field, expected: "an object with \"email\", \"phone\" or \"handle\"")
        }
        let fields = Fields(object: object, path: field + ".")
        let kinds = ["email", "phone", "handle"].filter { fields.value($0) != nil }
        guard kinds.count == 1 else {
            throw .badContactPoint(
                field: field,
                reason: kinds.isEmpty
                    ? "needs one of \"email\", \"phone\" or \"handle\""
                    : "has \(kinds.map { "\"\($0)\"" }.joined(separator: " and ")); give exactly one")
        }
        func bad(_ error: ContactPointError) -> ChannelEventError.Problem {
            .badContactPoint(field: field, reason: error.description)
        }
        switch kinds[0] {
        case "email":
            let address = try fields.requiredString("email")
            do { return try ContactPoint.email(address) } catch { throw bad(error) }
        case "phone":
            let number = try fields.requiredString("phone")
            do { return try ContactPoint.phone(number, defaultRegion: defaultRegion) } catch { throw bad(error) }
        default:
            let handle = try fields.requiredString("handle")
            guard let platform = try fields.optionalString("platform") else {
                throw .badContactPoint(field: field, reason: "a handle needs a \"platform\"")
            }
            do { return try ContactPoint.handle(handle, platform: platform) } catch { throw bad(error) }
        }
    }

    /// Typed access to a line's fields, with errors naming the field.
    private struct Fields {
        let object: [String: IntakeJSON]
        var path = ""

        /// The value, or `nil` when absent or `null`.
        func value(_ key: String) -> IntakeJSON? {
            switch object[key] {
            case nil, .null?: nil
            case let value?: value
            }
        }

        /// A string field, or `nil` when absent, `null` or (when `emptyIsAbsent`) `""`.
        func optionalString(_ key: String, emptyIsAbsent: Bool = true) throws(ChannelEventError.Problem) -> String? {
            guard let value = value(key) else { return nil }
            guard case .string(let text) = value else { throw .wrongType(field: path + key, expected: "a string") }
            return emptyIsAbsent && text.isEmpty ? nil : text
        }

        func requiredString(_ key: String) throws(ChannelEventError.Problem) -> String {
            guard let text = try optionalString(key, emptyIsAbsent: false) else { throw .missingField(path + key) }
            return text
        }

        func nonEmptyString(_ key: String) throws(ChannelEventError.Problem) -> String {
            let text = try requiredString(key)
            guard text.contains(where: { !$0.isWhitespace }) else {
                throw .wrongType(field: path + key, expected: "a non-empty string")
            }
            return text
        }
    }
}
