import BenchmarkRandom
import Foundation

/// A deterministic multilingual message corpus and query set for the search benchmarks.
///
/// Vocabulary: each language's word list from Debian's `snowball-data`
/// (`/usr/share/snowball/data/<language>/voc.txt`), kept to words made only of letters (so
/// every engine's tokenizer sees one token per word), shuffled with the seed; word ranks
/// follow a Zipf law (s = `zipfExponent`) over that shuffled list.
///
/// Parties: `partyCount` parties, each writing in one language (weights in ``languageWeights``).
/// Which party writes a message is Zipf-distributed too (s = 0.5 over the parties in a shuffled
/// order: the busiest party writes ~0.1 % of the messages, the quietest a few).
/// Messages: `messageCount` of 25–55 words (uniform), in the party's language, lower-case
/// words separated by spaces with a full stop at the end.
///
/// Queries (seeded separately): for each class (1, 2, 3 terms), `queriesPerClass` draws;
/// each draw picks a message uniformly at random, then that many distinct words from it by
/// picking token positions uniformly (so a word is drawn in proportion to its count in the
/// message: frequency-weighted, like a log of real queries, common words included). Each draw
/// gives two queries with the same terms: unfiltered, and filtered by the message's party.
/// Every query therefore has at least one hit (the message it was drawn from).
public struct SearchWorkload: Sendable {
    /// The languages, with the share of parties writing in each.
    public static let languageWeights: [(code: String, snowball: String, weight: Double)] = [
        ("en", "english", 0.25), ("sv", "swedish", 0.15), ("de", "german", 0.15), ("fr", "french", 0.10),
        ("es", "spanish", 0.10), ("it", "italian", 0.09), ("fi", "finnish", 0.08), ("da", "danish", 0.08),
    ]
    /// The Zipf exponent of word ranks.
    public static let zipfExponent = 1.05

    /// One message.
    public struct Message: Sendable {
        /// Document number, 1...messageCount.
        public var doc: UInt32
        /// Party number, 1...partyCount (the party's id is `p<number>`).
        public var party: UInt32
        /// Index into ``SearchWorkload/languages``.
        public var language: UInt8
        /// The text.
        public var text: String
    }

    /// One query.
    public struct Query: Sendable {
        /// "1-term", "2-term" or "3-term".
        public var className: String
        /// The words, as they appear in the message they were drawn from.
        public var terms: [String]
        /// The party filter (`p<number>`), or nil.
        public var party: String?
        /// The language of the message the terms were drawn from.
        public var language: String
        /// The message the terms were drawn from.
        public var source: UInt32
        /// "<class>/unfiltered" or "<class>/party-filtered", as the peers script names buckets.
        public var bucket: String { "\(className)/\(party == nil ? "unfiltered" : "party-filtered")" }
    }

    /// Language codes, in ``languageWeights`` order.
    public let languages: [String]
    /// The messages, in document order.
    public private(set) var messages: [Message] = []
    /// The queries: per class, unfiltered/filtered pairs.
    public private(set) var queries: [Query] = []
    /// Vocabulary size per language (after the letters-only filter).
    public let vocabularySizes: [Int]

    /// Why a workload cannot be made.
    public enum LoadError: Error, CustomStringConvertible {
        /// A vocabulary file is missing or empty.
        case missingVocabulary(String)
        /// Human-readable.
        public var description: String {
            switch self {
            case .missingVocabulary(let path): "cannot read \(path): install Debian's snowball-data (scripts/install-deps.sh)"
            }
        }
    }

    /// Generates the corpus and the queries.
    public init(
        messageCount: Int, partyCount: Int = 200_000, queriesPerClass: Int = 300, seed: UInt64 = 5,
        vocabularyRoot: String = "/usr/share/snowball/data"
    ) throws(LoadError) {
        var rng = SplitMix64(seed: seed)
        languages = Self.languageWeights.map(\.code)
        var vocabularies: [[String]] = []
        for entry in Self.languageWeights {
            let path = "\(vocabularyRoot)/\(entry.snowball)/voc.txt"
            guard let data = FileManager.default.contents(atPath: path) else { throw .missingVocabulary(path) }
            var words = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
                .filter { !$0.isEmpty && $0.unicodeScalars.allSatisfy { $0.properties.isAlphabetic } }
            guard !words.isEmpty else { throw .missingVocabulary(path) }
            words.shuffle(using: &rng)
            vocabularies.append(words)
        }
        vocabularySizes = vocabularies.map(\.count)
        let wordSamplers = vocabularies.map { ZipfSampler(count: $0.count, exponent: Self.zipfExponent) }

        // Parties: a language each, and a Zipf activity over a shuffled order.
        let languageSampler = WeightedSampler(weights: Self.languageWeights.map(\.weight))
        var partyLanguage = [UInt8](repeating: 0, count: partyCount + 1)
        for party in 1...partyCount { partyLanguage[party] = UInt8(languageSampler.sample(using: &rng)) }
        var partyByRank = Array(1...UInt32(partyCount))
        partyByRank.shuffle(using: &rng)
        let partySampler = ZipfSampler(count: partyCount, exponent: 0.5)

        messages.reserveCapacity(messageCount)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        let encoded = vocabularies.map { $0.map { Array($0.utf8) } }
        for doc in 1...UInt32(messageCount) {
            let party = partyByRank[partySampler.sample(using: &rng)]
            let language = partyLanguage[Int(party)]
            let words = Int.random(in: 25...55, using: &rng)
            bytes.removeAll(keepingCapacity: true)
            for position in 0..<words {
                if position > 0 { bytes.append(0x20) }
                bytes.append(contentsOf: encoded[Int(language)][wordSamplers[Int(language)].sample(using: &rng)])
            }
            bytes.append(0x2E)
            messages.append(Message(doc: doc, party: party, language: language, text: String(decoding: bytes, as: UTF8.self)))
        }

        // Queries, from their own seed so the corpus size does not change how they are drawn.
        var queryRNG = SplitMix64(seed: seed &+ 0x5EA4C4)
        for termCount in 1...3 {
            let className = "\(termCount)-term"
            for _ in 0..<queriesPerClass {
                let message = messages[Int.random(in: 0..<messages.count, using: &queryRNG)]
                let tokens = message.text.dropLast().split(separator: " ").map(String.init)
                var chosen: [String] = []
                var attempts = 0
                while chosen.count < termCount, attempts < 1000 {
                    attempts += 1
                    let word = tokens[Int.random(in: 0..<tokens.count, using: &queryRNG)]
                    if !chosen.contains(word) { chosen.append(word) }
                }
                let language = languages[Int(message.language)]
                queries.append(Query(className: className, terms: chosen, party: nil, language: language, source: message.doc))
                queries.append(Query(className: className, terms: chosen, party: "p\(message.party)", language: language, source: message.doc))
            }
        }
    }

    /// The corpus as JSON Lines for scripts/search_peers.py: `{"doc", "party", "lang", "text"}`.
    public func forEachCorpusLine(_ body: (String) -> Void) {
        for message in messages {
            body("{\"doc\": \(message.doc), \"party\": \"p\(message.party)\", \"lang\": \"\(languages[Int(message.language)])\", \"text\": \"\(Self.escaped(message.text))\"}")
        }
    }

    /// The queries as JSON Lines: `{"class", "terms", "party", "lang"}` (the peers ignore `lang`).
    public func forEachQueryLine(_ body: (String) -> Void) {
        for query in queries {
            let terms = query.terms.map { "\"\(Self.escaped($0))\"" }.joined(separator: ", ")
            let party = query.party.map { "\"\($0)\"" } ?? "null"
            body("{\"class\": \"\(query.className)\", \"terms\": [\(terms)], \"party\": \(party), \"lang\": \"\(query.language)\", \"source\": \(query.source)}")
        }
    }

    static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}


/// Ranks 0..<count with P(rank r) ∝ 1 / (r + 1)^s, by binary search over the cumulative weights.
struct ZipfSampler: Sendable {
    let cumulative: [Double]

    init(count: Int, exponent: Double) {
        var total = 0.0
        var cumulative: [Double] = []
        cumulative.reserveCapacity(count)
        for rank in 1...count {
            total += 1 / pow(Double(rank), exponent)
            cumulative.append(total)
        }
        self.cumulative = cumulative.map { $0 / total }
    }

    func sample(using rng: inout some RandomNumberGenerator) -> Int {
        let u = Double.random(in: 0..<1, using: &rng)
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] <= u { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// An index drawn in proportion to fixed weights.
struct WeightedSampler: Sendable {
    let cumulative: [Double]

    init(weights: [Double]) {
        let total = weights.reduce(0, +)
        var sum = 0.0
        cumulative = weights.map { sum += $0 / total; return sum }
    }

    func sample(using rng: inout some RandomNumberGenerator) -> Int {
        let u = Double.random(in: 0..<1, using: &rng)
        return cumulative.firstIndex { u < $0 } ?? cumulative.count - 1
    }
}
