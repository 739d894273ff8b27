import PostgresStorage
import PostgresTestSupport
import Storage
import StorageConformance
import Testing

/// The checks every backend passes, unchanged, each on a new database.
@Suite("PostgreSQL store conformance")
struct PostgresConformanceTests {
    @Test(arguments: StoreConformance.checks)
    func conformance(_ check: ConformanceCheck) async throws {
        let store = try await PostgresSupportStore(url: try TestServer.freshDatabase())
        try await check.run(on: store)
        await store.close()
    }
}
