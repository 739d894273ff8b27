import Conversation
import CustomerModel
import Foundation

/// A search request: the query text an agent or customer typed, filters, and how many hits.
///
/// The query language (see docs/Storage.md):
/// - `word` — every word must match (AND), after the language's analysis
///   (`returnera` finds `returnerade`);
/// - `"a phrase"` — the words next to each other, in this order;
/// - `retur*` — any indexed term starting with the folded prefix;
/// - `-word`, `-"a phrase"` — exclude messages that match;
/// - `a OR b` — either (binds tighter than AND: `refund OR return label` is
///   `(refund OR return) AND label`).
/// Everything else — parentheses, colons, `NEAR`, SQL — is text to analyze, never syntax.
public struct SearchQuery: Hashable, Sendable {
    /// The query text.
    public var text: String
    /// Restrictions every hit satisfies.
    public var filter: SearchFilter
    /// How many hits at most (1...1000).
    public var limit: Int
    /// The languages whose analyzers read the query words (BCP 47 tags). Nil: every
    /// language the index holds documents in, so a query finds each language's inflections.
    public var languages: [String]?

    /// A query; 20 hits by default.
    public init(_ text: String, filter: SearchFilter = SearchFilter(), limit: Int = 20, languages: [String]? = nil) {
        self.text = text
        self.filter = filter
        self.limit = limit
        self.languages = languages
    }
}

/// Restrictions on search hits. Every hit satisfies all of the given ones.
public struct SearchFilter: Hashable, Sendable {
    /// Only messages of this owning party (a customer, or an account).
    public var party: PartyID?
    /// Only messages whose owner belongs to this B2B account (the account itself or its stakeholders).
    public var account: PartyID?
    /// Only messages in threads with one of these statuses (the status now, not when indexed).
    public var statuses: Set<ThreadStatus>?
    /// Only messages on these channels (``Channel/searchName``: `email`, `chat`, `phone`, …).
    public var channels: Set<String>?
    /// Only messages in these languages (primary subtags: `sv`, `fi`).
    public var languages: Set<String>?
    /// Only messages sent at or after this instant.
    public var from: Date?
    /// Only messages sent before this instant.
    public var until: Date?

    /// A filter; no restriction by default.
    public init(
        party: PartyID? = nil, account: PartyID? = nil, statuses: Set<ThreadStatus>? = nil,
        channels: Set<String>? = nil, languages: Set<String>? = nil, from: Date? = nil, until: Date? = nil
    ) {
        self.party = party
        self.account = account
        self.statuses = statuses
        self.channels = channels
        self.languages = languages
        self.from = from
        self.until = until
    }
}

/// Why a query cannot run. Hostile or odd input never gets further than this.
public enum SearchQueryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nothing searchable is left once punctuation and operators are set aside (`*`, `""`, `()`).
    case noSearchableTerms
    /// Only exclusions (`-refund`): say what to find, not only what to leave out.
    case onlyExclusions
    /// The query text is longer than the limit (bytes of UTF-8).
    case tooLong(maxBytes: Int)
    /// More clauses or alternatives than the limit.
    case tooManyTerms(max: Int)
    /// The hit limit is outside 1...1000.
    case invalidLimit(Int)

    public var description: String {
        switch self {
        case .noSearchableTerms: "the query has no words to search for"
        case .onlyExclusions: "the query only excludes words; add a word to find"
        case .tooLong(let max): "the query is longer than \(max) bytes"
        case .tooManyTerms(let max): "the query has more than \(max) terms"
        case .invalidLimit(let limit): "limit \(limit) is outside 1...1000"
        }
    }
}

/// One piece of a parsed query.
public enum QueryAtom: Hashable, Sendable {
    /// A word, analyzed like indexed text.
    case word(String)
    /// A prefix (`retur*` → `retur`), folded like indexed text, matched against index terms.
    case prefix(String)
    /// Words that must stand next to each other in this order.
    case phrase([String])
}

/// A clause: alternatives joined by OR, optionally excluded.
public struct QueryClause: Hashable, Sendable {
    /// True for `-word`: hits must not match.
    public var excluded: Bool
    /// At least one must match.
    public var alternatives: [QueryAtom]

    /// A clause.
    public init(excluded: Bool, alternatives: [QueryAtom]) {
        self.excluded = excluded
        self.alternatives = alternatives
    }
}

/// The syntax tree of a query: clauses joined by AND.
public struct ParsedQuery: Hashable, Sendable {
    /// The longest query text accepted, in UTF-8 bytes.
    public static let maxBytes = 2048
    /// The most atoms accepted.
    public static let maxAtoms = 32

    /// The clauses, all of which must hold.
    public var clauses: [QueryClause]

    /// Parses query text. Never fails on syntax: unbalanced quotes close at the end,
    /// a lone `-`, `*` or `OR` is ignored.
    ///
    /// - Throws: ``SearchQueryError/tooLong(maxBytes:)`` or ``SearchQueryError/tooManyTerms(max:)``.
    public init(parsing text: String) throws(SearchQueryError) {
        guard text.utf8.count <= Self.maxBytes else { throw .tooLong(maxBytes: Self.maxBytes) }
        var clauses: [QueryClause] = []
        var pendingOr = false
        var atoms = 0
        for token in Self.lex(text) {
            if token.isOperatorOr {
                pendingOr = !clauses.isEmpty
                continue
            }
            guard let atom = token.atom else { continue }
            atoms += 1
            guard atoms <= Self.maxAtoms else { throw .tooManyTerms(max: Self.maxAtoms) }
            if pendingOr, !token.excluded, let last = clauses.indices.last, !clauses[last].excluded {
                clauses[last].alternatives.append(atom)
            } else {
                clauses.append(QueryClause(excluded: token.excluded, alternatives: [atom]))
            }
            pendingOr = false
        }
        self.clauses = clauses
    }

    private struct Token {
        var text: String
        var quoted: Bool
        var excluded: Bool

        var isOperatorOr: Bool { !quoted && !excluded && text == "OR" }

        var atom: QueryAtom? {
            if quoted {
                let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
                if words.isEmpty { return nil }
                return words.count == 1 ? .word(words[0]) : .phrase(words)
            }
            if text.hasSuffix("*") {
                var stem = Substring(text)
                while stem.last == "*" { stem.removeLast() }
                return stem.isEmpty ? nil : .prefix(String(stem))
            }
            return text.isEmpty ? nil : .word(text)
        }
    }

    private static func lex(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var excluded = false
        var inQuotes = false
        func flush(quoted: Bool) {
            if !current.isEmpty || quoted { tokens.append(Token(text: current, quoted: quoted, excluded: excluded)) }
            current = ""
            excluded = false
        }
        for character in text {
            if inQuotes {
                if character == "\"" {
                    inQuotes = false
                    flush(quoted: true)
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                if !current.isEmpty { flush(quoted: false) }
                inQuotes = true
            } else if character.isWhitespace {
                flush(quoted: false)
            } else if character == "-", current.isEmpty {
                excluded = true
            } else {
                current.append(character)
            }
        }
        if inQuotes { flush(quoted: true) } else { flush(quoted: false) }
        return tokens
    }
}

extension Channel {
    /// The channel's name in search filters and stored rows: `email`, `chat`, `phone`,
    /// `social`, `sms`, `web_form`, `chatbot`.
    public var searchName: String {
        switch self {
        case .email: "email"
        case .chat: "chat"
        case .phone: "phone"
        case .social: "social"
        case .sms: "sms"
        case .webForm: "web_form"
        case .chatbot: "chatbot"
        }
    }
}

/// A stretch of a hit's text around the matches, with the matches marked.
public struct Snippet: Hashable, Sendable, Codable {
    /// The excerpt (with `…` where it was cut).
    public var text: String
    /// The matched words, as UTF-8 offset ranges into ``text``.
    public var highlights: [Range<Int>]

    /// A snippet.
    public init(text: String, highlights: [Range<Int>]) {
        self.text = text
        self.highlights = highlights
    }

    /// The excerpt with each match wrapped in `open` and `close` (`«refund»`).
    public func marked(open: String = "«", close: String = "»") -> String {
        let bytes = Array(text.utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + highlights.count * 4)
        var cursor = 0
        for range in highlights where range.lowerBound >= cursor && range.upperBound <= bytes.count {
            out += bytes[cursor..<range.lowerBound]
            out += Array(open.utf8)
            out += bytes[range]
            out += Array(close.utf8)
            cursor = range.upperBound
        }
        out += bytes[cursor...]
        return String(decoding: out, as: UTF8.self)
    }
}

/// A message found by a search.
/// A search's hits, with what the answer should say about how the query was read (for
/// example that a prefix matched more terms than one query searches).
public struct SearchReport: Hashable, Sendable {
    /// The hits, best first.
    public var hits: [SearchHit]
    /// Notes for the person who asked, in English.
    public var notes: [String]

    /// A report.
    public init(hits: [SearchHit], notes: [String]) {
        self.hits = hits
        self.notes = notes
    }
}

public struct SearchHit: Hashable, Sendable {
    /// The message.
    public var message: MessageID
    /// Its thread.
    public var thread: ThreadID?
    /// The party that owns its thread.
    public var party: PartyID?
    /// BM25 relevance; higher is better. Comparable within one result list only.
    public var score: Double
    /// The text around the matches.
    public var snippet: Snippet

    /// A hit.
    public init(message: MessageID, thread: ThreadID?, party: PartyID?, score: Double, snippet: Snippet) {
        self.message = message
        self.thread = thread
        self.party = party
        self.score = score
        self.snippet = snippet
    }
}

/// A knowledge-base article found by a search or a suggestion.
public struct ArticleHit: Hashable, Sendable {
    /// The article's id.
    public var id: String
    /// Its locale.
    public var locale: String
    /// Its title.
    public var title: String
    /// BM25 relevance; higher is better.
    public var score: Double
    /// The text around the matches.
    public var snippet: Snippet

    /// A hit.
    public init(id: String, locale: String, title: String, score: Double, snippet: Snippet) {
        self.id = id
        self.locale = locale
        self.title = title
        self.score = score
        self.snippet = snippet
    }
}
