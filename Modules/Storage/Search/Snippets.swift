import Foundation
import Localization

extension InvertedIndex {
    /// Words of context a snippet shows.
    public static let snippetWords = 24

    /// The stretch of `text` with the most matched terms, with those words highlighted.
    /// Text without a match gives its first words.
    public func snippet(of text: String, language: String?, highlighting terms: Set<String>) -> Snippet {
        Self.snippet(of: text, language: language, highlighting: terms, analyzers: analyzers)
    }

    /// ``snippet(of:language:highlighting:)`` with the given analyzers.
    static func snippet(of text: String, language: String?, highlighting terms: Set<String>, analyzers: AnalyzerRegistry)
        -> Snippet
    {
        let tokens = analyzers.analyzer(for: language ?? "und").tokens(in: text)
        guard !tokens.isEmpty else { return Snippet(text: String(text.prefix(160)), highlights: []) }
        let matched = tokens.map { terms.contains($0.term) }
        let window = min(Self.snippetWords, tokens.count)
        var best = 0
        var bestCount = -1
        var count = matched[0..<window].filter { $0 }.count
        for start in 0...(tokens.count - window) {
            if start > 0 {
                if matched[start - 1] { count -= 1 }
                if matched[start + window - 1] { count += 1 }
            }
            if count > bestCount {
                bestCount = count
                best = start
            }
        }
        // Start one word before the first match in the window, so the match has context.
        if let firstMatch = (best..<(best + window)).first(where: { matched[$0] }), firstMatch > best + 2 {
            best = min(firstMatch - 1, tokens.count - window)
        }
        let bytes = Array(text.utf8)
        let from = best == 0 ? 0 : Int(tokens[best].utf8Start)
        let to = best + window >= tokens.count ? bytes.count : Int(tokens[best + window - 1].utf8End)
        let prefix = from > 0 ? "… " : ""
        let suffix = to < bytes.count ? " …" : ""
        let shift = prefix.utf8.count - from
        var highlights: [Range<Int>] = []
        for index in best..<(best + window) where matched[index] {
            highlights.append((Int(tokens[index].utf8Start) + shift)..<(Int(tokens[index].utf8End) + shift))
        }
        let body = String(decoding: bytes[from..<to], as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
        return Snippet(text: prefix + body + suffix, highlights: highlights)
    }
}
