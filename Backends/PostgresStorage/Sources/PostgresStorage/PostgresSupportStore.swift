import Conversation
import CustomerModel
import Dispatch
import Foundation
import Localization
import Logging
import PostgresNIO
import Storage
import Synchronization

/// SupportKit's server store: one PostgreSQL database that several desk processes, on one
/// machine or many, share (docs/scaling.md).
///
/// The store is the system of record exactly as ``SQLiteStorage``'s is, with the same tables:
/// ticket numbers, the threading index, parties, the identity graph, workflow records and the
/// event log are rows, changed by ``deskTransaction(firstTicketNumber:_:)`` in one
/// transaction with the events that record them, and the message search index is immutable
/// segments in the database read on demand, analyzed by SupportKit's own analyzers (so results
/// equal SQLite's).
///
/// Concurrency across nodes: every write transaction first takes one transaction-scoped
/// advisory lock (``writeLockKey``), so writers from every process run one after the other and
/// each reads what the last one committed — a second copy of a mail finds the first, a reply
/// finds its ticket, and the ticket counter only rises. Unique keys (message id, Message-ID
/// entry, ticket number) are the second line: a write that would duplicate one fails and rolls
/// back whole. Readers never wait (MVCC); a read of several statements (a search) runs in one
/// `REPEATABLE READ` snapshot.
///
/// Durability: an ingest returns after `COMMIT` returns, i.e. after the server flushed its WAL
/// (and, with `synchronous_standby_names`, after a synchronous standby has it), so an
/// acknowledged message survives a crash of the primary.
///
/// Connections come from postgres-nio's pool (`PostgresClient`). The desk's rules and the
/// search engine are synchronous code; their statements run on the store's own dispatch
/// threads, each blocking there until the server answers, never on an event loop or on
/// Swift's cooperative threads.
public final class PostgresSupportStore: SupportStore {
    /// How erasure cleans the tables it touched once it has committed.
    public enum ErasureVacuum: Sendable, Hashable {
        /// `VACUUM FULL`: the tables and their indexes are rewritten into new files and the old
        /// files removed, so no byte of a removed row stays in the relation files. Takes each
        /// table's exclusive lock for the rewrite (the default: erasure is rare, and a plain
        /// vacuum leaves dead rows' bytes in the pages' free space).
        case full
        /// `VACUUM`: dead rows are pruned and their space reused; their bytes may stay in free
        /// space until overwritten. For hosts whose tables are too large to rewrite per request.
        case plain
    }

    /// Tuning.
    public struct Options: Sendable {
        /// The analyzers for indexing and queries.
        public var analyzers: AnalyzerRegistry
        /// The most bytes of decoded posting lists the store keeps between queries.
        public var searchCacheBytes: Int
        /// The most connections the pool opens.
        public var maximumConnections: Int
        /// How long an operation waits for a connection (the server down or every connection busy)
        /// before it fails with ``StorageError/backend(_:)``.
        public var connectionTimeout: TimeInterval
        /// How long one statement waits for the server's answer before it fails with
        /// ``StorageError/backend(_:)`` (a statement sent as the server dies may never be answered).
        public var statementTimeout: TimeInterval
        /// What erasure runs after it commits.
        public var erasureVacuum: ErasureVacuum
        /// Where the store reports: a failed write at `error` (the operation and the server's
        /// reason, never a message's text). Silent by default; the library never bootstraps
        /// `LoggingSystem`.
        public var logger: Logger

        /// Defaults: 64 MB of decoded posting lists, up to 8 connections waited for 30 s, `VACUUM FULL` after erasure, no logging.
        public init(
            analyzers: AnalyzerRegistry = .standard, searchCacheBytes: Int = 64 << 20, maximumConnections: Int = 8,
            erasureVacuum: ErasureVacuum = .full, connectionTimeout: TimeInterval = 30, statementTimeout: TimeInterval = 600,
            logger: Logger = Logger(label: "supportkit.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        ) {
            self.analyzers = analyzers
            self.searchCacheBytes = searchCacheBytes
            self.maximumConnections = maximumConnections
            self.erasureVacuum = erasureVacuum
            self.connectionTimeout = connectionTimeout
            self.statementTimeout = statementTimeout
            self.logger = logger
        }
    }

    /// The advisory-lock key every write transaction holds ("SupK" in ASCII): the store's
    /// single serialisation point (docs/scaling.md).
    public static let writeLockKey: Int64 = 0x5375_704B

    /// Where the store connects (the password is not kept here).
    public let location: PostgresLocation
    let options: Options
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    /// A queue for one session's synchronous statements (see the type's documentation). A serial
    /// queue of its own per session: those run on dispatch's overcommitting threads, so sessions
    /// blocked on the server never hold up another session (a concurrent queue would run at most
    /// one body per core at a time on Linux).
    private static func sessionQueue() -> DispatchQueue { DispatchQueue(label: "supportkit.postgres.session") }
    /// Decoded message posting lists, shared by this process's queries (``Options/searchCacheBytes``).
    public let postingCache: DecodedPostingsCache
    /// The message index's statistics and segment ids at the generation last read.
    private let segmentView = Mutex<(statistics: SegmentedIndexStatistics, segments: [Int64])?>(nil)
    /// The knowledge-base index of this process (small: loaded whole on first use) and the
    /// generation it was loaded at.
    private let articles = Mutex<(search: SupportSearch?, generation: Int64)>((nil, 0))

    /// Connects to the database `url` names (a libpq-style URL, ``PostgresLocation``) and applies
    /// the migrations it lacks. Reads no message.
    ///
    /// - Throws: ``StorageError/backend(_:)`` naming what failed (an unreadable URL, a server
    ///   that does not answer, a refused login, a failed migration).
    public init(url: String, options: Options = Options()) async throws(StorageError) {
        let location = try PostgresLocation(url: url)
        self.location = location
        self.options = options
        postingCache = DecodedPostingsCache(capacityBytes: options.searchCacheBytes)
        var configuration = location.clientConfiguration
        configuration.options.maximumConnections = max(1, options.maximumConnections)
        configuration.options.connectTimeout = .seconds(10)
        let client = PostgresClient(configuration: configuration, backgroundLogger: options.logger)
        self.client = client
        runner = Task { await client.run() }
        do {
            let pending = try await withSession(write: false, operation: "read migrations") { session throws(StorageError) in
                try PostgresSchema.pending(session)
            }
            if !pending.isEmpty {
                try await withSession(write: true, operation: "migrate") { session throws(StorageError) in try PostgresSchema.migrate(session) }
            }
        } catch {
            runner.cancel()
            options.logger.error("store did not open", metadata: ["location": "\(location)", "error": "\(error)"])
            throw error
        }
        options.logger.debug("store opened", metadata: ["location": "\(location)"])
    }

    deinit { runner.cancel() }

    /// Closes the pool's connections. The store is unusable afterwards.
    public func close() async {
        runner.cancel()
        _ = await runner.value
    }

    // MARK: Sessions

    /// Runs `body` on a leased connection in one transaction, on the store's statement threads.
    /// A write first takes the write lock; a read runs in one snapshot.
    func withSession<T: Sendable>(
        write: Bool, operation: String, _ body: @escaping @Sendable (PostgresSession) throws(StorageError) -> T
    ) async throws(StorageError) -> T {
        let logger = options.logger
        let statementTimeout = options.statementTimeout
        do {
            return try await leasing(operation: operation) { connection throws(StorageError) in
                let session = PostgresSession(connection: connection, logger: logger, statementTimeout: statementTimeout)
                return try session.transaction(write: write) { () throws(StorageError) -> T in try body(session) }
            }
        } catch {
            let failure = Self.storageError(error, operation: operation)
            if write { logger.error("write rolled back", metadata: ["operation": "\(operation)", "error": "\(failure)"]) }
            throw failure
        }
    }

    /// Leases a connection from the pool — failing with ``StorageError/backend(_:)`` when none
    /// comes within ``Options/connectionTimeout`` (a server that is down: the pool would retry for
    /// ever) — and runs `body` with it on a session queue. Once leased, `body` runs to its end,
    /// however long it takes; a lease that comes after the timeout is handed back unused.
    private func leasing<T: Sendable>(
        operation: String, _ body: @escaping @Sendable (PostgresConnection) throws(StorageError) -> T
    ) async throws -> T {
        let client = self.client
        let timeout = options.connectionTimeout
        let location = self.location
        let lease = Lease<T>()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            lease.start(continuation)
            let leasing = Task {
                do {
                    let value = try await client.withConnection { connection in
                        guard lease.claim() else { throw StorageError.backend("\(operation): the lease came after the timeout") }
                        return try await withCheckedThrowingContinuation { (inner: CheckedContinuation<T, any Error>) in
                            Self.sessionQueue().async { inner.resume(with: Result { () throws(StorageError) -> T in try body(connection) }) }
                        }
                    }
                    lease.finish(.success(value))
                } catch {
                    lease.finish(.failure(error))
                }
            }
            lease.watch(Task {
                try? await Task.sleep(nanoseconds: UInt64(max(0.1, timeout) * 1e9))
                if lease.abandon(StorageError.backend("\(operation): no connection to \(location) within \(Int(timeout)) s")) {
                    leasing.cancel()
                }
            })
        }
    }

    /// One operation's lease: whichever comes first — the connection or the timeout — decides,
    /// and the caller is resumed exactly once.
    private final class Lease<T: Sendable>: Sendable {
        enum State {
            case waiting, leased, abandoned, done
        }

        private let state = Mutex<(state: State, continuation: CheckedContinuation<T, any Error>?)>((.waiting, nil))
        /// The timeout's task, cancelled when the operation ends first (so no sleeper outlives it).
        private let timer = Mutex<Task<Void, Never>?>(nil)

        func start(_ continuation: CheckedContinuation<T, any Error>) { state.withLock { $0.continuation = continuation } }

        func watch(_ task: Task<Void, Never>) {
            let ended = state.withLock { $0.state == .done }
            if ended { task.cancel() } else { timer.withLock { $0 = task } }
        }

        /// The connection came: true when the operation may run (the timeout has not fired).
        func claim() -> Bool {
            state.withLock { held in
                guard held.state == .waiting else { return false }
                held.state = .leased
                return true
            }
        }

        /// The timeout fired: resumes the caller with `error` unless the connection came first.
        func abandon(_ error: StorageError) -> Bool {
            let continuation: CheckedContinuation<T, any Error>? = state.withLock { held in
                guard held.state == .waiting else { return nil }
                held.state = .abandoned
                defer { held.continuation = nil }
                return held.continuation
            }
            continuation?.resume(throwing: error)
            return continuation != nil
        }

        /// The operation ended (or the lease failed before the timeout): resumes the caller once.
        func finish(_ result: Result<T, any Error>) {
            let continuation: CheckedContinuation<T, any Error>? = state.withLock { held in
                guard held.state == .waiting || held.state == .leased else { return nil }
                held.state = .done
                defer { held.continuation = nil }
                return held.continuation
            }
            timer.withLock { $0?.cancel() }
            continuation?.resume(with: result)
        }
    }

    /// Runs `body` on a leased connection outside a transaction (VACUUM cannot run inside one).
    private func withConnection(operation: String, _ body: @escaping @Sendable (PostgresSession) throws(StorageError) -> Void) async throws(StorageError) {
        let logger = options.logger
        let statementTimeout = options.statementTimeout
        do {
            try await leasing(operation: operation) { connection throws(StorageError) in
                let session = PostgresSession(connection: connection, logger: logger, statementTimeout: statementTimeout)
                try body(session)
                try session.confirmEffects()
            }
        } catch {
            throw Self.storageError(error, operation: operation)
        }
    }

    /// The typed error for a failure of `operation`: a ``StorageError`` passes through; a server
    /// error names its SQLSTATE and message; anything else (a lost connection) its description.
    static func storageError(_ error: any Error, operation: String) -> StorageError {
        if let error = error as? StorageError { return error }
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                return .backend("\(operation): \(info[.sqlState] ?? "?") \(info[.message] ?? "server error")")
            }
            return .backend("\(operation): \(error.code)")
        }
        return .backend("\(operation): \(error)")
    }

    // MARK: Parties

    public func upsertParty(_ party: StoredParty) async throws(StorageError) {
        try await deskTransaction(firstTicketNumber: 1) { transaction in try transaction.saveParty(party) }
    }

    public func party(_ id: PartyID) async throws(StorageError) -> StoredParty? {
        try await withSession(write: false, operation: "read a party") { session throws(StorageError) in
            try session.row("SELECT body FROM party WHERE id = $1", [.text(id.rawValue)], operation: "read a party").map {
                row throws(StorageError) in try Self.decode(StoredParty.self, row, "body")
            }
        }
    }

    public func allParties() async throws(StorageError) -> [StoredParty] {
        try await withSession(write: false, operation: "read parties") { session throws(StorageError) in
            try session.rows("SELECT body FROM party ORDER BY id COLLATE \"C\"", operation: "read parties").map { row throws(StorageError) in
                try Self.decode(StoredParty.self, row, "body")
            }
        }
    }

    // MARK: Desk transactions

    public func deskTransaction<T: Sendable>(
        firstTicketNumber: UInt64, _ body: @escaping @Sendable (DeskTransaction) throws -> T
    ) async throws(StorageError) -> T {
        let analyzers = options.analyzers
        return try await withSession(write: true, operation: "desk transaction") { session throws(StorageError) in
            let transaction = DeskTransaction(records: PostgresDeskRecords(session: session), firstTicketNumber: firstTicketNumber)
            let result: T
            do { result = try body(transaction) } catch let error as StorageError { throw error } catch {
                throw .backend(String(describing: error))
            }
            try transaction.finish()
            try PostgresSearchSegments.indexPending(session, analyzers: analyzers)
            return result
        }
    }

    // MARK: Messages and threads

    public func ingest(_ record: IngestRecord) async throws(StorageError) -> IngestOutcome {
        try await deskTransaction(firstTicketNumber: 1) { transaction in try transaction.store(record) }
    }

    public func ingest(contentsOf records: [IngestRecord]) async throws(StorageError) -> [IngestOutcome] {
        try await deskTransaction(firstTicketNumber: 1) { transaction in try records.map { try transaction.store($0) } }
    }

    public func message(_ id: MessageID) async throws(StorageError) -> (message: SupportMessage, thread: ThreadID)? {
        let found: Stored? = try await withSession(write: false, operation: "read a message") { session throws(StorageError) in
            try session.row("SELECT doc, thread, subject, text, body FROM message WHERE id = $1", [.text(id.rawValue)], operation: "read a message")
                .map(Self.stored)
        }
        return found.map { ($0.message, $0.thread) }
    }

    public func messages(after cursor: Int64, limit: Int) async throws(StorageError)
        -> [(cursor: Int64, message: SupportMessage, thread: ThreadID)]
    {
        let rows: [Stored] = try await withSession(write: false, operation: "read messages") { session throws(StorageError) in
            try session.rows(
                "SELECT doc, thread, subject, text, body FROM message WHERE doc > $1 ORDER BY doc LIMIT $2",
                [.integer(cursor), .integer(Int64(max(0, limit)))], operation: "read messages"
            ).map(Self.stored)
        }
        return rows.map { ($0.cursor, $0.message, $0.thread) }
    }

    private struct Stored: Sendable {
        var cursor: Int64
        var message: SupportMessage
        var thread: ThreadID
    }

    private static func stored(_ row: SQLRow) throws(StorageError) -> Stored {
        Stored(cursor: try row.int64("doc"), message: try message(row), thread: ThreadID(UInt64(max(0, try row.int64("thread")))))
    }

    public func messages(inThread thread: ThreadID) async throws(StorageError) -> [SupportMessage] {
        try await withSession(write: false, operation: "read a thread's messages") { session throws(StorageError) in
            try session.rows(
                "SELECT subject, text, body FROM message WHERE thread = $1 ORDER BY doc", [.integer(Int64(thread.rawValue))],
                operation: "read a thread's messages"
            ).map(Self.message)
        }
    }

    public func thread(_ id: ThreadID) async throws(StorageError) -> SupportThread? {
        try await withSession(write: false, operation: "read a thread") { session throws(StorageError) in
            try PostgresDeskRecords(session: session).thread(id)
        }
    }

    public func threads(_ ids: Set<ThreadID>) async throws(StorageError) -> [ThreadID: SupportThread] {
        let numbers = "{" + ids.map { String($0.rawValue) }.joined(separator: ",") + "}"
        return try await withSession(write: false, operation: "read threads") { session throws(StorageError) in
            var found: [ThreadID: SupportThread] = [:]
            for row in try session.rows("SELECT body FROM thread WHERE id = ANY($1::bigint[])", [.text(numbers)], operation: "read threads") {
                let thread = try Self.decode(SupportThread.self, row, "body")
                found[thread.id] = thread
            }
            return found
        }
    }

    public func storedThreads(ofMessages ids: [MessageID]) async throws(StorageError) -> [MessageID: ThreadID] {
        let keys = ids.map(\.rawValue)
        return try await withSession(write: false, operation: "read messages' threads") { session throws(StorageError) in
            var found: [MessageID: ThreadID] = [:]
            for start in stride(from: 0, to: keys.count, by: 1_000) {
                let chunk = Array(keys[start..<min(start + 1_000, keys.count)])
                let placeholders = (1...chunk.count).map { "$\($0)" }.joined(separator: ", ")
                for row in try session.rows(
                    "SELECT id, thread FROM message WHERE id IN (\(placeholders))", chunk.map { .text($0) }, operation: "read messages' threads")
                {
                    found[MessageID(try row.string("id"))] = ThreadID(UInt64(max(0, try row.int64("thread"))))
                }
            }
            return found
        }
    }

    public func threads(ownedBy owner: PartyID) async throws(StorageError) -> [SupportThread] {
        try await withSession(write: false, operation: "read a party's threads") { session throws(StorageError) in
            try session.rows(
                "SELECT body FROM thread WHERE owner = $1 ORDER BY created_at, id", [.text(owner.rawValue)], operation: "read a party's threads"
            ).map { row throws(StorageError) in try Self.decode(SupportThread.self, row, "body") }
        }
    }

    public func updateThread(_ thread: SupportThread, events: [NewSupportEvent]) async throws(StorageError) -> [Int64] {
        try await withSession(write: true, operation: "update a thread") { session throws(StorageError) in
            guard try session.row("SELECT 1 AS found FROM thread WHERE id = $1", [.integer(Int64(thread.id.rawValue))], operation: "find a thread") != nil
            else { throw .notFound("thread \(thread.id)") }
            try Self.save(thread, session)
            return try Self.append(events, session)
        }
    }

    // MARK: Events

    public func append(_ events: [NewSupportEvent]) async throws(StorageError) -> [Int64] {
        try await withSession(write: true, operation: "append events") { session throws(StorageError) in try Self.append(events, session) }
    }

    public func events(after sequence: Int64, limit: Int) async throws(StorageError) -> [SupportEvent] {
        try await withSession(write: false, operation: "read events") { session throws(StorageError) in
            try session.rows(
                "SELECT sequence, at, thread, party, body FROM event WHERE sequence > $1 ORDER BY sequence LIMIT $2",
                [.integer(sequence), .integer(Int64(max(0, limit)))], operation: "read events"
            ).map(Self.event)
        }
    }

    static func event(_ row: SQLRow) throws(StorageError) -> SupportEvent {
        SupportEvent(
            sequence: try row.int64("sequence"), at: Date(timeIntervalSince1970: try row.double("at")),
            thread: try row.optionalInt64("thread").map { ThreadID(UInt64(max(0, $0))) }, party: try row.optionalString("party").map(PartyID.init),
            kind: try decode(SupportEventKind.self, row, "body"))
    }

    // MARK: Search

    public func search(_ query: SearchQuery) async throws(StorageError) -> [SearchHit] {
        try await searchReport(query).hits
    }

    /// ``search(_:)`` with notes on how the query was read (a prefix past its cap).
    ///
    /// - Throws: as ``search(_:)``.
    public func searchReport(_ query: SearchQuery) async throws(StorageError) -> SearchReport {
        try await withSession(write: false, operation: "search") { session throws(StorageError) in
            let reader = try self.segmentedReader(session)
            return try Self.reportingLookupFailures({ key throws(StorageError) in try Self.searchDocument(session, key: key) }) { lookup in
                try reader.searchReport(query, lookup: lookup)
            }
        }
    }

    /// The ranking of a message query without snippets: message ids and BM25 scores, best first.
    ///
    /// - Throws: ``StorageError/invalidQuery(_:)``; ``StorageError/corrupt(_:)``; ``StorageError/backend(_:)``.
    public func searchRanked(_ query: SearchQuery) async throws(StorageError) -> [(message: MessageID, score: Double)] {
        let ranked: [RankedHit] = try await withSession(write: false, operation: "search") { session throws(StorageError) in
            let reader = try self.segmentedReader(session)
            return try Self.reportingLookupFailures({ key throws(StorageError) in try Self.searchDocument(session, key: key) }) { lookup in
                try reader.ranked(query) { lookup($0)?.document.fullText }.map { RankedHit(message: MessageID($0.key), score: $0.score) }
            }
        }
        return ranked.map { ($0.message, $0.score) }
    }

    private struct RankedHit: Sendable {
        var message: MessageID
        var score: Double
    }

    /// A reader of the message segments as of this snapshot; the statistics and the segment
    /// list are read again only when the generation moved.
    private func segmentedReader(_ session: PostgresSession) throws(StorageError) -> SegmentedIndexReader<PostgresSegmentStorage> {
        let generation = try PostgresSearchSegments.generation(session)
        var view = segmentView.withLock { $0 }
        if view?.statistics.generation != generation {
            var statistics = try PostgresSearchSegments.statistics(session).statistics
            statistics.generation = generation
            view = (statistics, try PostgresSegmentStorage.segmentIDs(session))
            segmentView.withLock { $0 = view }
        }
        guard let view else { throw .corrupt("search state") }
        return SegmentedIndexReader(
            storage: PostgresSegmentStorage(session: session, segments: view.segments), statistics: view.statistics, cache: postingCache,
            analyzers: options.analyzers)
    }

    public func upsertArticle(_ article: KnowledgeArticle) async throws(StorageError) {
        try await withSession(write: true, operation: "write an article") { session throws(StorageError) in
            var search = try self.loadedArticles(session)
            let key = article.storageKey
            try session.run("DELETE FROM article WHERE key = $1", [.text(key)], operation: "replace an article")
            // The old version leaves the index before the new one is analyzed: a term only it used
            // leaves the dictionary, so the new version's ids are all live.
            search.articles.remove(keys: [key])
            let analyzed = search.articles.analyze(SearchDocument(article: article))
            guard
                let doc = try session.row(
                    "INSERT INTO article (key, search_length, body) VALUES ($1, $2, $3) RETURNING doc",
                    [.text(key), .integer(Int64(analyzed.length)), .bytes(try Self.encode(article))], operation: "insert an article")?.int64("doc")
            else { throw .backend("insert an article: no document number returned") }
            search.articles.add(analyzed, number: UInt32(truncatingIfNeeded: doc))
            let generation = try Self.writeArticlePostings(&search.articles, watermark: doc, session)
            self.articles.withLock { $0 = (search, generation) }
        }
    }

    public func searchArticles(_ query: SearchQuery) async throws(StorageError) -> [ArticleHit] {
        try await withSession(write: false, operation: "search articles") { session throws(StorageError) in
            let search = try self.loadedArticles(session)
            return try Self.reportingLookupFailures({ key throws(StorageError) in try Self.article(session, key: key) }) { lookup in
                try search.searchArticles(query, lookup: lookup)
            }
        }
    }

    public func suggestArticles(for message: SupportMessage, limit: Int) async throws(StorageError) -> [ArticleHit] {
        try await withSession(write: false, operation: "suggest articles") { session throws(StorageError) in
            let search = try self.loadedArticles(session)
            return try Self.reportingLookupFailures({ key throws(StorageError) in try Self.article(session, key: key) }) { lookup in
                search.suggestArticles(for: message, limit: limit, lookup: lookup)
            }
        }
    }

    /// The knowledge-base index as of this transaction: the one this process holds when no
    /// process wrote articles since, else loaded again.
    private func loadedArticles(_ session: PostgresSession) throws(StorageError) -> SupportSearch {
        let stored = try session.row("SELECT generation FROM search_state WHERE collection = 'article'", operation: "read the article generation")?
            .int64("generation") ?? 0
        if let (search, generation) = articles.withLock({ held in held.search.map { ($0, held.generation) } }), generation == stored {
            return search
        }
        var search = SupportSearch(analyzers: options.analyzers)
        let watermark = try session.row("SELECT watermark FROM search_state WHERE collection = 'article'", operation: "read the article watermark")?
            .int64("watermark") ?? 0
        if watermark > 0 {
            let documents = try session.rows(
                "SELECT doc, search_length, body FROM article WHERE doc <= $1 ORDER BY doc", [.integer(watermark)], operation: "read articles"
            ).map { row throws(StorageError) in
                var document = SearchDocument(article: try Self.decode(KnowledgeArticle.self, row, "body"))
                document.title = ""
                document.body = ""
                return (UInt32(truncatingIfNeeded: try row.int64("doc")), document, Int(try row.int64("search_length")))
            }
            let terms = try session.rows(
                "SELECT term, count, docs, impacts FROM search_postings WHERE collection = 'article'", operation: "read article postings"
            ).map { row throws(StorageError) in
                InvertedIndex.PersistedTerm(
                    term: try row.string("term"), count: Int(try row.int64("count")), docs: [UInt8](try row.data("docs")),
                    impacts: [UInt8](try row.data("impacts")))
            }
            guard let restored = InvertedIndex.restore(analyzers: options.analyzers, documents: documents, terms: terms) else {
                throw .corrupt("search postings of article")
            }
            search.articles = restored
        }
        articles.withLock { $0 = (search, stored) }
        return search
    }

    /// Writes the knowledge base's changed posting lists and watermark; returns its new generation.
    private static func writeArticlePostings(_ index: inout InvertedIndex, watermark: Int64, _ session: PostgresSession) throws(StorageError) -> Int64 {
        for term in index.persistedDirtyTerms() {
            if term.count == 0 {
                try session.run(
                    "DELETE FROM search_postings WHERE collection = 'article' AND term = $1", [.text(term.term)], operation: "drop an article term")
            } else {
                try session.run(
                    """
                    INSERT INTO search_postings (collection, term, count, docs, impacts) VALUES ('article', $1, $2, $3, $4)
                    ON CONFLICT (collection, term) DO UPDATE SET count = excluded.count, docs = excluded.docs, impacts = excluded.impacts
                    """, [.text(term.term), .integer(Int64(term.count)), .bytes(Data(term.docs)), .bytes(Data(term.impacts))],
                    operation: "write an article term")
            }
        }
        let generation = (try session.row("SELECT generation FROM search_state WHERE collection = 'article'", operation: "read the article generation")?
            .int64("generation") ?? 0) + 1
        try session.run(
            """
            INSERT INTO search_state (collection, watermark, generation) VALUES ('article', $1, $2)
            ON CONFLICT (collection) DO UPDATE SET watermark = excluded.watermark, generation = excluded.generation
            """, [.integer(watermark), .integer(generation)], operation: "write the article state")
        index.markPersisted()
        return generation
    }

    /// Indexes any message not yet indexed and merges the segments the policy says are due
    /// (every message write does both already: this is for a host's maintenance job).
    ///
    /// - Parameter mergeAll: merge every segment into one.
    public func checkpointSearchIndex(mergeAll: Bool = false) async throws(StorageError) {
        let analyzers = options.analyzers
        try await withSession(write: true, operation: "checkpoint the search index") { session throws(StorageError) in
            try PostgresSearchSegments.indexPending(session, analyzers: analyzers)
            try PostgresSearchSegments.mergeIfDue(session)
            if mergeAll { try PostgresSearchSegments.mergeAll(session) }
        }
    }

    /// Indexes every message anew into fresh segments, in one transaction (queries meanwhile
    /// answer from the old segments; a failure leaves them).
    ///
    /// - Parameter mergeAll: leave one segment.
    public func rebuildSearchIndex(mergeAll: Bool = true) async throws(StorageError) {
        let analyzers = options.analyzers
        try await withSession(write: true, operation: "rebuild the search index") { session throws(StorageError) in
            try PostgresSearchSegments.rebuild(session, analyzers: analyzers)
            if mergeAll { try PostgresSearchSegments.mergeAll(session) }
        }
    }

    /// Bytes the search index takes: terms and encoded posting lists of the message segments and
    /// of the knowledge base, plus 16 bytes of row overhead each (as SQLiteStorage counts them).
    public func searchIndexBytes() async throws(StorageError) -> Int {
        try await withSession(write: false, operation: "measure the search index") { session throws(StorageError) in
            let segments = try session.row(
                "SELECT COALESCE(SUM(octet_length(term) + octet_length(postings) + 16), 0)::bigint AS n FROM search_segment_term",
                operation: "measure segments")?.int64("n") ?? 0
            let articles = try session.row(
                """
                SELECT COALESCE(SUM(octet_length(term) + octet_length(docs) + octet_length(impacts) + 16), 0)::bigint AS n FROM search_postings
                """, operation: "measure article postings")?.int64("n") ?? 0
            return Int(segments + articles)
        }
    }

    /// The message index's segments, oldest first: how many documents each holds.
    public func searchSegmentSizes() async throws(StorageError) -> [Int] {
        try await withSession(write: false, operation: "read segment sizes") { session throws(StorageError) in
            try session.rows("SELECT documents FROM search_segment ORDER BY first_doc", operation: "read segment sizes").map {
                row throws(StorageError) in Int(try row.int64("documents"))
            }
        }
    }

    // MARK: Maintenance

    /// Runs `VACUUM` (or `VACUUM FULL`) on tables, outside any transaction.
    func vacuum(_ tables: [String], full: Bool) async throws(StorageError) {
        let statement = full ? "VACUUM FULL" : "VACUUM"
        try await withConnection(operation: "vacuum") { session throws(StorageError) in
            for table in tables { try session.run("\(statement) \(table)", operation: "\(statement) \(table)") }
        }
    }

    // MARK: Rows

    /// Runs a search whose row lookups cannot throw (the engine calls them inside its ranking),
    /// then throws the first error a lookup met: a failed read never silently drops a hit.
    static func reportingLookupFailures<Value, Result>(
        _ lookup: @escaping (String) throws(StorageError) -> Value?, _ search: ((String) -> Value?) throws -> Result
    ) throws(StorageError) -> Result {
        var failure: StorageError?
        let result: Result
        do {
            result = try search { key in
                do { return try lookup(key) } catch {
                    if failure == nil { failure = (error as? StorageError) ?? .backend(String(describing: error)) }
                    return nil
                }
            }
        } catch let error as StorageError {
            throw error
        } catch {
            throw .backend(String(describing: error))
        }
        if let failure { throw failure }
        return result
    }

    private static func searchDocument(_ session: PostgresSession, key: String) throws(StorageError) -> (document: SearchDocument, thread: ThreadID?)? {
        guard
            let row = try session.row(
                "SELECT \(PostgresSearchSegments.documentColumns) FROM message WHERE id = $1", [.text(key)], operation: "read a hit")
        else { return nil }
        let document = try PostgresSearchSegments.document(row)
        return (document, document.thread)
    }

    private static func article(_ session: PostgresSession, key: String) throws(StorageError) -> KnowledgeArticle? {
        try session.row("SELECT body FROM article WHERE key = $1", [.text(key)], operation: "read an article").map { row throws(StorageError) in
            try decode(KnowledgeArticle.self, row, "body")
        }
    }

    static func message(_ row: SQLRow) throws(StorageError) -> SupportMessage {
        var message = try decode(SupportMessage.self, row, "body")
        message.subject = try row.string("subject")
        message.text = try row.string("text")
        return message
    }

    /// Stores a party and indexes its contact points (a point another party held moves to this one).
    static func save(_ party: StoredParty, _ session: PostgresSession) throws(StorageError) {
        try session.run(
            "INSERT INTO party (id, account, body) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET account = excluded.account, body = excluded.body",
            [.text(party.id.rawValue), .text(party.accountID?.rawValue), .bytes(try encode(party))], operation: "write a party")
        for point in party.profile.contactPoints {
            try session.run(
                "INSERT INTO party_contact (point, party) VALUES ($1, $2) ON CONFLICT (point) DO UPDATE SET party = excluded.party",
                [.text(point.description), .text(party.id.rawValue)], operation: "write a contact point")
        }
    }

    static func save(_ thread: SupportThread, _ session: PostgresSession) throws(StorageError) {
        try session.run(
            """
            INSERT INTO thread (id, owner, status, created_at, merged_into, body) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, status = excluded.status, created_at = excluded.created_at,
                merged_into = excluded.merged_into, body = excluded.body
            """,
            [
                .integer(Int64(thread.id.rawValue)), .text(thread.owner.rawValue), .text(thread.status.rawValue),
                .real(thread.createdAt.timeIntervalSince1970), .integer(thread.mergedInto.map { Int64($0.rawValue) }), .bytes(try encode(thread)),
            ], operation: "write a thread")
    }

    static func append(_ events: [NewSupportEvent], _ session: PostgresSession) throws(StorageError) -> [Int64] {
        try events.map { event throws(StorageError) in
            guard
                let sequence = try session.row(
                    "INSERT INTO event (at, thread, party, body) VALUES ($1, $2, $3, $4) RETURNING sequence",
                    [
                        .real(event.at.timeIntervalSince1970), .integer(event.thread.map { Int64($0.rawValue) }), .text(event.party?.rawValue),
                        .bytes(try encode(event.kind)),
                    ], operation: "append an event")?.int64("sequence")
            else { throw .backend("append an event: no sequence returned") }
            return sequence
        }
    }

    /// One encoder for every row (an import does not pay for a new encoder per row).
    private static let encoder = Mutex(JSONEncoder())

    static func encode(_ value: some Encodable) throws(StorageError) -> Data {
        do { return try encoder.withLock { try $0.encode(value) } } catch { throw .backend("encode \(type(of: value)): \(error)") }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ row: SQLRow, _ column: String) throws(StorageError) -> T {
        let data = try row.data(column)
        do { return try JSONDecoder().decode(type, from: data) } catch {
            throw .corrupt("\(T.self) in column \(column): \(error)")
        }
    }
}
