import DeskConformance
import Conversation
import CustomerModel
import Foundation
import SQLiteStorage
import Storage
import SupportDesk
import Testing
import TestSupport

/// The `desk-writer` executable, built beside the test bundle.
var deskWriter: URL { tool("desk-writer") }

/// A running desk-writer and the lines it printed.
final class WriterProcess {
    let process = Process()
    private let output = Pipe()
    private var buffer = Data()
    private(set) var lines: [String] = []

    init(_ arguments: [String]) throws {
        process.executableURL = deskWriter
        process.arguments = arguments
        process.standardOutput = output
        try process.run()
    }

    /// Reads until `count` lines start with `prefix`, or the process ends.
    func read(until count: Int, prefix: String = "committed ") {
        let handle = output.fileHandleForReading
        while lines.filter({ $0.hasPrefix(prefix) }).count < count {
            let chunk = handle.availableData
            if chunk.isEmpty { return }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 0x0A) {
                lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                buffer.removeSubrange(buffer.startIndex...newline)
            }
        }
    }

    func finish() -> Int32 {
        read(until: Int.max)
        process.waitUntilExit()
        return process.terminationStatus
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var committed: [[String]] { lines.filter { $0.hasPrefix("committed ") }.map { $0.split(separator: " ").dropFirst().map(String.init) } }
}

@Suite("Several processes and kill -9", .serialized)
struct ProcessTests {
    static let conversations = 300

    /// Checks what must hold of any store these tests wrote: every message once, every
    /// conversation in one ticket of its own customer, search finding every message, and the
    /// thread rows equal to the event log's projection.
    static func checkStore(_ path: String, expectMessages: Int?, context: String) async throws {
        let store = try SQLiteSupportStore(path: path)
        var ids: [MessageID: ThreadID] = [:]
        var cursor: Int64 = 0
        while true {
            let page = try await store.messages(after: cursor, limit: 10_000)
            guard let last = page.last else { break }
            for row in page {
                #expect(ids[row.message.id] == nil, "\(context): \(row.message.id) stored twice")
                ids[row.message.id] = row.thread
                let owner = try await store.thread(row.thread)?.owner
                if let owner, let party = row.message.party, !(try await Self.merged(party, store)) {
                    #expect(owner == party, "\(context): \(row.message.id) of \(party) is in \(row.thread) of \(owner)")
                }
            }
            cursor = last.cursor
        }
        if let expectMessages { #expect(ids.count == expectMessages, "\(context): messages") }
        let hits = try await store.search(SearchQuery("parcel", limit: 1000))
        #expect(hits.count == min(ids.count, 1000), "\(context): search finds every message")
        let twoWords = try await store.search(SearchQuery("parcel order", limit: 1000))
        #expect(twoWords.count == hits.count, "\(context): a two-word query finds what one word finds")
        let projection = try await EventLogProjection.rebuild(from: store)
        for (id, thread) in projection.threads {
            #expect(DeskProperties.comparable(thread) == DeskProperties.comparable(try await store.thread(id)), "\(context): \(id)")
        }
    }

    static func merged(_ party: PartyID, _ store: SQLiteSupportStore) async throws -> Bool {
        try await store.events(after: 0, limit: 1_000_000).contains {
            if case .identityMerged(let a, let b, _, _) = $0.kind { return a == party || b == party }
            return false
        }
    }

    @Test func twoProcessesIngestingOverlappingMailNeverLoseDuplicateOrSplitAConversation() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("two.sqlite").path
        let count = Self.conversations * 3
        // Both start on a store that does not exist yet; one takes the mail in order, the
        // other backwards (replies before the mail they answer).
        let forward = try WriterProcess(["ingest", path, "0", String(count)])
        let backward = try WriterProcess(["ingest", path, "0", String(count), "reverse"])
        #expect(forward.finish() == 0)
        #expect(backward.finish() == 0)
        #expect(forward.committed.count == count && backward.committed.count == count)

        try await Self.checkStore(path, expectMessages: count, context: "two writers")
        let store = try SQLiteSupportStore(path: path)
        var tickets = Set<ThreadID>()
        for conversation in 0..<Self.conversations {
            var threads = Set<ThreadID>()
            for position in 0..<3 {
                let id = MessageID("q\(conversation)-\(position)@example.org")
                if let thread = try await store.message(id)?.thread { threads.insert(thread) }
            }
            #expect(threads.count == 1, "conversation \(conversation) split into \(threads)")
            if let thread = threads.first {
                #expect(!tickets.contains(thread), "two conversations share \(thread)")
                tickets.insert(thread)
                #expect(try await store.thread(thread)?.messageIDs.count == 3)
            }
        }
    }

    static let runs = ProcessInfo.processInfo.environment["SUPPORTKIT_CRASH_RUNS"].flatMap(Int.init) ?? 6

    @Test func killedAtRandomPointsTheStoreKeepsEveryAcknowledgedChange() async throws {
        var random = SplitMix64(seed: ProcessInfo.processInfo.environment["SUPPORTKIT_CRASH_SEED"].flatMap(UInt64.init) ?? 0xC0FFEE)
        for run in 0..<Self.runs {
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("crash.sqlite").path
            let mode = ["ingest", "acts", "erase"][run % 3]
            let context = "run \(run) (\(mode))"
            let prepared = mode == "ingest" ? 0 : 600
            if prepared > 0 {
                let seeding = try WriterProcess(["ingest", path, "0", String(prepared), "forward", "50"])
                #expect(seeding.finish() == 0)
            }
            let stopAfter = 1 + random.below(60)
            let writer: WriterProcess
            switch mode {
            case "ingest": writer = try WriterProcess(["ingest", path, "0", "3000"])
            case "acts": writer = try WriterProcess(["acts", path, String(random.next() % 1_000_000), "100000"])
            default: writer = try WriterProcess(["erase", path] + (0..<50).map { "customer\($0)@example.org" })
            }
            writer.read(until: stopAfter)
            writer.kill9()
            let committed = writer.committed

            let store = try SQLiteSupportStore(path: path)
            switch mode {
            case "ingest":
                for line in committed {
                    #expect(try await store.message(MessageID(line[0])) != nil, "\(context): committed \(line[0]) lost")
                }
            case "acts":
                let sequences = Set(try await store.events(after: 0, limit: 10_000_000).map(\.sequence))
                for line in committed where line.count == 2 {
                    guard let sequence = Int64(line[1]), sequence > 0 else { continue }
                    #expect(sequences.contains(sequence), "\(context): the event of acknowledged act \(line[0]) is lost")
                }
            default:
                for line in committed {
                    #expect(try await store.personalRecords(of: PartyID(line[0])).isEmpty, "\(context): \(line[0]) not erased")
                }
            }
            try await store.close()
            try await Self.checkStore(path, expectMessages: nil, context: context)
            // And the store takes new mail.
            let desk = Desk(store: try SQLiteSupportStore(path: path), directory: SingleBuyerDeskDirectory())
            let after = try await desk.ingest(mail("""
                From: after@example.org
                Subject: After the crash
                Date: Mon, 10 Mar 2025 10:00:00 +0100
                Message-ID: <after-\(run)@example.org>

                Still there? A parcel and an order.
                """))
            #expect(after.intake != nil, "\(context): the store refuses new mail")
        }
    }
}
