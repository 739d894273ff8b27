/// A way to reach a person: an e-mail address, a phone number, or a handle on a
/// chat or social platform.
///
/// A contact point is always stored in normalised form, so equality and
/// hashing compare what identifies the person rather than how it was typed:
/// - e-mail: the domain is case-folded, the local part is kept as written
///   (RFC 5321 §2.4 leaves its case to the receiving server);
/// - phone: E.164 (`+46701234567`);
/// - handle: the platform in lower case, the handle without a leading `@` and
///   case-folded (the platforms SupportKit targets treat handles case-insensitively).
///
/// Normalising an already normalised value returns it unchanged.
public struct ContactPoint: Hashable, Sendable, Codable, CustomStringConvertible {
    /// What kind of contact point this is.
    public enum Kind: Hashable, Sendable, Codable {
        /// An e-mail address.
        case email
        /// A phone number (calls and SMS).
        case phone
        /// A handle on a chat or social platform, namespaced by platform
        /// (`"instagram"`, `"whatsapp"`, `"livechat"`).
        case handle(platform: String)
    }

    /// The kind of contact point.
    public let kind: Kind
    /// The normalised value: the address, the E.164 number, or the handle.
    public let value: String
    /// A keyed hash of kind and value, computed once: identity resolution hashes the
    /// same contact point into large tables many times, and comparing this
    /// first avoids most string comparisons. Keyed (the standard library's `Hasher`, seeded per
    /// process) because addresses and handles are strangers' choice: it was FNV-1a, whose
    /// collisions anyone can compute, and `hash(into:)` feeds only this to the tables
    /// (docs/reliability.md, "Attacker-chosen identifiers"). Never encoded: a decoded contact
    /// point computes its own.
    private let fingerprint: UInt64

    private init(kind: Kind, value: String) {
        self.kind = kind
        self.value = value
        var hasher = Hasher()
        switch kind {
        case .email: hasher.combine(1 as UInt8)
        case .phone: hasher.combine(2 as UInt8)
        case .handle(let platform):
            hasher.combine(3 as UInt8)
            hasher.combine(platform)
        }
        hasher.combine(value)
        fingerprint = UInt64(truncatingIfNeeded: hasher.finalize())
    }

    public static func == (lhs: ContactPoint, rhs: ContactPoint) -> Bool {
        lhs.fingerprint == rhs.fingerprint && lhs.value == rhs.value && lhs.kind == rhs.kind
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }

    /// An e-mail address, validated and normalised.
    ///
    /// - Throws: ``ContactPointError`` naming what is wrong with the address.
    public static func email(_ address: String) throws(ContactPointError) -> ContactPoint {
        ContactPoint(kind: .email, value: try EmailSyntax.normalise(address))
    }

    /// A phone number normalised to E.164.
    ///
    /// - Parameters:
    ///   - number: the number as typed: `+46 70-123 45 67`, `070 123 45 67`,
    ///     `0046 70 123 45 67`, `(212) 555-0100`.
    ///   - defaultRegion: the ISO 3166 region used for national numbers
    ///     (those without `+` or an international prefix), e.g. `"SE"`.
    /// - Throws: ``ContactPointError`` naming what is wrong with the number.
    public static func phone(_ number: String, defaultRegion: String? = nil) throws(ContactPointError)
        -> ContactPoint
    {
        ContactPoint(kind: .phone, value: try PhoneNumbering.normalise(number, defaultRegion: defaultRegion))
    }

    /// A handle on a chat or social platform.
    ///
    /// - Throws: ``ContactPointError/emptyHandle`` or ``ContactPointError/invalidPlatform(_:)``.
    public static func handle(_ handle: String, platform: String) throws(ContactPointError) -> ContactPoint {
        let platformName = platform.trimmingASCIIWhitespace().lowercased()
        guard !platformName.isEmpty,
            platformName.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || $0 == "-" || $0 == "_" || $0 == "." })
        else { throw .invalidPlatform(platform) }
        var name = handle.trimmingASCIIWhitespace()
        while name.hasPrefix("@") { name.removeFirst() }
        guard !name.isEmpty, !name.unicodeScalars.contains(where: { $0.properties.isWhitespace }) else {
            throw .emptyHandle
        }
        return ContactPoint(kind: .handle(platform: platformName), value: name.lowercased())
    }

    /// Recreates a contact point from its parts, normalising them again.
    ///
    /// - Throws: ``ContactPointError`` when `value` is not valid for `kind`.
    public init(kind: Kind, normalising value: String) throws(ContactPointError) {
        switch kind {
        case .email: self = try .email(value)
        case .phone: self = try .phone(value)
        case .handle(let platform): self = try .handle(value, platform: platform)
        }
    }

    public var description: String {
        switch kind {
        case .email: "mailto:\(value)"
        case .phone: "tel:\(value)"
        case .handle(let platform): "\(platform):\(value)"
        }
    }

    private enum CodingKeys: String, CodingKey { case kind, platform, value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kindName = try container.decode(String.self, forKey: .kind)
        let value = try container.decode(String.self, forKey: .value)
        let kind: Kind
        switch kindName {
        case "email": kind = .email
        case "phone": kind = .phone
        case "handle": kind = .handle(platform: try container.decode(String.self, forKey: .platform))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "unknown contact point kind \(kindName)")
        }
        do {
            try self.init(kind: kind, normalising: value)
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .value, in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch kind {
        case .email: try container.encode("email", forKey: .kind)
        case .phone: try container.encode("phone", forKey: .kind)
        case .handle(let platform):
            try container.encode("handle", forKey: .kind)
            try container.encode(platform, forKey: .platform)
        }
        try container.encode(value, forKey: .value)
    }
}

/// Why a contact point was rejected. Each case names the part at fault.
public enum ContactPointError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The e-mail address has no `@`.
    case emailMissingAt(String)
    /// The part before the `@` is empty.
    case emailEmptyLocalPart(String)
    /// The part before the `@` is longer than 64 octets (RFC 5321 §4.5.3.1.1).
    case emailLocalPartTooLong(String)
    /// The local part has a character, or a dot placement, that RFC 5322 does not allow unquoted.
    case emailInvalidLocalPart(String, reason: String)
    /// The domain is empty, too long, or has an invalid label.
    case emailInvalidDomain(String, reason: String)
    /// The phone number is empty or has no digits.
    case phoneEmpty
    /// The phone number contains a character other than digits, spaces and `+-./()`.
    case phoneInvalidCharacter(String, Character)
    /// A national number was given without a default region to interpret it.
    case phoneNeedsRegion(String)
    /// The default region is not one SupportKit knows the calling code of.
    case phoneUnknownRegion(String)
    /// The number (with country code) is shorter than 7 or longer than 15 digits (E.164).
    case phoneInvalidLength(String, digits: Int)
    /// The international number starts with a country code no region uses.
    case phoneUnknownCountryCode(String)
    /// A handle is empty or contains whitespace.
    case emptyHandle
    /// A platform name is empty or has characters other than ASCII letters, digits, `-_.`.
    case invalidPlatform(String)

    public var description: String {
        switch self {
        case .emailMissingAt(let s): "e-mail address \"\(s)\" has no @"
        case .emailEmptyLocalPart(let s): "e-mail address \"\(s)\" has nothing before the @"
        case .emailLocalPartTooLong(let s): "e-mail address \"\(s)\" has a local part over 64 octets"
        case .emailInvalidLocalPart(let s, let reason): "e-mail address \"\(s)\": local part \(reason)"
        case .emailInvalidDomain(let s, let reason): "e-mail address \"\(s)\": domain \(reason)"
        case .phoneEmpty: "phone number is empty"
        case .phoneInvalidCharacter(let s, let c): "phone number \"\(s)\" contains \"\(c)\""
        case .phoneNeedsRegion(let s): "phone number \"\(s)\" is national; give a default region or a +country code"
        case .phoneUnknownRegion(let r): "unknown phone region \"\(r)\""
        case .phoneInvalidLength(let s, let digits): "phone number \"\(s)\" has \(digits) digits; E.164 allows 7 to 15"
        case .phoneUnknownCountryCode(let s): "phone number \"\(s)\" starts with no known country code"
        case .emptyHandle: "handle is empty or contains whitespace"
        case .invalidPlatform(let p): "platform name \"\(p)\" must be ASCII letters, digits, - _ ."
        }
    }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
