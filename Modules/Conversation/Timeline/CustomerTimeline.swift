import CustomerModel
import Foundation

/// The agent's personalised view of one party: every thread, across channels,
/// newest activity first, with the messages of each in time order.
///
/// A timeline is built from what the host has (a store query, or threads kept
/// in memory); it holds no state of its own.
public struct CustomerTimeline: Sendable, Hashable {
    /// One thread on the timeline with its messages.
    public struct Entry: Sendable, Hashable {
        /// The thread.
        public var thread: SupportThread
        /// Its messages, oldest first.
        public var messages: [SupportMessage]
        /// The channels its messages came on, in order of first use.
        public var channels: [Channel]
    }

    /// Whose timeline this is.
    public var party: PartyID
    /// Threads by latest activity, newest first.
    public var entries: [Entry]

    /// Builds the timeline of `party` from threads and messages; threads and
    /// messages of other parties are left out, so passing a whole store is safe.
    public init(party: PartyID, threads: [SupportThread], messages: [SupportMessage]) {
        self.party = party
        let owned = threads.filter { $0.owner == party }
        var byID: [MessageID: SupportMessage] = [:]
        for message in messages where message.party == party { byID[message.id] = message }
        entries = owned.map { thread in
            let threadMessages = thread.messageIDs.compactMap { byID[$0] }.sorted { $0.sentAt < $1.sentAt }
            var channels: [Channel] = []
            for message in threadMessages where !channels.contains(message.channel) { channels.append(message.channel) }
            return Entry(thread: thread, messages: threadMessages, channels: channels)
        }
        .sorted { lhs, rhs in
            let l = lhs.messages.last?.sentAt ?? lhs.thread.updatedAt
            let r = rhs.messages.last?.sentAt ?? rhs.thread.updatedAt
            return l != r ? l > r : lhs.thread.id > rhs.thread.id
        }
    }

    /// Threads that still need the desk (new, open, pending, on hold).
    public var activeEntries: [Entry] { entries.filter { $0.thread.status.isActive } }
}

/// Why a status change was refused.
public enum ThreadStatusError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The lifecycle does not allow this move.
    case invalidTransition(ThreadID, from: ThreadStatus, to: ThreadStatus)

    public var description: String {
        switch self {
        case .invalidTransition(let id, let from, let to): "thread \(id) cannot move from \(from.rawValue) to \(to.rawValue)"
        }
    }
}

extension SupportThread {
    /// Moves the thread to `status`, as the lifecycle allows (see ``ThreadStatus``).
    ///
    /// - Throws: ``ThreadStatusError/invalidTransition(_:from:to:)``; the thread is unchanged then.
    public mutating func move(to status: ThreadStatus, at date: Date) throws(ThreadStatusError) {
        guard self.status.canMove(to: status) else { throw .invalidTransition(id, from: self.status, to: status) }
        self.status = status
        updatedAt = date
    }
}
