import Foundation
import Testing
import CustomerModel

/// The README's first example, kept compiling and true.
@Test func readmeB2CExample() throws {
    var desk = SingleBuyerDirectory()
    let now = Date()
    let anna = try ContactPoint.email("Anna.Svensson@Example.SE")
    try desk.add(Customer(id: "c-1", profile: PartyProfile(displayName: "Anna Svensson", contactPoints: [anna],
        preferredLanguage: "sv-SE", timeZoneIdentifier: "Europe/Stockholm")), at: now)
    try desk.add(Customer(id: "c-2", profile: PartyProfile(displayName: "Guest checkout")), at: now)
    let before = desk
    let merge = try #require(try desk.observe(anna, on: "c-2", verified: true, at: now))
    #expect(desk.resolve(anna)?.person == "c-1")
    #expect(desk.mayView(.person("c-1"), ConversationAccess(owner: "c-2")))
    try desk.undo(merge, actor: .agent("agent-7"), at: now)
    #expect(!desk.mayView(.person("c-1"), ConversationAccess(owner: "c-2")))
    // The directory equals its pre-merge self, except that c-2's record now lists the address it used.
    #expect(desk.identities == before.identities)
}
