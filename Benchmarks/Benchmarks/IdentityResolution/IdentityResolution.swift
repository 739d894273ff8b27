import Benchmark
import BenchmarkRandom
import CustomerModel
import Foundation

/// A deterministic workload of contact-point events: `persons` people, each
/// with one to three records (an account and guest checkouts), an e-mail
/// address, a phone number and sometimes a chat handle. Each event is "record R
/// used contact point C" (verified or not), the way a shop's order and login
/// stream reports them. Evidence only ever links records of the same person.
struct ContactEventWorkload {
    var records: [PartyID] = []
    var contactPoints: [ContactPoint] = []
    var recordOfEvent: [Int32] = []
    var contactOfEvent: [Int32] = []
    var verifiedEvent: [Bool] = []

    init(events: Int, persons: Int, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var firstRecord: [Int32] = []
        var recordCount: [Int32] = []
        var firstContact: [Int32] = []
        var contactCount: [Int32] = []
        for person in 0..<persons {
            firstRecord.append(Int32(records.count))
            let recordsOfPerson = 1 + Int(random.next() % 100 < 30 ? 1 : 0) + Int(random.next() % 100 < 10 ? 1 : 0)
            for r in 0..<recordsOfPerson { records.append(PartyID("c\(person)-\(r)")) }
            recordCount.append(Int32(recordsOfPerson))
            firstContact.append(Int32(contactPoints.count))
            // The generator only builds valid contact points, so a failure is a bug in this file.
            var points = [
                try! ContactPoint.email("buyer\(person)@mail\(person % 97).example"),
                try! ContactPoint.phone("+4670\(String(person).leftPadded(to: 7))"),
            ]
            if random.next() % 4 == 0 { points.append(try! ContactPoint.handle("fan\(person)", platform: "instagram")) }
            contactPoints.append(contentsOf: points)
            contactCount.append(Int32(points.count))
        }
        recordOfEvent.reserveCapacity(events)
        contactOfEvent.reserveCapacity(events)
        verifiedEvent.reserveCapacity(events)
        for _ in 0..<events {
            let person = Int(random.next() % UInt64(persons))
            recordOfEvent.append(firstRecord[person] + Int32(random.next() % UInt64(recordCount[person])))
            contactOfEvent.append(firstContact[person] + Int32(random.next() % UInt64(contactCount[person])))
            verifiedEvent.append(random.next() % 100 < 60)
        }
    }

    /// A graph that knows every record and contact point (interned, nothing
    /// claimed), as a host holds it once its customer table is loaded.
    func internedGraph() -> (IdentityGraph, [RecordHandle], [ContactHandle]) {
        var graph = IdentityGraph()
        graph.reserveCapacity(records: records.count, contactPoints: contactPoints.count)
        let recordHandles = records.map { graph.handle(for: $0) }
        let contactHandles = contactPoints.map { graph.handle(for: $0) }
        return (graph, recordHandles, contactHandles)
    }

    /// Applies every event to a fresh graph; returns it.
    func resolve() -> IdentityGraph {
        var graph = IdentityGraph()
        graph.reserveCapacity(records: records.count, contactPoints: contactPoints.count)
        let at = Date(timeIntervalSince1970: 1_764_000_000)
        for event in recordOfEvent.indices {
            graph.observe(
                contactPoints[Int(contactOfEvent[event])], on: records[Int(recordOfEvent[event])],
                verified: verifiedEvent[event], at: at)
        }
        return graph
    }
}


extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident, .custom("merges", polarity: .prefersLarger, useScalingFactor: false)],
        warmupIterations: 1,
        maxDuration: .seconds(20),
        maxIterations: 5,
        // CI gates throughput only (see scripts/benchmarks.sh), with room for a noisy shared machine.
        thresholds: [.throughput: BenchmarkThresholds(relative: [.p90: 50.0])]
    )

    // 1M events over 200k customers is the workload; 100k over 20k is the CI-sized one.
    let merges = BenchmarkMetric.custom("merges", polarity: .prefersLarger, useScalingFactor: false)
    for (name, events, persons, scaling) in [
        ("identity_resolution_1M_events", 1_000_000, 200_000, BenchmarkScalingFactor.mega),
        ("identity_resolution_100k_events", 100_000, 20_000, BenchmarkScalingFactor.kilo),
    ] {
        let workload = ContactEventWorkload(events: events, persons: persons, seed: 42)
        Benchmark(name, configuration: .init(scalingFactor: scaling)) { benchmark in
            benchmark.startMeasurement()
            let graph = workload.resolve()
            benchmark.stopMeasurement()
            benchmark.measurement(merges, graph.mergeLog.count)
        }
        // The same events through interned handles: no string hashing per event.
        let (prepared, recordHandles, contactHandles) = workload.internedGraph()
        Benchmark(name + "_interned", configuration: .init(scalingFactor: scaling)) { benchmark in
            let at = Date(timeIntervalSince1970: 1_764_000_000)
            benchmark.startMeasurement()
            var graph = prepared
            for event in workload.recordOfEvent.indices {
                graph.observe(
                    contactHandles[Int(workload.contactOfEvent[event])],
                    on: recordHandles[Int(workload.recordOfEvent[event])],
                    verified: workload.verifiedEvent[event], at: at)
            }
            benchmark.stopMeasurement()
            benchmark.measurement(merges, graph.mergeLog.count)
        }
    }
}
