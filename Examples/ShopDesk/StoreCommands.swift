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
