/// ISO 4217 minor units, the package's one copy of the table (CustomerModel reads order
/// totals with it; Policy's `Money` parses and prints amounts with it).
package enum ISO4217 {
    /// How many decimal digits `currency`'s minor unit has, per the "Minor unit" column of
    /// ISO 4217's list one: 0 for BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF
    /// XOF XPF; 3 for BHD IQD JOD KWD LYD OMR TND; 4 for CLF UYW; 2 for every other code,
    /// including those listed without a minor unit (XAU, XDR, XXX…) and codes not listed at all.
    package static func minorUnitDigits(of currency: String) -> Int {
        switch currency {
        case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF",
            "XPF":
            0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND": 3
        case "CLF", "UYW": 4
        default: 2
        }
    }
}
