/// Phone number normalisation to E.164 (ITU-T E.164: `+`, country code,
/// national significant number, at most 15 digits).
///
/// This is deliberately not a full numbering-plan validator (that is
/// libphonenumber's job, with per-region length and range tables): it knows
/// each region's country calling code, national trunk prefix and international
/// call prefix, which is what is needed to bring the numbers customers type
/// into one comparable form. A number of the right length in a valid country
/// code is accepted even if that operator range is unassigned.
enum PhoneNumbering {
    struct Region {
        let callingCode: String
        /// Dialled before a national number inside the region ("0" in Sweden), dropped in E.164.
        let trunkPrefix: String?
        /// Dialled before a country code to call abroad ("00" in most of the world, "011" in NANP).
        let internationalPrefix: String
    }

    /// Regions by ISO 3166-1 alpha-2 code. Calling codes and prefixes from
    /// ITU-T E.164 assignments and the ITU operational bulletin's national
    /// numbering plans. Italy and San Marino keep their leading 0 in E.164.
    static let regions: [String: Region] = [
        "SE": Region(callingCode: "46", trunkPrefix: "0", internationalPrefix: "00"),
        "DK": Region(callingCode: "45", trunkPrefix: nil, internationalPrefix: "00"),
        "NO": Region(callingCode: "47", trunkPrefix: nil, internationalPrefix: "00"),
        "FI": Region(callingCode: "358", trunkPrefix: "0", internationalPrefix: "00"),
        "IS": Region(callingCode: "354", trunkPrefix: nil, internationalPrefix: "00"),
        "DE": Region(callingCode: "49", trunkPrefix: "0", internationalPrefix: "00"),
        "AT": Region(callingCode: "43", trunkPrefix: "0", internationalPrefix: "00"),
        "CH": Region(callingCode: "41", trunkPrefix: "0", internationalPrefix: "00"),
        "IT": Region(callingCode: "39", trunkPrefix: nil, internationalPrefix: "00"),
        "SM": Region(callingCode: "378", trunkPrefix: nil, internationalPrefix: "00"),
        "FR": Region(callingCode: "33", trunkPrefix: "0", internationalPrefix: "00"),
        "BE": Region(callingCode: "32", trunkPrefix: "0", internationalPrefix: "00"),
        "NL": Region(callingCode: "31", trunkPrefix: "0", internationalPrefix: "00"),
        "LU": Region(callingCode: "352", trunkPrefix: nil, internationalPrefix: "00"),
        "ES": Region(callingCode: "34", trunkPrefix: nil, internationalPrefix: "00"),
        "PT": Region(callingCode: "351", trunkPrefix: nil, internationalPrefix: "00"),
        "IE": Region(callingCode: "353", trunkPrefix: "0", internationalPrefix: "00"),
        "GB": Region(callingCode: "44", trunkPrefix: "0", internationalPrefix: "00"),
        "PL": Region(callingCode: "48", trunkPrefix: nil, internationalPrefix: "00"),
        "CZ": Region(callingCode: "420", trunkPrefix: nil, internationalPrefix: "00"),
        "SK": Region(callingCode: "421", trunkPrefix: "0", internationalPrefix: "00"),
        "HU": Region(callingCode: "36", trunkPrefix: "06", internationalPrefix: "00"),
        "EE": Region(callingCode: "372", trunkPrefix: nil, internationalPrefix: "00"),
        "LV": Region(callingCode: "371", trunkPrefix: nil, internationalPrefix: "00"),
        "LT": Region(callingCode: "370", trunkPrefix: "8", internationalPrefix: "00"),
        "GR": Region(callingCode: "30", trunkPrefix: nil, internationalPrefix: "00"),
        "RO": Region(callingCode: "40", trunkPrefix: "0", internationalPrefix: "00"),
        "BG": Region(callingCode: "359", trunkPrefix: "0", internationalPrefix: "00"),
        "HR": Region(callingCode: "385", trunkPrefix: "0", internationalPrefix: "00"),
        "SI": Region(callingCode: "386", trunkPrefix: "0", internationalPrefix: "00"),
        "US": Region(callingCode: "1", trunkPrefix: "1", internationalPrefix: "011"),
        "CA": Region(callingCode: "1", trunkPrefix: "1", internationalPrefix: "011"),
        "MX": Region(callingCode: "52", trunkPrefix: nil, internationalPrefix: "00"),
        "BR": Region(callingCode: "55", trunkPrefix: "0", internationalPrefix: "00"),
        "JP": Region(callingCode: "81", trunkPrefix: "0", internationalPrefix: "010"),
        "KR": Region(callingCode: "82", trunkPrefix: "0", internationalPrefix: "00"),
        "CN": Region(callingCode: "86", trunkPrefix: "0", internationalPrefix: "00"),
        "IN": Region(callingCode: "91", trunkPrefix: "0", internationalPrefix: "00"),
        "AU": Region(callingCode: "61", trunkPrefix: "0", internationalPrefix: "0011"),
        "NZ": Region(callingCode: "64", trunkPrefix: "0", internationalPrefix: "00"),
        "SG": Region(callingCode: "65", trunkPrefix: nil, internationalPrefix: "000"),
        "ZA": Region(callingCode: "27", trunkPrefix: "0", internationalPrefix: "00"),
        "TR": Region(callingCode: "90", trunkPrefix: "0", internationalPrefix: "00"),
        "IL": Region(callingCode: "972", trunkPrefix: "0", internationalPrefix: "00"),
        "AE": Region(callingCode: "971", trunkPrefix: "0", internationalPrefix: "00"),
        "UA": Region(callingCode: "380", trunkPrefix: "0", internationalPrefix: "00"),
    ]

    /// Every assigned country calling code (ITU-T E.164 list), used to check
    /// numbers written with `+`. Codes are prefix-free, so at most one matches.
    static let countryCodes: Set<String> = {
        let listed = """
            1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66
            81 82 84 86 90 91 92 93 94 95 98 211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232
            233 234 235 236 237 238 239 240 241 242 243 244 245 246 247 248 249 250 251 252 253 254 255 256 257 258
            260 261 262 263 264 265 266 267 268 269 290 291 297 298 299 350 351 352 353 354 355 356 357 358 359 370
            371 372 373 374 375 376 377 378 379 380 381 382 383 385 386 387 389 420 421 423 500 501 502 503 504 505
            506 507 508 509 590 591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 680 681 682
            683 685 686 687 688 689 690 691 692 850 852 853 855 856 880 886 960 961 962 963 964 965 966 967 968 970
            971 972 973 974 975 976 977 992 993 994 995 996 998
            """
        return Set(listed.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
    }()

    static func normalise(_ input: String, defaultRegion: String?) throws(ContactPointError) -> String {
        var digits = ""
        var sawPlus = false
        for character in input {
            if let ascii = character.asciiValue, (0x30...0x39).contains(ascii) {
                digits.append(character)
            } else if character == "+", digits.isEmpty, !sawPlus {
                sawPlus = true
            } else if character == " " || character == "-" || character == "." || character == "("
                || character == ")" || character == "/" || character == "\u{00A0}" || character == "\t"
            {
                continue
            } else {
                throw .phoneInvalidCharacter(input, character)
            }
        }
        guard !digits.isEmpty else { throw .phoneEmpty }

        let international: String
        if sawPlus {
            international = digits
        } else if let regionCode = defaultRegion {
            guard let region = regions[regionCode.uppercased()] else { throw .phoneUnknownRegion(regionCode) }
            if digits.hasPrefix(region.internationalPrefix) {
                international = String(digits.dropFirst(region.internationalPrefix.count))
            } else if let trunk = region.trunkPrefix, digits.hasPrefix(trunk),
                // A NANP number typed with its country code but no trunk: 1 212 555 0100.
                !(region.callingCode == "1" && digits.count == 10)
            {
                international = region.callingCode + digits.dropFirst(trunk.count)
            } else {
                international = region.callingCode + digits
            }
        } else if digits.hasPrefix("00") {
            international = String(digits.dropFirst(2))
        } else {
            throw .phoneNeedsRegion(input)
        }

        guard (7...15).contains(international.count) else {
            throw .phoneInvalidLength(input, digits: international.count)
        }
        let hasKnownCode = (1...3).contains { length in countryCodes.contains(String(international.prefix(length))) }
        guard hasKnownCode else { throw .phoneUnknownCountryCode(input) }
        return "+" + international
    }
}
