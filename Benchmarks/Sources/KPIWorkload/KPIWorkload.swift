import BenchmarkRandom
import Conversation
import CustomerModel
import Foundation
import Metrics
import Storage

/// A deterministic event log for the KPI fold: tickets opened over 90 days, each with a
/// customer's message, a reply, sometimes a second round, a pending period, a solve, and for
/// some a survey answer and a tag — about ten events a ticket.
public struct KPIWorkload: Sendable {
    /// The events, in log order, with message facts.
    public let events: [MetricsEvent]

    /// About `count` events (whole tickets).
    public init(events count: Int, seed: UInt64 = 2026) {
        var random = SplitMix64(seed: seed)
        let start = 1_790_000_000.0  // 2026-09-21
        let languages = ["sv", "fi", "de", "en", "it", "da"]
        let words = ["paket", "retur", "leverans", "faktura", "storlek", "trasig", "försen", "betalning", "order", "byte"]
        let channels: [Channel] = [.email, .chat, .phone(.callNote), .sms, .email, .email]
        let inboundFacts = (0..<60).map { index in
            MessageFacts(
                channel: channels[index % channels.count], language: languages[index % languages.count],
                terms: [words[index % words.count], words[(index / 3 + 1) % words.count]])
        }
        let agents: [AgentID] = (0..<20).map { AgentID("agent-\($0)") }
        let replyFacts = agents.map { MessageFacts(channel: .email, agent: $0) }
        var events: [MetricsEvent] = []
        events.reserveCapacity(count + 16)
        var sequence: Int64 = 0
        var thread: UInt64 = 0
        func add(_ at: Double, _ ticket: UInt64, _ party: PartyID, _ kind: SupportEventKind, _ facts: MessageFacts? = nil) {
            sequence += 1
            events.append(MetricsEvent(
                SupportEvent(sequence: sequence, at: Date(timeIntervalSince1970: at), thread: ThreadID(ticket), party: party, kind: kind),
                message: facts))
        }
        while events.count < count {
            thread += 1
            let party = PartyID("c-\(random.below(200_000))")
            var at = start + Double(thread) * (90 * 86_400 / Double(max(count / 10, 1))) + Double(random.below(3600))
            add(at, thread, party, .threadOpened(ThreadID(thread)))
            add(at, thread, party, .received(MessageID("m\(thread)a")), inboundFacts[random.below(inboundFacts.count)])
            let agent = random.below(agents.count)
            at += Double(60 + random.below(8 * 3600))
            add(at, thread, party, .replied(MessageID("r\(thread)a"), agent: agents[agent]), replyFacts[agent])
            add(at, thread, party, .statusChanged(from: .new, to: .pendingCustomer))
            if random.below(3) == 0 {
                at += Double(600 + random.below(86_400))
                add(at, thread, party, .received(MessageID("m\(thread)b")), inboundFacts[random.below(inboundFacts.count)])
                add(at, thread, party, .statusChanged(from: .pendingCustomer, to: .open))
                at += Double(60 + random.below(4 * 3600))
                add(at, thread, party, .replied(MessageID("r\(thread)b"), agent: agents[agent]), replyFacts[agent])
            } else {
                at += Double(3600 + random.below(86_400))
                add(at, thread, party, .statusChanged(from: .pendingCustomer, to: .open))
            }
            at += Double(600 + random.below(2 * 86_400))
            add(at, thread, party, .statusChanged(from: .open, to: .solved))
            if random.below(4) == 0 { add(at, thread, party, .tagsChanged(added: ["t\(random.below(8))"], removed: [], agent: agents[agent])) }
            if random.below(3) == 0 { add(at + 3600, thread, party, .surveyAnswered(survey: random.below(2) == 0 ? "nps" : "csat", score: random.below(2) == 0 ? random.below(11) : 1 + random.below(5))) }
        }
        self.events = events
    }
}
