import Conversation
import CustomerModel
import Foundation
import Localization

/// The search side of a store, shared by every backend: the message index, the
/// knowledge-base index, and how queries, snippets and suggestions are put together.
/// Backends own persistence; this type owns no I/O (texts come in through closures).
public struct SupportSearch: Sendable {
    /// Messages.
    public var messages: InvertedIndex
    /// Knowledge-base articles.
    public var articles: InvertedIndex

    /// Empty indexes analyzing text with `analyzers`.
    public init(analyzers: AnalyzerRegistry = .standard) {
        messages = InvertedIndex(analyzers: analyzers)
        articles = InvertedIndex(analyzers: analyzers)
    }

    /// Runs a message query. `lookup` returns the full text, language, thread and party of a
    /// message key (nil when it is gone).
    public func searchMessages(
        _ query: SearchQuery, lookup: (String) -> (document: SearchDocument, thread: ThreadID?)?
    ) throws(StorageError) -> [SearchHit] {
        let found = try Self.rank(query, in: messages) { lookup($0)?.document.fullText }
        return found.hits.compactMap { hit in
            guard let stored = lookup(hit.key) else { return nil }
            let snippet = messages.snippet(
                of: stored.document.fullText, language: stored.document.language, highlighting: found.highlightTerms)
            return SearchHit(
                message: MessageID(hit.key), thread: stored.thread, party: stored.document.party, score: hit.score,
                snippet: snippet)
        }
    }

    /// Runs a knowledge-base query; `lookup` returns an article by ``KnowledgeArticle/storageKey``.
    public func searchArticles(_ query: SearchQuery, lookup: (String) -> KnowledgeArticle?) throws(StorageError)
        -> [ArticleHit]
    {
        let found = try Self.rank(query, in: articles) { lookup($0).map { SearchDocument(article: $0).fullText } }
        return found.hits.compactMap { hit in
            guard let article = lookup(hit.key) else { return nil }
            return articleHit(article, score: hit.score, highlighting: found.highlightTerms)
        }
    }

    /// Articles for an incoming message: its most distinctive words (highest idf in the
    /// knowledge base, at most 12) ranked as an OR query, articles in the message's
    /// language first, then the rest.
    public func suggestArticles(for message: SupportMessage, limit: Int, lookup: (String) -> KnowledgeArticle?)
        -> [ArticleHit]
    {
        guard limit > 0 else { return [] }
        let language = message.language ?? "und"
        let analyzer = articles.analyzers.analyzer(for: language)
        var seen = Set<UInt32>()
        var candidates: [UInt32] = []
        for token in analyzer.tokens(in: message.subject + "\n" + message.text) {
            if let id = articles.termIDs[token.term], seen.insert(id).inserted { candidates.append(id) }
        }
        candidates.sort { articles.postings[Int($0)].count < articles.postings[Int($1)].count }
        let chosen = Array(candidates.prefix(12))
        let highlight = Set(chosen.map { articles.terms[Int($0)] })
        let primary = AnalyzerRegistry.primarySubtag(language)
        let ranked = articles.disjunction(chosen, limit: limit * 4)
        let preferred = ranked.filter { articles.languageName(of: $0.doc) == primary }
        let others = ranked.filter { articles.languageName(of: $0.doc) != primary }
        return (preferred + others).prefix(limit).compactMap { hit in
            lookup(hit.key).map { articleHit($0, score: hit.score, highlighting: highlight) }
        }
    }

    /// Parses and ranks a query; both kinds of syntax trouble become ``StorageError/invalidQuery(_:)``.
    private static func rank(_ query: SearchQuery, in index: InvertedIndex, text: (String) -> String?) throws(StorageError)
        -> (hits: [RankedDocument], highlightTerms: Set<String>)
    {
        do {
            let parsed = try ParsedQuery(parsing: query.text)
            return try index.search(parsed, limit: query.limit, filter: query.filter, languages: query.languages, text: text)
        } catch { throw .invalidQuery(error) }
    }

    private func articleHit(_ article: KnowledgeArticle, score: Double, highlighting terms: Set<String>) -> ArticleHit {
        let snippet = articles.snippet(of: article.body, language: article.locale, highlighting: terms)
        return ArticleHit(id: article.id, locale: article.locale, title: article.title, score: score, snippet: snippet)
    }
}

extension InvertedIndex {
    /// Exhaustive OR ranking of the given terms (BM25 summed over the terms a document has);
    /// meant for small collections such as a knowledge base.
    func disjunction(_ termList: [UInt32], limit: Int) -> [RankedDocument] {
        var scores: [UInt32: Double] = [:]
        for term in termList {
            let list = postings[Int(term)]
            let weight = idf(list.count) * (Self.k1 + 1) / 255
            for index in list.docs.indices { scores[list.docs[index], default: 0] += weight * Double(list.impacts[index]) }
        }
        var heap = TopK(capacity: max(1, limit))
        for (doc, score) in scores where alive[Int(doc)] { heap.insert(score: score, doc: doc) }
        return heap.sorted().map { RankedDocument(doc: $0.doc, key: keys[Int($0.doc)], score: $0.score) }
    }
}
