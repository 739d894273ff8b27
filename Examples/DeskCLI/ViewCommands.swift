import ArgumentParser
import Conversation
import CustomerModel
import Foundation
import Localization
import Policy
import SQLiteStorage
import Storage
import SupportDesk

/// Output formats of the views.
public enum ViewFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case json, text
}

/// `reply THREAD --template KEY [--set name=value …] --agent ID --outbox DIR`.
public struct ReplyCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "reply",
        abstract: "Reply from a catalog template in the customer's language and register; write it to the outbox.",
        discussion: """
            An e-mail thread's reply is an RFC 5322 message delivered to the Maildir DIR (DIR/new/…); a chat, phone, SMS or social
            thread's reply is an outbound event appended to DIR/outbox.jsonl in the intake format. Prints the file written.
            Arguments: name (the customer's first name), fullName, agent (the agent's name) and ticket are filled in;
            --set name=value gives the others (integers, decimals, money as '39.90 SEK', dates as RFC 3339 or YYYY-MM-DD).
            """)

    @Argument(help: "The ticket number.")
    var thread: UInt64

    @Option(help: "The catalog key (e.g. refunds.issued).")
    var template: String

    @Option(name: .customLong("set"), help: "A template argument, name=value (repeatable).")
    var values: [String] = []

    @Option(help: "The agent replying.")
    var agent: String

    @Option(help: "The outbox directory (a Maildir for e-mail; outbox.jsonl inside it for other channels).")
    var outbox: String

    @Option(help: "Answer the latest inbound message on this channel (email, chat, phone, sms, social, web_form, bot); default: the latest of any.")
    var channel: String?

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        var arguments: [String: MessageArgument] = [:]
        for pair in values {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("--set \(pair): expected name=value")
            }
            arguments[String(pair[..<equals])] = TemplateArgument.parse(String(pair[pair.index(after: equals)...]))
        }
        let answering: Channel? = try channel.map { name in
            switch name {
            case "email": .email
            case "chat": .chat
            case "phone": .phone(.callNote)
            case "sms": .sms
            case "social": .social(platform: "")
            case "web_form": .webForm
            case "bot": .chatbot
            default: throw ValidationError("unknown channel '\(name)'")
            }
        }
        let desk = try await options.open()
        let at = try options.instant()
        let sender = try options.senderAddress()
        let reply: DeskReply
        do {
            reply = try await desk.reply(
                to: ThreadID(thread), template: template, arguments: arguments, agent: AgentID(agent), from: sender,
                answering: answering, at: at)
        } catch {
            try await desk.store.close()
            switch error {
            case .storage(let storage): _ = try await agentAct { () async throws(StorageError) in throw storage }
            default: complain("\(error)")
            }
            throw ExitCode(65)
        }
        try await desk.store.close()
        let directory = URL(fileURLWithPath: outbox)
        if let mail = reply.mail {
            do { print(try Maildir.deliver(mail.rfc5322Bytes(), to: directory).path) } catch {
                complain("the reply is stored, but the outbox failed: \(error)")
                throw ExitCode(74)
            }
            return
        }
        var line: [String: Any] = [
            "id": reply.message.id.rawValue, "channel": reply.message.channel.intakeName, "at": rfc3339(reply.message.sentAt),
            "direction": "outbound", "agent": agent, "text": reply.message.text, "language": reply.language,
        ]
        if let recipient = reply.recipient { line["to"] = contactObject(recipient) }
        if let session = reply.message.headers.references.first(where: { $0.hasPrefix("session.") && $0.hasSuffix("@intake.invalid") }) {
            line["session"] = String(session.dropFirst("session.".count).dropLast("@intake.invalid".count))
        }
        let file = directory.appendingPathComponent("outbox.jsonl")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let text = try jsonText(line) + "\n"
            if !FileManager.default.fileExists(atPath: file.path) { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
            let handle = try FileHandle(forWritingTo: file)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            complain("the reply is stored, but the outbox failed: \(error)")
            throw ExitCode(74)
        }
        print(file.path)
    }
}

/// `queue [--format json|text]`: open tickets by SLA due time.
public struct QueueCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "List open tickets by SLA due time, with the business time left and the calendar used.",
        discussion: """
            JSON: an array of {"thread", "status", "priority", "subject", "party", "assignee", "metric", "clock", "due_at",
            "business_seconds_left", "business_time_left", "calendar"}; breached and soonest first, tickets without a target last.
            """)

    @Option(help: "Output format.")
    var format: ViewFormat = .json

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        let desk = try await options.open()
        let at = try options.instant()
        let entries = try await agentAct { () async throws(StorageError) in try await desk.queue(at: at) }
        try await desk.store.close()
        let rows = entries.map(Self.object)
        switch format {
        case .json: print(try jsonText(rows))
        case .text:
            print("queue at \(rfc3339(at)): \(entries.count) open ticket\(entries.count == 1 ? "" : "s")")
            for (entry, row) in zip(entries, rows) {
                let due = entry.due.map { "\($0.metric.rawValue) \($0.status.rawValue), \(businessDuration($0.remaining)) left, due \(($0.breachAt).map(rfc3339) ?? "when the customer answers")" } ?? "no SLA target"
                print("#\(entry.thread.id.rawValue)  \(entry.thread.status.rawValue)  \(entry.thread.priority.rawValue)  \(due)  [\(row["calendar"] as? String ?? "-")]  \(entry.thread.subject)")
            }
        }
    }

    static func object(_ entry: QueueEntry) -> [String: Any] {
        var object: [String: Any] = [
            "thread": entry.thread.id.rawValue, "status": entry.thread.status.rawValue, "priority": entry.thread.priority.rawValue,
            "subject": entry.thread.subject, "party": entry.thread.owner.rawValue,
            "assignee": entry.thread.assignee?.rawValue ?? NSNull(), "calendar": entry.calendar ?? NSNull(),
            "metric": NSNull(), "clock": NSNull(), "due_at": NSNull(), "business_seconds_left": NSNull(), "business_time_left": NSNull(),
        ]
        if let due = entry.due {
            object["metric"] = due.metric.rawValue
            object["clock"] = due.status.rawValue
            object["due_at"] = due.breachAt.map(rfc3339) ?? NSNull()
            object["business_seconds_left"] = Int(due.remaining.rounded())
            object["business_time_left"] = businessDuration(due.remaining)
        }
        return object
    }
}

/// `show THREAD [--format json|text] [--as PERSON]`: the agent's view of a ticket.
public struct ShowCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "The agent's view of a ticket: profile, timeline across channels, SLA, why each message is here, suggestions.",
        discussion: """
            JSON keys: thread, status, party, profile, messages (message_id, channel, direction, at, text, rule), sla, suggestions.
            With --as PERSON (a stakeholder or customer) only what that person may see: exit 65 when the ticket is not theirs.
            """)

    @Argument(help: "The ticket number.")
    var thread: UInt64

    @Option(help: "Output format.")
    var format: ViewFormat = .json

    @Option(name: .customLong("as"), help: "Show what this party (a B2B stakeholder) may see.")
    var viewer: String?

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        let desk = try await options.open()
        let at = try options.instant()
        let view = try await agentAct { () async throws(StorageError) in
            try await desk.agentView(of: ThreadID(thread), as: viewer.map(PartyID.init), at: at)
        }
        try await desk.store.close()
        let object = Self.object(view, asked: ThreadID(thread))
        switch format {
        case .json: print(try jsonText(object))
        case .text: print(Self.text(view))
        }
    }

    static func object(_ view: AgentView, asked: ThreadID) -> [String: Any] {
        let thread = view.thread
        var object: [String: Any] = [
            "thread": thread.id.rawValue, "status": thread.status.rawValue, "priority": thread.priority.rawValue,
            "subject": thread.subject, "tags": thread.tags.sorted(), "assignee": thread.assignee?.rawValue ?? NSNull(),
            "team": thread.team ?? NSNull(), "party": view.party?.id.rawValue ?? thread.owner.rawValue,
            "profile": view.party.map { profileObject($0) } ?? NSNull(),
            "messages": view.messages.map { message, placement -> [String: Any] in
                [
                    "message_id": message.id.rawValue, "channel": message.channel.searchName, "direction": message.direction.rawValue,
                    "at": rfc3339(message.sentAt), "text": message.text, "rule": placement?.rule ?? NSNull(),
                    "evidence": placement?.evidence ?? NSNull(), "author": message.person?.rawValue ?? message.agent?.rawValue ?? NSNull(),
                    "language": message.language ?? NSNull(),
                ]
            },
            "sla": view.serviceLevel.map { slaObject($0) } ?? NSNull(),
            "suggestions": [
                "articles": view.articles.map { ["id": $0.id, "locale": $0.locale, "title": $0.title, "score": ($0.score * 1000).rounded() / 1000] },
                "templates": view.templates.map { ["key": $0.key, "language": $0.language, "score": $0.score] },
            ] as [String: Any],
            "refunds": view.refunds.map(RefundCommand.json),
        ]
        if asked != thread.id { object["asked"] = asked.rawValue }
        if let viewer = view.viewer { object["viewer"] = viewer.rawValue }
        return object
    }

    static func profileObject(_ party: StoredParty) -> [String: Any] {
        let profile = party.profile
        var object: [String: Any] = [
            "id": party.id.rawValue, "name": profile.displayName, "contact_points": profile.contactPoints.map(\.description),
            "language": profile.preferredLanguage ?? NSNull(), "time_zone": profile.timeZoneIdentifier ?? NSNull(),
            "tier": profile.tier.rawValue, "register": profile.register?.rawValue ?? NSNull(), "country": profile.country ?? NSNull(),
            "orders": profile.commerce.orders.map { order -> [String: Any] in
                [
                    "id": order.id, "placed_at": rfc3339(order.placedAt),
                    "total": Money(minorUnits: order.totalMinorUnits, currency: order.currency).decimalString, "currency": order.currency,
                    "status": order.status, "delivered_at": order.deliveredAt.map(rfc3339) ?? NSNull(),
                ]
            },
            "returns": profile.commerce.returns.map { item -> [String: Any] in
                [
                    "id": item.id, "order": item.order, "requested_at": rfc3339(item.requestedAt), "condition": item.condition,
                    "status": item.status,
                ]
            },
        ]
        switch party {
        case .account(let account): object["kind"] = "account"; object["account_team"] = account.accountTeam.map(\.rawValue)
        case .customer: object["kind"] = "customer"
        case .stakeholder(let stakeholder):
            object["kind"] = "stakeholder"
            object["account"] = stakeholder.accountID.rawValue
            object["roles"] = stakeholder.roles.map(\.rawValue).sorted()
        }
        return object
    }

    static func slaObject(_ entry: QueueEntry) -> [String: Any] {
        let level = entry.level
        var object: [String: Any] = [
            "calendar": entry.calendar ?? NSNull(), "tier": level.tier.rawValue, "channel": level.channel.rawValue,
            "opened_at": rfc3339(level.openedAt), "first_reply_at": level.firstAgentReplyAt.map(rfc3339) ?? NSNull(),
            "clocks": entry.clocks.map { clock -> [String: Any] in
                [
                    "metric": clock.metric.rawValue, "status": clock.status.rawValue, "target_seconds": Int(clock.target),
                    "elapsed_seconds": Int(clock.elapsed.rounded()), "breach_at": clock.breachAt.map(rfc3339) ?? NSNull(),
                ]
            },
        ]
        object.merge(QueueCommand.object(entry).filter { ["metric", "clock", "due_at", "business_seconds_left", "business_time_left"].contains($0.key) }) { a, _ in a }
        return object
    }

    static func text(_ view: AgentView) -> String {
        var lines: [String] = []
        let thread = view.thread
        lines.append("#\(thread.id.rawValue)  \(thread.subject)  [\(thread.status.rawValue), \(thread.priority.rawValue)\(thread.assignee.map { ", \($0.rawValue)" } ?? "")]")
        if let party = view.party {
            let profile = party.profile
            lines.append("customer: \(profile.displayName) (\(party.id.rawValue)), \(profile.preferredLanguage ?? "language unknown"), \(profile.timeZoneIdentifier ?? "time zone unknown"), tier \(profile.tier.rawValue)")
            if !profile.contactPoints.isEmpty { lines.append("  contact: " + profile.contactPoints.map(\.description).joined(separator: ", ")) }
            for order in profile.commerce.orders {
                lines.append("  order \(order.id): \(Money(minorUnits: order.totalMinorUnits, currency: order.currency).decimalString) \(order.currency), \(order.status), placed \(rfc3339(order.placedAt))")
            }
            for item in profile.commerce.returns { lines.append("  return \(item.id) of \(item.order): \(item.condition), \(item.status)") }
        }
        if let entry = view.serviceLevel, let due = entry.due {
            lines.append("SLA: \(due.metric.rawValue) \(due.status.rawValue), \(businessDuration(due.remaining)) left on \(entry.calendar ?? "-")")
        }
        lines.append("timeline:")
        for (message, placement) in view.messages {
            let who = message.direction == .inbound ? (message.person?.rawValue ?? "customer") : (message.agent?.rawValue ?? (message.channel == .chatbot ? "bot" : "desk"))
            lines.append("  \(rfc3339(message.sentAt))  \(message.channel.searchName)  \(message.direction.rawValue)  \(who): \(message.text.replacingOccurrences(of: "\n", with: " ").prefix(100))")
            if let placement { lines.append("      ↳ \(placement.rule): \(placement.evidence)") }
        }
        if !view.articles.isEmpty { lines.append("articles: " + view.articles.map { "\($0.id)@\($0.locale)" }.joined(separator: ", ")) }
        if !view.templates.isEmpty { lines.append("templates: " + view.templates.map(\.key).joined(separator: ", ")) }
        for refund in view.refunds {
            lines.append("refund \(refund.id): \(refund.amount.decimalString) \(refund.amount.currency) on \(refund.order), \(refund.status.rawValue)")
        }
        return lines.joined(separator: "\n")
    }
}

/// `threads --as PERSON`: the tickets a stakeholder (or customer) may see.
public struct ThreadsCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "threads", abstract: "List the tickets PERSON may see (B2B: by the account's sharing setting and their roles).")

    @Option(name: .customLong("as"), help: "The party.")
    var viewer: String

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        let desk = try await options.open()
        let threads = try await agentAct { () async throws(StorageError) in try await desk.visibleThreads(for: PartyID(viewer)) }
        try await desk.store.close()
        print(try jsonText(threads.map { ["thread": $0.id.rawValue, "subject": $0.subject, "status": $0.status.rawValue] as [String: Any] }))
    }
}
