import Foundation

/// A wall-clock time of day, `"HH:mm"` in policy files; `"24:00"` means the end of the day.
///
/// Decoding never fails on a bad value: the text is kept and `minutes` is `nil`, so that
/// validation can report every bad field with its path instead of stopping at the first.
public struct LocalTime: Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The text as written.
    public let text: String
    /// Minutes since local midnight (0...1440), or `nil` when `text` is not a valid time.
    public let minutes: Int?

    /// Parses `"HH:mm"` (00:00 through 24:00).
    public init(_ text: String) {
        self.text = text
        self.minutes = LocalTime.parse(text)
    }

    /// A time from hours and minutes.
    public init(hour: Int, minute: Int = 0) {
        self.init(String(format: "%02d:%02d", hour, minute))
    }

    /// Parses a literal `"HH:mm"`.
    public init(stringLiteral value: String) { self.init(value) }

    /// Decodes from a string.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes as the original string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    /// The time as written.
    public var description: String { text }

    private static func parse(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":") else { return nil }
        func digit(_ b: UInt8) -> Int? { (48...57).contains(b) ? Int(b - 48) : nil }
        guard let h1 = digit(bytes[0]), let h2 = digit(bytes[1]), let m1 = digit(bytes[3]), let m2 = digit(bytes[4])
        else { return nil }
        let hour = h1 * 10 + h2, minute = m1 * 10 + m2
        guard minute < 60, hour < 24 || (hour == 24 && minute == 0) else { return nil }
        return hour * 60 + minute
    }
}

/// A calendar date without a time zone, `"YYYY-MM-DD"` in policy files.
///
/// Like ``LocalTime``, decoding keeps bad text for validation to report.
public struct LocalDate: Hashable, Sendable, Codable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The text as written.
    public let text: String
    /// Year, month and day, or `nil` when `text` is not a valid Gregorian date.
    public let components: (year: Int, month: Int, day: Int)?

    /// Parses `"YYYY-MM-DD"`.
    public init(_ text: String) {
        self.text = text
        self.components = LocalDate.parse(text)
    }

    /// A date from its parts (not checked beyond formatting; validation checks it).
    public init(year: Int, month: Int, day: Int) {
        self.init(String(format: "%04d-%02d-%02d", year, month, day))
    }

    /// Parses a literal `"YYYY-MM-DD"`.
    public init(stringLiteral value: String) { self.init(value) }

    /// Decodes from a string.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes as the original string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    /// The date as written.
    public var description: String { text }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar, or `nil` for an invalid date.
    public var dayNumber: Int? {
        components.map { CivilDate.dayNumber(year: $0.year, month: $0.month, day: $0.day) }
    }

    /// Two dates are equal when their text is equal.
    public static func == (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.text == rhs.text }
    /// Hashes the text.
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }
    /// Orders by day; invalid dates sort first.
    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.dayNumber ?? Int.min, lhs.text) < (rhs.dayNumber ?? Int.min, rhs.text)
    }

    private static func parse(_ text: String) -> (year: Int, month: Int, day: Int)? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        var value = [0, 0, 0]
        for (slot, range) in [(0, 0..<4), (1, 5..<7), (2, 8..<10)] {
            for i in range {
                guard (48...57).contains(bytes[i]) else { return nil }
                value[slot] = value[slot] * 10 + Int(bytes[i] - 48)
            }
        }
        let (y, m, d) = (value[0], value[1], value[2])
        guard (1...12).contains(m), d >= 1, d <= CivilDate.daysInMonth(year: y, month: m) else { return nil }
        return (y, m, d)
    }
}

/// Proleptic Gregorian day arithmetic (Howard Hinnant's `days_from_civil` algorithm,
/// http://howardhinnant.github.io/date_algorithms.html), so that walking local days never
/// goes through a time zone and cannot skip or repeat a day at a DST change.
enum CivilDate {
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday).
    static func weekdayIndex(dayNumber: Int) -> Int {
        ((dayNumber % 7) + 7 + 3) % 7
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// A day of the week, spelled in full and lower case in policy files.
public enum Weekday: String, Hashable, Sendable, Codable, CaseIterable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// 0 for Monday through 6 for Sunday.
    public var index: Int { Weekday.allCases.firstIndex(of: self) ?? 0 }
}

/// One opening window in a day, from `from` to `to` in local wall-clock time.
public struct OpeningWindow: Hashable, Sendable, Codable {
    /// Opening time.
    public var from: LocalTime
    /// Closing time (`"24:00"` for midnight at the end of the day).
    public var to: LocalTime

    /// A window; validation checks `from < to`.
    public init(from: LocalTime, to: LocalTime) {
        self.from = from
        self.to = to
    }
}

/// A date whose hours differ from the weekly pattern: a holiday (no windows) or special hours.
public struct SpecialDay: Hashable, Sendable, Codable {
    /// The local date it applies to.
    public var date: LocalDate
    /// A human name ("Midsommarafton").
    public var name: String?
    /// Opening windows for that date; empty means closed all day.
    public var windows: [OpeningWindow]

    /// A special day; no windows means a holiday.
    public init(date: LocalDate, name: String? = nil, windows: [OpeningWindow] = []) {
        self.date = date
        self.name = name
        self.windows = windows
    }
}

extension SpecialDay {
    private enum CodingKeys: String, CodingKey { case date, name, windows }

    /// Decodes; no `windows` means closed all day.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(date: try c.decode(LocalDate.self, forKey: .date),
                  name: try c.decodeIfPresent(String.self, forKey: .name),
                  windows: try c.decodeIfPresent([OpeningWindow].self, forKey: .windows) ?? [])
    }
}
