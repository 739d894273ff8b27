import ArgumentParser
import Conversation
import CustomerModel
import Foundation
import SQLiteStorage
import Storage
import SupportDesk
import DeskCLI

/// `shop-desk ingest PATH... [--store FILE]`: threads mail into a SQLite store.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Thread mbox files, .eml files and Maildirs into a store (idempotent on Message-ID).",
        discussion: """
            Each message is stored with its thread, customer, events and search entry; a message whose
            Message-ID is already stored is skipped. Progress and a summary go to stderr.
            """)

    @Argument(help: "mbox files, .eml files or Maildir directories.")
    var paths: [String]

    @Option(help: "The SQLite store file (created when missing).")
    var store = "shop-desk.sqlite"

    @Option(name: .customLong("desk-address"), help: "An address the desk sends from (repeatable).")
    var deskAddresses: [String] = []

    @Option(name: .customLong("first-ticket"), help: "The ticket number of the first thread (use the same on every run).")
    var firstTicket: UInt64 = 1

    @Option(help: "Messages per transaction (fewer, larger transactions write less; another writer waits for each).")
    var batch = 5_000

    func run() async throws {
        var mailboxes: [[RawMail]] = []
        for path in paths {
            do { mailboxes.append(try MailboxReader.messages(at: path)) } catch {
                complain("\(error)")
                throw ExitCode(66)
            }
        }
        let sqlite = try openStore(store, create: true)
        let desk = Desk(
            store: sqlite, directory: SingleBuyerDeskDirectory(),
            deskAddresses: Set(try deskAddresses.map { try ContactPoint.email($0) }),
            configuration: ThreadingConfiguration(firstTicketNumber: firstTicket))
        let summary = try await ingestMailboxes(mailboxes, into: desk, batch: batch)
        try await sqlite.close()
        complain("\(summary.stored) stored, \(summary.duplicates) already stored, \(summary.rejected) skipped → \(store)")
    }
}

/// `shop-desk search "QUERY" [--store FILE] [--party ID] [--limit N] [--format jsonl|text]`.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
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
    var store = "shop-desk.sqlite"

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

    func run() async throws {
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

