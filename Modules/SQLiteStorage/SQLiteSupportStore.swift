import Conversation
import CustomerModel
import Foundation
import GRDB
import Localization
import Logging
import Storage
import Synchronization

/// SupportKit's embedded default store: one SQLite file in WAL mode (GRDB's `DatabasePool`:
/// one writer, concurrent readers), versioned migrations, and SupportKit's own search engine,
/// whose message index lives in the file as immutable segments read on demand
/// (``SegmentedIndexReader``; the tables are described in docs/Storage.md, "Search on disk").
///
/// The store is the system of record (docs/SupportDesk.md): ticket numbers, the threading
/// index, parties and the identity graph are rows, changed by ``deskTransaction(firstTicketNumber:_:)``
/// in one `BEGIN IMMEDIATE` transaction with the events that record them. Several processes may
/// write one file: each transaction waits for the file's write lock (``Options/busyTimeout``),
/// and reads what the previous one committed, so two desks never hand out one ticket number
/// or split one conversation.
///
/// Opening reads nothing in proportion to history, and neither does a query: a query reads the
/// posting lists of its terms (cached decoded, up to ``Options/searchCacheBytes``) and the rows
/// of its results. Each write transaction that stores messages indexes them into a new segment
/// before it commits, and merges segments by size tier (``SegmentMergePolicy``), so the index
/// always equals the committed messages.
///
/// Durability: an ingest returns after its transaction commits (`synchronous = FULL`), so an
/// acknowledged message — and its search entry — survives a crash or power loss.
///
/// Erased and deleted rows are overwritten (`secure_delete`), so removed text does not
/// linger in free pages.
public final class SQLiteSupportStore: SupportStore {
    /// Tuning.
    public struct Options: Sendable {
        /// The analyzers for indexing and queries.
        public var analyzers: AnalyzerRegistry
        /// How long a write waits for another process's write to finish before failing.
        public var busyTimeout: TimeInterval
        /// The most bytes of decoded posting lists a store keeps between queries.
        public var searchCacheBytes: Int
        /// Where the store reports: a failed write at `error` (the operation and SQLite's
        /// reason, never a message's text), checkpoint retries and opening at `debug`. Silent by
        /// default; a host passes its own logger (the library never bootstraps `LoggingSystem`).
        public var logger: Logger

        /// Defaults: writers wait up to 60 s; 64 MB of decoded posting lists; no logging.
        public init(
            analyzers: AnalyzerRegistry = .standard, busyTimeout: TimeInterval = 60, searchCacheBytes: Int = 64 << 20,
            logger: Logger = Logger(label: "supportkit.sqlite", factory: { _ in SwiftLogNoOpLogHandler() })
        ) {
            self.analyzers = analyzers
            self.busyTimeout = busyTimeout
            self.searchCacheBytes = searchCacheBytes
            self.logger = logger
        }
    }

    let pool: DatabasePool
    let options: Options
    let state: Mutex<SearchState>
    /// Decoded message posting lists, shared by this process's queries (``Options/searchCacheBytes``).
    public let postingCache: DecodedPostingsCache
    /// The message index's statistics and segment ids at the generation last read.
    private let segmentView = Mutex<(statistics: SegmentedIndexStatistics, segments: [Int64])?>(nil)
    /// The rows the last desk transaction decoded, and the file's data_version they were read at
    /// (nil: none valid; a failed write or a write outside desk transactions clears it).
    let rowCache = Mutex<(version: Int64?, cache: DeskRowCache)>((nil, DeskRowCache()))

    /// The knowledge-base index of this process (small: loaded whole on first use), and the
    /// generation it was loaded at or last wrote (another process's write makes it stale).
    struct SearchState: Sendable {
        var search: SupportSearch?
        var generations: [String: Int64] = [:]
    }

    /// The file the store lives in.
    public let path: String

    /// Opens (creating if needed) the store at `path` and migrates it. Reads no message.
    ///
    /// - Throws: ``StorageError/backend(_:)`` when the file cannot be opened or is not a
    ///   SupportKit store; ``StorageError/corrupt(_:)`` when stored records cannot be decoded.
    public init(path: String, options: Options = Options()) throws(StorageError) {
        self.path = path
        self.options = options
        var configuration = Configuration()
        configuration.busyMode = .timeout(options.busyTimeout)
        configuration.prepareDatabase { db in
            // The writer keeps 64 MB of pages (the threading index and the rows an ingest reads);
            // a reader 8 MB: search keeps what it reads in the decoded-postings cache instead.
            let pages = db.configuration.readonly ? -8_192 : -65_536
            try db.execute(sql: "PRAGMA secure_delete = ON; PRAGMA synchronous = FULL; PRAGMA cache_size = \(pages)")
        }
        state = Mutex(SearchState())
        postingCache = DecodedPostingsCache(capacityBytes: options.searchCacheBytes)
        do {
            pool = try Self.openPool(path: path, configuration: configuration)
            try Self.indexUnindexedRows(pool, analyzers: options.analyzers)
        } catch {
            options.logger.error("store did not open", metadata: ["path": "\(path)", "error": "\(error)"])
            throw error
        }
        options.logger.debug("store opened", metadata: ["path": "\(path)"])
    }

    /// Indexes rows a migration left unindexed (a v2 store's rows above its old watermark).
    /// One read when there are none, which is every open after the first.
    private static func indexUnindexedRows(_ pool: DatabasePool, analyzers: AnalyzerRegistry) throws(StorageError) {
        do {
            let pending = try pool.read { db in try SQLiteSearchSegments.hasPending(db) }
            if pending { _ = try pool.write { db in try SQLiteSearchSegments.indexPending(db, analyzers: analyzers) } }
        } catch let error as StorageError { throw error } catch { throw .backend(String(describing: error)) }
    }

    /// Opens and migrates the file, waiting out another process that is creating it.
    private static func openPool(path: String, configuration: Configuration) throws(StorageError) -> DatabasePool {
        var attempt = 0
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try Schema.migrator.migrate(pool)
                return pool
            } catch let error as StorageError {
                throw error
            } catch let error as DatabaseError where attempt < 50 {
                // Two processes creating or migrating one file at once: switching a new file to
                // WAL takes an exclusive lock the busy handler does not wait for, and GRDB's
                // migrator reads which migrations are applied before its transactions, so the
                // slower process may run a migration the other just committed (its transaction
                // rolls back: "table … already exists"). Retrying sees the finished file.
                attempt += 1
                if attempt == 50 { throw .backend(String(describing: error)) }
                Thread.sleep(forTimeInterval: 0.05 + 0.05 * Double(attempt % 4))
            } catch {
                throw .backend(String(describing: error))
            }
        }
    }

    // MARK: Parties

    public func upsertParty(_ party: StoredParty) async throws(StorageError) {
        try await deskTransaction(firstTicketNumber: 1) { transaction in try transaction.saveParty(party) }
    }

    public func party(_ id: PartyID) async throws(StorageError) -> StoredParty? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT body FROM party WHERE id = ?", arguments: [id.rawValue]).map {
                try Self.decode(StoredParty.self, $0, "body")
            }
        }
    }

    public func allParties() async throws(StorageError) -> [StoredParty] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT body FROM party ORDER BY id").map { try Self.decode(StoredParty.self, $0, "body") }
        }
    }

    // MARK: Desk transactions

    public func deskTransaction<T: Sendable>(
        firstTicketNumber: UInt64, _ body: @escaping @Sendable (DeskTransaction) throws -> T
    ) async throws(StorageError) -> T {
        let result = try await indexWrite { db in
            // The rows the last transaction decoded stay valid while no other connection wrote
            // the file (SQLite's data_version moves only for others' commits).
            let version = try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? -1
            // Taken out (not copied), so the transaction changes it in place.
            let transaction = DeskTransaction(
                records: SQLiteDeskRecords(db: db), firstTicketNumber: firstTicketNumber,
                cache: self.rowCache.withLock { saved in
                    let cache = saved.version == version ? saved.cache : DeskRowCache()
                    saved = (nil, DeskRowCache())
                    return cache
                })
            let result = try body(transaction)
            try transaction.finish()
            try SQLiteSearchSegments.indexPending(db, analyzers: self.options.analyzers)
            let kept = transaction.cache
            self.rowCache.withLock { $0 = (version, kept) }
            return result
        }
        return result
    }

    // MARK: Messages and threads

    public func ingest(_ record: IngestRecord) async throws(StorageError) -> IngestOutcome {
        try await deskTransaction(firstTicketNumber: 1) { transaction in try transaction.store(record) }
    }

    public func ingest(contentsOf records: [IngestRecord]) async throws(StorageError) -> [IngestOutcome] {
        try await deskTransaction(firstTicketNumber: 1) { transaction in try records.map { try transaction.store($0) } }
    }

    /// Loads the knowledge-base index now. Message search needs no loading: it reads its
    /// segments on demand.
    ///
    /// - Throws: ``StorageError``.
    public func loadSearchIndex() async throws(StorageError) {
        try await read { db in try self.withLoadedSearch(db) { _ in } }
    }

    /// Runs `body` on the knowledge-base index, loading it first when this process has not yet.
    func withLoadedSearch<T>(_ db: Database, _ body: (inout SupportSearch) throws -> T) throws -> T {
        try state.withLock { state in
            if state.search == nil { state = try Self.loadArticles(db, analyzers: options.analyzers) }
            guard var search = state.search else { throw StorageError.corrupt("search index") }
            state.search = nil
            defer { state.search = search }
            return try body(&search)
        }
    }

    public func message(_ id: MessageID) async throws(StorageError) -> (message: SupportMessage, thread: ThreadID)? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT thread, subject, text, body FROM message WHERE id = ?", arguments: [id.rawValue])
                .map { row in (try Self.message(row), ThreadID(UInt64(try Self.int64(row, "thread")))) }
        }
    }

    public func messages(after cursor: Int64, limit: Int) async throws(StorageError)
        -> [(cursor: Int64, message: SupportMessage, thread: ThreadID)]
    {
        let rows: [Stored] = try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT doc, thread, subject, text, body FROM message WHERE doc > ? ORDER BY doc LIMIT ?",
                arguments: [cursor, max(0, limit)]
            ).map { row in Stored(cursor: try Self.int64(row, "doc"), message: try Self.message(row), thread: ThreadID(UInt64(try Self.int64(row, "thread")))) }
        }
        return rows.map { ($0.cursor, $0.message, $0.thread) }
    }

    private struct Stored: Sendable {
        var cursor: Int64
        var message: SupportMessage
        var thread: ThreadID
    }

    public func messages(inThread thread: ThreadID) async throws(StorageError) -> [SupportMessage] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT subject, text, body FROM message WHERE thread = ? ORDER BY doc",
                arguments: [Int64(thread.rawValue)]
            ).map(Self.message)
        }
    }

    public func thread(_ id: ThreadID) async throws(StorageError) -> SupportThread? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT body FROM thread WHERE id = ?", arguments: [Int64(id.rawValue)]).map {
                try Self.decode(SupportThread.self, $0, "body")
            }
        }
    }

    public func threads(_ ids: Set<ThreadID>) async throws(StorageError) -> [ThreadID: SupportThread] {
        let numbers = ids.map { Int64($0.rawValue) }
        return try await read { db in
            var found: [ThreadID: SupportThread] = [:]
            for chunk in Self.chunks(numbers) {
                let sql = "SELECT body FROM thread WHERE id IN (\(Self.placeholders(chunk.count)))"
                for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(chunk)) {
                    let thread = try Self.decode(SupportThread.self, row, "body")
                    found[thread.id] = thread
                }
            }
            return found
        }
    }

    public func storedThreads(ofMessages ids: [MessageID]) async throws(StorageError) -> [MessageID: ThreadID] {
        let keys = ids.map(\.rawValue)
        return try await read { db in
            var found: [MessageID: ThreadID] = [:]
            for chunk in Self.chunks(keys) {
                let sql = "SELECT id, thread FROM message WHERE id IN (\(Self.placeholders(chunk.count)))"
                for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(chunk)) {
                    found[MessageID(try Self.string(row, "id"))] = ThreadID(UInt64(try Self.int64(row, "thread")))
                }
            }
            return found
        }
    }

    /// Slices of at most 500 values: one bound parameter each, well under SQLite's limit.
    static func chunks<T>(_ values: [T]) -> [ArraySlice<T>] {
        stride(from: 0, to: values.count, by: 500).map { values[$0..<min($0 + 500, values.count)] }
    }

    static func placeholders(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ", ") }

    public func threads(ownedBy owner: PartyID) async throws(StorageError) -> [SupportThread] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT body FROM thread WHERE owner = ? ORDER BY created_at, id", arguments: [owner.rawValue])
                .map { try Self.decode(SupportThread.self, $0, "body") }
        }
    }

    public func updateThread(_ thread: SupportThread, events: [NewSupportEvent]) async throws(StorageError) -> [Int64] {
        rowCache.withLock { $0 = (nil, DeskRowCache()) }
        return try await indexWrite { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM thread WHERE id = ?", arguments: [Int64(thread.id.rawValue)]) != nil else {
                throw StorageError.notFound("thread \(thread.id)")
            }
            try Self.save(thread, db)
            return try Self.append(events, db)
        }
    }

    // MARK: Events

    public func append(_ events: [NewSupportEvent]) async throws(StorageError) -> [Int64] {
        try await write { db in try Self.append(events, db) }
    }

    public func events(after sequence: Int64, limit: Int) async throws(StorageError) -> [SupportEvent] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT sequence, at, thread, party, body FROM event WHERE sequence > ? ORDER BY sequence LIMIT ?",
                arguments: [sequence, max(0, limit)]
            ).map(Self.event)
        }
    }

    static func event(_ row: Row) throws -> SupportEvent {
        SupportEvent(
            sequence: try int64(row, "sequence"), at: Date(timeIntervalSince1970: Double.fromDatabaseValue(row["at"]) ?? 0),
            thread: Int64.fromDatabaseValue(row["thread"]).map { ThreadID(UInt64($0)) },
            party: String.fromDatabaseValue(row["party"]).map(PartyID.init), kind: try decode(SupportEventKind.self, row, "body"))
    }

    // MARK: Search

    public func search(_ query: SearchQuery) async throws(StorageError) -> [SearchHit] {
        try await searchReport(query).hits
    }

    /// ``search(_:)`` with notes on how the query was read (a prefix past its cap).
    ///
    /// - Throws: as ``search(_:)``.
    public func searchReport(_ query: SearchQuery) async throws(StorageError) -> SearchReport {
        try readInPlace { db in
            let reader = try self.segmentedReader(db)
            return try Self.reportingLookupFailures({ try Self.searchDocument(db, key: $0) }) { lookup in
                try reader.searchReport(query, lookup: lookup)
            }
        }
    }

    /// The ranking of a message query without snippets: message ids and BM25 scores, best
    /// first — what ``search(_:)`` returns minus the rows and snippets of the hits.
    ///
    /// - Throws: ``StorageError/invalidQuery(_:)``; ``StorageError/corrupt(_:)``; ``StorageError/backend(_:)``.
    public func searchRanked(_ query: SearchQuery) async throws(StorageError) -> [(message: MessageID, score: Double)] {
        if let answered = try rankedFromCache(query) { return answered }
        return try readInPlace { db in
            let reader = try self.segmentedReader(db)
            return try Self.reportingLookupFailures({ try Self.searchDocument(db, key: $0) }) { lookup in
                try reader.ranked(query) { lookup($0)?.document.fullText }.map { (MessageID($0.key), $0.score) }
            }
        }
    }

    /// The ranking answered from this process's caches alone, when the store's generation is
    /// the one they hold and they hold everything the query reads; nil otherwise (the caller
    /// then reads in a transaction). One statement, no transaction: the cached lists, keys and
    /// candidates are exactly the committed state at that generation, and one row read is
    /// atomic, so the answer is the one a transaction would give.
    private func rankedFromCache(_ query: SearchQuery) throws(StorageError) -> [(message: MessageID, score: Double)]? {
        guard let view = segmentView.withLock({ $0 }) else { return nil }
        let generation: Int64
        do {
            generation = try pool.unsafeRead { db in try SQLiteSearchSegments.generation(db) }
        } catch { return nil }
        guard generation == view.statistics.generation else { return nil }
        let reader = SegmentedIndexReader(
            storage: CacheOnlySegmentStorage(), statistics: view.statistics, cache: postingCache, analyzers: options.analyzers)
        var neededText = false
        do {
            let hits = try reader.ranked(query) { _ in
                neededText = true
                return nil
            }
            return neededText ? nil : hits.map { (MessageID($0.key), $0.score) }
        } catch let error as StorageError {
            if case .invalidQuery = error { throw error }
            return nil
        } catch {
            return nil
        }
    }

    /// A reader of the message segments as of this read transaction. The statistics and the
    /// segment list are read again only when the generation moved (any process's segment change).
    private func segmentedReader(_ db: Database) throws -> SegmentedIndexReader<SQLiteSegmentStorage> {
        let generation = try SQLiteSearchSegments.generation(db)
        var view = segmentView.withLock { $0 }
        if view?.statistics.generation != generation {
            var statistics = try SQLiteSearchSegments.statistics(db).statistics
            statistics.generation = generation
            view = (statistics, try SQLiteSegmentStorage.segmentIDs(db))
            segmentView.withLock { $0 = view }
        }
        guard let view else { throw StorageError.corrupt("search state") }
        return SegmentedIndexReader(
            storage: SQLiteSegmentStorage(db: db, segments: view.segments), statistics: view.statistics,
            cache: postingCache, analyzers: options.analyzers)
    }

    public func upsertArticle(_ article: KnowledgeArticle) async throws(StorageError) {
        try await indexWrite { db in
            try self.refreshArticles(db)
            let generation = try self.withLoadedSearch(db) { search in
                let key = article.storageKey
                try Self.run(db, sql: "DELETE FROM article WHERE key = ?", arguments: [key])
                // The old version leaves the index before the new one is analyzed: a term only it used
                // leaves the dictionary, so the new version's ids are all live.
                search.articles.remove(keys: [key])
                let analyzed = search.articles.analyze(SearchDocument(article: article))
                try Self.run(db, sql: "INSERT INTO article (key, search_length, body) VALUES (?, ?, ?)",
                    arguments: [key, analyzed.length, try Self.encode(article)])
                let doc = db.lastInsertedRowID
                search.articles.add(analyzed, number: UInt32(truncatingIfNeeded: doc))
                // Knowledge bases are small and change rarely: keep their postings current.
                return try Self.writePostings(&search.articles, collection: "article", watermark: doc, db)
            }
            self.state.withLock { $0.generations["article"] = generation }
        }
    }

    public func searchArticles(_ query: SearchQuery) async throws(StorageError) -> [ArticleHit] {
        try await read { db in
            try self.withLoadedSearch(db) { search in
                try Self.reportingLookupFailures({ try Self.article(db, key: $0) }) { lookup in
                    try search.searchArticles(query, lookup: lookup)
                }
            }
        }
    }

    public func suggestArticles(for message: SupportMessage, limit: Int) async throws(StorageError) -> [ArticleHit] {
        try await read { db in
            try self.withLoadedSearch(db) { search in
                try Self.reportingLookupFailures({ try Self.article(db, key: $0) }) { lookup in
                    search.suggestArticles(for: message, limit: limit, lookup: lookup)
                }
            }
        }
    }

    /// Indexes any message not yet indexed and merges the segments the policy says are due
    /// (every message write does both already: this is for a host's maintenance job).
    ///
    /// - Parameter mergeAll: merge every segment into one, so each query term is one probe.
    public func checkpointSearchIndex(mergeAll: Bool = false) async throws(StorageError) {
        try await indexWrite { db in
            try SQLiteSearchSegments.indexPending(db, analyzers: self.options.analyzers)
            try SQLiteSearchSegments.mergeIfDue(db)
            if mergeAll { try SQLiteSearchSegments.mergeAll(db) }
        }
    }

    /// Indexes every message anew into fresh segments, in one transaction (queries meanwhile
    /// answer from the old segments; a failure leaves them). For an analyzer change: erasure
    /// finds a message's postings by analyzing it the way it was indexed.
    ///
    /// - Parameter mergeAll: leave one segment.
    public func rebuildSearchIndex(mergeAll: Bool = true) async throws(StorageError) {
        try await indexWrite { db in
            try SQLiteSearchSegments.rebuild(db, analyzers: self.options.analyzers)
            if mergeAll { try SQLiteSearchSegments.mergeAll(db) }
        }
    }

    /// Reloads the knowledge-base index when another process wrote articles since this one
    /// loaded it; inside a write transaction, so nobody changes them again before it ends.
    private func refreshArticles(_ db: Database) throws {
        let stored = try Int64.fetchOne(db, sql: "SELECT generation FROM search_state WHERE collection = 'article'") ?? 0
        state.withLock { state in
            if state.search != nil, (state.generations["article"] ?? 0) != stored { state.search = nil }
        }
    }

    /// Checkpoints the WAL into the main file. The store stays usable.
    ///
    /// Best effort when another process is checkpointing at the same moment (SQLite answers a
    /// second checkpointer `SQLITE_BUSY` at once, without its busy handler): it retries for a
    /// second, then leaves the WAL to the next checkpoint — every committed change is in the WAL
    /// already, so nothing is lost. Any other failure is thrown.
    public func close() async throws(StorageError) {
        do { try await checkpointTruncate(waiting: 1) } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            return
        } catch {
            throw .backend(String(describing: error))
        }
    }

    /// A TRUNCATE checkpoint, retried while another connection holds the checkpoint lock (for
    /// up to `seconds`); then the last `SQLITE_BUSY` is thrown.
    func checkpointTruncate(waiting seconds: TimeInterval) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            do {
                _ = try await pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
                return
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                options.logger.debug("checkpoint busy: another connection checkpoints; retrying", metadata: ["path": "\(path)"])
                try await Task.sleep(nanoseconds: 20_000_000)
            }
        }
    }

    /// Bytes the search index takes in the file: terms and encoded posting lists of the
    /// message segments and of the knowledge base, plus 16 bytes of row overhead each.
    public func searchIndexBytes() async throws(StorageError) -> Int {
        try await read { db in
            let segments = try Int.fetchOne(
                db, sql: "SELECT COALESCE(SUM(LENGTH(term) + LENGTH(postings) + 16), 0) FROM search_segment_term") ?? 0
            let articles = try Int.fetchOne(
                db, sql: "SELECT COALESCE(SUM(LENGTH(term) + LENGTH(docs) + LENGTH(impacts) + 16), 0) FROM search_postings") ?? 0
            return segments + articles
        }
    }

    /// The message index's segments, oldest first: how many documents each holds.
    public func searchSegmentSizes() async throws(StorageError) -> [Int] {
        try await read { db in try Int.fetchAll(db, sql: "SELECT documents FROM search_segment ORDER BY first_doc") }
    }

    // MARK: Loading

    /// The knowledge-base index as the file holds it.
    private static func loadArticles(_ db: Database, analyzers: AnalyzerRegistry) throws -> SearchState {
        var search = SupportSearch(analyzers: analyzers)
        let watermark = try Int64.fetchOne(db, sql: "SELECT watermark FROM search_state WHERE collection = 'article'") ?? 0
        let generation = try Int64.fetchOne(db, sql: "SELECT generation FROM search_state WHERE collection = 'article'") ?? 0
        guard watermark > 0 else { return SearchState(search: search, generations: ["article": generation]) }
        let documents = try Row.fetchAll(
            db, sql: "SELECT doc, search_length, body FROM article WHERE doc <= ? ORDER BY doc", arguments: [watermark]
        ).map { row in
            let article = try decode(KnowledgeArticle.self, row, "body")
            var document = SearchDocument(article: article)
            document.title = ""
            document.body = ""
            return (UInt32(truncatingIfNeeded: try int64(row, "doc")), document, Int(try int64(row, "search_length")))
        }
        let terms = try Row.fetchAll(db, sql: "SELECT term, count, docs, impacts FROM search_postings WHERE collection = 'article'").map { row in
            InvertedIndex.PersistedTerm(
                term: try string(row, "term"), count: Int(try int64(row, "count")),
                docs: [UInt8](Data.fromDatabaseValue(row["docs"]) ?? Data()),
                impacts: [UInt8](Data.fromDatabaseValue(row["impacts"]) ?? Data()))
        }
        guard let articles = InvertedIndex.restore(analyzers: analyzers, documents: documents, terms: terms) else {
            throw StorageError.corrupt("search postings of article")
        }
        search.articles = articles
        return SearchState(search: search, generations: ["article": generation])
    }

    /// Writes the changed posting lists of one collection and its watermark; returns the
    /// collection's new generation (every write of posting lists moves it, so other processes
    /// know their loaded index is stale).
    @discardableResult
    static func writePostings(_ index: inout InvertedIndex, collection: String, watermark: Int64, _ db: Database) throws -> Int64 {
        for term in index.persistedDirtyTerms() {
            if term.count == 0 {
                try Self.run(db, sql: "DELETE FROM search_postings WHERE collection = ? AND term = ?", arguments: [collection, term.term])
            } else {
                try Self.run(db, sql: "INSERT OR REPLACE INTO search_postings (collection, term, count, docs, impacts) VALUES (?, ?, ?, ?, ?)",
                    arguments: [collection, term.term, term.count, Data(term.docs), Data(term.impacts)])
            }
        }
        let generation = (try Int64.fetchOne(
            db, sql: "SELECT generation FROM search_state WHERE collection = ?", arguments: [collection]) ?? 0) + 1
        try Self.run(db, sql: "INSERT OR REPLACE INTO search_state (collection, watermark, generation) VALUES (?, ?, ?)",
            arguments: [collection, watermark, generation])
        index.markPersisted()
        return generation
    }

    // MARK: Rows

    /// Runs a search whose row lookups cannot throw (the engine calls them inside its ranking),
    /// then throws the first error a lookup met: a failed read never silently drops a hit.
    static func reportingLookupFailures<Value, Result>(
        _ lookup: @escaping (String) throws -> Value?, _ search: ((String) -> Value?) throws -> Result
    ) throws -> Result {
        var failure: (any Error)?
        let result = try search { key in
            do { return try lookup(key) } catch {
                if failure == nil { failure = error }
                return nil
            }
        }
        if let failure { throw failure }
        return result
    }

    /// The search document of a stored message; nil when no message has that id.
    private static func searchDocument(_ db: Database, key: String) throws -> (document: SearchDocument, thread: ThreadID?)? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(SQLiteSearchSegments.documentColumns) FROM message WHERE id = ?"), arguments: [key])
        else { return nil }
        let document = try SQLiteSearchSegments.document(row)
        return (document, document.thread)
    }

    /// A stored article; nil when none has that key.
    private static func article(_ db: Database, key: String) throws -> KnowledgeArticle? {
        guard let row = try Row.fetchOne(db, sql: "SELECT body FROM article WHERE key = ?", arguments: [key]) else { return nil }
        return try decode(KnowledgeArticle.self, row, "body")
    }

    static func message(_ row: Row) throws -> SupportMessage {
        var message = try decode(SupportMessage.self, row, "body")
        message.subject = try string(row, "subject")
        message.text = try string(row, "text")
        return message
    }

    /// Stores a party and indexes its contact points (a point another party held moves to this one).
    static func save(_ party: StoredParty, _ db: Database) throws {
        try Self.run(db, sql: "INSERT OR REPLACE INTO party (id, account, body) VALUES (?, ?, ?)",
            arguments: [party.id.rawValue, party.accountID?.rawValue, try encode(party)])
        for point in party.profile.contactPoints {
            try Self.run(db, sql: "INSERT OR REPLACE INTO party_contact (point, party) VALUES (?, ?)",
                arguments: [point.description, party.id.rawValue])
        }
    }

    static func save(_ thread: SupportThread, _ db: Database) throws {
        try Self.run(db, sql: "INSERT OR REPLACE INTO thread (id, owner, status, created_at, merged_into, body) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
                Int64(thread.id.rawValue), thread.owner.rawValue, thread.status.rawValue,
                thread.createdAt.timeIntervalSince1970, thread.mergedInto.map { Int64($0.rawValue) }, try encode(thread),
            ])
    }

    static func append(_ events: [NewSupportEvent], _ db: Database) throws -> [Int64] {
        try events.map { event in
            try Self.run(db, sql: "INSERT INTO event (at, thread, party, body) VALUES (?, ?, ?, ?)",
                arguments: [
                    event.at.timeIntervalSince1970, event.thread.map { Int64($0.rawValue) }, event.party?.rawValue,
                    try encode(event.kind),
                ])
            return db.lastInsertedRowID
        }
    }

    /// Runs a statement, compiled once per connection and kept (GRDB's statement cache):
    /// an import runs the same few statements for every message.
    static func run(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// One encoder for every row: writes are serialized, so the lock is never contended, and
    /// an import does not pay for a new encoder per row.
    private static let encoder = Mutex(JSONEncoder())

    static func encode(_ value: some Encodable) throws -> Data {
        try encoder.withLock { try $0.encode(value) }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ row: Row, _ column: String) throws -> T {
        guard let data = Data.fromDatabaseValue(row[column]) else { throw StorageError.corrupt("\(column) is not a blob") }
        do { return try JSONDecoder().decode(type, from: data) } catch {
            throw StorageError.corrupt("\(T.self) in column \(column): \(error)")
        }
    }

    static func string(_ row: Row, _ column: String) throws -> String {
        guard let value = String.fromDatabaseValue(row[column]) else { throw StorageError.corrupt("\(column) is not text") }
        return value
    }

    static func int64(_ row: Row, _ column: String) throws -> Int64 {
        guard let value = Int64.fromDatabaseValue(row[column]) else { throw StorageError.corrupt("\(column) is not an integer") }
        return value
    }

    // MARK: Error mapping

    /// A read on the calling thread. Search queries take well under a millisecond of CPU; GRDB's
    /// async read hands the work to a reader queue and back (two thread wake-ups, ~0.4 ms on
    /// this project's 2-core machine), which would cost more than the query.
    func readInPlace<T>(_ body: (Database) throws -> T) throws(StorageError) -> T {
        do { return try pool.read(body) } catch let error as StorageError { throw error } catch {
            throw .backend(String(describing: error))
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do { return try await pool.read(body) } catch let error as StorageError { throw error } catch {
            throw .backend(String(describing: error))
        }
    }

    /// A write that also changes the search index. The index changes inside the transaction,
    /// so its order is commit order; should the transaction fail (an I/O error, a full disk,
    /// a refused placement), the loaded index is dropped and reloaded from what the file holds
    /// on its next use, so it never keeps entries of rows that do not exist.
    func indexWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do { return try await pool.write(body) } catch {
            // The transaction rolled back, but the loaded index may hold its entries: drop it
            // (the next use reloads what the file holds), and the decoded rows with it.
            state.withLock { $0 = SearchState() }
            rowCache.withLock { $0 = (nil, DeskRowCache()) }
            let failure = error as? StorageError ?? .backend(String(describing: error))
            options.logger.error("write rolled back", metadata: ["path": "\(path)", "error": "\(failure)"])
            throw failure
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do { return try await pool.write(body) } catch {
            let failure = error as? StorageError ?? .backend(String(describing: error))
            options.logger.error("write rolled back", metadata: ["path": "\(path)", "error": "\(failure)"])
            throw failure
        }
    }
}
