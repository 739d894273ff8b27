import Conversation
import CustomerModel
import Foundation
import Storage

/// ``DeskRecords`` over one PostgreSQL write transaction (holding the store's write lock, so
/// it is the only writer, across processes too). The statements mirror SQLiteStorage's.
final class PostgresDeskRecords: DeskRecords {
    let session: PostgresSession

    init(session: PostgresSession) {
        self.session = session
    }

    private static func threadID(_ row: SQLRow, _ column: String = "thread") throws(StorageError) -> ThreadID {
        let value = try row.int64(column)
        guard value > 0 else { throw .corrupt("\(column) is not a ticket number") }
        return ThreadID(UInt64(value))
    }

    private static func ticket(_ id: ThreadID) -> SQLValue { .integer(Int64(id.rawValue)) }

    // MARK: Threads and messages

    func thread(_ id: ThreadID) throws(StorageError) -> SupportThread? {
        guard let row = try session.row("SELECT body FROM thread WHERE id = $1", [Self.ticket(id)], operation: "read a thread") else {
            return nil
        }
        return try PostgresSupportStore.decode(SupportThread.self, row, "body")
    }

    func saveThread(_ thread: SupportThread) throws(StorageError) {
        try PostgresSupportStore.save(thread, session)
    }

    func messageThread(_ id: MessageID) throws(StorageError) -> ThreadID? {
        guard let row = try session.row("SELECT thread FROM message WHERE id = $1", [.text(id.rawValue)], operation: "read a message's thread")
        else { return nil }
        return try Self.threadID(row)
    }

    func storedMessage(_ id: MessageID) throws(StorageError) -> (message: SupportMessage, thread: ThreadID)? {
        guard
            let row = try session.row(
                "SELECT thread, subject, text, body FROM message WHERE id = $1", [.text(id.rawValue)], operation: "read a message")
        else { return nil }
        return (try PostgresSupportStore.message(row), try Self.threadID(row))
    }

    func insertMessage(_ message: SupportMessage, thread: ThreadID, account: PartyID?) throws(StorageError) {
        var stored = message
        stored.subject = ""
        stored.text = ""
        try session.run(
            """
            INSERT INTO message (id, thread, party, person, account, sent_at, received_at, language, channel, subject, text, body)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            """,
            [
                .text(message.id.rawValue), Self.ticket(thread), .text(message.party?.rawValue), .text(message.person?.rawValue),
                .text(account?.rawValue), .real(message.sentAt.timeIntervalSince1970), .real(message.receivedAt.timeIntervalSince1970),
                .text(message.language), .text(message.channel.searchName), .text(message.subject), .text(message.text),
                .bytes(try PostgresSupportStore.encode(stored)),
            ], operation: "insert a message")
    }

    func moveMessages(_ ids: [MessageID], to thread: ThreadID) throws(StorageError) {
        for id in ids {
            try session.run("UPDATE message SET thread = $1 WHERE id = $2", [Self.ticket(thread), .text(id.rawValue)], operation: "move a message")
            try session.run(
                "UPDATE threading_message_id SET thread = $1 WHERE id = $2 AND is_message", [Self.ticket(thread), .text(id.rawValue)],
                operation: "move a message's index entry")
        }
    }

    // MARK: The threading index

    func messageIDEntry(_ id: String) throws(StorageError) -> IndexedMessageID? {
        guard
            let row = try session.row(
                "SELECT thread, is_message FROM threading_message_id WHERE id = $1", [.text(id)], operation: "read a Message-ID entry")
        else { return nil }
        return IndexedMessageID(thread: try Self.threadID(row), isMessage: try row.bool("is_message"))
    }

    func putMessageIDEntry(_ id: String, _ entry: IndexedMessageID, party: PartyID?) throws(StorageError) {
        try session.run(
            """
            INSERT INTO threading_message_id (id, thread, is_message, party) VALUES ($1, $2, $3::bigint <> 0, $4)
            ON CONFLICT (id) DO UPDATE SET thread = excluded.thread, is_message = excluded.is_message, party = excluded.party
            """,
            [.text(id), Self.ticket(entry.thread), .integer(entry.isMessage ? 1 : 0), .text(party?.rawValue)],
            operation: "write a Message-ID entry")
    }

    func subjectThread(_ key: ThreadingIndexKey) throws(StorageError) -> ThreadID? {
        guard
            let row = try session.row(
                "SELECT thread FROM threading_subject WHERE key_high = $1 AND key_low = $2", [.integer(key.high), .integer(key.low)],
                operation: "read a subject entry")
        else { return nil }
        return try Self.threadID(row)
    }

    func putSubject(_ key: ThreadingIndexKey, thread: ThreadID, party: PartyID) throws(StorageError) {
        try session.run(
            """
            INSERT INTO threading_subject (key_high, key_low, thread, party) VALUES ($1, $2, $3, $4)
            ON CONFLICT (key_high, key_low) DO UPDATE SET thread = excluded.thread, party = excluded.party
            """,
            [.integer(key.high), .integer(key.low), Self.ticket(thread), .text(party.rawValue)], operation: "write a subject entry")
    }

    func quote(_ key: ThreadingIndexKey) throws(StorageError) -> IndexedQuote? {
        guard
            let row = try session.row(
                "SELECT message FROM threading_quote WHERE key_high = $1 AND key_low = $2", [.integer(key.high), .integer(key.low)],
                operation: "read a quote entry")
        else { return nil }
        return try row.optionalString("message").map { .message(MessageID($0)) } ?? .ambiguous
    }

    func putQuote(_ key: ThreadingIndexKey, _ quote: IndexedQuote, thread: ThreadID, party: PartyID) throws(StorageError) {
        let message: String? = if case .message(let id) = quote { id.rawValue } else { nil }
        try session.run(
            """
            INSERT INTO threading_quote (key_high, key_low, message, thread, party) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (key_high, key_low) DO UPDATE SET message = excluded.message, thread = excluded.thread, party = excluded.party
            """,
            [.integer(key.high), .integer(key.low), .text(message), Self.ticket(thread), .text(party.rawValue)],
            operation: "write a quote entry")
    }

    func latestThread(of party: PartyID) throws(StorageError) -> ThreadID? {
        guard
            let row = try session.row(
                "SELECT thread FROM threading_party WHERE party = $1", [.text(party.rawValue)], operation: "read a party's latest thread")
        else { return nil }
        return try Self.threadID(row)
    }

    func putLatestThread(_ thread: ThreadID, of party: PartyID) throws(StorageError) {
        try session.run(
            "INSERT INTO threading_party (party, thread) VALUES ($1, $2) ON CONFLICT (party) DO UPDATE SET thread = excluded.thread",
            [.text(party.rawValue), Self.ticket(thread)], operation: "write a party's latest thread")
    }

    func nextTicketNumber() throws(StorageError) -> UInt64? {
        guard let row = try session.row("SELECT value FROM store_counter WHERE name = 'next_ticket'", operation: "read the ticket counter")
        else { return nil }
        return UInt64(max(try row.int64("value"), 1))
    }

    func putNextTicketNumber(_ number: UInt64) throws(StorageError) {
        try session.run(
            """
            INSERT INTO store_counter (name, value) VALUES ('next_ticket', $1)
            ON CONFLICT (name) DO UPDATE SET value = GREATEST(store_counter.value, excluded.value)
            """, [.integer(Int64(number))], operation: "raise the ticket counter")
    }

    // MARK: Parties and identity

    func party(_ id: PartyID) throws(StorageError) -> StoredParty? {
        guard let row = try session.row("SELECT body FROM party WHERE id = $1", [.text(id.rawValue)], operation: "read a party") else {
            return nil
        }
        return try PostgresSupportStore.decode(StoredParty.self, row, "body")
    }

    func saveParty(_ party: StoredParty) throws(StorageError) {
        try PostgresSupportStore.save(party, session)
    }

    func party(holding point: ContactPoint) throws(StorageError) -> PartyID? {
        try session.row("SELECT party FROM party_contact WHERE point = $1", [.text(point.description)], operation: "read a contact point")
            .map { row throws(StorageError) in PartyID(try row.string("party")) }
    }

    func stakeholders(of account: PartyID) throws(StorageError) -> [Stakeholder] {
        var found: [Stakeholder] = []
        for row in try session.rows(
            "SELECT body FROM party WHERE account = $1 ORDER BY id COLLATE \"C\"", [.text(account.rawValue)], operation: "read stakeholders")
        {
            if case .stakeholder(let stakeholder) = try PostgresSupportStore.decode(StoredParty.self, row, "body") {
                found.append(stakeholder)
            }
        }
        return found
    }

    func mergedParty(of party: PartyID) throws(StorageError) -> PartyID? {
        try session.row("SELECT into_party FROM party_merge WHERE party = $1", [.text(party.rawValue)], operation: "read an identity merge")
            .map { row throws(StorageError) in PartyID(try row.string("into_party")) }
    }

    func putMergedParty(of party: PartyID, into primary: PartyID?) throws(StorageError) {
        if let primary {
            try session.run(
                """
                INSERT INTO party_merge (party, into_party) VALUES ($1, $2)
                ON CONFLICT (party) DO UPDATE SET into_party = excluded.into_party
                """, [.text(party.rawValue), .text(primary.rawValue)], operation: "write an identity merge")
        } else {
            try session.run("DELETE FROM party_merge WHERE party = $1", [.text(party.rawValue)], operation: "remove an identity merge")
        }
    }

    // MARK: Workflow records

    func workflowRecord(kind: String, key: String) throws(StorageError) -> WorkflowRecord? {
        try session.row(
            "SELECT kind, key, party, thread, body FROM workflow_record WHERE kind = $1 AND key = $2", [.text(kind), .text(key)],
            operation: "read a workflow record"
        ).map(Self.workflowRecord)
    }

    func putWorkflowRecord(_ record: WorkflowRecord) throws(StorageError) {
        try session.run(
            """
            INSERT INTO workflow_record (kind, key, party, thread, body) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (kind, key) DO UPDATE SET party = excluded.party, thread = excluded.thread, body = excluded.body
            """,
            [
                .text(record.kind), .text(record.key), .text(record.party?.rawValue), .integer(record.thread.map { Int64($0.rawValue) }),
                .bytes(record.body),
            ], operation: "write a workflow record")
    }

    func workflowRecords(kind: String, thread: ThreadID?) throws(StorageError) -> [WorkflowRecord] {
        let rows =
            if let thread {
                try session.rows(
                    "SELECT kind, key, party, thread, body FROM workflow_record WHERE thread = $1 AND kind = $2 ORDER BY key COLLATE \"C\"",
                    [Self.ticket(thread), .text(kind)], operation: "read a thread's workflow records")
            } else {
                try session.rows(
                    "SELECT kind, key, party, thread, body FROM workflow_record WHERE kind = $1 ORDER BY key COLLATE \"C\"", [.text(kind)],
                    operation: "read workflow records")
            }
        return try rows.map(Self.workflowRecord)
    }

    private static func workflowRecord(_ row: SQLRow) throws(StorageError) -> WorkflowRecord {
        WorkflowRecord(
            kind: try row.string("kind"), key: try row.string("key"), party: try row.optionalString("party").map(PartyID.init),
            thread: try row.optionalInt64("thread").flatMap { $0 > 0 ? ThreadID(UInt64($0)) : nil }, body: try row.data("body"))
    }

    // MARK: The event log

    func appendEvents(_ events: [NewSupportEvent]) throws(StorageError) -> [Int64] {
        try PostgresSupportStore.append(events, session)
    }
}
