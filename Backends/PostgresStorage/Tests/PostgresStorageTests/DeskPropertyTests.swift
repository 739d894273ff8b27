import DeskConformance
import Foundation
import PostgresStorage
import PostgresTestSupport
import Testing

/// The system-of-record property, unchanged, on PostgreSQL (SQLite runs it in the root
/// package): random acts against the in-memory reference store and a PostgreSQL database give
/// the same outcomes and threads; a reopen is a new store (a new pool) on the same database.
@Suite("Desk properties on PostgreSQL")
struct PostgresDeskPropertyTests {
    static let operations = ProcessInfo.processInfo.environment["SUPPORTKIT_PROPERTY_OPERATIONS"].flatMap(Int.init) ?? 10_000

    @Test func randomActsGiveTheSameThreadsInMemoryAndInPostgreSQL() async throws {
        let url = try TestServer.freshDatabase()
        let failures = try await DeskProperties.randomActs(
            operations: Self.operations, open: { try await PostgresSupportStore(url: url) }, close: { await $0.close() })
        #expect(failures.isEmpty, "\(failures.count) broken: \(failures.prefix(10).joined(separator: "\n"))")
    }
}
