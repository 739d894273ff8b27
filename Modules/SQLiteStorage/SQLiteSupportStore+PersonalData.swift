import Conversation
import CustomerModel
import Foundation
import GRDB
import Storage

extension SQLiteSupportStore {
    public func personalRecords(of party: PartyID) async throws(StorageError) -> [PersonalRecord] {
        try await read { db in try Self.personalRecords(db, of: party) }
    }

    public func personalRecords(lastActiveBefore date: Date) async throws(StorageError) -> [PersonalRecord] {
        try await read { db in try Self.personalRecords(db, of: nil).filter { $0.lastActivityAt < date } }
    }

    /// Applies the changes in one transaction, removes the messages from every search segment
    /// that lists them in the same transaction, then checkpoints the write-ahead log
    /// into the file and truncates it. With `secure_delete` on, SQLite zeroes deleted cells and
    /// freed pages, so no byte of the removed text stays in the file or the log.
    public func apply(_ changes: [PersonalDataChange]) async throws(StorageError) {
        rowCache.withLock { $0 = (nil, DeskRowCache()) }
        try await indexWrite { db in
            for change in changes where try !Self.exists(change.recordID, db) { throw StorageError.notFound(change.recordID) }
            // Postings go first: finding a message's (segment, term) rows re-analyzes its text.
            var unindexed: [Int64] = []
            for change in changes {
                guard let (kind, key) = PersonalRecordID.parse(change.recordID), kind == "message",
                    let doc = try Int64.fetchOne(db, sql: "SELECT doc FROM message WHERE id = ?", arguments: [key])
                else { continue }
                unindexed.append(doc)
            }
            try SQLiteSearchSegments.remove(docs: unindexed, analyzers: self.options.analyzers, db)
            for change in changes {
                guard let (kind, key) = PersonalRecordID.parse(change.recordID) else { continue }
                let delete = change.action == .delete
                switch kind {
                case "party":
                    guard let row = try Row.fetchOne(db, sql: "SELECT body FROM party WHERE id = ?", arguments: [key]) else { continue }
                    let party = try Self.decode(StoredParty.self, row, "body")
                    try Self.run(db, sql: "DELETE FROM party WHERE id = ?", arguments: [key])
                    if !delete { try Self.save(StoredParty.anonymised(party), db) }
                case "message":
                    if delete {
                        try Self.run(db, sql: "DELETE FROM message WHERE id = ?", arguments: [key])
                    } else if let row = try Row.fetchOne(db, sql: "SELECT subject, text, body FROM message WHERE id = ?", arguments: [key]) {
                        var anonymised = try Self.message(row).anonymised
                        let subject = anonymised.subject
                        let text = anonymised.text
                        anonymised.subject = ""
                        anonymised.text = ""
                        try Self.run(db, sql: "UPDATE message SET party = ?, person = ?, account = NULL, subject = ?, text = ?, body = ? WHERE id = ?",
                            arguments: [
                                PersonalDataChange.anonymousParty.rawValue, PersonalDataChange.anonymousParty.rawValue, subject, text,
                                try Self.encode(anonymised), key,
                            ])
                    }
                case "thread":
                    guard let number = Int64(key) else { continue }
                    if delete {
                        try Self.run(db, sql: "DELETE FROM thread WHERE id = ?", arguments: [number])
                    } else if let row = try Row.fetchOne(db, sql: "SELECT body FROM thread WHERE id = ?", arguments: [number]) {
                        try Self.save(try Self.decode(SupportThread.self, row, "body").anonymised, db)
                    }
                default:
                    guard let sequence = Int64(key) else { continue }
                    if delete {
                        try Self.run(db, sql: "DELETE FROM event WHERE sequence = ?", arguments: [sequence])
                    } else {
                        try Self.run(db, sql: "UPDATE event SET party = ? WHERE sequence = ?",
                            arguments: [PersonalDataChange.anonymousParty.rawValue, sequence])
                    }
                }
            }
            try Self.removeIndexEntries(of: changes, db)
            _ = try Self.append(PersonalDataChange.erasureEvents(changes, at: Date()), db)
        }
        // The erased rows' old pages must leave the WAL too: wait out other checkpointers.
        do { try await checkpointTruncate(waiting: options.busyTimeout) } catch {
            throw .backend("erasure committed, but the WAL checkpoint failed: \(error)")
        }
    }

    /// Removes the threading-index and identity rows of erased records: everything a deleted or
    /// anonymised party's messages wrote, and a deleted message's id.
    private static func removeIndexEntries(of changes: [PersonalDataChange], _ db: Database) throws {
        for change in changes {
            guard let (kind, key) = PersonalRecordID.parse(change.recordID) else { continue }
            switch kind {
            case "party":
                for table in [
                    "threading_message_id", "threading_subject", "threading_quote", "threading_party", "party_contact", "workflow_record",
                ] {
                    try run(db, sql: "DELETE FROM \(table) WHERE party = ?", arguments: [key])
                }
                try run(db, sql: "DELETE FROM party_merge WHERE party = ?1 OR into_party = ?1", arguments: [key])
            case "message":
                // A quote entry naming the message names nothing once its id entry is gone.
                if change.action == .delete { try run(db, sql: "DELETE FROM threading_message_id WHERE id = ?", arguments: [key]) }
                try run(db, sql: "DELETE FROM workflow_record WHERE kind = 'placement' AND key = ?", arguments: [key])
            default:
                // A deleted thread's entries point at a number never handed out again: they name
                // nothing, and the party's erasure removes them with the party.
                continue
            }
        }
    }

    private static func exists(_ recordID: String, _ db: Database) throws -> Bool {
        guard let (kind, key) = PersonalRecordID.parse(recordID) else { return false }
        switch kind {
        case "party": return try Row.fetchOne(db, sql: "SELECT 1 FROM party WHERE id = ?", arguments: [key]) != nil
        case "message": return try Row.fetchOne(db, sql: "SELECT 1 FROM message WHERE id = ?", arguments: [key]) != nil
        case "thread":
            guard let number = Int64(key) else { return false }
            return try Row.fetchOne(db, sql: "SELECT 1 FROM thread WHERE id = ?", arguments: [number]) != nil
        default:
            guard let sequence = Int64(key) else { return false }
            return try Row.fetchOne(db, sql: "SELECT 1 FROM event WHERE sequence = ?", arguments: [sequence]) != nil
        }
    }

    /// Every personal record, or those of one party; ordered by record id.
    private static func personalRecords(_ db: Database, of party: PartyID?) throws -> [PersonalRecord] {
        var collector = PersonalRecordCollector(party: party)
        let arguments: StatementArguments = party.map { [$0.rawValue] } ?? []
        func rows(_ table: String, _ filter: String) throws -> [Row] {
            try Row.fetchAll(db, sql: "SELECT * FROM \(table) \(party == nil ? "" : filter)", arguments: arguments)
        }
        for row in try rows("message", "WHERE party = ?1 OR person = ?1 ORDER BY doc") { collector.add(try Self.message(row)) }
        for row in try rows("party", "WHERE id = ?1") { collector.add(try Self.decode(StoredParty.self, row, "body")) }
        for row in try rows("thread", "WHERE owner = ?1") { collector.add(try Self.decode(SupportThread.self, row, "body")) }
        for row in try rows("event", "WHERE party = ?1") { collector.add(try Self.event(row)) }
        return collector.collected()
    }
}
