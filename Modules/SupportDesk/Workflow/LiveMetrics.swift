import Conversation
import CoreMetrics
import Foundation
import Storage

/// The desk's live metrics, recorded through swift-metrics (`CoreMetrics`) after each act
/// commits: a host bootstraps `MetricsSystem` with the backend it runs (Prometheus, StatsD,
/// OpenTelemetry); the library never does, so without one every call is swift-metrics' no-op.
///
/// | label | kind | dimensions | what |
/// | --- | --- | --- | --- |
/// | `supportkit_messages_in_total` | counter | `channel` | customers' messages stored |
/// | `supportkit_replies_total` | counter | `channel`, `by` (`agent` or `bot`) | the desk's replies stored |
/// | `supportkit_messages_held_total` | counter | — | mail held as suspicious (``HeldMail``) |
/// | `supportkit_sla_breaches_total` | counter | `target` (the SLA metric) | SLA targets breached |
/// | `supportkit_first_response_seconds` | timer | `channel` | first inbound message → first reply by a person (the bot's answers excluded) |
///
/// The KPIs of record come from the event log (module `Metrics`); these are the same facts as
/// they happen, for dashboards and alerts.
public struct DeskLiveMetrics: Sendable {
    /// The labels' prefix (`supportkit`).
    public var prefix: String
    /// The factory to record through; nil: the one `MetricsSystem` was bootstrapped with.
    public var factory: (any MetricsFactory)?

    /// Metrics under `prefix`, through `factory` (nil: `MetricsSystem.factory`, read at each act,
    /// so a host may bootstrap after creating the desk).
    public init(prefix: String = "supportkit", factory: (any MetricsFactory)? = nil) {
        self.prefix = prefix
        self.factory = factory
    }

    func record(_ observed: DeskObservations) {
        let factory = factory ?? MetricsSystem.factory
        for channel in observed.messagesIn {
            Counter(label: "\(prefix)_messages_in_total", dimensions: [("channel", channel)], factory: factory).increment()
        }
        for (channel, bot) in observed.replies {
            Counter(label: "\(prefix)_replies_total", dimensions: [("channel", channel), ("by", bot ? "bot" : "agent")], factory: factory)
                .increment()
        }
        if observed.held > 0 { Counter(label: "\(prefix)_messages_held_total", factory: factory).increment(by: observed.held) }
        for target in observed.breaches {
            Counter(label: "\(prefix)_sla_breaches_total", dimensions: [("target", target)], factory: factory).increment()
        }
        for (channel, seconds) in observed.firstResponses {
            CoreMetrics.Timer(
                label: "\(prefix)_first_response_seconds", dimensions: [("channel", channel)], preferredDisplayUnit: .seconds,
                factory: factory
            ).recordNanoseconds(Int64((seconds * 1e9).rounded()))
        }
    }
}

/// What one act did that live metrics count, collected inside its transaction and recorded
/// only after it committed (a rolled-back act counts nothing).
struct DeskObservations: Sendable {
    var messagesIn: [String] = []
    var replies: [(channel: String, bot: Bool)] = []
    var held = 0
    var breaches: [String] = []
    var firstResponses: [(channel: String, seconds: Double)] = []

    mutating func formUnion(_ other: DeskObservations) {
        messagesIn += other.messagesIn
        replies += other.replies
        held += other.held
        breaches += other.breaches
        firstResponses += other.firstResponses
    }

    /// A stored message: a customer's in, or the desk's reply.
    mutating func message(_ message: SupportMessage) {
        switch message.direction {
        case .inbound: messagesIn.append(message.channel.intakeName)
        case .outbound: replies.append((message.channel.intakeName, message.channel == .chatbot && message.agent == nil))
        case .internalNote: break
        }
    }
}
