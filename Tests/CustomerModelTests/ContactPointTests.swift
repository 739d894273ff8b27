import Testing
@testable import CustomerModel

@Test func emailDomainIsCaseFolded() throws {
    #expect(try ContactPoint.email("Anna@Example.SE").value == "Anna@example.se")
}
