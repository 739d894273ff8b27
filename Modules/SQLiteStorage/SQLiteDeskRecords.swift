import Conversation
import CustomerModel
import Foundation
import GRDB
import Storage

/// ``DeskRecords`` over one SQLite write transaction (`BEGIN IMMEDIATE`: the file's single
/// writer, across processes too). Every statement is compiled once per connection.
final class SQLiteDeskRecords: DeskRecords {
    let db: Database

    /// Records over `db`, inside its write transaction. Messages stored here are indexed for
    /// search when the transaction finishes (``SQLiteSearchSegments/indexPending(_:analyzers:)``).
    init(db: Database) {
        self.db = db
    }

    /// Runs a GRDB call, mapping its errors (a `StorageError` thrown inside passes through).
    private func sql<T>(_ body: () throws -> T) throws(StorageError) -> T {
        do { return try body() } catch let error as StorageError { throw error } catch {
            throw .backend(String(describing: error))
        }
    }

    private func row(_ query: String, _ arguments: StatementArguments) throws(StorageError) -> Row? {
        try sql { try Row.fetchOne(db.cachedStatement(sql: query), arguments: arguments) }
    }

    private func run(_ query: String, _ arguments: StatementArguments) throws(StorageError) {
        try sql { try SQLiteSupportStore.run(db, sql: query, arguments: arguments) }
    }

    private static func threadID(_ row: Row, _ column: String = "thread") throws(StorageError) -> ThreadID {
        guard let value = Int64.fromDatabaseValue(row[column]), value > 0 else {
            throw .corrupt("\(column) is not a ticket number")
        }
        return ThreadID(UInt64(value))
    }

    // MARK: Threads and messages

    func thread(_ id: ThreadID) throws(StorageError) -> SupportThread? {
        guard let row = try row("SELECT body FROM thread WHERE id = ?", [Int64(id.rawValue)]) else { return nil }
        return try sql { try SQLiteSupportStore.decode(SupportThread.self, row, "body") }
    }

    func saveThread(_ thread: SupportThread) throws(StorageError) {
        try sql { try SQLiteSupportStore.save(thread, db) }
    }

    func messageThread(_ id: MessageID) throws(StorageError) -> ThreadID? {
        guard let row = try row("SELECT thread FROM message WHERE id = ?", [id.rawValue]) else { return nil }
        return try Self.threadID(row)
    }

    func storedMessage(_ id: MessageID) throws(StorageError) -> (message: SupportMessage, thread: ThreadID)? {
        guard let row = try row("SELECT thread, subject, text, body FROM message WHERE id = ?", [id.rawValue]) else { return nil }
        return (try sql { try SQLiteSupportStore.message(row) }, try Self.threadID(row))
    }

    func insertMessage(_ message: SupportMessage, thread: ThreadID, account: PartyID?) throws(StorageError) {
        var stored = message
        stored.subject = ""
        stored.text = ""
        let body = try sql { try SQLiteSupportStore.encode(stored) }
        // search_length is no longer read (v3: the segments' statistics carry BM25's lengths).
        try run(
            """
            INSERT INTO message (id, thread, party, person, account, sent_at, language, channel, search_length, subject, text, body, received_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                message.id.rawValue, Int64(thread.rawValue), message.party?.rawValue, message.person?.rawValue,
                account?.rawValue, message.sentAt.timeIntervalSince1970, message.language, message.channel.searchName,
                -1, message.subject, message.text, body, message.receivedAt.timeIntervalSince1970,
            ])
    }

    func moveMessages(_ ids: [MessageID], to thread: ThreadID) throws(StorageError) {
        for id in ids {
            try run("UPDATE message SET thread = ? WHERE id = ?", [Int64(thread.rawValue), id.rawValue])
            try run("UPDATE threading_message_id SET thread = ? WHERE id = ? AND is_message = 1", [Int64(thread.rawValue), id.rawValue])
        }
    }

    // MARK: The threading index

    func messageIDEntry(_ id: String) throws(StorageError) -> IndexedMessageID? {
        guard let row = try row("SELECT thread, is_message FROM threading_message_id WHERE id = ?", [id]) else { return nil }
        return IndexedMessageID(thread: try Self.threadID(row), isMessage: (Int64.fromDatabaseValue(row["is_message"]) ?? 0) != 0)
    }

    func putMessageIDEntry(_ id: String, _ entry: IndexedMessageID, party: PartyID?) throws(StorageError) {
        try run(
            """
            INSERT INTO threading_message_id (id, thread, is_message, party) VALUES (?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET thread = excluded.thread, is_message = excluded.is_message, party = excluded.party
            """,
            [id, Int64(entry.thread.rawValue), entry.isMessage ? 1 : 0, party?.rawValue])
    }

    func subjectThread(_ key: ThreadingIndexKey) throws(StorageError) -> ThreadID? {
        guard let row = try row("SELECT thread FROM threading_subject WHERE key_high = ? AND key_low = ?", [key.high, key.low])
        else { return nil }
        return try Self.threadID(row)
    }

    func putSubject(_ key: ThreadingIndexKey, thread: ThreadID, party: PartyID) throws(StorageError) {
        try run(
            """
            INSERT INTO threading_subject (key_high, key_low, thread, party) VALUES (?, ?, ?, ?)
            ON CONFLICT(key_high, key_low) DO UPDATE SET thread = excluded.thread, party = excluded.party
            """,
            [key.high, key.low, Int64(thread.rawValue), party.rawValue])
    }

    func quote(_ key: ThreadingIndexKey) throws(StorageError) -> IndexedQuote? {
        guard let row = try row("SELECT message FROM threading_quote WHERE key_high = ? AND key_low = ?", [key.high, key.low])
        else { return nil }
        return String.fromDatabaseValue(row["message"]).map { .message(MessageID($0)) } ?? .ambiguous
    }

    func putQuote(_ key: ThreadingIndexKey, _ quote: IndexedQuote, thread: ThreadID, party: PartyID) throws(StorageError) {
        let message: String? = if case .message(let id) = quote { id.rawValue } else { nil }
        try run(
            """
            INSERT INTO threading_quote (key_high, key_low, message, thread, party) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(key_high, key_low) DO UPDATE SET message = excluded.message, thread = excluded.thread, party = excluded.party
            """,
            [key.high, key.low, message, Int64(thread.rawValue), party.rawValue])
    }

    func latestThread(of party: PartyID) throws(StorageError) -> ThreadID? {
        guard let row = try row("SELECT thread FROM threading_party WHERE party = ?", [party.rawValue]) else { return nil }
        return try Self.threadID(row)
    }

    func putLatestThread(_ thread: ThreadID, of party: PartyID) throws(StorageError) {
        try run(
            "INSERT INTO threading_party (party, thread) VALUES (?, ?) ON CONFLICT(party) DO UPDATE SET thread = excluded.thread",
            [party.rawValue, Int64(thread.rawValue)])
    }

    func nextTicketNumber() throws(StorageError) -> UInt64? {
        guard let row = try row("SELECT value FROM store_counter WHERE name = 'next_ticket'", []),
            let value = Int64.fromDatabaseValue(row["value"])
        else { return nil }
        return UInt64(max(value, 1))
    }

    func putNextTicketNumber(_ number: UInt64) throws(StorageError) {
        try run(
            """
            INSERT INTO store_counter (name, value) VALUES ('next_ticket', ?)
            ON CONFLICT(name) DO UPDATE SET value = MAX(value, excluded.value)
            """, [Int64(number)])
    }

    // MARK: Parties and identity

    func party(_ id: PartyID) throws(StorageError) -> StoredParty? {
        guard let row = try row("SELECT body FROM party WHERE id = ?", [id.rawValue]) else { return nil }
        return try sql { try SQLiteSupportStore.decode(StoredParty.self, row, "body") }
    }

    func saveParty(_ party: StoredParty) throws(StorageError) {
        try sql { try SQLiteSupportStore.save(party, db) }
    }

    func party(holding point: ContactPoint) throws(StorageError) -> PartyID? {
        try row("SELECT party FROM party_contact WHERE point = ?", [point.description]).flatMap {
            String.fromDatabaseValue($0["party"]).map(PartyID.init)
        }
    }

    func stakeholders(of account: PartyID) throws(StorageError) -> [Stakeholder] {
        try sql {
            try Row.fetchAll(db.cachedStatement(sql: "SELECT body FROM party WHERE account = ? ORDER BY id"), arguments: [account.rawValue])
                .compactMap { row in
                    if case .stakeholder(let stakeholder) = try SQLiteSupportStore.decode(StoredParty.self, row, "body") { return stakeholder }
                    return nil
                }
        }
    }

    func mergedParty(of party: PartyID) throws(StorageError) -> PartyID? {
        try row("SELECT into_party FROM party_merge WHERE party = ?", [party.rawValue]).flatMap {
            String.fromDatabaseValue($0["into_party"]).map(PartyID.init)
        }
    }

    func putMergedParty(of party: PartyID, into primary: PartyID?) throws(StorageError) {
        if let primary {
            try run("INSERT OR REPLACE INTO party_merge (party, into_party) VALUES (?, ?)", [party.rawValue, primary.rawValue])
        } else {
            try run("DELETE FROM party_merge WHERE party = ?", [party.rawValue])
        }
    }

    // MARK: Workflow records

    func workflowRecord(kind: String, key: String) throws(StorageError) -> WorkflowRecord? {
        try row("SELECT kind, key, party, thread, body FROM workflow_record WHERE kind = ? AND key = ?", [kind, key])
            .map(Self.workflowRecord)
    }

    func putWorkflowRecord(_ record: WorkflowRecord) throws(StorageError) {
        try run(
            "INSERT OR REPLACE INTO workflow_record (kind, key, party, thread, body) VALUES (?, ?, ?, ?, ?)",
            [record.kind, record.key, record.party?.rawValue, record.thread.map { Int64($0.rawValue) }, record.body])
    }

    func workflowRecords(kind: String, thread: ThreadID?) throws(StorageError) -> [WorkflowRecord] {
        try sql {
            let rows: [Row]
            if let thread {
                rows = try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT kind, key, party, thread, body FROM workflow_record WHERE thread = ? AND kind = ? ORDER BY key"),
                    arguments: [Int64(thread.rawValue), kind])
            } else {
                rows = try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT kind, key, party, thread, body FROM workflow_record WHERE kind = ? ORDER BY key"),
                    arguments: [kind])
            }
            return rows.map(Self.workflowRecord)
        }
    }

    private static func workflowRecord(_ row: Row) -> WorkflowRecord {
        WorkflowRecord(
            kind: String.fromDatabaseValue(row["kind"]) ?? "", key: String.fromDatabaseValue(row["key"]) ?? "",
            party: String.fromDatabaseValue(row["party"]).map(PartyID.init),
            thread: Int64.fromDatabaseValue(row["thread"]).flatMap { $0 > 0 ? ThreadID(UInt64($0)) : nil },
            body: Data.fromDatabaseValue(row["body"]) ?? Data())
    }

    // MARK: The event log

    func appendEvents(_ events: [NewSupportEvent]) throws(StorageError) -> [Int64] {
        try sql { try SQLiteSupportStore.append(events, db) }
    }
}
