/// Fingerprints of the start of a message's text, so that a reply that quotes
/// it can be recognised later: the evidence a reply carries even when its
/// client dropped every threading header.
///
/// Both sides are read the same way: only letters and digits count (ASCII
/// lower-cased; bytes of non-ASCII letters as they are), so quote markers
/// (`>`), the client's re-wrapping and spacing, and punctuation make no
/// difference; and only the first ``prefixLength`` of them count, since mail
/// clients quote the start of a message and may cut it after that. A text
/// with fewer than ``minimumLength`` is no evidence at all ("Thanks!" is
/// quoted in too many threads to tell them apart).
enum QuoteFingerprint {
    /// How many letters and digits of the start of a text are compared.
    static let prefixLength = 32
    /// Texts with fewer letters and digits than this are not fingerprinted.
    static let minimumLength = 16

    /// The fingerprint of a message's own (new) text, or nil when too short.
    static func ofText(_ bytes: UnsafeBufferPointer<UInt8>) -> MessageFingerprint? {
        fingerprint(bytes, from: 0)
    }

    /// The fingerprint of the quoted message in `quotedText` (what the reply
    /// extractor cut off below the new text), and where the attribution line
    /// before it ends. Nil when there are no `>` lines or they are too short.
    static func ofQuote(_ bytes: UnsafeBufferPointer<UInt8>) -> (fingerprint: MessageFingerprint, attributionEnd: Int)? {
        // The quote starts at the first line whose first non-blank byte is '>'.
        var lineStart = 0
        while lineStart < bytes.count {
            var cursor = lineStart
            while cursor < bytes.count, bytes[cursor] == 0x20 || bytes[cursor] == 0x09 { cursor += 1 }
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ">") {
                guard let fingerprint = fingerprint(bytes, from: lineStart) else { return nil }
                var attributionEnd = lineStart
                while attributionEnd > 0, bytes[attributionEnd - 1] == 0x0A || bytes[attributionEnd - 1] == 0x0D {
                    attributionEnd -= 1
                }
                return (fingerprint, attributionEnd)
            }
            while cursor < bytes.count, bytes[cursor] != 0x0A { cursor += 1 }
            lineStart = cursor + 1
        }
        return nil
    }

    /// Fingerprints the first `prefixLength` letters and digits from `start`,
    /// eight at a time.
    private static func fingerprint(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> MessageFingerprint? {
        guard let base = bytes.baseAddress else { return nil }
        do {
            var h1: UInt64 = 0x243F_6A88_85A3_08D3
            var h2: UInt64 = 0x1319_8A2E_0370_7344
            var word: UInt64 = 0
            var count = 0
            var index = start
            let end = bytes.count
            while index < end {
                let byte = base[index]
                index &+= 1
                // Letters lower-cased; digits and non-ASCII bytes as they are; the rest skipped.
                let lower = byte | 0x20
                let kept: UInt8
                if lower &- 0x61 < 26 {
                    kept = lower
                } else if byte &- 0x30 < 10 || byte >= 0x80 {
                    kept = byte
                } else {
                    continue
                }
                word = word &<< 8 | UInt64(kept)
                count &+= 1
                if count & 7 == 0 {
                    h1 = mix(h1 ^ word, 0xBF58_476D_1CE4_E5B9)
                    h2 = mix(h2 &+ word, 0x94D0_49BB_1331_11EB)
                    word = 0
                    if count == prefixLength { break }
                }
            }
            guard count >= minimumLength else { return nil }
            if count & 7 != 0 {
                h1 = mix(h1 ^ word, 0xBF58_476D_1CE4_E5B9)
                h2 = mix(h2 &+ word, 0x94D0_49BB_1331_11EB)
            }
            return MessageFingerprint(
                high: mix(h1 ^ UInt64(count), 0xFF51_AFD7_ED55_8CCD), low: mix(h2 &+ UInt64(count), 0xC4CE_B9FE_1A85_EC53))
        }
    }

    @inline(__always)
    private static func mix(_ value: UInt64, _ multiplier: UInt64) -> UInt64 {
        var z = value &* multiplier
        z ^= z &>> 29
        z = z &* 0xBF58_476D_1CE4_E5B9
        return z ^ (z &>> 32)
    }
}
