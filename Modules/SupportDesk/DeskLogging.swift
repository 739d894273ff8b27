import Conversation
import Foundation
import Logging
import Storage

// What the desk says through swift-log, and at which level. The rule: nothing a customer wrote
// (text, subject, header values) goes out at `info` or above — a log is read by more people than
// the tickets are. Ids, ticket numbers, rule names and error reasons may.

extension Desk {
    /// A logger that drops everything: the default, so a library never writes where its host did
    /// not ask it to (and never bootstraps `LoggingSystem`).
    public static var silentLogger: Logger { Logger(label: "supportkit.desk", factory: { _ in SwiftLogNoOpLogHandler() }) }

    /// Logs one intake outcome: the threading decision at `debug` (rule, evidence, ticket), parse
    /// damage at `warning` (which repairs, not the values repaired), a rejected mail at `warning`
    /// and held mail at `notice`.
    func log(_ outcome: StoredIntake) {
        switch outcome {
        case .stored(let intake):
            if logger.logLevel <= .debug {
                logger.debug(
                    "threaded",
                    metadata: [
                        "message": "\(intake.message.indexedID)", "thread": "\(intake.assignment.thread)",
                        "rule": "\(intake.assignment.rule)", "evidence": "\(intake.assignment.evidence)",
                        "party": "\(intake.message.party.map(\.rawValue) ?? "-")",
                    ])
            }
            if !intake.warnings.isEmpty {
                logger.warning(
                    "mail repaired while parsing",
                    metadata: [
                        "message": "\(intake.message.indexedID)",
                        "damage": .array(intake.warnings.map { .string($0.kindName) }),
                    ])
            }
        case .duplicate(let id, let thread):
            logger.debug("already stored", metadata: ["message": "\(id)", "thread": "\(thread)"])
        case .rejected(let error):
            if case .unparsable(let path, let offset, _) = error {
                logger.warning("mail rejected: not a mail message", metadata: ["source": "\(path)", "offset": "\(offset)"])
            }
        case .held(let held):
            logger.notice("mail held: it claims a desk address but the desk did not write it", metadata: ["message": "\(held.messageID)"])
        }
    }

    /// Logs a failed act at `error` (its name and the store's reason) and rethrows it: nothing
    /// of the act was written.
    func logging<T>(_ act: String, _ body: () async throws(StorageError) -> T) async throws(StorageError) -> T {
        do { return try await body() } catch {
            logger.error("\(act) failed; nothing was written", metadata: ["error": "\(error)"])
            throw error
        }
    }
}

extension MailWarning {
    /// The kind of repair, without the values it names (a header's text is the sender's).
    var kindName: String {
        switch self {
        case .malformedHeaderLine: "malformed_header_line"
        case .missingHeaderBodySeparator: "missing_header_body_separator"
        case .derivedMessageID: "derived_message_id"
        case .malformedMessageIDList: "malformed_message_id_list"
        case .unreadableDate: "unreadable_date"
        case .damagedBase64: "damaged_base64"
        case .damagedQuotedPrintable: "damaged_quoted_printable"
        case .unknownCharset: "unknown_charset"
        case .invalidBytes: "invalid_bytes"
        case .unterminatedMultipart: "unterminated_multipart"
        case .nestingTooDeep: "nesting_too_deep"
        case .bodyTruncated: "body_truncated"
        case .nulBytesRemoved: "nul_bytes_removed"
        }
    }
}
