import Conversation
import CustomerModel
import Foundation

/// A mail parsed for a desk: the message, and the customer's side of it — the sender of an
/// inbound mail, the first recipient of the desk's own (outbound) mail.
struct ParsedDeskMail {
    var message: SupportMessage
    var warnings: [MailWarning]
    var customerAddress: ContactPoint?
    var customerName: String?

    init(_ raw: RawMail, parser: MailParser, deskAddresses: Set<ContactPoint>, receivedAt: Date) throws(DeskIntakeError) {
        let mail: MailMessage
        do { mail = try parser.parse(raw.bytes) } catch { throw .unparsable(path: raw.path, offset: raw.offset, error) }
        let author = mail.from.first.flatMap { try? ContactPoint.email($0.address) }
        let outbound = author.map { deskAddresses.contains($0) } ?? false
        message = SupportMessage(mail: mail, receivedAt: receivedAt, direction: outbound ? .outbound : .inbound)
        warnings = mail.warnings
        customerAddress = outbound ? mail.to.first.flatMap { try? ContactPoint.email($0.address) } : author
        customerName = outbound ? mail.to.first?.name : mail.from.first?.name
    }
}

/// What happened to one inbound or outbound e-mail in the desk.
public struct DeskIntake: Sendable {
    /// The message as the desk keeps it.
    public var message: SupportMessage
    /// Where threading put it, and why.
    public var assignment: ThreadAssignment
    /// Repairs the mail parser made.
    public var warnings: [MailWarning]
}

/// Why a mail could not be taken in.
public enum DeskIntakeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The bytes are not a mail message (see ``MailParseError``).
    case unparsable(path: String, offset: Int, MailParseError)

    public var description: String {
        switch self {
        case .unparsable(let path, let offset, let error): "\(path) at byte \(offset): \(error)"
        }
    }
}

/// The B2C shop desk assembled from SupportKit's parts: mail parsing,
/// customers resolved (and created) from sender addresses, and threading.
///
/// A sender nobody knows becomes a new customer whose id is their normalised
/// address; a host with a customer database passes its own directory contents
/// instead (``directory``). Mail from one of ``deskAddresses`` is the desk's
/// own (outbound): it belongs to the customer it was sent to.
public struct ShopMailDesk: Sendable {
    /// The desk's customers.
    public private(set) var directory: SingleBuyerDirectory
    /// The threading engine.
    public private(set) var threading: HelpdeskThreading
    /// The parser used for every mail.
    public var parser = MailParser()
    /// The desk's own addresses (normalised); mail from them is outbound.
    public var deskAddresses: Set<ContactPoint>

    /// A desk with the given customers, own addresses and threading tuning.
    public init(
        directory: SingleBuyerDirectory = SingleBuyerDirectory(), deskAddresses: Set<ContactPoint> = [],
        configuration: ThreadingConfiguration = ThreadingConfiguration()
    ) {
        self.directory = directory
        self.deskAddresses = deskAddresses
        threading = HelpdeskThreading(configuration: configuration)
    }

    /// Parses, resolves and threads one mail.
    ///
    /// - Throws: ``DeskIntakeError/unparsable(path:offset:_:)``; the desk is unchanged then.
    public mutating func take(_ raw: RawMail, receivedAt: Date = Date()) throws(DeskIntakeError) -> DeskIntake {
        let read = try self.read(raw, receivedAt: receivedAt)
        let assignment = threading.assign(read.message, directory: directory)
        return DeskIntake(message: read.message, assignment: assignment, warnings: read.warnings)
    }

    /// A mail read and its customer resolved, not yet threaded.
    public struct ReadMail: Sendable {
        /// The message, with its party and person set when the customer is known.
        public var message: SupportMessage
        /// Repairs the mail parser made.
        public var warnings: [MailWarning]
        /// The customer this mail created, if its sender (or recipient) was new.
        public var newCustomer: Customer?
    }

    /// Parses one mail and resolves its customer (creating one for a new address), without
    /// threading it: a store checks for a duplicate in between.
    ///
    /// - Throws: ``DeskIntakeError/unparsable(path:offset:_:)``; the desk is unchanged then.
    public mutating func read(_ raw: RawMail, receivedAt: Date = Date()) throws(DeskIntakeError) -> ReadMail {
        let parsed = try ParsedDeskMail(raw, parser: parser, deskAddresses: deskAddresses, receivedAt: receivedAt)
        var message = parsed.message
        var newCustomer: Customer?
        if let customerAddress = parsed.customerAddress {
            let known = directory.customers.count
            let party = customer(for: customerAddress, name: parsed.customerName, at: receivedAt)
            if directory.customers.count > known { newCustomer = directory.customers[party] }
            message.party = party
            message.person = party
        }
        return ReadMail(message: message, warnings: parsed.warnings, newCustomer: newCustomer)
    }

    /// Threads a message that ``read(_:receivedAt:)`` returned.
    public mutating func thread(_ message: SupportMessage) -> ThreadAssignment {
        threading.assign(message, directory: directory)
    }

    /// Puts a stored customer back into the directory (when a desk is reopened over a store).
    /// A customer already present is left as it is.
    public mutating func restore(_ customer: Customer, at date: Date) {
        guard directory.customers[customer.id] == nil else { return }
        try? directory.add(customer, at: date)
    }

    /// The customer holding `address`, created if nobody does.
    private mutating func customer(for address: ContactPoint, name: String?, at date: Date) -> PartyID {
        if let known = directory.resolve(address) { return known.owner }
        let id = PartyID(address.value)
        let profile = PartyProfile(displayName: name ?? address.value, contactPoints: [address], preferredChannel: .email)
        // The id is new: resolve found nobody holding the address the id is made of.
        try? directory.add(Customer(id: id, profile: profile), at: date)
        return directory.resolve(address)?.owner ?? id
    }
}
