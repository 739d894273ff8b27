import ArgumentParser
import Conversation
import CustomerModel
import Foundation
import DeskCLI
import DeskPostgres
import SQLiteStorage
import Storage
import SupportDesk

/// The example B2B account desk: business accounts with stakeholders, conversations owned
/// by the account and visible by its sharing setting.
@main
struct AccountDeskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account-desk",
        abstract: "A B2B account support desk built from SupportKit.",
        subcommands: [
            AccountThreadCommand.self, AccountIngestCommand.self, StakeholderCommand.self, TicketCommand.self,
            IdentityCommand.self, EventsCommand.self, SearchCommand.self, IndexCommand.self, AccountDemoCommand.self,
            AccountsCommand.self, CustomersCommand.self, ImportCommand.self, ReplyCommand.self, StatusCommand.self, AssignCommand.self,
            PriorityCommand.self, TagCommand.self, MergeCommand.self, SplitCommand.self, UndoCommand.self, QueueCommand.self,
            ShowCommand.self, RefundCommand.self, ApproveCommand.self, RefuseCommand.self, EscalateCommand.self, ThreadsCommand.self, SurveysCommand.self, ReportCommand.self, ExportCommand.self, HeldCommand.self,
        ])
    static func main() async {
        PostgresStoreOpener.register()
        await runDesk(Self.self)
    }
}

/// The accounts file: accounts, their e-mail domains, sharing setting and stakeholders.
struct AccountsFile: Decodable {
    struct AccountEntry: Decodable {
        var id: String
        var name: String
        var tier: String?
        var domains: [String]
        /// `all_stakeholders`, `participants_only` or `participants_and_roles` (with `sharingRoles`).
        var sharing: String
        var sharingRoles: [String]?
        /// The agents the Router prefers for the account's tickets.
        var accountTeam: [String]?
        var stakeholders: [StakeholderEntry]
    }

    struct StakeholderEntry: Decodable {
        var id: String
        var name: String
        var email: String
        var roles: [String]
        var language: String?
    }

    var accounts: [AccountEntry]

    /// The accounts and stakeholders the file describes, and its domain map.
    ///
    /// - Throws: `ValidationError` naming the entry at fault.
    func parties() throws -> (parties: [StoredParty], domains: [String: PartyID]) {
        var directory = AccountDirectory()
        var parties: [StoredParty] = []
        var domains: [String: PartyID] = [:]
        for entry in accounts {
            let sharing: AccountSharing
            switch entry.sharing {
            case "all_stakeholders": sharing = .allStakeholders
            case "participants_only": sharing = .participantsOnly
            case "participants_and_roles":
                sharing = .participantsAndRoles(Set((entry.sharingRoles ?? []).map { StakeholderRole(rawValue: $0) }))
            default: throw ValidationError("account \(entry.id): unknown sharing '\(entry.sharing)'")
            }
            let account = Account(
                id: PartyID(entry.id), profile: PartyProfile(displayName: entry.name, tier: CustomerTier(rawValue: entry.tier ?? "standard")),
                sharing: sharing, accountTeam: (entry.accountTeam ?? []).map(AgentID.init))
            // The directory checks the file's ids and contact points fit together.
            do { try directory.add(account) } catch { throw ValidationError("account \(entry.id): \(error)") }
            parties.append(.account(account))
            for domain in entry.domains { domains[domain.lowercased()] = account.id }
            for person in entry.stakeholders {
                let address: ContactPoint
                do { address = try .email(person.email) } catch { throw ValidationError("stakeholder \(person.id): \(error)") }
                let stakeholder = Stakeholder(
                    id: PartyID(person.id), accountID: account.id, roles: Set(person.roles.map { StakeholderRole(rawValue: $0) }),
                    profile: PartyProfile(displayName: person.name, contactPoints: [address], preferredLanguage: person.language))
                do { try directory.add(stakeholder, at: Date(timeIntervalSince1970: 0)) } catch {
                    throw ValidationError("stakeholder \(person.id): \(error)")
                }
                parties.append(.stakeholder(stakeholder))
            }
        }
        return (parties, domains)
    }

    static func load(_ path: String) throws -> AccountsFile {
        do { return try JSONDecoder().decode(AccountsFile.self, from: Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            complain("\(path): \(error)")
            throw ExitCode(65)
        }
    }
}

/// The B2B desk over a store: the accounts file's parties are stored (those not stored yet:
/// an agent's later changes, such as a stakeholder move, are kept).
func accountDesk<Store: SupportStore>(
    store: Store, accounts path: String, deskAddresses: [String], firstTicket: UInt64
) async throws -> Desk<Store, AccountDeskDirectory> {
    let (parties, domains) = try AccountsFile.load(path).parties()
    let desk = Desk(
        store: store, directory: AccountDeskDirectory(accountDomains: domains),
        deskAddresses: Set(try deskAddresses.map { try ContactPoint.email($0) }),
        configuration: ThreadingConfiguration(firstTicketNumber: firstTicket), logger: cliLogger)
    var missing: [StoredParty] = []
    for party in parties where try await store.party(party.id) == nil { missing.append(party) }
    try await desk.save(missing)
    try await desk.storeConfiguration(DeskConfiguration(accountDomains: domains))
    return desk
}

/// `account-desk accounts import FILE`: accounts, stakeholders and domains into the store.
struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "Import B2B accounts.", subcommands: [AccountsImportCommand.self])
}

/// `account-desk accounts import FILE --store S`.
struct AccountsImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Store the accounts file's accounts, stakeholders and e-mail domains (those stored already are kept as they are).")

    @Argument(help: "The accounts file (JSON).")
    var file: String

    @Option(help: "The store: a SQLite file (created when missing) or a postgresql:// URL.")
    var store = "account-desk.sqlite"

    func run() async throws {
        let sqlite = try await openStore(store, create: true)
        let desk = try await accountDesk(store: sqlite, accounts: file, deskAddresses: [], firstTicket: 1)
        let stakeholders = try await desk.store.allParties().filter { $0.accountID != nil }.count
        try await sqlite.close()
        print(#"{"accounts_file": "\#(file)", "stakeholders": \#(stakeholders)}"#)
    }
}

/// Options of the commands that take B2B mail in.
struct AccountIntakeOptions: ParsableArguments {
    @OptionGroup var mail: MailIntakeOptions

    @Option(help: "The accounts file (JSON: accounts, domains, sharing, stakeholders).")
    var accounts: String

    var deskAddresses: [String] { mail.deskAddresses }
    var firstTicket: UInt64 { mail.firstTicket }
    var batch: Int { mail.batch }

    func mailboxes() throws -> [[RawMail]] { try mail.mailboxes() }
}

/// `account-desk thread PATH... --accounts FILE [--store FILE]`: one JSON line per message, then who may see each thread.
struct AccountThreadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thread",
        abstract: "Thread B2B mail; print one JSON line per message, then each thread's viewers.",
        discussion: """
            Lines: {"message_id", "thread", "account", "person", "rule", "evidence"}; "account" is empty for a sender of
            no known account. Then, per thread, the stakeholders who may see it under the account's sharing setting.
            Without --store the desk runs over the in-memory store and keeps nothing.
            """)

    @OptionGroup var intake: AccountIntakeOptions

    @Option(help: "A store to thread into (kept): a SQLite file or a postgresql:// URL; default: in memory.")
    var store: String?

    func run() async throws {
        let mailboxes = try intake.mailboxes()
        if let store {
            let sqlite = try await openStore(store, create: true)
            try await thread(try await accountDesk(
                store: sqlite, accounts: intake.accounts, deskAddresses: intake.deskAddresses, firstTicket: intake.firstTicket),
                mailboxes)
            try await sqlite.close()
        } else {
            try await thread(try await accountDesk(
                store: InMemorySupportStore(), accounts: intake.accounts, deskAddresses: intake.deskAddresses,
                firstTicket: intake.firstTicket), mailboxes)
        }
    }

    private func thread<Store: SupportStore>(_ plain: Desk<Store, AccountDeskDirectory>, _ mailboxes: [[RawMail]]) async throws {
        // A mailbox analysis trusts the From header of the desk's sent mail (`.history`).
        var desk = plain
        desk.deskMail = .history
        var threads: [ThreadID] = []
        var seen: Set<ThreadID> = []
        let progress = ProgressLine("thread", unit: "messages", total: mailboxes.reduce(0) { $0 + $1.count })
        var done = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for raws in mailboxes {
            var start = 0
            while start < raws.count {
                let end = min(start + max(1, intake.batch), raws.count)
                for outcome in try await desk.ingest(Array(raws[start..<end])) {
                    var line: [String: String]
                    switch outcome {
                    case .rejected(let error):
                        complain("skipped \(error)")
                        continue
                    case .held(let held):
                        complain("held \(held.messageID): \(held.reason)")
                        continue
                    case .duplicate(let id, let thread):
                        if seen.insert(thread).inserted { threads.append(thread) }
                        line = ["message_id": id.rawValue, "thread": String(thread.rawValue), "rule": "known_message_id",
                            "evidence": ThreadingEvidence.duplicate(messageID: id.rawValue).description]
                    case .stored(let intake):
                        if seen.insert(intake.assignment.thread).inserted { threads.append(intake.assignment.thread) }
                        line = [
                            "message_id": intake.message.id.rawValue, "thread": String(intake.assignment.thread.rawValue),
                            "account": intake.message.party?.rawValue ?? "", "person": intake.message.person?.rawValue ?? "",
                            "rule": intake.assignment.rule.rawValue, "evidence": intake.assignment.evidence,
                        ]
                        if case .stakeholder(let created)? = intake.newParty { line["new_stakeholder"] = created.id.rawValue }
                        if !intake.assignment.notes.isEmpty { line["notes"] = intake.assignment.notes.joined(separator: "; ") }
                    }
                    print(String(decoding: try encoder.encode(line), as: UTF8.self))
                }
                done += end - start
                progress.update(done)
                start = end
            }
        }
        progress.finish()
        print()
        for thread in threads {
            guard let stored = try await desk.currentThread(thread), stored.id == thread else { continue }
            let owner = stored.owner == DeskTransaction.unowned ? "(unassigned: agents only)" : stored.owner.rawValue
            let viewers = try await desk.viewers(of: thread).map(\.rawValue).joined(separator: ", ")
            print("#\(thread.rawValue)  \(owner)  visible to: \(viewers)")
        }
    }
}

/// `account-desk ingest PATH... --accounts FILE --store FILE`: B2B mail into a SQLite store.
struct AccountIngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Thread B2B mail into a store (idempotent on Message-ID); the accounts file's parties are stored once.")

    @OptionGroup var intake: AccountIntakeOptions

    @Option(help: "The store: a SQLite file (created when missing) or a postgresql:// URL.")
    var store = "account-desk.sqlite"

    @Flag(help: "A historical mailbox import: mail from a --desk-address is the desk's reply (live intake holds it unless the desk wrote it).")
    var history = false

    func run() async throws {
        let mailboxes = try intake.mailboxes()
        let sqlite = try await openStore(store, create: true)
        var desk = try await accountDesk(
            store: sqlite, accounts: intake.accounts, deskAddresses: intake.deskAddresses, firstTicket: intake.firstTicket)
        desk.deskMail = history ? .history : .live
        let summary = try await ingestMailboxes(mailboxes, into: desk, batch: intake.batch)
        try await sqlite.close()
        complain(summary.line(store: store))
    }
}

/// `account-desk stakeholder move ID --to ACCOUNT`.
struct StakeholderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stakeholder", abstract: "Agents' acts on stakeholders.", subcommands: [StakeholderMoveCommand.self])
}

/// `account-desk stakeholder move ID --to ACCOUNT`: persisted, with its event.
struct StakeholderMoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move",
        abstract: "Move a stakeholder to another account (their old account's tickets stay there, out of their sight).")

    @Argument(help: "The stakeholder.")
    var stakeholder: String

    @Option(help: "The account they move to.")
    var to: String

    @Option(help: "The store: a SQLite file or a postgresql:// URL.")
    var store = "account-desk.sqlite"

    @Option(help: "The agent acting.")
    var agent = "agent"

    func run() async throws {
        let sqlite = try await openStore(store, create: false)
        let desk = Desk(store: sqlite, directory: AccountDeskDirectory(), logger: cliLogger)
        let events = try await agentAct { () async throws(StorageError) in
            try await desk.moveStakeholder(PartyID(stakeholder), to: PartyID(to), agent: AgentID(agent))
        }
        try await sqlite.close()
        print(#"{"moved": "\#(stakeholder)", "to": "\#(to)", "events": \#(events)}"#)
    }
}

/// `account-desk demo`: the bundled example (Examples/data/b2b.mbox with Examples/data/accounts.json).
struct AccountDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Thread the bundled B2B example mailbox and show who may see what.")

    @Option(help: "The repository's Examples/data folder.")
    var data = "Examples/data"

    func run() async throws {
        var command = try AccountThreadCommand.parse([
            "\(data)/b2b.mbox", "--accounts", "\(data)/accounts.json", "--desk-address", "b2b@shop.example", "--first-ticket", "2001",
        ])
        try await command.run()
    }
}
