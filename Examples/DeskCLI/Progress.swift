import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Progress of long CLI work (ingest, import, report, reindex) on stderr.
///
/// On a terminal it is one line redrawn in place — a bar when the total is known, the count,
/// the rate and the time left — at most ten times a second; otherwise (a pipe, a CI log) a plain
/// line every `interval` seconds, so logs stay readable. Work that ends before the first interval
/// prints nothing. Standard output is never touched: the command's answer stays clean.
public final class ProgressLine {
    /// What the work is called (`ingest`, `import`).
    public let label: String
    /// What is counted (`messages`, `events`).
    public let unit: String
    /// How many there are in all, when known.
    public var total: Int?
    private let terminal: Bool
    private let interval: TimeInterval
    private let started: Date
    private var lastDrawn: Date
    private var count = 0
    private var drew = false
    private let write: (String) -> Void

    /// A progress line for `label`, counting `unit`. `terminal` defaults to whether stderr is a
    /// TTY; `write` (for tests) receives what would go to stderr.
    public init(
        _ label: String, unit: String, total: Int? = nil, terminal: Bool? = nil, interval: TimeInterval = 5,
        now: Date = Date(), write: ((String) -> Void)? = nil
    ) {
        self.label = label
        self.unit = unit
        self.total = total
        self.terminal = terminal ?? (isatty(STDERR_FILENO) != 0)
        self.interval = interval
        self.started = now
        self.lastDrawn = now
        self.write = write ?? { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// Records that `count` items are done and redraws when it is time.
    public func update(_ count: Int, now: Date = Date()) {
        self.count = count
        let every = terminal ? 0.1 : interval
        guard now.timeIntervalSince(lastDrawn) >= every else { return }
        lastDrawn = now
        draw(now: now)
    }

    /// Adds `done` items.
    public func advance(by done: Int, now: Date = Date()) { update(count + done, now: now) }

    /// Ends the line: on a terminal the line is cleared so the command's summary takes its place;
    /// in a log, a last line is written if any was.
    public func finish(now: Date = Date()) {
        if terminal {
            if drew { write("\r\u{1B}[K") }
        } else if drew {
            draw(now: now)
        }
    }

    /// The text of the line at `now`: `12,345/94,000 messages (13%) 3,210/s ETA 0:24`.
    public func text(now: Date = Date()) -> String {
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        let rate = Double(count) / elapsed
        var parts = ["\(label):"]
        if let total, total > 0 {
            let fraction = min(1, Double(count) / Double(total))
            if terminal {
                let width = 24
                let filled = Int((fraction * Double(width)).rounded(.down))
                parts.append("[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]")
            }
            parts.append("\(Self.grouped(count))/\(Self.grouped(total)) \(unit) (\(Int((fraction * 100).rounded(.down)))%)")
            parts.append("\(Self.grouped(Int(rate)))/s")
            if rate > 0, count < total { parts.append("ETA " + Self.duration(Double(total - count) / rate)) }
        } else {
            parts.append("\(Self.grouped(count)) \(unit)")
            parts.append("\(Self.grouped(Int(rate)))/s")
        }
        return parts.joined(separator: " ")
    }

    private func draw(now: Date) {
        drew = true
        write(terminal ? "\r\u{1B}[K" + text(now: now) : text(now: now) + "\n")
    }

    /// `1234567` → `1,234,567` (locale-free: logs are compared by scripts).
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// Seconds as `m:ss`, or `h:mm:ss` from an hour.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        let (hours, minutes, secs) = (whole / 3600, whole / 60 % 60, whole % 60)
        let two = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(secs))" : "\(minutes):\(two(secs))"
    }
}
