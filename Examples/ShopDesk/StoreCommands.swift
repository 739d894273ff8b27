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
            Each message is stored with its thread, customer, events and search entry. A message whose
            Message-ID is stored already is skipped when it is the same message (same sender and content);
            another message with that Message-ID is stored under a derived id. Live intake (the default)
            holds mail that claims a --desk-address but is no reply the desk wrote (`held` lists it);
            --history imports a mailbox of the desk's own sent mail. Progress and a summary go to stderr.
            """)

    @OptionGroup var mail: MailIntakeOptions

    @Option(help: "The store: a SQLite file (created when missing) or a postgresql:// URL.")
    var store = "shop-desk.sqlite"

    @Flag(help: "A historical mailbox import: mail from a --desk-address is the desk's reply (live intake holds it unless the desk wrote it).")
    var history = false

    func run() async throws {
        let mailboxes = try mail.mailboxes()
        let sqlite = try await openStore(store, create: true)
        var desk = Desk(
            store: sqlite, directory: SingleBuyerDeskDirectory(), deskAddresses: try mail.deskContactPoints(),
            configuration: ThreadingConfiguration(firstTicketNumber: mail.firstTicket), logger: cliLogger)
        desk.deskMail = history ? .history : .live
        let summary = try await ingestMailboxes(mailboxes, into: desk, batch: mail.batch)
        try await sqlite.close()
        complain(summary.line(store: store))
    }
}
