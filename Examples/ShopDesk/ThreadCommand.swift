import ArgumentParser
import Conversation
import CustomerModel
import Foundation
import DeskCLI
import Storage
import SupportDesk

/// `shop-desk thread PATH...`: threads mailboxes and prints one JSON line per message.
struct ThreadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thread",
        abstract: "Thread mbox files, .eml files and Maildirs; print one JSON line per message, in input order.",
        discussion: """
            Each line is {"message_id": "<id without angle brackets>", "thread": "<ticket number>", "party": "<party id>"}.
            A sender nobody knows becomes a customer whose party id is their address. Mail from a --desk-address
            is the desk's own reply and belongs to the customer it was sent to. Progress goes to stderr.
            """)

    @OptionGroup var mail: MailIntakeOptions

    @Flag(help: "Add the rule and evidence that placed each message.")
    var explain = false

    func run() async throws {
        // The same desk as `ingest`, over the in-memory reference store: nothing is kept.
        // A mailbox analysis trusts the From header of the desk's sent mail (`.history`).
        var desk = Desk(
            store: InMemorySupportStore(), directory: SingleBuyerDeskDirectory(), deskAddresses: try mail.deskContactPoints(),
            configuration: ThreadingConfiguration(firstTicketNumber: mail.firstTicket), logger: cliLogger)
        desk.deskMail = .history
        let mailboxes = try mail.mailboxes()
        let batch = min(mail.batch, 500)
        var output = JSONLines()
        var processed = 0
        var rejected = 0
        let progress = ProgressLine("thread", unit: "messages", total: mailboxes.reduce(0) { $0 + $1.count })
        for raws in mailboxes {
            var start = 0
            while start < raws.count {
                let end = min(start + max(1, batch), raws.count)
                for outcome in try await desk.ingest(Array(raws[start..<end])) {
                    switch outcome {
                    case .rejected(let error):
                        rejected += 1
                        complain("skipped \(error)")
                        continue
                    case .duplicate(let id, let thread):
                        output.write(threadingLine(id: id, thread: thread, party: nil, assignment: nil, explain: explain))
                    case .held(let held):
                        complain("held \(held.messageID): \(held.reason)")
                        continue
                    case .stored(let intake):
                        output.write(threadingLine(
                            id: intake.message.id, thread: intake.assignment.thread, party: intake.message.party,
                            assignment: intake.assignment, explain: explain))
                    }
                    processed += 1
                    progress.update(processed)
                }
                start = end
            }
        }
        output.flush()
        progress.finish()
        if processed >= 50_000 || rejected > 0 { complain("\(processed) messages threaded, \(rejected) skipped") }
    }

}
