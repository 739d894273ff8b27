import GRDB

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
        return migrator
    }
}
