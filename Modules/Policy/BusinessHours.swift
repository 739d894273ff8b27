import Foundation

/// A half-open stretch of absolute time `[start, end)` during which business time runs.
public struct OpenInterval: Hashable, Sendable {
    /// First open instant.
    public var start: Date
    /// First closed instant after `start`.
    public var end: Date

    /// An interval; callers keep `start <= end`.
    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    /// Its length in seconds.
    public var duration: TimeInterval { end.timeIntervalSince(start) }
}

/// Anything that knows when business time runs: one calendar, a follow-the-sun union, a
/// precomputed ``BusinessTimeline``. Implementers provide ``openIntervals(from:to:)``; the
/// arithmetic has default implementations that walk four weeks at a time (O(weeks), not O(minutes)).
///
/// Durations and instants are seconds as `Double`. Every boundary a calendar produces is a whole
/// second, so for whole-second inputs the arithmetic is exact: `businessTime(from: t, to:
/// date(byAddingBusinessTime: d, to: t)) == d`.
public protocol BusinessHours: Sendable {
    /// The open intervals that intersect `[start, end)`, clipped to it, sorted and disjoint.
    func openIntervals(from start: Date, to end: Date) -> [OpenInterval]

    /// The instant at which `duration` seconds of business time have elapsed after `start`:
    /// the earliest instant `r` with `businessTime(from: start, to: r) == duration`.
    ///
    /// `duration == 0` returns `start` unchanged. Returns `nil` for a negative duration or when
    /// the hours have no open time left within ``businessTimeSearchLimit`` after `start`.
    func date(byAddingBusinessTime duration: TimeInterval, to start: Date) -> Date?

    /// Business seconds in `[from, to)`; negative when `to` is before `from`.
    func businessTime(from: Date, to: Date) -> TimeInterval
}

/// How far ``BusinessHours/date(byAddingBusinessTime:to:)`` searches for open time (ten years)
/// before it gives up, so that an always-closed calendar returns `nil` instead of looping.
public let businessTimeSearchLimit: TimeInterval = 10 * 366 * 86_400

private let walkChunk: TimeInterval = 28 * 86_400

extension BusinessHours {
    /// Walks four-week chunks of open intervals.
    public func date(byAddingBusinessTime duration: TimeInterval, to start: Date) -> Date? {
        walkAdding(duration, to: start)
    }

    /// Sums open intervals four weeks at a time.
    public func businessTime(from: Date, to: Date) -> TimeInterval {
        walkMeasuring(from: from, to: to)
    }

    /// Whether business time runs at `instant`.
    public func isOpen(at instant: Date) -> Bool {
        guard let first = openIntervals(from: instant, to: instant.addingTimeInterval(1)).first else { return false }
        return first.start <= instant
    }

    func walkAdding(_ duration: TimeInterval, to start: Date) -> Date? {
        guard duration >= 0 else { return nil }
        if duration == 0 { return start }
        var remaining = duration
        var cursor = start
        let limit = start.addingTimeInterval(businessTimeSearchLimit)
        while cursor < limit {
            let chunkEnd = cursor.addingTimeInterval(walkChunk)
            for interval in openIntervals(from: cursor, to: chunkEnd) {
                let length = interval.duration
                if length >= remaining { return interval.start.addingTimeInterval(remaining) }
                remaining -= length
            }
            cursor = chunkEnd
        }
        return nil
    }

    func walkMeasuring(from: Date, to: Date) -> TimeInterval {
        if to < from { return -walkMeasuring(from: to, to: from) }
        var total: TimeInterval = 0
        var cursor = from
        while cursor < to {
            let chunkEnd = min(to, cursor.addingTimeInterval(walkChunk))
            for interval in openIntervals(from: cursor, to: chunkEnd) { total += interval.duration }
            cursor = chunkEnd
        }
        return total
    }
}

/// Sorts and merges overlapping or touching intervals, dropping empty ones.
func mergeIntervals(_ intervals: [OpenInterval]) -> [OpenInterval] {
    let sorted = intervals.filter { $0.start < $0.end }.sorted { $0.start < $1.start }
    var merged: [OpenInterval] = []
    merged.reserveCapacity(sorted.count)
    for interval in sorted {
        if let last = merged.last, interval.start <= last.end {
            merged[merged.count - 1].end = max(last.end, interval.end)
        } else {
            merged.append(interval)
        }
    }
    return merged
}

/// A follow-the-sun team: open whenever any member calendar is open.
public struct UnionHours: BusinessHours {
    /// The member calendars.
    public let members: [any BusinessHours]

    /// The union of `members`.
    public init(_ members: [any BusinessHours]) { self.members = members }

    /// The merged open intervals of every member.
    public func openIntervals(from start: Date, to end: Date) -> [OpenInterval] {
        mergeIntervals(members.flatMap { $0.openIntervals(from: start, to: end) })
    }
}

/// Open around the clock: SLA targets in calendar hours use this.
public struct AlwaysOpen: BusinessHours {
    /// Always open.
    public init() {}

    /// The whole range.
    public func openIntervals(from start: Date, to end: Date) -> [OpenInterval] {
        start < end ? [OpenInterval(start: start, end: end)] : []
    }

    /// `start + duration`.
    public func date(byAddingBusinessTime duration: TimeInterval, to start: Date) -> Date? {
        duration >= 0 ? start.addingTimeInterval(duration) : nil
    }

    /// `to - from`.
    public func businessTime(from: Date, to: Date) -> TimeInterval { to.timeIntervalSince(from) }
}

/// Open intervals precomputed as absolute instants over a span, with running totals, so that
/// adding and measuring business time are two binary searches (the SLA hot path).
/// Outside its span it defers to the hours it was built from, so answers never change.
public struct BusinessTimeline: BusinessHours {
    /// The hours this timeline was computed from (used outside the span).
    public let source: any BusinessHours
    /// The precomputed span.
    public let span: OpenInterval
    private let starts: [Double]
    private let ends: [Double]
    /// Open seconds before interval i, since `span.start`.
    private let before: [Double]

    /// Precomputes `source` over `span` (e.g. five years around now: a few thousand intervals).
    public init(_ source: any BusinessHours, span: OpenInterval) {
        self.source = source
        self.span = span
        let intervals = source.openIntervals(from: span.start, to: span.end)
        var starts: [Double] = [], ends: [Double] = [], before: [Double] = []
        starts.reserveCapacity(intervals.count)
        ends.reserveCapacity(intervals.count)
        before.reserveCapacity(intervals.count + 1)
        var total: Double = 0
        for interval in intervals {
            starts.append(interval.start.timeIntervalSince1970)
            ends.append(interval.end.timeIntervalSince1970)
            before.append(total)
            total += interval.duration
        }
        before.append(total)
        self.starts = starts
        self.ends = ends
        self.before = before
    }

    /// The stored intervals inside the span, the source's outside it.
    public func openIntervals(from start: Date, to end: Date) -> [OpenInterval] {
        guard start >= span.start, end <= span.end else { return source.openIntervals(from: start, to: end) }
        let a = start.timeIntervalSince1970, b = end.timeIntervalSince1970
        var result: [OpenInterval] = []
        var i = firstIndex(endAfter: a)
        while i < starts.count, starts[i] < b {
            result.append(OpenInterval(
                start: Date(timeIntervalSince1970: max(a, starts[i])),
                end: Date(timeIntervalSince1970: min(b, ends[i]))))
            i += 1
        }
        return result
    }

    /// Two binary searches inside the span; the source's walk outside it.
    public func date(byAddingBusinessTime duration: TimeInterval, to start: Date) -> Date? {
        guard duration >= 0 else { return nil }
        if duration == 0 { return start }
        let t = start.timeIntervalSince1970
        guard start >= span.start, start < span.end else { return walkAdding(duration, to: start) }
        let target = openSecondsBefore(t) + duration
        // First interval whose running total at its end reaches the target.
        var lo = 0, hi = starts.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if before[mid + 1] >= target { hi = mid } else { lo = mid + 1 }
        }
        guard lo < starts.count else { return walkAdding(duration, to: start) }
        return Date(timeIntervalSince1970: starts[lo] + (target - before[lo]))
    }

    /// Difference of running totals inside the span; the source's walk outside it.
    public func businessTime(from: Date, to: Date) -> TimeInterval {
        guard from >= span.start, to >= span.start, from <= span.end, to <= span.end else {
            return walkMeasuring(from: from, to: to)
        }
        return openSecondsBefore(to.timeIntervalSince1970) - openSecondsBefore(from.timeIntervalSince1970)
    }

    private func firstIndex(endAfter t: Double) -> Int {
        var lo = 0, hi = ends.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if ends[mid] > t { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    private func openSecondsBefore(_ t: Double) -> Double {
        let i = firstIndex(endAfter: t)
        guard i < starts.count else { return before[starts.count] }
        return before[i] + max(0, t - starts[i])
    }
}
