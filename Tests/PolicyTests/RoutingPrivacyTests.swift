import CustomerModel
import Foundation
import Testing
@testable import Policy
import TestSupport

@Suite struct RoutingTests {
    let router = Router(policy: RoutingPolicy())
    let agents = [
        AgentState(skills: AgentSkills(id: "ava", languages: ["sv-SE", "en"], channels: [.email, .chat]), openThreads: 2),
        AgentState(skills: AgentSkills(id: "bo", languages: ["sv"], channels: [.email], tiers: ["vip"]), openThreads: 5),
        AgentState(skills: AgentSkills(id: "cai", languages: ["de", "en"], channels: [.email, .phone]), openThreads: 0),
        AgentState(skills: AgentSkills(id: "dan", languages: ["sv"], channels: [.email]), available: false),
        AgentState(skills: AgentSkills(id: "eve", languages: ["sv"], channels: [.email], maxOpenThreads: 3), openThreads: 3),
    ]

    @Test func languageAndLoadExplainTheChoice() {
        let decision = router.route(RoutingRequest(language: "sv-SE", channel: .email), agents: agents)
        #expect(decision.chosen == "ava")
        #expect(decision.ranking.map(\.agent) == ["ava", "bo", "cai"])
        #expect(decision.ranking[0].reasons.map(\.description) == ["+40 language: writes sv-se", "+8 load: 2/10 threads open"])
        #expect(decision.ranking[1].reasons.first?.description == "+20 language: writes sv (not exactly sv-se)")
        #expect(decision.excluded.map(\.agent) == ["dan", "eve"])
        #expect(decision.explanation.first == "ava scored 48")
    }

    @Test func accountTeamAndTierWin() {
        let decision = router.route(RoutingRequest(language: "en", channel: .email, tier: "vip", accountTeam: ["bo"]), agents: agents)
        #expect(decision.chosen == "bo")
        #expect(decision.ranking[0].reasons.map(\.factor) == ["accountTeam", "tier", "load"])
    }

    @Test func channelIsRequired() {
        let decision = router.route(RoutingRequest(language: "de", channel: .phone), agents: agents)
        #expect(decision.ranking.map(\.agent) == ["cai"])
        let nobody = router.route(RoutingRequest(language: "de", channel: .sms), agents: agents)
        #expect(nobody.chosen == nil)
    }

    @Test func deterministicWhateverTheInputOrder() {
        var rng = SplitMix64(seed: 7)
        let request = RoutingRequest(language: "en", channel: .email)
        let expected = router.route(request, agents: agents)
        for _ in 0..<50 {
            #expect(router.route(request, agents: agents.shuffled(using: &rng)) == expected, "seed 7")
        }
        // Ties break on load, then on the agent id.
        let twins = [AgentState(skills: AgentSkills(id: "z", languages: ["en"], channels: [.chat])),
                     AgentState(skills: AgentSkills(id: "y", languages: ["en"], channels: [.chat]))]
        #expect(router.route(RoutingRequest(language: "en", channel: .chat), agents: twins).chosen == "y")
    }
}

@Suite struct PrivacyTests {
    let rules: PrivacyRules
    init() throws {
        rules = try PrivacyRules(policy: PrivacyPolicy(
            retention: [RetentionRule(category: .messages, afterMonths: 36, action: .delete),
                        RetentionRule(category: .orders, afterMonths: 84, action: .anonymise),
                        RetentionRule(category: .invoices, afterMonths: 12, action: .delete)],
            statutoryRetention: [StatutoryRetention(category: .invoices, months: 96, source: "Bokföringslagen (1999:1078) 7 kap. 2 §")]))
    }

    let now = utc("2026-06-01T00:00:00Z")

    func store() -> InMemoryPrivacyStore {
        let old = utc("2022-01-10T00:00:00Z"), recent = utc("2026-05-01T00:00:00Z")
        func record(_ id: String, _ party: PartyID, _ category: PersonalDataCategory, _ at: Date, _ text: String) -> InMemoryPrivacyStore.StoredRecord {
            .init(summary: PersonalDataRecord(id: id, party: party, category: category, createdAt: at), fields: ["text": text])
        }
        return InMemoryPrivacyStore(records: [
            record("m1", "anna", .messages, old, "Hej, my parcel never came"),
            record("m2", "anna", .messages, recent, "Anna Svensson, Storgatan 1"),
            record("i1", "anna", .invoices, recent, "Invoice to Anna Svensson"),
            record("c1", "anna", .callRecordings, recent, "call transcript anna"),
            record("m3", "bo", .messages, old, "Bo Ek writes"),
        ])
    }

    @Test func erasureDeletesAnonymisesStatutoryAndRespectsHolds() async throws {
        let executor = store()
        let hold = LegalHold(id: "case-7", party: "anna", categories: [.callRecordings], reason: "chargeback dispute", placedAt: now.addingTimeInterval(-86_400))
        let (decision, receipt) = try await rules.erase("anna", holds: [hold], at: now, using: executor)
        #expect(decision.actions.map(\.recordID) == ["m1", "m2", "i1"])
        #expect(decision.actions.map(\.action) == [.delete, .delete, .anonymise])
        #expect(decision.retained.map(\.recordID) == ["c1", "i1"])
        #expect(receipt.deleted == ["m1", "m2"])
        let remaining = await executor.records
        // No text of Anna's messages or invoice remains; the held recording and Bo's data do.
        let texts = remaining.values.flatMap { $0.fields.values }
        #expect(!texts.contains { $0.contains("Anna Svensson") || $0.contains("parcel") })
        #expect(texts.contains("call transcript anna"))
        #expect(remaining["m3"]?.fields["text"] == "Bo Ek writes")
        #expect(remaining["i1"]?.fields["text"] == InMemoryPrivacyStore.redacted)
    }

    @Test func liftedHoldNoLongerProtects() {
        let hold = LegalHold(id: "h", party: "anna", reason: "x", placedAt: utc("2025-01-01T00:00:00Z"), liftedAt: utc("2026-01-01T00:00:00Z"))
        let record = PersonalDataRecord(id: "m", party: "anna", category: .messages, createdAt: utc("2024-01-01T00:00:00Z"))
        #expect(rules.erasure(of: "anna", records: [record], holds: [hold], at: now).actions.map(\.action) == [.delete])
        #expect(rules.erasure(of: "anna", records: [record], holds: [hold], at: utc("2025-06-01T00:00:00Z")).actions.isEmpty)
    }

    @Test func retentionReachesOldRecordsOnly() async throws {
        let executor = store()
        let hold = LegalHold(id: "bo-case", party: "bo", reason: "police request", placedAt: now)
        let (decision, receipt) = try await rules.enforceRetention(holds: [hold], at: now, using: executor)
        #expect(decision.actions.map(\.recordID) == ["m1"])  // 2022 message of Anna; Bo's is held
        #expect(decision.retained.map(\.recordID) == ["m3"])
        #expect(receipt.deleted == ["m1"])
        // A statutory duty keeps an invoice past its retention rule.
        let invoice = PersonalDataRecord(id: "i", party: "anna", category: .invoices, createdAt: utc("2024-01-01T00:00:00Z"))
        let kept = rules.retention(records: [invoice], holds: [], at: now)
        #expect(kept.actions.isEmpty)
        #expect(kept.retained.first?.reason.description.contains("Bokföringslagen") == true)
    }

    @Test func exportIsJSONOfEverythingHeld() async throws {
        let executor = store()
        let export = try await executor.export(rules.exportPlan(for: "anna", at: now))
        #expect(export.records.map(\.id) == ["m1", "m2", "c1", "i1"])
        let json = try #require(String(data: try export.jsonData(), encoding: .utf8))
        #expect(json.contains("Art. 15"))
        #expect(json.contains("Storgatan 1"))
        #expect(!json.contains("Bo Ek"))
    }

    @Test func failedBatchChangesNothing() async {
        let executor = store()
        let actions = [RecordAction(recordID: "m1", party: "anna", category: .messages, action: .delete, reason: ""),
                       RecordAction(recordID: "nope", party: "anna", category: .messages, action: .delete, reason: "")]
        await #expect(throws: PrivacyExecutionError.unknownRecord("nope")) { try await executor.apply(actions) }
        #expect(await executor.records.count == 5)
    }

    @Test func consentMustBeExplicit() {
        var profile = PartyProfile(displayName: "Anna")
        #expect(!profile.consentDecision(for: .marketing).allowed)
        profile.consents[.marketing] = ConsentRecord(granted: true, decidedAt: now)
        #expect(profile.consentDecision(for: .marketing).allowed)
        profile.consents[.marketing] = ConsentRecord(granted: false, decidedAt: now)
        #expect(profile.consentDecision(for: .marketing).reason.contains("withdrawn"))
    }
}

@Suite struct RoutingFromPartiesTests {
    @Test func accountTeamComesFromTheAccount() {
        let account = Account(id: "acme", profile: PartyProfile(displayName: "ACME", preferredLanguage: "de", tier: "enterprise-gold"),
                              accountTeam: ["cai"])
        let request = RoutingRequest(language: nil, channel: .email, account: account)
        #expect(request.language == "de")
        #expect(request.accountTeam == ["cai"])
        let agents = [AgentState(skills: AgentSkills(id: "ava", languages: ["de"], channels: [.email])),
                      AgentState(skills: AgentSkills(id: "cai", languages: ["en"], channels: [.email], tiers: ["enterprise-gold"]))]
        let decision = Router(policy: RoutingPolicy()).route(request, agents: agents)
        #expect(decision.chosen == "cai")
        #expect(decision.explanation == ["cai scored 80", "+50 accountTeam: in the account team",
                                         "+20 tier: trained for enterprise-gold", "+10 load: 0/10 threads open"])
    }
}
