import Conversation
import CustomerModel
import Foundation
import Localization

/// A document to index: a message (subject and text) or an article (title and body).
public struct SearchDocument: Hashable, Sendable {
    /// The store's key: the message id, or ``KnowledgeArticle/storageKey``.
    public var key: String
    /// Text indexed with extra weight (a subject, an article title): its terms count twice.
    public var title: String
    /// The body text.
    public var body: String
    /// The text's language (BCP 47); nil or unknown languages use the neutral analyzer.
    public var language: String?
    /// The owning party.
    public var party: PartyID?
    /// The B2B account the owner belongs to.
    public var account: PartyID?
    /// The thread.
    public var thread: ThreadID?
    /// ``Channel/searchName``.
    public var channel: String?
    /// When it was sent or last changed.
    public var date: Date

    /// A document.
    public init(
        key: String, title: String = "", body: String, language: String?, party: PartyID? = nil,
        account: PartyID? = nil, thread: ThreadID? = nil, channel: String? = nil, date: Date
    ) {
        self.key = key
        self.title = title
        self.body = body
        self.language = language
        self.party = party
        self.account = account
        self.thread = thread
        self.channel = channel
        self.date = date
    }

    /// The document for a stored message.
    public init(message: SupportMessage, thread: ThreadID, account: PartyID?) {
        self.init(
            key: message.id.rawValue, title: message.subject, body: message.text, language: message.language,
            party: message.party, account: account, thread: thread, channel: message.channel.searchName,
            date: message.sentAt)
    }

    /// The document for an article.
    public init(article: KnowledgeArticle) {
        self.init(
            key: article.storageKey, title: article.title,
            body: article.body + (article.tags.isEmpty ? "" : "\n" + article.tags.sorted().joined(separator: " ")),
            language: article.locale, date: article.updatedAt)
    }

    /// Title and body as one text, the way snippets and phrase checks read it.
    public var fullText: String { title.isEmpty ? body : title + "\n" + body }
}

/// A ranked result of ``InvertedIndex/search(_:limit:filter:languages:text:)`` before snippets.
public struct RankedDocument: Hashable, Sendable {
    /// The document number.
    public var doc: UInt32
    /// The document's key.
    public var key: String
    /// BM25 score.
    public var score: Double
}

/// SupportKit's search engine: an inverted index held in memory, scored in Swift with BM25,
/// with block-max pruning so that top-k queries skip most postings of common terms.
///
/// Documents are numbered by the caller in increasing order (a store's row id). Each term's
/// posting list keeps, per document, a quantized BM25 term weight (tf and length
/// normalisation, k1 = 1.2, b = 0.75, 8 bits); the idf is applied at query time so it stays
/// current. Filters by party or account start from that party's documents, so they cost
/// O(documents of the party × terms × log n), whatever the corpus size.
///
/// A value type: stores keep one behind a lock and persist it (``snapshot()``) beside their rows.
/// Why this and not FTS5's `bm25()`: docs/Storage.md.
public struct InvertedIndex: Sendable {
    static let k1 = 1.2
    static let b = 0.75

    let analyzers: AnalyzerRegistry

    // Term dictionary and postings.
    var termIDs = TermDictionary()
    var terms: [String] = []
    var postings: [Postings] = []
    /// Per term: changed since the last ``markPersisted()`` (and then listed in `dirtyList`).
    var dirtyFlags: [Bool] = []
    var dirtyList: [UInt32] = []
    /// Terms that erasure emptied, by name, until a store deleted their persisted rows.
    var removedTermNames: [String] = []
    /// Terms whose postings changed since the last ``markPersisted()``.
    public var dirtyTerms: Set<UInt32> { Set(dirtyList) }
    var sortedTermOrder: [UInt32]? = nil

    // Per-document columns, indexed by document number.
    var keys: [String] = []
    var alive: [Bool] = []
    var partyOf: [UInt32] = []
    var accountOf: [UInt32] = []
    var threadOf: [UInt64] = []
    var channelOf: [UInt8] = []
    var languageOf: [UInt8] = []
    var dateOf: [Int64] = []
    var docNumbers: [String: UInt32] = [:]

    // Interned filter values (0 = none).
    var partyIDs: [PartyID: UInt32] = [:]
    var partyDocs: [[UInt32]] = [[]]
    var accountIDs: [PartyID: UInt32] = [:]
    var accountDocs: [[UInt32]] = [[]]
    var channels: [String: UInt8] = [:]
    var languages: [String: UInt8] = [:]
    var languageNames: [String] = []
    var threadStatus: [UInt64: ThreadStatus] = [:]

    /// Live documents.
    public private(set) var documentCount = 0
    var totalLength = 0
    /// The highest document number indexed so far (0 before the first).
    public private(set) var lastDocument: UInt32 = 0

    /// An empty index analyzing text with `analyzers`.
    public init(analyzers: AnalyzerRegistry = .standard) {
        self.analyzers = analyzers
    }

    /// Distinct terms in the dictionary.
    public var termCount: Int { terms.count }

    /// Postings held, over all terms.
    public var postingCount: Int { postings.reduce(0) { $0 + $1.count } }

    /// The document number of a key, if indexed and not removed.
    public func documentNumber(of key: String) -> UInt32? { docNumbers[key] }

    // MARK: Adding

    /// Indexes a document under `number`, which must exceed every number used before.
    ///
    /// - Returns: false (and changes nothing) when `number` is not above ``lastDocument``
    ///   or the key is already indexed.
    @discardableResult
    public mutating func add(_ document: SearchDocument, number: UInt32) -> Bool {
        add(analyze(document), number: number)
    }

    /// A document analyzed for ``add(_:number:)``: its term ids (into this index's dictionary)
    /// and its length in terms. A store analyzes before it writes the row (the row keeps the
    /// length) and adds after, so the text is analyzed once.
    public struct AnalyzedDocument: Sendable {
        /// The document.
        public let document: SearchDocument
        /// Term ids, title terms twice.
        let terms: [UInt32]
        /// The number of terms (title terms once): what BM25 normalises by.
        public let length: Int
    }

    /// Analyzes a document; new terms enter the dictionary (with no postings until a document
    /// that has them is added).
    public mutating func analyze(_ document: SearchDocument) -> AnalyzedDocument {
        let analyzer = analyzers.analyzer(for: document.language ?? "und")
        var termList: [UInt32] = []
        termList.reserveCapacity(document.body.utf8.count / 4 + document.title.utf8.count / 2 + 8)
        var length = 0
        collect(document.title, weight: 2, analyzer, into: &termList, length: &length)
        collect(document.body, weight: 1, analyzer, into: &termList, length: &length)
        return AnalyzedDocument(document: document, terms: termList, length: length)
    }

    /// Indexes an analyzed document under `number`, which must exceed every number used before.
    ///
    /// - Returns: false (and changes nothing) when `number` is not above ``lastDocument``
    ///   or the key is already indexed.
    @discardableResult
    public mutating func add(_ analyzed: AnalyzedDocument, number: UInt32) -> Bool {
        let document = analyzed.document
        guard number > lastDocument || (number == 0 && keys.isEmpty), docNumbers[document.key] == nil else {
            return false
        }
        setColumns(document, number: number)
        addPostings(analyzed, number: number)
        return true
    }

    /// Counts a document and appends its postings, leaving the per-document columns alone (a
    /// segment builder keeps no columns: the store's rows are them).
    mutating func addPostings(_ analyzed: AnalyzedDocument, number: UInt32) {
        var termList = analyzed.terms
        let length = analyzed.length
        documentCount += 1
        totalLength += length
        termList.sort()
        let averageLength = Double(totalLength) / Double(documentCount)
        let norm = Self.k1 * (1 - Self.b + Self.b * Double(max(length, 1)) / max(averageLength, 1))
        var index = 0
        while index < termList.count {
            let term = termList[index]
            var tf = 0
            while index < termList.count, termList[index] == term {
                tf += 1
                index += 1
            }
            let weight = Double(tf) * (Self.k1 + 1) / (Double(tf) + norm)
            let impact = UInt8(max(1, min(255, (weight / (Self.k1 + 1) * 255).rounded())))
            postings[Int(term)].append(doc: number, impact: impact)
            markDirty(term)
        }
    }

    /// Starts the BM25 length statistics where an earlier part of the corpus left them, so a
    /// builder of a later segment computes the impacts a single index would have.
    mutating func continueStatistics(documents: Int, totalLength: Int) {
        documentCount = documents
        self.totalLength = totalLength
    }

    /// Appends the term ids of `text` (each `weight` times) and counts its terms.
    private mutating func collect(
        _ text: String, weight: Int, _ analyzer: any TextAnalyzer, into termList: inout [UInt32], length: inout Int
    ) {
        guard !text.isEmpty else { return }
        var text = text
        if let standard = analyzer as? StandardTextAnalyzer {
            // Terms arrive as bytes: a known term costs one hash probe, no String.
            var count = 0
            text.withUTF8 { utf8 in
                standard.forEachTerm(inUTF8: utf8) { term, _, _, _ in
                    let id = termIDs.id(of: term) ?? internNew(term)
                    termList.append(id)
                    if weight == 2 { termList.append(id) }
                    count += 1
                }
            }
            length += count
        } else {
            for token in analyzer.tokens(in: text) {
                let id = internTerm(token.term)
                for _ in 0..<weight { termList.append(id) }
                length += 1
            }
        }
    }

    private mutating func markDirty(_ term: UInt32) {
        if !dirtyFlags[Int(term)] {
            dirtyFlags[Int(term)] = true
            dirtyList.append(term)
        }
    }

    private mutating func internTerm(_ term: String) -> UInt32 {
        var term = term
        return term.withUTF8 { bytes in termIDs.id(of: bytes) ?? internNew(bytes) }
    }

    /// Adds a term that is not in the dictionary.
    private mutating func internNew(_ term: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let id = UInt32(terms.count)
        termIDs.insert(term, id: id)
        terms.append(String(decoding: term, as: UTF8.self))
        postings.append(Postings())
        dirtyFlags.append(false)
        sortedTermOrder = nil
        return id
    }

    private mutating func setColumns(_ document: SearchDocument, number: UInt32) {
        let slot = Int(number)
        if keys.count <= slot {
            let grow = slot + 1 - keys.count
            keys.append(contentsOf: repeatElement("", count: grow))
            alive.append(contentsOf: repeatElement(false, count: grow))
            partyOf.append(contentsOf: repeatElement(0, count: grow))
            accountOf.append(contentsOf: repeatElement(0, count: grow))
            threadOf.append(contentsOf: repeatElement(0, count: grow))
            channelOf.append(contentsOf: repeatElement(0, count: grow))
            languageOf.append(contentsOf: repeatElement(0, count: grow))
            dateOf.append(contentsOf: repeatElement(0, count: grow))
        }
        keys[slot] = document.key
        alive[slot] = true
        docNumbers[document.key] = number
        lastDocument = max(lastDocument, number)
        if let party = document.party {
            let id = Self.intern(party, in: &partyIDs, lists: &partyDocs)
            partyOf[slot] = id
            partyDocs[Int(id)].append(number)
        }
        if let account = document.account {
            let id = Self.intern(account, in: &accountIDs, lists: &accountDocs)
            accountOf[slot] = id
            accountDocs[Int(id)].append(number)
        }
        threadOf[slot] = document.thread?.rawValue ?? 0
        if let channel = document.channel { channelOf[slot] = Self.code(channel, in: &channels) }
        let language = AnalyzerRegistry.primarySubtag(document.language ?? "und")
        if languages[language] == nil { languageNames.append(language) }
        languageOf[slot] = Self.code(language, in: &languages)
        dateOf[slot] = Int64(document.date.timeIntervalSince1970.rounded(.down))
    }

    private static func intern(_ party: PartyID, in table: inout [PartyID: UInt32], lists: inout [[UInt32]]) -> UInt32 {
        if let id = table[party] { return id }
        let id = UInt32(lists.count)
        table[party] = id
        lists.append([])
        return id
    }

    private static func code(_ value: String, in table: inout [String: UInt8]) -> UInt8 {
        if let code = table[value] { return code }
        // 255 distinct channels or languages is far past any desk; the rest share the last code.
        let code = UInt8(min(table.count + 1, 255))
        table[value] = code
        return code
    }

    /// Files an indexed document under another thread (a merge or split moved its message), so
    /// status filters follow it. Unknown keys are ignored.
    public mutating func setThread(_ thread: ThreadID, ofKey key: String) {
        guard let number = docNumbers[key], Int(number) < threadOf.count else { return }
        threadOf[Int(number)] = thread.rawValue
    }

    /// Records a thread's current status, for status filters.
    public mutating func setStatus(_ status: ThreadStatus, of thread: ThreadID) {
        threadStatus[thread.rawValue] = status
    }

    /// Removes documents (erasure): their postings are deleted, and terms that no other
    /// document uses leave the dictionary. Document numbers are never reused.
    public mutating func remove(keys removedKeys: [String]) {
        var removed = Set<UInt32>()
        for key in removedKeys {
            guard let number = docNumbers.removeValue(forKey: key) else { continue }
            removed.insert(number)
            let slot = Int(number)
            alive[slot] = false
            keys[slot] = ""
            documentCount -= 1
        }
        guard !removed.isEmpty else { return }
        for list in partyDocs.indices { partyDocs[list].removeAll { removed.contains($0) } }
        for list in accountDocs.indices { accountDocs[list].removeAll { removed.contains($0) } }
        var emptied: [UInt32] = []
        for term in postings.indices where postings[term].docs.contains(where: removed.contains) {
            postings[term].remove(removed)
            markDirty(UInt32(term))
            if postings[term].count == 0 { emptied.append(UInt32(term)) }
        }
        // A term only the removed documents used is their text: it leaves memory now, and its
        // name waits (for a store to delete its persisted row) only until `markPersisted()`.
        for term in emptied {
            termIDs.remove(id: term)
            removedTermNames.append(terms[Int(term)])
            terms[Int(term)] = ""
        }
        sortedTermOrder = nil
    }

    // MARK: Persistence

    /// A persisted posting list: the term, its document numbers (delta varints) and impacts.
    public struct PersistedTerm: Sendable, Hashable {
        /// The term.
        public var term: String
        /// How many postings.
        public var count: Int
        /// ``PostingsCoding`` bytes of the document numbers.
        public var docs: [UInt8]
        /// One impact byte per posting.
        public var impacts: [UInt8]

        /// A persisted list, as read back from a store.
        public init(term: String, count: Int, docs: [UInt8], impacts: [UInt8]) {
            self.term = term
            self.count = count
            self.docs = docs
            self.impacts = impacts
        }
    }

    /// The dirty terms' posting lists for persistence; a term with no postings left has
    /// `count == 0` (delete it).
    public func persistedDirtyTerms() -> [PersistedTerm] {
        let changed = dirtyList.sorted().compactMap { term -> PersistedTerm? in
            let list = postings[Int(term)]
            guard list.count > 0 else { return nil }
            return PersistedTerm(
                term: terms[Int(term)], count: list.count, docs: PostingsCoding.encodeDocs(list.docs),
                impacts: list.impacts)
        }
        // Deletions first: a term erasure emptied may be back under a new id with new postings.
        return removedTermNames.map { PersistedTerm(term: $0, count: 0, docs: [], impacts: []) } + changed
    }

    /// Forgets which terms changed, after a store wrote ``persistedDirtyTerms()``.
    public mutating func markPersisted() {
        for term in dirtyList { dirtyFlags[Int(term)] = false }
        dirtyList.removeAll(keepingCapacity: true)
        removedTermNames.removeAll()
    }

    /// Restores a persisted index: the documents' columns (in increasing number), then the
    /// posting lists. Nothing is re-analyzed.
    ///
    /// - Returns: nil when a posting list is damaged or names a document not given.
    public static func restore(
        analyzers: AnalyzerRegistry, documents: [(number: UInt32, document: SearchDocument, length: Int)],
        terms persisted: [PersistedTerm]
    ) -> InvertedIndex? {
        var index = InvertedIndex(analyzers: analyzers)
        for entry in documents {
            guard entry.number > index.lastDocument || index.keys.isEmpty else { return nil }
            index.setColumns(entry.document, number: entry.number)
            index.documentCount += 1
            index.totalLength += entry.length
        }
        for term in persisted where term.count > 0 {
            guard term.impacts.count == term.count,
                let docs = PostingsCoding.decodeDocs(term.docs, expectedCount: term.count),
                docs.allSatisfy({ Int($0) < index.alive.count && index.alive[Int($0)] })
            else { return nil }
            let id = index.internTerm(term.term)
            var list = Postings()
            list.docs.reserveCapacity(docs.count)
            list.impacts.reserveCapacity(docs.count)
            for position in docs.indices { list.append(doc: docs[position], impact: term.impacts[position]) }
            index.postings[Int(id)] = list
        }
        return index
    }
}
