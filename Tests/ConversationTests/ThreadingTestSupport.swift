import CustomerModel
import Foundation
@testable import Conversation
import TestSupport

let epoch = Date(timeIntervalSince1970: 1_764_000_000)

func mail(
    _ id: String, party: PartyID? = "c1", person: PartyID? = nil, inReplyTo: [String] = [], references: [String] = [],
    subject: String = "Question", hours: Double = 0, channel: Channel = .email, direction: MessageDirection = .inbound
) -> SupportMessage {
    SupportMessage(
        id: MessageID(id), channel: channel, direction: direction, person: person ?? party, party: party,
        sentAt: epoch.addingTimeInterval(hours * 3_600), subject: subject, text: "",
        headers: ThreadingHeaders(messageID: channel == .email ? id : nil, inReplyTo: inReplyTo, references: references))
}

func b2cDirectory(_ customers: [PartyID] = ["c1", "c2", "c3", "c4", "c5"]) -> SingleBuyerDirectory {
    var desk = SingleBuyerDirectory()
    for id in customers { try? desk.add(Customer(id: id, profile: PartyProfile(displayName: id.rawValue)), at: epoch) }
    return desk
}

/// Every permutation of 0..<n.
func permutations(_ n: Int) -> [[Int]] {
    if n == 0 { return [[]] }
    return permutations(n - 1).flatMap { perm in (0...perm.count).map { i in var p = perm; p.insert(n - 1, at: i); return p } }
}

/// Every rooted tree on n nodes as a parent array with parent[i] < i (node 0 is
/// the root). Every tree shape appears (with every arrival order tested separately).
func increasingTrees(_ n: Int) -> [[Int]] {
    guard n > 1 else { return [[-1]] }
    return increasingTrees(n - 1).flatMap { tree in (0..<(n - 1)).map { tree + [$0] } }
}
