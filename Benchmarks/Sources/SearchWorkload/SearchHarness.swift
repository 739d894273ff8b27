import Conversation
import CustomerModel
import Foundation
import Localization
import SQLiteStorage
import Storage

/// Runs SupportKit's engine on a ``SearchWorkload``: the same corpus and queries the peers get.
public enum SearchHarness {
    static let epoch = Date(timeIntervalSince1970: 1_780_000_000)

    /// The search document of a message (key `m<doc>`, no title, the party as filter value).
    public static func document(_ message: SearchWorkload.Message, in workload: SearchWorkload) -> SearchDocument {
        SearchDocument(
            key: "m\(message.doc)", body: message.text, language: workload.languages[Int(message.language)],
            party: PartyID("p\(message.party)"), channel: "email", date: epoch.addingTimeInterval(Double(message.doc)))
    }

    /// The documents, built before any timing starts.
    public static func documents(_ workload: SearchWorkload) -> [SearchDocument] {
        workload.messages.map { document($0, in: workload) }
    }

    /// An index holding every document, numbered by `doc`.
    public static func buildIndex(_ documents: [SearchDocument]) -> InvertedIndex {
        var index = InvertedIndex()
        for (offset, document) in documents.enumerated() { index.add(document, number: UInt32(offset + 1)) }
        return index
    }

    /// A query as the engine takes it: the terms as query text, top 20, the party filter,
    /// and the language of the message the terms came from (a desk that knows the language).
    public struct PreparedQuery: Sendable {
        /// The query text (terms separated by spaces).
        public var text: String
        /// The filter.
        public var filter: SearchFilter
        /// The query's language.
        public var languages: [String]
        /// Bucket name.
        public var bucket: String
    }

    /// The workload's queries, prepared.
    public static func prepared(_ workload: SearchWorkload) -> [PreparedQuery] {
        workload.queries.map { query in
            PreparedQuery(
                text: query.terms.joined(separator: " "), filter: SearchFilter(party: query.party.map(PartyID.init)),
                languages: [query.language], bucket: query.bucket)
        }
    }

    /// Parses and runs one query (what is timed per query); returns the hits' document numbers.
    @inline(never)
    public static func run(_ query: PreparedQuery, on index: InvertedIndex) -> [UInt32] {
        guard let parsed = try? ParsedQuery(parsing: query.text),
            let found = try? index.search(parsed, limit: 20, filter: query.filter, languages: query.languages)
        else { return [] }
        return found.hits.map(\.doc)
    }

    /// Bytes the posting lists take when persisted (``InvertedIndex/persistedDirtyTerms()``:
    /// the term, varint document deltas, one impact byte per posting), without SQLite's overhead.
    public static func persistedPostingBytes(_ index: InvertedIndex) -> Int {
        index.persistedDirtyTerms().reduce(0) { $0 + $1.term.utf8.count + $1.docs.count + $1.impacts.count }
    }

    /// Ingest records for the SQLite store: one thread per message (threading is not measured here).
    public static func ingestRecords(_ workload: SearchWorkload) -> [IngestRecord] {
        workload.messages.map { message in
            let party = PartyID("p\(message.party)")
            let sent = epoch.addingTimeInterval(Double(message.doc))
            let id = MessageID("m\(message.doc)@bench")
            let supportMessage = SupportMessage(
                id: id, channel: .email, direction: .inbound, party: party, sentAt: sent, text: message.text,
                language: workload.languages[Int(message.language)])
            let thread = SupportThread(
                id: ThreadID(UInt64(message.doc)), owner: party, subject: "", createdAt: sent, messageIDs: [id])
            return IngestRecord(message: supportMessage, thread: thread)
        }
    }

    /// Nanoseconds, nearest-rank percentile of ascending samples (the peers script's definition).
    public static func percentile(_ sorted: [UInt64], _ p: Double) -> UInt64 {
        guard !sorted.isEmpty else { return 0 }
        let rank = max(1, Int((Double(sorted.count) * p / 100).rounded(.up)))
        return sorted[rank - 1]
    }
}
