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
        "odp", "pd", "rv", "enc", "ynt", "ilt", "回复", "答复", "转发", "回覆", "轉寄",
    ]

    /// The prefixes as lower-case UTF-8 packed into integers (all are at most 8 bytes).
    private static let packedPrefixes: Set<UInt64> = Set(prefixes.compactMap { pack(Array($0.utf8)) })

    private static func pack(_ bytes: [UInt8]) -> UInt64? {
        guard bytes.count <= 8 else { return nil }
        var value: UInt64 = 0
        for byte in bytes { value = value << 8 | UInt64(byte) }
        return value
    }

    /// The subject with reply/forward prefixes, bracketed tags (`[#123]`,
    /// `[shop-list]`), and surrounding whitespace removed, inner whitespace
    /// collapsed, and case folded.
    public static func normalize(_ subject: String) -> String {
        var subject = subject
        return subject.withUTF8 { bytes in
            let (body, _) = strip(bytes)
            return fold(UnsafeBufferPointer(rebasing: bytes[body]))
        }
    }

    /// Whether the subject starts with a reply or forward prefix (after tags).
    public static func hasReplyPrefix(_ subject: String) -> Bool {
        var subject = subject
        return subject.withUTF8 { strip($0).hadPrefix }
    }

    /// What threading needs of a subject in one pass: a fingerprint of its
    /// normalised form (nil when that is empty) and whether it had a reply prefix.
    static func threadingKey(_ subject: String) -> (fingerprint: MessageFingerprint?, hadPrefix: Bool) {
        var subject = subject
        return subject.withUTF8 { bytes in
            let (body, hadPrefix) = strip(bytes)
            let view = UnsafeBufferPointer(rebasing: bytes[body])
            if view.allSatisfy({ $0 < 0x80 }) {
                // ASCII: fold and fingerprint without building a string.
                var folded: [UInt8] = []
                folded.reserveCapacity(view.count)
                foldASCII(view, into: &folded)
                return (folded.isEmpty ? nil : MessageFingerprint(folded), hadPrefix)
            }
            let folded = fold(view)
            return (folded.isEmpty ? nil : MessageFingerprint(folded), hadPrefix)
        }
    }

    /// The subject without prefixes and tags, case and inner spacing kept.
    public static func stripPrefixesKeepingCase(_ subject: String) -> String {
        var subject = subject
        return subject.withUTF8 { bytes in
            String(decoding: UnsafeBufferPointer(rebasing: bytes[strip(bytes).body]), as: UTF8.self)
        }
    }

    // MARK: Byte-level scanning

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    /// The range of `bytes` left after leading prefixes and tags and trailing tags.
    private static func strip(_ bytes: UnsafeBufferPointer<UInt8>) -> (body: Range<Int>, hadPrefix: Bool) {
        var start = 0
        var end = bytes.count
        var hadPrefix = false
        while true {
            while start < end, isSpace(bytes[start]) { start += 1 }
            if start < end, bytes[start] == UInt8(ascii: "["), let close = firstIndex(of: UInt8(ascii: "]"), in: bytes, from: start, to: end) {
                start = close + 1
                continue
            }
            if let after = prefixEnd(bytes, from: start, to: end) {
                start = after
                hadPrefix = true
                continue
            }
            break
        }
        // Trailing tags such as "[#123]" that desks append.
        while true {
            while end > start, isSpace(bytes[end - 1]) { end -= 1 }
            guard end > start, bytes[end - 1] == UInt8(ascii: "]") else { break }
            var open = end - 1
            while open > start, bytes[open] != UInt8(ascii: "[") { open -= 1 }
            guard bytes[open] == UInt8(ascii: "[") else { break }
            end = open
        }
        return (start..<end, hadPrefix)
    }

    private static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        var i = from
        while i < to {
            if bytes[i] == byte { return i }
            i += 1
        }
        return nil
    }

    /// If a prefix word (with an optional `[n]`/`(n)` counter) and a colon
    /// (ASCII or full-width) start at `from`, the index after the colon.
    private static func prefixEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        var word: UInt64 = 0
        var length = 0
        var i = from
        while i < to {
            var byte = bytes[i]
            let isASCIILetter = (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
            if isASCIILetter {
                byte |= 0x20
            } else if byte < 0x80 || byte == 0xEF {
                // Not a letter (the full-width colon starts with 0xEF).
                break
            } else if byte == 0xC4, i + 1 < to, bytes[i + 1] == 0xB0 {
                // "İ" (Turkish İlt) folds to "i".
                byte = 0x69
                i += 1
            }
            length += 1
            guard length <= 8 else { return nil }
            word = word << 8 | UInt64(byte)
            i += 1
        }
        guard length > 0, packedPrefixes.contains(word) else { return nil }
        if i < to, bytes[i] == UInt8(ascii: "[") || bytes[i] == UInt8(ascii: "(") {
            let close = bytes[i] == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: ")")
            var j = i + 1
            while j < to, bytes[j] >= 0x30, bytes[j] <= 0x39 { j += 1 }
            guard j < to, bytes[j] == close else { return nil }
            i = j + 1
        }
        while i < to, bytes[i] == 0x20 { i += 1 }
        if i < to, bytes[i] == UInt8(ascii: ":") { return i + 1 }
        if i + 2 < to, bytes[i] == 0xEF, bytes[i + 1] == 0xBC, bytes[i + 2] == 0x9A { return i + 3 }
        return nil
    }

    /// Collapses whitespace runs to one space, trims, and folds case.
    private static func fold(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var collapsed: [UInt8] = []
        collapsed.reserveCapacity(bytes.count)
        if bytes.allSatisfy({ $0 < 0x80 }) {
            foldASCII(bytes, into: &collapsed)
            return String(decoding: collapsed, as: UTF8.self)
        }
        var pendingSpace = false
        for byte in bytes {
            if isSpace(byte) {
                pendingSpace = !collapsed.isEmpty
                continue
            }
            if pendingSpace { collapsed.append(0x20) }
            pendingSpace = false
            collapsed.append(byte)
        }
        return String(decoding: collapsed, as: UTF8.self).lowercased()
    }

    private static func foldASCII(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        var pendingSpace = false
        for byte in bytes {
            if isSpace(byte) {
                pendingSpace = !output.isEmpty
                continue
            }
            if pendingSpace { output.append(0x20) }
            pendingSpace = false
            output.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
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
