import ArgumentParser
import Conversation
import CustomerModel
import Foundation
import SQLiteStorage
import Storage
import SupportDesk

/// `export --store S [--format jsonl]`: every stored message as one JSON line, for backups,
/// migrations and audits.
public struct ExportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print every stored message as a JSON line (backups, migrations, audits).",
        discussion: """
            Lines, in storage order: {"message_id", "thread", "party", "channel", "direction", "at", "text"}; account-desk
            adds "account" (the account; "party" is then the stakeholder who wrote or was written to). "at" is RFC 3339 UTC.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case jsonl }

    @Option(help: "The store: a SQLite file or a postgresql:// URL.")
    var store = defaultStoreFile

    @Option(help: "Output format.")
    var format: Format = .jsonl

    public init() {}

    public func run() async throws {
        let sqlite = try await openStore(store, create: false)
        let account = DeskFlavor.current == .account
        var output = JSONLines()
        var cursor: Int64 = 0
        while true {
            let page = try await sqlite.messages(after: cursor, limit: 2_000)
            guard let last = page.last else { break }
            for (_, message, thread) in page {
                var fields: [(String, String)] = [
                    ("message_id", message.id.rawValue), ("thread", String(thread.rawValue)),
                    ("party", (account ? message.person ?? message.party : message.party)?.rawValue ?? ""),
                ]
                if account { fields.append(("account", message.party?.rawValue ?? "")) }
                fields += [
                    ("channel", message.channel.intakeName), ("direction", message.direction == .internalNote ? "internal_note" : message.direction.rawValue),
                    ("at", rfc3339(message.sentAt)), ("text", message.text),
                ]
                output.write(fields)
            }
            cursor = last.cursor
        }
        output.flush()
        try await sqlite.close()
    }
}

/// `held --store S`: mail held as suspicious (it claimed a desk address but is no reply the desk wrote).
public struct HeldCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "held",
        abstract: "List mail held as suspicious: it claimed a desk address but the desk never wrote it.",
        discussion: """
            JSON lines, oldest first: {"message_id", "from", "reply_to", "to", "party", "subject", "at", "reason"}.
            """)

    @Option(help: "The store: a SQLite file or a postgresql:// URL.")
    var store = defaultStoreFile

    public init() {}

    public func run() async throws {
        let sqlite = try await openStore(store, create: false)
        let held = try await Desk(store: sqlite, directory: SingleBuyerDeskDirectory(), logger: cliLogger).heldMail()
        try await sqlite.close()
        var output = JSONLines()
        for mail in held {
            output.write([
                ("message_id", mail.messageID), ("from", mail.from), ("reply_to", mail.replyTo.joined(separator: ", ")),
                ("to", mail.to ?? ""), ("party", mail.party?.rawValue ?? ""), ("subject", mail.subject),
                ("at", rfc3339(mail.sentAt)), ("reason", mail.reason),
            ])
        }
        output.flush()
    }
}
