import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Localization

/// Every sample number CLDR lists for every locale, cardinal and ordinal,
/// read from Debian's unicode-cldr-core at test time, lands in the category
/// CLDR says it does.
@Suite("CLDR plural rules")
struct PluralRulesTests {
    static let supplemental = "/usr/share/unicode/cldr/common/supplemental"

    /// (locales, category, sample) for every sample in a CLDR plural file.
    static func samples(_ file: String) throws -> [(locales: [String], category: String, sample: String)] {
        let document = try XMLDocument(contentsOf: URL(fileURLWithPath: "\(supplemental)/\(file)"))
        var result: [(locales: [String], category: String, sample: String)] = []
        for group in try document.nodes(forXPath: "//pluralRules") {
            guard let element = group as? XMLElement,
                let locales = element.attribute(forName: "locales")?.stringValue?.split(separator: " ").map(String.init)
            else { continue }
            for rule in element.elements(forName: "pluralRule") {
                guard let category = rule.attribute(forName: "count")?.stringValue, let text = rule.stringValue else { continue }
                for section in text.components(separatedBy: "@").dropFirst() {
                    let items = section.split(separator: " ", maxSplits: 1).dropFirst().first ?? ""
                    for item in items.split(separator: ",") {
                        let sample = item.trimmingCharacters(in: .whitespaces)
                        if sample.isEmpty || sample == "…" || sample == "..." { continue }
                        for value in expand(sample) { result.append((locales, category, value)) }
                    }
                }
            }
        }
        return result
    }

    /// "2~4" → 2, 3, 4; "0.0~1.5" → its two ends (the steps between follow from them).
    static func expand(_ sample: String) -> [String] {
        let ends = sample.split(separator: "~").map(String.init)
        guard ends.count == 2 else { return [sample] }
        if let low = Int(ends[0]), let high = Int(ends[1]), high - low <= 1_000 { return (low...high).map(String.init) }
        return ends
    }

    @Test(arguments: [("plurals.xml", PluralRules.Kind.cardinal), ("ordinals.xml", .ordinal)])
    func everySampleOfEveryLocale(file: String, kind: PluralRules.Kind) throws {
        let all = try Self.samples(file)
        #expect(all.count > 500, "install unicode-cldr-core: \(Self.supplemental)/\(file)")
        var failures: [String] = []
        for (locales, category, sample) in all {
            guard let operands = PluralOperands(sample) else {
                failures.append("unreadable sample \(sample)")
                continue
            }
            for locale in locales where PluralRules.category(for: operands, locale: locale, kind: kind).rawValue != category {
                failures.append("\(locale) \(sample): \(PluralRules.category(for: operands, locale: locale, kind: kind)) ≠ \(category)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures, e.g. \(failures.prefix(8))")
    }

    @Test func operandsFollowUTS35() throws {
        let o = try #require(PluralOperands("1.50"))
        #expect(o.i == 1 && o.v == 2 && o.w == 1 && o.f == 50 && o.t == 5)
        let compact = try #require(PluralOperands("1.2c6"))
        #expect(compact.i == 1_200_000 && compact.c == 6 && compact.v == 0)
        #expect(PluralOperands("1.2.3") == nil)
        #expect(PluralOperands("") == nil)
        #expect(PluralOperands("abc") == nil)
    }

    @Test func unknownLocalesFallBackAlongTheirTag() {
        #expect(PluralRules.category(for: 1, locale: "sv-SE") == .one)
        #expect(PluralRules.category(for: 2, locale: "pl-PL") == .few)
        #expect(PluralRules.category(for: 1, locale: "xx-unknown") == .other)
        #expect(PluralRules.category(for: 2, locale: "en", kind: .ordinal) == .two)
    }
}
