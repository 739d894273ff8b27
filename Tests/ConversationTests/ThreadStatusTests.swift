import CustomerModel
import Testing
import Conversation

@Test func closedThreadsNeverMove() {
    for next in ThreadStatus.allCases { #expect(!ThreadStatus.closed.canMove(to: next)) }
}

@Test func solvedThreadsReopen() {
    #expect(ThreadStatus.solved.canMove(to: .open))
    #expect(!ThreadStatus.solved.canMove(to: .pendingCustomer))
}
