import ArgumentParser
import Conversation
import CustomerModel
import Foundation
import SQLiteStorage
import Storage
import SupportDesk

/// `customers import FILE.json --store S [--region SE]`: the shop's customers, orders and returns.
public struct CustomersCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "customers", abstract: "Import customers with their orders and returns.",
        subcommands: [CustomersImportCommand.self])

    public init() {}
}

/// `customers import FILE.json`.
public struct CustomersImportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a JSON array of customers (idempotent by id); shared contact points merge records (audited, undoable).",
        discussion: """
            Format: docs/formats.md ("Customers"). Prints one JSON line per customer: {"id", "change": created|updated|unchanged,
            "merged": [{"merged", "into", "point"}]}. A bad entry is named with its index on stderr and nothing is stored (exit 65).
            """)

    @Argument(help: "The customers file (JSON array).")
    var file: String

    @Option(help: "The region (ISO 3166-1 alpha-2) of phone numbers written without a country code.")
    var region: String?

    @Option(help: "The agent recorded for identity merges.")
    var agent = "import"

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        let data = try readFile(file)
        let results: [Result<Customer, CustomerFileError>]
        do { results = try CustomerFile.read(data, defaultRegion: region) } catch {
            complain("\(file): \(error)")
            throw ExitCode(65)
        }
        var customers: [Customer] = []
        var bad = 0
        for result in results {
            switch result {
            case .success(let customer): customers.append(customer)
            case .failure(let error):
                bad += 1
                complain("\(file): \(error)")
            }
        }
        guard bad == 0 else {
            complain("\(bad) bad entr\(bad == 1 ? "y" : "ies"): nothing imported")
            throw ExitCode(65)
        }
        let desk = try await options.open(create: true)
        let at = try options.instant()
        let outcomes = try await agentAct { () async throws(StorageError) in
            try await desk.importCustomers(customers, agent: AgentID(agent), at: at)
        }
        for outcome in outcomes {
            print(try jsonText([
                "id": outcome.id.rawValue, "change": outcome.change,
                "merged": outcome.merges.map { ["merged": $0.merged.rawValue, "into": $0.into.rawValue, "point": $0.point] },
            ] as [String: Any]))
        }
        try await desk.store.close()
    }
}

/// `import FILE.jsonl --store S [--region SE] [--explain] [--skip-bad]`: chat, phone, SMS, social, web-form and bot events.
public struct ImportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import channel events (JSON Lines: chat, phone, sms, social, web_form, bot), idempotent on id.",
        discussion: """
            Format: docs/formats.md ("Channel events"). Events thread like mail (a chat continued as a call within the window
            is one conversation; a session id keeps a chat together). A bad line is reported as 'FILE: line N: problem' on stderr;
            then nothing is written (exit 65) unless --skip-bad, which writes every good line. With --explain, one JSON line
            per event as `thread --explain` prints it. A customer's message to the bot is answered by the knowledge base or
            handed to a person.
            """)

    @Argument(help: "The events file (JSON Lines).")
    var file: String

    @Option(help: "The region (ISO 3166-1 alpha-2) of phone numbers written without a country code.")
    var region: String?

    @Flag(help: "Print the rule and evidence that placed each event.")
    var explain = false

    @Flag(name: .customLong("skip-bad"), help: "Write the good lines when some are bad (each bad line is still reported).")
    var skipBad = false

    @OptionGroup var options: DeskOptions

    public init() {}

    public func run() async throws {
        let data = try readFile(file)
        var events: [ChannelEvent] = []
        var problems: [String] = []
        for result in ChannelEventReader.read(data, defaultRegion: region) {
            switch result {
            case .success(let event): events.append(event)
            case .failure(let error): problems.append("\(file): \(error)")
            }
        }
        let desk = try await options.open(create: true)
        // An id already stored with other content is a bad line too (the same content is an idempotent repeat).
        let stored = try await desk.store.storedThreads(ofMessages: events.map(\.message.id))
        var kept: [ChannelEvent] = []
        for event in events {
            if stored[event.message.id] != nil, let existing = try await desk.store.message(event.message.id)?.message,
                !Self.sameContent(existing, event.message)
            {
                problems.append("\(file): line \(event.line): id \"\(event.message.id.rawValue)\" is stored already with other content")
                continue
            }
            kept.append(event)
        }
        for problem in problems { complain(problem) }
        if !problems.isEmpty, !skipBad {
            complain("\(problems.count) bad line\(problems.count == 1 ? "" : "s"): nothing written (--skip-bad writes the good ones)")
            try await desk.store.close()
            throw ExitCode(65)
        }
        let outcomes = try await agentAct { () async throws(StorageError) in try await desk.ingest(kept) }
        var output = JSONLines()
        var summary = IngestSummary()
        var turns = 0
        for outcome in outcomes {
            switch outcome {
            case .stored(let intake):
                summary.stored += 1
                if explain {
                    output.write(threadingLine(
                        id: intake.message.id, thread: intake.assignment.thread, party: intake.message.party,
                        assignment: intake.assignment, explain: true))
                }
            case .duplicate(let id, let thread):
                summary.duplicates += 1
                if explain { output.write(threadingLine(id: id, thread: thread, party: nil, assignment: nil, explain: true)) }
            case .rejected(let error):
                summary.rejected += 1
                complain("skipped \(error)")
            case .held(let held):
                // Channel events are the host's own records: only mail is ever held.
                summary.held += 1
                complain("held \(held.messageID): \(held.reason)")
            }
        }
        output.flush()
        for intake in outcomes.compactMap(\.intake) {
            let turn = try await agentAct { () async throws(StorageError) in try await desk.converse(intake) }
            guard let turn else { continue }
            turns += 1
            switch turn.decision {
            case .answer(_, let articles, _):
                complain("bot answered \(turn.message) in #\(turn.thread.rawValue) from \(articles.joined(separator: ", "))")
            case .handOff(let reason): complain("bot handed \(turn.message) in #\(turn.thread.rawValue) to a person: \(reason)")
            }
        }
        try await desk.store.close()
        complain(
            "\(summary.stored) stored, \(summary.duplicates) already stored, \(problems.count) bad line\(problems.count == 1 ? "" : "s")"
                + (turns > 0 ? ", \(turns) bot turn\(turns == 1 ? "" : "s")" : "") + " → \(options.store)")
    }

    /// Whether a stored message and an event are the same event (what the intake format carries).
    static func sameContent(_ a: SupportMessage, _ b: SupportMessage) -> Bool {
        a.channel == b.channel && a.direction == b.direction && a.text == b.text && a.subject == b.subject
            && abs(a.sentAt.timeIntervalSince(b.sentAt)) < 0.001 && a.agent == b.agent
    }
}
