import Foundation

extension XLIFFDocument {
    /// The XLIFF 2.0 namespace.
    public static let xliff2Namespace = "urn:oasis:names:tc:xliff:document:2.0"
    /// The XLIFF 1.2 namespace (read only).
    public static let xliff12Namespace = "urn:oasis:names:tc:xliff:document:1.2"

    /// This document as XLIFF 2.0, UTF-8.
    ///
    /// One `<file id="messages">`; one `<unit>` per key and register, with the
    /// key in `name` and an `id` derived from it (`order.shipped`,
    /// `order.shipped.formal`; characters outside `[A-Za-z0-9._-]` become `_`,
    /// and a clash gets `_2`, `_3`, …). A formal or informal unit carries
    /// `<notes><note category="register">formal</note></notes>`. Each unit has
    /// one `<segment>`: `state="translated"` with a `<target>`, or
    /// `state="initial"` and no `<target>` when untranslated. Patterns are
    /// written as text with `&`, `<`, `>` escaped and carriage returns as
    /// `&#13;`; characters XML cannot hold (C0 controls other than tab and line
    /// feed, U+FFFE, U+FFFF) become `<cp hex="…"/>`, which ``read(_:)`` turns
    /// back. In the `name` attribute such characters become U+FFFD.
    public func xliff() -> Data {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<xliff xmlns=\"\(Self.xliff2Namespace)\" version=\"2.0\" srcLang=\"\(Self.attribute(sourceLanguage.description))\""
        if let targetLanguage { out += " trgLang=\"\(Self.attribute(targetLanguage.description))\"" }
        out += ">\n  <file id=\"messages\" xml:space=\"preserve\">\n"
        var usedIDs: Set<String> = []
        for unit in units {
            let id = Self.uniqueID(for: unit, used: &usedIDs)
            out += "    <unit id=\"\(id)\" name=\"\(Self.attribute(unit.key))\">\n"
            if let register = unit.register {
                out += "      <notes>\n        <note category=\"register\">\(register.rawValue)</note>\n      </notes>\n"
            }
            if let target = unit.target {
                out += "      <segment state=\"translated\">\n"
                out += "        <source>\(Self.text(unit.source))</source>\n"
                out += "        <target>\(Self.text(target))</target>\n"
            } else {
                out += "      <segment state=\"initial\">\n"
                out += "        <source>\(Self.text(unit.source))</source>\n"
            }
            out += "      </segment>\n    </unit>\n"
        }
        out += "  </file>\n</xliff>\n"
        return Data(out.utf8)
    }

    /// The unit's id: its key reduced to NMTOKEN-safe ASCII, the register appended, made unique.
    private static func uniqueID(for unit: Unit, used: inout Set<String>) -> String {
        var base = String(
            String.UnicodeScalarView(
                unit.key.unicodeScalars.map { scalar -> Unicode.Scalar in
                    switch scalar {
                    case "A"..."Z", "a"..."z", "0"..."9", ".", "-", "_": scalar
                    default: "_"
                    }
                }))
        if base.isEmpty { base = "unit" }
        if let register = unit.register { base += "." + register.rawValue }
        var id = base
        var counter = 2
        while used.contains(id) {
            id = "\(base)_\(counter)"
            counter += 1
        }
        used.insert(id)
        return id
    }

    /// Whether XML 1.0 can carry the scalar literally.
    private static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// Element content: escaped, with `<cp/>` for characters XML cannot hold.
    static func text(_ string: String) -> String {
        var out = ""
        out.reserveCapacity(string.utf8.count)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\r": out += "&#13;"
            default:
                if isXMLCharacter(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "<cp hex=\"\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex)\"/>"
                }
            }
        }
        return out
    }

    /// An attribute value between double quotes; whitespace kept through attribute-value normalisation.
    static func attribute(_ string: String) -> String {
        var out = ""
        out.reserveCapacity(string.utf8.count)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(isXMLCharacter(scalar) ? scalar : "\u{FFFD}")
            }
        }
        return out
    }
}
