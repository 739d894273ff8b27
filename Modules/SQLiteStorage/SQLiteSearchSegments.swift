import Conversation
import CustomerModel
import Foundation
import GRDB
import Localization
import Storage

/// The message search index in the file, as immutable segments (docs/Storage.md, "Search on disk"):
///
/// - `search_segment`: one row per segment — the document range it covers, its live documents;
/// - `search_segment_term`: one row per segment and term, keyed `(segment, term)`, holding the
///   encoded posting list (``SegmentPostingsCoding``). Each segment's term dictionary is thus a
///   sorted run of B-tree pages: a term is a probe, a prefix a range, and nothing is loaded whole;
/// - `search_state` (`collection = 'message'`): the last document indexed (`watermark`),
///   BM25's statistics and the generation every segment change moves; `search_language`.
///
/// Every change happens in the write transaction of the rows it indexes, so the index always
/// equals the committed messages: a crash, kill -9 included, leaves the previous segments.
enum SQLiteSearchSegments {
    /// Messages per segment a flush builds at most (bounds a bulk import's memory).
    static let flushDocuments = 50_000

    /// The `message` columns ``document(_:)`` reads.
    static let documentColumns = "doc, id, thread, party, account, sent_at, language, channel, subject, text"

    // MARK: State

    /// The stored generation of the message index (moves with every segment change).
    static func generation(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT generation FROM search_state WHERE collection = 'message'")) ?? 0
    }

    /// Whether messages above the watermark wait to be indexed: one statement, so the end of
    /// every desk transaction (and every open) pays only this when there are none.
    static func hasPending(_ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT COALESCE((SELECT MAX(doc) FROM message), 0)
                        > COALESCE((SELECT watermark FROM search_state WHERE collection = 'message'), 0)
                    """)) ?? false
    }

    /// The segments in document order.
    private static func segmentRows(_ db: Database) throws -> [Row] {
        try Row.fetchAll(db, sql: "SELECT id, first_doc, last_doc, documents FROM search_segment ORDER BY first_doc")
    }

    static func statistics(_ db: Database) throws -> (statistics: SegmentedIndexStatistics, watermark: Int64) {
        let row = try Row.fetchOne(
            db, sql: "SELECT watermark, generation, documents, total_length FROM search_state WHERE collection = 'message'")
        let languages = try String.fetchAll(db, sql: "SELECT name FROM search_language ORDER BY name")
        return (
            SegmentedIndexStatistics(
                documents: Int(Int64.fromDatabaseValue(row?["documents"] ?? .null) ?? 0),
                totalLength: Int(Int64.fromDatabaseValue(row?["total_length"] ?? .null) ?? 0), languages: languages,
                generation: Int64.fromDatabaseValue(row?["generation"] ?? .null) ?? 0),
            Int64.fromDatabaseValue(row?["watermark"] ?? .null) ?? 0
        )
    }

    private static func save(_ statistics: SegmentedIndexStatistics, watermark: Int64, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO search_state (collection, watermark, generation, documents, total_length)
                VALUES ('message', ?1, ?2, ?3, ?4)
                ON CONFLICT (collection) DO UPDATE SET watermark = ?1, generation = ?2, documents = ?3, total_length = ?4
                """,
            arguments: [watermark, statistics.generation, statistics.documents, statistics.totalLength])
        for language in statistics.languages {
            try db.execute(sql: "INSERT OR IGNORE INTO search_language (name) VALUES (?)", arguments: [language])
        }
    }

    // MARK: Indexing

    /// Indexes every message above the watermark into new segments, then merges what the
    /// policy says is due. Called at the end of every write transaction that stores messages.
    ///
    /// - Returns: whether anything was indexed.
    @discardableResult
    static func indexPending(_ db: Database, analyzers: AnalyzerRegistry) throws -> Bool {
        guard try hasPending(db) else { return false }
        var (statistics, watermark) = try statistics(db)
        guard let last = try Int64.fetchOne(db, sql: "SELECT MAX(doc) FROM message"), last > watermark else { return false }
        while watermark < last {
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(documentColumns) FROM message WHERE doc > ? ORDER BY doc LIMIT ?",
                arguments: [watermark, flushDocuments])
            guard let lastRow = rows.last else { break }
            let documents = try rows.map { row in (UInt32(truncatingIfNeeded: try SQLiteSupportStore.int64(row, "doc")), try document(row)) }
            let built = SegmentBuilder.build(documents, analyzers: analyzers, after: statistics)
            try insert(built.segment, db)
            statistics = built.statistics
            watermark = try SQLiteSupportStore.int64(lastRow, "doc")
            try save(statistics, watermark: watermark, db)
            try mergeIfDue(db)
        }
        return true
    }

    /// The search document of a `message` row read with ``documentColumns``.
    static func document(_ row: Row) throws -> SearchDocument {
        SearchDocument(
            key: try SQLiteSupportStore.string(row, "id"), title: String.fromDatabaseValue(row["subject"]) ?? "",
            body: String.fromDatabaseValue(row["text"]) ?? "", language: String.fromDatabaseValue(row["language"]),
            party: String.fromDatabaseValue(row["party"]).map(PartyID.init),
            account: String.fromDatabaseValue(row["account"]).map(PartyID.init),
            thread: ThreadID(UInt64(try SQLiteSupportStore.int64(row, "thread"))),
            channel: String.fromDatabaseValue(row["channel"]),
            date: Date(timeIntervalSince1970: Double.fromDatabaseValue(row["sent_at"]) ?? 0))
    }

    private static func insert(_ segment: SegmentContents, _ db: Database) throws {
        guard segment.documents > 0 else { return }
        try db.execute(
            sql: "INSERT INTO search_segment (first_doc, last_doc, documents) VALUES (?, ?, ?)",
            arguments: [Int64(segment.firstDocument), Int64(segment.lastDocument), segment.documents])
        let id = db.lastInsertedRowID
        let statement = try db.cachedStatement(
            sql: "INSERT INTO search_segment_term (segment, term, count, postings) VALUES (?, ?, ?, ?)")
        for term in segment.terms {
            try statement.execute(arguments: [id, term.term, term.count, Data(term.postings)])
        }
    }

    /// Merges adjacent segments while ``SegmentMergePolicy`` finds a range due. Inside the
    /// caller's transaction: the merged segment replaces its parts atomically.
    static func mergeIfDue(_ db: Database) throws {
        while true {
            let segments = try segmentRows(db)
            guard let range = SegmentMergePolicy.mergeRange(sizes: try segments.map { Int(try SQLiteSupportStore.int64($0, "documents")) })
            else { return }
            try merge(Array(segments[range]), db)
        }
    }

    /// Drops every segment and indexes every message again, in the caller's transaction (after
    /// an analyzer change; the text is analyzed anew, on every core).
    static func rebuild(_ db: Database, analyzers: AnalyzerRegistry) throws {
        let generation = try statistics(db).statistics.generation
        try db.execute(sql: "DELETE FROM search_segment_term")
        try db.execute(sql: "DELETE FROM search_segment")
        try db.execute(sql: "DELETE FROM search_language")
        try save(SegmentedIndexStatistics(documents: 0, totalLength: 0, languages: [], generation: generation + 1), watermark: 0, db)
        try indexPending(db, analyzers: analyzers)
    }

    /// Merges every segment into one (a host's maintenance call; queries then probe one B-tree range per term).
    static func mergeAll(_ db: Database) throws {
        let segments = try segmentRows(db)
        if segments.count > 1 { try merge(segments, db) }
    }

    private static func merge(_ segments: [Row], _ db: Database) throws {
        var parts: [(terms: [(term: String, postings: [UInt8])], firstDocument: UInt32, lastDocument: UInt32, documents: Int)] = []
        for segment in segments {
            let id = try SQLiteSupportStore.int64(segment, "id")
            let terms = try Row.fetchAll(
                db, sql: "SELECT term, postings FROM search_segment_term WHERE segment = ? ORDER BY term", arguments: [id]
            ).map { row in (term: try SQLiteSupportStore.string(row, "term"), postings: [UInt8](Data.fromDatabaseValue(row["postings"]) ?? Data())) }
            parts.append((
                terms, UInt32(truncatingIfNeeded: try SQLiteSupportStore.int64(segment, "first_doc")),
                UInt32(truncatingIfNeeded: try SQLiteSupportStore.int64(segment, "last_doc")),
                Int(try SQLiteSupportStore.int64(segment, "documents"))
            ))
        }
        guard let merged = SegmentBuilder.merge(parts) else { throw StorageError.corrupt("search segment postings") }
        for segment in segments {
            let id = try SQLiteSupportStore.int64(segment, "id")
            try db.execute(sql: "DELETE FROM search_segment_term WHERE segment = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM search_segment WHERE id = ?", arguments: [id])
        }
        try insert(merged, db)
        var (statistics, watermark) = try statistics(db)
        statistics.generation += 1
        try save(statistics, watermark: watermark, db)
    }

    // MARK: Erasure

    /// Removes documents from every segment that holds them, before their rows change: each
    /// document is analyzed again (as it was indexed) to find the `(segment, term)` rows that
    /// list it, and those lists are rewritten without it or deleted. A term only the removed
    /// documents used leaves the file with its last row (`secure_delete` zeroes the cells).
    static func remove(docs: [Int64], analyzers: AnalyzerRegistry, _ db: Database) throws {
        guard !docs.isEmpty else { return }
        var (statistics, watermark) = try statistics(db)
        let segments = try segmentRows(db)
            .map { row in
                (id: try SQLiteSupportStore.int64(row, "id"), first: try SQLiteSupportStore.int64(row, "first_doc"),
                 last: try SQLiteSupportStore.int64(row, "last_doc"), documents: try SQLiteSupportStore.int64(row, "documents"))
            }
        var removedBySegment: [Int64: Set<UInt32>] = [:]
        var removedByRow: [String: [Int64: Set<UInt32>]] = [:]
        for doc in Set(docs) where doc <= watermark {
            guard let segment = segments.first(where: { $0.first <= doc && doc <= $0.last }),
                let row = try Row.fetchOne(db, sql: "SELECT \(documentColumns) FROM message WHERE doc = ?", arguments: [doc])
            else { continue }
            let number = UInt32(truncatingIfNeeded: doc)
            removedBySegment[segment.id, default: []].insert(number)
            for term in SegmentBuilder.indexedTerms(of: try document(row), analyzers: analyzers) {
                removedByRow[term, default: [:]][segment.id, default: []].insert(number)
            }
        }
        guard !removedBySegment.isEmpty else { return }
        // Only documents some list still held are counted out: one erased before (anonymised,
        // now deleted) left every list then, and must not lower the counts twice.
        var foundBySegment: [Int64: Set<UInt32>] = [:]
        for (term, bySegment) in removedByRow {
            for (segment, removed) in bySegment {
                guard let data = try Data.fetchOne(
                    db, sql: "SELECT postings FROM search_segment_term WHERE segment = ? AND term = ?", arguments: [segment, term])
                else { continue }
                guard let result = SegmentBuilder.removing(removed, from: [UInt8](data)) else {
                    throw StorageError.corrupt("search postings of a segment")
                }
                guard !result.found.isEmpty else { continue }
                foundBySegment[segment, default: []].formUnion(result.found)
                if let kept = result.list {
                    try db.execute(
                        sql: "UPDATE search_segment_term SET count = ?, postings = ? WHERE segment = ? AND term = ?",
                        arguments: [SegmentPostingsCoding.count(of: kept) ?? 0, Data(kept), segment, term])
                } else {
                    try db.execute(sql: "DELETE FROM search_segment_term WHERE segment = ? AND term = ?", arguments: [segment, term])
                }
            }
        }
        for segment in segments {
            guard let removed = foundBySegment[segment.id] else { continue }
            let left = segment.documents - Int64(removed.count)
            if left <= 0 {
                try db.execute(sql: "DELETE FROM search_segment_term WHERE segment = ?", arguments: [segment.id])
                try db.execute(sql: "DELETE FROM search_segment WHERE id = ?", arguments: [segment.id])
            } else {
                try db.execute(sql: "UPDATE search_segment SET documents = ? WHERE id = ?", arguments: [left, segment.id])
            }
        }
        statistics.documents -= foundBySegment.values.reduce(0) { $0 + $1.count }
        statistics.generation += 1
        try save(statistics, watermark: watermark, db)
    }

    // MARK: Migration

    /// Moves a v2 store's single-list message postings into one segment (no text is analyzed;
    /// rows above the old watermark are indexed by the next write or the open that follows).
    static func migrateV2Postings(_ db: Database) throws {
        let watermark = try Int64.fetchOne(db, sql: "SELECT watermark FROM search_state WHERE collection = 'message'") ?? 0
        let persisted = try Row.fetchAll(db, sql: "SELECT term, count, docs, impacts FROM search_postings WHERE collection = 'message'").map { row in
            InvertedIndex.PersistedTerm(
                term: try SQLiteSupportStore.string(row, "term"), count: Int(try SQLiteSupportStore.int64(row, "count")),
                docs: [UInt8](Data.fromDatabaseValue(row["docs"]) ?? Data()),
                impacts: [UInt8](Data.fromDatabaseValue(row["impacts"]) ?? Data()))
        }
        let counted = try Row.fetchOne(
            db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(MAX(search_length, 0)), 0) AS total, MIN(doc) AS first FROM message WHERE doc <= ?",
            arguments: [watermark])
        let documents = Int(Int64.fromDatabaseValue(counted?["n"] ?? .null) ?? 0)
        guard watermark > 0, documents > 0,
            let segment = SegmentBuilder.segment(
                persisted: persisted, firstDocument: UInt32(truncatingIfNeeded: Int64.fromDatabaseValue(counted?["first"] ?? .null) ?? 1),
                lastDocument: UInt32(truncatingIfNeeded: watermark), documents: documents)
        else {
            // Nothing indexed yet (or unreadable lists, which are derived data): index every row anew.
            try db.execute(sql: "DELETE FROM search_postings WHERE collection = 'message'")
            try db.execute(sql: "UPDATE search_state SET watermark = 0 WHERE collection = 'message'")
            return
        }
        try insert(segment, db)
        let languages = Set(try String?.fetchAll(db, sql: "SELECT DISTINCT language FROM message WHERE doc <= ?", arguments: [watermark])
            .map { AnalyzerRegistry.primarySubtag($0 ?? "und") })
        let generation = (try Int64.fetchOne(db, sql: "SELECT generation FROM search_state WHERE collection = 'message'") ?? 0) + 1
        try save(
            SegmentedIndexStatistics(
                documents: documents, totalLength: Int(Int64.fromDatabaseValue(counted?["total"] ?? .null) ?? 0),
                languages: languages.sorted(), generation: generation),
            watermark: watermark, db)
        try db.execute(sql: "DELETE FROM search_postings WHERE collection = 'message'")
    }
}

/// ``SegmentedIndexStorage`` over one read transaction. Statements are compiled once per connection.
struct SQLiteSegmentStorage: SegmentedIndexStorage {
    let db: Database
    /// Segment ids in document order, read once per query.
    let segments: [Int64]

    init(db: Database, segments: [Int64]) {
        self.db = db
        self.segments = segments
    }

    static func segmentIDs(_ db: Database) throws -> [Int64] {
        try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM search_segment ORDER BY first_doc"))
    }

    func encodedPostings(of term: String) throws -> [[UInt8]] {
        let statement = try db.cachedStatement(sql: "SELECT postings FROM search_segment_term WHERE segment = ? AND term = ?")
        var lists: [[UInt8]] = []
        for segment in segments {
            if let data = try Data.fetchOne(statement, arguments: [segment, term]) { lists.append([UInt8](data)) }
        }
        return lists
    }

    func termCounts(withPrefix prefix: String) throws -> [(term: String, count: Int)] {
        // U+10FFFF is the largest scalar, so every term that starts with `prefix` sorts below prefix + U+10FFFF.
        let statement = try db.cachedStatement(
            sql: "SELECT term, count FROM search_segment_term WHERE segment = ? AND term >= ? AND term < ? ORDER BY term")
        var counts: [String: Int] = [:]
        for segment in segments {
            for row in try Row.fetchAll(statement, arguments: [segment, prefix, prefix + "\u{10FFFF}"]) {
                let term = try SQLiteSupportStore.string(row, "term")
                guard term.utf8.starts(with: prefix.utf8) else { continue }
                counts[term, default: 0] += Int(try SQLiteSupportStore.int64(row, "count"))
            }
        }
        return counts.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, $0.value) }
    }

    func documents(ofParty party: PartyID) throws -> [UInt32] {
        try Int64.fetchAll(db.cachedStatement(sql: "SELECT doc FROM message WHERE party = ? ORDER BY doc"), arguments: [party.rawValue])
            .map { UInt32(truncatingIfNeeded: $0) }
    }

    func documents(ofAccount account: PartyID) throws -> [UInt32] {
        try Int64.fetchAll(db.cachedStatement(sql: "SELECT doc FROM message WHERE account = ? ORDER BY doc"), arguments: [account.rawValue])
            .map { UInt32(truncatingIfNeeded: $0) }
    }

    func key(of doc: UInt32) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM message WHERE doc = ?"), arguments: [Int64(doc)])
    }

    func documents(before: UInt32?, limit: Int) throws -> [UInt32] {
        try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT doc FROM message WHERE doc < ? ORDER BY doc DESC LIMIT ?"),
            arguments: [before.map(Int64.init) ?? Int64.max, limit]
        ).map { UInt32(truncatingIfNeeded: $0) }
    }

    func columns(of doc: UInt32) throws -> SearchDocumentColumns? {
        let statement = try db.cachedStatement(
            sql: """
                SELECT message.id, message.party, message.account, message.channel, message.language, message.sent_at, thread.status
                FROM message LEFT JOIN thread ON thread.id = message.thread WHERE message.doc = ?
                """)
        guard let row = try Row.fetchOne(statement, arguments: [Int64(doc)]) else { return nil }
        return SearchDocumentColumns(
            key: try SQLiteSupportStore.string(row, "id"), party: String.fromDatabaseValue(row["party"]).map(PartyID.init),
            account: String.fromDatabaseValue(row["account"]).map(PartyID.init),
            status: String.fromDatabaseValue(row["status"]).flatMap(ThreadStatus.init(rawValue:)),
            channel: String.fromDatabaseValue(row["channel"]), language: String.fromDatabaseValue(row["language"]),
            date: Date(timeIntervalSince1970: Double.fromDatabaseValue(row["sent_at"]) ?? 0))
    }
}

/// A ``SegmentedIndexStorage`` that has nothing: every read throws, so a reader over it answers
/// only from ``DecodedPostingsCache`` and reports whatever it would have had to read.
struct CacheOnlySegmentStorage: SegmentedIndexStorage {
    struct NotCached: Error {}

    func encodedPostings(of term: String) throws -> [[UInt8]] { throw NotCached() }
    func termCounts(withPrefix prefix: String) throws -> [(term: String, count: Int)] { throw NotCached() }
    func documents(ofParty party: PartyID) throws -> [UInt32] { throw NotCached() }
    func documents(ofAccount account: PartyID) throws -> [UInt32] { throw NotCached() }
    func columns(of doc: UInt32) throws -> SearchDocumentColumns? { throw NotCached() }
    func key(of doc: UInt32) throws -> String? { throw NotCached() }
    func documents(before: UInt32?, limit: Int) throws -> [UInt32] { throw NotCached() }
}
