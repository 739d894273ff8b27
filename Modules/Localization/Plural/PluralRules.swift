/// A CLDR plural category.
public enum PluralCategory: String, Hashable, Sendable, Codable, CaseIterable {
    case zero, one, two, few, many, other
}

/// The operands of a number as UTS #35 §5.1.1 defines them, read from its
/// decimal text so visible fraction digits count ("1.50" has v = 2).
public struct PluralOperands: Hashable, Sendable {
    /// Absolute value.
    public let n: Double
    /// Integer digits of n.
    public let i: Int
    /// Number of visible fraction digits, with trailing zeros.
    public let v: Int
    /// Number of visible fraction digits, without trailing zeros.
    public let w: Int
    /// Visible fraction digits, with trailing zeros, as an integer.
    public let f: Int
    /// Visible fraction digits, without trailing zeros, as an integer.
    public let t: Int
    /// Compact decimal exponent (`1.2c6`).
    public let c: Int
    /// Same as `c` (CLDR's older name).
    public var e: Int { c }

    /// Operands of an integer.
    public init(_ value: Int) {
        n = Double(value.magnitude)
        i = Int(value.magnitude)
        v = 0
        w = 0
        f = 0
        t = 0
        c = 0
    }

    /// Operands of a decimal number written as text: `"1"`, `"-2.50"`,
    /// `"1.2c6"` (compact exponent). `nil` for text that is not such a number.
    public init?(_ text: String) {
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        var exponent = 0
        if let marker = body.firstIndex(where: { $0 == "c" || $0 == "e" }) {
            guard let value = Int(body[body.index(after: marker)...]), (0...15).contains(value) else { return nil }
            exponent = value
            body = body[..<marker]
        }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let integerText = parts.first, !integerText.isEmpty, integerText.allSatisfy(\.isASCIIDigitForPlural),
            parts.count == 1 || (parts.count == 2 && parts[1].allSatisfy(\.isASCIIDigitForPlural))
        else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        var integer = String(integerText)
        // Shift the decimal point by the exponent.
        if exponent > 0 {
            let moved = fraction.prefix(exponent)
            integer += moved + String(repeating: "0", count: exponent - moved.count)
            fraction = String(fraction.dropFirst(moved.count))
        }
        guard integer.count <= 18, fraction.count <= 18, let whole = Int(integer) else { return nil }
        let trimmed = fraction.replacingTrailingZeros()
        i = whole
        v = fraction.count
        w = trimmed.count
        f = Int(fraction) ?? 0
        t = Int(trimmed) ?? 0
        c = exponent
        n = Double(integer + (fraction.isEmpty ? "" : "." + fraction)) ?? Double(whole)
    }

    /// `n % m` for the `n` operand, keeping a fraction (12.5 % 10 = 2.5).
    func nMod(_ modulus: Int) -> Double {
        n.truncatingRemainder(dividingBy: Double(modulus))
    }

    /// Whether a value of the `n` operand is a whole number (CLDR ranges on n match only those).
    func isIntegral(_ value: Double) -> Bool { value == value.rounded(.towardZero) }
}

extension Character {
    fileprivate var isASCIIDigitForPlural: Bool { isASCII && isNumber }
}

extension String {
    fileprivate func replacingTrailingZeros() -> String {
        var copy = self
        while copy.last == "0" { copy.removeLast() }
        return copy
    }
}

/// CLDR plural rules, cardinal and ordinal, for every locale in CLDR,
/// compiled to Swift by `scripts/generate-plural-rules.py`.
///
/// A locale without rules of its own falls back along its BCP 47 tag
/// (`pt-PT` → `pt`), then to CLDR's root rules (everything is `other`): the
/// documented fallback, never an error.
public enum PluralRules {
    /// Cardinal ("1 parcel, 2 parcels") or ordinal ("1st, 2nd").
    public enum Kind: Sendable { case cardinal, ordinal }

    /// The category of `operands` in `locale`.
    public static func category(for operands: PluralOperands, locale: String, kind: Kind = .cardinal) -> PluralCategory {
        let table = kind == .cardinal ? cardinalRules : ordinalRules
        var tag = locale.replacingOccurrences(of: "-", with: "_")
        while true {
            if let rule = table[tag] ?? table[tag.lowercased()] { return rule(operands) }
            guard let cut = tag.lastIndex(of: "_") else { break }
            tag = String(tag[..<cut])
        }
        return table["root"]?(operands) ?? .other
    }

    /// The category of an integer in `locale`.
    public static func category(for value: Int, locale: String, kind: Kind = .cardinal) -> PluralCategory {
        category(for: PluralOperands(value), locale: locale, kind: kind)
    }

    /// Every locale with cardinal rules of its own.
    public static var cardinalLocales: [String] { cardinalRules.keys.sorted() }
}
