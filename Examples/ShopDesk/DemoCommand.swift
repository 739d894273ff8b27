import ArgumentParser
import CustomerModel
import Foundation

/// Walks through identity resolution and visibility on a small shop.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run a small B2C desk scenario and print what the agent sees.")

    func run() throws {
        let now = Date(timeIntervalSince1970: 1_764_000_000)
        var desk = SingleBuyerDirectory()
        let anna = try ContactPoint.email("Anna.Svensson@Example.SE")
        let annaPhone = try ContactPoint.phone("070-123 45 67", defaultRegion: "SE")
        try desk.add(Customer(id: "c-1", profile: PartyProfile(displayName: "Anna Svensson", contactPoints: [anna],
            preferredLanguage: "sv-SE", timeZoneIdentifier: "Europe/Stockholm")), at: now)
        try desk.add(Customer(id: "c-2", profile: PartyProfile(displayName: "A. Svensson (guest checkout)",
            contactPoints: [annaPhone])), at: now)
        try desk.add(Customer(id: "c-3", profile: PartyProfile(displayName: "Bo Ek",
            contactPoints: [try .email("bo@example.se")])), at: now)
        print("contact \(anna) resolves to \(desk.resolve(anna)?.person.rawValue ?? "nobody")")

        let merge = try desk.observe(annaPhone, on: "c-1", verified: false, at: now)
        print("Anna calls from \(annaPhone): \(merge.map { "merged (\($0))" } ?? "no merge")")
        let guestOrder = ConversationAccess(owner: "c-2")
        print("may c-1 see the guest checkout's conversation? \(desk.mayView(.person("c-1"), guestOrder))")
        print("may c-3 see it? \(desk.mayView(.person("c-3"), guestOrder))")
        if let merge {
            try desk.undo(merge, actor: .agent("agent-7"), at: now)
            print("after undo, may c-1 see it? \(desk.mayView(.person("c-1"), guestOrder))")
        }
    }
}
