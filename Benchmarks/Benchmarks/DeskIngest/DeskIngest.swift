import Benchmark
import Conversation
import Foundation
import SQLiteStorage
import Storage
import SupportDesk
import SupportWorkload

// The desk over the SQLite store: the system-of-record path (parse → resolve → thread over
// the stored index → one transaction of message, index changes, thread and events).
//
// - desk_ingest_<n>: a bulk import of the threading workload's n mails into a new store, as
//   `shop-desk ingest` does it (search index loaded first, 5,000 mails per transaction, close).
// - desk_one_mail_<n>_store: what one `shop-desk ingest` of one mail does in-process on a store
//   of n messages: open the store, ingest one new mail, close. (The whole process, startup
//   included, is measured beside notmuch by scripts/ingest_peers.sh: docs/benchmarks.md.)
//
// CI gates the throughput of desk_one_mail_10k_store (scripts/benchmarks.sh); a bulk run is one
// iteration of seconds, too few for a throughput figure, so desk_ingest_* are recorded in docs only.

private func temporaryStore(_ name: String) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(getpid()).sqlite").path
    removeStore(path)
    return path
}

private func removeStore(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

private func mails(_ count: Int) -> [RawMail] {
    MailboxReader.mbox(SupportMailWorkload(count: count, seed: 42).mbox(), path: "workload.mbox")
}

private func ingest(_ raws: [RawMail], into path: String) async throws {
    let store = try SQLiteSupportStore(path: path)
    let desk = Desk(store: store, directory: SingleBuyerDeskDirectory(), deskAddresses: [try .email("support@shop.example")], deskMail: .history)
    var start = 0
    while start < raws.count {
        _ = try await desk.ingest(Array(raws[start..<min(start + 5_000, raws.count)]))
        start += 5_000
    }
    try await store.close()
}

private func registerBulk(_ name: String, count: Int) {
    Benchmark(name) { benchmark in
        let raws = mails(count)
        let path = temporaryStore(name)
        defer { removeStore(path) }
        do {
            benchmark.startMeasurement()
            try await ingest(raws, into: path)
            benchmark.stopMeasurement()
        } catch {
            benchmark.error("ingest failed: \(error)")
        }
    }
}

private func registerOneMail(_ name: String, storeSize: Int) {
    Benchmark(name) { benchmark in
        let path = temporaryStore(name)
        defer { removeStore(path) }
        do {
            try await ingest(mails(storeSize), into: path)
            var sequence = 0
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                sequence += 1
                let raw = RawMail(bytes: Array("""
                    From: Anna Svensson <anna.svensson@example.se>
                    To: support@shop.example
                    Subject: Fråga om leverans
                    Date: Tue, 01 Dec 2026 10:00:00 +0100
                    Message-ID: <one-\(sequence)-\(getpid())@mail.example.se>

                    Hej! När kommer mitt paket?

                    """.utf8), source: "benchmark")
                let store = try SQLiteSupportStore(path: path)
                let desk = Desk(store: store, directory: SingleBuyerDeskDirectory())
                blackHole(try await desk.ingest(raw))
                try await store.close()
            }
            benchmark.stopMeasurement()
        } catch {
            benchmark.error("one-mail ingest failed: \(error)")
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        maxDuration: .seconds(10),
        maxIterations: 10,
        // CI gates throughput only (scripts/benchmarks.sh), with room for a noisy shared machine.
        thresholds: [.throughput: BenchmarkThresholds(relative: [.p90: 50.0])]
    )
    registerBulk("desk_ingest_10k", count: 10_000)
    registerBulk("desk_ingest_100k", count: 100_000)
    registerOneMail("desk_one_mail_10k_store", storeSize: 10_000)
    registerOneMail("desk_one_mail_100k_store", storeSize: 100_000)
}
