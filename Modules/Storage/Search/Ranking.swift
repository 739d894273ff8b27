import Conversation
import CustomerModel
import Foundation
import Localization

/// What ranking reads from an index: posting lists by term, and per-document facts for
/// filters, phrases and results. The in-memory ``InvertedIndex`` and the on-disk
/// ``SegmentedIndexReader`` both provide it, so one ranking code (``rank(_:limit:filter:languages:text:)``)
/// serves every backend and the results cannot drift apart.
protocol PostingSource {
    /// The analyzers that indexed the documents (queries are analyzed with them too).
    var analyzers: AnalyzerRegistry { get }
    /// Live documents: BM25's N.
    var liveDocumentCount: Int { get }
    /// Primary language subtags of the indexed documents, for analyzing query words.
    var indexedLanguageNames: [String] { get }
    /// The whole posting list of a term; nil when no live document has it.
    func postings(of term: String) -> Postings?
    /// Terms starting with `prefix` (UTF-8 bytes) that have postings: the `limit` most frequent,
    /// and how many matched in all.
    func expand(prefix: String, limit: Int) -> (terms: [(term: String, postings: Postings)], matched: Int)
    /// The documents a party or account filter allows, in increasing order; nil without such a filter.
    func candidateList(_ filter: SearchFilter) -> [UInt32]?
    /// The per-document test a source makes for a filter (a concrete type, so the candidate
    /// loops call it directly rather than through a closure).
    associatedtype Predicate: DocumentPredicate
    /// The per-document test for the rest of the filter (and liveness).
    func documentPredicate(_ filter: SearchFilter) -> Predicate
    /// The key of a document; nil when it is gone.
    func documentKey(_ doc: UInt32) -> String?
    /// The primary language subtag of a document ("und" when unknown).
    func languageName(of doc: UInt32) -> String
    /// Up to `limit` live documents numbered below `before` (nil: from the newest), newest first.
    func documents(before: UInt32?, limit: Int) -> [UInt32]
}

/// Whether a document passes the parts of a filter that candidate lists do not decide.
protocol DocumentPredicate {
    func accepts(_ doc: UInt32) -> Bool
}

/// A query resolved against the dictionary: posting lists to intersect, lists to exclude,
/// phrases to verify on the text, and every matched term for highlighting.
struct ResolvedQuery {
    var required: [Postings] = []
    var excluded: [Postings] = []
    var phrases: [[Set<String>]] = []
    var excludedPhrases: [[Set<String>]] = []
    var highlightTerms: Set<String> = []
    /// A required clause matched no indexed term: nothing can match.
    var impossible = false
    /// The query only excludes: every document without the excluded terms matches.
    var onlyExclusions = false
    /// What the answer should say about how the query was read (a prefix past its cap).
    var notes: [String] = []
}

extension PostingSource {
    /// Finds the best `limit` documents for a parsed query (see ``InvertedIndex/search(_:limit:filter:languages:text:)``).
    func rank(
        _ query: ParsedQuery, limit: Int, filter: SearchFilter, languages: [String]?, text: (String) -> String?
    ) throws(SearchQueryError) -> (hits: [RankedDocument], highlightTerms: Set<String>, notes: [String]) {
        guard (1...1000).contains(limit) else { throw .invalidLimit(limit) }
        let resolved = try resolve(query, languages: languages)
        let documents = liveDocumentCount
        if resolved.impossible || documents == 0 { return ([], resolved.highlightTerms, resolved.notes) }
        var heap = TopK(capacity: limit)
        let candidates = candidateList(filter)
        let predicate = documentPredicate(filter)
        let accept: (UInt32) -> Bool = { doc in
            guard predicate.accepts(doc) else { return false }
            for list in resolved.excluded where list.find(doc) != nil { return false }
            guard !resolved.phrases.isEmpty || !resolved.excludedPhrases.isEmpty else { return true }
            guard let key = documentKey(doc), let body = text(key) else { return false }
            let tokens = analyzers.analyzer(for: languageName(of: doc)).tokens(in: body)
            for phrase in resolved.phrases where !Ranking.contains(phrase, in: tokens) { return false }
            for phrase in resolved.excludedPhrases where Ranking.contains(phrase, in: tokens) { return false }
            return true
        }
        if resolved.onlyExclusions {
            // Nothing to score: the newest documents without the excluded terms, score 0.
            return (newest(limit, among: candidates, accept: accept), resolved.highlightTerms, resolved.notes)
        }
        let lists = resolved.required.sorted { $0.count < $1.count }
        let weights = lists.map { Ranking.idf($0.count, documents: documents) * (InvertedIndex.k1 + 1) / 255 }
        if let candidates {
            Ranking.scoreCandidates(candidates, lists: lists, weights: weights, heap: &heap, accept: accept)
        } else {
            Ranking.blockMaxConjunction(lists: lists, weights: weights, heap: &heap, accept: accept)
        }
        let hits = heap.sorted().compactMap { entry in
            documentKey(entry.doc).map { RankedDocument(doc: entry.doc, key: $0, score: entry.score) }
        }
        return (hits, resolved.highlightTerms, resolved.notes)
    }

    /// The newest `limit` documents `accept` takes (among `candidates` when given), score 0.
    func newest(_ limit: Int, among candidates: [UInt32]?, accept: (UInt32) -> Bool) -> [RankedDocument] {
        var hits: [RankedDocument] = []
        if let candidates {
            for doc in candidates.reversed() {
                guard hits.count < limit else { break }
                if accept(doc), let key = documentKey(doc) { hits.append(RankedDocument(doc: doc, key: key, score: 0)) }
            }
            return hits
        }
        var before: UInt32?
        while hits.count < limit {
            let page = documents(before: before, limit: Swift.max(limit * 2, 256))
            guard let oldest = page.last else { break }
            for doc in page {
                guard hits.count < limit else { break }
                if accept(doc), let key = documentKey(doc) { hits.append(RankedDocument(doc: doc, key: key, score: 0)) }
            }
            before = oldest
        }
        return hits
    }

    // MARK: Resolution

    func resolve(_ query: ParsedQuery, languages requested: [String]?) throws(SearchQueryError) -> ResolvedQuery {
        let analyzerList: [any TextAnalyzer] = {
            let names = requested.map { $0.map(AnalyzerRegistry.primarySubtag) } ?? indexedLanguageNames
            var seen = Set<String>()
            var list: [any TextAnalyzer] = []
            for name in names.isEmpty ? ["und"] : names where seen.insert(name).inserted {
                list.append(analyzers.analyzer(for: name))
            }
            return list
        }()
        var resolved = ResolvedQuery()
        var anyRequired = false
        var anyClause = false
        for clause in query.clauses {
            var alternatives: [Postings] = []
            var phrase: [Set<String>]? = nil
            var searchable = false
            for atom in clause.alternatives {
                switch atom {
                case .word(let word):
                    let positions = Ranking.analyze(word, with: analyzerList)
                    guard !positions.isEmpty else { continue }
                    searchable = true
                    if positions.count == 1 {
                        alternatives.append(contentsOf: lists(for: positions[0], highlight: &resolved.highlightTerms))
                    } else if let list = phraseList(positions, highlight: &resolved.highlightTerms) {
                        alternatives.append(list)
                        if clause.alternatives.count == 1 { phrase = positions }
                    }
                case .phrase(let words):
                    let positions = words.flatMap { Ranking.analyze($0, with: analyzerList) }
                    guard !positions.isEmpty else { continue }
                    searchable = true
                    if let list = phraseList(positions, highlight: &resolved.highlightTerms) {
                        alternatives.append(list)
                        if clause.alternatives.count == 1, positions.count > 1 { phrase = positions }
                    }
                case .prefix(let stem):
                    var prefixes = Set<String>()
                    for analyzer in analyzerList {
                        let folded = analyzer.fold(stem)
                        if !folded.isEmpty { prefixes.insert(folded) }
                    }
                    guard !prefixes.isEmpty else { continue }
                    searchable = true
                    // An excluded prefix excludes every term it matches; a required one is
                    // searched by its most frequent terms, and the answer says so when it had more.
                    let cap = clause.excluded ? Int.max : InvertedIndex.maxPrefixExpansion
                    for prefix in prefixes {
                        let expansion = expand(prefix: prefix, limit: cap)
                        for (term, list) in expansion.terms {
                            alternatives.append(list)
                            resolved.highlightTerms.insert(term)
                        }
                        if expansion.matched > expansion.terms.count {
                            resolved.notes.append(
                                "\(stem)* matches \(expansion.matched) terms; only the \(expansion.terms.count) most frequent were searched")
                        }
                    }
                }
            }
            guard searchable else { continue }
            anyClause = true
            if clause.excluded {
                // An excluded phrase is checked on the text: its words' list would exclude too much.
                if let phrase {
                    resolved.excludedPhrases.append(phrase)
                } else if !alternatives.isEmpty {
                    resolved.excluded.append(Postings.union(alternatives))
                }
            } else {
                anyRequired = true
                if alternatives.isEmpty {
                    resolved.impossible = true
                } else {
                    resolved.required.append(Postings.union(alternatives))
                    if let phrase { resolved.phrases.append(phrase) }
                }
            }
        }
        guard anyClause else { throw .noSearchableTerms }
        resolved.onlyExclusions = !anyRequired
        return resolved
    }

    func lists(for variants: Set<String>, highlight: inout Set<String>) -> [Postings] {
        var found: [Postings] = []
        for term in variants {
            highlight.insert(term)
            if let list = postings(of: term) { found.append(list) }
        }
        return found
    }

    /// Documents holding every word of a phrase (adjacency is checked on the text later).
    func phraseList(_ positions: [Set<String>], highlight: inout Set<String>) -> Postings? {
        var perWord: [Postings] = []
        for variants in positions {
            let found = lists(for: variants, highlight: &highlight)
            if found.isEmpty { return nil }
            perWord.append(Postings.union(found))
        }
        return Postings.intersection(perWord.sorted { $0.count < $1.count })
    }
}

/// The ranking arithmetic and list walks, shared by every ``PostingSource``.
enum Ranking {
    /// BM25's idf of a term in `documentFrequency` of `documents` documents.
    static func idf(_ documentFrequency: Int, documents: Int) -> Double {
        let n = Double(documents)
        let df = Double(documentFrequency)
        return log(1 + (n - df + 0.5) / (df + 0.5))
    }

    /// The index terms of one query word, position by position, each position the set of
    /// terms the word gives in the analyzers' languages.
    static func analyze(_ word: String, with analyzers: [any TextAnalyzer]) -> [Set<String>] {
        var positions: [Set<String>] = []
        var longest = 0
        var perAnalyzer: [[String]] = []
        for analyzer in analyzers {
            let terms = analyzer.tokens(in: word).map(\.term)
            perAnalyzer.append(terms)
            longest = max(longest, terms.count)
        }
        guard longest > 0 else { return [] }
        positions = Array(repeating: [], count: longest)
        for terms in perAnalyzer where terms.count == longest {
            for (position, term) in terms.enumerated() { positions[position].insert(term) }
        }
        return positions
    }

    static func contains(_ phrase: [Set<String>], in tokens: [AnalyzedToken]) -> Bool {
        guard !phrase.isEmpty, tokens.count >= phrase.count else { return false }
        var byPosition: [Int32: String] = [:]
        for token in tokens { byPosition[token.position] = token.term }
        for token in tokens where phrase[0].contains(token.term) {
            var matched = true
            for offset in 1..<phrase.count {
                guard let term = byPosition[token.position + Int32(offset)], phrase[offset].contains(term) else {
                    matched = false
                    break
                }
            }
            if matched { return true }
        }
        return false
    }

    static func scoreCandidates(
        _ candidates: [UInt32], lists: [Postings], weights: [Double], heap: inout TopK, accept: (UInt32) -> Bool
    ) {
        for doc in candidates.reversed() {
            var score = 0.0
            var matched = true
            for (list, weight) in zip(lists, weights) {
                guard let position = list.find(doc) else {
                    matched = false
                    break
                }
                score += weight * Double(list.impacts[position])
            }
            if matched, heap.wouldAdmit(score), accept(doc) { heap.insert(score: score, doc: doc) }
        }
    }

    /// Top-k conjunction: walk the shortest list from its newest block back, skip blocks whose
    /// best possible score cannot enter the heap, and seek the other lists backwards.
    ///
    /// A block's bound uses the other lists' block maxima over the block's document range
    /// (not only their global maxima), so blocks of common terms are skipped more often.
    static func blockMaxConjunction(lists: [Postings], weights: [Double], heap: inout TopK, accept: (UInt32) -> Bool) {
        guard let driver = lists.first, driver.count > 0 else { return }
        let others = Array(lists.dropFirst())
        let otherWeights = Array(weights.dropFirst())
        let driverWeight = weights[0]
        let restMaximum = zip(others, otherWeights).reduce(0.0) { $0 + $1.1 * Double($1.0.maxImpact) }
        var cursors = others.map { $0.count - 1 }
        driver.docs.withUnsafeBufferPointer { docs in
            driver.impacts.withUnsafeBufferPointer { impacts in
                var block = driver.blockMax.count - 1
                while block >= 0 {
                    defer { block -= 1 }
                    let driverBound = driverWeight * Double(driver.blockMax[block])
                    if heap.isFull, driverBound + restMaximum <= heap.threshold { continue }
                    let start = block * Postings.blockSize
                    let end = min(start + Postings.blockSize, docs.count) - 1
                    var rest = restMaximum
                    if heap.isFull, !others.isEmpty {
                        guard let bound = Self.rangeBound(others, otherWeights, from: docs[start], to: docs[end], cursors: &cursors)
                        else {
                            if cursors.contains(where: { $0 < 0 }) { return }
                            continue
                        }
                        rest = bound
                        if driverBound + rest <= heap.threshold { continue }
                    }
                    var index = end
                    while index >= start {
                        defer { index -= 1 }
                        let doc = docs[index]
                        var score = driverWeight * Double(impacts[index])
                        if heap.isFull, score + rest <= heap.threshold { continue }
                        var matched = true
                        for other in others.indices {
                            guard let position = Self.seekBackward(others[other].docs, to: doc, from: &cursors[other])
                            else {
                                matched = false
                                break
                            }
                            score += otherWeights[other] * Double(others[other].impacts[position])
                        }
                        if !matched {
                            if cursors.contains(where: { $0 < 0 }) { return }
                            continue
                        }
                        if heap.wouldAdmit(score), accept(doc) { heap.insert(score: score, doc: doc) }
                    }
                }
            }
        }
    }

    /// The most the other lists can add to a document in `first...last`: the sum over lists of
    /// weight × the largest block maximum among the blocks holding postings in that range. Moves
    /// each cursor back to the list's last posting ≤ `last` (where the backward walk goes next
    /// anyway). Nil when some list has no posting in the range (no document there can match).
    static func rangeBound(
        _ lists: [Postings], _ weights: [Double], from first: UInt32, to last: UInt32, cursors: inout [Int]
    ) -> Double? {
        var bound = 0.0
        for list in lists.indices {
            let docs = lists[list].docs
            _ = seekBackward(docs, to: last, from: &cursors[list])
            let cursor = cursors[list]
            guard cursor >= 0, docs[cursor] >= first else { return nil }
            let blockMax = lists[list].blockMax
            var block = cursor / Postings.blockSize
            var best = blockMax[block]
            while block > 0, docs[block * Postings.blockSize] > first {
                block -= 1
                best = max(best, blockMax[block])
            }
            bound += weights[list] * Double(best)
        }
        return bound
    }

    /// Moves `cursor` back to the last posting ≤ `doc` (galloping, then binary search);
    /// the posting's index when it is `doc`.
    static func seekBackward(_ docs: [UInt32], to doc: UInt32, from cursor: inout Int) -> Int? {
        guard cursor >= 0 else { return nil }
        if docs[cursor] <= doc { return docs[cursor] == doc ? cursor : nil }
        var step = 1
        var high = cursor
        var low = cursor - 1
        while low >= 0, docs[low] > doc {
            high = low
            step *= 2
            low = cursor - step
        }
        low = max(low, -1)
        // docs[low] <= doc (or low == -1) and docs[high] > doc: find the last ≤ doc in (low, high).
        while high - low > 1 {
            let middle = (low + high) / 2
            if docs[middle] <= doc { low = middle } else { high = middle }
        }
        cursor = low
        return low >= 0 && docs[low] == doc ? low : nil
    }
}

extension InvertedIndex: PostingSource {
    /// The most index terms one prefix expands to (the most frequent ones are kept).
    public static let maxPrefixExpansion = 64

    /// Finds the best `limit` documents for a parsed query.
    ///
    /// - Parameters:
    ///   - languages: analyze query words with these languages' analyzers; nil for every
    ///     language the index holds.
    ///   - text: the full text of a document, for phrase checks (nil skips the document).
    /// - Throws: ``SearchQueryError`` when the query has nothing to search for.
    public func search(
        _ query: ParsedQuery, limit: Int, filter: SearchFilter, languages: [String]? = nil,
        text: (String) -> String? = { _ in nil }
    ) throws(SearchQueryError) -> (hits: [RankedDocument], highlightTerms: Set<String>) {
        let found = try rank(query, limit: limit, filter: filter, languages: languages, text: text)
        return (found.hits, found.highlightTerms)
    }

    func idf(_ documentFrequency: Int) -> Double { Ranking.idf(documentFrequency, documents: documentCount) }

    func languageName(of doc: UInt32) -> String {
        let code = Int(languageOf[Int(doc)])
        return code >= 1 && code <= languageNames.count ? languageNames[code - 1] : "und"
    }

    /// Term ids starting with `prefix` (UTF-8): the most frequent `limit`, and how many matched.
    func expand(prefix: String, keeping limit: Int) -> (kept: [UInt32], matched: Int) {
        let order = sortedTermOrder ?? termIDsSortedByBytes()
        let key = Array(prefix.utf8)
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if terms[Int(order[middle])].utf8.lexicographicallyPrecedes(key) { low = middle + 1 } else { high = middle }
        }
        var matches: [UInt32] = []
        var index = low
        while index < order.count, terms[Int(order[index])].utf8.starts(with: key) {
            if postings[Int(order[index])].count > 0 { matches.append(order[index]) }
            index += 1
        }
        let matched = matches.count
        if matches.count > limit {
            matches.sort { postings[Int($0)].count > postings[Int($1)].count }
            matches.removeLast(matches.count - limit)
        }
        return (matches, matched)
    }

    func termIDsSortedByBytes() -> [UInt32] {
        (0..<UInt32(terms.count)).sorted { terms[Int($0)].utf8.lexicographicallyPrecedes(terms[Int($1)].utf8) }
    }

    /// Sorts the dictionary for prefix queries now rather than at the first prefix query.
    public mutating func prepareForPrefixQueries() {
        if sortedTermOrder == nil { sortedTermOrder = termIDsSortedByBytes() }
    }

    // MARK: Evaluation

    /// The documents a party or account filter allows, newest last; nil without such a filter.
    func candidateList(_ filter: SearchFilter) -> [UInt32]? {
        var lists: [[UInt32]] = []
        if let party = filter.party { lists.append(partyIDs[party].map { partyDocs[Int($0)] } ?? []) }
        if let account = filter.account { lists.append(accountIDs[account].map { accountDocs[Int($0)] } ?? []) }
        guard let first = lists.min(by: { $0.count < $1.count }) else { return nil }
        return first
    }

    var liveDocumentCount: Int { documentCount }

    var indexedLanguageNames: [String] { languageNames }

    func postings(of term: String) -> Postings? {
        guard let id = termIDs[term] else { return nil }
        return postings[Int(id)]
    }

    func expand(prefix: String, limit: Int) -> (terms: [(term: String, postings: Postings)], matched: Int) {
        let matches = expand(prefix: prefix, keeping: limit)
        return (matches.kept.map { (terms[Int($0)], postings[Int($0)]) }, matches.matched)
    }

    func documentPredicate(_ filter: SearchFilter) -> IndexPredicate { IndexPredicate(index: self, filter: filter) }

    func documents(before: UInt32?, limit: Int) -> [UInt32] {
        var result: [UInt32] = []
        var slot = min(Int(before ?? UInt32.max), alive.count) - 1
        while slot >= 0, result.count < limit {
            if alive[slot] { result.append(UInt32(slot)) }
            slot -= 1
        }
        return result
    }

    func documentKey(_ doc: UInt32) -> String? {
        let slot = Int(doc)
        return slot < keys.count && alive[slot] ? keys[slot] : nil
    }
}

/// The filters that are checked per document (party and account choose the candidates).
struct IndexPredicate: DocumentPredicate {
    let alive: [Bool]
    let party: UInt32?
    let account: UInt32?
    let statuses: Set<ThreadStatus>?
    let threadOf: [UInt64]
    let threadStatus: [UInt64: ThreadStatus]
    let channelCodes: Set<UInt8>?
    let languageCodes: Set<UInt8>?
    let from: Int64?
    let until: Int64?
    let partyOf: [UInt32]
    let accountOf: [UInt32]
    let channelOf: [UInt8]
    let languageOf: [UInt8]
    let dateOf: [Int64]

    init(index: InvertedIndex, filter: SearchFilter) {
        alive = index.alive
        party = filter.party.map { index.partyIDs[$0] ?? UInt32.max }
        account = filter.account.map { index.accountIDs[$0] ?? UInt32.max }
        statuses = filter.statuses
        threadOf = index.threadOf
        threadStatus = index.threadStatus
        channelCodes = filter.channels.map { Set($0.compactMap { index.channels[$0] }) }
        languageCodes = filter.languages.map { Set($0.compactMap { index.languages[AnalyzerRegistry.primarySubtag($0)] }) }
        from = filter.from.map { Int64($0.timeIntervalSince1970.rounded(.up)) }
        until = filter.until.map { Int64($0.timeIntervalSince1970.rounded(.up)) }
        partyOf = index.partyOf
        accountOf = index.accountOf
        channelOf = index.channelOf
        languageOf = index.languageOf
        dateOf = index.dateOf
    }

    func accepts(_ doc: UInt32) -> Bool {
        let slot = Int(doc)
        guard slot < alive.count, alive[slot] else { return false }
        if let party, partyOf[slot] != party { return false }
        if let account, accountOf[slot] != account { return false }
        if let channelCodes, !channelCodes.contains(channelOf[slot]) { return false }
        if let languageCodes, !languageCodes.contains(languageOf[slot]) { return false }
        if let from, dateOf[slot] < from { return false }
        if let until, dateOf[slot] >= until { return false }
        if let statuses {
            guard let status = threadStatus[threadOf[slot]], statuses.contains(status) else { return false }
        }
        return true
    }
}

/// The best `capacity` (score, document) pairs: a binary min-heap. Ties go to the newer
/// (higher-numbered) document, which the backward walks see first.
struct TopK {
    struct Entry {
        var score: Double
        var doc: UInt32
    }

    let capacity: Int
    private(set) var entries: [Entry] = []

    init(capacity: Int) {
        self.capacity = capacity
        entries.reserveCapacity(capacity)
    }

    var isFull: Bool { entries.count >= capacity }
    var threshold: Double { entries.first?.score ?? -Double.infinity }

    /// Whether a score would enter (strictly better than the worst when full).
    func wouldAdmit(_ score: Double) -> Bool { !isFull || score > threshold }

    private static func worse(_ a: Entry, _ b: Entry) -> Bool { a.score < b.score || (a.score == b.score && a.doc < b.doc) }

    mutating func insert(score: Double, doc: UInt32) {
        let entry = Entry(score: score, doc: doc)
        if entries.count < capacity {
            entries.append(entry)
            var child = entries.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard Self.worse(entries[child], entries[parent]) else { break }
                entries.swapAt(child, parent)
                child = parent
            }
        } else if let worst = entries.first, Self.worse(worst, entry) {
            entries[0] = entry
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < entries.count, Self.worse(entries[left], entries[smallest]) { smallest = left }
                if right < entries.count, Self.worse(entries[right], entries[smallest]) { smallest = right }
                if smallest == parent { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
    }

    /// Best first.
    func sorted() -> [Entry] { entries.sorted { Self.worse($1, $0) } }
}
