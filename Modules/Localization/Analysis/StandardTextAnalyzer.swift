/// The default ``TextAnalyzer``: segment → lower-case → (stop words) → Snowball stem → fold diacritics.
///
/// - Segmentation is a pragmatic subset of UAX #29 word boundaries: a word is a run of
///   letters, digits and combining marks; an apostrophe between letters stays inside the
///   word (`don't`), except in French and Italian where it ends an elided article
///   (`l'ordine` → `l`, `ordine`); ZWJ/ZWNJ stay inside and are dropped; `.`/`,` between
///   digits stay inside a number (`3.5`). Han, kana and Hangul characters are one word each
///   (unigrams: no dictionary is needed and a query for any character sequence still matches
///   as a phrase).
/// - Case: simple (1:1) Unicode lower-case mapping, so stemmers see `ß`, not `ss`.
/// - Diacritics are folded *after* stemming (Snowball stemmers expect the accents), except
///   the letters a language treats as letters of its own alphabet (see ``preservedLetters(for:)``).
///
/// Works on UTF-8 bytes with reused buffers; safe to share across tasks.
public struct StandardTextAnalyzer: TextAnalyzer {
    /// The language this analyzer is for (`"und"` for the neutral one).
    public let language: String
    /// The stemmer, or `nil` for languages without one (the neutral analyzer).
    public let stemmer: SnowballStemmer?
    /// Lower-cased, unstemmed words that are dropped (they still take a position).
    public let stopWords: Set<String>
    /// Lower-case scalars that are kept as they are when folding diacritics.
    public let preserved: Set<UInt32>
    private let apostropheSplits: Bool
    private let table = ScalarTable.shared

    /// Creates an analyzer for `language`, with an explicit stemmer and stop words.
    ///
    /// - Parameters:
    ///   - language: a BCP 47 primary language subtag (`"sv"`) or `"und"`.
    ///   - stemmer: the stemmer to use, or `nil` for none.
    ///   - stopWords: lower-cased words to drop before stemming (empty: keep every word).
    public init(language: String, stemmer: SnowballStemmer?, stopWords: Set<String> = []) {
        self.language = language
        self.stemmer = stemmer
        self.stopWords = stopWords
        self.preserved = Set(Self.preservedLetters(for: language).unicodeScalars.map(\.value))
        self.apostropheSplits = language == "fr" || language == "it"
    }

    /// The letters of `language`'s alphabet that folding keeps (lower case).
    ///
    /// Swedish and Finnish treat å, ä, ö as letters (`får` "sheep" vs `far` "father");
    /// Danish and Norwegian treat æ, ø, å so; Spanish keeps ñ (`año` vs `ano`). German ä,
    /// ö, ü fold to a, o, u: the Snowball German stemmer does the same in its postlude and
    /// German writers substitute plain vowels when the keyboard lacks umlauts.
    public static func preservedLetters(for language: String) -> String {
        switch language {
        case "sv", "fi": return "åäö"
        case "da", "nb", "nn", "no": return "æøå"
        case "es": return "ñ"
        default: return ""
        }
    }

    /// Analyzes `text` into index terms (see the type's documentation for the pipeline).
    public func tokens(in text: String) -> [AnalyzedToken] {
        var result: [AnalyzedToken] = []
        var text = text
        text.withUTF8 { bytes in
            result.reserveCapacity(bytes.count / 6)
            forEachTerm(inUTF8: bytes) { term, position, start, end in
                result.append(
                    AnalyzedToken(
                        term: String(decoding: term, as: UTF8.self), position: position,
                        utf8Start: Int32(truncatingIfNeeded: start), utf8End: Int32(truncatingIfNeeded: end)))
            }
        }
        return result
    }

    /// Lower-cases and folds one word (no stemming, no stop words), for prefix queries.
    public func fold(_ word: String) -> String {
        var word = word
        var lowered: [UInt8] = []
        var folded: [UInt8] = []
        word.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let (scalar, length) = decodeScalar(bytes, at: index)
                index += length
                let cls = table.classOf(scalar)
                if cls == .joiner { continue }
                appendScalar(cls == .apostrophe ? 0x27 : table.lowercase(scalar), to: &lowered)
            }
        }
        lowered.withUnsafeBufferPointer { foldDiacritics($0, into: &folded) }
        return String(decoding: folded, as: UTF8.self)
    }

    /// The allocation-light core: calls `body` for every index term of `text` (valid UTF-8)
    /// with the term's bytes (valid only during the call), its word position and the UTF-8
    /// range of the word in `text`.
    public func forEachTerm(
        inUTF8 text: UnsafeBufferPointer<UInt8>,
        _ body: (_ term: UnsafeBufferPointer<UInt8>, _ position: Int32, _ utf8Start: Int, _ utf8End: Int) -> Void
    ) {
        var word: [UInt8] = []
        word.reserveCapacity(64)
        var folded: [UInt8] = []
        folded.reserveCapacity(64)
        var stemmed: [UInt8] = []
        stemmed.reserveCapacity(64)
        var position: Int32 = 0
        var index = 0
        let count = text.count

        func emit(_ start: Int, _ end: Int) {
            defer {
                word.removeAll(keepingCapacity: true)
                position &+= 1
            }
            if !stopWords.isEmpty, stopWords.contains(String(decoding: word, as: UTF8.self)) { return }
            func handle(_ stem: UnsafeBufferPointer<UInt8>) {
                if stem.contains(where: { $0 >= 0x80 }) {
                    folded.removeAll(keepingCapacity: true)
                    foldDiacritics(stem, into: &folded)
                    if !folded.isEmpty { folded.withUnsafeBufferPointer { body($0, position, start, end) } }
                } else if !stem.isEmpty {
                    body(stem, position, start, end)
                }
            }
            if let stemmer {
                word.withUnsafeBufferPointer { stemmer.stem(utf8: $0, into: &stemmed) }
                stemmed.withUnsafeBufferPointer(handle)
            } else {
                word.withUnsafeBufferPointer(handle)
            }
        }

        var wordStart = -1
        var lastWasDigit = false
        while index < count {
            let byte = text[index]
            // ASCII fast path.
            if byte < 0x80 {
                if (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) {
                    if wordStart < 0 { wordStart = index }
                    word.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
                    lastWasDigit = byte <= 0x39
                    index += 1
                    continue
                }
                if wordStart >= 0 {
                    if byte == 0x27, !apostropheSplits, !lastWasDigit, isWordStart(text, index + 1) {
                        word.append(0x27)
                        index += 1
                        continue
                    }
                    if (byte == 0x2E || byte == 0x2C), lastWasDigit, isDigit(text, index + 1) {
                        word.append(byte)
                        index += 1
                        continue
                    }
                    emit(wordStart, index)
                    wordStart = -1
                }
                index += 1
                continue
            }
            let (scalar, length) = decodeScalar(text, at: index)
            switch table.classOf(scalar) {
            case .mark where wordStart < 0:
                break  // a mark with no base letter is not a word
            case .wordCharacter, .mark:
                if wordStart < 0 { wordStart = index }
                appendScalar(table.lowercase(scalar), to: &word)
                lastWasDigit = false
            case .joiner:
                break
            case .apostrophe:
                if wordStart >= 0 {
                    if !apostropheSplits, !lastWasDigit, isWordStart(text, index + length) {
                        word.append(0x27)
                    } else {
                        emit(wordStart, index)
                        wordStart = -1
                    }
                }
            case .ideographic:
                if wordStart >= 0 {
                    emit(wordStart, index)
                    wordStart = -1
                }
                appendScalar(scalar, to: &word)
                emit(index, index + length)
            case .separator, .numericSeparator:
                if wordStart >= 0 {
                    emit(wordStart, index)
                    wordStart = -1
                }
            }
            index += length
        }
        if wordStart >= 0 { emit(wordStart, count) }
    }

    @inline(__always)
    private func isDigit(_ text: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        index < text.count && text[index] >= 0x30 && text[index] <= 0x39
    }

    @inline(__always)
    private func isWordStart(_ text: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        guard index < text.count else { return false }
        let (scalar, _) = decodeScalar(text, at: index)
        let cls = table.classOf(scalar)
        if scalar < 0x80 { return (scalar | 0x20) >= 0x61 && (scalar | 0x20) <= 0x7A }
        return cls == .wordCharacter
    }

    private func foldDiacritics(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                output.append(byte)
                index += 1
                continue
            }
            let (scalar, length) = decodeScalar(bytes, at: index)
            index += length
            if preserved.contains(scalar) || scalar >= ScalarTable.limit {
                appendScalar(scalar, to: &output)
                continue
            }
            var packed = table.folded[Int(scalar)]
            if packed == ScalarTable.dropMark { continue }
            if packed == 0 {
                appendScalar(scalar, to: &output)
                continue
            }
            while packed != 0 {
                output.append(UInt8(packed & 0xFF))
                packed >>= 8
            }
        }
    }
}
