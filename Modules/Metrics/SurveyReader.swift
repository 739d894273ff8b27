import CustomerModel
import Conversation
import Foundation

/// One survey answer as a surveys file gives it.
public struct SurveyLine: Hashable, Sendable {
    /// The 1-based line.
    public var line: Int
    /// The answer's unique id (the import is idempotent on it).
    public var id: String
    /// `nps` or `csat`.
    public var kind: String
    /// 0–10 (NPS) or 1–5 (CSAT).
    public var score: Int
    /// When answered.
    public var at: Date
    /// The ticket it is about.
    public var thread: ThreadID?
    /// Who answered.
    public var from: ContactPoint?
    /// Their words.
    public var comment: String?
}

/// Why a line of a surveys file was refused.
public struct SurveyLineError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The 1-based line.
    public var line: Int
    /// What is wrong.
    public var problem: String

    public var description: String { "line \(line): \(problem)" }
}

/// Reads surveys files: JSON Lines of `{"id", "kind": "nps"|"csat", "score", "at", "thread"?,
/// "from"?, "comment"?}` (docs/formats.md, "Surveys"). An out-of-range score, an unknown kind,
/// a bad time or ticket, or an id repeated with another answer is a line-numbered error.
public enum SurveyReader {
    /// One result per non-blank line, in order.
    public static func read(_ data: Data, defaultRegion: String? = nil) -> [Result<SurveyLine, SurveyLineError>] {
        var results: [Result<SurveyLine, SurveyLineError>] = []
        var seen: [String: SurveyLine] = [:]
        var number = 0
        for raw in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            var bytes = Array(raw)
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
            let line = number
            func fail(_ problem: String) { results.append(.failure(SurveyLineError(line: line, problem: problem))) }
            guard case .success(let json) = IntakeJSON.parse(bytes) else {
                if case .failure(let error) = IntakeJSON.parse(bytes) { fail("not JSON: \(error.reason)") }
                continue
            }
            guard case .object(let object) = json else { fail("not a JSON object"); continue }
            func string(_ key: String) -> String? { if case .string(let value)? = object[key] { value } else { nil } }
            guard let id = string("id"), !id.isEmpty else { fail(object["id"] == nil ? "missing field \"id\"" : "field \"id\" must be a non-empty string"); continue }
            guard let kind = string("kind") else { fail(object["kind"] == nil ? "missing field \"kind\"" : "field \"kind\" must be a string"); continue }
            guard kind == "nps" || kind == "csat" else { fail("unknown kind \"\(kind)\"; expected nps or csat"); continue }
            guard case .number(let scoreText)? = object["score"], let score = Int(scoreText) else {
                fail(object["score"] == nil ? "missing field \"score\"" : "field \"score\" must be a whole number"); continue
            }
            let range = kind == "nps" ? 0...10 : 1...5
            guard range.contains(score) else { fail("\(kind) score \(score) is outside \(range.lowerBound)–\(range.upperBound)"); continue }
            guard let atText = string("at") else { fail(object["at"] == nil ? "missing field \"at\"" : "field \"at\" must be a string"); continue }
            guard let at = RFC3339.date(atText) else { fail("\"\(atText)\" is not an RFC 3339 time with a zone"); continue }
            var thread: ThreadID?
            switch object["thread"] {
            case nil, .null?: break
            case .string(let text)?:
                guard let number = UInt64(text.hasPrefix("#") ? String(text.dropFirst()) : text), number > 0 else {
                    fail("thread \"\(text)\" is not a ticket number"); continue
                }
                thread = ThreadID(number)
            case .number(let text)?:
                guard let number = UInt64(text), number > 0 else { fail("thread \(text) is not a ticket number"); continue }
                thread = ThreadID(number)
            default: fail("field \"thread\" must be a ticket number"); continue
            }
            var from: ContactPoint?
            switch object["from"] {
            case nil, .null?: break
            case .object(let contact)?:
                do {
                    if case .string(let email)? = contact["email"] {
                        from = try .email(email)
                    } else if case .string(let phone)? = contact["phone"] {
                        from = try .phone(phone, defaultRegion: defaultRegion)
                    } else {
                        fail("field \"from\" needs \"email\" or \"phone\""); continue
                    }
                } catch { fail("contact point \"from\": \(error)"); continue }
            default: fail("field \"from\" must be an object"); continue
            }
            let answer = SurveyLine(line: line, id: id, kind: kind, score: score, at: at, thread: thread, from: from, comment: string("comment"))
            if let earlier = seen[id] {
                var same = earlier
                same.line = line
                guard same == answer else { fail("id \"\(id)\" was used on line \(earlier.line) for another answer"); continue }
            }
            seen[id] = answer
            results.append(.success(answer))
        }
        return results
    }
}
