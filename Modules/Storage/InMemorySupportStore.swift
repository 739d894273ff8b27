import Conversation
import CustomerModel
import Foundation
import Localization

/// The reference store: everything in memory, nothing persisted. It defines what the
/// protocols mean (the conformance suite runs against it first) and serves tests and
/// short-lived hosts. Every method is atomic: an actor runs one at a time.
public actor InMemorySupportStore: SupportStore {
    /// Everything the store holds, in one value: a desk transaction works on a copy and
    /// replaces the original only when it succeeds (copy-on-write keeps that cheap).
    struct State {
        var parties: [PartyID: StoredParty] = [:]
        var contacts: [ContactPoint: PartyID] = [:]
        var mergedParties: [PartyID: PartyID] = [:]
        var messageRows: [MessageID: (cursor: Int64, message: SupportMessage, thread: ThreadID, account: PartyID?)] = [:]
        var order: [MessageID] = []
        var threads: [ThreadID: SupportThread] = [:]
        var eventRows: [SupportEvent] = []
        var articleRows: [String: KnowledgeArticle] = [:]
        var search: SupportSearch
        var nextCursor: Int64 = 1
        var nextArticle: UInt32 = 1
        var nextEvent: Int64 = 1
        // The threading index.
        var messageIDIndex: [String: (entry: IndexedMessageID, party: PartyID?)] = [:]
        var subjectIndex: [ThreadingIndexKey: (thread: ThreadID, party: PartyID)] = [:]
        var quoteIndex: [ThreadingIndexKey: (quote: IndexedQuote, thread: ThreadID, party: PartyID)] = [:]
        var latestThread: [PartyID: ThreadID] = [:]
        var nextTicket: UInt64?
        /// Workflow records by kind and key.
        var workflows: [WorkflowRecordKey: WorkflowRecord] = [:]
    }

    /// The state, in the object desk transactions change in place (with an undo log, so a
    /// failed transaction leaves nothing). Only this actor touches it.
    private let storage: InMemoryDeskRecords

    var state: State {
        get { storage.state }
        _modify { yield &storage.state }
    }

    /// An empty store analyzing text with `analyzers`.
    public init(analyzers: AnalyzerRegistry = .standard) {
        storage = InMemoryDeskRecords(State(search: SupportSearch(analyzers: analyzers)))
    }

    public func upsertParty(_ party: StoredParty) throws(StorageError) {
        try deskTransaction(firstTicketNumber: 1) { transaction in try transaction.saveParty(party) }
    }

    public func party(_ id: PartyID) throws(StorageError) -> StoredParty? { state.parties[id] }

    public func allParties() throws(StorageError) -> [StoredParty] { state.parties.values.sorted { $0.id < $1.id } }

    public func ingest(_ record: IngestRecord) throws(StorageError) -> IngestOutcome {
        try deskTransaction(firstTicketNumber: 1) { transaction in try transaction.store(record) }
    }

    /// Runs `body` on the state with an undo log: a throw rolls every change back. An actor method runs to completion
    /// without interleaving, so transactions are serialised.
    public func deskTransaction<T: Sendable>(
        firstTicketNumber: UInt64, _ body: @escaping @Sendable (DeskTransaction) throws -> T
    ) throws(StorageError) -> T {
        storage.begin()
        do {
            let transaction = DeskTransaction(records: storage, firstTicketNumber: firstTicketNumber)
            let result = try body(transaction)
            try transaction.finish()
            storage.commit()
            return result
        } catch {
            storage.rollBack()
            if let error = error as? StorageError { throw error }
            throw .backend(String(describing: error))
        }
    }

    public func ingest(contentsOf records: [IngestRecord]) throws(StorageError) -> [IngestOutcome] {
        try deskTransaction(firstTicketNumber: 1) { transaction in try records.map { try transaction.store($0) } }
    }

    public func message(_ id: MessageID) throws(StorageError) -> (message: SupportMessage, thread: ThreadID)? {
        state.messageRows[id].map { ($0.message, $0.thread) }
    }

    public func messages(after cursor: Int64, limit: Int) throws(StorageError)
        -> [(cursor: Int64, message: SupportMessage, thread: ThreadID)]
    {
        // `order` holds live messages in increasing cursor state.order (erasure removes entries), so a
        // page starts at a binary search, not at a scan from the first message.
        var low = 0
        var high = state.order.count
        while low < high {
            let middle = (low + high) / 2
            if (state.messageRows[state.order[middle]]?.cursor ?? 0) <= cursor { low = middle + 1 } else { high = middle }
        }
        var result: [(cursor: Int64, message: SupportMessage, thread: ThreadID)] = []
        for id in state.order[low...] {
            guard result.count < limit else { break }
            if let row = state.messageRows[id] { result.append((row.cursor, row.message, row.thread)) }
        }
        return result
    }

    public func messages(inThread thread: ThreadID) throws(StorageError) -> [SupportMessage] {
        state.order.compactMap { id in state.messageRows[id].flatMap { $0.thread == thread ? $0.message : nil } }
    }

    public func thread(_ id: ThreadID) throws(StorageError) -> SupportThread? { state.threads[id] }

    public func threads(_ ids: Set<ThreadID>) throws(StorageError) -> [ThreadID: SupportThread] {
        state.threads.filter { ids.contains($0.key) }
    }

    public func storedThreads(ofMessages ids: [MessageID]) throws(StorageError) -> [MessageID: ThreadID] {
        var found: [MessageID: ThreadID] = [:]
        for id in ids { if let row = state.messageRows[id] { found[id] = row.thread } }
        return found
    }

    public func threads(ownedBy owner: PartyID) throws(StorageError) -> [SupportThread] {
        state.threads.values.filter { $0.owner == owner }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func updateThread(_ thread: SupportThread, events: [NewSupportEvent]) throws(StorageError) -> [Int64] {
        guard state.threads[thread.id] != nil else { throw .notFound("thread \(thread.id)") }
        state.threads[thread.id] = thread
        state.search.messages.setStatus(thread.status, of: thread.id)
        return appendEvents(events)
    }

    public func append(_ events: [NewSupportEvent]) throws(StorageError) -> [Int64] { appendEvents(events) }

    public func events(after sequence: Int64, limit: Int) throws(StorageError) -> [SupportEvent] {
        Array(state.eventRows.lazy.filter { $0.sequence > sequence }.prefix(max(0, limit)))
    }

    public func search(_ query: SearchQuery) throws(StorageError) -> [SearchHit] {
        try state.search.searchMessages(query) { key in
            state.messageRows[MessageID(key)].map { row in
                (SearchDocument(message: row.message, thread: row.thread, account: row.account), row.thread)
            }
        }
    }

    public func upsertArticle(_ article: KnowledgeArticle) throws(StorageError) {
        let key = article.storageKey
        if state.articleRows[key] != nil { state.search.articles.remove(keys: [key]) }
        state.articleRows[key] = article
        state.search.articles.add(SearchDocument(article: article), number: state.nextArticle)
        state.nextArticle += 1
    }

    public func searchArticles(_ query: SearchQuery) throws(StorageError) -> [ArticleHit] {
        try state.search.searchArticles(query) { state.articleRows[$0] }
    }

    public func suggestArticles(for message: SupportMessage, limit: Int) throws(StorageError) -> [ArticleHit] {
        state.search.suggestArticles(for: message, limit: limit) { state.articleRows[$0] }
    }

    private func appendEvents(_ events: [NewSupportEvent]) -> [Int64] {
        events.map { event in
            let sequence = state.nextEvent
            state.nextEvent += 1
            state.eventRows.append(SupportEvent(sequence: sequence, at: event.at, thread: event.thread, party: event.party, kind: event.kind))
            return sequence
        }
    }
}

extension InMemorySupportStore {
    public func personalRecords(of party: PartyID) throws(StorageError) -> [PersonalRecord] {
        allPersonalRecords().filter { $0.party == party }
    }

    public func personalRecords(lastActiveBefore date: Date) throws(StorageError) -> [PersonalRecord] {
        allPersonalRecords().filter { $0.lastActivityAt < date }
    }

    public func apply(_ changes: [PersonalDataChange]) throws(StorageError) {
        // Check every id first: all or nothing.
        for change in changes {
            guard let (kind, key) = PersonalRecordID.parse(change.recordID) else { throw .notFound(change.recordID) }
            let known: Bool
            switch kind {
            case "party": known = state.parties[PartyID(key)] != nil
            case "message": known = state.messageRows[MessageID(key)] != nil
            case "thread": known = UInt64(key).map { state.threads[ThreadID($0)] != nil } ?? false
            default: known = Int64(key).map { sequence in state.eventRows.contains { $0.sequence == sequence } } ?? false
            }
            guard known else { throw .notFound(change.recordID) }
        }
        var unindexed: [String] = []
        for change in changes {
            guard let (kind, key) = PersonalRecordID.parse(change.recordID) else { continue }
            let delete = change.action == .delete
            switch kind {
            case "party":
                let removed = state.parties.removeValue(forKey: PartyID(key))
                if !delete, let removed {
                    let kept = StoredParty.anonymised(removed)
                    state.parties[kept.id] = kept
                }
            case "message":
                let id = MessageID(key)
                unindexed.append(key)
                if delete {
                    state.messageRows[id] = nil
                    state.order.removeAll { $0 == id }
                } else if var row = state.messageRows[id] {
                    row.message = row.message.anonymised
                    state.messageRows[id] = row
                }
            case "thread":
                guard let number = UInt64(key) else { continue }
                state.threads[ThreadID(number)] = delete ? nil : state.threads[ThreadID(number)]?.anonymised
            default:
                guard let sequence = Int64(key), let position = state.eventRows.firstIndex(where: { $0.sequence == sequence }) else { continue }
                if delete { state.eventRows.remove(at: position) } else { state.eventRows[position].party = PersonalDataChange.anonymousParty }
            }
        }
        state.search.messages.remove(keys: unindexed)
        state.search.messages.markPersisted()  // nothing to persist here: drops the removed terms' names
        removeIndexEntries(of: changes)
        let erasure = PersonalDataChange.erasureEvents(changes, at: Date())
        _ = appendEvents(erasure)
    }

    /// Removes the threading-index and identity entries of erased records, as SQLite does:
    /// everything a deleted or anonymised party's messages wrote, and a deleted message's id.
    /// (A deleted thread's entries point at a number never handed out again: they name nothing.)
    private func removeIndexEntries(of changes: [PersonalDataChange]) {
        var parties = Set<PartyID>()
        var messages = Set<String>()
        var placements = Set<String>()  // a placement's evidence may quote the message: gone with either action
        for change in changes {
            guard let (kind, key) = PersonalRecordID.parse(change.recordID) else { continue }
            switch kind {
            case "party": parties.insert(PartyID(key))
            case "message":
                if change.action == .delete { messages.insert(key) }
                placements.insert(key)
            default: break
            }
        }
        state.messageIDIndex = state.messageIDIndex.filter { id, value in
            !(value.party.map(parties.contains) ?? false) && !messages.contains(id)
        }
        state.subjectIndex = state.subjectIndex.filter { !parties.contains($0.value.party) }
        state.quoteIndex = state.quoteIndex.filter { !parties.contains($0.value.party) }
        state.latestThread = state.latestThread.filter { !parties.contains($0.key) }
        state.contacts = state.contacts.filter { !parties.contains($0.value) }
        state.mergedParties = state.mergedParties.filter { !parties.contains($0.key) && !parties.contains($0.value) }
        state.workflows = state.workflows.filter { id, record in
            !(record.party.map(parties.contains) ?? false) && !(id.kind == "placement" && placements.contains(id.key))
        }
    }

    private func allPersonalRecords() -> [PersonalRecord] {
        var collector = PersonalRecordCollector()
        for id in state.order { if let row = state.messageRows[id] { collector.add(row.message) } }
        for party in state.parties.values { collector.add(party) }
        for thread in state.threads.values { collector.add(thread) }
        for event in state.eventRows { collector.add(event) }
        return collector.collected()
    }
}

/// A workflow record's identity in the in-memory store.
struct WorkflowRecordKey: Hashable {
    var kind: String
    var key: String
}

/// The in-memory store's ``DeskRecords``: the store's state, changed in place, with an undo
/// log for the transaction under way. Only its actor touches it (never `Sendable`).
final class InMemoryDeskRecords: DeskRecords {
    var state: InMemorySupportStore.State
    private var undo: [(inout InMemorySupportStore.State) -> Void] = []
    private var inTransaction = false

    init(_ state: InMemorySupportStore.State) { self.state = state }

    func begin() {
        undo.removeAll(keepingCapacity: true)
        inTransaction = true
    }

    func commit() {
        undo.removeAll(keepingCapacity: true)
        inTransaction = false
    }

    func rollBack() {
        for step in undo.reversed() { step(&state) }
        undo.removeAll()
        inTransaction = false
    }

    /// Sets a value through a key path, remembering the old one.
    private func set<Value>(_ path: WritableKeyPath<InMemorySupportStore.State, Value>, _ value: Value) {
        if inTransaction {
            let old = state[keyPath: path]
            undo.append { $0[keyPath: path] = old }
        }
        state[keyPath: path] = value
    }

    func thread(_ id: ThreadID) throws(StorageError) -> SupportThread? { state.threads[id] }

    func saveThread(_ thread: SupportThread) throws(StorageError) {
        set(\.threads[thread.id], thread)
        let previous = state.search.messages.threadStatus[thread.id.rawValue]
        if inTransaction { undo.append { $0.search.messages.threadStatus[thread.id.rawValue] = previous } }
        state.search.messages.setStatus(thread.status, of: thread.id)
    }

    func messageThread(_ id: MessageID) throws(StorageError) -> ThreadID? { state.messageRows[id]?.thread }

    func storedMessage(_ id: MessageID) throws(StorageError) -> (message: SupportMessage, thread: ThreadID)? {
        state.messageRows[id].map { ($0.message, $0.thread) }
    }

    func insertMessage(_ message: SupportMessage, thread: ThreadID, account: PartyID?) throws(StorageError) {
        // Cursor numbers are never handed out twice, even by a rolled-back transaction (the
        // search index only takes numbers above the last one it saw).
        let cursor = state.nextCursor
        state.nextCursor += 1
        set(\.messageRows[message.id], (cursor, message, thread, account))
        state.order.append(message.id)
        let document = SearchDocument(message: message, thread: thread, account: account)
        state.search.messages.add(document, number: UInt32(truncatingIfNeeded: cursor))
        if inTransaction {
            undo.append { state in
                state.order.removeLast()
                state.search.messages.remove(keys: [message.id.rawValue])
            }
        }
    }

    func moveMessages(_ ids: [MessageID], to thread: ThreadID) throws(StorageError) {
        for id in ids {
            guard var row = state.messageRows[id] else { continue }
            let from = row.thread
            row.thread = thread
            set(\.messageRows[id], row)
            state.search.messages.setThread(thread, ofKey: id.rawValue)
            if inTransaction { undo.append { $0.search.messages.setThread(from, ofKey: id.rawValue) } }
            if let entry = state.messageIDIndex[id.rawValue], entry.entry.isMessage {
                set(\.messageIDIndex[id.rawValue], (IndexedMessageID(thread: thread, isMessage: true), entry.party))
            }
        }
    }

    func messageIDEntry(_ id: String) throws(StorageError) -> IndexedMessageID? { state.messageIDIndex[id]?.entry }

    func putMessageIDEntry(_ id: String, _ entry: IndexedMessageID, party: PartyID?) throws(StorageError) {
        set(\.messageIDIndex[id], (entry, party))
    }

    func subjectThread(_ key: ThreadingIndexKey) throws(StorageError) -> ThreadID? { state.subjectIndex[key]?.thread }

    func putSubject(_ key: ThreadingIndexKey, thread: ThreadID, party: PartyID) throws(StorageError) {
        set(\.subjectIndex[key], (thread, party))
    }

    func quote(_ key: ThreadingIndexKey) throws(StorageError) -> IndexedQuote? { state.quoteIndex[key]?.quote }

    func putQuote(_ key: ThreadingIndexKey, _ quote: IndexedQuote, thread: ThreadID, party: PartyID) throws(StorageError) {
        set(\.quoteIndex[key], (quote, thread, party))
    }

    func latestThread(of party: PartyID) throws(StorageError) -> ThreadID? { state.latestThread[party] }

    func putLatestThread(_ thread: ThreadID, of party: PartyID) throws(StorageError) { set(\.latestThread[party], thread) }

    func nextTicketNumber() throws(StorageError) -> UInt64? { state.nextTicket }

    func putNextTicketNumber(_ number: UInt64) throws(StorageError) { set(\.nextTicket, max(state.nextTicket ?? 0, number)) }

    func party(_ id: PartyID) throws(StorageError) -> StoredParty? { state.parties[id] }

    func saveParty(_ party: StoredParty) throws(StorageError) {
        set(\.parties[party.id], party)
        for point in party.profile.contactPoints { set(\.contacts[point], party.id) }
    }

    func party(holding point: ContactPoint) throws(StorageError) -> PartyID? { state.contacts[point] }

    func stakeholders(of account: PartyID) throws(StorageError) -> [Stakeholder] {
        state.parties.values.compactMap { party in
            if case .stakeholder(let stakeholder) = party, stakeholder.accountID == account { return stakeholder }
            return nil
        }.sorted { $0.id < $1.id }
    }

    func mergedParty(of party: PartyID) throws(StorageError) -> PartyID? { state.mergedParties[party] }

    func putMergedParty(of party: PartyID, into primary: PartyID?) throws(StorageError) { set(\.mergedParties[party], primary) }

    func workflowRecord(kind: String, key: String) throws(StorageError) -> WorkflowRecord? {
        state.workflows[WorkflowRecordKey(kind: kind, key: key)]
    }

    func putWorkflowRecord(_ record: WorkflowRecord) throws(StorageError) {
        set(\.workflows[WorkflowRecordKey(kind: record.kind, key: record.key)], record)
    }

    func workflowRecords(kind: String, thread: ThreadID?) throws(StorageError) -> [WorkflowRecord] {
        state.workflows.values.filter { $0.kind == kind && (thread == nil || $0.thread == thread) }.sorted { $0.key < $1.key }
    }

    func appendEvents(_ events: [NewSupportEvent]) throws(StorageError) -> [Int64] {
        let sequences = events.map { event in
            let sequence = state.nextEvent
            state.nextEvent += 1
            state.eventRows.append(
                SupportEvent(sequence: sequence, at: event.at, thread: event.thread, party: event.party, kind: event.kind))
            return sequence
        }
        if inTransaction, !events.isEmpty {
            let count = events.count
            undo.append { state in
                state.eventRows.removeLast(count)
                state.nextEvent -= Int64(count)
            }
        }
        return sequences
    }
}
