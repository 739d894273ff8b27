import Conversation
import CustomerModel
import Foundation
import Localization

/// The reference store: everything in memory, nothing persisted. It defines what the
/// protocols mean (the conformance suite runs against it first) and serves tests and
/// short-lived hosts. Every method is atomic: an actor runs one at a time.
public actor InMemorySupportStore: SupportStore {
    private var parties: [PartyID: StoredParty] = [:]
    private var messageRows: [MessageID: (cursor: Int64, message: SupportMessage, thread: ThreadID, account: PartyID?)] = [:]
    private var order: [MessageID] = []
    private var threads: [ThreadID: SupportThread] = [:]
    private var eventRows: [SupportEvent] = []
    private var articleRows: [String: KnowledgeArticle] = [:]
    private var search: SupportSearch
    private var nextCursor: Int64 = 1
    private var nextArticle: UInt32 = 1
    private var nextEvent: Int64 = 1

    /// An empty store analyzing text with `analyzers`.
    public init(analyzers: AnalyzerRegistry = .standard) {
        search = SupportSearch(analyzers: analyzers)
    }

    public func upsertParty(_ party: StoredParty) throws(StorageError) { parties[party.id] = party }

    public func party(_ id: PartyID) throws(StorageError) -> StoredParty? { parties[id] }

    public func allParties() throws(StorageError) -> [StoredParty] { parties.values.sorted { $0.id < $1.id } }

    public func ingest(_ record: IngestRecord) throws(StorageError) -> IngestOutcome {
        if let existing = messageRows[record.message.id] { return .duplicate(existingThread: existing.thread) }
        for party in record.parties { parties[party.id] = party }
        let cursor = nextCursor
        nextCursor += 1
        messageRows[record.message.id] = (cursor, record.message, record.thread.id, record.account)
        order.append(record.message.id)
        threads[record.thread.id] = record.thread
        let document = SearchDocument(message: record.message, thread: record.thread.id, account: record.account)
        search.messages.add(document, number: UInt32(truncatingIfNeeded: cursor))
        search.messages.setStatus(record.thread.status, of: record.thread.id)
        return .stored(events: appendEvents(record.events))
    }

    public func ingest(contentsOf records: [IngestRecord]) throws(StorageError) -> [IngestOutcome] {
        // An actor method runs to completion without interleaving, so the batch is atomic.
        var outcomes: [IngestOutcome] = []
        outcomes.reserveCapacity(records.count)
        for record in records { outcomes.append(try ingest(record)) }
        return outcomes
    }

    public func message(_ id: MessageID) throws(StorageError) -> (message: SupportMessage, thread: ThreadID)? {
        messageRows[id].map { ($0.message, $0.thread) }
    }

    public func messages(after cursor: Int64, limit: Int) throws(StorageError)
        -> [(cursor: Int64, message: SupportMessage, thread: ThreadID)]
    {
        // `order` holds live messages in increasing cursor order (erasure removes entries), so a
        // page starts at a binary search, not at a scan from the first message.
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if (messageRows[order[middle]]?.cursor ?? 0) <= cursor { low = middle + 1 } else { high = middle }
        }
        var result: [(cursor: Int64, message: SupportMessage, thread: ThreadID)] = []
        for id in order[low...] {
            guard result.count < limit else { break }
            if let row = messageRows[id] { result.append((row.cursor, row.message, row.thread)) }
        }
        return result
    }

    public func messages(inThread thread: ThreadID) throws(StorageError) -> [SupportMessage] {
        order.compactMap { id in messageRows[id].flatMap { $0.thread == thread ? $0.message : nil } }
    }

    public func thread(_ id: ThreadID) throws(StorageError) -> SupportThread? { threads[id] }

    public func threads(_ ids: Set<ThreadID>) throws(StorageError) -> [ThreadID: SupportThread] {
        threads.filter { ids.contains($0.key) }
    }

    public func storedThreads(ofMessages ids: [MessageID]) throws(StorageError) -> [MessageID: ThreadID] {
        var found: [MessageID: ThreadID] = [:]
        for id in ids { if let row = messageRows[id] { found[id] = row.thread } }
        return found
    }

    public func threads(ownedBy owner: PartyID) throws(StorageError) -> [SupportThread] {
        threads.values.filter { $0.owner == owner }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func updateThread(_ thread: SupportThread, events: [NewSupportEvent]) throws(StorageError) -> [Int64] {
        guard threads[thread.id] != nil else { throw .notFound("thread \(thread.id)") }
        threads[thread.id] = thread
        search.messages.setStatus(thread.status, of: thread.id)
        return appendEvents(events)
    }

    public func append(_ events: [NewSupportEvent]) throws(StorageError) -> [Int64] { appendEvents(events) }

    public func events(after sequence: Int64, limit: Int) throws(StorageError) -> [SupportEvent] {
        Array(eventRows.lazy.filter { $0.sequence > sequence }.prefix(max(0, limit)))
    }

    public func search(_ query: SearchQuery) throws(StorageError) -> [SearchHit] {
        try search.searchMessages(query) { key in
            messageRows[MessageID(key)].map { row in
                (SearchDocument(message: row.message, thread: row.thread, account: row.account), row.thread)
            }
        }
    }

    public func upsertArticle(_ article: KnowledgeArticle) throws(StorageError) {
        let key = article.storageKey
        if articleRows[key] != nil { search.articles.remove(keys: [key]) }
        articleRows[key] = article
        search.articles.add(SearchDocument(article: article), number: nextArticle)
        nextArticle += 1
    }

    public func searchArticles(_ query: SearchQuery) throws(StorageError) -> [ArticleHit] {
        try search.searchArticles(query) { articleRows[$0] }
    }

    public func suggestArticles(for message: SupportMessage, limit: Int) throws(StorageError) -> [ArticleHit] {
        search.suggestArticles(for: message, limit: limit) { articleRows[$0] }
    }

    private func appendEvents(_ events: [NewSupportEvent]) -> [Int64] {
        events.map { event in
            let sequence = nextEvent
            nextEvent += 1
            eventRows.append(SupportEvent(sequence: sequence, at: event.at, thread: event.thread, party: event.party, kind: event.kind))
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
            case "party": known = parties[PartyID(key)] != nil
            case "message": known = messageRows[MessageID(key)] != nil
            case "thread": known = UInt64(key).map { threads[ThreadID($0)] != nil } ?? false
            default: known = Int64(key).map { sequence in eventRows.contains { $0.sequence == sequence } } ?? false
            }
            guard known else { throw .notFound(change.recordID) }
        }
        var unindexed: [String] = []
        for change in changes {
            guard let (kind, key) = PersonalRecordID.parse(change.recordID) else { continue }
            let delete = change.action == .delete
            switch kind {
            case "party":
                let removed = parties.removeValue(forKey: PartyID(key))
                if !delete, let removed {
                    let kept = StoredParty.anonymised(removed)
                    parties[kept.id] = kept
                }
            case "message":
                let id = MessageID(key)
                unindexed.append(key)
                if delete {
                    messageRows[id] = nil
                    order.removeAll { $0 == id }
                } else if var row = messageRows[id] {
                    row.message = row.message.anonymised
                    messageRows[id] = row
                }
            case "thread":
                guard let number = UInt64(key) else { continue }
                threads[ThreadID(number)] = delete ? nil : threads[ThreadID(number)]?.anonymised
            default:
                guard let sequence = Int64(key), let position = eventRows.firstIndex(where: { $0.sequence == sequence }) else { continue }
                if delete { eventRows.remove(at: position) } else { eventRows[position].party = PersonalDataChange.anonymousParty }
            }
        }
        search.messages.remove(keys: unindexed)
        search.messages.markPersisted()  // nothing to persist here: drops the removed terms' names
    }

    private func allPersonalRecords() -> [PersonalRecord] {
        var collector = PersonalRecordCollector()
        for id in order { if let row = messageRows[id] { collector.add(row.message) } }
        for party in parties.values { collector.add(party) }
        for thread in threads.values { collector.add(thread) }
        for event in eventRows { collector.add(event) }
        return collector.collected()
    }
}
