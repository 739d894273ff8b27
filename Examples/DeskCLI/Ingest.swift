import Conversation
import Foundation
import SQLiteStorage
import Storage
import SupportDesk

/// What an ingest run did.
public struct IngestSummary: Sendable {
    /// Messages stored.
    public var stored = 0
    /// Messages already stored (skipped).
    public var duplicates = 0
    /// Mails that could not be parsed (skipped, each named on stderr).
    public var rejected = 0
    /// Mails that claimed a desk address without being a reply the desk wrote (held for agents).
    public var held = 0

    /// The summary line: `N stored, N already stored, N skipped[, N held as suspicious] → STORE`.
    public func line(store: String) -> String {
        "\(stored) stored, \(duplicates) already stored, \(rejected) skipped"
            + (held > 0 ? ", \(held) held as suspicious (see `\(toolName) held`)" : "") + " → \(displayedStore(store))"
    }
}

/// Ingests mailboxes through a desk, `batch` messages per transaction, with progress on stderr
/// (``ProgressLine``: a redrawn bar on a terminal, a line every 5 s otherwise).
/// Each transaction indexes its messages into a new search segment before it commits, so an
/// ingest of one mail costs nothing in proportion to the store's history.
public func ingestMailboxes<Store: SupportStore, Directory: DeskDirectory>(
    _ mailboxes: [[RawMail]], into desk: Desk<Store, Directory>, batch: Int,
    each: (StoredIntake) -> Void = { _ in }
) async throws -> IngestSummary {
    let total = mailboxes.reduce(0) { $0 + $1.count }
    var summary = IngestSummary()
    let progress = ProgressLine("ingest", unit: "messages", total: total)
    defer { progress.finish() }
    var done = 0
    for raws in mailboxes {
        var start = 0
        while start < raws.count {
            let end = min(start + max(1, batch), raws.count)
            let outcomes: [StoredIntake]
            do { outcomes = try await desk.ingest(Array(raws[start..<end])) } catch {
                guard summary.stored > 0 else { throw error }
                throw PartlyWritten(stored: summary.stored, error: error)
            }
            for outcome in outcomes {
                each(outcome)
                switch outcome {
                case .stored: summary.stored += 1
                case .duplicate: summary.duplicates += 1
                case .rejected(let error):
                    summary.rejected += 1
                    complain("skipped \(error)")
                case .held(let held):
                    summary.held += 1
                    complain("held \(held.messageID): \(held.reason)")
                }
            }
            done += end - start
            progress.update(done)
            start = end
        }
    }
    return summary
}
