import Conversation
import CustomerModel
import Foundation
import Storage

/// A conformance check failed: what was expected, and where.
public struct ConformanceFailure: Error, CustomStringConvertible {
    /// The check's name.
    public var check: String
    /// What went wrong.
    public var message: String

    public var description: String { "\(check): \(message)" }
}

/// One behaviour every ``SupportStore`` must have, runnable against any backend.
public struct ConformanceCheck: Sendable, CustomStringConvertible {
    /// A short name (`ingest_is_idempotent`).
    public let name: String
    let body: @Sendable (any SupportStore, Expectations) async throws -> Void

    /// Runs the check against a store that is empty. Throws ``ConformanceFailure`` on the
    /// first broken expectation, or the store's own error.
    public func run(on store: any SupportStore) async throws {
        try await body(store, Expectations(check: name))
    }

    public var description: String { name }
}

/// Collects a check's expectations; the first one broken throws.
public struct Expectations: Sendable {
    let check: String

    func that(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw ConformanceFailure(check: check, message: message()) }
    }
}

/// The behaviours every store backend must show, run unchanged against each backend
/// (in-memory and SQLite in SupportKit's own tests; a host's own backend in its tests):
///
/// ```swift
/// @Test(arguments: StoreConformance.checks)
/// func conformance(_ check: ConformanceCheck) async throws {
///     try await check.run(on: try MyStore(emptyAt: temporaryPath()))
/// }
/// ```
public enum StoreConformance {
    /// Every check.
    public static let checks: [ConformanceCheck] = [
        ConformanceCheck(name: "parties_round_trip", body: partiesRoundTrip),
        ConformanceCheck(name: "ingest_stores_message_thread_and_events", body: ingestStoresEverything),
        ConformanceCheck(name: "ingest_is_idempotent_on_message_id", body: ingestIsIdempotent),
        ConformanceCheck(name: "messages_page_in_ingest_order", body: messagesPage),
        ConformanceCheck(name: "thread_updates_and_status_filter", body: threadUpdates),
        ConformanceCheck(name: "events_append_and_page", body: eventsPage),
        ConformanceCheck(name: "search_finds_inflections", body: searchFindsInflections),
        ConformanceCheck(name: "search_query_syntax", body: searchSyntax),
        ConformanceCheck(name: "search_filters_hold", body: searchFilters),
        ConformanceCheck(name: "search_ranks_and_limits", body: searchRanking),
        ConformanceCheck(name: "search_snippets_highlight", body: searchSnippets),
        ConformanceCheck(name: "hostile_queries_are_contained", body: hostileQueries),
        ConformanceCheck(name: "knowledge_base_search_and_suggestions", body: knowledgeBase),
        ConformanceCheck(name: "erasure_deletes_every_trace_of_a_party", body: erasureDeletes),
        ConformanceCheck(name: "anonymisation_keeps_facts_drops_text", body: anonymisation),
        ConformanceCheck(name: "privacy_changes_are_all_or_nothing", body: privacyAtomicity),
        ConformanceCheck(name: "workflow_records_round_trip_roll_back_and_erase", body: workflowRecords),
    ]

    /// Queries that try to break out of a search syntax into a backend's (FTS5 MATCH, SQL,
    /// tsquery): each must return hits or ``StorageError/invalidQuery(_:)``, never another error.
    public static let hostileQueries: [String] = [
        "\"", "\"\"", "\"unterminated phrase", "*", "**", "-", "--", "- -refund", "OR", "OR OR", "AND", "NOT refund",
        "refund NEAR return", "NEAR(refund return, 2)", "text:refund", "{text party}: refund", "^refund", "refund*)",
        "(refund", "refund)", "'; DROP TABLE message; --", "\" OR 1=1 --", "refund' OR '1'='1", "%", "_", "\\",
        "\u{0}", "refund\u{0}return", "🙂", "é", String(repeating: "a", count: 300), String(repeating: "refund ", count: 31),
        "-refund", "-\"order status\"", "a OR", "OR a", "return* OR -refund", "\"*\"", "party:c-1 refund",
    ]

    static let base = Date(timeIntervalSince1970: 1_750_000_000)

    static func message(
        _ id: String, party: String, subject: String = "", text: String, language: String = "en",
        channel: Channel = .email, minutes: Double = 0
    ) -> SupportMessage {
        SupportMessage(
            id: MessageID(id), channel: channel, direction: .inbound, person: PartyID(party), party: PartyID(party),
            sentAt: base.addingTimeInterval(minutes * 60), subject: subject, text: text, language: language)
    }

    /// Ingests each message in a thread of its own (thread number = position + 1) unless `thread` says otherwise.
    @discardableResult
    static func ingest(
        _ messages: [SupportMessage], into store: any SupportStore, thread: ((Int) -> UInt64)? = nil,
        account: PartyID? = nil, status: ThreadStatus = .new
    ) async throws -> [IngestOutcome] {
        var outcomes: [IngestOutcome] = []
        for (position, message) in messages.enumerated() {
            let id = ThreadID(thread?(position) ?? UInt64(position + 1))
            let owner = message.party ?? "unknown"
            var supportThread = try await store.thread(id) ?? SupportThread(
                id: id, owner: owner, participants: [owner], status: status, subject: message.subject,
                createdAt: message.sentAt)
            supportThread.messageIDs.append(message.id)
            supportThread.updatedAt = message.sentAt
            let record = IngestRecord(
                message: message, thread: supportThread,
                events: [NewSupportEvent(at: message.sentAt, thread: id, party: owner, kind: .received(message.id))],
                account: account)
            outcomes.append(try await store.ingest(record))
        }
        return outcomes
    }

    static func keys(_ hits: [SearchHit]) -> [String] { hits.map(\.message.rawValue) }

    // MARK: Checks

    static func partiesRoundTrip(_ store: any SupportStore, _ expect: Expectations) async throws {
        let anna = StoredParty.customer(Customer(id: "c-anna", profile: PartyProfile(displayName: "Anna Svensson", preferredLanguage: "sv-SE")))
        let acme = StoredParty.account(Account(id: "a-acme", profile: PartyProfile(displayName: "ACME AB")))
        let olle = StoredParty.stakeholder(
            Stakeholder(id: "s-olle", accountID: "a-acme", roles: [.finance], profile: PartyProfile(displayName: "Olle")))
        for party in [olle, anna, acme] { try await store.upsertParty(party) }
        try expect.that(try await store.party("c-anna") == anna, "customer read back differs")
        try expect.that(try await store.party("s-olle")?.accountID == "a-acme", "stakeholder lost its account")
        try expect.that(try await store.party("nobody") == nil, "unknown party found")
        try expect.that(try await store.allParties().map(\.id) == ["a-acme", "c-anna", "s-olle"], "allParties not ordered by id")
        let renamed = StoredParty.customer(Customer(id: "c-anna", profile: PartyProfile(displayName: "Anna Berg")))
        try await store.upsertParty(renamed)
        try expect.that(try await store.party("c-anna")?.profile.displayName == "Anna Berg", "upsert did not replace")
        try expect.that(try await store.allParties().count == 3, "upsert added a second row")
    }

    static func ingestStoresEverything(_ store: any SupportStore, _ expect: Expectations) async throws {
        let first = message("m1@shop", party: "c-1", subject: "Where is my order?", text: "Order 1001 has not arrived.")
        let second = message("m2@shop", party: "c-1", subject: "Re: Where is my order?", text: "Any news?", minutes: 60)
        let newCustomer = StoredParty.customer(Customer(id: "c-1", profile: PartyProfile(displayName: "C One")))
        let thread = SupportThread(id: ThreadID(7), owner: "c-1", participants: ["c-1"], subject: "Where is my order?",
            createdAt: first.sentAt, messageIDs: [first.id])
        let outcome = try await store.ingest(IngestRecord(
            message: first, thread: thread, parties: [newCustomer],
            events: [NewSupportEvent(at: first.sentAt, thread: thread.id, party: "c-1", kind: .threadOpened(thread.id)),
                     NewSupportEvent(at: first.sentAt, thread: thread.id, party: "c-1", kind: .received(first.id))]))
        guard case .stored(let sequences) = outcome else { return try expect.that(false, "first ingest was not stored") }
        try expect.that(sequences.count == 2 && sequences[0] < sequences[1], "event sequences not increasing: \(sequences)")
        try expect.that(try await store.party("c-1") == newCustomer, "the record's party was not stored")
        var grown = thread
        grown.messageIDs.append(second.id)
        grown.status = .open
        _ = try await store.ingest(IngestRecord(message: second, thread: grown))
        let stored = try await store.message("m1@shop")
        try expect.that(stored?.message == first, "message read back differs")
        try expect.that(stored?.thread == ThreadID(7), "message's thread lost")
        try expect.that(try await store.thread(ThreadID(7)) == grown, "thread not replaced by the later ingest")
        try expect.that(try await store.messages(inThread: ThreadID(7)).map(\.id) == [first.id, second.id], "thread messages out of order")
        try expect.that(try await store.threads(ownedBy: "c-1").map(\.id) == [ThreadID(7)], "threads(ownedBy:) wrong")
        try expect.that(try await store.threads(ownedBy: "c-2").isEmpty, "another party's threads returned")
        try expect.that(try await store.threads([ThreadID(7), ThreadID(99)]) == [ThreadID(7): grown], "threads(_:) batch read")
        let located = try await store.storedThreads(ofMessages: ["m2@shop", "nope@shop", "m1@shop"])
        try expect.that(located == ["m1@shop": ThreadID(7), "m2@shop": ThreadID(7)], "storedThreads(ofMessages:): \(located)")
        let events = try await store.events(after: 0, limit: 10)
        try expect.that(events.map(\.kind) == [.threadOpened(ThreadID(7)), .received(first.id)], "events differ: \(events.map(\.kind))")
        try expect.that(events.allSatisfy { $0.thread == ThreadID(7) && $0.party == "c-1" }, "event thread/party lost")
    }

    static func ingestIsIdempotent(_ store: any SupportStore, _ expect: Expectations) async throws {
        let original = message("dup@shop", party: "c-1", text: "First copy")
        try await ingest([original], into: store)
        var copy = original
        copy.text = "Second copy with other text"
        let thread = SupportThread(id: ThreadID(99), owner: "c-2", subject: "", createdAt: original.sentAt)
        let outcome = try await store.ingest(IngestRecord(
            message: copy, thread: thread, events: [NewSupportEvent(at: original.sentAt, kind: .received(copy.id))]))
        try expect.that(outcome == .duplicate(existingThread: ThreadID(1)), "second ingest: \(outcome)")
        try expect.that(try await store.message("dup@shop")?.message.text == "First copy", "duplicate overwrote the message")
        try expect.that(try await store.thread(ThreadID(99)) == nil, "duplicate wrote its thread")
        try expect.that(try await store.events(after: 0, limit: 10).count == 1, "duplicate appended events")
        try expect.that(try await keys(store.search(SearchQuery("second"))).isEmpty, "duplicate was indexed")
    }

    static func messagesPage(_ store: any SupportStore, _ expect: Expectations) async throws {
        let all = (0..<5).map { message("p\($0)@shop", party: "c-1", text: "message \($0)", minutes: Double(5 - $0)) }
        try await ingest(all, into: store)
        var cursor: Int64 = 0
        var seen: [String] = []
        while true {
            let page = try await store.messages(after: cursor, limit: 2)
            try expect.that(page.count <= 2, "page larger than limit")
            guard let last = page.last else { break }
            seen += page.map(\.message.id.rawValue)
            try expect.that(last.cursor > cursor, "cursor did not advance")
            cursor = last.cursor
        }
        try expect.that(seen == all.map(\.id.rawValue), "pages not in ingest order: \(seen)")
    }

    static func threadUpdates(_ store: any SupportStore, _ expect: Expectations) async throws {
        try await ingest([
            message("u1@shop", party: "c-1", text: "parcel damaged"), message("u2@shop", party: "c-1", text: "parcel late"),
        ], into: store)
        let missing = SupportThread(id: ThreadID(404), owner: "c-1", subject: "", createdAt: base)
        do {
            _ = try await store.updateThread(missing, events: [])
            try expect.that(false, "updating an unknown thread succeeded")
        } catch let error as StorageError {
            try expect.that(error == .notFound("thread #404"), "wrong error \(error)")
        }
        guard var thread = try await store.thread(ThreadID(1)) else { return try expect.that(false, "thread 1 missing") }
        thread.status = .solved
        let sequences = try await store.updateThread(
            thread, events: [NewSupportEvent(at: base, thread: thread.id, kind: .statusChanged(from: .new, to: .solved))])
        try expect.that(sequences.count == 1, "update appended \(sequences.count) events")
        try expect.that(try await store.thread(ThreadID(1))?.status == .solved, "status not stored")
        let solved = try await keys(store.search(SearchQuery("parcel", filter: SearchFilter(statuses: [.solved]))))
        try expect.that(solved == ["u1@shop"], "status filter (solved) gave \(solved)")
        let active = try await keys(store.search(SearchQuery("parcel", filter: SearchFilter(statuses: [.new, .open]))))
        try expect.that(active == ["u2@shop"], "status filter (new/open) gave \(active)")
    }

    static func eventsPage(_ store: any SupportStore, _ expect: Expectations) async throws {
        let appended = try await store.append((1...5).map {
            NewSupportEvent(at: base, party: "c-1", kind: .surveyAnswered(survey: "csat", score: $0))
        })
        try expect.that(appended.count == 5 && appended == appended.sorted() && Set(appended).count == 5, "sequences \(appended)")
        let page = try await store.events(after: appended[1], limit: 2)
        try expect.that(page.map(\.sequence) == [appended[2], appended[3]], "page after \(appended[1]): \(page.map(\.sequence))")
        try expect.that(page.first?.kind == .surveyAnswered(survey: "csat", score: 3), "event kind lost")
    }

    static func searchFindsInflections(_ store: any SupportStore, _ expect: Expectations) async throws {
        try await ingest([
            message("sv@shop", party: "c-sv", text: "Jag returnerade skorna förra veckan", language: "sv"),
            message("fi@shop", party: "c-fi", text: "Milloin saan palautuksen rahat takaisin?", language: "fi"),
            message("de@shop", party: "c-de", text: "Die Rücksendung ist unterwegs", language: "de"),
            message("en@shop", party: "c-en", text: "I returned the shoes and want a refund", language: "en"),
        ], into: store)
        try expect.that(try await keys(store.search(SearchQuery("returnera"))) == ["sv@shop"], "returnera did not find returnerade")
        try expect.that(try await keys(store.search(SearchQuery("palautus"))) == ["fi@shop"], "palautus did not find palautuksen")
        try expect.that(try await keys(store.search(SearchQuery("refunds"))) == ["en@shop"], "refunds did not find refund")
        try expect.that(try await keys(store.search(SearchQuery("rucksendung"))) == ["de@shop"], "diacritics not folded in German")
        try expect.that(try await keys(store.search(SearchQuery("returnera", languages: ["en"]))).isEmpty,
            "an English-only query matched a Swedish inflection")
    }

    static func searchSyntax(_ store: any SupportStore, _ expect: Expectations) async throws {
        try await ingest([
            message("a@shop", party: "c-1", text: "The order status page shows nothing"),
            message("b@shop", party: "c-2", text: "Status of my order please"),
            message("c@shop", party: "c-3", text: "I want a refund for the broken lamp"),
            message("d@shop", party: "c-4", text: "Return label for the lamp, no refund needed"),
        ], into: store)
        func found(_ text: String) async throws -> Set<String> { Set(keys(try await store.search(SearchQuery(text)))) }
        try expect.that(try await found("order status") == ["a@shop", "b@shop"], "AND of two words")
        try expect.that(try await found("\"order status\"") == ["a@shop"], "phrase matched non-adjacent words")
        try expect.that(try await found("lamp -refund").isEmpty, "exclusion")
        try expect.that(try await found("lamp -\"broken lamp\"") == ["d@shop"], "phrase exclusion")
        try expect.that(try await found("broken OR label") == ["c@shop", "d@shop"], "OR")
        try expect.that(try await found("refund OR status lamp") == ["c@shop", "d@shop"], "OR binds tighter than AND")
        try expect.that(try await found("brok*") == ["c@shop"], "prefix")
        try expect.that(try await found("zebra").isEmpty, "unknown word matched")
        try expect.that(try await found("lamp zebra").isEmpty, "AND with an unknown word matched")
        for text in ["*", "\"\"", "- -", "()"] {
            do {
                _ = try await store.search(SearchQuery(text))
                try expect.that(false, "'\(text)' should have no searchable terms")
            } catch StorageError.invalidQuery(let error) {
                try expect.that(error == .noSearchableTerms, "'\(text)': \(error)")
            }
        }
        // Exclusions only: every message without the word, newest first (score 0).
        let withoutRefund = try await store.search(SearchQuery("-refund", limit: 1000))
        try expect.that(keys(withoutRefund) == ["b@shop", "a@shop"], "exclusion only: \(keys(withoutRefund)), newest first")
        try expect.that(withoutRefund.allSatisfy { $0.score == 0 }, "exclusion only scored")
        try expect.that(try await found("-refund -status").isEmpty, "two exclusions")
        try expect.that(try await found("-lam*") == ["a@shop", "b@shop"], "excluded prefix")
        do {
            _ = try await store.search(SearchQuery("lamp", limit: 0))
            try expect.that(false, "limit 0 ran")
        } catch StorageError.invalidQuery(let error) {
            try expect.that(error == .invalidLimit(0), "limit 0: \(error)")
        }
    }

    static func searchFilters(_ store: any SupportStore, _ expect: Expectations) async throws {
        var messages: [SupportMessage] = []
        for index in 0..<40 {
            let channel: Channel = index % 3 == 0 ? .chat : .email
            messages.append(message(
                "f\(index)@shop", party: "c-\(index % 4)", text: "delivery problem number \(index)",
                language: index % 2 == 0 ? "en" : "sv", channel: channel, minutes: Double(index)))
        }
        try await ingest(messages, into: store)
        try await ingest([message("acct@shop", party: "s-olle", text: "delivery problem at ACME")], into: store,
            thread: { _ in 500 }, account: "a-acme")
        func hits(_ filter: SearchFilter) async throws -> [SupportMessage] {
            var found: [SupportMessage] = []
            for hit in try await store.search(SearchQuery("delivery problem", filter: filter, limit: 100)) {
                if let stored = try await store.message(hit.message) { found.append(stored.message) }
            }
            return found
        }
        let party = try await hits(SearchFilter(party: "c-1"))
        try expect.that(party.count == 10 && party.allSatisfy { $0.party == "c-1" }, "party filter: \(party.map(\.id))")
        try expect.that(try await hits(SearchFilter(party: "nobody")).isEmpty, "unknown party matched")
        let account = try await hits(SearchFilter(account: "a-acme"))
        try expect.that(account.map(\.id) == ["acct@shop"], "account filter: \(account.map(\.id))")
        let chats = try await hits(SearchFilter(channels: ["chat"]))
        try expect.that(chats.count == 14 && chats.allSatisfy { $0.channel == .chat }, "channel filter: \(chats.count)")
        let swedish = try await hits(SearchFilter(languages: ["sv"]))
        try expect.that(swedish.count == 20 && swedish.allSatisfy { $0.language == "sv" }, "language filter: \(swedish.count)")
        let window = try await hits(SearchFilter(from: base.addingTimeInterval(10 * 60), until: base.addingTimeInterval(20 * 60)))
        try expect.that(Set(window.map(\.id.rawValue)) == Set((10..<20).map { "f\($0)@shop" }), "date filter: \(window.map(\.id))")
        let combined = try await hits(SearchFilter(party: "c-0", channels: ["chat"], languages: ["en"]))
        try expect.that(combined.allSatisfy { $0.party == "c-0" && $0.channel == .chat && $0.language == "en" }
            && combined.count == 4, "combined filter: \(combined.map(\.id))")
    }

    static func searchRanking(_ store: any SupportStore, _ expect: Expectations) async throws {
        var messages = (0..<30).map { message("r\($0)@shop", party: "c-\($0)", text: "a long message about many things and one refund among other words here") }
        messages.append(message("best@shop", party: "c-best", subject: "Refund", text: "refund refund please"))
        try await ingest(messages, into: store)
        let hits = try await store.search(SearchQuery("refund", limit: 5))
        try expect.that(hits.count == 5, "limit 5 gave \(hits.count)")
        try expect.that(hits.first?.message == "best@shop", "the densest match is not first: \(keys(hits))")
        try expect.that(zip(hits, hits.dropFirst()).allSatisfy { $0.score >= $1.score }, "scores not descending")
        try expect.that(hits.first?.party == "c-best" && hits.first?.thread == ThreadID(31), "hit's party/thread wrong")
    }

    static func searchSnippets(_ store: any SupportStore, _ expect: Expectations) async throws {
        let text = "Hello, I ordered a lamp in May. It arrived broken, the glass shade is cracked. "
            + "Could you send a replacement or refund me? Thanks, Anna"
        try await ingest([message("s@shop", party: "c-1", subject: "Broken lamp", text: text)], into: store)
        guard let hit = try await store.search(SearchQuery("cracked refund")).first else { return try expect.that(false, "no hit") }
        let marked = hit.snippet.marked()
        try expect.that(marked.contains("«cracked»") && marked.contains("«refund»"), "snippet highlights: \(marked)")
        try expect.that(hit.snippet.highlights.count == 2, "highlights: \(hit.snippet.highlights)")
    }

    static func hostileQueries(_ store: any SupportStore, _ expect: Expectations) async throws {
        try await ingest([
            message("h1@shop", party: "c-1", text: "refund for order one, drop table of goods"),
            message("h2@shop", party: "c-2", text: "refund for order two, text party 1 or 1"),
        ], into: store)
        for text in hostileQueries {
            for filter in [SearchFilter(), SearchFilter(party: "c-1")] {
                do {
                    let hits = try await store.search(SearchQuery(text, filter: filter))
                    if filter.party != nil {
                        try expect.that(hits.allSatisfy { $0.party == "c-1" }, "'\(text)' returned another party's message")
                    }
                } catch StorageError.invalidQuery {
                    // A typed refusal is a fine answer.
                }
            }
        }
        try expect.that(try await store.message("h1@shop") != nil, "a hostile query changed the store")
    }

    static func knowledgeBase(_ store: any SupportStore, _ expect: Expectations) async throws {
        let articles = [
            KnowledgeArticle(id: "returns", locale: "en", title: "Returns and refunds",
                body: "You can return items within 30 days. Refunds are paid within 24 hours of receipt.", tags: ["returns"], updatedAt: base),
            KnowledgeArticle(id: "returns", locale: "sv", title: "Returer och återbetalningar",
                body: "Du kan returnera varor inom 30 dagar. Återbetalningen sker inom 24 timmar.", tags: ["returns"], updatedAt: base),
            KnowledgeArticle(id: "shipping", locale: "en", title: "Shipping times",
                body: "Parcels ship within two days; delivery takes three to five days.", tags: ["shipping"], updatedAt: base),
        ]
        for article in articles { try await store.upsertArticle(article) }
        let found = try await store.searchArticles(SearchQuery("refunds"))
        try expect.that(found.map(\.id) == ["returns"] && found.first?.locale == "en", "article search: \(found.map(\.id))")
        let swedishMessage = message("kb@shop", party: "c-1", subject: "Retur", text: "Hur returnerar jag skorna?", language: "sv")
        let suggested = try await store.suggestArticles(for: swedishMessage, limit: 2)
        try expect.that(suggested.first.map { "\($0.id)@\($0.locale)" } == "returns@sv", "suggestion: \(suggested.map { "\($0.id)@\($0.locale)" })")
        var changed = articles[2]
        changed.body = "Parcels now ship the same day."
        try await store.upsertArticle(changed)
        try expect.that(try await store.searchArticles(SearchQuery("delivery")).isEmpty, "replaced article's old text still found")
        try expect.that(try await store.searchArticles(SearchQuery("same day")).map(\.id) == ["shipping"], "replaced article's new text not found")
    }

    // MARK: Privacy

    static func privacyFixture(_ store: any SupportStore) async throws {
        try await store.upsertParty(.customer(Customer(id: "c-anna", profile: PartyProfile(displayName: "Anna Kvarnbäck"))))
        try await store.upsertParty(.customer(Customer(id: "c-bob", profile: PartyProfile(displayName: "Bob Byrne"))))
        try await ingest([
            message("anna-1@shop", party: "c-anna", subject: "Zephyrine jacket", text: "My zephyrine jacket from Kvarnbäcksgatan 7 is torn", minutes: 0),
            message("anna-2@shop", party: "c-anna", subject: "Re: Zephyrine jacket", text: "Any news about the zephyrine return?", minutes: 60),
            message("bob-1@shop", party: "c-bob", subject: "Lamp", text: "My quillon lamp arrived with a zephyrine scratch", minutes: 30),
        ], into: store, thread: { [1, 1, 2][$0] })
    }

    static func erasureDeletes(_ store: any SupportStore, _ expect: Expectations) async throws {
        try await privacyFixture(store)
        let records = try await store.personalRecords(of: "c-anna")
        let ids = Set(records.map(\.id))
        try expect.that(ids.isSuperset(of: ["party:c-anna", "message:anna-1@shop", "message:anna-2@shop", "thread:1"]),
            "Anna's records: \(ids.sorted())")
        try expect.that(records.filter { $0.category == "auditLog" }.count == 2, "Anna's events: \(ids.sorted())")
        try expect.that(!ids.contains("message:bob-1@shop") && !ids.contains("thread:2"), "Bob's records listed as Anna's")
        try expect.that(records.first { $0.id == "message:anna-1@shop" }?.fields["text"]?.contains("Kvarnbäcksgatan") == true,
            "export fields lack the text")
        try expect.that(records.first { $0.id == "party:c-anna" }?.lastActivityAt == base.addingTimeInterval(3600),
            "profile's last activity is not the last message")
        try await store.apply(records.map { PersonalDataChange(recordID: $0.id, action: .delete) })
        try expect.that(try await store.personalRecords(of: "c-anna").isEmpty, "records left after erasure")
        try expect.that(try await store.party("c-anna") == nil, "party left")
        try expect.that(try await store.message("anna-1@shop") == nil, "message left")
        try expect.that(try await store.thread(ThreadID(1)) == nil, "thread left")
        try expect.that(try await store.events(after: 0, limit: 100).allSatisfy { $0.party != "c-anna" }, "events left")
        try expect.that(try await keys(store.search(SearchQuery("zephyrine"))) == ["bob-1@shop"], "search still finds Anna")
        try expect.that(try await keys(store.search(SearchQuery("kvarnbäcksgatan"))).isEmpty, "search finds Anna's street")
        let bobsMessage = try await store.message("bob-1@shop")
        let bob = try await store.party("c-bob")
        try expect.that(bobsMessage != nil && bob != nil, "Bob was touched")
    }

    static func anonymisation(_ store: any SupportStore, _ expect: Expectations) async throws {
        try await privacyFixture(store)
        try await store.apply([
            PersonalDataChange(recordID: "message:anna-1@shop", action: .anonymise),
            PersonalDataChange(recordID: "thread:1", action: .anonymise),
            PersonalDataChange(recordID: "party:c-anna", action: .anonymise),
        ])
        let kept = try await store.message("anna-1@shop")?.message
        try expect.that(kept?.text == PersonalDataChange.redacted && kept?.subject == PersonalDataChange.redacted, "text kept: \(String(describing: kept))")
        try expect.that(kept?.party == PersonalDataChange.anonymousParty && kept?.sentAt == base, "facts or party wrong")
        try expect.that(try await store.thread(ThreadID(1))?.owner == PersonalDataChange.anonymousParty, "thread owner kept")
        try expect.that(try await store.thread(ThreadID(1))?.subject == PersonalDataChange.redacted, "thread subject kept")
        try expect.that(try await store.party("c-anna") == nil, "party kept under its id (an address, often)")
        try expect.that(try await store.allParties().contains { $0.profile.displayName == PersonalDataChange.redacted },
            "anonymised party row missing")
        try expect.that(try await keys(store.search(SearchQuery("torn"))).isEmpty, "anonymised text still searchable")
        try expect.that(try await keys(store.search(SearchQuery("zephyrine return"))) == ["anna-2@shop"], "other message lost")
    }

    static func privacyAtomicity(_ store: any SupportStore, _ expect: Expectations) async throws {
        try await privacyFixture(store)
        do {
            try await store.apply([
                PersonalDataChange(recordID: "message:anna-1@shop", action: .delete),
                PersonalDataChange(recordID: "message:nope@shop", action: .delete),
            ])
            try expect.that(false, "an unknown record was accepted")
        } catch let error as StorageError {
            try expect.that(error == .notFound("message:nope@shop"), "error \(error)")
        }
        try expect.that(try await store.message("anna-1@shop") != nil, "a refused batch deleted a message")
        try expect.that(try await keys(store.search(SearchQuery("torn"))) == ["anna-1@shop"], "a refused batch changed the index")
        let old = try await store.personalRecords(lastActiveBefore: base.addingTimeInterval(45 * 60))
        try expect.that(old.contains { $0.id == "message:anna-1@shop" } && old.contains { $0.id == "message:bob-1@shop" }
            && !old.contains { $0.id == "message:anna-2@shop" }, "retention candidates: \(old.map(\.id))")
    }

    static func workflowRecords(_ store: any SupportStore, _ expect: Expectations) async throws {
        try await privacyFixture(store)
        let annas = WorkflowRecord(kind: "sla", key: "00001", party: "c-anna", thread: ThreadID(1), body: Data(#"{"a":1}"#.utf8))
        let bobs = WorkflowRecord(kind: "sla", key: "00002", party: "c-bob", thread: ThreadID(2), body: Data(#"{"b":2}"#.utf8))
        let config = WorkflowRecord(kind: "config", key: "policy", body: Data("{}".utf8))
        try await store.deskTransaction(firstTicketNumber: 1) { transaction in
            transaction.putWorkflowRecord(annas)
            transaction.putWorkflowRecord(bobs)
            transaction.putWorkflowRecord(config)
            // Read back inside the transaction before it is written.
            guard try transaction.workflowRecords(kind: "sla").count == 2 else { throw StorageError.corrupt("uncommitted records unseen") }
        }
        let listed = try await store.deskTransaction(firstTicketNumber: 1) { try $0.workflowRecords(kind: "sla") }
        try expect.that(listed == [annas, bobs], "listed \(listed)")
        let ofThread = try await store.deskTransaction(firstTicketNumber: 1) { try $0.workflowRecords(kind: "sla", thread: ThreadID(2)) }
        try expect.that(ofThread == [bobs], "a thread's records: \(ofThread)")
        // A failed transaction writes none of its records.
        do {
            try await store.deskTransaction(firstTicketNumber: 1) { transaction in
                transaction.putWorkflowRecord(WorkflowRecord(kind: "sla", key: "00001", party: "c-anna", body: Data("{}".utf8)))
                throw StorageError.refused("roll back")
            }
        } catch {}
        let kept = try await store.deskTransaction(firstTicketNumber: 1) { try $0.workflowRecord(kind: "sla", key: "00001") }
        try expect.that(kept == annas, "a rolled-back transaction changed a record: \(String(describing: kept))")
        // Erasing Anna removes her records, not Bob's or the desk's configuration.
        let records = try await store.personalRecords(of: "c-anna")
        try await store.apply(records.map { PersonalDataChange(recordID: $0.id, action: .delete) })
        let left = try await store.deskTransaction(firstTicketNumber: 1) { transaction in
            (try transaction.workflowRecords(kind: "sla"), try transaction.workflowRecord(kind: "config", key: "policy"))
        }
        try expect.that(left.0 == [bobs] && left.1 == config, "after erasure: \(left)")
    }
}
