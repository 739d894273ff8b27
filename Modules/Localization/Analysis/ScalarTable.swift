import Foundation

/// How the word segmenter treats one Unicode scalar.
enum ScalarClass: UInt8 {
    /// Ends a word (spaces, punctuation, symbols).
    case separator = 0
    /// Letters and digits: the body of a word.
    case wordCharacter = 1
    /// Combining marks: continue the current word.
    case mark = 2
    /// Apostrophes (U+0027, U+2019, U+02BC): inside a word when letters surround them.
    case apostrophe = 3
    /// ZWJ / ZWNJ: invisible, inside a word, dropped from terms.
    case joiner = 4
    /// Han, kana and Hangul: each character is a word of its own.
    case ideographic = 5
    /// `.` and `,`: inside a number when digits surround them (`3.5`, `1,000`).
    case numericSeparator = 6
}

/// Precomputed per-scalar facts for the scalars most text uses (U+0000..U+2FFF), so the
/// hot loop reads an array instead of asking Unicode properties or building Strings.
/// Scalars above the table are classified on the fly (rare in the supported languages).
struct ScalarTable: Sendable {
    static let limit: UInt32 = 0x3000
    static let shared = ScalarTable()

    /// Class per scalar.
    let classes: [ScalarClass]
    /// Simple lower-case mapping per scalar (the scalar itself when none or not 1:1).
    let lower: [UInt32]
    /// Diacritic-free form of a lower-case scalar as UTF-8 bytes packed little-endian
    /// (up to 4 bytes; `ß` → `ss`, `æ` → `ae`), or 0 when the scalar folds to itself.
    /// Combining marks map to the sentinel `dropMark` (they vanish when folding).
    let folded: [UInt32]
    static let dropMark: UInt32 = 0xFFFF_FFFF

    /// The 256-scalar blocks below ``limit`` that hold letters with a canonical decomposition
    /// into a base and combining marks (Latin, Greek, Cyrillic, Arabic, the Indic scripts,
    /// Tibetan, Myanmar, Balinese, Latin and Greek Extended, letterlike symbols). Only these
    /// are decomposed when the table is built: decomposing every scalar costs about 10 ms at
    /// each process start (a one-mail ingest is a whole process). A test builds the table with
    /// every scalar decomposed and requires the same table.
    static let decomposingBlocks: Set<UInt32> = [
        0x00, 0x01, 0x02, 0x03, 0x04, 0x06, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0F, 0x10, 0x1B, 0x1E, 0x1F, 0x21,
    ]

    private init() { self.init(decomposingEveryScalar: false) }

    /// Builds the table; `decomposingEveryScalar` ignores ``decomposingBlocks`` (the test's reference).
    init(decomposingEveryScalar: Bool) {
        let count = Int(Self.limit)
        var classes = [ScalarClass](repeating: .separator, count: count)
        var lower = [UInt32](repeating: 0, count: count)
        var folded = [UInt32](repeating: 0, count: count)
        // Letters that NFD does not decompose but that readers treat as a letter with a
        // stroke or a ligature; folded so that typing without them still matches.
        let special: [UInt32: String] = [
            0xDF: "ss", 0xE6: "ae", 0x153: "oe", 0xF8: "o", 0x142: "l", 0x111: "d",
            0xF0: "d", 0xFE: "th", 0x131: "i",
        ]
        for value in 0..<Self.limit {
            lower[Int(value)] = value
            guard let scalar = Unicode.Scalar(value) else { continue }
            classes[Int(value)] = Self.classify(scalar)
            // `lowercaseMapping` makes a String; asking first keeps the ~11,000 scalars that
            // lower-case to themselves from allocating one each at every process start.
            guard scalar.properties.changesWhenLowercased else { continue }
            let lowered = scalar.properties.lowercaseMapping.unicodeScalars
            if lowered.count == 1, let only = lowered.first { lower[Int(value)] = only.value }
        }
        for value in 0x80..<Self.limit {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if classes[Int(value)] == .mark || classes[Int(value)] == .joiner {
                folded[Int(value)] = Self.dropMark
                continue
            }
            guard classes[Int(value)] == .wordCharacter else { continue }
            var replacement: String?
            if let fixed = special[value] {
                replacement = fixed
            } else if decomposingEveryScalar || Self.decomposingBlocks.contains(value >> 8) {
                let decomposed = Array(String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars)
                if decomposed.count > 1,
                    decomposed.dropFirst().allSatisfy({ $0.properties.generalCategory == .nonspacingMark })
                {
                    replacement = String(decomposed[0])
                }
            }
            if let replacement {
                let bytes = Array(replacement.utf8)
                if bytes.count <= 4 {
                    var packed: UInt32 = 0
                    for (index, byte) in bytes.enumerated() { packed |= UInt32(byte) << (8 * UInt32(index)) }
                    folded[Int(value)] = packed
                }
            }
        }
        self.classes = classes
        self.lower = lower
        self.folded = folded
    }

    static func classify(_ scalar: Unicode.Scalar) -> ScalarClass {
        switch scalar.value {
        case 0x27, 0x2019, 0x02BC: return .apostrophe
        case 0x2E, 0x2C: return .numericSeparator
        case 0x200C, 0x200D: return .joiner
        default: break
        }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return .mark
        case .decimalNumber, .letterNumber, .otherNumber: return .wordCharacter
        default: break
        }
        guard properties.isAlphabetic else { return .separator }
        if properties.isIdeographic { return .ideographic }
        switch scalar.value {
        case 0x3040...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F,  // kana
            0x1100...0x11FF, 0x3130...0x318F, 0xAC00...0xD7AF:  // Hangul
            return .ideographic
        default: return .wordCharacter
        }
    }

    @inline(__always)
    func classOf(_ value: UInt32) -> ScalarClass {
        if value < Self.limit { return classes[Int(value)] }
        guard let scalar = Unicode.Scalar(value) else { return .separator }
        return Self.classify(scalar)
    }

    @inline(__always)
    func lowercase(_ value: UInt32) -> UInt32 {
        if value < Self.limit { return lower[Int(value)] }
        guard let scalar = Unicode.Scalar(value) else { return value }
        let lowered = scalar.properties.lowercaseMapping.unicodeScalars
        if lowered.count == 1, let only = lowered.first { return only.value }
        return value
    }
}

/// Decodes one scalar from valid UTF-8 at `index`; returns the scalar and its length.
@inline(__always)
func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int) {
    let lead = UInt32(bytes[index])
    if lead < 0x80 { return (lead, 1) }
    let remaining = bytes.count - index
    if lead < 0xE0, remaining >= 2 {
        return (((lead & 0x1F) << 6) | (UInt32(bytes[index + 1]) & 0x3F), 2)
    }
    if lead < 0xF0, remaining >= 3 {
        return (
            ((lead & 0x0F) << 12) | ((UInt32(bytes[index + 1]) & 0x3F) << 6) | (UInt32(bytes[index + 2]) & 0x3F), 3
        )
    }
    if remaining >= 4 {
        return (
            ((lead & 0x07) << 18) | ((UInt32(bytes[index + 1]) & 0x3F) << 12)
                | ((UInt32(bytes[index + 2]) & 0x3F) << 6) | (UInt32(bytes[index + 3]) & 0x3F), 4
        )
    }
    return (0xFFFD, 1)
}
