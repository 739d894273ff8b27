import Conversation
import Foundation
import GRDB
import Storage

/// The store's schema as named, ordered migrations. A shipped migration is never edited:
/// changes go into a new one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: parties, threads, messages, events, articles, search postings") { db in
            try db.execute(
                sql: """
                    CREATE TABLE party (
                        id TEXT PRIMARY KEY,
                        account TEXT,
                        body BLOB NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX party_account ON party(account);

                    CREATE TABLE thread (
                        id INTEGER PRIMARY KEY,
                        owner TEXT NOT NULL,
                        status TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        body BLOB NOT NULL
                    );
                    CREATE INDEX thread_owner ON thread(owner, created_at);

                    -- doc: the message's number in the search index; AUTOINCREMENT so that
                    -- numbers of erased messages are never handed out again.
                    CREATE TABLE message (
                        doc INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        thread INTEGER NOT NULL,
                        party TEXT,
                        person TEXT,
                        account TEXT,
                        sent_at REAL NOT NULL,
                        language TEXT,
                        channel TEXT NOT NULL,
                        search_length INTEGER NOT NULL,
                        subject TEXT NOT NULL,
                        text TEXT NOT NULL,
                        body BLOB NOT NULL
                    );
                    CREATE INDEX message_thread ON message(thread, doc);
                    CREATE INDEX message_party ON message(party);
                    CREATE INDEX message_person ON message(person);

                    CREATE TABLE event (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                        at REAL NOT NULL,
                        thread INTEGER,
                        party TEXT,
                        body BLOB NOT NULL
                    );
                    CREATE INDEX event_party ON event(party);
                    CREATE INDEX event_thread ON event(thread);

                    CREATE TABLE article (
                        doc INTEGER PRIMARY KEY AUTOINCREMENT,
                        key TEXT NOT NULL UNIQUE,
                        search_length INTEGER NOT NULL,
                        body BLOB NOT NULL
                    );

                    -- Posting lists as of search_state.watermark; rows above it are re-analyzed on open.
                    CREATE TABLE search_postings (
                        collection TEXT NOT NULL,
                        term TEXT NOT NULL,
                        count INTEGER NOT NULL,
                        docs BLOB NOT NULL,
                        impacts BLOB NOT NULL,
                        PRIMARY KEY (collection, term)
                    ) WITHOUT ROWID;
                    CREATE TABLE search_state (
                        collection TEXT PRIMARY KEY,
                        watermark INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2: the store owns ticket numbers, the threading index and the identity graph") { db in
            try db.execute(
                sql: """
                    ALTER TABLE thread ADD COLUMN merged_into INTEGER;
                    ALTER TABLE message ADD COLUMN received_at REAL;
                    ALTER TABLE search_state ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;

                    -- Counters the store hands out: 'next_ticket' (never lowered, so never reused).
                    CREATE TABLE store_counter (
                        name TEXT PRIMARY KEY,
                        value INTEGER NOT NULL
                    ) WITHOUT ROWID;

                    -- The threading index. `party` is whose message wrote the entry (erasure removes
                    -- it with them); keys are fingerprints, so no subject or text is kept here.
                    -- Entries are not indexed by thread: ticket numbers are never reused, so an
                    -- entry left pointing at a deleted thread names nothing and every rule skips it.
                    CREATE TABLE threading_message_id (
                        id TEXT PRIMARY KEY,
                        thread INTEGER NOT NULL,
                        is_message INTEGER NOT NULL,
                        party TEXT
                    ) WITHOUT ROWID;
                    CREATE INDEX threading_message_id_party ON threading_message_id(party);
                    CREATE TABLE threading_subject (
                        key_high INTEGER NOT NULL,
                        key_low INTEGER NOT NULL,
                        thread INTEGER NOT NULL,
                        party TEXT NOT NULL,
                        PRIMARY KEY (key_high, key_low)
                    ) WITHOUT ROWID;
                    CREATE INDEX threading_subject_party ON threading_subject(party);
                    -- message NULL: messages of two threads start alike (the quote is ambiguous).
                    CREATE TABLE threading_quote (
                        key_high INTEGER NOT NULL,
                        key_low INTEGER NOT NULL,
                        message TEXT,
                        thread INTEGER NOT NULL,
                        party TEXT NOT NULL,
                        PRIMARY KEY (key_high, key_low)
                    ) WITHOUT ROWID;
                    CREATE INDEX threading_quote_party ON threading_quote(party);
                    CREATE TABLE threading_party (
                        party TEXT PRIMARY KEY,
                        thread INTEGER NOT NULL
                    ) WITHOUT ROWID;

                    -- Parties by contact point, and the identity graph's merges (party -> the record it resolves to).
                    CREATE TABLE party_contact (
                        point TEXT PRIMARY KEY,
                        party TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX party_contact_party ON party_contact(party);
                    CREATE TABLE party_merge (
                        party TEXT PRIMARY KEY,
                        into_party TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX party_merge_into ON party_merge(into_party);
                    """)
            try migrateV1Data(db)
        }
        migrator.registerMigration("v3: message search as immutable segments read on demand") { db in
            try db.execute(
                sql: """
                    -- search_state 'message': watermark = the last document in a segment; documents and
                    -- total_length are BM25's statistics. message.search_length is no longer read.
                    ALTER TABLE search_state ADD COLUMN documents INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE search_state ADD COLUMN total_length INTEGER NOT NULL DEFAULT 0;

                    -- A segment covers documents first_doc...last_doc (segments never overlap).
                    CREATE TABLE search_segment (
                        id INTEGER PRIMARY KEY,
                        first_doc INTEGER NOT NULL,
                        last_doc INTEGER NOT NULL,
                        documents INTEGER NOT NULL
                    );
                    -- Keyed by segment, then term: each segment's dictionary is one sorted B-tree range.
                    CREATE TABLE search_segment_term (
                        segment INTEGER NOT NULL,
                        term TEXT NOT NULL,
                        count INTEGER NOT NULL,
                        postings BLOB NOT NULL,
                        PRIMARY KEY (segment, term)
                    ) WITHOUT ROWID;
                    CREATE TABLE search_language (
                        name TEXT PRIMARY KEY
                    ) WITHOUT ROWID;
                    -- Account-filtered queries start from the account's documents.
                    CREATE INDEX message_account ON message(account);
                    """)
            try SQLiteSearchSegments.migrateV2Postings(db)
        }
        migrator.registerMigration("v4: workflow records (SLA clocks, refunds, placements, desk configuration)") { db in
            try db.execute(
                sql: """
                    CREATE TABLE workflow_record (
                        kind TEXT NOT NULL,
                        key TEXT NOT NULL,
                        party TEXT,
                        thread INTEGER,
                        body BLOB NOT NULL,
                        PRIMARY KEY (kind, key)
                    ) WITHOUT ROWID;
                    CREATE INDEX workflow_record_party ON workflow_record(party);
                    CREATE INDEX workflow_record_thread ON workflow_record(thread, kind);
                    """)
        }
        return migrator
    }

    /// Fills the v2 tables from a v1 store's rows, once: contact points from the parties, the
    /// ticket counter past the highest stored thread, and the threading index from the stored
    /// messages in ingest order, each indexed for the thread it is stored in (v1 rebuilt this
    /// by replay at every open; from here on it is written with each message).
    private static func migrateV1Data(_ db: Database) throws {
        for row in try Row.fetchAll(db, sql: "SELECT body FROM party") {
            let party = try SQLiteSupportStore.decode(StoredParty.self, row, "body")
            for point in party.profile.contactPoints {
                try db.execute(sql: "INSERT OR REPLACE INTO party_contact (point, party) VALUES (?, ?)",
                    arguments: [point.description, party.id.rawValue])
            }
        }
        if let highest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM thread") {
            try db.execute(sql: "INSERT INTO store_counter (name, value) VALUES ('next_ticket', ?)", arguments: [highest + 1])
        }
        let transaction = DeskTransaction(records: SQLiteDeskRecords(db: db), firstTicketNumber: 1)
        let rows = try Row.fetchCursor(db, sql: "SELECT thread, subject, text, body FROM message ORDER BY doc")
        var messages: [(SupportMessage, ThreadID)] = []
        while let row = try rows.next() {
            messages.append((try SQLiteSupportStore.message(row), ThreadID(UInt64(try SQLiteSupportStore.int64(row, "thread")))))
        }
        for (message, thread) in messages {
            try transaction.reindex(message, storedIn: thread, configuration: ThreadingConfiguration())
        }
        try transaction.finish()
    }
}
