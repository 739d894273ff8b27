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
    private let foldsFinnishSStems: Bool
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
        self.foldsFinnishSStems = language == "fi" && stemmer != nil
    }

    /// Finnish nouns in -us, -ys, -os, -ös (`tilaus` order, `palautus` return, `kysymys`
    /// question) inflect on two other stems: -ukse- (`tilauksen`) and -u- (`tilausta`).
    /// Snowball's Finnish stemmer leaves all three apart (`tilaus`, `tilauks`, `tilau`), so a
    /// search for `palautus` would miss `palautuksen`. The analyzer folds a stem ending in
    /// vowel + `s` or vowel + `ks` (vowel u, y, o, ö; stem of 5+ bytes) to the bare vowel
    /// stem (`tilau`). The stemmer itself stays Snowball's, byte for byte; this is a step of
    /// the analyzer after it. See docs/Localization-analysis.md.
    static func foldFinnishSStem(_ stem: inout WordBuffer) {
        var end = stem.count
        guard end >= 5 else { return }
        let bytes = stem.storage
        if bytes[end - 1] == UInt8(ascii: "s"), bytes[end - 2] == UInt8(ascii: "k") {
            end -= 2
        } else if bytes[end - 1] == UInt8(ascii: "s") {
            end -= 1
        } else {
            return
        }
        let last = bytes[end - 1]
        let backVowel = last == UInt8(ascii: "u") || last == UInt8(ascii: "y") || last == UInt8(ascii: "o")
        let oUmlaut = end >= 2 && bytes[end - 2] == 0xC3 && last == 0xB6
        if (backVowel || oUmlaut) && end >= 3 { stem.count = end }
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
        return word.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count * 3 + 8) { lowered in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count * 6 + 16) { folded in
                    var loweredBuffer = WordBuffer(storage: lowered)
                    var foldedBuffer = WordBuffer(storage: folded)
                    var index = 0
                    while index < bytes.count {
                        let (scalar, length) = decodeScalar(bytes, at: index)
                        index += length
                        let cls = table.classOf(scalar)
                        if cls == .joiner { continue }
                        loweredBuffer.appendScalar(cls == .apostrophe ? 0x27 : table.lowercase(scalar))
                    }
                    foldDiacritics(loweredBuffer.bytes, into: &foldedBuffer)
                    return String(decoding: foldedBuffer.bytes, as: UTF8.self)
                }
            }
        }
    }

    /// The allocation-light core: calls `body` for every index term of `text` (valid UTF-8)
    /// with the term's bytes (valid only during the call), its word position and the UTF-8
    /// range of the word in `text`. Words longer than 255 bytes are cut to their first 255
    /// bytes in the term (the offsets still span the whole word).
    public func forEachTerm(
        inUTF8 text: UnsafeBufferPointer<UInt8>,
        _ body: (_ term: UnsafeBufferPointer<UInt8>, _ position: Int32, _ utf8Start: Int, _ utf8End: Int) -> Void
    ) {
        // One stack allocation for the three scratch buffers: no heap traffic per call or word.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 255 + 512 + 1024) { scratch in
            var buffers = TermScratch(
                word: WordBuffer(storage: UnsafeMutableBufferPointer(rebasing: scratch[0..<255])),
                stemmed: WordBuffer(storage: UnsafeMutableBufferPointer(rebasing: scratch[255..<767])),
                folded: WordBuffer(storage: UnsafeMutableBufferPointer(rebasing: scratch[767...])))
            segment(text, &buffers, body)
        }
    }

    private func emit(
        _ buffers: inout TermScratch, _ start: Int, _ end: Int,
        _ body: (_ term: UnsafeBufferPointer<UInt8>, _ position: Int32, _ utf8Start: Int, _ utf8End: Int) -> Void
    ) {
        let position = buffers.position
        defer {
            buffers.word.count = 0
            buffers.position &+= 1
        }
        if !stopWords.isEmpty, stopWords.contains(String(decoding: buffers.word.bytes, as: UTF8.self)) { return }
        let stem: UnsafeBufferPointer<UInt8>
        if let stemmer {
            stemmer.stem(utf8: buffers.word.bytes, into: &buffers.stemmed)
            if foldsFinnishSStems { Self.foldFinnishSStem(&buffers.stemmed) }
            stem = buffers.stemmed.bytes
        } else {
            stem = buffers.word.bytes
        }
        if stem.contains(where: { $0 >= 0x80 }) {
            buffers.folded.count = 0
            foldDiacritics(stem, into: &buffers.folded)
            if buffers.folded.count > 0 { body(buffers.folded.bytes, position, start, end) }
        } else if !stem.isEmpty {
            body(stem, position, start, end)
        }
    }

    private func segment(
        _ text: UnsafeBufferPointer<UInt8>, _ buffers: inout TermScratch,
        _ body: (_ term: UnsafeBufferPointer<UInt8>, _ position: Int32, _ utf8Start: Int, _ utf8End: Int) -> Void
    ) {
        var index = 0
        let count = text.count
        var wordStart = -1
        var lastWasDigit = false
        while index < count {
            let byte = text[index]
            // ASCII fast path.
            if byte < 0x80 {
                if (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) {
                    if wordStart < 0 { wordStart = index }
                    buffers.word.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
                    lastWasDigit = byte <= 0x39
                    index += 1
                    continue
                }
                if wordStart >= 0 {
                    if byte == 0x27, !apostropheSplits, !lastWasDigit, isWordStart(text, index + 1) {
                        buffers.word.append(0x27)
                        index += 1
                        continue
                    }
                    if byte == 0x2E || byte == 0x2C, lastWasDigit, isDigit(text, index + 1) {
                        buffers.word.append(byte)
                        index += 1
                        continue
                    }
                    emit(&buffers, wordStart, index, body)
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
                buffers.word.appendScalar(table.lowercase(scalar))
                lastWasDigit = false
            case .joiner:
                break
            case .apostrophe:
                if wordStart >= 0 {
                    if !apostropheSplits, !lastWasDigit, isWordStart(text, index + length) {
                        buffers.word.append(0x27)
                    } else {
                        emit(&buffers, wordStart, index, body)
                        wordStart = -1
                    }
                }
            case .ideographic:
                if wordStart >= 0 {
                    emit(&buffers, wordStart, index, body)
                    wordStart = -1
                }
                buffers.word.appendScalar(scalar)
                emit(&buffers, index, index + length, body)
            case .separator, .numericSeparator:
                if wordStart >= 0 {
                    emit(&buffers, wordStart, index, body)
                    wordStart = -1
                }
            }
            index += length
        }
        if wordStart >= 0 { emit(&buffers, wordStart, count, body) }
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

    private func foldDiacritics(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout WordBuffer) {
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
                output.appendScalar(scalar)
                continue
            }
            var packed = table.folded[Int(scalar)]
            if packed == ScalarTable.dropMark { continue }
            if packed == 0 {
                output.appendScalar(scalar)
                continue
            }
            while packed != 0 {
                output.append(UInt8(packed & 0xFF))
                packed >>= 8
            }
        }
    }
}

/// The per-call scratch space of ``StandardTextAnalyzer/forEachTerm(inUTF8:_:)``.
struct TermScratch {
    var word: WordBuffer
    var stemmed: WordBuffer
    var folded: WordBuffer
    var position: Int32 = 0
}

/// A byte buffer of fixed capacity over caller-owned memory; appends beyond the capacity
/// are dropped (whole scalars only, so the content stays valid UTF-8).
struct WordBuffer {
    let storage: UnsafeMutableBufferPointer<UInt8>
    var count = 0

    init(storage: UnsafeMutableBufferPointer<UInt8>) { self.storage = storage }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: storage[0..<count]) }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        guard count < storage.count else { return }
        storage[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        let length = min(bytes.count, storage.count - count)
        guard length > 0, let source = bytes.baseAddress, let target = storage.baseAddress else { return }
        (target + count).update(from: source, count: length)
        count += length
    }

    @inline(__always)
    mutating func appendScalar(_ value: UInt32) {
        let length = value < 0x80 ? 1 : value < 0x800 ? 2 : value < 0x10000 ? 3 : 4
        guard count + length <= storage.count else { return }
        switch length {
        case 1:
            storage[count] = UInt8(value)
        case 2:
            storage[count] = UInt8(0xC0 | (value >> 6))
            storage[count + 1] = UInt8(0x80 | (value & 0x3F))
        case 3:
            storage[count] = UInt8(0xE0 | (value >> 12))
            storage[count + 1] = UInt8(0x80 | ((value >> 6) & 0x3F))
            storage[count + 2] = UInt8(0x80 | (value & 0x3F))
        default:
            storage[count] = UInt8(0xF0 | (value >> 18))
            storage[count + 1] = UInt8(0x80 | ((value >> 12) & 0x3F))
            storage[count + 2] = UInt8(0x80 | ((value >> 6) & 0x3F))
            storage[count + 3] = UInt8(0x80 | (value & 0x3F))
        }
        count += length
    }
}
