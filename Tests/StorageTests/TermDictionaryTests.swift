import Testing
@testable import Storage

@Suite("Term dictionary")
struct TermDictionaryTests {
    /// Every term is found under its id across growth; removed and absent terms are not.
    /// (The slot hash is keyed per process, so this checks behaviour, not slot positions.)
    @Test func findsEveryTermAcrossGrowth() {
        var dictionary = TermDictionary()
        let terms = (0..<5_000).map { "term\($0)" }
        for (id, term) in terms.enumerated() {
            var term = term
            term.withUTF8 { dictionary.insert($0, id: UInt32(id)) }
        }
        for (id, term) in terms.enumerated() { #expect(dictionary[term] == UInt32(id)) }
        #expect(dictionary["absent"] == nil)
        dictionary.remove(id: 7)
        #expect(dictionary["term7"] == nil)
        #expect(dictionary["term8"] == 8)
    }

    @Test func hashIsTheSameForTheSameBytesWithinAProcess() {
        var a = "rimborso"
        var b = String("rimborso".reversed().reversed())
        let first = a.withUTF8 { TermDictionary.hash($0) }
        let second = b.withUTF8 { TermDictionary.hash($0) }
        #expect(first == second)
    }
}
