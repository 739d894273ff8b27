import Conversation
import CustomerModel
import Foundation
import GRDB
import Localization
import Storage
import Synchronization

/// SupportKit's embedded default store: one SQLite file in WAL mode (GRDB's `DatabasePool`:
/// one writer, concurrent readers), versioned migrations, one transaction per ingested
/// message, and SupportKit's own search engine (``InvertedIndex``) whose posting lists are
/// kept in the file's `search_postings` table.
///
/// Durability: an ingest returns after its transaction commits (`synchronous = FULL`), so an
/// acknowledged message survives a crash or power loss. The posting lists are written in
/// batches (``checkpointSearchIndex()``, automatically every ``Options/checkpointInterval``
/// messages, and by ``close()``); messages committed after the last batch are re-analyzed from
/// their stored text when the file is opened, so a crash never loses a search entry either.
///
/// Erased and deleted rows are overwritten (`secure_delete`), so removed text does not
/// linger in free pages.
public final class SQLiteSupportStore: SupportStore {
    /// Tuning.
    public struct Options: Sendable {
        /// Messages between automatic writes of the posting lists (0: only on demand).
        public var checkpointInterval: Int
        /// The analyzers for indexing and queries.
        public var analyzers: AnalyzerRegistry

        /// Defaults: posting lists written every 50,000 messages.
        public init(checkpointInterval: Int = 50_000, analyzers: AnalyzerRegistry = .standard) {
            self.checkpointInterval = checkpointInterval
            self.analyzers = analyzers
        }
    }

    let pool: DatabasePool
    private let options: Options
    private let state: Mutex<SearchState>

    private struct SearchState: Sendable {
        var search: SupportSearch
        var sinceCheckpoint = 0
    }

    /// The file the store lives in.
    public let path: String

    /// Opens (creating if needed) the store at `path`, migrates it, and loads the search index.
    ///
    /// - Throws: ``StorageError/backend(_:)`` when the file cannot be opened or is not a
    ///   SupportKit store; ``StorageError/corrupt(_:)`` when stored records cannot be decoded.
    public init(path: String, options: Options = Options()) throws(StorageError) {
        self.path = path
        self.options = options
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA secure_delete = ON; PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Schema.migrator.migrate(pool)
            let search = try pool.read { db in try Self.loadSearch(db, analyzers: options.analyzers) }
            state = Mutex(SearchState(search: search))
        } catch let error as StorageError {
            throw error
        } catch {
            throw .backend(String(describing: error))
        }
    }

    // MARK: Parties

    public func upsertParty(_ party: StoredParty) async throws(StorageError) {
        try await write { db in try Self.save(party, db) }
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

    // MARK: Messages and threads

    public func ingest(_ record: IngestRecord) async throws(StorageError) -> IngestOutcome {
        let outcome = try await indexWrite { db in
            try self.insert(record, db)
        }
        try await checkpointIfDue()
        return outcome
    }

    public func ingest(contentsOf records: [IngestRecord]) async throws(StorageError) -> [IngestOutcome] {
        let outcomes = try await indexWrite { db in
            try records.map { try self.insert($0, db) }
        }
        try await checkpointIfDue()
        return outcomes
    }

    private func checkpointIfDue() async throws(StorageError) {
        if options.checkpointInterval > 0, state.withLock({ $0.sinceCheckpoint >= options.checkpointInterval }) {
            try await checkpointSearchIndex()
        }
    }

    /// Inserts one message's rows and indexes it; runs inside the caller's write transaction.
    private func insert(_ record: IngestRecord, _ db: Database) throws -> IngestOutcome {
        if let existing = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT thread FROM message WHERE id = ?"), arguments: [record.message.id.rawValue])
        {
            return .duplicate(existingThread: ThreadID(UInt64(try Self.int64(existing, "thread"))))
        }
        for party in record.parties { try Self.save(party, db) }
        try Self.save(record.thread, db)
        let document = SearchDocument(message: record.message, thread: record.thread.id, account: record.account)
        let analyzed = state.withLock { $0.search.messages.analyze(document) }
        var stored = record.message
        stored.subject = ""
        stored.text = ""
        try Self.run(db, sql: """
                INSERT INTO message (id, thread, party, person, account, sent_at, language, channel, search_length, subject, text, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.message.id.rawValue, Int64(record.thread.id.rawValue), record.message.party?.rawValue,
                record.message.person?.rawValue,
                record.account?.rawValue, record.message.sentAt.timeIntervalSince1970, record.message.language,
                record.message.channel.searchName, analyzed.length, record.message.subject, record.message.text,
                try Self.encode(stored),
            ])
        let doc = db.lastInsertedRowID
        let sequences = try Self.append(record.events, db)
        // Indexed inside the transaction, so index order is commit order (a rollback reloads).
        state.withLock { state in
            state.search.messages.add(analyzed, number: UInt32(truncatingIfNeeded: doc))
            state.search.messages.setStatus(record.thread.status, of: record.thread.id)
            state.sinceCheckpoint += 1
        }
        return .stored(events: sequences)
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
        try await indexWrite { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM thread WHERE id = ?", arguments: [Int64(thread.id.rawValue)]) != nil else {
                throw StorageError.notFound("thread \(thread.id)")
            }
            try Self.save(thread, db)
            let sequences = try Self.append(events, db)
            self.state.withLock { $0.search.messages.setStatus(thread.status, of: thread.id) }
            return sequences
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

    /// Runs `body` on the search state under its lock (for the erasure extension).
    func withSearch<T>(_ body: (inout SupportSearch) throws -> T) rethrows -> T {
        try state.withLock { try body(&$0.search) }
    }

    // MARK: Search

    public func search(_ query: SearchQuery) async throws(StorageError) -> [SearchHit] {
        try await read { db in
            try Self.reportingLookupFailures({ try Self.searchDocument(db, key: $0) }) { lookup in
                try self.state.withLock { state throws(StorageError) in try state.search.searchMessages(query, lookup: lookup) }
            }
        }
    }

    public func upsertArticle(_ article: KnowledgeArticle) async throws(StorageError) {
        try await indexWrite { db in
            let key = article.storageKey
            try Self.run(db, sql: "DELETE FROM article WHERE key = ?", arguments: [key])
            let document = SearchDocument(article: article)
            // The old version leaves the index before the new one is analyzed: a term only it used
            // leaves the dictionary, so the new version's ids are all live.
            let analyzed = self.state.withLock { state in
                state.search.articles.remove(keys: [key])
                return state.search.articles.analyze(document)
            }
            try Self.run(db, sql: "INSERT INTO article (key, search_length, body) VALUES (?, ?, ?)",
                arguments: [key, analyzed.length, try Self.encode(article)])
            let doc = db.lastInsertedRowID
            self.state.withLock { $0.search.articles.add(analyzed, number: UInt32(truncatingIfNeeded: doc)) }
            // Knowledge bases are small and change rarely: keep their postings current.
            try self.state.withLock { state throws in
                try Self.writePostings(&state.search.articles, collection: "article", watermark: doc, db)
            }
        }
    }

    public func searchArticles(_ query: SearchQuery) async throws(StorageError) -> [ArticleHit] {
        try await read { db in
            try Self.reportingLookupFailures({ try Self.article(db, key: $0) }) { lookup in
                try self.state.withLock { state throws(StorageError) in try state.search.searchArticles(query, lookup: lookup) }
            }
        }
    }

    public func suggestArticles(for message: SupportMessage, limit: Int) async throws(StorageError) -> [ArticleHit] {
        try await read { db in
            try Self.reportingLookupFailures({ try Self.article(db, key: $0) }) { lookup in
                self.state.withLock { $0.search.suggestArticles(for: message, limit: limit, lookup: lookup) }
            }
        }
    }

    /// Writes the changed posting lists to the file, in one transaction, and moves the
    /// watermark up to the last indexed message.
    public func checkpointSearchIndex() async throws(StorageError) {
        try await indexWrite { db in
            let watermark = try Int64.fetchOne(db, sql: "SELECT MAX(doc) FROM message") ?? 0
            try self.state.withLock { state throws in
                try Self.writePostings(&state.search.messages, collection: "message", watermark: watermark, db)
                state.sinceCheckpoint = 0
            }
        }
    }

    /// Writes the posting lists and checkpoints the WAL into the main file. The store stays usable.
    public func close() async throws(StorageError) {
        try await checkpointSearchIndex()
        do { _ = try await pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) } } catch {
            throw .backend(String(describing: error))
        }
    }

    /// Bytes the search index takes in the file: the posting lists (term, document numbers, impacts).
    public func searchIndexBytes() async throws(StorageError) -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(LENGTH(term) + LENGTH(docs) + LENGTH(impacts) + 16), 0) FROM search_postings") ?? 0
        }
    }

    // MARK: Loading

    private static func loadSearch(_ db: Database, analyzers: AnalyzerRegistry) throws -> SupportSearch {
        var search = SupportSearch(analyzers: analyzers)
        search.messages = try loadIndex(db, collection: "message", analyzers: analyzers, documents: { watermark in
            try Row.fetchAll(
                db, sql: "SELECT doc, id, thread, party, account, sent_at, language, channel, search_length FROM message WHERE doc <= ? ORDER BY doc",
                arguments: [watermark]
            ).map { row in
                let document = SearchDocument(
                    key: try string(row, "id"), body: "", language: String.fromDatabaseValue(row["language"]),
                    party: String.fromDatabaseValue(row["party"]).map(PartyID.init),
                    account: String.fromDatabaseValue(row["account"]).map(PartyID.init),
                    thread: ThreadID(UInt64(try int64(row, "thread"))), channel: String.fromDatabaseValue(row["channel"]),
                    date: Date(timeIntervalSince1970: Double.fromDatabaseValue(row["sent_at"]) ?? 0))
                return (UInt32(truncatingIfNeeded: try int64(row, "doc")), document, Int(try int64(row, "search_length")))
            }
        })
        for row in try Row.fetchAll(db, sql: "SELECT doc, id FROM message WHERE doc > ? ORDER BY doc", arguments: [search.messages.lastDocument]) {
            guard let document = try searchDocument(db, key: try string(row, "id")) else { continue }
            search.messages.add(document.document, number: UInt32(truncatingIfNeeded: try int64(row, "doc")))
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, status FROM thread") {
            if let status = ThreadStatus(rawValue: try string(row, "status")) {
                search.messages.setStatus(status, of: ThreadID(UInt64(try int64(row, "id"))))
            }
        }
        search.articles = try loadIndex(db, collection: "article", analyzers: analyzers, documents: { watermark in
            try Row.fetchAll(db, sql: "SELECT doc, search_length, body FROM article WHERE doc <= ? ORDER BY doc", arguments: [watermark]).map { row in
                let article = try decode(KnowledgeArticle.self, row, "body")
                var document = SearchDocument(article: article)
                document.title = ""
                document.body = ""
                return (UInt32(truncatingIfNeeded: try int64(row, "doc")), document, Int(try int64(row, "search_length")))
            }
        })
        return search
    }

    private static func loadIndex(
        _ db: Database, collection: String, analyzers: AnalyzerRegistry,
        documents: (Int64) throws -> [(number: UInt32, document: SearchDocument, length: Int)]
    ) throws -> InvertedIndex {
        let watermark = try Int64.fetchOne(db, sql: "SELECT watermark FROM search_state WHERE collection = ?", arguments: [collection]) ?? 0
        guard watermark > 0 else { return InvertedIndex(analyzers: analyzers) }
        let terms = try Row.fetchAll(db, sql: "SELECT term, count, docs, impacts FROM search_postings WHERE collection = ?", arguments: [collection]).map { row in
            InvertedIndex.PersistedTerm(
                term: try string(row, "term"), count: Int(try int64(row, "count")),
                docs: [UInt8](Data.fromDatabaseValue(row["docs"]) ?? Data()),
                impacts: [UInt8](Data.fromDatabaseValue(row["impacts"]) ?? Data()))
        }
        guard let index = InvertedIndex.restore(analyzers: analyzers, documents: try documents(watermark), terms: terms) else {
            throw StorageError.corrupt("search postings of \(collection)")
        }
        return index
    }

    static func writePostings(_ index: inout InvertedIndex, collection: String, watermark: Int64, _ db: Database) throws {
        for term in index.persistedDirtyTerms() {
            if term.count == 0 {
                try Self.run(db, sql: "DELETE FROM search_postings WHERE collection = ? AND term = ?", arguments: [collection, term.term])
            } else {
                try Self.run(db, sql: "INSERT OR REPLACE INTO search_postings (collection, term, count, docs, impacts) VALUES (?, ?, ?, ?, ?)",
                    arguments: [collection, term.term, term.count, Data(term.docs), Data(term.impacts)])
            }
        }
        try Self.run(db, sql: "INSERT OR REPLACE INTO search_state (collection, watermark) VALUES (?, ?)", arguments: [collection, watermark])
        index.markPersisted()
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
                db, sql: "SELECT thread, party, account, sent_at, language, channel, subject, text FROM message WHERE id = ?",
                arguments: [key])
        else { return nil }
        let thread = ThreadID(UInt64(try int64(row, "thread")))
        let document = SearchDocument(
            key: key, title: String.fromDatabaseValue(row["subject"]) ?? "", body: String.fromDatabaseValue(row["text"]) ?? "",
            language: String.fromDatabaseValue(row["language"]), party: String.fromDatabaseValue(row["party"]).map(PartyID.init),
            account: String.fromDatabaseValue(row["account"]).map(PartyID.init), thread: thread,
            channel: String.fromDatabaseValue(row["channel"]),
            date: Date(timeIntervalSince1970: Double.fromDatabaseValue(row["sent_at"]) ?? 0))
        return (document, thread)
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

    static func save(_ party: StoredParty, _ db: Database) throws {
        try Self.run(db, sql: "INSERT OR REPLACE INTO party (id, account, body) VALUES (?, ?, ?)",
            arguments: [party.id.rawValue, party.accountID?.rawValue, try encode(party)])
    }

    static func save(_ thread: SupportThread, _ db: Database) throws {
        try Self.run(db, sql: "INSERT OR REPLACE INTO thread (id, owner, status, created_at, body) VALUES (?, ?, ?, ?, ?)",
            arguments: [
                Int64(thread.id.rawValue), thread.owner.rawValue, thread.status.rawValue,
                thread.createdAt.timeIntervalSince1970, try encode(thread),
            ])
    }

    private static func append(_ events: [NewSupportEvent], _ db: Database) throws -> [Int64] {
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

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do { return try await pool.read(body) } catch let error as StorageError { throw error } catch {
            throw .backend(String(describing: error))
        }
    }

    /// A write that also changes the search index. The index changes inside the transaction,
    /// so its order is commit order; should the transaction fail (an I/O error, a full disk,
    /// a constraint), the index is reloaded from what the file holds — inside a write, so no
    /// other write is half done — and never keeps entries of rows that do not exist.
    func indexWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do { return try await pool.write(body) } catch {
            let analyzers = options.analyzers
            do {
                try await pool.write { db in
                    let reloaded = try Self.loadSearch(db, analyzers: analyzers)
                    self.state.withLock { $0 = SearchState(search: reloaded) }
                }
            } catch {
                // The file cannot even be read: searches go on with the index as it is,
                // and the next open reloads it.
            }
            if let error = error as? StorageError { throw error }
            throw .backend(String(describing: error))
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do { return try await pool.write(body) } catch let error as StorageError { throw error } catch {
            throw .backend(String(describing: error))
        }
    }
}
