import ArgumentParser
import Conversation
import CustomerModel
import Foundation
import SQLiteStorage
import Storage

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

    @Argument(help: "The query.")
    var query: String

    @Option(help: "The SQLite store file.")
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
            party: party.map(PartyID.init), account: account.map(PartyID.init), statuses: statuses,
            channels: channel.isEmpty ? nil : Set(channel), languages: inLanguage.isEmpty ? nil : Set(inLanguage),
            from: try since.map(Self.day), until: try until.map(Self.day))
        let sqlite = try openStore(store, create: false)
        let hits: [SearchHit]
        do {
            hits = try await sqlite.search(SearchQuery(query, filter: filter, limit: limit, languages: lang.isEmpty ? nil : lang))
        } catch {
            // A query the engine refuses is the user's to fix: say why, exit 65 (data error).
            guard case .invalidQuery(let reason) = error else { throw error }
            complain("\(reason)")
            throw ExitCode(65)
        }
        var output = JSONLines()
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

    @Option(help: "The SQLite store file.")
    var store = defaultStoreFile

    public init() {}

    public func run() async throws {
        let sqlite = try openStore(store, create: false)
        print(try await Self.json(sqlite))
    }

    static func json(_ store: SQLiteSupportStore) async throws -> String {
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

    @Option(help: "The SQLite store file.")
    var store = defaultStoreFile

    public init() {}

    public func run() async throws {
        let sqlite = try openStore(store, create: false)
        try await sqlite.checkpointSearchIndex(mergeAll: true)
        print(try await IndexStatsCommand.json(sqlite))
    }
}

/// `index rebuild [--store FILE]`: analyzes every message again into fresh segments (after an
/// analyzer change), merges them into one, then prints the stats.
public struct IndexRebuildCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rebuild", abstract: "Index every message anew (one transaction), then print the stats.")

    @Option(help: "The SQLite store file.")
    var store = defaultStoreFile

    public init() {}

    public func run() async throws {
        let sqlite = try openStore(store, create: false)
        let started = Date()
        try await sqlite.rebuildSearchIndex()
        complain(String(format: "rebuilt in %.2f s", Date().timeIntervalSince(started)))
        print(try await IndexStatsCommand.json(sqlite))
    }
}
