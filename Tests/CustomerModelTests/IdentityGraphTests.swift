import Foundation
import Testing
@testable import CustomerModel
import TestSupport

private let t0 = Date(timeIntervalSince1970: 1_764_000_000)

@Suite("Identity resolution")
struct IdentityGraphTests {
    @Test func verifiedEmailAndPhoneMergeButUnverifiedEmailDoesNot() throws {
        var graph = IdentityGraph()
        let mail = try ContactPoint.email("anna@example.se")
        let phone = try ContactPoint.phone("+46701234567")
        graph.observe(mail, on: "a", verified: false, at: t0)
        #expect(graph.observe(mail, on: "b", verified: false, at: t0) == nil)
        #expect(!graph.areSamePerson("a", "b"))
        let merge = graph.observe(mail, on: "b", verified: true, at: t0)
        #expect(merge != nil)
        #expect(graph.areSamePerson("a", "b"))
        #expect(graph.mergeLog.last?.evidence == .sameVerifiedEmail(mail))
        graph.observe(phone, on: "c", verified: false, at: t0)
        #expect(graph.observe(phone, on: "b", verified: false, at: t0) != nil)
        #expect(graph.records(samePersonAs: "c") == ["a", "b", "c"])
        #expect(graph.primary(of: "c") == "a")
    }

    @Test func undoKeepsLaterMergesBetweenTheirOwnRecords() throws {
        var graph = IdentityGraph()
        for id in ["a", "b", "c"] as [PartyID] { graph.add(id) }
        let first = try #require(try graph.merge("a", "b", evidence: .agentDecision("ag", note: "same order"), actor: .agent("ag"), at: t0))
        try graph.merge("b", "c", evidence: .agentDecision("ag", note: "same address"), actor: .agent("ag"), at: t0)
        try graph.undo(first, actor: .agent("ag2"), at: t0)
        #expect(!graph.areSamePerson("a", "b"))
        #expect(graph.areSamePerson("b", "c"))
        #expect(graph.primary(of: "c") == "b")
        #expect(graph.mergeLog[first.rawValue].undoneBy == .agent("ag2"))
        #expect(throws: IdentityError.alreadyUndone(first)) { try graph.undo(first, actor: .system, at: t0) }
        #expect(throws: IdentityError.unknownMerge(MergeID(rawValue: 99))) {
            try graph.undo(MergeID(rawValue: 99), actor: .system, at: t0)
        }
        #expect(throws: IdentityError.selfMerge("a")) {
            try graph.merge("a", "a", evidence: .agentDecision("ag", note: ""), actor: .system, at: t0)
        }
        #expect(throws: IdentityError.unknownRecord("zz")) {
            try graph.merge("a", "zz", evidence: .agentDecision("ag", note: ""), actor: .system, at: t0)
        }
    }

    /// Merge-then-undo returns an equal graph, and after any history the graph
    /// equals one rebuilt from scratch with only the merges still in force.
    @Test(arguments: [1 as UInt64, 2, 3, 4, 5, 6, 7, 8])
    func mergeThenUndoIsExact(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var graph = IdentityGraph()
        var contactPool: [ContactPoint] = []
        for i in 0..<40 { contactPool.append(try .phone("+4670\(String(format: "%07d", i))")) }
        for i in 0..<40 { contactPool.append(try .email("user\(i)@example.com")) }
        var records: [PartyID] = []

        for step in 0..<1_000 {
            switch random.next() % 6 {
            case 0:
                let id = PartyID("r\(records.count)")
                records.append(id)
                graph.add(id)
            case 1, 2:
                guard let record = records.randomElement(using: &random) else { continue }
                let point = contactPool.randomElement(using: &random)!
                graph.observe(point, on: record, verified: random.next() % 2 == 0, at: t0)
            case 3:
                guard records.count >= 2 else { continue }
                let a = records.randomElement(using: &random)!, b = records.randomElement(using: &random)!
                guard a != b else { continue }
                let before = graph
                if let merge = try graph.merge(a, b, evidence: .agentDecision("ag", note: "step \(step)"), actor: .agent("ag"), at: t0) {
                    var undone = graph
                    try undone.undo(merge, actor: .agent("ag"), at: t0)
                    #expect(undone == before, "seed \(seed) step \(step): merge \(a)–\(b) then undo differs")
                }
            case 4:
                let active = graph.activeMerges
                guard let victim = active.randomElement(using: &random) else { continue }
                try graph.undo(victim.id, actor: .agent("ag"), at: t0)
            default:
                guard let record = records.randomElement(using: &random) else { continue }
                let members = graph.records(samePersonAs: record)
                #expect(members.contains(record), "seed \(seed) step \(step)")
                #expect(graph.primary(of: record) == members.first, "seed \(seed) step \(step): primary is the oldest")
            }
        }

        // Rebuild from scratch: same records, same contact claims, only active merges.
        var rebuilt = IdentityGraph()
        for record in records { rebuilt.add(record) }
        var claims: [(ContactPoint, PartyID)] = []
        for point in contactPool { if let holder = graph.claimant(of: point) { claims.append((point, holder)) } }
        for (point, holder) in claims { rebuilt.observe(point, on: holder, verified: false, at: t0) }
        for merge in graph.activeMerges {
            try rebuilt.merge(merge.first, merge.second, evidence: merge.evidence, actor: merge.actor, at: merge.at)
        }
        for a in records {
            for b in records.prefix(30) {
                #expect(graph.areSamePerson(a, b) == rebuilt.areSamePerson(a, b), "seed \(seed): \(a) \(b)")
            }
        }
    }
}

@Suite("Identity graph persistence")
struct IdentityGraphCodingTests {
    @Test func roundTripKeepsStateAndAuditTrail() throws {
        var random = SplitMix64(seed: 77)
        var graph = IdentityGraph()
        let points = try (0..<30).map { try ContactPoint.phone("+4670\(String(format: "%07d", $0))") }
        for step in 0..<400 {
            let record = PartyID("r\(random.next() % 50)")
            graph.observe(points.randomElement(using: &random)!, on: record, verified: false, at: t0)
            if step % 37 == 0, let merge = graph.activeMerges.randomElement(using: &random) {
                try graph.undo(merge.id, actor: .agent("ag"), at: t0)
            }
        }
        let data = try JSONEncoder().encode(graph)
        let decoded = try JSONDecoder().decode(IdentityGraph.self, from: data)
        #expect(decoded == graph)
        #expect(decoded.mergeLog == graph.mergeLog, "undone merges survive as history")
    }

    @Test func rejectsAClaimByAnUnknownRecord() {
        let json = #"{"records":["a"],"claims":[{"contactPoint":{"kind":"phone","value":"+46701234567"},"record":"zz"}],"merges":[]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(IdentityGraph.self, from: Data(json.utf8)) }
    }
}
