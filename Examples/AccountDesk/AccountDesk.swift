import ArgumentParser
import Conversation
import CustomerModel
import Foundation
import SupportDesk

/// The example B2B account desk: business accounts with stakeholders, conversations owned
/// by the account and visible by its sharing setting.
@main
struct AccountDeskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account-desk",
        abstract: "A B2B account support desk built from SupportKit.",
        subcommands: [AccountThreadCommand.self, AccountDemoCommand.self])
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

    /// The directory and the domain map the file describes.
    ///
    /// - Throws: `ValidationError` naming the entry at fault.
    func directory() throws -> (AccountDirectory, [String: PartyID]) {
        var directory = AccountDirectory()
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
                sharing: sharing)
            do { try directory.add(account) } catch { throw ValidationError("account \(entry.id): \(error)") }
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
            }
        }
        return (directory, domains)
    }

    static func load(_ path: String) throws -> AccountsFile {
        do { return try JSONDecoder().decode(AccountsFile.self, from: Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            FileHandle.standardError.write(Data("account-desk: \(path): \(error)\n".utf8))
            throw ExitCode(65)
        }
    }
}

/// `account-desk thread PATH... --accounts FILE`: one JSON line per message, then who may see each thread.
struct AccountThreadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thread",
        abstract: "Thread B2B mail; print one JSON line per message, then each thread's viewers.",
        discussion: """
            Lines: {"message_id", "thread", "account", "person", "rule", "evidence"}; "account" is empty for a sender of
            no known account. Then, per thread, the stakeholders who may see it under the account's sharing setting.
            """)

    @Argument(help: "mbox files, .eml files or Maildir directories.")
    var paths: [String]

    @Option(help: "The accounts file (JSON: accounts, domains, sharing, stakeholders).")
    var accounts: String

    @Option(name: .customLong("desk-address"), help: "An address the desk sends from (repeatable).")
    var deskAddresses: [String] = []

    @Option(name: .customLong("first-ticket"), help: "The ticket number of the first thread.")
    var firstTicket: UInt64 = 1

    func run() throws {
        let (directory, domains) = try AccountsFile.load(accounts).directory()
        var desk = AccountMailDesk(
            directory: directory, deskAddresses: Set(try deskAddresses.map { try ContactPoint.email($0) }),
            accountDomains: domains, configuration: ThreadingConfiguration(firstTicketNumber: firstTicket))
        var threads: [ThreadID] = []
        for path in paths {
            let raws: [RawMail]
            do { raws = try MailboxReader.messages(at: path) } catch {
                FileHandle.standardError.write(Data("account-desk: \(error)\n".utf8))
                throw ExitCode(66)
            }
            for raw in raws {
                let intake: AccountIntake
                do { intake = try desk.take(raw) } catch {
                    FileHandle.standardError.write(Data("account-desk: skipped \(error)\n".utf8))
                    continue
                }
                if !threads.contains(intake.assignment.thread) { threads.append(intake.assignment.thread) }
                var line: [String: String] = [
                    "message_id": intake.message.id.rawValue, "thread": String(intake.assignment.thread.rawValue),
                    "account": intake.message.party?.rawValue ?? "", "person": intake.message.person?.rawValue ?? "",
                    "rule": intake.assignment.rule.rawValue, "evidence": intake.assignment.evidence,
                ]
                if let created = intake.newStakeholder { line["new_stakeholder"] = created.id.rawValue }
                if !intake.assignment.notes.isEmpty { line["notes"] = intake.assignment.notes.joined(separator: "; ") }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(line), as: UTF8.self))
            }
        }
        print()
        for thread in threads {
            let owner = desk.threading.owner(of: thread)?.rawValue ?? "(unassigned: agents only)"
            print("#\(thread.rawValue)  \(owner)  visible to: \(desk.viewers(of: thread).map(\.rawValue).joined(separator: ", "))")
        }
    }
}

/// `account-desk demo`: the bundled example (Examples/data/b2b.mbox with Examples/data/accounts.json).
struct AccountDemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Thread the bundled B2B example mailbox and show who may see what.")

    @Option(help: "The repository's Examples/data folder.")
    var data = "Examples/data"

    func run() throws {
        var command = try AccountThreadCommand.parse([
            "\(data)/b2b.mbox", "--accounts", "\(data)/accounts.json", "--desk-address", "b2b@shop.example", "--first-ticket", "2001",
        ])
        try command.run()
    }
}
