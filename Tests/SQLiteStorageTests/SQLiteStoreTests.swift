import Conversation
import CustomerModel
import Foundation
import SQLiteStorage
import Storage
import StorageConformance
import Testing

/// A fresh directory per test, removed afterwards.
struct TemporaryDirectory: ~Copyable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("supportkit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

func message(_ id: String, party: String, text: String, language: String = "en", minutes: Double = 0) -> SupportMessage {
    SupportMessage(
        id: MessageID(id), channel: .email, direction: .inbound, person: PartyID(party), party: PartyID(party),
        sentAt: Date(timeIntervalSince1970: 1_750_000_000 + minutes * 60), subject: "", text: text, language: language)
}

func record(_ message: SupportMessage, thread: UInt64) -> IngestRecord {
    let owner = message.party ?? "unknown"
    return IngestRecord(
        message: message,
        thread: SupportThread(id: ThreadID(thread), owner: owner, participants: [owner], subject: message.subject,
            createdAt: message.sentAt, messageIDs: [message.id]),
        events: [NewSupportEvent(at: message.sentAt, thread: ThreadID(thread), party: owner, kind: .received(message.id))])
}

@Suite("SQLite store")
struct SQLiteStoreTests {
    @Test(arguments: StoreConformance.checks)
    func conformance(_ check: ConformanceCheck) async throws {
        let directory = try TemporaryDirectory()
        try await check.run(on: try SQLiteSupportStore(path: directory.path("store.sqlite")))
    }

    @Test func theFileIsInWALMode() throws {
        let directory = try TemporaryDirectory()
        _ = try SQLiteSupportStore(path: directory.path("wal.sqlite"))
        let header = try Data(contentsOf: directory.url.appendingPathComponent("wal.sqlite"))
        // SQLite file header bytes 18 and 19 are the write/read format versions: 2 means WAL.
        #expect(header.count > 100 && header[18] == 2 && header[19] == 2)
    }

    @Test func reopeningKeepsMessagesAndSearch() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("reopen.sqlite")
        do {
            let store = try SQLiteSupportStore(path: path, options: .init())
            for index in 0..<5 {
                _ = try await store.ingest(record(
                    message("r\(index)@shop", party: "c-\(index % 2)", text: "returnerade paketet nummer \(index)", language: "sv"),
                    thread: UInt64(index + 1)))
            }
            // Messages 0–2 are in the persisted postings; 3 and 4 only in the rows.
        }
        let reopened = try SQLiteSupportStore(path: path)
        let hits = try await reopened.search(SearchQuery("returnera", limit: 10))
        #expect(Set(hits.map(\.message.rawValue)) == Set((0..<5).map { "r\($0)@shop" }))
        let party = try await reopened.search(SearchQuery("paketet", filter: SearchFilter(party: "c-1")))
        #expect(Set(party.map(\.message.rawValue)) == ["r1@shop", "r3@shop"])
        #expect(try await reopened.events(after: 0, limit: 100).count == 5)
        // A duplicate after reopening is still a duplicate.
        let again = try await reopened.ingest(record(message("r4@shop", party: "c-0", text: "x"), thread: 9))
        #expect(again == .duplicate(existingThread: ThreadID(5)))
        try await reopened.close()
        let third = try SQLiteSupportStore(path: path)
        #expect(try await third.search(SearchQuery("nummer", limit: 10)).count == 5)
        #expect(try await third.searchIndexBytes() > 0)
    }

    @Test func aFileThatIsNotAStoreIsATypedError() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("garbage.sqlite")
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try SQLiteSupportStore(path: path)
        } throws: { error in
            if case .backend = error as? StorageError { return true }
            return false
        }
    }

    @Test func concurrentReadersDuringIngest() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteSupportStore(path: directory.path("concurrent.sqlite"))
        _ = try await store.ingest(record(message("seed@shop", party: "c-0", text: "parcel lost"), thread: 1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for index in 0..<200 {
                    _ = try await store.ingest(record(
                        message("w\(index)@shop", party: "c-\(index % 7)", text: "parcel lost again \(index)"),
                        thread: UInt64(index + 2)))
                }
            }
            for _ in 0..<4 {
                group.addTask {
                    var last = 0
                    for _ in 0..<50 {
                        let count = try await store.search(SearchQuery("parcel", limit: 1000)).count
                        // The index only grows during the ingest: a reader never sees it shrink.
                        #expect(count >= last)
                        last = count
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.search(SearchQuery("parcel", limit: 1000)).count == 201)
    }
}

@Suite("SQLite batch ingest")
struct SQLiteBatchTests {
    @Test func aFailingBatchWritesNothingAndIndexesNothing() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteSupportStore(path: directory.path("batch.sqlite"))
        let good = message("good-1@shop", party: "c-1", text: "goodbatch parcel one")
        var bad = message("bad@shop", party: "c-1", text: "goodbatch broken")
        bad.sentAt = Date(timeIntervalSince1970: .nan)  // sent_at NOT NULL: SQLite stores NaN as NULL
        let later = message("good-2@shop", party: "c-1", text: "goodbatch parcel two")
        await #expect(throws: StorageError.self) {
            _ = try await store.ingest(contentsOf: [record(good, thread: 1), record(bad, thread: 2), record(later, thread: 3)])
        }
        #expect(try await store.message("good-1@shop") == nil)
        #expect(try await store.search(SearchQuery("goodbatch")).isEmpty)
        // The numbers the rolled-back rows had are handed out again, to other messages;
        // the index takes them and holds nothing of the rolled-back ones.
        let fresh = message("fresh@shop", party: "c-1", text: "goodbatch fresh")
        let outcomes = try await store.ingest(contentsOf: [record(later, thread: 3), record(fresh, thread: 4)])
        #expect(outcomes.count == 2)
        #expect(Set(try await store.search(SearchQuery("goodbatch")).map(\.message.rawValue)) == ["good-2@shop", "fresh@shop"])
    }
}

@Suite("SQLite erasure and the index")
struct SQLiteErasureIndexTests {
    /// A term that erasure empties and a later message brings back, before the next checkpoint,
    /// is in the persisted index after reopening.
    @Test func aTermErasedAndIndexedAgainSurvivesReopening() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("reuse.sqlite")
        do {
            let store = try SQLiteSupportStore(path: path, options: .init())
            _ = try await store.ingest(record(message("a@shop", party: "c-a", text: "quillonite parcel"), thread: 1))
            try await store.checkpointSearchIndex()
            try await store.apply([PersonalDataChange(recordID: "message:a@shop", action: .delete)])
            _ = try await store.ingest(record(message("b@shop", party: "c-b", text: "quillonite again"), thread: 2))
            try await store.close()
        }
        let reopened = try SQLiteSupportStore(path: path)
        #expect(try await reopened.search(SearchQuery("quillonite")).map(\.message.rawValue) == ["b@shop"])
    }
}
