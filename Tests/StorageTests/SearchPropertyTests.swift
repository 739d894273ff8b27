import Conversation
import CustomerModel
import Foundation
import Localization
import Storage
import Testing
import TestSupport

@Suite("Search properties")
struct SearchPropertyTests {
    static let words = ["refund", "parcel", "order", "late", "broken", "return", "label", "invoice", "size", "colour",
                        "paketet", "returnera", "tilaus", "palautus", "lieferung", "rücksendung", "ordine", "reso"]

    /// A corpus of `count` documents over few words, so that scores tie often and lists are long.
    static func corpus(seed: UInt64, count: Int) -> InvertedIndex {
        var random = SplitMix64(seed: seed)
        var index = InvertedIndex()
        let languages = ["en", "sv", "fi", "de", "it"]
        for number in 1...count {
            let length = Int.random(in: 3...40, using: &random)
            let text = (0..<length).map { _ in
                // Skewed: low indexes are common, as in real text.
                words[min(words.count - 1, Int(Double(words.count) * pow(Double.random(in: 0..<1, using: &random), 2)))]
            }.joined(separator: " ")
            index.add(SearchDocument(
                key: "d\(number)", body: text, language: languages[number % languages.count],
                party: PartyID("p\(number % 37)"), thread: ThreadID(UInt64(number)), channel: number % 3 == 0 ? "chat" : "email",
                date: Date(timeIntervalSince1970: Double(number) * 60)), number: UInt32(number))
        }
        return index
    }

    static func randomQuery(_ random: inout SplitMix64) -> String {
        let terms = Int.random(in: 1...3, using: &random)
        return (0..<terms).map { _ in words[Int.random(in: 0..<words.count, using: &random)] }.joined(separator: " ")
    }

    /// Block-max pruning must not change the answer: the top k of a query equal the first k of
    /// the same query with a limit so large that nothing is pruned.
    @Test(arguments: [UInt64(1), 2, 3])
    func pruningNeverChangesTheTopK(seed: UInt64) throws {
        print("seed \(seed)")
        let index = Self.corpus(seed: seed, count: 3_000)
        var random = SplitMix64(seed: seed &* 7919)
        for _ in 0..<300 {
            let text = Self.randomQuery(&random)
            let query = try ParsedQuery(parsing: text)
            let k = Int.random(in: 1...25, using: &random)
            let pruned = try index.search(query, limit: k, filter: SearchFilter()).hits
            let full = try index.search(query, limit: 1000, filter: SearchFilter()).hits
            #expect(pruned.map(\.key) == Array(full.prefix(k)).map(\.key), "seed \(seed), query '\(text)', k \(k)")
            #expect(zip(pruned, full).allSatisfy { abs($0.score - $1.score) < 1e-9 })
        }
    }

    /// Whatever the query, every hit satisfies every filter, and the filtered answer is the
    /// unfiltered answer restricted to the filter (same order).
    @Test(arguments: [UInt64(11), 12])
    func filtersHoldAndAgreeWithTheUnfilteredAnswer(seed: UInt64) throws {
        print("seed \(seed)")
        let index = Self.corpus(seed: seed, count: 2_000)
        var random = SplitMix64(seed: seed &* 104_729)
        for _ in 0..<200 {
            let text = Self.randomQuery(&random)
            let query = try ParsedQuery(parsing: text)
            let party = PartyID("p\(Int.random(in: 0..<37, using: &random))")
            let from = Date(timeIntervalSince1970: Double(Int.random(in: 0..<1_000, using: &random)) * 60)
            let filters = [
                SearchFilter(party: party), SearchFilter(channels: ["chat"]), SearchFilter(languages: ["sv", "fi"]),
                SearchFilter(from: from, until: from.addingTimeInterval(600 * 60)),
                SearchFilter(party: party, channels: ["email"]),
            ]
            let everything = try index.search(query, limit: 1000, filter: SearchFilter()).hits
            for filter in filters {
                let hits = try index.search(query, limit: 1000, filter: filter).hits
                let expected = everything.filter { hit in
                    let number = Int(hit.key.dropFirst()) ?? 0
                    if let party = filter.party, party != PartyID("p\(number % 37)") { return false }
                    if let channels = filter.channels, !channels.contains(number % 3 == 0 ? "chat" : "email") { return false }
                    if let languages = filter.languages, !languages.contains(["en", "sv", "fi", "de", "it"][number % 5]) { return false }
                    if let from = filter.from, Double(number) * 60 < from.timeIntervalSince1970 { return false }
                    if let until = filter.until, Double(number) * 60 >= until.timeIntervalSince1970 { return false }
                    return true
                }
                // The unfiltered answer stops at 1,000 hits; the filtered one may reach further down.
                let complete = everything.count < 1000
                let agrees = complete ? hits.map(\.key) == expected.map(\.key)
                    : Array(hits.prefix(expected.count)).map(\.key) == expected.map(\.key)
                #expect(agrees, "seed \(seed), '\(text)', \(filter): \(hits.count) hits, \(expected.count) expected")
            }
        }
    }

    /// Random and hostile input never crashes the parser or the engine: a result or a typed error.
    @Test func fuzzedQueriesGetResultsOrTypedErrors() throws {
        let seed: UInt64 = 0xF00D
        print("seed \(seed)")
        let index = Self.corpus(seed: 5, count: 500)
        var random = SplitMix64(seed: seed)
        let alphabet = Array("\"*-()ORAND:^{}[]~'\\%_ \t\n\u{0}åäöéß🙂ab") + Self.words.flatMap { Array($0 + " ") }
        var answered = 0
        var refused = 0
        for _ in 0..<5_000 {
            let length = Int.random(in: 0...60, using: &random)
            let text = String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
            do {
                let query = try ParsedQuery(parsing: text)
                let hits = try index.search(query, limit: 20, filter: SearchFilter(party: "p3")).hits
                #expect(hits.allSatisfy { (Int($0.key.dropFirst()) ?? -1) % 37 == 3 }, "'\(text)' left the party filter")
                answered += 1
            } catch {
                refused += 1
            }
        }
        // Both outcomes occur: the fuzzer reaches the engine, and refuses what has no words.
        #expect(answered > 1_000 && refused > 100, "answered \(answered), refused \(refused)")
    }
}
