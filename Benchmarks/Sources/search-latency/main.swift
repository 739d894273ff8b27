import CustomerModel
import Foundation
import SQLiteStorage
import SearchWorkload
import Storage

// SupportKit's side of the search comparison: builds the index over the same workload that
// export-search-workload writes for scripts/search_peers.py, then times every query once
// after a warm-up pass (parse + search, top 20), and prints p50/p99 per bucket.
//   swift run -c release search-latency 1000000 [--store /tmp/search-store.sqlite] [--queries-per-class N]
// Unbuffered, so progress shows while the next step runs.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}
func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
func seconds(_ start: UInt64, _ end: UInt64) -> Double { Double(end - start) / 1e9 }

/// Peak resident set of this process, MB (getrusage: kilobytes on Linux).
func peakResidentMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

// A process that only opens a store and answers the queries another run wrote
// (--write-queries): what a desk serving search holds in memory.
//   search-latency --query-store FILE --queries FILE.jsonl
if let path = option("--query-store"), let file = option("--queries") {
    struct Line: Decodable { var text: String; var party: String?; var language: String; var bucket: String }
    let lines = ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").split(separator: "\n")
        .compactMap { try? JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
    let t0 = now()
    guard let store = try? SQLiteSupportStore(path: path) else {
        FileHandle.standardError.write(Data("cannot open \(path)\n".utf8))
        exit(1)
    }
    let opened = now()
    let queries = lines.map { SearchQuery($0.text, filter: SearchFilter(party: $0.party.map(PartyID.init)), limit: 20, languages: [$0.language]) }
    // Off the main actor, as a server's request handler runs: no executor hop per query.
    let (first, samples, hits) = await Task.detached {
        var first: UInt64 = 0
        var samples: [String: [UInt64]] = [:]
        var hits = 0
        for pass in 0..<2 {
            for (line, query) in zip(lines, queries) {
                let start = now()
                hits &+= (try? await store.searchRanked(query))?.count ?? 0
                let elapsed = now() - start
                if pass == 0, first == 0 { first = elapsed }
                if pass == 1 { samples[line.bucket, default: []].append(elapsed) }
            }
        }
        return (first, samples, hits)
    }.value
    say(String(format: "open %.1f ms; first query (cold) %.2f ms; %d queries twice, %d hits; peak RSS %.1f MB; cache %.1f MB",
        Double(opened - t0) / 1e6, Double(first) / 1e6, queries.count, hits, peakResidentMB(), Double(store.postingCache.heldBytes) / 1e6))
    if arguments.contains("--slowest") {
        // The slowest warm queries, each run 20 more times: steadily slow, or a one-off stall?
        let store2 = store
        let rows = await Task.detached {
            var timed: [(UInt64, Int)] = []
            for (index, query) in queries.enumerated() {
                let start = now()
                _ = try? await store2.searchRanked(query)
                timed.append((now() - start, index))
            }
            var rows: [String] = []
            for (elapsed, index) in timed.sorted(by: { $0.0 > $1.0 }).prefix(8) {
                var again: [UInt64] = []
                for _ in 0..<20 {
                    let start = now()
                    _ = try? await store2.searchRanked(queries[index])
                    again.append(now() - start)
                }
                again.sort()
                rows.append(String(format: "%8.3f ms, again median %7.3f ms: %@ %@", Double(elapsed) / 1e6, Double(again[10]) / 1e6,
                    lines[index].bucket, lines[index].text))
            }
            return rows
        }.value
        for row in rows { say(row) }
    }
    for bucket in samples.keys.sorted() {
        let values = samples[bucket, default: []].sorted()
        say(String(format: "%-26@ warm p50 %7.3f ms  p99 %7.3f ms", bucket as NSString,
            Double(SearchHarness.percentile(values, 50)) / 1e6, Double(SearchHarness.percentile(values, 99)) / 1e6))
    }
    exit(0)
}

guard arguments.count > 1, let count = Int(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: search-latency N [--store FILE [--write-queries FILE.jsonl]] [--queries-per-class N]\n       search-latency --query-store FILE --queries FILE.jsonl\n".utf8))
    exit(64)
}
let perClass = option("--queries-per-class").flatMap(Int.init) ?? 300

let workload: SearchWorkload
do { workload = try SearchWorkload(messageCount: count, queriesPerClass: perClass) } catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
let documents = SearchHarness.documents(workload)
let textBytes = workload.messages.reduce(0) { $0 + $1.text.utf8.count }
say("workload: \(count) messages (\(String(format: "%.1f", Double(textBytes) / 1e6)) MB of text), \(workload.queries.count) queries")

var start = now()
let index = SearchHarness.buildIndex(documents)
let buildSeconds = seconds(start, now())
let persisted = SearchHarness.persistedPostingBytes(index)
say(String(format: "build: %.2f s (InvertedIndex.add of every message); %d terms, %d postings; persisted posting lists %.1f MB",
    buildSeconds, index.termCount, index.postingCount, Double(persisted) / 1e6))

let queries = SearchHarness.prepared(workload)
var checksum = 0
for query in queries { checksum &+= SearchHarness.run(query, on: index).count }
var samples: [String: [UInt64]] = [:]
var hitCounts: [String: [Int]] = [:]
for query in queries {
    let t0 = now()
    let hits = SearchHarness.run(query, on: index)
    let t1 = now()
    samples[query.bucket, default: []].append(t1 - t0)
    hitCounts[query.bucket, default: []].append(hits.count)
}
say("query latency, ms (p50 / p99 / max), count per bucket in brackets; mean hits, queries without hits")
for filter in ["unfiltered", "party-filtered"] {
    for cls in ["1-term", "2-term", "3-term"] {
        let bucket = "\(cls)/\(filter)"
        guard let values = samples[bucket]?.sorted() else { continue }
        let hits = hitCounts[bucket] ?? []
        say(String(format: "%-30@ %8.3f / %7.3f / %7.3f   hits %.1f, %d empty", "\(bucket) [\(values.count)]" as NSString,
            Double(SearchHarness.percentile(values, 50)) / 1e6, Double(SearchHarness.percentile(values, 99)) / 1e6,
            Double(values.last ?? 0) / 1e6, Double(hits.reduce(0, +)) / Double(max(1, hits.count)), hits.filter { $0 == 0 }.count))
    }
}

// The segment builder over the same documents, in the store's 50,000-message flushes, on
// every core (the build a store import runs, without SQLite's row writes).
do {
    let numbered = documents.enumerated().map { (UInt32($0.offset + 1), $0.element) }
    var statistics = SegmentedIndexStatistics(documents: 0, totalLength: 0, languages: [], generation: 0)
    let t0 = now()
    var segments: [SegmentContents] = []
    var offset = 0
    while offset < numbered.count {
        let flush = Array(numbered[offset..<min(numbered.count, offset + 50_000)])
        let built = SegmentBuilder.build(flush, analyzers: .standard, after: statistics)
        segments.append(built.segment)
        statistics = built.statistics
        offset += flush.count
    }
    let t1 = now()
    say(String(format: "segment build: %.2f s on %d cores (%d segments of up to 50,000 messages, %d postings)",
        seconds(t0, t1), ProcessInfo.processInfo.activeProcessorCount, segments.count, segments.reduce(0) { $0 + $1.postingCount }))
}

/// Per-bucket p50/p99 (ms) of timing every query once after a warm-up pass.
func measure(_ label: String, _ run: (SearchHarness.PreparedQuery) async -> Int) async -> [String: (p50: Double, p99: Double)] {
    for query in queries { _ = await run(query) }
    var samples: [String: [UInt64]] = [:]
    for query in queries {
        let t0 = now()
        _ = await run(query)
        samples[query.bucket, default: []].append(now() - t0)
    }
    var result: [String: (Double, Double)] = [:]
    for (bucket, values) in samples {
        let sorted = values.sorted()
        result[bucket] = (Double(SearchHarness.percentile(sorted, 50)) / 1e6, Double(SearchHarness.percentile(sorted, 99)) / 1e6)
    }
    return result
}

if let path = option("--store") {
    // --reuse-store: the store a previous run built from the same workload; only compare queries.
    let reuse = arguments.contains("--reuse-store")
    if !reuse { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
    let records = reuse ? [] : SearchHarness.ingestRecords(workload)
    do {
        let store = try SQLiteSupportStore(path: path)
        let t0 = now()
        var offset = 0
        while offset < records.count {
            _ = try await store.ingest(contentsOf: Array(records[offset..<min(records.count, offset + 50_000)]))
            offset += 50_000
        }
        let t1 = now()
        try await store.checkpointSearchIndex(mergeAll: true)
        let t2 = now()
        let t3 = now()
        if !reuse { try await store.rebuildSearchIndex(mergeAll: false) }
        let t4 = now()
        if !reuse { try await store.checkpointSearchIndex(mergeAll: true) }
        let t5 = now()
        if !reuse { say(String(format: "rebuildSearchIndex (every stored message analyzed again into segments, written and merged by tier, one transaction): %.2f s; then merging to one segment %.2f s",
            seconds(t3, t4), seconds(t4, t5))) }
        let bytes = try await store.searchIndexBytes()
        try await store.close()
        let fileBytes = ["", "-wal"].reduce(0) { total, suffix in
            total + ((try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? Int) ?? 0)
        }
        say(String(format: "SQLite store: ingest(contentsOf:) in 50,000-message transactions, segments written and merged with them: %.2f s; merging to one segment %.2f s; index %.1f MB; file %.1f MB (messages, threads, text)",
            seconds(t0, t1), seconds(t1, t2), Double(bytes) / 1e6, Double(fileBytes) / 1e6))
        if let file = option("--write-queries") {
            let lines = queries.map { query in
                let object: [String: Any] = ["text": query.text, "party": query.filter.party?.rawValue ?? NSNull(), "language": query.languages.first ?? "und", "bucket": query.bucket]
                return String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
            }
            try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        }
        let reopened = try SQLiteSupportStore(path: path)
        // Both off the main actor, as a server's handler runs (no executor hop per query).
        let frozenIndex = index
        let memory = await Task.detached { await measure("memory") { SearchHarness.run($0, on: frozenIndex).count } }.value
        let disk = await Task.detached {
            await measure("store") { query in
                (try? await reopened.searchRanked(SearchQuery(query.text, filter: query.filter, limit: 20, languages: query.languages)))?.count ?? 0
            }
        }.value
        say("warm p50 / p99 ms, in memory (InvertedIndex) vs from disk (SQLiteSupportStore.searchRanked: a read transaction, postings and the hits' ids); p99 ratio disk ÷ memory")
        for filter in ["unfiltered", "party-filtered"] {
            for cls in ["1-term", "2-term", "3-term"] {
                let bucket = "\(cls)/\(filter)"
                guard let m = memory[bucket], let d = disk[bucket] else { continue }
                say(String(format: "%-26@ memory %7.3f / %7.3f   disk %7.3f / %7.3f   ×%.2f", bucket as NSString, m.p50, m.p99, d.p50, d.p99, d.p99 / max(m.p99, 1e-9)))
            }
        }
    } catch {
        say("SQLite store: \(error)")
    }
}
