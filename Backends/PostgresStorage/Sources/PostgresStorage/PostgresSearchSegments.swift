import Conversation
import CustomerModel
import Foundation
import Localization
import Storage

/// The message search index in the database, as immutable segments (the layout of
/// SQLiteStorage's, docs/Storage.md "Search on disk"): `search_segment` (the document range a
/// segment covers), `search_segment_term` (one row per segment and term, keyed `(segment,
/// term)` in byte order, holding the encoded posting list) and `search_state`. Terms come from
/// SupportKit's analyzers, so stemming, prefixes and rankings equal SQLite's; the query
/// language is SupportKit's, and a query's words reach the server only as bound parameters.
///
/// Every change happens in the write transaction of the rows it indexes, so the index always
/// equals the committed messages.
enum PostgresSearchSegments {
    /// Messages per segment a flush builds at most (bounds a bulk import's memory).
    static let flushDocuments = 50_000

    /// The `message` columns ``document(_:)`` reads.
    static let documentColumns = "doc, id, thread, party, account, sent_at, language, channel, subject, text"

    // MARK: State

    static func generation(_ session: PostgresSession) throws(StorageError) -> Int64 {
        try session.row("SELECT generation FROM search_state WHERE collection = 'message'", operation: "read the search generation")?
            .int64("generation") ?? 0
    }

    static func hasPending(_ session: PostgresSession) throws(StorageError) -> Bool {
        try session.row(
            """
            SELECT COALESCE((SELECT MAX(doc) FROM message), 0)
                > COALESCE((SELECT watermark FROM search_state WHERE collection = 'message'), 0) AS pending
            """, operation: "check for unindexed messages")?.bool("pending") ?? false
    }

    private struct SegmentRow {
        var id: Int64
        var first: Int64
        var last: Int64
        var documents: Int64
    }

    private static func segmentRows(_ session: PostgresSession) throws(StorageError) -> [SegmentRow] {
        try session.rows("SELECT id, first_doc, last_doc, documents FROM search_segment ORDER BY first_doc", operation: "read segments")
            .map { row throws(StorageError) in
                SegmentRow(
                    id: try row.int64("id"), first: try row.int64("first_doc"), last: try row.int64("last_doc"),
                    documents: try row.int64("documents"))
            }
    }

    static func statistics(_ session: PostgresSession) throws(StorageError) -> (statistics: SegmentedIndexStatistics, watermark: Int64) {
        let row = try session.row(
            "SELECT watermark, generation, documents, total_length FROM search_state WHERE collection = 'message'",
            operation: "read the search statistics")
        let languages = try session.rows("SELECT name FROM search_language ORDER BY name COLLATE \"C\"", operation: "read search languages")
            .map { row throws(StorageError) in try row.string("name") }
        return (
            SegmentedIndexStatistics(
                documents: Int(try row?.int64("documents") ?? 0), totalLength: Int(try row?.int64("total_length") ?? 0),
                languages: languages, generation: try row?.int64("generation") ?? 0),
            try row?.int64("watermark") ?? 0
        )
    }

    private static func save(_ statistics: SegmentedIndexStatistics, watermark: Int64, _ session: PostgresSession) throws(StorageError) {
        try session.run(
            """
            INSERT INTO search_state (collection, watermark, generation, documents, total_length) VALUES ('message', $1, $2, $3, $4)
            ON CONFLICT (collection) DO UPDATE SET watermark = $1, generation = $2, documents = $3, total_length = $4
            """,
            [.integer(watermark), .integer(statistics.generation), .integer(Int64(statistics.documents)), .integer(Int64(statistics.totalLength))],
            operation: "write the search statistics")
        for language in statistics.languages {
            try session.run(
                "INSERT INTO search_language (name) VALUES ($1) ON CONFLICT DO NOTHING", [.text(language)], operation: "write a search language")
        }
    }

    // MARK: Indexing

    /// Indexes every message above the watermark into new segments, then merges what the
    /// policy says is due. Called at the end of every write transaction that stores messages.
    static func indexPending(_ session: PostgresSession, analyzers: AnalyzerRegistry) throws(StorageError) {
        guard try hasPending(session) else { return }
        var (statistics, watermark) = try statistics(session)
        while true {
            let rows = try session.rows(
                "SELECT \(documentColumns) FROM message WHERE doc > $1 ORDER BY doc LIMIT $2",
                [.integer(watermark), .integer(Int64(flushDocuments))], operation: "read messages to index")
            guard let lastRow = rows.last else { break }
            let documents = try rows.map { row throws(StorageError) in (UInt32(truncatingIfNeeded: try row.int64("doc")), try document(row)) }
            let built = SegmentBuilder.build(documents, analyzers: analyzers, after: statistics)
            try insert(built.segment, session)
            statistics = built.statistics
            watermark = try lastRow.int64("doc")
            try save(statistics, watermark: watermark, session)
            try mergeIfDue(session)
            if rows.count < flushDocuments { break }
        }
    }

    /// The search document of a `message` row read with ``documentColumns``.
    static func document(_ row: SQLRow) throws(StorageError) -> SearchDocument {
        SearchDocument(
            key: try row.string("id"), title: try row.optionalString("subject") ?? "", body: try row.optionalString("text") ?? "",
            language: try row.optionalString("language"), party: try row.optionalString("party").map(PartyID.init),
            account: try row.optionalString("account").map(PartyID.init), thread: ThreadID(UInt64(max(1, try row.int64("thread")))),
            channel: try row.optionalString("channel"), date: Date(timeIntervalSince1970: try row.double("sent_at")))
    }

    private static func insert(_ segment: SegmentContents, _ session: PostgresSession) throws(StorageError) {
        guard segment.documents > 0 else { return }
        guard
            let id = try session.row(
                "INSERT INTO search_segment (first_doc, last_doc, documents) VALUES ($1, $2, $3) RETURNING id",
                [.integer(Int64(segment.firstDocument)), .integer(Int64(segment.lastDocument)), .integer(Int64(segment.documents))],
                operation: "insert a segment")?.int64("id")
        else { throw .backend("insert a segment: no id returned") }
        // One statement per 1,000 terms (arrays unnested server-side) instead of one per term.
        for start in stride(from: 0, to: segment.terms.count, by: 1_000) {
            let chunk = segment.terms[start..<min(start + 1_000, segment.terms.count)]
            var values: [SQLValue] = [.integer(id)]
            var rows: [String] = []
            for term in chunk {
                let n = values.count
                rows.append("($1, $\(n + 1), $\(n + 2), $\(n + 3))")
                values += [.text(term.term), .integer(Int64(term.count)), .bytes(Data(term.postings))]
            }
            try session.run(
                "INSERT INTO search_segment_term (segment, term, count, postings) VALUES \(rows.joined(separator: ", "))", values,
                operation: "insert a segment's terms")
        }
    }

    /// Merges adjacent segments while ``SegmentMergePolicy`` finds a range due, in the caller's
    /// transaction: the merged segment replaces its parts atomically.
    static func mergeIfDue(_ session: PostgresSession) throws(StorageError) {
        while true {
            let segments = try segmentRows(session)
            guard let range = SegmentMergePolicy.mergeRange(sizes: segments.map { Int($0.documents) }) else { return }
            try merge(Array(segments[range]), session)
        }
    }

    /// Drops every segment and indexes every message again, in the caller's transaction.
    static func rebuild(_ session: PostgresSession, analyzers: AnalyzerRegistry) throws(StorageError) {
        let generation = try statistics(session).statistics.generation
        try session.run("DELETE FROM search_segment_term", operation: "drop segment terms")
        try session.run("DELETE FROM search_segment", operation: "drop segments")
        try session.run("DELETE FROM search_language", operation: "drop search languages")
        try save(SegmentedIndexStatistics(documents: 0, totalLength: 0, languages: [], generation: generation + 1), watermark: 0, session)
        try indexPending(session, analyzers: analyzers)
    }

    /// Merges every segment into one.
    static func mergeAll(_ session: PostgresSession) throws(StorageError) {
        let segments = try segmentRows(session)
        if segments.count > 1 { try merge(segments, session) }
    }

    private static func merge(_ segments: [SegmentRow], _ session: PostgresSession) throws(StorageError) {
        var parts: [(terms: [(term: String, postings: [UInt8])], firstDocument: UInt32, lastDocument: UInt32, documents: Int)] = []
        for segment in segments {
            let terms = try session.rows(
                "SELECT term, postings FROM search_segment_term WHERE segment = $1 ORDER BY term", [.integer(segment.id)],
                operation: "read a segment to merge"
            ).map { row throws(StorageError) in (term: try row.string("term"), postings: [UInt8](try row.data("postings"))) }
            parts.append((
                terms, UInt32(truncatingIfNeeded: segment.first), UInt32(truncatingIfNeeded: segment.last), Int(segment.documents)
            ))
        }
        guard let merged = SegmentBuilder.merge(parts) else { throw .corrupt("search segment postings") }
        for segment in segments {
            try session.run("DELETE FROM search_segment_term WHERE segment = $1", [.integer(segment.id)], operation: "drop a merged segment's terms")
            try session.run("DELETE FROM search_segment WHERE id = $1", [.integer(segment.id)], operation: "drop a merged segment")
        }
        try insert(merged, session)
        var (statistics, watermark) = try statistics(session)
        statistics.generation += 1
        try save(statistics, watermark: watermark, session)
    }

    // MARK: Erasure

    /// Removes documents from every segment that holds them, before their rows change: each
    /// document is analyzed again (as it was indexed) to find the `(segment, term)` rows that
    /// list it, and those lists are rewritten without it or deleted.
    static func remove(docs: [Int64], analyzers: AnalyzerRegistry, _ session: PostgresSession) throws(StorageError) {
        guard !docs.isEmpty else { return }
        var (statistics, watermark) = try statistics(session)
        let segments = try segmentRows(session)
        var removedBySegment: [Int64: Set<UInt32>] = [:]
        var removedByRow: [String: [Int64: Set<UInt32>]] = [:]
        for doc in Set(docs) where doc <= watermark {
            guard let segment = segments.first(where: { $0.first <= doc && doc <= $0.last }),
                let row = try session.row(
                    "SELECT \(documentColumns) FROM message WHERE doc = $1", [.integer(doc)], operation: "read a message to unindex")
            else { continue }
            let number = UInt32(truncatingIfNeeded: doc)
            removedBySegment[segment.id, default: []].insert(number)
            for term in SegmentBuilder.indexedTerms(of: try document(row), analyzers: analyzers) {
                removedByRow[term, default: [:]][segment.id, default: []].insert(number)
            }
        }
        guard !removedBySegment.isEmpty else { return }
        var foundBySegment: [Int64: Set<UInt32>] = [:]
        for (term, bySegment) in removedByRow {
            for (segment, removed) in bySegment {
                guard
                    let data = try session.row(
                        "SELECT postings FROM search_segment_term WHERE segment = $1 AND term = $2", [.integer(segment), .text(term)],
                        operation: "read a posting list to unindex")?.data("postings")
                else { continue }
                guard let result = SegmentBuilder.removing(removed, from: [UInt8](data)) else {
                    throw .corrupt("search postings of a segment")
                }
                guard !result.found.isEmpty else { continue }
                foundBySegment[segment, default: []].formUnion(result.found)
                if let kept = result.list {
                    try session.run(
                        "UPDATE search_segment_term SET count = $1, postings = $2 WHERE segment = $3 AND term = $4",
                        [.integer(Int64(SegmentPostingsCoding.count(of: kept) ?? 0)), .bytes(Data(kept)), .integer(segment), .text(term)],
                        operation: "rewrite a posting list")
                } else {
                    try session.run(
                        "DELETE FROM search_segment_term WHERE segment = $1 AND term = $2", [.integer(segment), .text(term)],
                        operation: "drop a posting list")
                }
            }
        }
        for segment in segments {
            guard let removed = foundBySegment[segment.id] else { continue }
            let left = segment.documents - Int64(removed.count)
            if left <= 0 {
                try session.run("DELETE FROM search_segment_term WHERE segment = $1", [.integer(segment.id)], operation: "drop an empty segment's terms")
                try session.run("DELETE FROM search_segment WHERE id = $1", [.integer(segment.id)], operation: "drop an empty segment")
            } else {
                try session.run(
                    "UPDATE search_segment SET documents = $1 WHERE id = $2", [.integer(left), .integer(segment.id)],
                    operation: "count a segment's documents")
            }
        }
        statistics.documents -= foundBySegment.values.reduce(0) { $0 + $1.count }
        statistics.generation += 1
        try save(statistics, watermark: watermark, session)
    }
}

/// ``SegmentedIndexStorage`` over one read transaction (a snapshot: `REPEATABLE READ`).
struct PostgresSegmentStorage: SegmentedIndexStorage {
    let session: PostgresSession
    /// Segment ids in document order, read once per query.
    let segments: [Int64]

    static func segmentIDs(_ session: PostgresSession) throws(StorageError) -> [Int64] {
        try session.rows("SELECT id FROM search_segment ORDER BY first_doc", operation: "read segment ids").map { row throws(StorageError) in
            try row.int64("id")
        }
    }

    private var segmentArray: SQLValue {
        // A segment list as one bound text value, cast server-side: one statement for every segment.
        .text("{" + segments.map(String.init).joined(separator: ",") + "}")
    }

    func encodedPostings(of term: String) throws -> [[UInt8]] {
        guard !segments.isEmpty else { return [] }
        return try session.rows(
            """
            SELECT t.postings FROM search_segment_term t JOIN search_segment s ON s.id = t.segment
            WHERE t.segment = ANY($1::bigint[]) AND t.term = $2 ORDER BY s.first_doc
            """, [segmentArray, .text(term)], operation: "read a term's posting lists"
        ).map { row throws(StorageError) in [UInt8](try row.data("postings")) }
    }

    func termCounts(withPrefix prefix: String) throws -> [(term: String, count: Int)] {
        guard !segments.isEmpty else { return [] }
        // U+10FFFF is the largest scalar, so every term that starts with `prefix` sorts below prefix + U+10FFFF.
        var counts: [String: Int] = [:]
        for row in try session.rows(
            """
            SELECT term, SUM(count)::bigint AS count FROM search_segment_term
            WHERE segment = ANY($1::bigint[]) AND term >= $2 AND term < $3 GROUP BY term
            """, [segmentArray, .text(prefix), .text(prefix + "\u{10FFFF}")], operation: "read a prefix's terms")
        {
            let term = try row.string("term")
            guard term.utf8.starts(with: prefix.utf8) else { continue }
            counts[term, default: 0] += Int(try row.int64("count"))
        }
        return counts.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, $0.value) }
    }

    func documents(ofParty party: PartyID) throws -> [UInt32] {
        try session.rows("SELECT doc FROM message WHERE party = $1 ORDER BY doc", [.text(party.rawValue)], operation: "read a party's documents")
            .map { row throws(StorageError) in UInt32(truncatingIfNeeded: try row.int64("doc")) }
    }

    func documents(ofAccount account: PartyID) throws -> [UInt32] {
        try session.rows(
            "SELECT doc FROM message WHERE account = $1 ORDER BY doc", [.text(account.rawValue)], operation: "read an account's documents"
        ).map { row throws(StorageError) in UInt32(truncatingIfNeeded: try row.int64("doc")) }
    }

    func key(of doc: UInt32) throws -> String? {
        try session.row("SELECT id FROM message WHERE doc = $1", [.integer(Int64(doc))], operation: "read a document's key")?.string("id")
    }

    func documents(before: UInt32?, limit: Int) throws -> [UInt32] {
        try session.rows(
            "SELECT doc FROM message WHERE doc < $1 ORDER BY doc DESC LIMIT $2",
            [.integer(before.map(Int64.init) ?? Int64.max), .integer(Int64(limit))], operation: "read the newest documents"
        ).map { row throws(StorageError) in UInt32(truncatingIfNeeded: try row.int64("doc")) }
    }

    func columns(of doc: UInt32) throws -> SearchDocumentColumns? {
        guard
            let row = try session.row(
                """
                SELECT message.id, message.party, message.account, message.channel, message.language, message.sent_at, thread.status
                FROM message LEFT JOIN thread ON thread.id = message.thread WHERE message.doc = $1
                """, [.integer(Int64(doc))], operation: "read a document's columns")
        else { return nil }
        return SearchDocumentColumns(
            key: try row.string("id"), party: try row.optionalString("party").map(PartyID.init),
            account: try row.optionalString("account").map(PartyID.init),
            status: try row.optionalString("status").flatMap(ThreadStatus.init(rawValue:)), channel: try row.optionalString("channel"),
            language: try row.optionalString("language"), date: Date(timeIntervalSince1970: try row.double("sent_at")))
    }
}
