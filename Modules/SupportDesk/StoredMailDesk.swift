import Conversation
import CustomerModel
import Foundation
import Localization
import Storage

/// What happened to one mail in a ``StoredMailDesk``.
public enum StoredIntake: Sendable {
    /// Parsed, threaded and stored.
    case stored(DeskIntake)
    /// A message with this Message-ID was already stored; nothing changed.
    case duplicate(MessageID, thread: ThreadID)
    /// Not a mail message; nothing changed.
    case rejected(DeskIntakeError)
}

/// The shop desk over a store: every mail is parsed, its customer resolved, its language
/// detected, threaded, and stored with its thread, new customer, events and search entry
/// in one transaction. Ingest is idempotent on the Message-ID.
///
/// Opening the desk over a store that already holds messages replays them (in ingest order)
/// through threading, so new mail threads onto old conversations. Agents' merges and
/// splits are not replayed yet (they are in the event log; see docs/SupportDesk.md).
public actor StoredMailDesk<Store: SupportStore> {
    /// The store.
    public let store: Store
    /// Parsing, customers and threading.
    public private(set) var desk: ShopMailDesk
    /// Detects the language of mail that does not declare one (for search and routing).
    public let languageIdentifier: LanguageIdentifier
    /// Messages that replay placed in another thread than the stored one (0 unless the
    /// threading configuration changed between runs).
    public private(set) var replayMismatches = 0

    private init(store: Store, desk: ShopMailDesk, languageIdentifier: LanguageIdentifier) {
        self.store = store
        self.desk = desk
        self.languageIdentifier = languageIdentifier
    }

    /// Opens a desk over `store`, restoring its customers and replaying its messages.
    ///
    /// - Throws: ``StorageError`` from the store.
    public static func open(
        store: Store, deskAddresses: Set<ContactPoint> = [], configuration: ThreadingConfiguration = ThreadingConfiguration(),
        languageIdentifier: LanguageIdentifier = .standard
    ) async throws(StorageError) -> StoredMailDesk {
        var desk = ShopMailDesk(deskAddresses: deskAddresses, configuration: configuration)
        for party in try await store.allParties() {
            if case .customer(let customer) = party { desk.restore(customer, at: Date(timeIntervalSince1970: 0)) }
        }
        var cursor: Int64 = 0
        var mismatches = 0
        while true {
            let page = try await store.messages(after: cursor, limit: 10_000)
            guard let last = page.last else { break }
            for row in page where desk.thread(row.message).thread != row.thread { mismatches += 1 }
            cursor = last.cursor
        }
        let opened = StoredMailDesk(store: store, desk: desk, languageIdentifier: languageIdentifier)
        await opened.setMismatches(mismatches)
        return opened
    }

    private func setMismatches(_ count: Int) { replayMismatches = count }

    /// Takes in one mail.
    ///
    /// - Throws: ``StorageError`` when the store fails; the mail is then not stored
    ///   (the in-memory threading may already know it; reopen the desk to resynchronise).
    public func ingest(_ raw: RawMail, receivedAt: Date = Date()) async throws(StorageError) -> StoredIntake {
        try await ingest([raw], receivedAt: receivedAt)[0]
    }

    /// Takes in mails in order, storing them in one transaction (an import). The outcomes
    /// are in input order.
    ///
    /// - Throws: ``StorageError`` when the store fails; then none of the batch is stored.
    public func ingest(_ raws: [RawMail], receivedAt: Date = Date()) async throws(StorageError) -> [StoredIntake] {
        // Read every mail first, so that the store is asked once per batch which are stored.
        var reads: [Result<ShopMailDesk.ReadMail, DeskIntakeError>] = []
        reads.reserveCapacity(raws.count)
        for raw in raws {
            do { reads.append(.success(try desk.read(raw, receivedAt: receivedAt))) } catch { reads.append(.failure(error)) }
        }
        let ids = reads.compactMap { try? $0.get().message.id }
        let stored = try await store.storedThreads(ofMessages: ids)

        // Thread the new ones in order (in memory), then fetch their threads' stored state at once.
        var outcomes: [StoredIntake] = []
        var pending: [(position: Int, read: ShopMailDesk.ReadMail, assignment: ThreadAssignment)] = []
        var batchMessages: [MessageID: ThreadID] = [:]
        outcomes.reserveCapacity(raws.count)
        for result in reads {
            var read: ShopMailDesk.ReadMail
            switch result {
            case .failure(let error):
                outcomes.append(.rejected(error))
                continue
            case .success(let value): read = value
            }
            let id = read.message.id
            if let thread = batchMessages[id] ?? stored[id] {
                outcomes.append(.duplicate(id, thread: thread))
                continue
            }
            if read.message.language == nil {
                let guess = languageIdentifier.identify(read.message.subject + "\n" + read.message.text)
                if guess.language != LanguageIdentifier.unknown { read.message.language = guess.language }
            }
            let assignment = desk.thread(read.message)
            batchMessages[id] = assignment.thread
            pending.append((outcomes.count, read, assignment))
            outcomes.append(.stored(DeskIntake(message: read.message, assignment: assignment, warnings: read.warnings)))
        }
        guard !pending.isEmpty else { return outcomes }
        var threads = try await store.threads(Set(pending.map(\.assignment.thread)))
        var records: [IngestRecord] = []
        records.reserveCapacity(pending.count)
        for entry in pending {
            let (thread, events) = Self.advance(threads[entry.assignment.thread], with: entry.read.message, assignment: entry.assignment)
            threads[thread.id] = thread
            records.append(IngestRecord(
                message: entry.read.message, thread: thread, parties: entry.read.newCustomer.map { [.customer($0)] } ?? [],
                events: events))
        }
        let results = try await store.ingest(contentsOf: records)
        for (entry, outcome) in zip(pending, results) {
            if case .duplicate(let thread) = outcome { outcomes[entry.position] = .duplicate(entry.read.message.id, thread: thread) }
        }
        return outcomes
    }

    /// A thread after one more message, and the events that records: a new thread opens;
    /// a customer's message reopens a solved or pending ticket; the desk's reply sets it
    /// pending the customer.
    static func advance(_ previous: SupportThread?, with message: SupportMessage, assignment: ThreadAssignment)
        -> (SupportThread, [NewSupportEvent])
    {
        let owner = message.party ?? PartyID("unknown")
        var events: [NewSupportEvent] = []
        var thread = previous ?? SupportThread(
            id: assignment.thread, owner: owner, participants: [], subject: SubjectNormalizer.normalize(message.subject),
            createdAt: message.receivedAt)
        if previous == nil {
            events.append(NewSupportEvent(at: message.receivedAt, thread: thread.id, party: owner, kind: .threadOpened(thread.id)))
        }
        thread.messageIDs.append(message.id)
        thread.updatedAt = max(thread.updatedAt, message.receivedAt)
        if let person = message.person, message.direction == .inbound { thread.participants.insert(person) }
        let next: ThreadStatus
        switch message.direction {
        case .inbound:
            events.append(NewSupportEvent(at: message.receivedAt, thread: thread.id, party: owner, kind: .received(message.id)))
            next = [.pendingCustomer, .solved].contains(thread.status) ? .open : thread.status
        case .outbound:
            events.append(NewSupportEvent(at: message.receivedAt, thread: thread.id, party: owner, kind: .replied(message.id, agent: message.agent)))
            next = thread.status == .closed ? .closed : .pendingCustomer
        case .internalNote:
            events.append(NewSupportEvent(at: message.receivedAt, thread: thread.id, party: owner, kind: .noted(message.id, agent: message.agent)))
            next = thread.status
        }
        if next != thread.status, thread.status.canMove(to: next) {
            events.append(NewSupportEvent(at: message.receivedAt, thread: thread.id, party: owner, kind: .statusChanged(from: thread.status, to: next)))
            thread.status = next
        }
        return (thread, events)
    }
}
