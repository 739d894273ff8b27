import Benchmark
import Foundation
import SQLiteStorage
import SearchWorkload
import Storage

// SupportKit's search engine on the generated multilingual corpus (Benchmarks/Sources/SearchWorkload).
// Workload generation and document construction are outside the measured region.
//
// - search_<n>_build: InvertedIndex.add of every message (one iteration = the whole corpus).
// - search_<n>_segment_build: SegmentBuilder.build of every message in 50,000-message flushes,
//   on every core (what a store import indexes, without SQLite's writes).
// - search_<n>_store_import: SQLiteSupportStore.ingest(contentsOf:) of every message in one
//   transaction (its segments written before the commit), then checkpointSearchIndex().
// - search_<n>_store_queries_*: the queries below, answered from a reopened store's segments.
// - search_<n>_queries_unfiltered / _party_filtered: one iteration runs every query of the
//   workload's unfiltered (or party-filtered) buckets once, 1-, 2- and 3-term; per-query
//   p50/p99 per class come from `swift run -c release search-latency N` (docs/benchmarks.md).
//
// CI gates the throughput of search_10k_build, search_10k_segment_build, search_100k_queries_*
// and search_100k_store_queries_* (scripts/benchmarks.sh);
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

private func registerSegmentBuild(_ name: String, count: Int) {
    Benchmark(name) { benchmark in
        guard let workload = workload(count) else { return }
        let documents = SearchHarness.documents(workload).enumerated().map { (UInt32($0.offset + 1), $0.element) }
        let start = SegmentedIndexStatistics(documents: 0, totalLength: 0, languages: [], generation: 0)
        benchmark.startMeasurement()
        var statistics = start
        var postings = 0
        var offset = 0
        while offset < documents.count {
            let built = SegmentBuilder.build(
                Array(documents[offset..<min(documents.count, offset + 50_000)]), analyzers: .standard, after: statistics)
            statistics = built.statistics
            postings += built.segment.postingCount
            offset += 50_000
        }
        benchmark.stopMeasurement()
        blackHole(postings)
    }
}

/// Queries answered by a reopened SQLite store from its segments (ranking and the hits' ids,
/// `searchRanked`), after one warm-up pass: the on-disk twin of search_<n>_queries_*.
private func registerStoreQueries(_ name: String, count: Int, filtered: Bool) {
    Benchmark(name) { benchmark in
        guard let workload = workload(count) else { return }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("search-queries-\(getpid()).sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            let records = SearchHarness.ingestRecords(workload)
            let builder = try SQLiteSupportStore(path: path)
            var offset = 0
            while offset < records.count {
                _ = try await builder.ingest(contentsOf: Array(records[offset..<min(records.count, offset + 50_000)]))
                offset += 50_000
            }
            try await builder.close()
            let store = try SQLiteSupportStore(path: path)
            let queries = SearchHarness.prepared(workload).filter { ($0.filter.party != nil) == filtered }.map {
                SearchQuery($0.text, filter: $0.filter, limit: 20, languages: $0.languages)
            }
            for query in queries { blackHole(try await store.searchRanked(query).count) }  // warm-up
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                for query in queries { blackHole(try await store.searchRanked(query).count) }
            }
            benchmark.stopMeasurement()
        } catch {
            benchmark.error("store queries failed: \(error)")
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
    registerSegmentBuild("search_10k_segment_build", count: 10_000)
    registerSegmentBuild("search_100k_segment_build", count: 100_000)
    registerStoreQueries("search_100k_store_queries_unfiltered", count: 100_000, filtered: false)
    registerStoreQueries("search_100k_store_queries_party_filtered", count: 100_000, filtered: true)
    registerStoreImport("search_100k_store_import", count: 100_000)
    registerQueries("search_100k_queries_unfiltered", count: 100_000, filtered: false)
    registerQueries("search_100k_queries_party_filtered", count: 100_000, filtered: true)
    registerBuild("search_1m_build", count: 1_000_000)
    registerStoreImport("search_1m_store_import", count: 1_000_000)
    registerQueries("search_1m_queries_unfiltered", count: 1_000_000, filtered: false)
    registerQueries("search_1m_queries_party_filtered", count: 1_000_000, filtered: true)
}
