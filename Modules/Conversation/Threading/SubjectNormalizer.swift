/// Normalises subjects for threading: strips stacked reply and forward
/// prefixes in many languages, ticket tags and list tags, and folds case and
/// whitespace, so "SV: VS: Re[2]: Order status [#123]" and "order status"
/// compare equal.
///
/// Prefixes recognised (each followed by `:` or the full-width `：`, optionally
/// with a counter such as `[2]` or `(2)`), by the languages whose mail clients
/// write them (sources: the clients' own localisations, as collected in
/// Wikipedia's "List of email subject abbreviations"):
///
/// | prefix | meaning | languages |
/// | --- | --- | --- |
/// | Re, RE, Aw, AW | reply | en, most; de (Antwort) |
/// | Fwd, Fw, FW, WG | forward | en; de (Weitergeleitet) |
/// | SV, VS | reply / forward | sv, da, nb (Svar); fi (Vastaus) |
/// | VB | forward | sv (Vidarebefordrat) |
/// | VL | forward | fi (Välitetty) |
/// | R, RIF, I | reply / forward | it (Risposta, Riferimento, Inoltrato) |
/// | TR, RE | forward / reply | fr (Transféré) |
/// | Antw, Doorst | reply / forward | nl (Antwoord, Doorsturen) |
/// | Odp, PD | reply / forward | pl (Odpowiedź, Prześlij dalej) |
/// | RV, ENC | forward | es (Reenviar), pt (Encaminhar) |
/// | Ynt, İlt | reply / forward | tr |
/// | 回复, 答复, 转发 | reply / forward | zh |
public enum SubjectNormalizer {
    /// Every prefix, lower-cased; compared case-insensitively.
    public static let prefixes: Set<String> = [
        "re", "aw", "fwd", "fw", "wg", "sv", "vs", "vb", "vl", "r", "rif", "i", "tr", "antw", "doorst",
        "odp", "pd", "rv", "enc", "ynt", "ilt", "i̇lt", "回复", "答复", "转发", "回覆", "轉寄",
    ]

    /// The longest prefix word, in characters; longer words are never prefixes.
    private static let longestPrefix = 6

    /// The subject with reply/forward prefixes, bracketed tags (`[#123]`,
    /// `[shop-list]`), and surrounding whitespace removed, inner whitespace
    /// collapsed, and case folded.
    public static func normalize(_ subject: String) -> String {
        stripPrefixesKeepingCase(subject).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").lowercased()
    }

    /// Whether the subject starts with a reply or forward prefix (after tags).
    public static func hasReplyPrefix(_ subject: String) -> Bool {
        var text = Substring(subject).drop { $0.isWhitespace }
        while text.first == "[", let close = text.firstIndex(of: "]") {
            text = text[text.index(after: close)...].drop { $0.isWhitespace }
        }
        return dropReplyPrefix(text) != nil
    }

    /// If `text` starts with `prefix[n]:` or `prefix(n):` or `prefix:`, the rest.
    static func dropReplyPrefix(_ text: Substring) -> Substring? {
        var word = ""
        var index = text.startIndex
        while index < text.endIndex, text[index].isLetter, word.count <= longestPrefix {
            word.append(text[index])
            index = text.index(after: index)
        }
        guard !word.isEmpty, word.count <= longestPrefix, prefixes.contains(word.lowercased()) else { return nil }
        // Optional counter: [2] or (2).
        if index < text.endIndex, text[index] == "[" || text[index] == "(" {
            let close: Character = text[index] == "[" ? "]" : ")"
            var cursor = text.index(after: index)
            while cursor < text.endIndex, text[cursor].isNumber { cursor = text.index(after: cursor) }
            guard cursor < text.endIndex, text[cursor] == close else { return nil }
            index = text.index(after: cursor)
        }
        while index < text.endIndex, text[index] == " " { index = text.index(after: index) }
        guard index < text.endIndex, text[index] == ":" || text[index] == "：" else { return nil }
        return text[text.index(after: index)...]
    }
}

/// The desk's ticket tag in subjects: `[#12345]`.
public enum TicketTag {
    /// The ticket number of the first `[#digits]` tag in a subject, if any.
    public static func find(in subject: String) -> UInt64? {
        let bytes = Array(subject.utf8)
        var i = 0
        while i + 3 < bytes.count {
            if bytes[i] == UInt8(ascii: "["), bytes[i + 1] == UInt8(ascii: "#") {
                var j = i + 2
                var value: UInt64 = 0
                var digits = 0
                while j < bytes.count, bytes[j] >= 0x30, bytes[j] <= 0x39, digits < 19 {
                    value = value * 10 + UInt64(bytes[j] - 0x30)
                    digits += 1
                    j += 1
                }
                if digits > 0, j < bytes.count, bytes[j] == UInt8(ascii: "]") { return value }
            }
            i += 1
        }
        return nil
    }

    /// `[#12345]` for a thread.
    public static func tag(for thread: ThreadID) -> String { "[#\(thread.rawValue)]" }
}
