import Conversation
import CustomerModel
import Foundation
import Storage

extension PostgresSupportStore {
    /// Every table a personal-data change may touch: erasure vacuums them all once it commits.
    static let personalTables = [
        "message", "party", "thread", "event", "search_segment_term", "search_segment", "threading_message_id", "threading_subject",
        "threading_quote", "threading_party", "party_contact", "party_merge", "workflow_record",
    ]

    public func personalRecords(of party: PartyID) async throws(StorageError) -> [PersonalRecord] {
        try await withSession(write: false, operation: "read personal records") { session throws(StorageError) in
            try Self.personalRecords(session, of: party)
        }
    }

    public func personalRecords(lastActiveBefore date: Date) async throws(StorageError) -> [PersonalRecord] {
        try await withSession(write: false, operation: "read personal records") { session throws(StorageError) in
            try Self.personalRecords(session, of: nil).filter { $0.lastActivityAt < date }
        }
    }

    /// Applies the changes in one transaction — rows, their threading-index and identity
    /// entries, and the messages' postings in every search segment — then vacuums the tables
    /// (``Options/erasureVacuum``; `VACUUM FULL` by default rewrites them, so the dead rows'
    /// bytes leave the relation files). The vacuum runs after the commit: should it fail, the
    /// erasure stands and the error says the vacuum is still due.
    public func apply(_ changes: [PersonalDataChange]) async throws(StorageError) {
        // Nothing to change, nothing to vacuum (a retention run that found nothing due).
        guard !changes.isEmpty else { return }
        let analyzers = options.analyzers
        try await withSession(write: true, operation: "apply personal-data changes") { session throws(StorageError) in
            for change in changes where try !Self.exists(change.recordID, session) { throw .notFound(change.recordID) }
            // Postings go first: finding a message's (segment, term) rows re-analyzes its text.
            var unindexed: [Int64] = []
            for change in changes {
                guard let (kind, key) = PersonalRecordID.parse(change.recordID), kind == "message",
                    let doc = try session.row("SELECT doc FROM message WHERE id = $1", [.text(key)], operation: "find a message")?.int64("doc")
                else { continue }
                unindexed.append(doc)
            }
            try PostgresSearchSegments.remove(docs: unindexed, analyzers: analyzers, session)
            for change in changes { try Self.apply(change, session) }
            try Self.removeIndexEntries(of: changes, session)
            _ = try Self.append(PersonalDataChange.erasureEvents(changes, at: Date()), session)
        }
        do { try await vacuum(Self.personalTables, full: options.erasureVacuum == .full) } catch {
            throw .backend("erasure committed, but the vacuum failed (run it again): \(error)")
        }
    }

    private static func apply(_ change: PersonalDataChange, _ session: PostgresSession) throws(StorageError) {
        guard let (kind, key) = PersonalRecordID.parse(change.recordID) else { return }
        let delete = change.action == .delete
        switch kind {
        case "party":
            guard let row = try session.row("SELECT body FROM party WHERE id = $1", [.text(key)], operation: "read a party") else { return }
            let party = try decode(StoredParty.self, row, "body")
            try session.run("DELETE FROM party WHERE id = $1", [.text(key)], operation: "delete a party")
            if !delete { try save(StoredParty.anonymised(party), session) }
        case "message":
            if delete {
                try session.run("DELETE FROM message WHERE id = $1", [.text(key)], operation: "delete a message")
            } else if let row = try session.row("SELECT subject, text, body FROM message WHERE id = $1", [.text(key)], operation: "read a message") {
                var anonymised = try message(row).anonymised
                let subject = anonymised.subject
                let text = anonymised.text
                anonymised.subject = ""
                anonymised.text = ""
                let anonymous = PersonalDataChange.anonymousParty.rawValue
                try session.run(
                    "UPDATE message SET party = $1, person = $1, account = NULL, subject = $2, text = $3, body = $4 WHERE id = $5",
                    [.text(anonymous), .text(subject), .text(text), .bytes(try encode(anonymised)), .text(key)], operation: "anonymise a message")
            }
        case "thread":
            guard let number = Int64(key) else { return }
            if delete {
                try session.run("DELETE FROM thread WHERE id = $1", [.integer(number)], operation: "delete a thread")
            } else if let row = try session.row("SELECT body FROM thread WHERE id = $1", [.integer(number)], operation: "read a thread") {
                try save(try decode(SupportThread.self, row, "body").anonymised, session)
            }
        default:
            guard let sequence = Int64(key) else { return }
            if delete {
                try session.run("DELETE FROM event WHERE sequence = $1", [.integer(sequence)], operation: "delete an event")
            } else {
                try session.run(
                    "UPDATE event SET party = $1 WHERE sequence = $2", [.text(PersonalDataChange.anonymousParty.rawValue), .integer(sequence)],
                    operation: "anonymise an event")
            }
        }
    }

    /// Removes the threading-index and identity rows of erased records: everything a deleted or
    /// anonymised party's messages wrote, and a deleted message's id.
    private static func removeIndexEntries(of changes: [PersonalDataChange], _ session: PostgresSession) throws(StorageError) {
        for change in changes {
            guard let (kind, key) = PersonalRecordID.parse(change.recordID) else { continue }
            switch kind {
            case "party":
                for table in ["threading_message_id", "threading_subject", "threading_quote", "threading_party", "party_contact", "workflow_record"] {
                    try session.run("DELETE FROM \(table) WHERE party = $1", [.text(key)], operation: "remove a party's \(table) rows")
                }
                try session.run("DELETE FROM party_merge WHERE party = $1 OR into_party = $1", [.text(key)], operation: "remove a party's merges")
            case "message":
                if change.action == .delete {
                    try session.run("DELETE FROM threading_message_id WHERE id = $1", [.text(key)], operation: "remove a message's id entry")
                }
                try session.run(
                    "DELETE FROM workflow_record WHERE kind = 'placement' AND key = $1", [.text(key)], operation: "remove a message's placement")
            default:
                continue
            }
        }
    }

    private static func exists(_ recordID: String, _ session: PostgresSession) throws(StorageError) -> Bool {
        guard let (kind, key) = PersonalRecordID.parse(recordID) else { return false }
        let (sql, value): (String, SQLValue)
        switch kind {
        case "party": (sql, value) = ("SELECT 1 AS found FROM party WHERE id = $1", .text(key))
        case "message": (sql, value) = ("SELECT 1 AS found FROM message WHERE id = $1", .text(key))
        case "thread":
            guard let number = Int64(key) else { return false }
            (sql, value) = ("SELECT 1 AS found FROM thread WHERE id = $1", .integer(number))
        default:
            guard let sequence = Int64(key) else { return false }
            (sql, value) = ("SELECT 1 AS found FROM event WHERE sequence = $1", .integer(sequence))
        }
        return try session.row(sql, [value], operation: "find a personal record") != nil
    }

    /// Every personal record, or those of one party; ordered by record id.
    private static func personalRecords(_ session: PostgresSession, of party: PartyID?) throws(StorageError) -> [PersonalRecord] {
        var collector = PersonalRecordCollector(party: party)
        let values: [SQLValue] = party.map { [.text($0.rawValue)] } ?? []
        func rows(_ sql: String, _ filter: String) throws(StorageError) -> [SQLRow] {
            try session.rows("\(sql) \(party == nil ? "" : filter)", values, operation: "read personal records")
        }
        for row in try rows("SELECT subject, text, body FROM message", "WHERE party = $1 OR person = $1") { collector.add(try message(row)) }
        for row in try rows("SELECT body FROM party", "WHERE id = $1") { collector.add(try decode(StoredParty.self, row, "body")) }
        for row in try rows("SELECT body FROM thread", "WHERE owner = $1") { collector.add(try decode(SupportThread.self, row, "body")) }
        for row in try rows("SELECT sequence, at, thread, party, body FROM event", "WHERE party = $1") { collector.add(try event(row)) }
        return collector.collected()
    }
}
