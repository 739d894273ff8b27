import Benchmark
import Foundation
import SQLiteStorage
import SearchWorkload
import Storage

// SupportKit's search engine on the generated multilingual corpus (Benchmarks/Sources/SearchWorkload).
// Workload generation and document construction are outside the measured region.
//
// - search_<n>_build: InvertedIndex.add of every message (one iteration = the whole corpus).
// - search_<n>_store_import: SQLiteSupportStore.ingest(contentsOf:) of every message in one
//   transaction, then checkpointSearchIndex() (posting lists written to search_postings).
// - search_<n>_queries_unfiltered / _party_filtered: one iteration runs every query of the
//   workload's unfiltered (or party-filtered) buckets once, 1-, 2- and 3-term; per-query
//   p50/p99 per class come from `swift run -c release search-latency N` (docs/benchmarks.md).
//
// CI gates the throughput of search_10k_build and search_100k_queries_* (scripts/benchmarks.sh);
// the 1M runs are for docs/benchmarks.md only.

private func workload(_ count: Int) -> SearchWorkload? {
    try? SearchWorkload(messageCount: count, queriesPerClass: count >= 1_000_000 ? 300 : 100)
}

private func registerBuild(_ name: String, count: Int) {
    Benchmark(name) { benchmark in
        guard let workload = workload(count) else { return }
        let documents = SearchHarness.documents(workload)
        benchmark.startMeasurement()
        let index = SearchHarness.buildIndex(documents)
        benchmark.stopMeasurement()
        blackHole(index.postingCount)
    }
}

private func registerQueries(_ name: String, count: Int, filtered: Bool) {
    Benchmark(name) { benchmark in
        guard let workload = workload(count) else { return }
        let index = SearchHarness.buildIndex(SearchHarness.documents(workload))
        let queries = SearchHarness.prepared(workload).filter { ($0.filter.party != nil) == filtered }
        for query in queries { blackHole(SearchHarness.run(query, on: index)) }  // warm-up
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for query in queries { blackHole(SearchHarness.run(query, on: index)) }
        }
        benchmark.stopMeasurement()
    }
}

private func registerStoreImport(_ name: String, count: Int) {
    Benchmark(name) { benchmark in
        guard let workload = workload(count) else { return }
        let records = SearchHarness.ingestRecords(workload)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("search-bench-\(getpid()).sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            let store = try SQLiteSupportStore(path: path, options: .init())
            benchmark.startMeasurement()
            _ = try await store.ingest(contentsOf: records)
            try await store.checkpointSearchIndex()
            benchmark.stopMeasurement()
            blackHole(try await store.searchIndexBytes())
            try await store.close()
        } catch {
            benchmark.error("store import failed: \(error)")
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(10),
        maxIterations: 10,
        // CI gates throughput only (scripts/benchmarks.sh), with room for a noisy shared machine.
        thresholds: [.throughput: BenchmarkThresholds(relative: [.p90: 50.0])]
    )
    registerBuild("search_10k_build", count: 10_000)
    registerBuild("search_100k_build", count: 100_000)
    registerStoreImport("search_100k_store_import", count: 100_000)
    registerQueries("search_100k_queries_unfiltered", count: 100_000, filtered: false)
    registerQueries("search_100k_queries_party_filtered", count: 100_000, filtered: true)
    registerBuild("search_1m_build", count: 1_000_000)
    registerStoreImport("search_1m_store_import", count: 1_000_000)
    registerQueries("search_1m_queries_unfiltered", count: 1_000_000, filtered: false)
    registerQueries("search_1m_queries_party_filtered", count: 1_000_000, filtered: true)
}
