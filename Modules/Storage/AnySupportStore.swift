import Conversation
import CustomerModel
import Foundation

/// Any store as one concrete type, for generic code (a `Desk`) over a backend chosen at run
/// time: every call goes to the wrapped store unchanged.
public struct AnySupportStore: SupportStore {
    /// The wrapped store.
    public let base: any SupportStore

    /// Wraps a store.
    public init(_ base: any SupportStore) { self.base = base }

    public func upsertParty(_ party: StoredParty) async throws(StorageError) { try await base.upsertParty(party) }
    public func party(_ id: PartyID) async throws(StorageError) -> StoredParty? { try await base.party(id) }
    public func allParties() async throws(StorageError) -> [StoredParty] { try await base.allParties() }

    public func ingest(_ record: IngestRecord) async throws(StorageError) -> IngestOutcome { try await base.ingest(record) }
    public func ingest(contentsOf records: [IngestRecord]) async throws(StorageError) -> [IngestOutcome] {
        try await base.ingest(contentsOf: records)
    }
    public func message(_ id: MessageID) async throws(StorageError) -> (message: SupportMessage, thread: ThreadID)? {
        try await base.message(id)
    }
    public func messages(after cursor: Int64, limit: Int) async throws(StorageError)
        -> [(cursor: Int64, message: SupportMessage, thread: ThreadID)]
    {
        try await base.messages(after: cursor, limit: limit)
    }
    public func messages(inThread thread: ThreadID) async throws(StorageError) -> [SupportMessage] {
        try await base.messages(inThread: thread)
    }
    public func thread(_ id: ThreadID) async throws(StorageError) -> SupportThread? { try await base.thread(id) }
    public func threads(_ ids: Set<ThreadID>) async throws(StorageError) -> [ThreadID: SupportThread] {
        try await base.threads(ids)
    }
    public func storedThreads(ofMessages ids: [MessageID]) async throws(StorageError) -> [MessageID: ThreadID] {
        try await base.storedThreads(ofMessages: ids)
    }
    public func threads(ownedBy owner: PartyID) async throws(StorageError) -> [SupportThread] {
        try await base.threads(ownedBy: owner)
    }
    public func updateThread(_ thread: SupportThread, events: [NewSupportEvent]) async throws(StorageError) -> [Int64] {
        try await base.updateThread(thread, events: events)
    }

    public func append(_ events: [NewSupportEvent]) async throws(StorageError) -> [Int64] { try await base.append(events) }
    public func events(after sequence: Int64, limit: Int) async throws(StorageError) -> [SupportEvent] {
        try await base.events(after: sequence, limit: limit)
    }

    public func search(_ query: SearchQuery) async throws(StorageError) -> [SearchHit] { try await base.search(query) }
    public func upsertArticle(_ article: KnowledgeArticle) async throws(StorageError) { try await base.upsertArticle(article) }
    public func searchArticles(_ query: SearchQuery) async throws(StorageError) -> [ArticleHit] {
        try await base.searchArticles(query)
    }
    public func suggestArticles(for message: SupportMessage, limit: Int) async throws(StorageError) -> [ArticleHit] {
        try await base.suggestArticles(for: message, limit: limit)
    }

    public func personalRecords(of party: PartyID) async throws(StorageError) -> [PersonalRecord] {
        try await base.personalRecords(of: party)
    }
    public func personalRecords(lastActiveBefore date: Date) async throws(StorageError) -> [PersonalRecord] {
        try await base.personalRecords(lastActiveBefore: date)
    }
    public func apply(_ changes: [PersonalDataChange]) async throws(StorageError) { try await base.apply(changes) }

    public func deskTransaction<T: Sendable>(
        firstTicketNumber: UInt64, _ body: @escaping @Sendable (DeskTransaction) throws -> T
    ) async throws(StorageError) -> T {
        try await base.deskTransaction(firstTicketNumber: firstTicketNumber, body)
    }
}
