import Foundation

/// Text decoding for the charsets mail declares.
///
/// Exact, table-driven decoders for UTF-8, US-ASCII, ISO-8859-1, ISO-8859-15
/// and Windows-1252 (the charsets of nearly all European support mail). Other
/// charsets are decoded best effort through Foundation where it supports them
/// (ISO-8859-2, Windows-1250/1251/1253/1254, Shift_JIS, EUC-JP, ISO-2022-JP,
/// UTF-16); anything else is decoded as UTF-8 with replacement characters and
/// an ``MailWarning/unknownCharset(_:)`` warning.
enum Charsets {
    /// Windows-1252's 0x80–0x9F, which ISO-8859-1 leaves to C1 controls. 0 marks the five unassigned bytes.
    static let windows1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E,
        0x0178,
    ]

    enum Kind {
        case utf8, latin1, latin9, windows1252
        case foundation(String.Encoding)
        case unknown
    }

    static func kind(of name: String) -> Kind {
        var key = name.asciiTrimmed.asciiLowercased
        if key.utf8.contains(UInt8(ascii: "_")) { key = String(key.map { $0 == "_" ? "-" : $0 }) }
        return switch key {
        case "", "utf-8", "utf8", "us-ascii", "ascii", "ansi-x3.4-1968", "646", "unicode-1-1-utf-8": .utf8
        case "iso-8859-1", "iso8859-1", "latin1", "l1", "iso-ir-100", "cp819", "ibm819": .latin1
        case "iso-8859-15", "iso8859-15", "latin-9", "latin9", "l9": .latin9
        case "windows-1252", "cp1252", "x-cp1252": .windows1252
        case "iso-8859-2", "iso8859-2", "latin2", "l2": .foundation(.isoLatin2)
        case "windows-1250", "cp1250": .foundation(.windowsCP1250)
        case "windows-1251", "cp1251": .foundation(.windowsCP1251)
        case "windows-1253", "cp1253": .foundation(.windowsCP1253)
        case "windows-1254", "cp1254": .foundation(.windowsCP1254)
        case "shift-jis", "sjis", "x-sjis", "cp932", "windows-31j": .foundation(.shiftJIS)
        case "euc-jp": .foundation(.japaneseEUC)
        case "iso-2022-jp": .foundation(.iso2022JP)
        case "utf-16": .foundation(.utf16)
        case "utf-16be": .foundation(.utf16BigEndian)
        case "utf-16le": .foundation(.utf16LittleEndian)
        default: .unknown
        }
    }

    /// Decodes `bytes` in `charset`, appending warnings for unknown charsets and invalid bytes.
    static func decode(_ bytes: ArraySlice<UInt8>, charset: String, warnings: inout [MailWarning]) -> String {
        switch kind(of: charset) {
        case .utf8:
            return decodeUTF8(bytes, charset: charset.isEmpty ? "utf-8" : charset, warnings: &warnings)
        case .latin1:
            return decodeSingleByte(bytes) { UInt32($0) }
        case .latin9:
            return decodeSingleByte(bytes) { byte in
                switch byte {
                case 0xA4: 0x20AC
                case 0xA6: 0x0160
                case 0xA8: 0x0161
                case 0xB4: 0x017D
                case 0xB8: 0x017E
                case 0xBC: 0x0152
                case 0xBD: 0x0153
                case 0xBE: 0x0178
                default: UInt32(byte)
                }
            }
        case .windows1252:
            return decodeSingleByte(bytes) { byte in
                guard byte >= 0x80, byte <= 0x9F else { return UInt32(byte) }
                let mapped = windows1252High[Int(byte - 0x80)]
                return mapped == 0 ? 0xFFFD : mapped
            }
        case .foundation(let encoding):
            if let text = String(data: Data(bytes), encoding: encoding) { return text }
            warnings.append(.invalidBytes(charset: charset))
            return String(decoding: bytes, as: UTF8.self)
        case .unknown:
            warnings.append(.unknownCharset(charset))
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    static func decodeUTF8(_ bytes: ArraySlice<UInt8>, charset: String, warnings: inout [MailWarning]) -> String {
        if let valid = bytes.withUnsafeBufferPointer({ String(validating: $0, as: UTF8.self) }) { return valid }
        // Replacement rather than a guess at another charset: a message that is mostly UTF-8
        // with one broken sequence keeps all its valid text.
        warnings.append(.invalidBytes(charset: charset))
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func decodeSingleByte(_ bytes: ArraySlice<UInt8>, _ map: (UInt8) -> UInt32) -> String {
        var allASCII = true
        for byte in bytes where byte >= 0x80 {
            allASCII = false
            break
        }
        if allASCII { return String(decoding: bytes, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(map(byte)) ?? "\u{FFFD}") }
        return String(scalars)
    }
}
