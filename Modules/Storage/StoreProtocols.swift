import Conversation
import CustomerModel
import Foundation

/// Why a store operation failed. The store is unchanged after any of them
/// (every write is one transaction).
public enum StorageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The search query could not be understood (see ``SearchQueryError``).
    case invalidQuery(SearchQueryError)
    /// A record refers to something the store does not hold (a thread update for an unknown thread).
    case notFound(String)
    /// Stored data could not be decoded (a newer or damaged file).
    case corrupt(String)
    /// The backend failed (disk full, file locked, I/O error); the description is the backend's.
    case backend(String)
    /// The owner check at the write refused to put a message in a thread its party may not see
    /// (DESIGN.md, "The invariant at the write"); nothing was written.
    case placementRefused(message: MessageID, thread: ThreadID, reason: String)
    /// A desk act that the stored state does not allow (merging a thread into itself, undoing
    /// what was not done); nothing was written.
    case refused(String)

    public var description: String {
        switch self {
        case .invalidQuery(let error): "invalid search query: \(error)"
        case .notFound(let what): "not found: \(what)"
        case .corrupt(let what): "stored data is damaged: \(what)"
        case .backend(let message): "storage backend error: \(message)"
        case .placementRefused(let message, let thread, let reason): "message \(message) may not join \(thread): \(reason)"
        case .refused(let reason): "refused: \(reason)"
        }
    }
}

/// Parties: B2C customers, B2B accounts and their stakeholders.
public protocol PartyStore: Sendable {
    /// Adds or replaces a party.
    func upsertParty(_ party: StoredParty) async throws(StorageError)
    /// The party with this id, if stored.
    func party(_ id: PartyID) async throws(StorageError) -> StoredParty?
    /// Every stored party, ordered by id.
    func allParties() async throws(StorageError) -> [StoredParty]
}

/// Messages and threads.
public protocol ConversationStore: Sendable {
    /// Stores one message with everything it changes, in one transaction, and indexes it
    /// for search. Idempotent on the message id: a second ingest of the same id writes nothing
    /// and returns ``IngestOutcome/duplicate(existingThread:)``.
    func ingest(_ record: IngestRecord) async throws(StorageError) -> IngestOutcome
    /// Stores many messages (an import) in one transaction: all of them or, on an error,
    /// none. Duplicates inside or outside the batch are skipped like ``ingest(_:)`` skips them.
    func ingest(contentsOf records: [IngestRecord]) async throws(StorageError) -> [IngestOutcome]
    /// The message with this id and the thread it is in.
    func message(_ id: MessageID) async throws(StorageError) -> (message: SupportMessage, thread: ThreadID)?
    /// Messages in ingest order, after the cursor (0 for the start), at most `limit`; the cursor
    /// to pass next is the last element's `cursor`. Hosts replay these to rebuild threading state.
    func messages(after cursor: Int64, limit: Int) async throws(StorageError)
        -> [(cursor: Int64, message: SupportMessage, thread: ThreadID)]
    /// A thread's messages in arrival order.
    func messages(inThread thread: ThreadID) async throws(StorageError) -> [SupportMessage]
    /// The thread with this id.
    func thread(_ id: ThreadID) async throws(StorageError) -> SupportThread?
    /// The stored ones of these threads, in one read (an import looks up a batch's threads at once).
    func threads(_ ids: Set<ThreadID>) async throws(StorageError) -> [ThreadID: SupportThread]
    /// Which of these messages are stored, and in which thread, in one read.
    func storedThreads(ofMessages ids: [MessageID]) async throws(StorageError) -> [MessageID: ThreadID]
    /// The threads a party owns, oldest first.
    func threads(ownedBy owner: PartyID) async throws(StorageError) -> [SupportThread]
    /// Replaces a stored thread (status, assignee, tags …) and appends events, in one transaction.
    ///
    /// - Throws: ``StorageError/notFound(_:)`` when the thread is not stored.
    func updateThread(_ thread: SupportThread, events: [NewSupportEvent]) async throws(StorageError) -> [Int64]
}

/// The append-only log of what happened.
public protocol EventLog: Sendable {
    /// Appends events outside an ingest (a survey answer, an escalation); returns their sequence numbers.
    func append(_ events: [NewSupportEvent]) async throws(StorageError) -> [Int64]
    /// Events with a sequence number above `sequence`, in order, at most `limit`.
    func events(after sequence: Int64, limit: Int) async throws(StorageError) -> [SupportEvent]
}

/// Full-text search over messages and the knowledge base.
public protocol SearchIndex: Sendable {
    /// Searches messages. Hostile input never reaches a query language of the backend:
    /// a query either runs or fails with ``StorageError/invalidQuery(_:)``.
    func search(_ query: SearchQuery) async throws(StorageError) -> [SearchHit]
    /// Adds or replaces a knowledge-base article.
    func upsertArticle(_ article: KnowledgeArticle) async throws(StorageError)
    /// Searches the knowledge base.
    func searchArticles(_ query: SearchQuery) async throws(StorageError) -> [ArticleHit]
    /// Articles that may answer an incoming message (self-service and chatbot hand-off),
    /// best first, in the message's language where the knowledge base has it.
    func suggestArticles(for message: SupportMessage, limit: Int) async throws(StorageError) -> [ArticleHit]
}

/// Everything a desk stores. A backend conforms once; hosts hold `any SupportStore`
/// or a concrete store. Run ``StorageConformance`` against every implementation.
public protocol SupportStore: PartyStore, ConversationStore, EventLog, SearchIndex, PersonalDataStore, DeskTransactionStore {}
