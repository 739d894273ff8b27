import Foundation
import Synchronization

/// Where policy evaluation gets "now" from. Pass one in; tests pass a ``ManualClock``.
public protocol PolicyClock: Sendable {
    /// The current instant.
    var now: Date { get }
}

/// The system's wall clock.
public struct SystemClock: PolicyClock {
    /// The system clock.
    public init() {}
    /// `Date()`.
    public var now: Date { Date() }
}

/// A clock that always reads the same instant.
public struct FixedClock: PolicyClock {
    /// The instant it reads.
    public var now: Date
    /// A clock stopped at `now`.
    public init(_ now: Date) { self.now = now }
}

/// A clock tests move by hand; safe to share between tasks.
public final class ManualClock: PolicyClock {
    private let current: Mutex<Date>

    /// A clock reading `start`.
    public init(_ start: Date) { current = Mutex(start) }

    /// The instant it reads.
    public var now: Date { current.withLock { $0 } }

    /// Moves the clock forward (or back, for a negative interval).
    public func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }

    /// Sets the clock.
    public func set(_ date: Date) { current.withLock { $0 = date } }
}
