import Conversation
import CustomerModel
import Dispatch
import Foundation
import Localization
import Synchronization

// An index that lives on disk as immutable segments (docs/Storage.md, "Search on disk").
//
// A segment covers a contiguous range of document numbers and holds, per term, one encoded
// posting list (``SegmentPostingsCoding``). Segments never overlap, so a term's whole list is
// the concatenation of its segments' lists in segment order. A backend stores the segments
// (SQLite: one row per segment and term, keyed by segment then term, so each segment's term
// dictionary is a sorted B-tree range read page by page) and answers the few reads of
// ``SegmentedIndexStorage``; everything else — coding, building, merging, ranking — is here,
// the same for every backend.

/// The encoding of one segment's posting list of one term:
///
///     varint count · varint last document · block maxima (one byte per 64 postings)
///     · impacts (one byte per posting) · document numbers as LEB128 deltas
///
/// The block maxima are the bounds block-max pruning reads; they are stored so that a list
/// that starts on a block boundary (every segment's first list does) is decoded by copying.
public enum SegmentPostingsCoding {
    /// The bytes of a posting list.
    static func encode(_ list: Postings) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(list.count * 3 + list.blockMax.count + 10)
        appendVarint(UInt64(list.count), to: &out)
        appendVarint(UInt64(list.docs.last ?? 0), to: &out)
        out.append(contentsOf: list.blockMax)
        out.append(contentsOf: list.impacts)
        out.append(contentsOf: PostingsCoding.encodeDocs(list.docs))
        return out
    }

    /// The number of postings an encoded list holds, read from its header; nil when damaged.
    public static func count(of bytes: [UInt8]) -> Int? {
        var position = 0
        return readVarint(bytes, &position).map(Int.init)
    }

    /// Appends an encoded list to `list`; its documents must all exceed the list's last one.
    ///
    /// - Returns: false (and `list` may hold a prefix of the postings) when the bytes are
    ///   damaged or the documents do not increase; callers then report the index corrupt.
    static func decode(_ bytes: [UInt8], appendingTo list: inout Postings) -> Bool {
        var position = 0
        guard let count64 = readVarint(bytes, &position), let last = readVarint(bytes, &position),
            count64 <= UInt64(bytes.count), last <= UInt64(UInt32.max)
        else { return false }
        let count = Int(count64)
        let blocks = (count + Postings.blockSize - 1) / Postings.blockSize
        guard bytes.count - position >= blocks + count else { return false }
        let impactsStart = position + blocks
        let docsStart = impactsStart + count
        guard let docs = PostingsCoding.decodeDocs(bytes[docsStart...], expectedCount: count),
            docs.last.map({ UInt64($0) == last }) ?? true
        else { return false }
        if let first = docs.first, let previous = list.docs.last, first <= previous { return false }
        if list.count % Postings.blockSize == 0 {
            // Aligned: the stored block maxima are the list's.
            list.docs.append(contentsOf: docs)
            list.impacts.append(contentsOf: bytes[impactsStart..<docsStart])
            list.blockMax.append(contentsOf: bytes[position..<impactsStart])
            list.maxImpact = max(list.maxImpact, bytes[position..<impactsStart].max() ?? 0)
        } else {
            for index in 0..<count { list.append(doc: docs[index], impact: bytes[impactsStart + index]) }
        }
        return true
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    static func readVarint(_ bytes: [UInt8], _ position: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count, shift < 64 {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}

/// BM25's corpus statistics and what else a segmented index keeps beside its segments.
public struct SegmentedIndexStatistics: Sendable, Hashable {
    /// Live documents (BM25's N): erasure lowers it.
    public var documents: Int
    /// Terms over every document ever indexed; like ``InvertedIndex``, erasure does not lower
    /// it, so impacts written later match the in-memory index's.
    public var totalLength: Int
    /// Primary language subtags of indexed documents, sorted.
    public var languages: [String]
    /// Moves whenever any segment changes: decoded lists cached at another generation are stale.
    public var generation: Int64

    /// Statistics as a backend stored them.
    public init(documents: Int, totalLength: Int, languages: [String], generation: Int64) {
        self.documents = documents
        self.totalLength = totalLength
        self.languages = languages
        self.generation = generation
    }
}

/// One segment's posting lists, as a builder or a merge produced them, ready to store.
public struct SegmentContents: Sendable {
    /// Per term, sorted by the term's UTF-8 bytes: the posting count and the encoded list.
    public var terms: [(term: String, count: Int, postings: [UInt8])]
    /// The first and last document numbers it covers.
    public var firstDocument: UInt32
    /// The last document number it covers.
    public var lastDocument: UInt32
    /// Live documents in it.
    public var documents: Int
    /// Postings over all terms.
    public var postingCount: Int { terms.reduce(0) { $0 + $1.count } }
}

/// Builds segments: analysis on every core, impacts in document order.
public enum SegmentBuilder {
    /// The segment of `documents` (in increasing number, all above every indexed document),
    /// and the statistics after them.
    ///
    /// The documents are cut into one contiguous run per core; each run is analyzed into its
    /// own dictionary in parallel, then (once every run's lengths are known) each run computes
    /// its impacts from the running BM25 length average where the previous runs leave it —
    /// the same impacts a single ``InvertedIndex`` adding them one by one would compute — and
    /// the runs' lists are concatenated term by term.
    ///
    /// - Parameter cores: runs to analyze in parallel (default: the machine's active cores).
    public static func build(
        _ documents: [(number: UInt32, document: SearchDocument)], analyzers: AnalyzerRegistry,
        after statistics: SegmentedIndexStatistics,
        cores: Int = ProcessInfo.processInfo.activeProcessorCount
    ) -> (segment: SegmentContents, statistics: SegmentedIndexStatistics) {
        let runCount = documents.count < 2_000 ? 1 : max(1, min(cores, documents.count / 1_000))
        let runLength = (documents.count + runCount - 1) / max(runCount, 1)
        let runs = (0..<runCount).map { run in
            (run * runLength)..<min(documents.count, (run + 1) * runLength)
        }
        // Phase 1: analysis, in parallel, each run into its own dictionary.
        let analyzedRuns = Mutex([(index: InvertedIndex, analyzed: [InvertedIndex.AnalyzedDocument])?](
            repeating: nil, count: runCount))
        DispatchQueue.concurrentPerform(iterations: runCount) { run in
            var index = InvertedIndex(analyzers: analyzers)
            let analyzed = documents[runs[run]].map { index.analyze($0.document) }
            analyzedRuns.withLock { $0[run] = (index, analyzed) }
        }
        var parts = analyzedRuns.withLock { $0 }.compactMap { $0 }
        // Phase 2: each run starts its length average where the runs before it leave it.
        var documentsBefore = statistics.documents
        var lengthBefore = statistics.totalLength
        var starts: [(Int, Int)] = []
        for part in parts {
            starts.append((documentsBefore, lengthBefore))
            documentsBefore += part.analyzed.count
            lengthBefore += part.analyzed.reduce(0) { $0 + $1.length }
        }
        let built = Mutex([InvertedIndex?](repeating: nil, count: parts.count))
        let frozen = parts
        let runStarts = starts
        DispatchQueue.concurrentPerform(iterations: frozen.count) { run in
            var index = frozen[run].index
            index.continueStatistics(documents: runStarts[run].0, totalLength: runStarts[run].1)
            for (offset, analyzed) in zip(runs[run], frozen[run].analyzed) {
                index.addPostings(analyzed, number: documents[offset].number)
            }
            built.withLock { $0[run] = index }
        }
        parts.removeAll()
        let indexes = built.withLock { $0 }.compactMap { $0 }
        // Phase 3: concatenate the runs' lists term by term (runs are in document order).
        var merged: [String: Postings] = [:]
        for index in indexes {
            for term in index.postings.indices where index.postings[term].count > 0 {
                let list = index.postings[term]
                let name = index.terms[term]
                if var existing = merged.removeValue(forKey: name) {
                    for position in list.docs.indices { existing.append(doc: list.docs[position], impact: list.impacts[position]) }
                    merged[name] = existing
                } else {
                    merged[name] = list
                }
            }
        }
        var languages = Set(statistics.languages)
        for entry in documents { languages.insert(AnalyzerRegistry.primarySubtag(entry.document.language ?? "und")) }
        let segment = contents(
            merged, first: documents.first?.number ?? 0, last: documents.last?.number ?? 0, documents: documents.count)
        return (
            segment,
            SegmentedIndexStatistics(
                documents: documentsBefore, totalLength: lengthBefore, languages: languages.sorted(),
                generation: statistics.generation + 1)
        )
    }

    /// One segment holding every posting of adjacent `segments` (in document order), each
    /// given as its terms' encoded lists.
    ///
    /// - Returns: nil when a list is damaged.
    public static func merge(
        _ segments: [(terms: [(term: String, postings: [UInt8])], firstDocument: UInt32, lastDocument: UInt32, documents: Int)]
    ) -> SegmentContents? {
        var merged: [String: Postings] = [:]
        for segment in segments {
            for (term, bytes) in segment.terms {
                var list = merged.removeValue(forKey: term) ?? Postings()
                guard SegmentPostingsCoding.decode(bytes, appendingTo: &list) else { return nil }
                merged[term] = list
            }
        }
        return contents(
            merged, first: segments.first?.firstDocument ?? 0, last: segments.last?.lastDocument ?? 0,
            documents: segments.reduce(0) { $0 + $1.documents })
    }

    static func contents(_ lists: [String: Postings], first: UInt32, last: UInt32, documents: Int) -> SegmentContents {
        let terms = lists.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.compactMap { term -> (String, Int, [UInt8])? in
            guard let list = lists[term] else { return nil }
            return (term, list.count, SegmentPostingsCoding.encode(list))
        }
        return SegmentContents(terms: terms, firstDocument: first, lastDocument: last, documents: documents)
    }
}

/// When adjacent segments merge: a log-structured policy over size tiers.
///
/// A segment's tier is ⌊log10(documents)⌋. After a flush, the newest run of segments in one
/// tier merges once it has ``mergeFactor`` members, and a new segment of a higher tier than
/// the ones just before it takes them along (so tiers never increase towards the newest
/// segment and small segments are never stranded behind a big one). Each document is thus
/// rewritten about once per tier — log10(N) times — and a store holds at most
/// (mergeFactor − 1) segments per tier.
public enum SegmentMergePolicy {
    /// Segments of one tier that trigger a merge.
    public static let mergeFactor = 10

    /// The tier of a segment of `documents` documents.
    public static func tier(documents: Int) -> Int {
        var tier = 0
        var size = max(documents, 1)
        while size >= 10 {
            size /= 10
            tier += 1
        }
        return tier
    }

    /// The range of `sizes` (document counts, oldest first) to merge now; nil when none.
    public static func mergeRange(sizes: [Int]) -> Range<Int>? {
        guard sizes.count >= 2 else { return nil }
        let tiers = sizes.map(tier(documents:))
        let newest = tiers.count - 1
        // A bigger newest segment absorbs the smaller ones just before it.
        var start = newest
        while start > 0, tiers[start - 1] < tiers[newest] { start -= 1 }
        if start < newest { return start..<(newest + 1) }
        // A full run of the newest tier.
        while start > 0, tiers[start - 1] == tiers[newest] { start -= 1 }
        return newest + 1 - start >= mergeFactor ? start..<(newest + 1) : nil
    }
}

/// The facts of one indexed document a query may need beyond its postings.
public struct SearchDocumentColumns: Sendable, Hashable {
    /// The document's key (a message id).
    public var key: String
    /// The owning party.
    public var party: PartyID?
    /// The owner's account.
    public var account: PartyID?
    /// The thread's current status.
    public var status: ThreadStatus?
    /// ``Channel/searchName``.
    public var channel: String?
    /// BCP 47 language.
    public var language: String?
    /// When it was sent.
    public var date: Date

    /// A document's columns.
    public init(
        key: String, party: PartyID?, account: PartyID?, status: ThreadStatus?, channel: String?, language: String?,
        date: Date
    ) {
        self.key = key
        self.party = party
        self.account = account
        self.status = status
        self.channel = channel
        self.language = language
        self.date = date
    }
}

/// The reads a segmented index needs from the backend that stores it. Called inside one read
/// transaction, so every answer is of one snapshot.
public protocol SegmentedIndexStorage {
    /// The term's encoded lists, one per segment holding it, in increasing document order.
    func encodedPostings(of term: String) throws -> [[UInt8]]
    /// Terms starting with `prefix`, with their posting counts summed over segments.
    func termCounts(withPrefix prefix: String) throws -> [(term: String, count: Int)]
    /// The documents of a party, in increasing number.
    func documents(ofParty party: PartyID) throws -> [UInt32]
    /// The documents of an account, in increasing number.
    func documents(ofAccount account: PartyID) throws -> [UInt32]
    /// One document's columns; nil when it is gone.
    func columns(of doc: UInt32) throws -> SearchDocumentColumns?
    /// One document's key; nil when it is gone (the one column every hit needs).
    func key(of doc: UInt32) throws -> String?
    /// Up to `limit` live documents numbered below `before` (nil: the newest), newest first:
    /// what a query of exclusions only pages through.
    func documents(before: UInt32?, limit: Int) throws -> [UInt32]
}

/// Decoded posting lists shared by the queries of one process, bounded in bytes (least
/// recently used go first), valid for one ``SegmentedIndexStatistics/generation``.
public final class DecodedPostingsCache: Sendable {
    fileprivate struct Entry {
        var list: Postings
        var used: UInt64
        var bytes: Int
    }

    fileprivate struct State {
        var generation: Int64 = -1
        var entries: [String: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        /// Document keys by number: a number is never reused, so these never go stale.
        var keys: [UInt32: String] = [:]
        /// Party and account candidate lists, for this generation.
        var candidates: [String: [UInt32]] = [:]
        var candidateCount = 0
    }

    /// Keys kept at most (about 60 bytes each).
    static let keyCapacity = 200_000

    private let state = Mutex(State())
    /// The most bytes of decoded lists kept.
    public let capacityBytes: Int

    /// A cache holding at most `capacityBytes` of decoded lists (5 bytes per posting).
    public init(capacityBytes: Int = 64 << 20) {
        self.capacityBytes = capacityBytes
    }

    /// Bytes held now.
    public var heldBytes: Int { state.withLock { $0.bytes } }

    func list(_ term: String, generation: Int64) -> Postings? {
        state.withLock { state in
            guard state.generation == generation, var entry = state.entries[term] else { return nil }
            state.clock += 1
            entry.used = state.clock
            state.entries[term] = entry
            return entry.list
        }
    }

    func key(_ doc: UInt32) -> String? { state.withLock { $0.keys[doc] } }

    func insertKey(_ key: String, for doc: UInt32) {
        state.withLock { state in
            if state.keys.count >= Self.keyCapacity { state.keys.removeAll(keepingCapacity: true) }
            state.keys[doc] = key
        }
    }

    func candidates(_ owner: String, generation: Int64) -> [UInt32]? {
        state.withLock { $0.generation == generation ? $0.candidates[owner] : nil }
    }

    func insertCandidates(_ list: [UInt32], for owner: String, generation: Int64) {
        state.withLock { state in
            if state.generation != generation { state.reset(to: generation) }
            if state.candidateCount + list.count > Self.keyCapacity {
                state.candidates.removeAll()
                state.candidateCount = 0
            }
            state.candidates[owner] = list
            state.candidateCount += list.count
        }
    }

    func insert(_ list: Postings, for term: String, generation: Int64) {
        let bytes = list.count * 5 + list.blockMax.count + term.utf8.count + 64
        guard bytes <= capacityBytes / 4 || bytes <= 1 << 20 else { return }
        state.withLock { state in
            if state.generation != generation { state.reset(to: generation) }
            state.clock += 1
            if let old = state.entries.updateValue(Entry(list: list, used: state.clock, bytes: bytes), forKey: term) {
                state.bytes -= old.bytes
            }
            state.bytes += bytes
            guard state.bytes > capacityBytes else { return }
            // Evict the least recently used down to three quarters, in one sort.
            var held = state.bytes
            for (key, entry) in state.entries.sorted(by: { $0.value.used < $1.value.used }) {
                guard held > capacityBytes * 3 / 4 else { break }
                state.entries[key] = nil
                held -= entry.bytes
            }
            state.bytes = held
        }
    }
}

extension DecodedPostingsCache.State {
    /// Forgets what another generation decoded (keys stay: they never change).
    fileprivate mutating func reset(to generation: Int64) {
        self.generation = generation
        entries.removeAll()
        bytes = 0
        candidates.removeAll()
        candidateCount = 0
    }
}

/// A query-time view of a segmented index: posting lists read from the backend on demand
/// (through ``DecodedPostingsCache``), document columns read per document only when a filter
/// or a phrase needs them. Lives for one read transaction.
///
/// Read failures cannot surface inside ranking; the first one is kept and ``search(_:lookup:)``
/// throws it, so a failed read never silently drops a hit.
public struct SegmentedIndexReader<Storage: SegmentedIndexStorage> {
    let storage: Storage
    let statistics: SegmentedIndexStatistics
    let cache: DecodedPostingsCache
    /// The analyzers the index was built with.
    public let analyzers: AnalyzerRegistry
    private let failure = FailureBox()

    private final class FailureBox {
        var error: (any Error)?
    }

    /// A reader of the index `storage` holds at `statistics`.
    public init(
        storage: Storage, statistics: SegmentedIndexStatistics, cache: DecodedPostingsCache, analyzers: AnalyzerRegistry
    ) {
        self.storage = storage
        self.statistics = statistics
        self.cache = cache
        self.analyzers = analyzers
    }

    /// Runs a message query: the same ranking, snippets and hits as ``SupportSearch/searchMessages(_:lookup:)``.
    ///
    /// - Parameter lookup: the full text, language, thread and party of a message key.
    /// - Throws: ``StorageError/invalidQuery(_:)`` for a query that is not searchable;
    ///   ``StorageError/corrupt(_:)`` for a damaged posting list; the backend's error for a failed read.
    public func search(_ query: SearchQuery, lookup: (String) -> (document: SearchDocument, thread: ThreadID?)?) throws
        -> [SearchHit]
    {
        try searchReport(query, lookup: lookup).hits
    }

    /// ``search(_:lookup:)`` with what the answer should say about how the query was read.
    ///
    /// - Throws: as ``search(_:lookup:)``.
    public func searchReport(_ query: SearchQuery, lookup: (String) -> (document: SearchDocument, thread: ThreadID?)?) throws
        -> SearchReport
    {
        let parsed: ParsedQuery
        let found: (hits: [RankedDocument], highlightTerms: Set<String>, notes: [String])
        do {
            parsed = try ParsedQuery(parsing: query.text)
            found = try rank(parsed, limit: query.limit, filter: query.filter, languages: query.languages) {
                lookup($0)?.document.fullText
            }
        } catch { throw StorageError.invalidQuery(error) }
        if let error = failure.error { throw error }
        let hits = found.hits.compactMap { hit -> SearchHit? in
            guard let stored = lookup(hit.key) else { return nil }
            let snippet = InvertedIndex.snippet(
                of: stored.document.fullText, language: stored.document.language, highlighting: found.highlightTerms,
                analyzers: analyzers)
            return SearchHit(
                message: MessageID(hit.key), thread: stored.thread, party: stored.document.party, score: hit.score,
                snippet: snippet)
        }
        return SearchReport(hits: hits, notes: found.notes)
    }

    /// The ranking alone, best first: keys and scores, no snippets (a host paging ids, or a count).
    ///
    /// - Parameter text: a message's full text, for phrase checks.
    /// - Throws: as ``search(_:lookup:)``.
    public func ranked(_ query: SearchQuery, text: (String) -> String?) throws -> [RankedDocument] {
        let found: (hits: [RankedDocument], highlightTerms: Set<String>, notes: [String])
        do {
            found = try rank(
                try ParsedQuery(parsing: query.text), limit: query.limit, filter: query.filter, languages: query.languages,
                text: text)
        } catch { throw StorageError.invalidQuery(error) }
        if let error = failure.error { throw error }
        return found.hits
    }

    fileprivate func attempt<T>(_ body: () throws -> T) -> T? {
        do { return try body() } catch {
            if failure.error == nil { failure.error = error }
            return nil
        }
    }
}

extension SegmentedIndexReader: PostingSource {
    var liveDocumentCount: Int { statistics.documents }

    var indexedLanguageNames: [String] { statistics.languages }

    func postings(of term: String) -> Postings? {
        if let cached = cache.list(term, generation: statistics.generation) { return cached.count > 0 ? cached : nil }
        guard let encoded = attempt({ try storage.encodedPostings(of: term) }) else { return nil }
        var list = Postings()
        for bytes in encoded where !SegmentPostingsCoding.decode(bytes, appendingTo: &list) {
            if failure.error == nil { failure.error = StorageError.corrupt("search postings of '\(term)'") }
            return nil
        }
        cache.insert(list, for: term, generation: statistics.generation)
        return list.count > 0 ? list : nil
    }

    func expand(prefix: String, limit: Int) -> (terms: [(term: String, postings: Postings)], matched: Int) {
        guard var terms = attempt({ try storage.termCounts(withPrefix: prefix) }) else { return ([], 0) }
        terms.removeAll { $0.count == 0 }
        let matched = terms.count
        if terms.count > limit {
            // The most frequent, as the in-memory index keeps them (ties: the earlier term).
            let order = terms.enumerated().sorted { $0.element.count > $1.element.count || ($0.element.count == $1.element.count && $0.offset < $1.offset) }
            terms = order.prefix(limit).sorted { $0.offset < $1.offset }.map(\.element)
        }
        return (terms.compactMap { entry in postings(of: entry.term).map { (entry.term, $0) } }, matched)
    }

    func candidateList(_ filter: SearchFilter) -> [UInt32]? {
        var lists: [[UInt32]] = []
        if let party = filter.party {
            lists.append(candidates("party \(party.rawValue)") { try storage.documents(ofParty: party) })
        }
        if let account = filter.account {
            lists.append(candidates("account \(account.rawValue)") { try storage.documents(ofAccount: account) })
        }
        return lists.min(by: { $0.count < $1.count })
    }

    private func candidates(_ owner: String, _ read: () throws -> [UInt32]) -> [UInt32] {
        if let cached = cache.candidates(owner, generation: statistics.generation) { return cached }
        guard let list = attempt(read) else { return [] }
        cache.insertCandidates(list, for: owner, generation: statistics.generation)
        return list
    }

    func documentPredicate(_ filter: SearchFilter) -> ColumnPredicate<Storage> { ColumnPredicate(reader: self, filter: filter) }

    func documents(before: UInt32?, limit: Int) -> [UInt32] {
        attempt({ try storage.documents(before: before, limit: limit) }) ?? []
    }

    func documentKey(_ doc: UInt32) -> String? {
        if let key = cache.key(doc) { return key }
        guard let found = attempt({ try storage.key(of: doc) }), let key = found else { return nil }
        cache.insertKey(key, for: doc)
        return key
    }

    func languageName(of doc: UInt32) -> String {
        AnalyzerRegistry.primarySubtag((attempt({ try storage.columns(of: doc) }) ?? nil)?.language ?? "und")
    }
}

extension SegmentBuilder {
    /// The distinct terms a document was indexed under (what erasure must remove it from):
    /// the same analysis ``build(_:analyzers:after:cores:)`` runs.
    public static func indexedTerms(of document: SearchDocument, analyzers: AnalyzerRegistry) -> Set<String> {
        var scratch = InvertedIndex(analyzers: analyzers)
        let analyzed = scratch.analyze(document)
        return Set(analyzed.terms.map { scratch.terms[Int($0)] })
    }

    /// A segment holding posting lists persisted in ``InvertedIndex/PersistedTerm`` form (the
    /// single-list layout stores used before segments), for a migration.
    ///
    /// - Returns: nil when a list is damaged.
    public static func segment(
        persisted: [InvertedIndex.PersistedTerm], firstDocument: UInt32, lastDocument: UInt32, documents: Int
    ) -> SegmentContents? {
        var lists: [String: Postings] = [:]
        for term in persisted where term.count > 0 {
            guard term.impacts.count == term.count,
                let docs = PostingsCoding.decodeDocs(term.docs, expectedCount: term.count)
            else { return nil }
            var list = Postings()
            for position in docs.indices { list.append(doc: docs[position], impact: term.impacts[position]) }
            lists[term.term] = list
        }
        return contents(lists, first: firstDocument, last: lastDocument, documents: documents)
    }

    /// A segment's list without some documents (erasure), given and returned encoded (`list`
    /// nil when nothing is left), and which of the documents it held (`found`: a document
    /// erased twice — anonymised, then deleted — is found only the first time).
    ///
    /// - Returns: nil when the list is damaged.
    public static func removing(_ documents: Set<UInt32>, from encoded: [UInt8]) -> (list: [UInt8]?, found: Set<UInt32>)? {
        var list = Postings()
        guard SegmentPostingsCoding.decode(encoded, appendingTo: &list) else { return nil }
        let found = documents.filter { list.find($0) != nil }
        guard !found.isEmpty else { return (encoded, []) }
        list.remove(found)
        return (list.count == 0 ? nil : SegmentPostingsCoding.encode(list), found)
    }
}

/// The per-document test of a segmented index: erased documents have no postings, and party or
/// account candidates come from the rows, so only the other filters (or both owner filters at
/// once) read a document's columns — one row per candidate that would enter the top k.
struct ColumnPredicate<Storage: SegmentedIndexStorage>: DocumentPredicate {
    let reader: SegmentedIndexReader<Storage>
    let filter: SearchFilter
    let needsColumns: Bool
    let languages: Set<String>?
    let from: Double?
    let until: Double?

    init(reader: SegmentedIndexReader<Storage>, filter: SearchFilter) {
        self.reader = reader
        self.filter = filter
        needsColumns =
            filter.statuses != nil || filter.channels != nil || filter.languages != nil || filter.from != nil
            || filter.until != nil || (filter.party != nil && filter.account != nil)
        languages = filter.languages.map { Set($0.map(AnalyzerRegistry.primarySubtag)) }
        from = filter.from.map { $0.timeIntervalSince1970.rounded(.up) }
        until = filter.until.map { $0.timeIntervalSince1970.rounded(.up) }
    }

    func accepts(_ doc: UInt32) -> Bool {
        guard needsColumns else { return true }
        guard let columns = reader.attempt({ try reader.storage.columns(of: doc) }), let columns else { return false }
        if let party = filter.party, columns.party != party { return false }
        if let account = filter.account, columns.account != account { return false }
        if let channels = filter.channels, !channels.contains(columns.channel ?? "") { return false }
        if let languages, !languages.contains(AnalyzerRegistry.primarySubtag(columns.language ?? "und")) { return false }
        let seconds = columns.date.timeIntervalSince1970.rounded(.down)
        if let from, seconds < from { return false }
        if let until, seconds >= until { return false }
        if let statuses = filter.statuses {
            guard let status = columns.status, statuses.contains(status) else { return false }
        }
        return true
    }
}
