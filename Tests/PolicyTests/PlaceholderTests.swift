import Testing
@testable import Policy

@Test func PolicyModuleLinks() {
    #expect(String(describing: PolicyModulePlaceholder.self) == "PolicyModulePlaceholder")
}
