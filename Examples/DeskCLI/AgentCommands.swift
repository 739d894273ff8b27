import ArgumentParser
import Conversation
import CustomerModel
import Foundation
import SQLiteStorage
import Storage
import SupportDesk

/// Options every agent command shares.
public struct AgentOptions: ParsableArguments {
    @Option(help: "The store: a SQLite file or a postgresql:// URL.")
    public var store = "desk.sqlite"

    @Option(help: "The agent acting (recorded in the event log).")
    public var agent = "agent"

    public init() {}

    /// The desk over the store. The agents' acts on tickets and identities ask no directory
    /// rule, so one configuration serves both example desks.
    func desk() async throws -> Desk<AnySupportStore, SingleBuyerDeskDirectory> {
        Desk(store: try await openStore(store, create: false), directory: SingleBuyerDeskDirectory(), logger: cliLogger)
    }
}

/// `ticket ...`: the agent's acts on tickets, each one store transaction with its events.
public struct TicketCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ticket", abstract: "Show, merge, split and update tickets (persisted, with their events).",
        subcommands: [
            TicketShowCommand.self, TicketMergeCommand.self, TicketUnmergeCommand.self, TicketSplitCommand.self,
            TicketUnsplitCommand.self, TicketUpdateCommand.self,
        ])

    public init() {}
}

/// `ticket show N`: one ticket as JSON (a merged ticket's number shows the ticket it leads to).
public struct TicketShowCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a ticket as JSON: number, owner, status, priority, assignee, team, tags, subject, participants, messages.")

    @Argument(help: "The ticket number.")
    var ticket: UInt64

    @OptionGroup var options: AgentOptions

    public init() {}

    public func run() async throws {
        let desk = try await options.desk()
        guard let thread = try await desk.currentThread(ThreadID(ticket)) else {
            complain("no ticket #\(ticket)")
            throw ExitCode(66)
        }
        let messages = try await desk.store.messages(inThread: thread.id)
        print(try Self.json(thread, asked: ThreadID(ticket), messages: messages))
    }

    static func json(_ thread: SupportThread, asked: ThreadID, messages: [SupportMessage]) throws -> String {
        let formatter = ISO8601DateFormatter()
        var object: [String: Any] = [
            "thread": thread.id.rawValue, "owner": thread.owner.rawValue, "status": thread.status.rawValue,
            "priority": thread.priority.rawValue, "tags": thread.tags.sorted(), "subject": thread.subject,
            "participants": thread.participants.map(\.rawValue).sorted(),
            "created_at": formatter.string(from: thread.createdAt),
            "messages": messages.map { message -> [String: Any] in
                [
                    "message_id": message.id.rawValue, "channel": message.channel.searchName,
                    "direction": message.direction.rawValue, "party": message.party?.rawValue ?? "",
                    "sent_at": formatter.string(from: message.sentAt),
                ]
            },
        ]
        if asked != thread.id { object["asked"] = asked.rawValue }
        if let assignee = thread.assignee { object["assignee"] = assignee.rawValue }
        if let team = thread.team { object["team"] = team }
        if let last = thread.lastMessageAt { object["last_message_at"] = formatter.string(from: last) }
        if let origin = thread.splitFrom { object["split_from"] = origin.thread.rawValue }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

/// `ticket merge FROM INTO`.
public struct TicketMergeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Merge ticket FROM into ticket INTO (its messages move; undo with unmerge).")

    @Argument(help: "The ticket merged away.")
    var from: UInt64

    @Argument(help: "The ticket it joins.")
    var into: UInt64

    @OptionGroup var options: AgentOptions

    public init() {}

    public func run() async throws {
        let desk = try await options.desk()
        let events = try await agentAct { () async throws(StorageError) in
            try await desk.merge(ThreadID(from), into: ThreadID(into), agent: AgentID(options.agent))
        }
        try await desk.store.close()
        print(#"{"merged": \#(from), "into": \#(into), "events": \#(events)}"#)
    }
}

/// `ticket unmerge FROM`.
public struct TicketUnmergeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "unmerge", abstract: "Undo the merge of ticket FROM: the messages it had are back in it.")

    @Argument(help: "The ticket that was merged away.")
    var from: UInt64

    @OptionGroup var options: AgentOptions

    public init() {}

    public func run() async throws {
        let desk = try await options.desk()
        let events = try await agentAct { () async throws(StorageError) in
            try await desk.undoMerge(ThreadID(from), agent: AgentID(options.agent))
        }
        try await desk.store.close()
        print(#"{"unmerged": \#(from), "events": \#(events)}"#)
    }
}

/// `ticket split N MESSAGE_ID...`.
public struct TicketSplitCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "split", abstract: "Move messages of a ticket into a new ticket; print its number.")

    @Argument(help: "The ticket.")
    var ticket: UInt64

    @Argument(help: "The Message-IDs to move (without angle brackets).")
    var messages: [String]

    @OptionGroup var options: AgentOptions

    public init() {}

    public func run() async throws {
        let desk = try await options.desk()
        let created = try await agentAct { () async throws(StorageError) in
            try await desk.split(messages.map(MessageID.init), from: ThreadID(ticket), agent: AgentID(options.agent))
        }
        try await desk.store.close()
        print(#"{"split_from": \#(ticket), "thread": \#(created.rawValue)}"#)
    }
}

/// `ticket unsplit N`.
public struct TicketUnsplitCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "unsplit", abstract: "Undo a split: the messages of split ticket N go back where they came from.")

    @Argument(help: "The ticket a split created.")
    var ticket: UInt64

    @OptionGroup var options: AgentOptions

    public init() {}

    public func run() async throws {
        let desk = try await options.desk()
        let events = try await agentAct { () async throws(StorageError) in
            try await desk.undoSplit(ThreadID(ticket), agent: AgentID(options.agent))
        }
        try await desk.store.close()
        print(#"{"unsplit": \#(ticket), "events": \#(events)}"#)
    }
}

/// `ticket update N [--status S] [--assignee A] [--team T] [--priority P] [--tag X] [--untag Y]`.
public struct TicketUpdateCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change a ticket's status, assignee, team, priority or tags.")

    @Argument(help: "The ticket.")
    var ticket: UInt64

    @Option(help: "new, open, pending_customer, on_hold, solved or closed.")
    var status: String?

    @Option(help: "The agent to assign (empty: unassign).")
    var assignee: String?

    @Option(help: "The team to queue for (empty: none).")
    var team: String?

    @Option(help: "low, normal, high or urgent.")
    var priority: String?

    @Option(name: .customLong("tag"), help: "A tag to add (repeatable).")
    var tags: [String] = []

    @Option(name: .customLong("untag"), help: "A tag to remove (repeatable).")
    var untags: [String] = []

    @OptionGroup var options: AgentOptions

    public init() {}

    public func run() async throws {
        let newStatus = try status.map { name in
            guard let value = ThreadStatus(rawValue: name) else { throw ValidationError("unknown status '\(name)'") }
            return value
        }
        let newPriority = try priority.map { name in
            guard let value = TicketPriority(rawValue: name) else { throw ValidationError("unknown priority '\(name)'") }
            return value
        }
        // Unset: unchanged; empty: cleared.
        let assign: AgentID?? = assignee.map { name -> AgentID? in name.isEmpty ? nil : AgentID(name) }
        let queue: String?? = team.map { name -> String? in name.isEmpty ? nil : name }
        let desk = try await options.desk()
        let events = try await agentAct { () async throws(StorageError) in
            try await desk.update(
                ThreadID(ticket), status: newStatus, assignee: assign, team: queue, priority: newPriority, addTags: Set(tags),
                removeTags: Set(untags), agent: AgentID(options.agent))
        }
        try await desk.store.close()
        print(#"{"thread": \#(ticket), "events": \#(events)}"#)
    }
}

/// `identity merge|undo`: the identity graph, persisted.
public struct IdentityCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "identity", abstract: "Merge two party records into one person, or undo it.",
        subcommands: [IdentityMergeCommand.self, IdentityUndoCommand.self])

    public init() {}
}

/// `identity merge PARTY --into OTHER`.
public struct IdentityMergeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Record that PARTY is the same person as --into (its mail and tickets resolve there).")

    @Argument(help: "The party record merged away.")
    var party: String

    @Option(help: "The record it resolves to.")
    var into: String

    @Option(help: "Why (kept in the event log).")
    var reason = "agent decision"

    @OptionGroup var options: AgentOptions

    public init() {}

    public func run() async throws {
        let desk = try await options.desk()
        let events = try await agentAct { () async throws(StorageError) in
            try await desk.mergeIdentity(PartyID(party), into: PartyID(into), agent: AgentID(options.agent), reason: reason)
        }
        try await desk.store.close()
        print(#"{"merged": "\#(party)", "into": "\#(into)", "events": \#(events)}"#)
    }
}

/// `identity undo PARTY`.
public struct IdentityUndoCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "undo", abstract: "Undo the identity merge of PARTY.")

    @Argument(help: "The party record that was merged.")
    var party: String

    @OptionGroup var options: AgentOptions

    public init() {}

    public func run() async throws {
        let desk = try await options.desk()
        let events = try await agentAct { () async throws(StorageError) in
            try await desk.undoIdentityMerge(PartyID(party), agent: AgentID(options.agent))
        }
        try await desk.store.close()
        print(#"{"unmerged": "\#(party)", "events": \#(events)}"#)
    }
}

/// `events [--after N] [--limit N]`: the event log as JSON lines.
public struct EventsCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Print the event log as JSON lines: sequence, at, thread, party, event.")

    @Option(help: "The store: a SQLite file or a postgresql:// URL.")
    var store = "desk.sqlite"

    @Option(help: "Only events after this sequence number.")
    var after: Int64 = 0

    @Option(help: "At most this many events.")
    var limit = 1_000_000

    public init() {}

    public func run() async throws {
        let sqlite = try await openStore(store, create: false)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var cursor = after
        var remaining = limit
        while remaining > 0 {
            let page = try await sqlite.events(after: cursor, limit: min(remaining, 10_000))
            guard let last = page.last else { break }
            for event in page {
                let kind = String(decoding: try encoder.encode(event.kind), as: UTF8.self)
                let thread = event.thread.map { String($0.rawValue) } ?? "null"
                let party = try event.party.map { String(decoding: try encoder.encode($0), as: UTF8.self) } ?? "null"
                let at = String(decoding: try encoder.encode(event.at), as: UTF8.self)
                print(#"{"sequence": \#(event.sequence), "at": \#(at), "thread": \#(thread), "party": \#(party), "event": \#(kind)}"#)
            }
            cursor = last.sequence
            remaining -= page.count
        }
    }
}
