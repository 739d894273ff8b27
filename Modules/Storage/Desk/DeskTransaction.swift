import Conversation
import CustomerModel
import Foundation

/// Rows a ``DeskTransaction`` decoded, by key (nil: known to be absent).
public struct DeskRowCache: Sendable {
    /// Past this many rows a transaction starts with an empty cache.
    public static let limit = 200_000

    var threads: [ThreadID: SupportThread?] = [:]
    var parties: [PartyID: StoredParty?] = [:]
    var mergedParties: [PartyID: PartyID?] = [:]

    /// An empty cache.
    public init() {}

    /// Rows held.
    public var count: Int { threads.count + parties.count + mergedParties.count }
}

/// A message as one desk transaction recorded it.
public struct RecordedMessage: Hashable, Sendable {
    /// Where threading put it, and why.
    public var assignment: ThreadAssignment
    /// The thread after the message joined it.
    public var thread: SupportThread
    /// The sequence numbers of the events the message appended.
    public var events: [Int64]
}

/// What one desk act does inside a store's write transaction, the same for every backend:
/// it reads the threading index for ``ThreadingRules``, allocates ticket numbers, checks
/// that a message only joins a thread its party may see, writes the index changes, the
/// thread and the message, and appends an event for every change — all in the one
/// transaction ``DeskTransactionStore/deskTransaction(firstTicketNumber:_:)`` runs.
///
/// Not `Sendable`: it lives inside the transaction's closure and dies with it.
public final class DeskTransaction: ThreadingIndexReader {
    /// The backend's rows.
    public let records: any DeskRecords
    /// The ticket number a store that never handed one out starts at.
    public let firstTicketNumber: UInt64

    /// A transaction over a backend's rows (backends create it; desks receive it). `cache` holds
    /// rows decoded by earlier transactions: only pass one when nothing else wrote since.
    public init(records: any DeskRecords, firstTicketNumber: UInt64, cache: DeskRowCache = DeskRowCache()) {
        self.records = records
        self.firstTicketNumber = max(firstTicketNumber, 1)
        self.cache = cache.count > DeskRowCache.limit ? DeskRowCache() : cache
    }

    /// The owner of threads no party owns (mail from unknown senders in a B2B desk).
    public static let unowned = PartyID("unknown")

    /// Decoded rows: a batch reads the same threads and parties again and again. A store may
    /// hand the cache of its last transaction to the next one while nobody else wrote the file.
    public private(set) var cache: DeskRowCache
    /// Threads changed in this transaction: written once each, by ``finish()``.
    private var dirtyThreads: Set<ThreadID> = []
    /// Workflow records read or written in this transaction, by kind and key (nil: absent).
    private var workflows: [WorkflowKey: WorkflowRecord?] = [:]
    /// Workflow records changed in this transaction: written once each, by ``finish()``.
    private var dirtyWorkflows: Set<WorkflowKey> = []

    private struct WorkflowKey: Hashable, Comparable {
        var kind: String
        var key: String
        static func < (a: WorkflowKey, b: WorkflowKey) -> Bool { (a.kind, a.key) < (b.kind, b.key) }
    }

    private var threads: [ThreadID: SupportThread?] {
        get { cache.threads }
        _modify { yield &cache.threads }
    }

    private var parties: [PartyID: StoredParty?] {
        get { cache.parties }
        _modify { yield &cache.parties }
    }

    private var mergedParties: [PartyID: PartyID?] {
        get { cache.mergedParties }
        _modify { yield &cache.mergedParties }
    }

    private func loadMergedParty(of party: PartyID) throws(StorageError) -> PartyID? {
        if let cached = mergedParties[party] { return cached }
        let merged = try records.mergedParty(of: party)
        mergedParties[party] = .some(merged)
        return merged
    }

    private func storeMergedParty(of party: PartyID, into primary: PartyID?) throws(StorageError) {
        try records.putMergedParty(of: party, into: primary)
        mergedParties[party] = .some(primary)
    }

    private func loadThread(_ id: ThreadID) throws(StorageError) -> SupportThread? {
        if let cached = threads[id] { return cached }
        let thread = try records.thread(id)
        threads[id] = .some(thread)
        return thread
    }

    private func storeThread(_ thread: SupportThread) throws(StorageError) {
        threads[thread.id] = .some(thread)
        dirtyThreads.insert(thread.id)
    }

    private func loadParty(_ id: PartyID) throws(StorageError) -> StoredParty? {
        if let cached = parties[id] { return cached }
        let party = try records.party(id)
        parties[id] = .some(party)
        return party
    }

    /// Writes what the transaction changed and still holds (the threads); the store calls it
    /// when the transaction's body returns, before it commits.
    public func finish() throws(StorageError) {
        for id in dirtyThreads.sorted() {
            if let thread = threads[id] ?? nil { try records.saveThread(thread) }
        }
        dirtyThreads.removeAll()
        for key in dirtyWorkflows.sorted() {
            if let record = workflows[key] ?? nil { try records.putWorkflowRecord(record) }
        }
        dirtyWorkflows.removeAll()
    }

    // MARK: Workflow records

    /// A workflow record (SLA clocks, a refund request …), as this transaction sees it.
    public func workflowRecord(kind: String, key: String) throws(StorageError) -> WorkflowRecord? {
        let id = WorkflowKey(kind: kind, key: key)
        if let cached = workflows[id] { return cached }
        let record = try records.workflowRecord(kind: kind, key: key)
        workflows[id] = .some(record)
        return record
    }

    /// Sets a workflow record; written once, when the transaction finishes (a batch that changes
    /// one thread's clocks a thousand times writes its row once).
    public func putWorkflowRecord(_ record: WorkflowRecord) {
        let id = WorkflowKey(kind: record.kind, key: record.key)
        workflows[id] = .some(record)
        dirtyWorkflows.insert(id)
    }

    /// The records of a kind (of one thread when given), ordered by key, with this transaction's
    /// own changes applied.
    public func workflowRecords(kind: String, thread: ThreadID? = nil) throws(StorageError) -> [WorkflowRecord] {
        var byKey: [String: WorkflowRecord] = [:]
        for record in try records.workflowRecords(kind: kind, thread: thread) { byKey[record.key] = record }
        for id in dirtyWorkflows where id.kind == kind {
            guard let record = workflows[id] ?? nil, thread == nil || record.thread == thread else { continue }
            byKey[id.key] = record
        }
        return byKey.keys.sorted().compactMap { byKey[$0] }
    }

    // MARK: ThreadingIndexReader

    public func messageID(_ id: String) throws -> IndexedMessageID? { try records.messageIDEntry(id) }

    /// A stored message, as stored, and its thread (nil when none has this id).
    public func storedMessage(_ id: MessageID) throws(StorageError) -> (message: SupportMessage, thread: ThreadID)? {
        try records.storedMessage(id)
    }

    /// Appends events to the log in this transaction; returns their sequence numbers.
    public func log(_ events: [NewSupportEvent]) throws(StorageError) -> [Int64] { try records.appendEvents(events) }

    public func thread(_ id: ThreadID) throws -> IndexedThread? {
        guard let thread = try currentThread(id) else { return nil }
        return IndexedThread(
            id: thread.id, owner: thread.owner == Self.unowned ? nil : thread.owner, participants: thread.participants,
            lastActivity: thread.lastActivity, isActive: thread.status.isActive)
    }

    public func subjectThread(_ key: ThreadingIndexKey) throws -> ThreadID? { try records.subjectThread(key) }

    public func quote(_ key: ThreadingIndexKey) throws -> IndexedQuote? { try records.quote(key) }

    public func latestThread(of party: PartyID) throws -> ThreadID? { try records.latestThread(of: party) }

    public func nextThreadID() throws -> ThreadID { ThreadID(try nextTicket()) }

    /// The largest ticket number a store hands out: 2⁵³ − 1, so that every ticket number is
    /// exact in any JSON reader (JavaScript's numbers are doubles).
    public static let largestTicketNumber: UInt64 = (1 << 53) - 1

    /// The next ticket number.
    ///
    /// - Throws: ``StorageError/refused(_:)`` when numbers are exhausted (the first number of a
    ///   new store is 0 or past ``largestTicketNumber``, or the store has handed out the last one).
    private func nextTicket() throws(StorageError) -> UInt64 {
        let next = try records.nextTicketNumber() ?? firstTicketNumber
        guard next >= 1, next <= Self.largestTicketNumber else {
            throw .refused("ticket numbers are exhausted: the next would be \(next), the range is 1...\(Self.largestTicketNumber)")
        }
        return next
    }

    /// Raises the ticket counter past a ticket a host numbered itself, so it is never handed out.
    ///
    /// - Throws: ``StorageError/refused(_:)`` for a number past ``largestTicketNumber``.
    private func raiseTicketCounter(past id: ThreadID) throws(StorageError) {
        guard id.rawValue >= 1, id.rawValue <= Self.largestTicketNumber else {
            throw .refused("ticket \(id) is out of range 1...\(Self.largestTicketNumber)")
        }
        if (try records.nextTicketNumber() ?? firstTicketNumber) <= id.rawValue { try records.putNextTicketNumber(id.rawValue + 1) }
    }

    /// The thread an id leads to now: itself, or the thread it was merged into (followed).
    public func currentThread(_ id: ThreadID) throws(StorageError) -> SupportThread? {
        var current = try loadThread(id)
        var hops = 0
        while let thread = current, let next = thread.mergedInto {
            hops += 1
            // A cycle cannot be written (a merge target is always live); a damaged file could hold one.
            guard hops < 1_000 else { throw .corrupt("thread \(id) leads through a cycle of merges") }
            current = try loadThread(next)
        }
        return current
    }

    // MARK: Parties and identity

    /// A stored party.
    public func party(_ id: PartyID) throws(StorageError) -> StoredParty? { try loadParty(id) }

    /// The party a contact point belongs to, after identity merges.
    public func party(holding point: ContactPoint) throws(StorageError) -> PartyID? {
        guard let holder = try records.party(holding: point) else { return nil }
        return try primaryParty(of: holder)
    }

    /// Stores a party (a new customer, an account, a stakeholder) and indexes its contact points.
    public func saveParty(_ party: StoredParty) throws(StorageError) {
        try records.saveParty(party)
        parties[party.id] = .some(party)
    }

    /// The record a party resolves to after identity merges (itself when not merged).
    public func primaryParty(of party: PartyID) throws(StorageError) -> PartyID {
        var current = party
        var hops = 0
        while let next = try loadMergedParty(of: current) {
            hops += 1
            guard hops < 1_000 else { throw .corrupt("party \(party) leads through a cycle of identity merges") }
            current = next
        }
        return current
    }

    /// Whether two party records are one person (or one account).
    public func samePerson(_ a: PartyID, _ b: PartyID) throws(StorageError) -> Bool {
        if a == b { return true }
        return try primaryParty(of: a) == primaryParty(of: b)
    }

    /// Records that `merged` and `into` are one person: `merged`'s contact points and
    /// conversations now resolve to `into`. B2B records merge only within one account.
    ///
    /// - Throws: ``StorageError/notFound(_:)`` for an unknown party; ``StorageError/refused(_:)``
    ///   when they are one already or belong to different accounts.
    public func mergeIdentity(_ merged: PartyID, into: PartyID, agent: AgentID, reason: String, at date: Date)
        throws(StorageError) -> [Int64]
    {
        guard let a = try loadParty(merged) else { throw .notFound("party \(merged)") }
        guard let b = try loadParty(into) else { throw .notFound("party \(into)") }
        guard a.accountID == b.accountID else { throw .refused("\(merged) and \(into) belong to different accounts") }
        guard try !samePerson(merged, into) else { throw .refused("\(merged) and \(into) are one already") }
        guard try loadMergedParty(of: merged) == nil else { throw .refused("\(merged) is merged into another record") }
        try storeMergedParty(of: merged, into: into)
        // The conversation a call or chat continues is the person's latest, whichever record it was under.
        if let latest = try records.latestThread(of: merged), let thread = try currentThread(latest) {
            let current = try records.latestThread(of: into).flatMap { id throws(StorageError) in try currentThread(id) }
            if current.map({ $0.lastActivity < thread.lastActivity }) ?? true { try records.putLatestThread(thread.id, of: into) }
        }
        return try records.appendEvents([
            NewSupportEvent(at: date, party: into, kind: .identityMerged(merged, into: into, agent: agent, reason: reason))
        ])
    }

    /// Undoes ``mergeIdentity(_:into:agent:reason:at:)`` exactly: `merged` resolves to itself again.
    ///
    /// - Throws: ``StorageError/refused(_:)`` when `merged` is not merged.
    public func undoIdentityMerge(_ merged: PartyID, agent: AgentID, at date: Date) throws(StorageError) -> [Int64] {
        guard let into = try loadMergedParty(of: merged) else { throw .refused("\(merged) is not merged") }
        try storeMergedParty(of: merged, into: nil)
        return try records.appendEvents([
            NewSupportEvent(at: date, party: into, kind: .identityUnmerged(merged, from: into, agent: agent))
        ])
    }

    /// Moves a B2B stakeholder to another account. Conversations stay with the account that
    /// owned them, so the person no longer sees the old account's.
    ///
    /// - Throws: ``StorageError/notFound(_:)``; ``StorageError/refused(_:)`` when already there
    ///   or when the stakeholder's record is merged with another.
    public func moveStakeholder(_ id: PartyID, to account: PartyID, agent: AgentID, at date: Date) throws(StorageError)
        -> [Int64]
    {
        guard case .stakeholder(var stakeholder)? = try loadParty(id) else { throw .notFound("stakeholder \(id)") }
        guard case .account? = try loadParty(account) else { throw .notFound("account \(account)") }
        guard stakeholder.accountID != account else { throw .refused("\(id) is in \(account) already") }
        guard try loadMergedParty(of: id) == nil else { throw .refused("\(id) is merged with another record") }
        let from = stakeholder.accountID
        stakeholder.accountID = account
        try saveParty(.stakeholder(stakeholder))
        return try records.appendEvents([
            NewSupportEvent(at: date, party: id, kind: .stakeholderMoved(id, from: from, to: account, agent: agent))
        ])
    }

    // MARK: Messages

    /// Records one message where `decision` (from ``ThreadingRules``, over this transaction)
    /// places it: allocates the ticket number of a new thread, joins the threads its
    /// references linked, checks the placement, writes the index changes, the thread, the
    /// message and its events.
    ///
    /// - Returns: nil when the message is stored already (a duplicate: nothing written).
    /// - Throws: ``StorageError/placementRefused(message:thread:reason:)`` when the message's
    ///   party may not see the thread (nothing of the transaction is written).
    public func record(_ message: SupportMessage, decision: ThreadingDecision, account: PartyID? = nil)
        throws(StorageError) -> RecordedMessage?
    {
        guard let changes = decision.changes, try records.messageThread(message.id) == nil else { return nil }
        var events: [NewSupportEvent] = []
        var thread: SupportThread
        let owner = message.party ?? Self.unowned
        if changes.opensThread {
            let number = try nextTicket()
            guard number == changes.thread.rawValue else {
                throw .backend("threading decided over a stale index (ticket \(changes.thread) is not the next, \(number))")
            }
            try records.putNextTicketNumber(number + 1)
            thread = SupportThread(
                id: changes.thread, owner: owner, subject: SubjectNormalizer.normalize(message.subject), createdAt: message.sentAt)
            events.append(NewSupportEvent(at: message.sentAt, thread: thread.id, party: owner, kind: .threadOpened(thread.id)))
        } else {
            guard let current = try currentThread(changes.thread) else { throw .notFound("thread \(changes.thread)") }
            thread = current
        }
        for joined in changes.joinedThreads {
            guard var other = try currentThread(joined), other.id != thread.id else { continue }
            guard try samePerson(other.owner, thread.owner) else {
                throw .placementRefused(message: message.id, thread: other.id, reason: "joining threads of two owners")
            }
            let moved = try movableMessages(other.messageIDs, from: other.id)
            try records.moveMessages(moved, to: thread.id)
            thread.messageIDs.append(contentsOf: moved)
            thread.participants.formUnion(other.participants)
            thread.lastMessageAt = max(thread.lastActivity, other.lastActivity)
            other.mergedInto = thread.id
            try storeThread(other)
            events.append(NewSupportEvent(
                at: message.sentAt, thread: thread.id, party: owner, kind: .joinedByThreading(other.id, into: thread.id)))
        }
        try checkPlacement(message, in: thread, opened: changes.opensThread)

        try writeIndex(changes, thread: thread.id, party: message.party)
        if let participant = changes.participant { thread.participants.insert(participant) }

        // The thread's projection and the message's events.
        Self.advance(&thread, with: message, events: &events)
        try records.insertMessage(message, thread: thread.id, account: account)
        try storeThread(thread)
        let sequences = try records.appendEvents(events)
        return RecordedMessage(assignment: decision.assignment, thread: thread, events: sequences)
    }

    /// Stores a message with the thread a host decided itself (``ConversationStore/ingest(_:)``),
    /// under the same owner check; the rows are written as given, the message's id is indexed,
    /// and the ticket counter passes the thread's number so the store never hands it out again.
    ///
    /// - Throws: ``StorageError/placementRefused(message:thread:reason:)``.
    public func store(_ record: IngestRecord) throws(StorageError) -> IngestOutcome {
        if let existing = try records.messageThread(record.message.id) { return .duplicate(existingThread: existing) }
        for party in record.parties { try saveParty(party) }
        let stored = try loadThread(record.thread.id)
        try checkPlacement(record.message, in: stored ?? record.thread, opened: stored == nil)
        try raiseTicketCounter(past: record.thread.id)
        let ownID = record.message.indexedID
        try records.putMessageIDEntry(
            ownID, IndexedMessageID(thread: record.thread.id, isMessage: true), party: record.message.party)
        if let party = record.message.party { try records.putLatestThread(record.thread.id, of: party) }
        try records.insertMessage(record.message, thread: record.thread.id, account: record.account)
        try storeThread(record.thread)
        return .stored(events: try records.appendEvents(record.events))
    }

    /// Writes the index entries of a message already stored in `thread` (a migration from a
    /// store without an index, or a rebuild of the projections): what ``record(_:decision:account:)``
    /// would have written, pointing at the thread the message is in. The thread's activity time
    /// is raised to the message's.
    public func reindex(_ message: SupportMessage, storedIn thread: ThreadID, configuration: ThreadingConfiguration)
        throws(StorageError)
    {
        let decision: ThreadingDecision
        do {
            decision = try ThreadingRules.decide(message, reader: self, configuration: configuration) { viewer, access in
                viewer == .person(access.owner)
            }
        } catch let error as StorageError { throw error } catch { throw .backend(String(describing: error)) }
        guard let changes = decision.changes, var stored = try currentThread(thread) else { return }
        try writeIndex(changes, thread: stored.id, party: message.party)
        if stored.lastMessageAt.map({ $0 < message.sentAt }) ?? true {
            stored.lastMessageAt = message.sentAt
            try storeThread(stored)
        }
        try raiseTicketCounter(past: stored.id)
    }

    /// Writes a decision's index changes for a message of `party` that went to `thread`: its
    /// own id, the ids it held, its subject and quote keys, its party's latest thread.
    private func writeIndex(_ changes: ThreadingIndexChanges, thread: ThreadID, party: PartyID?) throws(StorageError) {
        try records.putMessageIDEntry(changes.messageID, IndexedMessageID(thread: thread, isMessage: true), party: party)
        for id in changes.heldReferences {
            try records.putMessageIDEntry(id, IndexedMessageID(thread: thread, isMessage: false), party: party)
        }
        if let party {
            for key in changes.subjectKeys { try records.putSubject(key, thread: thread, party: party) }
            switch changes.quote {
            case .insert(let key)?: try records.putQuote(key, .message(MessageID(changes.messageID)), thread: thread, party: party)
            case .markAmbiguous(let key)?: try records.putQuote(key, .ambiguous, thread: thread, party: party)
            case nil: break
            }
        }
        if let latest = changes.latestOfParty { try records.putLatestThread(thread, of: latest) }
    }

    /// The owner check at the write: a message joins a thread only when its party is the
    /// thread's owner (or one person with it, after an identity merge), and a B2B stakeholder
    /// only when the account's sharing setting lets them see it (``AccountDirectory``'s rule,
    /// over the stored account and stakeholder).
    func checkPlacement(_ message: SupportMessage, in thread: SupportThread, opened: Bool) throws(StorageError) {
        let owner = thread.owner == Self.unowned ? nil : thread.owner
        func refuse(_ reason: String) -> StorageError {
            .placementRefused(message: message.id, thread: thread.id, reason: reason)
        }
        switch (owner, message.party) {
        case (nil, nil): return
        case (let owner?, let party?):
            guard try samePerson(owner, party) else { throw refuse("the thread belongs to another party") }
        case (nil, _?): throw refuse("the thread belongs to no party")
        case (_?, nil): throw refuse("the message has no party")
        }
        guard !opened, message.direction == .inbound, let owner, let person = message.person, person != message.party,
            case .account? = try loadParty(owner)
        else { return }
        guard try accountMayView(person, thread.access) else {
            throw refuse("the account's sharing setting does not let \(person) see the thread")
        }
    }

    /// Whether a B2B stakeholder may see an account's thread: ``AccountDirectory``'s rule over
    /// the stored account and stakeholder (false when either is not stored, or they do not belong together).
    public func accountMayView(_ person: PartyID, _ access: ConversationAccess) throws(StorageError) -> Bool {
        guard case .account(let account)? = try loadParty(access.owner),
            case .stakeholder(let stakeholder)? = try loadParty(try primaryParty(of: person)),
            stakeholder.accountID == account.id
        else { return false }
        var directory = AccountDirectory()
        do {
            try directory.add(account)
            try directory.add(stakeholder, at: Date(timeIntervalSince1970: 0))
        } catch { return false }
        var participants = Set<PartyID>()
        for participant in access.participants { participants.insert(try primaryParty(of: participant)) }
        return directory.mayView(.person(stakeholder.id), ConversationAccess(owner: account.id, participants: participants))
    }

    /// The stakeholders of a B2B account.
    public func stakeholders(of account: PartyID) throws(StorageError) -> [Stakeholder] { try records.stakeholders(of: account) }

    /// A thread after one more message, and the events that records: a customer's message
    /// reopens a solved or pending ticket; the desk's reply sets it pending the customer. Times
    /// are the message's own (its Date header, or the event's timestamp).
    static func advance(_ thread: inout SupportThread, with message: SupportMessage, events: inout [NewSupportEvent]) {
        let owner = thread.owner
        thread.messageIDs.append(message.id)
        thread.updatedAt = max(thread.updatedAt, message.sentAt)
        thread.lastMessageAt = max(thread.lastMessageAt ?? message.sentAt, message.sentAt)
        if let person = message.person, message.direction == .inbound { thread.participants.insert(person) }
        let next: ThreadStatus
        switch message.direction {
        case .inbound:
            events.append(NewSupportEvent(at: message.sentAt, thread: thread.id, party: owner, kind: .received(message.id)))
            next = [.pendingCustomer, .solved].contains(thread.status) ? .open : thread.status
        case .outbound:
            events.append(NewSupportEvent(
                at: message.sentAt, thread: thread.id, party: owner, kind: .replied(message.id, agent: message.agent)))
            next = thread.status == .closed ? .closed : .pendingCustomer
        case .internalNote:
            events.append(NewSupportEvent(
                at: message.sentAt, thread: thread.id, party: owner, kind: .noted(message.id, agent: message.agent)))
            next = thread.status
        }
        if next != thread.status, thread.status.canMove(to: next) {
            events.append(NewSupportEvent(
                at: message.sentAt, thread: thread.id, party: owner, kind: .statusChanged(from: thread.status, to: next)))
            thread.status = next
        }
    }

    /// Those of `ids` that are stored in `thread` now.
    private func movableMessages(_ ids: [MessageID], from thread: ThreadID) throws(StorageError) -> [MessageID] {
        var result: [MessageID] = []
        for id in ids where try records.messageThread(id) == thread { result.append(id) }
        return result
    }

    // MARK: Agents' acts on threads

    /// Merges thread `merged` into `into` (an agent found them to be one conversation): the
    /// messages move, `merged`'s number leads to `into`, and the merge undoes exactly.
    ///
    /// - Throws: ``StorageError/notFound(_:)``; ``StorageError/refused(_:)`` across owners or
    ///   when the two are one thread already.
    public func merge(_ merged: ThreadID, into: ThreadID, agent: AgentID, at date: Date) throws(StorageError) -> [Int64] {
        guard var source = try loadThread(merged), source.mergedInto == nil else {
            throw try loadThread(merged) == nil ? .notFound("thread \(merged)") : .refused("\(merged) is merged already")
        }
        guard var target = try currentThread(into) else { throw .notFound("thread \(into)") }
        guard target.id != source.id else { throw .refused("\(merged) and \(into) are one thread") }
        guard try samePerson(source.owner, target.owner) else { throw .refused("\(merged) and \(into) have different owners") }
        let moved = try movableMessages(source.messageIDs, from: source.id)
        try records.moveMessages(moved, to: target.id)
        target.messageIDs.append(contentsOf: moved)
        target.participants.formUnion(source.participants)
        target.lastMessageAt = max(target.lastActivity, source.lastActivity)
        target.updatedAt = max(target.updatedAt, date)
        source.mergedInto = target.id
        source.messageIDs = moved
        try storeThread(source)
        try storeThread(target)
        return try records.appendEvents([
            NewSupportEvent(at: date, thread: target.id, party: target.owner, kind: .merged(source.id, into: target.id, agent: agent))
        ])
    }

    /// Undoes an agent's merge: the messages `merged` had are back in it, and its number is its own again.
    ///
    /// - Throws: ``StorageError/refused(_:)`` when `merged` is not merged.
    public func undoMerge(_ merged: ThreadID, agent: AgentID, at date: Date) throws(StorageError) -> [Int64] {
        guard var source = try loadThread(merged), let into = source.mergedInto else {
            throw .refused("\(merged) is not merged")
        }
        guard var target = try currentThread(into) else { throw .notFound("thread \(into)") }
        let back = try movableMessages(source.messageIDs, from: target.id)
        try records.moveMessages(back, to: source.id)
        let returned = Set(back)
        target.messageIDs.removeAll { returned.contains($0) }
        source.messageIDs = back
        source.mergedInto = nil
        try storeThread(source)
        try storeThread(target)
        return try records.appendEvents([
            NewSupportEvent(at: date, thread: source.id, party: source.owner, kind: .unmerged(source.id, from: target.id, agent: agent))
        ])
    }

    /// Splits messages off a thread into a new thread of the same owner (later replies to them
    /// follow them).
    ///
    /// - Returns: the new thread's number and the events' sequence numbers.
    /// - Throws: ``StorageError/notFound(_:)``; ``StorageError/refused(_:)`` when a message is not
    ///   in the thread, or the split would move none or all of its messages.
    public func split(_ messages: [MessageID], from thread: ThreadID, agent: AgentID, at date: Date) throws(StorageError)
        -> (thread: ThreadID, events: [Int64])
    {
        guard var source = try loadThread(thread), source.mergedInto == nil else { throw .notFound("thread \(thread)") }
        let moving = Set(messages)
        guard !moving.isEmpty, moving.count < source.messageIDs.count else {
            throw .refused("a split moves some but not all of \(thread)'s messages")
        }
        for id in moving where try records.messageThread(id) != source.id { throw .refused("\(id) is not in \(thread)") }
        let moved = source.messageIDs.filter { moving.contains($0) }
        let number = try nextTicket()
        try records.putNextTicketNumber(number + 1)
        var target = SupportThread(
            id: ThreadID(number), owner: source.owner, participants: source.participants, status: source.status,
            priority: source.priority, assignee: source.assignee, team: source.team, tags: source.tags,
            subject: source.subject, createdAt: date, messageIDs: moved)
        target.lastMessageAt = source.lastActivity
        target.splitFrom = ThreadSplitOrigin(thread: source.id, messages: moved)
        try records.moveMessages(moved, to: target.id)
        source.messageIDs.removeAll { moving.contains($0) }
        try storeThread(source)
        try storeThread(target)
        let events = try records.appendEvents([
            NewSupportEvent(at: date, thread: target.id, party: source.owner, kind: .threadOpened(target.id)),
            NewSupportEvent(
                at: date, thread: source.id, party: source.owner,
                kind: .splitOff(from: source.id, to: target.id, messages: moved, agent: agent)),
        ])
        return (target.id, events)
    }

    /// Undoes a split: the messages it moved are back in the thread they came from; a split
    /// thread left without messages leads there too.
    ///
    /// - Throws: ``StorageError/refused(_:)`` when `thread` is not a split thread (or was undone).
    public func undoSplit(_ thread: ThreadID, agent: AgentID, at date: Date) throws(StorageError) -> [Int64] {
        guard var split = try loadThread(thread), let origin = split.splitFrom, split.mergedInto == nil else {
            throw .refused("\(thread) is not a split thread")
        }
        guard var source = try currentThread(origin.thread) else { throw .notFound("thread \(origin.thread)") }
        let back = try movableMessages(origin.messages, from: split.id)
        try records.moveMessages(back, to: source.id)
        let returned = Set(back)
        split.messageIDs.removeAll { returned.contains($0) }
        source.messageIDs.append(contentsOf: back)
        split.splitFrom = nil
        if split.messageIDs.isEmpty { split.mergedInto = source.id }
        try storeThread(split)
        try storeThread(source)
        return try records.appendEvents([
            NewSupportEvent(at: date, thread: source.id, party: source.owner, kind: .unsplit(from: source.id, to: split.id, agent: agent))
        ])
    }

    /// Changes a thread's status, assignee, priority or tags, appending an event per change.
    ///
    /// - Throws: ``StorageError/notFound(_:)``; ``StorageError/refused(_:)`` for a status the
    ///   lifecycle does not allow.
    public func update(
        _ id: ThreadID, status: ThreadStatus? = nil, assignee: AgentID?? = nil, team: String?? = nil,
        priority: TicketPriority? = nil, addTags: Set<String> = [], removeTags: Set<String> = [], agent: AgentID?,
        at date: Date
    ) throws(StorageError) -> [Int64] {
        guard var thread = try currentThread(id) else { throw .notFound("thread \(id)") }
        var events: [NewSupportEvent] = []
        func event(_ kind: SupportEventKind) { events.append(NewSupportEvent(at: date, thread: thread.id, party: thread.owner, kind: kind)) }
        if let status, status != thread.status {
            guard thread.status.canMove(to: status) else { throw .refused("\(thread.id) cannot move from \(thread.status) to \(status)") }
            event(.statusChanged(from: thread.status, to: status))
            thread.status = status
        }
        if assignee != nil || team != nil {
            let newAssignee = assignee ?? thread.assignee
            let newTeam = team ?? thread.team
            if newAssignee != thread.assignee || newTeam != thread.team {
                thread.assignee = newAssignee
                thread.team = newTeam
                event(.assigned(agent: newAssignee, team: newTeam))
            }
        }
        if let priority, priority != thread.priority {
            event(.priorityChanged(from: thread.priority, to: priority))
            thread.priority = priority
        }
        let added = addTags.subtracting(thread.tags)
        let removed = removeTags.intersection(thread.tags)
        if !added.isEmpty || !removed.isEmpty {
            thread.tags.formUnion(added)
            thread.tags.subtract(removed)
            event(.tagsChanged(added: added, removed: removed, agent: agent))
        }
        guard !events.isEmpty else { return [] }
        thread.updatedAt = max(thread.updatedAt, date)
        try storeThread(thread)
        return try records.appendEvents(events)
    }
}
