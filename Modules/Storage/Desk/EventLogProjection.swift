import Conversation
import CustomerModel
import Foundation

/// The thread rows as a fold of the event log: what ``DeskTransaction`` wrote, computed again
/// from the events alone (in sequence order) and the messages they name. Stores keep the rows
/// as a projection for speed; this is the definition they must equal (a test checks it after
/// thousands of random desk acts), and the way to rebuild them.
///
/// What the log does not carry: a message's author and subject are read from its stored row
/// (`message`); for a message that erasure or retention deleted, the event's party stands in
/// for the author, and a thread whose first message is gone keeps an empty subject.
public struct EventLogProjection: Sendable {
    /// The threads, by number (erased tickets are absent).
    public private(set) var threads: [ThreadID: SupportThread] = [:]
    /// Where each message is now.
    public private(set) var messageThreads: [MessageID: ThreadID] = [:]

    /// An empty projection.
    public init() {}

    /// Folds the whole log of a store.
    ///
    /// - Throws: ``StorageError``.
    public static func rebuild(from store: some SupportStore) async throws(StorageError) -> EventLogProjection {
        var projection = EventLogProjection()
        var cursor: Int64 = 0
        while true {
            let page = try await store.events(after: cursor, limit: 10_000)
            guard let last = page.last else { break }
            var messages: [MessageID: SupportMessage] = [:]
            for event in page {
                if let id = event.kind.message, let stored = try await store.message(id) { messages[id] = stored.message }
            }
            for event in page { projection.apply(event) { messages[$0] } }
            cursor = last.sequence
        }
        return projection
    }

    /// Applies one event; `message` reads a stored message (nil when it is gone).
    public mutating func apply(_ event: SupportEvent, message: (MessageID) -> SupportMessage?) {
        let at = event.at
        switch event.kind {
        case .threadOpened(let id):
            guard threads[id] == nil else { return }
            threads[id] = SupportThread(id: id, owner: event.party ?? DeskTransaction.unowned, subject: "", createdAt: at)
        case .received(let id), .replied(let id, _), .noted(let id, _):
            guard let threadID = event.thread, var thread = threads[threadID] else { return }
            let stored = message(id)
            if thread.messageIDs.isEmpty, let stored { thread.subject = SubjectNormalizer.normalize(stored.subject) }
            thread.messageIDs.append(id)
            thread.updatedAt = max(thread.updatedAt, at)
            thread.lastMessageAt = max(thread.lastMessageAt ?? at, at)
            if case .received = event.kind, let person = stored.map({ $0.person }) ?? event.party {
                thread.participants.insert(person)
            }
            threads[threadID] = thread
            messageThreads[id] = threadID
        case .statusChanged(_, let to):
            update(event.thread) {
                $0.status = to
                $0.updatedAt = max($0.updatedAt, at)
            }
        case .assigned(let agent, let team):
            update(event.thread) {
                $0.assignee = agent
                $0.team = team
                $0.updatedAt = max($0.updatedAt, at)
            }
        case .priorityChanged(_, let to):
            update(event.thread) {
                $0.priority = to
                $0.updatedAt = max($0.updatedAt, at)
            }
        case .tagsChanged(let added, let removed, _):
            update(event.thread) {
                $0.tags.formUnion(added)
                $0.tags.subtract(removed)
                $0.updatedAt = max($0.updatedAt, at)
            }
        case .joinedByThreading(let merged, let into):
            join(merged, into: into, at: nil, keepOwnList: true)
        case .merged(let merged, let into, _):
            join(merged, into: into, at: at, keepOwnList: false)
        case .unmerged(let merged, let from, _):
            guard var source = threads[merged], var target = threads[from] else { return }
            let back = source.messageIDs.filter { messageThreads[$0] == target.id }
            let returned = Set(back)
            target.messageIDs.removeAll { returned.contains($0) }
            for id in back { messageThreads[id] = source.id }
            source.messageIDs = back
            source.mergedInto = nil
            threads[merged] = source
            threads[from] = target
        case .splitOff(let from, let to, let moved, _):
            guard var source = threads[from], var target = threads[to] else { return }
            target.participants = source.participants
            target.status = source.status
            target.priority = source.priority
            target.assignee = source.assignee
            target.team = source.team
            target.tags = source.tags
            target.subject = source.subject
            target.messageIDs = moved
            target.lastMessageAt = source.lastActivity
            target.splitFrom = ThreadSplitOrigin(thread: from, messages: moved)
            let moving = Set(moved)
            source.messageIDs.removeAll { moving.contains($0) }
            for id in moved { messageThreads[id] = to }
            threads[from] = source
            threads[to] = target
        case .unsplit(let from, let to, _):
            guard var split = threads[to], let origin = split.splitFrom, var source = threads[from] else { return }
            let back = origin.messages.filter { messageThreads[$0] == to }
            let returned = Set(back)
            split.messageIDs.removeAll { returned.contains($0) }
            source.messageIDs.append(contentsOf: back)
            for id in back { messageThreads[id] = from }
            split.splitFrom = nil
            if split.messageIDs.isEmpty { split.mergedInto = from }
            threads[to] = split
            threads[from] = source
        case .ticketsErased(let deleted, let anonymised):
            for id in deleted { threads[id] = nil }
            for id in anonymised {
                update(id) {
                    $0.subject = $0.subject.isEmpty ? "" : PersonalDataChange.redacted
                    $0.owner = PersonalDataChange.anonymousParty
                    $0.participants = []
                }
            }
        case .surveyAnswered, .slaEscalated, .identityMerged, .identityUnmerged, .stakeholderMoved, .erased, .split,
            .refundRequested, .refundApproved, .refundRefused, .handedOff, .messageIDReused, .heldAsSuspicious:
            return
        }
    }

    private mutating func update(_ id: ThreadID?, _ change: (inout SupportThread) -> Void) {
        guard let id, var thread = threads[id] else { return }
        change(&thread)
        threads[id] = thread
    }

    /// A merge (an agent's, dated) or a join by threading: `merged`'s messages move to `into`.
    private mutating func join(_ merged: ThreadID, into: ThreadID, at date: Date?, keepOwnList: Bool) {
        guard var source = threads[merged], var target = threads[into] else { return }
        let moved = source.messageIDs.filter { messageThreads[$0] == merged }
        target.messageIDs.append(contentsOf: moved)
        for id in moved { messageThreads[id] = into }
        target.participants.formUnion(source.participants)
        target.lastMessageAt = max(target.lastActivity, source.lastActivity)
        if let date { target.updatedAt = max(target.updatedAt, date) }
        source.mergedInto = into
        if !keepOwnList { source.messageIDs = moved }
        threads[merged] = source
        threads[into] = target
    }
}

extension SupportEventKind {
    /// The message an event records the arrival of.
    public var message: MessageID? {
        switch self {
        case .received(let id), .replied(let id, _), .noted(let id, _): id
        default: nil
        }
    }
}
