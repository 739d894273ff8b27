import Conversation
import CustomerModel
import Foundation
import Localization
import Policy
import Storage

/// A reply the desk wrote and stored: the message (the thread's outbound message, with its
/// events), who it goes to, and — for an e-mail thread — the RFC 5322 mail to send.
public struct DeskReply: Sendable {
    /// The stored outbound message.
    public var message: SupportMessage
    /// The message it answers (the thread's latest inbound message).
    public var parent: SupportMessage
    /// The customer's contact point it goes to.
    public var recipient: ContactPoint?
    /// The customer's name.
    public var recipientName: String?
    /// The language and register the template was found in (the fallback chain's answer).
    public var language: String
    /// The register used (nil: the neutral variant).
    public var register: Register?
    /// The mail to deliver, for an e-mail (or web form) thread; nil for chat, phone, SMS, social.
    public var mail: OutboundMail?
}

/// Why a reply was not written. Nothing is stored then.
public enum DeskReplyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The store failed, or the thread is unknown (``StorageError/notFound(_:)``).
    case storage(StorageError)
    /// The desk has no message catalog.
    case noCatalog
    /// The template is missing, broken, or an argument it needs was not given.
    case template(CatalogError)
    /// The thread has no message to answer.
    case nothingToAnswer(ThreadID)

    public var description: String {
        switch self {
        case .storage(let error): "\(error)"
        case .noCatalog: "the desk has no message catalog (give --catalog FILE once)"
        case .template(let error): "\(error)"
        case .nothingToAnswer(let thread): "thread \(thread) has no message to answer"
        }
    }
}

/// Turns `--set name=value` text into a template argument: an integer, a decimal (`1.5`),
/// money (`39.90 SEK`), an instant (RFC 3339, or a `YYYY-MM-DD` day at noon UTC), else text.
public enum TemplateArgument {
    /// The argument `text` reads as (best effort: anything else is text).
    public static func parse(_ text: String) -> MessageArgument {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let integer = Int(trimmed) { return .integer(integer) }
        let parts = trimmed.split(separator: " ")
        if parts.count == 2, let money = try? Money(decimal: String(parts[0]), currency: String(parts[1])) {
            return .money(minorUnits: money.minorUnits, currency: money.currency)
        }
        if trimmed.range(of: #"^-?[0-9]+\.[0-9]+$"#, options: .regularExpression) != nil { return .decimal(trimmed) }
        if let date = ISO8601DateFormatter().date(from: trimmed) { return .date(date) }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if trimmed.count == 10, let date = day.date(from: trimmed) { return .date(date.addingTimeInterval(12 * 3600)) }
        return .text(text)
    }
}

extension Desk {
    /// Writes a reply to a thread's latest inbound message from template `key` of the
    /// ``catalog``, in the customer's language (profile, else the message's, along the
    /// catalog's fallback chain) and register (profile), with money and dates in the
    /// customer's locale and time zone, and stores it as the thread's outbound message with
    /// its events (one transaction). The arguments `name` (the customer's first name),
    /// `fullName`, `agent` (the agent's name) and `ticket` are filled in unless given.
    ///
    /// The message answered is the thread's latest inbound one (on `channel`, when given: a
    /// thread that moved from mail to chat can still be answered by mail); the reply goes out on
    /// its channel. For an e-mail thread the reply carries a new Message-ID, In-Reply-To the message
    /// answered and References per RFC 5322 §3.6.4 (``ReplyComposer``), and ``DeskReply/mail``
    /// is the mail to deliver; the host delivers it (the example CLIs write a Maildir).
    ///
    /// - Throws: ``DeskReplyError``; nothing is stored then.
    public func reply(
        to thread: ThreadID, template key: String, arguments: [String: MessageArgument] = [:], agent: AgentID,
        from deskAddress: ContactPoint, answering channel: Channel? = nil, domain: String? = nil, at date: Date = Date()
    ) async throws(DeskReplyError) -> DeskReply {
        guard let catalog else { throw .noCatalog }
        // Whole seconds: what a Date header and an RFC 3339 outbox line carry, so a re-import matches.
        let date = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        let current: SupportThread
        let history: [SupportMessage]
        let owner: StoredParty?
        do {
            guard let found = try await currentThread(thread) else { throw DeskReplyError.storage(.notFound("thread \(thread)")) }
            current = found
            history = try await store.messages(inThread: found.id)
            owner = try await act { transaction in try transaction.party(try transaction.primaryParty(of: found.owner)) }
        } catch let error as DeskReplyError { throw error } catch let error as StorageError { throw .storage(error) } catch {
            throw .storage(.backend("\(error)"))
        }
        let candidates = channel.map { wanted in history.filter { Self.sameChannel($0.channel, wanted) } } ?? history
        guard let parent = candidates.last(where: { $0.direction == .inbound }) ?? candidates.last else {
            throw .nothingToAnswer(thread)
        }
        // B2B: the stakeholder who wrote is addressed (their language), the account owns the thread.
        var person = owner
        if let writer = parent.person, writer != owner?.id {
            do { person = try await act { try $0.party(writer) } ?? owner } catch { throw .storage(error) }
        }
        let profile = person?.profile ?? owner?.profile
        let languageText = profile?.preferredLanguage ?? parent.language ?? catalog.defaultLanguage.description
        let language = (try? LanguageTag(languageText)) ?? catalog.defaultLanguage
        let register = profile?.register.flatMap { Register(rawValue: $0.rawValue) }
        let timeZone = profile?.timeZone ?? policy.flatMap { TimeZone(identifier: $0.document.returns?.timeZone ?? "") }
            ?? TimeZone(identifier: "UTC") ?? .current
        let agentName = agents.first { $0.id == agent }?.name ?? agent.rawValue
        let fullName = profile?.displayName ?? parent.author?.value ?? ""
        var values: [String: MessageArgument] = [
            "name": .text(fullName.split(separator: " ").first.map(String.init) ?? fullName), "fullName": .text(fullName),
            "agent": .text(agentName), "ticket": .text(String(current.id.rawValue)),
        ]
        values.merge(arguments) { _, given in given }
        let found: (pattern: String, language: LanguageTag, register: Register?)
        let text: String
        do {
            found = try catalog.lookup(key, language: language, register: register)
            text = try catalog.format(key, language: language, register: register, arguments: values, timeZone: timeZone)
        } catch { throw .template(error) }

        let composer = ReplyComposer(domain: domain ?? Self.domain(of: deskAddress))
        var message = composer.reply(to: parent, in: current.id, from: deskAddress, agent: agent, text: text, at: date)
        message.language = found.language.description
        message.party = current.owner
        // Only mail has a subject; a chat line or a text message does not.
        message.subject = message.channel == .email ? message.subject.trimmingCharacters(in: .whitespaces) : ""
        let recipient = parent.direction == .inbound ? parent.author : nil
        let recipientName = person?.profile.displayName
        let stored = message
        let account = directory.searchAccount(of: stored.party)
        do {
            try await observedAct { transaction, keeper in
                let decision = ThreadingDecision(
                    assignment: ThreadAssignment(
                        thread: current.id, rule: .references,
                        because: .inReplyTo(parent.headers.messageID ?? parent.id.rawValue)),
                    changes: ThreadingIndexChanges(
                        thread: current.id, opensThread: false, owner: nil,
                        messageID: stored.headers.messageID ?? stored.id.rawValue, latestOfParty: nil, activity: date,
                        activates: false))
                guard let recorded = try transaction.record(stored, decision: decision, account: account) else {
                    throw StorageError.refused("reply \(stored.id) is stored already")
                }
                try Self.keepPlacement(stored, assignment: recorded.assignment, in: transaction)
                try keeper.advance(current.id, message: stored, at: date)
                keeper.observed.message(stored)
            }
        } catch { throw .storage(error) }

        var mail: OutboundMail?
        if stored.channel == .email, let recipient, case .email = recipient.kind {
            mail = OutboundMail(
                from: MailAddress(name: nil, address: deskAddress.value),
                to: [MailAddress(name: recipientName, address: recipient.value)], date: date, timeZone: timeZone,
                messageID: stored.headers.messageID ?? stored.id.rawValue, inReplyTo: stored.headers.inReplyTo,
                references: stored.headers.references, subject: stored.subject, text: text)
        }
        return DeskReply(
            message: stored, parent: parent, recipient: recipient, recipientName: recipientName,
            language: found.language.description, register: found.register, mail: mail)
    }

    /// Channels a reply on `wanted` can answer (a web form is answered by e-mail).
    static func sameChannel(_ channel: Channel, _ wanted: Channel) -> Bool {
        switch (channel, wanted) {
        case (.email, .email), (.webForm, .email), (.webForm, .webForm): true
        case (.phone, .phone): true
        case (.social, .social): true
        default: channel == wanted
        }
    }

    static func domain(of address: ContactPoint) -> String {
        address.value.split(separator: "@").last.map(String.init) ?? "desk.invalid"
    }
}
