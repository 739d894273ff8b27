/// E-mail address syntax: the `addr-spec` of RFC 5322 §3.4.1 without comments
/// or folding whitespace (those belong to header parsing, in `Conversation`),
/// with the length limits of RFC 5321 §4.5.3.1, and internationalised
/// addresses (RFC 6531: non-ASCII letters in the local part and domain).
enum EmailSyntax {
    /// RFC 5322 `atext` specials allowed in a dot-atom besides letters and digits.
    private static let atomSpecials: Set<Unicode.Scalar> = Set("!#$%&'*+-/=?^_`{|}~".unicodeScalars)

    static func normalise(_ input: String) throws(ContactPointError) -> String {
        let address = input.trimmingASCIIWhitespace()
        // The last @ separates the domain: a quoted local part may contain @.
        guard let at = address.lastIndex(of: "@") else { throw .emailMissingAt(input) }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        guard !local.isEmpty else { throw .emailEmptyLocalPart(input) }
        guard local.utf8.count <= 64 else { throw .emailLocalPartTooLong(input) }
        try validateLocal(Substring(local), input: input)
        let foldedDomain = try validateDomain(Substring(domain), input: input)
        return "\(local)@\(foldedDomain)"
    }

    private static func validateLocal(_ local: Substring, input: String) throws(ContactPointError) {
        if local.first == "\"" {
            guard local.count >= 2, local.last == "\"" else {
                throw .emailInvalidLocalPart(input, reason: "has an unterminated quoted string")
            }
            var escaped = false
            for scalar in local.unicodeScalars.dropFirst().dropLast() {
                if escaped { escaped = false; continue }
                if scalar == "\\" { escaped = true; continue }
                if scalar == "\"" || scalar.value < 0x20 || scalar.value == 0x7F {
                    throw .emailInvalidLocalPart(input, reason: "has \"\(scalar.escaped(asASCII: true))\" inside quotes")
                }
            }
            if escaped { throw .emailInvalidLocalPart(input, reason: "ends with a lone backslash") }
            return
        }
        if local.first == "." || local.last == "." {
            throw .emailInvalidLocalPart(input, reason: "starts or ends with a dot")
        }
        if local.contains("..") { throw .emailInvalidLocalPart(input, reason: "has two dots in a row") }
        for scalar in local.unicodeScalars where !(scalar.isASCIIAlphanumeric || scalar == "."
            || atomSpecials.contains(scalar) || (scalar.value >= 0x80 && !scalar.properties.isWhitespace))
        {
            throw .emailInvalidLocalPart(input, reason: "has \"\(scalar.escaped(asASCII: true))\", which needs quoting")
        }
    }

    /// Validates a domain and returns it case-folded.
    private static func validateDomain(_ domain: Substring, input: String) throws(ContactPointError) -> String {
        guard !domain.isEmpty else { throw .emailInvalidDomain(input, reason: "is empty") }
        if domain.first == "[" {
            // An address literal such as [192.0.2.1] or [IPv6:2001:db8::1].
            guard domain.last == "]", domain.count > 2 else {
                throw .emailInvalidDomain(input, reason: "has an unterminated address literal")
            }
            for scalar in domain.unicodeScalars.dropFirst().dropLast()
            where !(scalar.isASCIIAlphanumeric || scalar == "." || scalar == ":") {
                throw .emailInvalidDomain(input, reason: "literal has \"\(scalar.escaped(asASCII: true))\"")
            }
            return domain.lowercased()
        }
        let folded = domain.lowercased()
        guard folded.utf8.count <= 253 else { throw .emailInvalidDomain(input, reason: "is over 253 octets") }
        let labels = folded.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty else { throw .emailInvalidDomain(input, reason: "has an empty label") }
            guard label.utf8.count <= 63 else {
                throw .emailInvalidDomain(input, reason: "has a label over 63 octets")
            }
            guard label.first != "-", label.last != "-" else {
                throw .emailInvalidDomain(input, reason: "has a label that starts or ends with a hyphen")
            }
            for scalar in label.unicodeScalars
            where !(scalar.isASCIIAlphanumeric || scalar == "-"
                || (scalar.value >= 0x80 && scalar.properties.isAlphabetic))
            {
                throw .emailInvalidDomain(input, reason: "has \"\(scalar.escaped(asASCII: true))\"")
            }
        }
        return folded
    }
}
