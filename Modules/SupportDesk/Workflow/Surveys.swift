import Conversation
import CustomerModel
import Foundation
import Metrics
import Storage

/// What a surveys import did with one answer.
public enum SurveyOutcome: Hashable, Sendable {
    /// Stored, with its `surveyAnswered` event.
    case stored(id: String, thread: ThreadID?, party: PartyID?)
    /// The same answer was stored before; nothing changed.
    case duplicate(id: String)
}

/// A survey answer as the store keeps it (workflow record `survey`, keyed by the answer's id).
struct StoredSurvey: Hashable, Codable {
    var kind: String
    var score: Int
    var at: Date
    var thread: ThreadID?
    var comment: String?
}

extension Desk {
    /// Stores NPS and CSAT answers in one transaction, idempotent on each answer's id: each
    /// becomes a `surveyAnswered` event of its ticket (after merges) and party (the ticket's
    /// owner, else the party holding `from`).
    ///
    /// - Throws: ``StorageError/refused(_:)`` when an id is stored with another answer (nothing is written).
    public func recordSurveys(_ answers: [SurveyLine]) async throws(StorageError) -> [SurveyOutcome] {
        try await act { transaction in
            var outcomes: [SurveyOutcome] = []
            for answer in answers {
                let thread = try answer.thread.flatMap { id throws(StorageError) in try transaction.currentThread(id) }
                let stored = StoredSurvey(kind: answer.kind, score: answer.score, at: answer.at, thread: answer.thread, comment: answer.comment)
                if let earlier = try transaction.workflowRecord(kind: "survey", key: answer.id)?.decoded(as: StoredSurvey.self) {
                    guard earlier == stored else {
                        throw StorageError.refused("line \(answer.line): survey \(answer.id) is stored already with another answer")
                    }
                    outcomes.append(.duplicate(id: answer.id))
                    continue
                }
                var party = thread.map(\.owner)
                if party == nil, let from = answer.from { party = try transaction.party(holding: from) }
                transaction.putWorkflowRecord(try .encoding(stored, kind: "survey", key: answer.id, party: party, thread: thread?.id))
                _ = try transaction.records.appendEvents([
                    NewSupportEvent(at: answer.at, thread: thread?.id, party: party, kind: .surveyAnswered(survey: answer.kind, score: answer.score))
                ])
                outcomes.append(.stored(id: answer.id, thread: thread?.id, party: party))
            }
            return outcomes
        }
    }
}
