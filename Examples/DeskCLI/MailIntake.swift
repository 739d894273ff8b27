import ArgumentParser
import Conversation
import CustomerModel
import Foundation
import Storage
import SupportDesk

/// The options every command that reads mailboxes shares (`thread`, `ingest` in both desks),
/// validated before any work: a bad number or a bad path is a usage error (exit 64) or a
/// missing input (exit 66) before anything is printed or written.
public struct MailIntakeOptions: ParsableArguments {
    @Argument(help: "mbox files, .eml files or Maildir directories.")
    public var paths: [String]

    @Option(name: .customLong("desk-address"), help: "An address the desk sends from (repeatable).")
    public var deskAddresses: [String] = []

    @Option(
        name: .customLong("first-ticket"),
        help: "The ticket number of the first thread of a new store (1...\(DeskTransaction.largestTicketNumber)).")
    public var firstTicket: UInt64 = 1

    @Option(help: "Messages per transaction (fewer, larger transactions write less; another writer waits for each).")
    public var batch = 5_000

    @Flag(name: .customLong("follow-symlinks"), help: "Follow Maildir symlinks out of the Maildir (default: skip them).")
    public var followSymlinks = false

    public init() {}

    public func validate() throws {
        guard (1...DeskTransaction.largestTicketNumber).contains(firstTicket) else {
            throw ValidationError("--first-ticket must be between 1 and \(DeskTransaction.largestTicketNumber)")
        }
        guard (1...1_000_000).contains(batch) else { throw ValidationError("--batch must be between 1 and 1000000") }
        for address in deskAddresses {
            do { _ = try ContactPoint.email(address) } catch {
                throw ValidationError("--desk-address \(address): \(error)")
            }
        }
    }

    /// The desk addresses, normalised (checked by ``validate()``).
    public func deskContactPoints() throws -> Set<ContactPoint> {
        Set(try deskAddresses.map { try ContactPoint.email($0) })
    }

    /// Every path's messages. All paths are checked first: any that cannot be read are named and
    /// the command exits 66 before reading or printing anything. Maildir entries that are not
    /// messages are skipped, each named on stderr. Without `--desk-address`, mail where one sender
    /// writes to many different people draws a warning naming that sender
    /// (``DeskAddressCheck``): threading it as a customer would merge unrelated tickets.
    public func mailboxes() throws -> [[RawMail]] {
        let read = try readMailboxes()
        if deskAddresses.isEmpty, let suspect = DeskAddressCheck.likelyDeskAddress(in: read.joined()) {
            complain("warning: \(suspect)")
        }
        return read
    }

    private func readMailboxes() throws -> [[RawMail]] {
        var bad = false
        for path in paths {
            do { try MailboxReader.check(path) } catch {
                complain("\(error)")
                bad = true
            }
        }
        if bad {
            complain("nothing read: every path must be a readable mbox, .eml file or Maildir")
            throw ExitCode(66)
        }
        return try paths.map { path in
            do {
                let contents = try MailboxReader.contents(at: path, followingSymlinks: followSymlinks)
                for skipped in contents.skipped { complain("\(skipped)") }
                return contents.messages
            } catch {
                complain("\(error)")
                throw ExitCode(66)
            }
        }
    }
}
