/// One candidate language for a text.
public struct LanguageGuess: Hashable, Sendable {
    /// ISO 639-1 code (`"sv"`).
    public var language: String
    /// Posterior-like share of this language among the candidates, in 0...1 (they sum to 1).
    public var confidence: Double

    /// Creates a guess.
    public init(language: String, confidence: Double) {
        self.language = language
        self.confidence = confidence
    }
}

/// The outcome of identifying one text's language.
public struct LanguageIdentification: Hashable, Sendable {
    /// Every supported language, most likely first. Empty when the text has no letters.
    public var ranked: [LanguageGuess]
    /// The top language, or `"unknown"` when its confidence is below the identifier's threshold
    /// or the text has no letters.
    public var language: String
    /// The top language's confidence (0 when the text has no letters).
    public var confidence: Double
}

/// Identifies the language of short texts (customer messages of 20–200 characters) offline.
///
/// A character n-gram (1–4) naive Bayes model over lower-cased letters, built by
/// `scripts/build-language-id-model.py` from Debian's translation catalogs and compiled into
/// the library (no files are read and nothing is downloaded at run time). Confidence is a
/// softmax over the per-n-gram average log-likelihood, so it does not saturate on long texts.
/// Texts without letters, or whose best language scores below ``threshold``, are `"unknown"`:
/// that is the documented best-effort result, never an error.
public struct LanguageIdentifier: Sendable {
    /// The sentinel language for texts the identifier will not commit on.
    public static let unknown = "unknown"
    /// The shared identifier with the built-in model and the default threshold.
    public static let standard = LanguageIdentifier()

    /// The languages the model knows, in model order.
    public var languages: [String] { model.languages }
    /// Minimum confidence of the top language; below it the result is ``unknown``.
    public var threshold: Double
    /// Texts with fewer letters than this are ``unknown`` whatever the scores say:
    /// "ok" or "thx" carry no language, and a confident guess would mislead.
    public var minimumLetters: Int = 5
    private let model: NgramModel

    /// Creates an identifier with the built-in model.
    /// - Parameter threshold: minimum top confidence to name a language (default 0.3).
    public init(threshold: Double = 0.3) {
        self.threshold = threshold
        self.model = NgramModel.builtIn
    }

    /// Identifies `text` and ranks every supported language.
    public func identify(_ text: String) -> LanguageIdentification {
        var text = text
        return text.withUTF8 { identify(utf8: $0) }
    }

    /// Identifies valid UTF-8 text (see ``identify(_:)``).
    public func identify(utf8 text: UnsafeBufferPointer<UInt8>) -> LanguageIdentification {
        let count = model.languages.count
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: count) { costs in
            costs.initialize(repeating: 0)
            let grams = model.accumulate(text, into: costs)
            guard grams > 0, Self.letterCount(text, atLeast: minimumLetters) else {
                return LanguageIdentification(ranked: [], language: Self.unknown, confidence: 0)
            }
            var best = UInt32.max
            for cost in costs where cost < best { best = cost }
            // Average nats per n-gram behind the best language, sharpened.
            let perGram = 1.0 / (Double(NgramModel.scale) * Double(grams))
            var weights = [Double](repeating: 0, count: count)
            var total = 0.0
            for index in 0..<count {
                let weight = exp(-Double(costs[index] - best) * perGram * NgramModel.sharpness)
                weights[index] = weight
                total += weight
            }
            var ranked = (0..<count).map { LanguageGuess(language: model.languages[$0], confidence: weights[$0] / total) }
            ranked.sort { $0.confidence > $1.confidence }
            let top = ranked[0]
            return LanguageIdentification(
                ranked: ranked, language: top.confidence >= threshold ? top.language : Self.unknown,
                confidence: top.confidence)
        }
    }
}

extension LanguageIdentifier {
    /// Whether `text` has at least `minimum` letters (Unicode letters, decoded from UTF-8).
    static func letterCount(_ text: UnsafeBufferPointer<UInt8>, atLeast minimum: Int) -> Bool {
        var letters = 0
        for scalar in String(decoding: text, as: UTF8.self).unicodeScalars where scalar.properties.isAlphabetic {
            letters += 1
            if letters >= minimum { return true }
        }
        return minimum <= 0
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The parsed model: an open-addressing table from packed n-grams to rows of per-language costs.
struct NgramModel: Sendable {
    static let scale: UInt32 = 8
    static let sharpness = 12.0
    static let builtIn = NgramModel(text: languageIDModelText)

    let languages: [String]
    private let keys: [UInt64]
    private let rows: [Int32]
    private let costs: [UInt8]
    private let mask: Int

    /// Parses the generated model text (UTF-8 bytes, one pass). A malformed line is skipped
    /// (the text is generated and compiled in, so that would be a build-script bug, caught
    /// by the language-ID tests).
    init(text: String) {
        var text = text
        var languages: [String] = []
        var entries: [UInt64] = []  // n-gram key per row
        var costs: [UInt8] = []
        text.withUTF8 { bytes in
            // One pass to size the arrays: appends then never reallocate (the parse runs once per
            // process, on the path of a one-mail ingest).
            var lines = 0
            for byte in bytes where byte == 0x0A { lines += 1 }
            entries.reserveCapacity(lines)
            var lineStart = 0
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
                let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
                lineStart = lineEnd + 1
                if line.isEmpty { continue }
                if languages.isEmpty {
                    languages = String(decoding: line, as: UTF8.self).split(separator: " ").map(String.init)
                    costs.reserveCapacity(lines * languages.count)
                    continue
                }
                guard let tab = line.firstIndex(of: 0x09), line.count - tab - 1 == languages.count * 2 else { continue }
                var key: UInt64 = 0
                var index = 0
                while index < tab {
                    let (scalar, length) = decodeScalar(UnsafeBufferPointer(rebasing: line[0..<tab]), at: index)
                    index += length
                    key = (key << 16) | UInt64(scalar == 0x5F ? 0x20 : min(scalar, 0xFFFF))
                }
                for hex in stride(from: tab + 1, to: line.count, by: 2) {
                    costs.append(Self.nibble(line[hex]) << 4 | Self.nibble(line[hex + 1]))
                }
                entries.append(key)
            }
        }
        var capacity = 1
        while capacity < entries.count * 2 { capacity <<= 1 }
        var keys = [UInt64](repeating: 0, count: capacity)
        var rows = [Int32](repeating: -1, count: capacity)
        for (row, key) in entries.enumerated() {
            var slot = Self.hash(key) & (capacity - 1)
            while rows[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            keys[slot] = key
            rows[slot] = Int32(row)
        }
        self.languages = languages
        self.keys = keys
        self.rows = rows
        self.costs = costs
        self.mask = capacity - 1
    }

    private static func nibble(_ byte: UInt8) -> UInt8 {
        byte >= 0x61 ? byte - 0x61 + 10 : byte - 0x30
    }

    @inline(__always)
    static func hash(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20)
    }

    /// Adds the costs of every known n-gram of `text` to `sums`; returns how many n-grams
    /// (known or not) the text has. Normalisation mirrors the build script: lower-case
    /// letters, every other run becomes one space, the text is padded with spaces.
    func accumulate(_ text: UnsafeBufferPointer<UInt8>, into sums: UnsafeMutableBufferPointer<UInt32>) -> Int {
        let table = ScalarTable.shared
        let languageCount = languages.count
        var window: UInt64 = 0x20
        var filled = 1
        var lastWasSpace = true
        var grams = 0
        var letters = 0
        keys.withUnsafeBufferPointer { keys in
            rows.withUnsafeBufferPointer { rows in
                costs.withUnsafeBufferPointer { costs in
                    func push(_ value: UInt64) {
                        window = (window << 16) | value
                        filled = min(filled + 1, 4)
                        for order in 1...filled {
                            if order == 1, value == 0x20 { continue }
                            let key = order == 4 ? window : window & ((1 << (16 * UInt64(order))) - 1)
                            grams += 1
                            var slot = Self.hash(key) & mask
                            while true {
                                let row = rows[slot]
                                if row < 0 { break }
                                if keys[slot] == key {
                                    let base = Int(row) * languageCount
                                    for language in 0..<languageCount {
                                        sums[language] &+= UInt32(costs[base + language])
                                    }
                                    break
                                }
                                slot = (slot + 1) & mask
                            }
                        }
                    }
                    var index = 0
                    while index < text.count {
                        let byte = text[index]
                        var value: UInt32
                        var isLetter: Bool
                        if byte < 0x80 {
                            value = UInt32(byte | (byte >= 0x41 && byte <= 0x5A ? 0x20 : 0))
                            isLetter = value >= 0x61 && value <= 0x7A
                            index += 1
                        } else {
                            let (scalar, length) = decodeScalar(text, at: index)
                            index += length
                            let cls = table.classOf(scalar)
                            isLetter = cls == .wordCharacter || cls == .ideographic
                            value = table.lowercase(scalar)
                        }
                        if isLetter {
                            letters += 1
                            push(UInt64(min(value, 0xFFFF)))
                            lastWasSpace = false
                        } else if !lastWasSpace {
                            push(0x20)
                            lastWasSpace = true
                        }
                    }
                    if !lastWasSpace { push(0x20) }
                }
            }
        }
        return letters == 0 ? 0 : grams
    }
}
