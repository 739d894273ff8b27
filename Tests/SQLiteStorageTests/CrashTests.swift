import Conversation
import Foundation
import SQLiteStorage
import Storage
import Testing

/// Kills a writer process in the middle of ingesting and checks that every message it
/// reported as committed is in the store after reopening, and that the file is intact.
@Suite("SQLite crash safety")
struct CrashTests {
    /// The `sqlite-crash-writer` executable, built beside the test bundle.
    static var writer: URL {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("sqlite-crash-writer"),
            products.appendingPathComponent("sqlite-crash-writer"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("sqlite-crash-writer"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    @Test(arguments: [40, 333, 1200])
    func killedMidIngestLosesNoCommittedMessage(afterCommits: Int) async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("crash.sqlite")
        let process = Process()
        process.executableURL = Self.writer
        process.arguments = [path, "100000"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var committed: [String] = []
        var buffer = Data()
        let handle = output.fileHandleForReading
        while committed.count < afterCommits {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                if line.hasPrefix("committed ") { committed.append(String(line.dropFirst(10))) }
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(committed.count >= afterCommits, "the writer stopped early")

        let store = try SQLiteSupportStore(path: path)
        for id in committed {
            #expect(try await store.message(MessageID(id)) != nil, "committed \(id) lost")
        }
        // Every stored message is searchable: the index was rebuilt past the last checkpoint.
        let stored = try await store.messages(after: 0, limit: 1_000_000).count
        #expect(stored >= committed.count)
        let hits = try await store.search(SearchQuery("crash", limit: 1000))
        #expect(hits.count == min(stored, 1000))
        // The segments (whatever flush or merge the kill interrupted) equal an index rebuilt
        // from the committed rows: same hits, same scores.
        let rebuilt = InMemorySupportStore()
        for (_, message, thread) in try await store.messages(after: 0, limit: 1_000_000) {
            _ = try await rebuilt.ingest(record(message, thread: thread.rawValue))
        }
        for text in ["crash", "parcel refund", "test number", "1\(afterCommits % 10)", "numb*"] {
            let query = SearchQuery(text, limit: 50)
            let answered = try await store.search(query).map { "\($0.message) \($0.score)" }
            let expected = try await rebuilt.search(query).map { "\($0.message) \($0.score)" }
            #expect(answered == expected, "\(text)")
        }
        // And the store takes new messages.
        let next = try await store.ingest(record(message("after-crash@shop", party: "c-1", text: "crash over"), thread: 999_999))
        #expect(next != .duplicate(existingThread: ThreadID(999_999)))
    }
}
