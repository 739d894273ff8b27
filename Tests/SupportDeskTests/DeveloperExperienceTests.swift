import Conversation
import CustomerModel
import DeskCLI
import Foundation
import Logging
import SQLiteStorage
import Storage
import SupportDesk
import Testing
import TestSupport

/// Keeps every log entry, for the tests to read (a LogHandler is a value; the box is shared).
final class CapturedLog: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: String
    }

    private let lock = NSLock()
    nonisolated(unsafe) private var stored: [Entry] = []  // Guarded by `lock`: every access takes it.

    var entries: [Entry] { lock.withLock { stored } }
    func append(_ entry: Entry) { lock.withLock { stored.append(entry) } }

    func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "test", factory: { _ in Handler(log: self) })
        logger.logLevel = level
        return logger
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let pairs = (event.metadata ?? [:]).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            log.append(Entry(level: event.level, message: "\(event.message)", metadata: pairs))
        }
    }
}

@Suite("Logging, progress and the desk-address trap")
struct DeveloperExperienceTests {
    // MARK: Logging

    @Test func theDeskLogsDecisionsAtDebugDamageAtWarningAndNoContentAboveDebug() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = CapturedLog()
        let store = try SQLiteSupportStore(
            path: folder.appendingPathComponent("s.sqlite").path, options: SQLiteSupportStore.Options(logger: log.logger()))
        let desk = Desk(
            store: store, directory: SingleBuyerDeskDirectory(), deskAddresses: [try .email("support@shop.example")],
            logger: log.logger())
        // A Date header nobody can read: the parser repairs it and says so.
        let damaged = RawMail(bytes: Array("""
            From: Ada <ada@example.com>\r\nTo: support@shop.example\r\nSubject: Secret parcel 4711\r\nMessage-ID: <d1@example.com>\r
            Date: sometime soon-ish\r\n\r\nmy confidential words\r\n
            """.utf8), source: "test")
        _ = try await desk.ingest(damaged)
        let entries = log.entries
        let threaded = entries.first { $0.message == "threaded" }
        #expect(threaded?.level == .debug)
        #expect(threaded?.metadata.contains("rule=newThread") == true && threaded?.metadata.contains("thread=#1") == true)
        let repaired = try #require(entries.first { $0.message.contains("repaired") })
        #expect(repaired.level == .warning && repaired.metadata.contains("unreadable_date"))
        for entry in entries where entry.level >= .info {
            for secret in ["confidential", "Secret", "sometime soon"] {
                #expect(!(entry.message + entry.metadata).contains(secret), "content at \(entry.level): \(entry)")
            }
        }
        #expect(entries.contains { $0.message == "store opened" && $0.level == .debug })
    }

    @Test func aRefusedWriteIsLoggedAtErrorByTheStoreAndTheDesk() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = CapturedLog()
        let store = try SQLiteSupportStore(
            path: folder.appendingPathComponent("s.sqlite").path, options: SQLiteSupportStore.Options(logger: log.logger()))
        let desk = Desk(store: store, directory: SingleBuyerDeskDirectory(), logger: log.logger())
        await #expect(throws: StorageError.self) { _ = try await desk.merge(ThreadID(998), into: ThreadID(999), agent: "a", at: Date()) }
        let errors = log.entries.filter { $0.level == .error }
        #expect(errors.contains { $0.message == "write rolled back" }, "\(log.entries)")
        #expect(errors.contains { $0.message.contains("failed; nothing was written") }, "\(log.entries)")
    }

    @Test func theLevelOptionIsReadAnywhereBeforeTheDoubleDash() throws {
        let (rest, level) = try LogLevelOption.extract(["search", "--log-level", "debug", "hello", "--store", "s"])
        #expect(rest == ["search", "hello", "--store", "s"] && level == .debug)
        let (inline, warning) = try LogLevelOption.extract(["ingest", "--log-level=WARNING", "a.mbox"])
        #expect(inline == ["ingest", "a.mbox"] && warning == .warning)
        let (afterDashes, unchanged) = try LogLevelOption.extract(["search", "--", "--log-level", "x"])
        #expect(afterDashes == ["search", "--", "--log-level", "x"] && unchanged == LogLevelOption.defaultLevel)
        #expect(throws: LogLevelOption.UsageError.self) { _ = try LogLevelOption.extract(["x", "--log-level", "loud"]) }
        #expect(throws: LogLevelOption.UsageError.self) { _ = try LogLevelOption.extract(["x", "--log-level"]) }
    }

    // MARK: Progress

    @Test func progressOnATerminalRedrawsOneLineWithABarRateAndTimeLeft() {
        var written: [String] = []
        let start = Date(timeIntervalSince1970: 0)
        let progress = ProgressLine("ingest", unit: "messages", total: 1_000, terminal: true, now: start) { written.append($0) }
        progress.update(10, now: start.addingTimeInterval(0.05))  // too soon: nothing
        #expect(written.isEmpty)
        progress.update(250, now: start.addingTimeInterval(1))
        #expect(written.count == 1)
        #expect(written[0].hasPrefix("\r\u{1B}[K") && !written[0].hasSuffix("\n"))
        #expect(written[0].contains("[######..................] 250/1,000 messages (25%) 250/s ETA 0:03"), "\(written[0])")
        progress.finish(now: start.addingTimeInterval(2))
        #expect(written.last == "\r\u{1B}[K")
    }

    @Test func progressInALogIsAPlainLineEveryInterval() {
        var written: [String] = []
        let start = Date(timeIntervalSince1970: 0)
        let progress = ProgressLine("report", unit: "events folded", terminal: false, interval: 5, now: start) { written.append($0) }
        progress.update(5_000, now: start.addingTimeInterval(1))
        #expect(written.isEmpty)
        progress.update(60_000, now: start.addingTimeInterval(6))
        progress.update(61_000, now: start.addingTimeInterval(7))
        #expect(written == ["report: 60,000 events folded 10,000/s\n"])
        progress.finish(now: start.addingTimeInterval(10))
        #expect(written.count == 2 && written[1] == "report: 61,000 events folded 6,100/s\n")
        let quick = ProgressLine("thread", unit: "messages", total: 3, terminal: false, now: start) { written.append($0) }
        quick.update(3, now: start.addingTimeInterval(0.2))
        quick.finish(now: start.addingTimeInterval(0.3))
        #expect(written.count == 2, "work shorter than the interval prints nothing")
    }

    // MARK: The desk-address trap

    @Test func oneSenderWritingToManyPeopleIsNamedAsTheLikelyDeskAddress() throws {
        let suspect = try #require(DeskAddressCheck.likelyDeskAddress(in: deskAddressTrapMailbox()))
        #expect(suspect.address == "help@shop.example" && suspect.recipients == 5 && suspect.messages == 5)
        #expect(suspect.description.contains("--desk-address help@shop.example"))
        // Customers writing to the shop, and nobody standing out: no warning.
        let customersOnly = deskAddressTrapMailbox().enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        #expect(DeskAddressCheck.likelyDeskAddress(in: customersOnly) == nil)
        let twoAgents = deskAddressTrapMailbox() + ["ada", "bo", "cy", "di"].enumerated().map { index, customer in
            hostileMail(from: "other@shop.example", to: "\(customer)@example.com", subject: "Hi", id: "o\(index)@shop.example",
                minute: 100 + index, text: "x")
        }
        #expect(DeskAddressCheck.likelyDeskAddress(in: twoAgents) == nil, "no sender writes to twice as many as the next")
        #expect(DeskAddressCheck.likelyDeskAddress(in: [RawMail(bytes: [0xFF, 0x00], source: "junk")]) == nil)
    }
}
