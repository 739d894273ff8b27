import Testing
@testable import Localization

@Test func LocalizationModuleLinks() {
    #expect(String(describing: LocalizationModulePlaceholder.self) == "LocalizationModulePlaceholder")
}
