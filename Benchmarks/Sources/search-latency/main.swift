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
guard arguments.count > 1, let count = Int(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: search-latency N [--store FILE] [--queries-per-class N]\n".utf8))
    exit(64)
}
let perClass = option("--queries-per-class").flatMap(Int.init) ?? 300

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
func seconds(_ start: UInt64, _ end: UInt64) -> Double { Double(end - start) / 1e9 }

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

if let path = option("--store") {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    let records = SearchHarness.ingestRecords(workload)
    do {
        let store = try SQLiteSupportStore(path: path, options: .init())
        let t0 = now()
        _ = try await store.ingest(contentsOf: records)
        let t1 = now()
        try await store.checkpointSearchIndex()
        let t2 = now()
        let bytes = try await store.searchIndexBytes()
        try await store.close()
        let fileBytes = ["", "-wal"].reduce(0) { total, suffix in
            total + ((try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? Int) ?? 0)
        }
        say(String(format: "SQLite store: ingest(contentsOf:) %.2f s, checkpointSearchIndex %.2f s; search_postings %.1f MB; file %.1f MB (messages, threads, text)",
            seconds(t0, t1), seconds(t1, t2), Double(bytes) / 1e6, Double(fileBytes) / 1e6))
    } catch {
        say("SQLite store: \(error)")
    }
}
