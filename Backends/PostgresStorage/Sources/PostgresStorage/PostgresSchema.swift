import Storage

/// The store's schema as named, append-only migrations: a shipped migration is never edited,
/// changes go into a new one. `supportkit_migration` records which ran; they run under the
/// write lock, so two processes opening a new database at once apply each migration once.
///
/// The tables mirror SQLiteStorage's (docs/Storage.md): the same rows, the same threading
/// index, the same search segments, so the desk's rules and the search engine run unchanged.
/// Terms are `COLLATE "C"`: byte order, which the segment reader's prefix ranges assume.
enum PostgresSchema {
    static let migrations: [(name: String, sql: String)] = [
        (
            "v1: parties, threads, messages, events, the threading index, identity, workflow records, search segments",
            """
            CREATE TABLE party (
                id TEXT PRIMARY KEY,
                account TEXT,
                body BYTEA NOT NULL
            );
            CREATE INDEX party_account ON party(account);

            CREATE TABLE thread (
                id BIGINT PRIMARY KEY,
                owner TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                merged_into BIGINT,
                body BYTEA NOT NULL
            );
            CREATE INDEX thread_owner ON thread(owner, created_at);

            -- doc: the message's number in the search index, from a sequence, so numbers of erased
            -- messages are never handed out again (and, under the write lock, rise in commit order).
            CREATE TABLE message (
                doc BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                thread BIGINT NOT NULL,
                party TEXT,
                person TEXT,
                account TEXT,
                sent_at DOUBLE PRECISION NOT NULL,
                received_at DOUBLE PRECISION,
                language TEXT,
                channel TEXT NOT NULL,
                subject TEXT NOT NULL,
                text TEXT NOT NULL,
                body BYTEA NOT NULL
            );
            CREATE INDEX message_thread ON message(thread, doc);
            CREATE INDEX message_party ON message(party, doc);
            CREATE INDEX message_person ON message(person);
            CREATE INDEX message_account ON message(account, doc);

            CREATE TABLE event (
                sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at DOUBLE PRECISION NOT NULL,
                thread BIGINT,
                party TEXT,
                body BYTEA NOT NULL
            );
            CREATE INDEX event_party ON event(party);
            CREATE INDEX event_thread ON event(thread);

            CREATE TABLE article (
                doc BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                search_length BIGINT NOT NULL,
                body BYTEA NOT NULL
            );

            -- The knowledge base's posting lists (small: loaded whole by each process).
            CREATE TABLE search_postings (
                collection TEXT NOT NULL,
                term TEXT COLLATE "C" NOT NULL,
                count BIGINT NOT NULL,
                docs BYTEA NOT NULL,
                impacts BYTEA NOT NULL,
                PRIMARY KEY (collection, term)
            );
            -- 'message': watermark = the last document in a segment, BM25's statistics, and the
            -- generation every segment change moves; 'article': its watermark and generation.
            CREATE TABLE search_state (
                collection TEXT PRIMARY KEY,
                watermark BIGINT NOT NULL,
                generation BIGINT NOT NULL DEFAULT 0,
                documents BIGINT NOT NULL DEFAULT 0,
                total_length BIGINT NOT NULL DEFAULT 0
            );
            CREATE TABLE search_segment (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                first_doc BIGINT NOT NULL,
                last_doc BIGINT NOT NULL,
                documents BIGINT NOT NULL
            );
            CREATE TABLE search_segment_term (
                segment BIGINT NOT NULL,
                term TEXT COLLATE "C" NOT NULL,
                count BIGINT NOT NULL,
                postings BYTEA NOT NULL,
                PRIMARY KEY (segment, term)
            );
            CREATE TABLE search_language (
                name TEXT PRIMARY KEY
            );

            -- Counters the store hands out: 'next_ticket' (never lowered, so never reused).
            CREATE TABLE store_counter (
                name TEXT PRIMARY KEY,
                value BIGINT NOT NULL
            );

            -- The threading index; `party` is whose message wrote the entry (erasure removes it
            -- with them); keys are fingerprints, so no subject or text is kept here.
            CREATE TABLE threading_message_id (
                id TEXT PRIMARY KEY,
                thread BIGINT NOT NULL,
                is_message BOOLEAN NOT NULL,
                party TEXT
            );
            CREATE INDEX threading_message_id_party ON threading_message_id(party);
            CREATE TABLE threading_subject (
                key_high BIGINT NOT NULL,
                key_low BIGINT NOT NULL,
                thread BIGINT NOT NULL,
                party TEXT NOT NULL,
                PRIMARY KEY (key_high, key_low)
            );
            CREATE INDEX threading_subject_party ON threading_subject(party);
            CREATE TABLE threading_quote (
                key_high BIGINT NOT NULL,
                key_low BIGINT NOT NULL,
                message TEXT,
                thread BIGINT NOT NULL,
                party TEXT NOT NULL,
                PRIMARY KEY (key_high, key_low)
            );
            CREATE INDEX threading_quote_party ON threading_quote(party);
            CREATE TABLE threading_party (
                party TEXT PRIMARY KEY,
                thread BIGINT NOT NULL
            );

            CREATE TABLE party_contact (
                point TEXT PRIMARY KEY,
                party TEXT NOT NULL
            );
            CREATE INDEX party_contact_party ON party_contact(party);
            CREATE TABLE party_merge (
                party TEXT PRIMARY KEY,
                into_party TEXT NOT NULL
            );
            CREATE INDEX party_merge_into ON party_merge(into_party);

            CREATE TABLE workflow_record (
                kind TEXT NOT NULL,
                key TEXT NOT NULL,
                party TEXT,
                thread BIGINT,
                body BYTEA NOT NULL,
                PRIMARY KEY (kind, key)
            );
            CREATE INDEX workflow_record_party ON workflow_record(party);
            CREATE INDEX workflow_record_thread ON workflow_record(thread, kind);
            """
        ),
    ]

    /// The names of the migrations this database has not applied yet, read without writing
    /// (so a store opens on a read-only standby once its primary is migrated).
    static func pending(_ session: PostgresSession) throws(StorageError) -> [String] {
        let present = try session.row(
            "SELECT to_regclass('supportkit_migration') IS NOT NULL AS present", operation: "look for the migration table")?.bool("present") ?? false
        guard present else { return migrations.map(\.name) }
        let applied = Set(try session.rows("SELECT name FROM supportkit_migration", operation: "read applied migrations").map {
            row throws(StorageError) in try row.string("name")
        })
        return migrations.map(\.name).filter { !applied.contains($0) }
    }

    /// Applies the migrations not yet applied, in order, in the caller's write transaction.
    static func migrate(_ session: PostgresSession) throws(StorageError) {
        try session.run(
            "CREATE TABLE IF NOT EXISTS supportkit_migration (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
            operation: "create the migration table")
        let waiting = Set(try pending(session))
        for migration in migrations where waiting.contains(migration.name) {
            // One statement at a time (the extended protocol runs one per message); the store's
            // own SQL has a semicolon only at the end of a statement.
            for statement in migration.sql.split(separator: ";\n") where !statement.allSatisfy(\.isWhitespace) {
                try session.run(String(statement), operation: "migration \(migration.name)")
            }
            try session.run("INSERT INTO supportkit_migration (name) VALUES ($1)", [.text(migration.name)], operation: "record migration")
        }
    }
}
