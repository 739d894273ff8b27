import ArgumentParser
import Conversation
import CustomerModel
import Foundation
import Policy
import SQLiteStorage
import Storage
import SupportDesk

/// Runs one agent's act on a desk and prints its JSON result line.
func deskAct(_ options: DeskOptions, _ body: (CLIDesk, Date) async throws(StorageError) -> [String: Any]) async throws {
    let desk = try await options.open()
    let at = try options.instant()
    let result = try await agentAct { () async throws(StorageError) in try await body(desk, at) }
    try await desk.store.close()
    print(try jsonText(result))
}

/// `status THREAD STATUS`: new → open → pending_customer → on_hold → solved → closed.
public struct StatusCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Move a ticket through its lifecycle (a customer's reply reopens it).")

    @Argument(help: "The ticket number.")
    var thread: UInt64

    @Argument(help: "open, pending_customer, on_hold, solved or closed.")
    var status: String

    @Option(help: "The agent acting.")
    var agent = "agent"

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        guard let value = ThreadStatus(rawValue: status) else { throw ValidationError("unknown status '\(status)'") }
        try await deskAct(options) { (desk, at) throws(StorageError) in
            let events = try await desk.update(ThreadID(thread), status: value, agent: AgentID(agent), at: at)
            return ["thread": thread, "status": value.rawValue, "events": events]
        }
    }
}

/// `priority THREAD PRIORITY`.
public struct PriorityCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "priority", abstract: "Set a ticket's priority.")

    @Argument(help: "The ticket number.")
    var thread: UInt64

    @Argument(help: "low, normal, high or urgent.")
    var priority: String

    @Option(help: "The agent acting.")
    var agent = "agent"

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        guard let value = TicketPriority(rawValue: priority) else { throw ValidationError("unknown priority '\(priority)'") }
        try await deskAct(options) { (desk, at) throws(StorageError) in
            let events = try await desk.update(ThreadID(thread), priority: value, agent: AgentID(agent), at: at)
            return ["thread": thread, "priority": value.rawValue, "events": events]
        }
    }
}

/// `tag THREAD TAG... [--remove TAG]...`.
public struct TagCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "tag", abstract: "Add tags to a ticket, or --remove them.")

    @Argument(help: "The ticket number.")
    var thread: UInt64

    @Argument(help: "Tags to add.")
    var tags: [String] = []

    @Option(help: "A tag to add (repeatable; the same as an argument).")
    var add: [String] = []

    @Option(help: "A tag to remove (repeatable).")
    var remove: [String] = []

    @Option(help: "The agent acting.")
    var agent = "agent"

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        let added = Set(tags + add)
        let removed = Set(remove)
        guard !added.isEmpty || !removed.isEmpty else { throw ValidationError("name a tag to add or --remove") }
        try await deskAct(options) { (desk, at) throws(StorageError) in
            let events = try await desk.update(ThreadID(thread), addTags: added, removeTags: removed, agent: AgentID(agent), at: at)
            let current = try await desk.currentThread(ThreadID(thread))
            return ["thread": thread, "tags": (current?.tags ?? []).sorted(), "events": events]
        }
    }
}

/// `assign THREAD [AGENT]`: explicit, or by the Router.
public struct AssignCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Assign a ticket to AGENT (or --to/--agent AGENT), or — without one — to the agent the Router ranks first (language, account team, tier, load).",
        discussion: "Prints {\"thread\", \"assignee\", \"team\", \"routing\": [why, per candidate], \"excluded\": […]}.")

    @Argument(help: "The ticket number.")
    var thread: UInt64

    @Argument(help: "The agent to assign (omit: route).")
    var assignee: String?

    @Option(help: "The agent to assign (the same as the argument).")
    var to: String?

    @Option(help: "The agent to assign (the same as the argument).")
    var agent: String?

    @Option(help: "The agent acting (recorded in the event log).")
    var by = "agent"

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        let named = Set([assignee, to, agent].compactMap { $0 })
        guard named.count <= 1 else { throw ValidationError("name one agent to assign (or none to route)") }
        let target = named.first.map(AgentID.init)
        let actor = AgentID(by)
        try await deskAct(options) { (desk, at) throws(StorageError) in
            let (chosen, decision) = try await desk.assign(ThreadID(thread), to: target, by: actor, at: at)
            let current = try await desk.currentThread(ThreadID(thread))
            var result: [String: Any] = ["thread": thread, "assignee": chosen.rawValue, "team": current?.team ?? NSNull()]
            if let decision {
                result["routing"] = decision.ranking.map { candidate -> [String: Any] in
                    ["agent": candidate.agent.rawValue, "score": candidate.score, "reasons": candidate.reasons.map(\.description)]
                }
                result["excluded"] = decision.excluded.map { ["agent": $0.agent.rawValue, "reason": $0.reason] }
            }
            return result
        }
    }
}

/// `merge FROM INTO`.
public struct MergeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Merge ticket FROM into INTO (undo with `undo FROM`).")

    @Argument(help: "The ticket merged away.")
    var from: UInt64

    @Argument(help: "The ticket it joins.")
    var into: UInt64

    @Option(help: "The agent acting.")
    var agent = "agent"

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        try await deskAct(options) { (desk, at) throws(StorageError) in
            let events = try await desk.merge(ThreadID(from), into: ThreadID(into), agent: AgentID(agent), at: at)
            return ["merged": from, "into": into, "events": events]
        }
    }
}

/// `split THREAD MESSAGE_ID...`.
public struct SplitCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "split", abstract: "Move messages of a ticket into a new ticket (undo with `undo NEW`).")

    @Argument(help: "The ticket number.")
    var thread: UInt64

    @Argument(help: "The message ids to move.")
    var messages: [String]

    @Option(help: "The agent acting.")
    var agent = "agent"

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        try await deskAct(options) { (desk, at) throws(StorageError) in
            let created = try await desk.split(messages.map(MessageID.init), from: ThreadID(thread), agent: AgentID(agent), at: at)
            return ["split_from": thread, "thread": created.rawValue]
        }
    }
}

/// `undo THREAD`: undoes the merge of THREAD, or the split that made it.
public struct UndoCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "undo", abstract: "Undo the merge of ticket THREAD, or the split that created it (exactly).")

    @Argument(help: "A merged-away ticket, or a ticket a split created.")
    var thread: UInt64

    @Option(help: "The agent acting.")
    var agent = "agent"

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        try await deskAct(options) { (desk, at) throws(StorageError) in
            let id = ThreadID(thread)
            guard let stored = try await desk.store.thread(id) else { throw .notFound("thread \(thread)") }
            if stored.mergedInto != nil {
                let events = try await desk.undoMerge(id, agent: AgentID(agent), at: at)
                return ["undone": "merge", "thread": thread, "events": events]
            }
            if stored.splitFrom != nil {
                let events = try await desk.undoSplit(id, agent: AgentID(agent), at: at)
                return ["undone": "split", "thread": thread, "events": events]
            }
            throw .refused("\(thread) was neither merged away nor split off")
        }
    }
}

/// `escalate [--now T]`: logs the SLA warnings and breaches that came due.
public struct EscalateCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "escalate", abstract: "Log the SLA escalations of open tickets that came due by --now (a periodic job).")

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        try await deskAct(options) { (desk, at) throws(StorageError) in
            ["escalations": try await desk.escalate(at: at), "at": rfc3339(at)]
        }
    }
}

/// `refund THREAD --order ID --amount 39.90 --currency SEK --agent ID [--reason …]`.
public struct RefundCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "refund",
        abstract: "Refund an order within limits: the returns rules decide eligibility, the empowerment rules who grants it.",
        discussion: """
            Prints the request: {"request", "thread", "order", "amount", "currency", "status": granted|pending, "approval":
            agent|approver, "eligibility": […], "limits": […]}. A pending request waits for `approve REQUEST --by ID`.
            """)

    @Argument(help: "The ticket number.")
    var thread: UInt64

    @Option(help: "The order id (from the customer's profile).")
    var order: String

    @Option(help: "The amount, with a dot for decimals (39.90).")
    var amount: String

    @Option(help: "ISO 4217 currency code (SEK).")
    var currency: String

    @Option(help: "The agent asking (their role comes from the agents file).")
    var agent: String

    @Option(help: "Why (shown to the approver).")
    var reason = ""

    @Option(help: "The returned item's condition when no return is on record: unopened, likeNew, used, damaged, defective.")
    var condition: String?

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        let money: Money
        do { money = try Money(decimal: amount, currency: currency) } catch {
            throw ValidationError("--amount \(amount) --currency \(currency): \(error)")
        }
        let itemCondition = try condition.map { text in
            guard let value = ItemCondition(rawValue: text) else { throw ValidationError("unknown condition '\(text)'") }
            return value
        }
        try await deskAct(options) { (desk, at) throws(StorageError) in
            let record = try await desk.requestRefund(
                in: ThreadID(thread), order: order, amount: money, agent: AgentID(agent), reason: reason, condition: itemCondition,
                at: at)
            return RefundCommand.json(record)
        }
    }

    static func json(_ record: RefundRecord) -> [String: Any] {
        var object: [String: Any] = [
            "request": record.id, "thread": record.thread.rawValue, "order": record.order, "amount": record.amount.decimalString,
            "currency": record.amount.currency, "status": record.status.rawValue, "agent": record.agent.rawValue, "role": record.role,
            "approval": record.status == .granted ? "agent" : "approver",
            "eligibility": record.eligibility, "limits": record.limits, "requested_at": rfc3339(record.requestedAt),
        ]
        if let by = record.decidedBy { object["decided_by"] = by.rawValue }
        if let at = record.decidedAt { object["decided_at"] = rfc3339(at) }
        if let note = record.note { object["note"] = note }
        return object
    }
}

/// `approve REQUEST --by ID`.
public struct ApproveCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve a refund request waiting for approval (never your own).")

    @Argument(help: "The request id (R<ticket>-<n>).")
    var request: String

    @Option(help: "The approver (their role must be allowed to approve).")
    var by: String

    @Option(help: "A note for the log.")
    var note = ""

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        try await deskAct(options) { (desk, at) throws(StorageError) in
            RefundCommand.json(try await desk.decideRefund(request, approve: true, by: AgentID(by), note: note, at: at))
        }
    }
}

/// `refuse REQUEST --by ID`.
public struct RefuseCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "refuse", abstract: "Refuse a refund request waiting for approval.")

    @Argument(help: "The request id (R<ticket>-<n>).")
    var request: String

    @Option(help: "The approver.")
    var by: String

    @Option(help: "Why (kept in the log).")
    var note = ""

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        try await deskAct(options) { (desk, at) throws(StorageError) in
            RefundCommand.json(try await desk.decideRefund(request, approve: false, by: AgentID(by), note: note, at: at))
        }
    }
}
