import Conversation
import CustomerModel
import Foundation
import Storage

/// What the bot decided for a customer's message to it.
public enum ResponderDecision: Hashable, Sendable {
    /// Answer with `text` (from the articles named), confident to `confidence` (0…1).
    case answer(text: String, articles: [String], confidence: Double)
    /// Hand the conversation to a person, saying why (kept in the hand-off event).
    case handOff(reason: String)
}

/// The chatbot seam: a responder answers a customer's message to the bot when it is
/// confident, otherwise hands the conversation to a person. The desk records either way —
/// the bot's answer as an outbound message in the timeline, a hand-off as an event (and the
/// ticket opens for the agents) — so the person who takes over sees everything the bot saw.
public protocol Responder: Sendable {
    /// The responder's name in the event log (`knowledge-base`).
    var name: String { get }
    /// Decides for `message`, the latest of `history` (the thread so far, oldest first).
    func respond(to message: SupportMessage, history: [SupportMessage]) async throws(StorageError) -> ResponderDecision
}

/// A responder that answers from the knowledge base: the article the store suggests for the
/// message, when it is in the message's language and scores at least ``minimumScore`` and
/// clearly above the runner-up; a customer asking for a person is handed over at once.
public struct KnowledgeBaseResponder<Store: SearchIndex>: Responder {
    /// The store whose knowledge base is searched.
    public let store: Store
    /// The lowest BM25 score the bot answers from.
    public var minimumScore: Double
    /// How far above the runner-up the best article must score (a ratio).
    public var margin: Double
    /// Words that ask for a person, in the languages the desk serves (folded to lower case).
    public var askingForPerson: Set<String>

    public var name: String { "knowledge-base" }

    /// A responder over `store`'s knowledge base.
    public init(store: Store, minimumScore: Double = 2.0, margin: Double = 1.2, askingForPerson: Set<String> = Self.personWords) {
        self.store = store
        self.minimumScore = minimumScore
        self.margin = margin
        self.askingForPerson = askingForPerson
    }

    /// "agent", "human", "person" and their Swedish, Danish, Finnish, German and Italian words.
    public static var personWords: Set<String> {
        [
            "agent", "human", "person", "people", "människa", "handläggare", "menneske", "medarbejder", "ihminen",
            "asiakaspalvelija", "mensch", "mitarbeiter", "operatore", "persona",
        ]
    }

    public func respond(to message: SupportMessage, history: [SupportMessage]) async throws(StorageError) -> ResponderDecision {
        let words = Set(message.text.lowercased().split { !$0.isLetter }.map(String.init))
        if let word = words.intersection(askingForPerson).sorted().first {
            return .handOff(reason: "the customer asked for a person (\"\(word)\")")
        }
        let hits = try await store.suggestArticles(for: message, limit: 2)
        guard let best = hits.first else { return .handOff(reason: "no article matches") }
        let language = message.language.map { String($0.prefix { $0 != "-" }) }
        if let language, String(best.locale.prefix { $0 != "-" }) != language {
            return .handOff(reason: "no article in \(language) (best is \(best.id)@\(best.locale))")
        }
        guard best.score >= minimumScore else {
            return .handOff(reason: "not confident: \(best.id) scores \(Self.rounded(best.score)) < \(Self.rounded(minimumScore))")
        }
        if hits.count > 1, best.score < hits[1].score * margin {
            return .handOff(reason: "ambiguous: \(best.id) and \(hits[1].id) score alike")
        }
        let confidence = min(1, best.score / (minimumScore * 3))
        return .answer(text: "\(best.title): \(best.snippet.text)", articles: [best.id], confidence: confidence)
    }

    private static func rounded(_ value: Double) -> String { String(format: "%.2f", value) }
}

/// What the bot did with one customer message.
public struct BotTurn: Sendable {
    /// The customer's message.
    public var message: MessageID
    /// The thread.
    public var thread: ThreadID
    /// The decision.
    public var decision: ResponderDecision
    /// The bot's answer as stored (nil on a hand-off).
    public var answer: SupportMessage?
}

extension Desk {
    /// Runs the ``responder`` on a customer's message to the bot that the desk stored, and
    /// records its answer (an outbound message of the bot, one second later) or the hand-off
    /// (an event; the ticket opens for the agents). One transaction. Nil without a responder
    /// or for a message that is not a customer's to the bot.
    ///
    /// - Throws: ``StorageError``.
    public func converse(_ intake: DeskIntake) async throws(StorageError) -> BotTurn? {
        guard let responder, intake.message.channel == .chatbot, intake.message.direction == .inbound else { return nil }
        let thread = intake.assignment.thread
        let history = try await store.messages(inThread: thread)
        let verdict = try await responder.respond(to: intake.message, history: history)
        let at = intake.message.sentAt.addingTimeInterval(1)
        let question = intake.message
        let directory = directory
        return try await observedAct { transaction, keeper in
            guard let current = try transaction.currentThread(thread) else { throw StorageError.notFound("thread \(thread)") }
            switch verdict {
            case .answer(let text, _, _):
                let answer = SupportMessage(
                    id: MessageID("bot.\(question.id.rawValue)"), channel: .chatbot, direction: .outbound, party: current.owner,
                    sentAt: at, text: text, headers: ThreadingHeaders(references: question.headers.references),
                    language: question.language)
                let placement = ThreadingDecision(
                    assignment: ThreadAssignment(thread: current.id, rule: .references, because: .inReplyTo(question.id.rawValue)),
                    changes: ThreadingIndexChanges(
                        thread: current.id, opensThread: false, owner: nil, messageID: answer.id.rawValue, latestOfParty: nil,
                        activity: at, activates: false))
                // A second run over the same file finds the answer stored: nothing more to record.
                guard try transaction.record(answer, decision: placement, account: directory.searchAccount(of: answer.party)) != nil else {
                    return BotTurn(message: question.id, thread: current.id, decision: verdict, answer: nil)
                }
                try Self.keepPlacement(answer, assignment: placement.assignment, in: transaction)
                try keeper.advance(current.id, message: answer, at: at)
                keeper.observed.message(answer)
                return BotTurn(message: question.id, thread: current.id, decision: verdict, answer: answer)
            case .handOff(let reason):
                _ = try transaction.records.appendEvents([
                    NewSupportEvent(at: at, thread: current.id, party: current.owner, kind: .handedOff(responder: responder.name, reason: reason))
                ])
                if current.status != .open, current.status.canMove(to: .open) {
                    _ = try transaction.update(current.id, status: .open, agent: nil, at: at)
                }
                try keeper.advance(current.id, message: nil, at: at)
                return BotTurn(message: question.id, thread: current.id, decision: .handOff(reason: reason), answer: nil)
            }
        }
    }
}
