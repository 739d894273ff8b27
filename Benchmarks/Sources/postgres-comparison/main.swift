import Conversation
import CustomerModel
import Foundation
import PostgresStorage
import PostgresTestSupport
import SQLiteStorage
import SearchWorkload
import Storage
import SupportDesk
import SupportWorkload

// PostgreSQL beside SQLite, side by side in one run (issue 14; docs/benchmarks.md, "PostgreSQL
// beside SQLite"). Three steps, each on both backends, one after the other:
//
// 1. batch ingest: the threading workload's mails (rendered as an mbox and split, as
//    `shop-desk ingest` reads them) through the desk into a new store, 5,000 per transaction;
// 2. one-mail ingest: into that store through an open desk (for PostgreSQL, through the pool),
//    one mail per act, sequentially and then from four concurrent tasks; p50/p99 per mail;
// 3. search: the search workload's messages imported with `ingest(contentsOf:)` (50,000 per
//    transaction), merged to one segment, then every query timed after a warm-up pass.
//
//   swift run -c release postgres-comparison [--mails 100000] [--one-mail 200] [--search 1000000]
//       [--sqlite-folder DIR] [--skip-ingest] [--skip-search] [--statement-stats]
//
// PostgreSQL is a throwaway cluster on this machine (PostgresTestSupport: initdb + pg_ctl in a
// temporary folder, a unix socket), started with the settings printed first and removed at the end.

func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}
func count(_ name: String, default value: Int) -> Int { option(name).flatMap(Int.init) ?? value }
func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
func seconds(since start: UInt64) -> Double { Double(now() - start) / 1e9 }
func milliseconds(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1e6 }

let mailCount = count("--mails", default: 100_000)
let oneMailCount = count("--one-mail", default: 200)
let searchCount = count("--search", default: 1_000_000)
let sqliteFolder = URL(fileURLWithPath: option("--sqlite-folder") ?? FileManager.default.temporaryDirectory.path)
    .appendingPathComponent("postgres-comparison-\(getpid())")

/// With --statement-stats the server also counts its statements (pg_stat_statements), printed at the end.
let statementStats = arguments.contains("--statement-stats")
/// Settings of the throwaway cluster: a server sized as a small host would size it, durable
/// (fsync and synchronous commit stay on, as SQLite runs with `synchronous = FULL`).
let clusterSettings = ["shared_buffers = 256MB", "max_wal_size = 4GB", "checkpoint_timeout = 15min", "work_mem = 16MB"]
    + (statementStats ? ["shared_preload_libraries = 'pg_stat_statements'"] : [])

let cluster: PostgresCluster
do {
    cluster = try PostgresCluster.start(settings: clusterSettings)
    say("PostgreSQL: a throwaway cluster at \(cluster.socketDirectory), settings: \(clusterSettings.joined(separator: ", "))")
    try FileManager.default.createDirectory(at: sqliteFolder, withIntermediateDirectories: true)
} catch {
    FileHandle.standardError.write(Data("postgres-comparison: \(error)\n".utf8))
    exit(1)
}

/// A new, empty database in the cluster, opened as a store.
func newPostgresStore(_ name: String) async throws -> PostgresSupportStore {
    let url = try cluster.createDatabase(name)
    if statementStats { try cluster.psql("CREATE EXTENSION pg_stat_statements", database: name) }
    return try await PostgresSupportStore(url: url)
}

/// The server's statements of database `name`: the totals, then the most frequent (--statement-stats).
func printStatementStats(_ name: String) throws {
    guard statementStats else { return }
    say(try cluster.psql("""
        SELECT sum(calls) || ' statements, ' || round(sum(total_exec_time)::numeric, 0) || ' ms executing' FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '\(name)')
        """, database: name))
    say(try cluster.psql("""
        SELECT calls, round(total_exec_time::numeric, 0) AS ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '\(name)') ORDER BY calls DESC LIMIT 25
        """, database: name))
}

func newSQLiteStore(_ name: String) throws -> SQLiteSupportStore {
    let path = sqliteFolder.appendingPathComponent("\(name).sqlite").path
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    return try SQLiteSupportStore(path: path)
}

let deskAddress: Set<ContactPoint> = [try .email("support@shop.example")]

/// One new customer mail with a unique Message-ID (`sequence`), as a mail-server hook delivers it.
func oneMail(_ sequence: Int) -> RawMail {
    RawMail(bytes: Array("""
        From: Customer \(sequence) <customer\(sequence)@mail.example.se>
        To: support@shop.example
        Subject: Fråga om leverans \(sequence)
        Date: Tue, 01 Dec 2026 10:00:00 +0100
        Message-ID: <one-\(sequence)-\(getpid())@mail.example.se>

        Hej! När kommer mitt paket? Ordernummer \(100_000 + sequence).

        """.utf8), source: "benchmark")
}

/// p50 and p99 (nearest rank) of nanosecond samples, in ms.
func percentiles(_ samples: [UInt64]) -> (p50: Double, p99: Double) {
    let sorted = samples.sorted()
    return (milliseconds(SearchHarness.percentile(sorted, 50)), milliseconds(SearchHarness.percentile(sorted, 99)))
}

/// Steps 1 and 2 on one backend; returns the lines of its results.
func ingestSteps<Store: SupportStore>(_ label: String, _ store: Store, mails: [RawMail]) async throws -> [String: String] {
    var results: [String: String] = [:]
    let desk = Desk(store: store, directory: SingleBuyerDeskDirectory(), deskAddresses: deskAddress, deskMail: .history)
    let start = now()
    var offset = 0
    while offset < mails.count {
        _ = try await desk.ingest(Array(mails[offset..<min(offset + 5_000, mails.count)]))
        offset += 5_000
    }
    let batch = seconds(since: start)
    results["batch"] = String(format: "%.1f s (%.0f mails/s)", batch, Double(mails.count) / batch)
    say("\(label): batch ingest of \(mails.count) mails: \(results["batch"] ?? "")")

    // Live intake from here on: the desk's own address marks its replies, new mail comes in one by one.
    let live = Desk(store: store, directory: SingleBuyerDeskDirectory(), deskAddresses: deskAddress)
    var sequential: [UInt64] = []
    for sequence in 0..<oneMailCount {
        let t0 = now()
        _ = try await live.ingest(oneMail(sequence))
        sequential.append(now() - t0)
    }
    let one = percentiles(sequential)
    results["one"] = String(format: "p50 %.2f ms, p99 %.2f ms", one.p50, one.p99)
    say("\(label): one mail at a time, \(oneMailCount) mails: \(results["one"] ?? "")")

    let writers = 4
    let concurrentStart = now()
    let concurrent = try await withThrowingTaskGroup(of: [UInt64].self) { group in
        for writer in 0..<writers {
            group.addTask {
                var samples: [UInt64] = []
                for index in 0..<(oneMailCount / writers) {
                    let t0 = now()
                    _ = try await live.ingest(oneMail(1_000_000 + writer * 100_000 + index))
                    samples.append(now() - t0)
                }
                return samples
            }
        }
        var all: [UInt64] = []
        for try await samples in group { all += samples }
        return all
    }
    let elapsed = seconds(since: concurrentStart)
    let four = percentiles(concurrent)
    results["four"] = String(format: "p50 %.2f ms, p99 %.2f ms, %.0f mails/s", four.p50, four.p99, Double(concurrent.count) / elapsed)
    say("\(label): one mail at a time from \(writers) tasks, \(concurrent.count) mails: \(results["four"] ?? "")")
    return results
}

/// Step 3's timing: every query once as a warm-up, then once timed; p50/p99 per bucket.
func timeQueries(_ queries: [SearchHarness.PreparedQuery], _ run: @Sendable (SearchQuery) async throws -> Int) async throws
    -> [String: (p50: Double, p99: Double)]
{
    let searchQueries = queries.map { SearchQuery($0.text, filter: $0.filter, limit: 20, languages: $0.languages) }
    for query in searchQueries { _ = try await run(query) }
    var samples: [String: [UInt64]] = [:]
    for (prepared, query) in zip(queries, searchQueries) {
        let t0 = now()
        _ = try await run(query)
        samples[prepared.bucket, default: []].append(now() - t0)
    }
    return samples.mapValues(percentiles)
}

/// Step 3's import: the records in 50,000-record transactions, then one merge to a single segment.
func importRecords(_ records: [IngestRecord], _ ingest: ([IngestRecord]) async throws -> Void, merge: () async throws -> Void) async throws -> (Double, Double) {
    let t0 = now()
    var offset = 0
    while offset < records.count {
        try await ingest(Array(records[offset..<min(records.count, offset + 50_000)]))
        offset += 50_000
    }
    let imported = seconds(since: t0)
    let t1 = now()
    try await merge()
    return (imported, seconds(since: t1))
}

do {
    if !arguments.contains("--skip-ingest") {
        let mails = MailboxReader.mbox(SupportMailWorkload(count: mailCount, seed: 42).mbox(), path: "workload.mbox")
        say("ingest workload: \(mails.count) mails (SupportMailWorkload, seed 42, as an mbox)")
        let sqlite = try newSQLiteStore("ingest")
        let sqliteResults = try await ingestSteps("SQLite", sqlite, mails: mails)
        try await sqlite.close()
        let postgres = try await newPostgresStore("ingest")
        let postgresResults = try await ingestSteps("PostgreSQL", postgres, mails: mails)
        await postgres.close()
        try printStatementStats("ingest")
        say("")
        say("| step | SQLite | PostgreSQL |")
        say("| --- | ---: | ---: |")
        say("| batch ingest of \(mails.count) mails, 5,000 per transaction | \(sqliteResults["batch"] ?? "") | \(postgresResults["batch"] ?? "") |")
        say("| one mail per act, sequential (\(oneMailCount)) | \(sqliteResults["one"] ?? "") | \(postgresResults["one"] ?? "") |")
        say("| one mail per act, 4 concurrent tasks (\(oneMailCount / 4 * 4)) | \(sqliteResults["four"] ?? "") | \(postgresResults["four"] ?? "") |")
        say("")
    }

    if !arguments.contains("--skip-search") {
        let workload = try SearchWorkload(messageCount: searchCount, queriesPerClass: 300)
        let records = SearchHarness.ingestRecords(workload)
        let queries = SearchHarness.prepared(workload)
        say("search workload: \(records.count) messages, \(queries.count) queries")

        let sqlite = try newSQLiteStore("search")
        let (sqliteImport, sqliteMerge) = try await importRecords(records, { _ = try await sqlite.ingest(contentsOf: $0) },
            merge: { try await sqlite.checkpointSearchIndex(mergeAll: true) })
        let sqliteBytes = try await sqlite.searchIndexBytes()
        say(String(format: "SQLite: import %.1f s, merge %.1f s, index %.1f MB", sqliteImport, sqliteMerge, Double(sqliteBytes) / 1e6))
        let sqliteTimes = try await Task.detached { try await timeQueries(queries) { try await sqlite.searchRanked($0).count } }.value
        try await sqlite.close()

        let postgres = try await newPostgresStore("search")
        let (postgresImport, postgresMerge) = try await importRecords(records, { _ = try await postgres.ingest(contentsOf: $0) },
            merge: { try await postgres.checkpointSearchIndex(mergeAll: true) })
        let postgresBytes = try await postgres.searchIndexBytes()
        say(String(format: "PostgreSQL: import %.1f s, merge %.1f s, index %.1f MB", postgresImport, postgresMerge, Double(postgresBytes) / 1e6))
        let postgresTimes = try await Task.detached { try await timeQueries(queries) { try await postgres.searchRanked($0).count } }.value
        await postgres.close()
        try printStatementStats("search")

        say("")
        say(String(format: "| import of %d messages (50,000 per transaction) + merge to one segment | %.1f s + %.1f s | %.1f s + %.1f s |",
            records.count, sqliteImport, sqliteMerge, postgresImport, postgresMerge))
        say("| bucket | SQLite p50 / p99 ms | PostgreSQL p50 / p99 ms | p99 PostgreSQL ÷ SQLite |")
        say("| --- | ---: | ---: | ---: |")
        for filter in ["unfiltered", "party-filtered"] {
            for cls in ["1-term", "2-term", "3-term"] {
                let bucket = "\(cls)/\(filter)"
                guard let s = sqliteTimes[bucket], let p = postgresTimes[bucket] else { continue }
                say(String(format: "| %@ | %.3f / %.3f | %.3f / %.3f | %.2f |", bucket, s.p50, s.p99, p.p50, p.p99, p.p99 / max(s.p99, 1e-9)))
            }
        }
    }
} catch {
    FileHandle.standardError.write(Data("postgres-comparison: \(error)\n".utf8))
    cluster.destroy()
    try? FileManager.default.removeItem(at: sqliteFolder)
    exit(1)
}
cluster.destroy()
try? FileManager.default.removeItem(at: sqliteFolder)
