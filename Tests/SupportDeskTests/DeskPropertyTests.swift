import DeskConformance
import Foundation
import SQLiteStorage
import Testing
import TestSupport

/// The system-of-record property (``DeskProperties/randomActs(operations:seed:open:close:)``) on
/// SQLite: the same outcomes and threads as the in-memory reference store, placements only in
/// the sender's own conversations, thread rows equal to the event log's projection. The same
/// property runs unchanged against PostgreSQL in Backends/PostgresStorage.
@Suite("Desk properties")
struct DeskPropertyTests {
    static let operations = ProcessInfo.processInfo.environment["SUPPORTKIT_PROPERTY_OPERATIONS"].flatMap(Int.init) ?? 10_000
    static let seed = ProcessInfo.processInfo.environment["SUPPORTKIT_PROPERTY_SEED"].flatMap(UInt64.init) ?? 0x5EED_DE5C

    @Test func randomActsGiveTheSameThreadsInMemoryAndInSQLiteAndKeepEveryoneInTheirOwnTickets() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("property.sqlite").path
        let failures = try await DeskProperties.randomActs(
            operations: Self.operations, seed: Self.seed, open: { try SQLiteSupportStore(path: path) }, close: { try await $0.close() })
        #expect(failures.isEmpty, "\(failures.count) broken: \(failures.prefix(10).joined(separator: "\n"))")
    }
}
