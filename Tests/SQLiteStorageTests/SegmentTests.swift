import Conversation
import CustomerModel
import Foundation
import SQLiteStorage
@testable import Storage
import Testing
import TestSupport

/// The on-disk segmented index against the in-memory index it must equal.
@Suite("Search on disk")
struct SegmentTests {
    static let words = [
        "refund", "parcel", "order", "late", "broken", "return", "label", "invoice", "size", "colour", "refunded",
        "paketet", "returnera", "tilaus", "palautus", "lieferung", "rücksendung", "ordine", "reso", "parcels", "labelled",
    ]
    static let languages = ["en", "sv", "fi", "de", "it"]

    static func randomMessage(_ number: Int, _ random: inout SplitMix64) -> SupportMessage {
        let length = Int.random(in: 2...30, using: &random)
        let text = (0..<length).map { _ in
            words[min(words.count - 1, Int(Double(words.count) * pow(Double.random(in: 0..<1, using: &random), 2)))]
        }.joined(separator: " ")
        let party = PartyID("p\(number % 29)")
        return SupportMessage(
            id: MessageID("m\(number)@shop"), channel: number % 3 == 0 ? .chat : .email, direction: .inbound, person: party,
            party: party, sentAt: Date(timeIntervalSince1970: 1_750_000_000 + Double(number) * 600),
            subject: number % 4 == 0 ? "order \(number % 7)" : "", text: text, language: languages[number % languages.count])
    }

    static func randomQuery(_ random: inout SplitMix64) -> SearchQuery {
        var clauses: [String] = []
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let word = words[Int.random(in: 0..<words.count, using: &random)]
            switch Int.random(in: 0..<10, using: &random) {
            case 0: clauses.append(String(word.prefix(3)) + "*")
            case 1 where !clauses.isEmpty: clauses.append("-" + word)
            case 2: clauses.append("\"\(word) \(words[Int.random(in: 0..<words.count, using: &random)])\"")
            default: clauses.append(word)
            }
        }
        var filter = SearchFilter()
        switch Int.random(in: 0..<6, using: &random) {
        case 0: filter.party = PartyID("p\(Int.random(in: 0..<29, using: &random))")
        case 1: filter.channels = ["chat"]
        case 2: filter.languages = [languages[Int.random(in: 0..<languages.count, using: &random)]]
        case 3: filter.from = Date(timeIntervalSince1970: 1_750_000_000 + Double(Int.random(in: 0..<1_000, using: &random)) * 600)
        default: break
        }
        return SearchQuery(clauses.joined(separator: " "), filter: filter, limit: Int.random(in: 1...30, using: &random))
    }

    /// What a query answers, comparable across stores (snippets are compared too).
    static func answer(_ store: some SupportStore, _ query: SearchQuery) async -> String {
        do {
            return try await store.search(query).map { "\($0.message.rawValue) \(String(format: "%.9f", $0.score)) \($0.snippet.text)" }
                .joined(separator: "\n")
        } catch { return "error: \(error)" }
    }

    /// Random corpora ingested in random-sized transactions (so segments are flushed and merged
    /// at every tier the corpus reaches), with erasures between them: the segmented store gives
    /// the in-memory index's answers, hit for hit and score for score, and a reopened store
    /// (a cold cache, a new connection) gives the same answers again.
    @Test(arguments: [UInt64(11), 12])
    func aReopenedStoreAnswersLikeTheStoreThatBuiltItAndLikeMemory(seed: UInt64) async throws {
        print("seed \(seed)")
        var random = SplitMix64(seed: seed)
        let directory = try TemporaryDirectory()
        let path = directory.path("segments.sqlite")
        let reference = InMemorySupportStore()
        var store: SQLiteSupportStore? = try SQLiteSupportStore(path: path)
        var number = 0
        while number < 1_600 {
            let batch = [1, 1, 3, 17, 60, 240][Int.random(in: 0..<6, using: &random)]
            let records = (0..<batch).map { offset in
                record(Self.randomMessage(number + offset + 1, &random), thread: UInt64(number + offset + 1))
            }
            number += batch
            _ = try await store?.ingest(contentsOf: records)
            _ = try await reference.ingest(contentsOf: records)
            if Int.random(in: 0..<8, using: &random) == 0 {
                let victim = Int.random(in: 1...number, using: &random)
                let change = PersonalDataChange(recordID: PersonalRecordID.message(MessageID("m\(victim)@shop")), action: .delete)
                if try await reference.message(MessageID("m\(victim)@shop")) != nil {
                    try await store?.apply([change])
                    try await reference.apply([change])
                }
            }
        }
        let sizes = try await store?.searchSegmentSizes() ?? []
        #expect(sizes.count > 1, "the corpus should span several segments: \(sizes)")
        let queries = (0..<250).map { _ in Self.randomQuery(&random) }
        var built: [String] = []
        for query in queries {
            let expected = await Self.answer(reference, query)
            let answered = await Self.answer(try #require(store), query)
            #expect(answered == expected, "query \(query.text) \(query.filter)")
            built.append(answered)
        }
        try await store?.close()
        store = nil
        let reopened = try SQLiteSupportStore(path: path)
        for (query, answer) in zip(queries, built) {
            #expect(await Self.answer(reopened, query) == answer, "reopened: \(query.text)")
            // The ranking alone, read twice: the second answer comes from the caches only.
            let ids = answer.split(separator: "\n").map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
            for _ in 0..<2 {
                let ranked = try await reopened.searchRanked(query).map { "\($0.message.rawValue) \(String(format: "%.9f", $0.score))" }
                #expect(ranked == ids, "ranked: \(query.text)")
            }
        }
        // Merging every segment changes no answer either.
        try await reopened.checkpointSearchIndex(mergeAll: true)
        #expect(try await reopened.searchSegmentSizes().count == 1)
        for (query, answer) in zip(queries.prefix(80), built) {
            #expect(await Self.answer(reopened, query) == answer, "merged: \(query.text)")
        }
        // Analyzing every message again gives the index a fresh in-memory store builds from the
        // surviving messages (the erased ones no longer count in BM25's length statistics).
        try await reopened.rebuildSearchIndex()
        let survivors = InMemorySupportStore()
        for (_, message, thread) in try await reopened.messages(after: 0, limit: 10_000) {
            _ = try await survivors.ingest(record(message, thread: thread.rawValue))
        }
        for query in queries.prefix(120) {
            #expect(await Self.answer(reopened, query) == (await Self.answer(survivors, query)), "rebuilt: \(query.text)")
        }
    }

    /// Hostile query text (operators, quotes, SQL's own metacharacters, NUL, emoji) gets from the
    /// on-disk index exactly what it gets from the in-memory one: the same hits or the same
    /// typed error. Nothing a user types reaches SQL text (terms are bound parameters).
    @Test func hostileQueriesAnswerAsTheInMemoryIndexDoes() async throws {
        var random = SplitMix64(seed: 0xBAD)
        let directory = try TemporaryDirectory()
        let store = try SQLiteSupportStore(path: directory.path("hostile.sqlite"))
        let reference = InMemorySupportStore()
        for start in stride(from: 1, through: 600, by: 50) {
            let records = (start..<(start + 50)).map { record(Self.randomMessage($0, &random), thread: UInt64($0)) }
            _ = try await store.ingest(contentsOf: records)
            _ = try await reference.ingest(contentsOf: records)
        }
        let alphabet = Array("\"*-()ORAND:^{}[]~'\\%_;= \t\n\u{0}åäöéß🙂ab") + Self.words.flatMap { Array($0 + " ") }
        for _ in 0..<2_000 {
            let text = String((0..<Int.random(in: 0...50, using: &random)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
            let filter = Bool.random(using: &random) ? SearchFilter(party: "p3") : SearchFilter()
            let query = SearchQuery(text, filter: filter, limit: 20)
            #expect(await Self.answer(store, query) == (await Self.answer(reference, query)), "'\(text)'")
        }
    }

    /// A message anonymised and later deleted is counted out of its segment once: the other
    /// messages of the segment stay searchable, with the in-memory store's scores.
    @Test func aMessageErasedTwiceLeavesItsSegmentMatesAlone() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteSupportStore(path: directory.path("twice.sqlite"))
        let reference = InMemorySupportStore()
        let records = [
            record(message("a@shop", party: "p1", text: "parcel refund late"), thread: 1),
            record(message("b@shop", party: "p2", text: "parcel broken"), thread: 2),
            record(message("c@shop", party: "p3", text: "parcel label"), thread: 3),
        ]
        _ = try await store.ingest(contentsOf: records)
        _ = try await reference.ingest(contentsOf: records)
        #expect(try await store.searchSegmentSizes() == [3])
        for change in [
            PersonalDataChange(recordID: PersonalRecordID.message("a@shop"), action: .anonymise),
            PersonalDataChange(recordID: PersonalRecordID.message("a@shop"), action: .delete),
            PersonalDataChange(recordID: PersonalRecordID.message("b@shop"), action: .delete),
        ] {
            try await store.apply([change])
            try await reference.apply([change])
        }
        #expect(try await store.searchSegmentSizes() == [1])
        let query = SearchQuery("parcel")
        #expect(try await store.search(query).map(\.message) == ["c@shop"])
        #expect(await Self.answer(store, query) == (await Self.answer(reference, query)))
    }

    /// A store whose caches hold a query's lists still sees what another connection (another
    /// process, here another store object on the file) wrote since: the generation moved.
    @Test func cachedAnswersFollowAnotherWritersCommits() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("two.sqlite")
        let reader = try SQLiteSupportStore(path: path)
        let writer = try SQLiteSupportStore(path: path)
        _ = try await writer.ingest(record(message("a@shop", party: "p1", text: "parcel refund"), thread: 1))
        let query = SearchQuery("parcel", limit: 10)
        for _ in 0..<2 { #expect(try await reader.searchRanked(query).map(\.message) == ["a@shop"]) }
        _ = try await writer.ingest(record(message("b@shop", party: "p2", text: "parcel parcel late"), thread: 2))
        #expect(Set(try await reader.searchRanked(query).map(\.message)) == ["a@shop", "b@shop"])
        try await writer.apply([PersonalDataChange(recordID: PersonalRecordID.message("a@shop"), action: .delete)])
        #expect(try await reader.searchRanked(query).map(\.message) == ["b@shop"])
        #expect(try await reader.search(SearchQuery("refund")).isEmpty)
    }

    /// Analysis in parallel runs gives the bytes a single run gives, and the postings (with
    /// their impacts) an ``InvertedIndex`` adding the documents one by one holds.
    @Test func aParallelBuildEqualsASerialOne() throws {
        var random = SplitMix64(seed: 5)
        let documents = (1...6_000).map { number in
            (UInt32(number), SearchDocument(message: Self.randomMessage(number, &random), thread: ThreadID(UInt64(number)), account: nil))
        }
        let start = SegmentedIndexStatistics(documents: 0, totalLength: 0, languages: [], generation: 0)
        let serial = SegmentBuilder.build(documents, analyzers: .standard, after: start, cores: 1)
        let parallel = SegmentBuilder.build(documents, analyzers: .standard, after: start, cores: 4)
        #expect(serial.statistics == parallel.statistics)
        #expect(serial.segment.terms.map(\.term) == parallel.segment.terms.map(\.term))
        #expect(serial.segment.terms.map(\.postings) == parallel.segment.terms.map(\.postings))
        var index = InvertedIndex()
        for (number, document) in documents { index.add(document, number: number) }
        #expect(index.termCount == serial.segment.terms.count)
        for term in serial.segment.terms {
            var decoded = Postings()
            #expect(SegmentPostingsCoding.decode(term.postings, appendingTo: &decoded))
            let memory = try #require(index.postings(of: term.term))
            #expect(decoded.docs == memory.docs && decoded.impacts == memory.impacts && decoded.blockMax == memory.blockMax, "\(term.term)")
        }
    }

    /// Lists split at any point and decoded in order are the list again, block maxima included
    /// (whether the split falls on a block boundary or not); damaged bytes are refused.
    @Test func encodedListsConcatenateAndRefuseDamage() {
        var random = SplitMix64(seed: 9)
        for _ in 0..<200 {
            var whole = Postings()
            var doc: UInt32 = 0
            for _ in 0..<Int.random(in: 1...400, using: &random) {
                doc += UInt32.random(in: 1...5_000, using: &random)
                whole.append(doc: doc, impact: UInt8.random(in: 1...255, using: &random))
            }
            let split = Int.random(in: 0...whole.count, using: &random)
            var first = Postings()
            var second = Postings()
            for index in whole.docs.indices {
                if index < split { first.append(doc: whole.docs[index], impact: whole.impacts[index]) } else {
                    second.append(doc: whole.docs[index], impact: whole.impacts[index])
                }
            }
            var joined = Postings()
            #expect(SegmentPostingsCoding.decode(SegmentPostingsCoding.encode(first), appendingTo: &joined))
            #expect(SegmentPostingsCoding.decode(SegmentPostingsCoding.encode(second), appendingTo: &joined))
            #expect(joined.docs == whole.docs && joined.impacts == whole.impacts && joined.blockMax == whole.blockMax)
            #expect(joined.maxImpact == whole.maxImpact)
            var bytes = SegmentPostingsCoding.encode(whole)
            bytes.removeLast(Int.random(in: 1...min(3, bytes.count), using: &random))
            var damaged = Postings()
            #expect(!SegmentPostingsCoding.decode(bytes, appendingTo: &damaged))
            // Out of order: the second half again after the whole list.
            var repeated = whole
            #expect(second.count == 0 || !SegmentPostingsCoding.decode(SegmentPostingsCoding.encode(second), appendingTo: &repeated))
        }
    }

    /// The merge policy, over random flush sizes: tiers never grow towards the newest segment,
    /// no tier holds more than mergeFactor − 1 segments after a merge round, and every document
    /// is kept exactly once.
    @Test func theMergePolicyKeepsFewSegmentsInTierOrder() {
        var random = SplitMix64(seed: 3)
        var sizes: [Int] = []
        var total = 0
        for _ in 0..<3_000 {
            let flush = [1, 1, 1, 2, 7, 40, 300, 5_000][Int.random(in: 0..<8, using: &random)]
            sizes.append(flush)
            total += flush
            while let range = SegmentMergePolicy.mergeRange(sizes: sizes) {
                let merged = sizes[range].reduce(0, +)
                sizes.replaceSubrange(range, with: [merged])
            }
            let tiers = sizes.map(SegmentMergePolicy.tier(documents:))
            #expect(zip(tiers, tiers.dropFirst()).allSatisfy { $0 >= $1 }, "\(sizes)")
            for tier in Set(tiers) { #expect(tiers.filter { $0 == tier }.count < SegmentMergePolicy.mergeFactor) }
        }
        #expect(sizes.reduce(0, +) == total)
        #expect(sizes.count < 9 * 8)
    }
}
