import Testing
@testable import Conversation

@Test func ConversationModuleLinks() {
    #expect(String(describing: ConversationModulePlaceholder.self) == "ConversationModulePlaceholder")
}
