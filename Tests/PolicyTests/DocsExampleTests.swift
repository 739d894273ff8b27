import Foundation
import Testing
import Policy

/// The first example of docs/Policy.md, kept compiling and running.
@Test func docsFirstExampleRuns() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let document = try SupportPolicyDocument.load(contentsOf: root.appendingPathComponent("Examples/policies/shop.yaml"))
    let policy = try document.compiled()

    let sla = try policy.slaEvaluator(account: nil, team: nil)
    let opened = Date(timeIntervalSince1970: 1_782_900_000)
    let thread = SLAThreadSnapshot(priority: .high, channel: .email, tier: "vip", openedAt: opened)
    let firstReply = try #require(sla?.evaluate(thread, at: opened.addingTimeInterval(3600)).firstReply)
    #expect(firstReply.target == 7200)

    let stockholm = policy.businessHours()
    let due = try #require(stockholm.date(byAddingBusinessTime: 4 * 3600, to: opened))
    #expect(stockholm.businessTime(from: opened, to: due) == 14_400)

    let returns = try #require(policy.returns)
    let decision = returns.decide(ReturnRequest(category: "shoes", condition: .used, country: "DE",
        deliveredAt: opened, requestedAt: opened.addingTimeInterval(12 * 86_400)))
    #expect(decision.eligible)
    #expect(decision.explanations.first == "eligible")
    #expect(decision.explanations.contains("within shop window: 12 days since delivery ≤ 30"))
}
