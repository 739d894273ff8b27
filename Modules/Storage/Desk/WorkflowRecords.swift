import Conversation
import CustomerModel
import Foundation

/// Desk state beyond threads, messages and parties, as one typed row: a thread's SLA clocks,
/// a refund request and its decision, why a message is in its thread, the desk's policy,
/// agents and catalog. The store keeps the bytes; the module that owns the kind (SupportDesk)
/// owns their shape. Written in the transaction of the event that changed them, like every row.
///
/// Erasure removes a party's workflow records with the party (they are operational state;
/// the event log keeps that the acts happened).
public struct WorkflowRecord: Hashable, Sendable {
    /// What the record is (`sla`, `refund`, `placement`, `config`): one namespace per kind.
    public var kind: String
    /// Its key within the kind (a ticket number, a request id, a message id).
    public var key: String
    /// The party it concerns (the thread's owner), so erasure finds it; nil for desk configuration.
    public var party: PartyID?
    /// The thread it concerns, if any (listing a thread's records).
    public var thread: ThreadID?
    /// The payload, in the owning module's encoding (JSON).
    public var body: Data

    /// A record.
    public init(kind: String, key: String, party: PartyID? = nil, thread: ThreadID? = nil, body: Data) {
        self.kind = kind
        self.key = key
        self.party = party
        self.thread = thread
        self.body = body
    }

    /// A record holding `value` as JSON (sorted keys; dates as Foundation's exact default, not
    /// ISO 8601, which would drop the fraction of a second that orders two events).
    ///
    /// - Throws: ``StorageError/backend(_:)`` when the value does not encode.
    public static func encoding<T: Encodable>(
        _ value: T, kind: String, key: String, party: PartyID? = nil, thread: ThreadID? = nil
    ) throws(StorageError) -> WorkflowRecord {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { return WorkflowRecord(kind: kind, key: key, party: party, thread: thread, body: try encoder.encode(value)) } catch {
            throw .backend("cannot encode the \(kind) record \(key): \(error)")
        }
    }

    /// The body decoded as `type`.
    ///
    /// - Throws: ``StorageError/corrupt(_:)`` naming the record when the bytes do not decode.
    public func decoded<T: Decodable>(as type: T.Type) throws(StorageError) -> T {
        let decoder = JSONDecoder()
        do { return try decoder.decode(type, from: body) } catch {
            throw .corrupt("the \(kind) record \(key) does not decode: \(error)")
        }
    }
}
