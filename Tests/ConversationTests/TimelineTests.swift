import CustomerModel
import Foundation
import Testing
@testable import Conversation

@Test func timelineShowsOnlyThePartysThreadsNewestFirst() {
    let m1 = mail("a@x", party: "c1", hours: 0)
    let m2 = mail("chat-1", party: "c1", hours: 5, channel: .chat)
    let m3 = mail("call-1", party: "c1", hours: 6, channel: .phone(.transcript))
    let other = mail("z@x", party: "c2", hours: 7)
    let threads = [
        SupportThread(id: ThreadID(1), owner: "c1", subject: "order", createdAt: epoch, messageIDs: [m1.id]),
        SupportThread(id: ThreadID(2), owner: "c1", subject: "", createdAt: epoch, messageIDs: [m3.id, m2.id]),
        SupportThread(id: ThreadID(3), owner: "c2", subject: "", createdAt: epoch, messageIDs: [other.id]),
    ]
    let timeline = CustomerTimeline(party: "c1", threads: threads, messages: [m1, m2, m3, other])
    #expect(timeline.entries.map(\.thread.id) == [ThreadID(2), ThreadID(1)])
    #expect(timeline.entries[0].messages.map(\.id) == [m2.id, m3.id])
    #expect(timeline.entries[0].channels == [.chat, .phone(.transcript)])
}

@Test func statusLifecycleRefusesInvalidMoves() throws {
    var thread = SupportThread(id: ThreadID(9), owner: "c1", subject: "", createdAt: epoch)
    try thread.move(to: .open, at: epoch)
    try thread.move(to: .solved, at: epoch)
    #expect(throws: ThreadStatusError.invalidTransition(ThreadID(9), from: .solved, to: .onHold)) {
        try thread.move(to: .onHold, at: epoch)
    }
    try thread.move(to: .open, at: epoch)
    try thread.move(to: .closed, at: epoch)
    #expect(throws: ThreadStatusError.self) { try thread.move(to: .open, at: epoch) }
    #expect(thread.status == .closed)
}
