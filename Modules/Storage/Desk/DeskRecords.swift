import Conversation
import CustomerModel
import Foundation

/// The rows one desk transaction reads and writes, as a backend keeps them: the primitive
/// look-ups and writes that ``DeskTransaction`` builds the desk's acts from. A backend
/// implements this once, over its own transaction (SQLite: one `BEGIN IMMEDIATE` transaction;
/// the in-memory store: a copy of its state that replaces the original on commit), and every
/// rule of what an act changes lives in ``DeskTransaction``, the same for every backend.
///
/// Every method may throw ``StorageError``; after a throw the backend rolls the whole
/// transaction back.
public protocol DeskRecords: AnyObject {
    // MARK: Threads and messages

    /// A stored thread row.
    func thread(_ id: ThreadID) throws(StorageError) -> SupportThread?
    /// Inserts or replaces a thread row.
    func saveThread(_ thread: SupportThread) throws(StorageError)
    /// The thread a stored message is in.
    func messageThread(_ id: MessageID) throws(StorageError) -> ThreadID?
    /// A stored message (its text as stored) and its thread; nil when none has this id.
    func storedMessage(_ id: MessageID) throws(StorageError) -> (message: SupportMessage, thread: ThreadID)?
    /// Inserts a message row (and its search entry).
    func insertMessage(_ message: SupportMessage, thread: ThreadID, account: PartyID?) throws(StorageError)
    /// Moves stored messages to another thread: their rows, search entries and Message-ID index
    /// entries (so replies to them follow them).
    func moveMessages(_ ids: [MessageID], to thread: ThreadID) throws(StorageError)

    // MARK: The threading index

    /// A Message-ID's entry.
    func messageIDEntry(_ id: String) throws(StorageError) -> IndexedMessageID?
    /// Sets a Message-ID's entry; `party` is whose message wrote it (erasure removes it with them).
    func putMessageIDEntry(_ id: String, _ entry: IndexedMessageID, party: PartyID?) throws(StorageError)
    /// The thread a subject key was last indexed for.
    func subjectThread(_ key: ThreadingIndexKey) throws(StorageError) -> ThreadID?
    /// Indexes a subject key for a thread.
    func putSubject(_ key: ThreadingIndexKey, thread: ThreadID, party: PartyID) throws(StorageError)
    /// A quote key's entry.
    func quote(_ key: ThreadingIndexKey) throws(StorageError) -> IndexedQuote?
    /// Sets a quote key's entry.
    func putQuote(_ key: ThreadingIndexKey, _ quote: IndexedQuote, thread: ThreadID, party: PartyID) throws(StorageError)
    /// A party's latest thread.
    func latestThread(of party: PartyID) throws(StorageError) -> ThreadID?
    /// Sets a party's latest thread.
    func putLatestThread(_ thread: ThreadID, of party: PartyID) throws(StorageError)
    /// The next ticket number to hand out; nil in a store that never handed one out.
    func nextTicketNumber() throws(StorageError) -> UInt64?
    /// Sets the next ticket number (only ever raised).
    func putNextTicketNumber(_ number: UInt64) throws(StorageError)

    // MARK: Parties and identity

    /// A stored party.
    func party(_ id: PartyID) throws(StorageError) -> StoredParty?
    /// Inserts or replaces a party, and indexes its contact points.
    func saveParty(_ party: StoredParty) throws(StorageError)
    /// The party a contact point belongs to.
    func party(holding point: ContactPoint) throws(StorageError) -> PartyID?
    /// The stakeholders of a B2B account, by id.
    func stakeholders(of account: PartyID) throws(StorageError) -> [Stakeholder]
    /// The party a merged party record resolves to (nil: not merged).
    func mergedParty(of party: PartyID) throws(StorageError) -> PartyID?
    /// Records (or, with nil, removes) that `party` resolves to `primary`.
    func putMergedParty(of party: PartyID, into primary: PartyID?) throws(StorageError)

    // MARK: Workflow records

    /// A workflow record by kind and key.
    func workflowRecord(kind: String, key: String) throws(StorageError) -> WorkflowRecord?
    /// Inserts or replaces a workflow record.
    func putWorkflowRecord(_ record: WorkflowRecord) throws(StorageError)
    /// The records of a kind (of one thread when `thread` is given), ordered by key.
    func workflowRecords(kind: String, thread: ThreadID?) throws(StorageError) -> [WorkflowRecord]

    // MARK: The event log

    /// Appends events; returns their sequence numbers.
    func appendEvents(_ events: [NewSupportEvent]) throws(StorageError) -> [Int64]
}

/// A store that runs a desk's acts as transactions: the system-of-record seam. Every backend
/// conforms (it is part of ``SupportStore``).
public protocol DeskTransactionStore: Sendable {
    /// Runs `body` in one write transaction: everything it changes is committed together, or
    /// — when it throws — nothing is. Transactions are serialised, across processes too (the
    /// store is the serialisation point), so what `body` reads is what it writes over.
    ///
    /// `firstTicketNumber` is the ticket number a store that never handed one out starts at.
    /// An error `body` throws that is not a ``StorageError`` comes out as
    /// ``StorageError/backend(_:)`` naming it.
    func deskTransaction<T: Sendable>(
        firstTicketNumber: UInt64, _ body: @escaping @Sendable (DeskTransaction) throws -> T
    ) async throws(StorageError) -> T
}
