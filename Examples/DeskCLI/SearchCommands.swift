import ArgumentParser
import Conversation
import CustomerModel
import Foundation
import SQLiteStorage
import Storage
import SupportDesk

/// The store file a command uses by default: `shop-desk.sqlite`, `account-desk.sqlite`.
public let defaultStoreFile = toolName + ".sqlite"

/// `search "QUERY" [--store FILE] [--party ID] [--limit N] [--format jsonl|text]`.
public struct SearchCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the messages of a store.",
        discussion: """
            Query language: words (all must match, in any inflection), "quoted phrases", prefix*, -exclusion,
            a OR b. JSON lines carry message_id, thread, party, score and snippet (matches in «»).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case jsonl, text }

    @Argument(help: "The query (one that begins with '-', an exclusion, may follow `--` or stand alone).")
    var words: [String] = []

    /// Exclusion words written where an option could stand (`search -hello`), moved here by
    /// ``rewritingDashQueries(_:)`` before parsing.
    @Option(name: .customLong("query"), help: .hidden)
    var dashed: [String] = []

    /// The query as typed: the dashed words, then the others.
    var query: String { (dashed + words).joined(separator: " ") }

    @Option(help: "The store: a SQLite file or a postgresql:// URL.")
    var store = defaultStoreFile

    @Option(help: "Only this customer's (or account's) messages.")
    var party: String?

    @Option(help: "Only messages of this B2B account's stakeholders.")
    var account: String?

    @Option(help: "Only threads with this status (repeatable): new, open, pending_customer, on_hold, solved, closed.")
    var status: [String] = []

    @Option(help: "Only this channel (repeatable): email, chat, phone, social, sms, web_form, chatbot.")
    var channel: [String] = []

    @Option(name: .customLong("in-language"), help: "Only messages in this language (repeatable, e.g. sv).")
    var inLanguage: [String] = []

    @Option(help: "Read the query words as this language (repeatable); default: every language in the store.")
    var lang: [String] = []

    @Option(help: "Only messages sent on or after this day (YYYY-MM-DD, UTC).")
    var since: String?

    @Option(help: "Only messages sent before this day (YYYY-MM-DD, UTC).")
    var until: String?

    @Option(help: "At most this many hits (1...1000).")
    var limit = 20

    @Option(help: "Output format.")
    var format: Format = .jsonl

    public init() {}

    public func validate() throws {
        guard !query.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("give a query to search for") }
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
    }

    /// The options of `search` that take a value (a word after one of them is its value).
    static let valueOptions: Set<String> = [
        "--store", "--party", "--account", "--status", "--channel", "--in-language", "--lang", "--since", "--until", "--limit",
        "--format", "--query",
    ]

    /// Rewrites `search` arguments so that a query word beginning with `-` (an exclusion such
    /// as `-hello`) is a query, not a cluster of short flags (`-h` would print the help and
    /// exit 0): each becomes `--query=-hello`. Arguments after `--` and option values are kept.
    public static func rewritingDashQueries(_ arguments: [String]) -> [String] {
        guard let search = arguments.firstIndex(of: "search") else { return arguments }
        var result = Array(arguments[...search])
        var index = search + 1
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                result += arguments[index...]
                break
            }
            if valueOptions.contains(argument) {
                result.append(argument)
                if index + 1 < arguments.count { result.append(arguments[index + 1]) }
                index += 2
                continue
            }
            let isExclusion = argument.count > 1 && argument.hasPrefix("-") && !argument.hasPrefix("--") && argument != "-h"
            result.append(isExclusion ? "--query=\(argument)" : argument)
            index += 1
        }
        return result
    }

    public func run() async throws {
        var statuses: Set<ThreadStatus>?
        if !status.isEmpty {
            statuses = []
            for name in status {
                guard let value = ThreadStatus(rawValue: name) else { throw ValidationError("unknown status '\(name)'") }
                statuses?.insert(value)
            }
        }
        let filter = SearchFilter(
            party: nil, account: account.map(PartyID.init), statuses: statuses,
            channels: channel.isEmpty ? nil : Set(channel), languages: inLanguage.isEmpty ? nil : Set(inLanguage),
            from: try since.map(Self.day), until: try until.map(Self.day))
        let sqlite = try await openStore(store, create: false)
        // --party names a person as privacy requests do: an id or any contact point, any letter
        // case, with the records merged into them.
        var parties: [PartyID?] = [nil]
        if let party {
            guard let person = try await Desk(store: sqlite, directory: SingleBuyerDeskDirectory(), logger: cliLogger).resolvePerson(party) else {
                try await sqlite.close()
                complain("no such customer: \(party)")
                throw ExitCode(67)
            }
            parties = person.records
        }
        var hits: [SearchHit] = []
        var notes: [String] = []
        do {
            for party in parties {
                var filtered = filter
                filtered.party = party
                let report = try await sqlite.searchReport(
                    SearchQuery(query, filter: filtered, limit: limit, languages: lang.isEmpty ? nil : lang))
                hits += report.hits
                for note in report.notes where !notes.contains(note) { notes.append(note) }
            }
            if parties.count > 1 { hits = Array(hits.sorted { $0.score > $1.score }.prefix(limit)) }
        } catch {
            // A query the engine refuses is the user's to fix: say why, exit 65 (data error).
            guard case .invalidQuery(let reason) = error else { throw error }
            complain("\(reason)")
            throw ExitCode(65)
        }
        for note in notes { complain("note: \(note)") }
        var output = JSONLines()
        if format == .jsonl { for note in notes { output.write([("note", note)]) } }
        for hit in hits {
            switch format {
            case .jsonl:
                output.write([
                    ("message_id", .string(hit.message.rawValue)), ("thread", .string(hit.thread.map { String($0.rawValue) } ?? "")),
                    ("party", .string(hit.party?.rawValue ?? "")), ("score", .number((hit.score * 10_000).rounded() / 10_000)),
                    ("snippet", .string(hit.snippet.marked())),
                ])
            case .text:
                print("\(String(format: "%7.3f", hit.score))  #\(hit.thread.map { String($0.rawValue) } ?? "-")  \(hit.party?.rawValue ?? "-")  \(hit.message.rawValue)")
                print("         \(hit.snippet.marked())")
            }
        }
        output.flush()
    }

    static func day(_ text: String) throws -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        guard let date = formatter.date(from: text) else { throw ValidationError("'\(text)' is not a YYYY-MM-DD day") }
        return date
    }
}

/// `index ...`: the message search index's segments.
public struct IndexCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "index", abstract: "Inspect or merge the store's search segments.",
        subcommands: [IndexStatsCommand.self, IndexMergeCommand.self, IndexRebuildCommand.self])

    public init() {}
}

/// `index stats [--store FILE]`: one JSON object — segments, documents per segment (oldest
/// first), documents in all, and the index's bytes in the file.
public struct IndexStatsCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Print the search segments as JSON: segments, documents, segment_documents, index_bytes.")

    @Option(help: "The store: a SQLite file or a postgresql:// URL.")
    var store = defaultStoreFile

    public init() {}

    public func run() async throws {
        let sqlite = try await openStore(store, create: false)
        print(try await Self.json(sqlite))
    }

    static func json(_ store: some CommandLineStore) async throws -> String {
        let sizes = try await store.searchSegmentSizes()
        let bytes = try await store.searchIndexBytes()
        return "{\"segments\":\(sizes.count),\"documents\":\(sizes.reduce(0, +)),"
            + "\"segment_documents\":[\(sizes.map(String.init).joined(separator: ","))],\"index_bytes\":\(bytes)}"
    }
}

/// `index merge [--store FILE]`: merges every segment into one (a maintenance window's job;
/// every write already merges by size tier), then prints the stats.
public struct IndexMergeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Merge every search segment into one, then print the stats.")

    @Option(help: "The store: a SQLite file or a postgresql:// URL.")
    var store = defaultStoreFile

    public init() {}

    public func run() async throws {
        let sqlite = try await openStore(store, create: false)
        try await sqlite.checkpointSearchIndex(mergeAll: true)
        print(try await IndexStatsCommand.json(sqlite))
    }
}

/// `index rebuild [--store FILE]`: analyzes every message again into fresh segments (after an
/// analyzer change), merges them into one, then prints the stats.
public struct IndexRebuildCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rebuild", abstract: "Index every message anew (one transaction), then print the stats.")

    @Option(help: "The store: a SQLite file or a postgresql:// URL.")
    var store = defaultStoreFile

    public init() {}

    public func run() async throws {
        let sqlite = try await openStore(store, create: false)
        let started = Date()
        try await sqlite.rebuildSearchIndex(mergeAll: true)
        complain(String(format: "rebuilt in %.2f s", Date().timeIntervalSince(started)))
        print(try await IndexStatsCommand.json(sqlite))
    }
}
