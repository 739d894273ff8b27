import Conversation
import CustomerModel
import Foundation

/// What happened to one mail in the B2B desk.
public struct AccountIntake: Sendable {
    /// The message: `person` is the stakeholder, `party` the account that owns the conversation.
    public var message: SupportMessage
    /// Where threading put it, and why.
    public var assignment: ThreadAssignment
    /// Repairs the mail parser made.
    public var warnings: [MailWarning]
    /// The stakeholder this mail created (a new address at a known account domain).
    public var newStakeholder: Stakeholder?
    /// The sender belongs to no known account (an unknown domain): the mail is threaded on
    /// its own, owned by nobody, for triage.
    public var unassigned: Bool
}

/// The B2B account desk assembled from SupportKit's parts: mail from the stakeholders of
/// business accounts, each conversation owned by the account, visible to its stakeholders
/// by the account's sharing setting and never to another account.
///
/// A sender the directory knows is that stakeholder. A new address at a domain registered
/// for an account (`accountDomains`, e.g. `acme.example` → `acct-acme`) becomes a
/// stakeholder of that account with ``newStakeholderRoles`` — what B2B helpdesks do with
/// organisation domains. Any other sender is unassigned: threaded, but owned by no account,
/// so no tag or subject can attach it to an account's conversation.
public struct AccountMailDesk: Sendable {
    /// Accounts and stakeholders.
    public private(set) var directory: AccountDirectory
    /// The threading engine.
    public private(set) var threading: HelpdeskThreading
    /// The parser used for every mail.
    public var parser = MailParser()
    /// The desk's own addresses (normalised); mail from them is outbound.
    public var deskAddresses: Set<ContactPoint>
    /// E-mail domains (lower case) of each account's people.
    public var accountDomains: [String: PartyID]
    /// The roles a stakeholder created from a known domain gets.
    public var newStakeholderRoles: Set<StakeholderRole> = [.buyer]

    /// A desk over `directory`.
    public init(
        directory: AccountDirectory, deskAddresses: Set<ContactPoint> = [], accountDomains: [String: PartyID] = [:],
        configuration: ThreadingConfiguration = ThreadingConfiguration()
    ) {
        self.directory = directory
        self.deskAddresses = deskAddresses
        self.accountDomains = accountDomains
        threading = HelpdeskThreading(configuration: configuration)
    }

    /// Parses, resolves and threads one mail.
    ///
    /// - Throws: ``DeskIntakeError/unparsable(path:offset:_:)``; the desk is unchanged then.
    public mutating func take(_ raw: RawMail, receivedAt: Date = Date()) throws(DeskIntakeError) -> AccountIntake {
        let parsed = try ParsedDeskMail(raw, parser: parser, deskAddresses: deskAddresses, receivedAt: receivedAt)
        var message = parsed.message
        var newStakeholder: Stakeholder?
        if let address = parsed.customerAddress {
            if directory.resolve(address) == nil, let account = accountDomains[Self.domain(of: address)],
                directory.accounts[account] != nil
            {
                let stakeholder = Stakeholder(
                    id: PartyID(address.value), accountID: account, roles: newStakeholderRoles,
                    profile: PartyProfile(displayName: parsed.customerName ?? address.value, contactPoints: [address],
                        preferredChannel: .email))
                // The id is new: resolve found nobody holding the address the id is made of.
                if (try? directory.add(stakeholder, at: receivedAt)) != nil { newStakeholder = stakeholder }
            }
            if let resolved = directory.resolve(address) {
                message.person = resolved.person
                message.party = resolved.owner
            }
        }
        let assignment = threading.assign(message, directory: directory)
        return AccountIntake(
            message: message, assignment: assignment, warnings: parsed.warnings, newStakeholder: newStakeholder,
            unassigned: message.party == nil)
    }

    /// The stakeholders of the thread's account who may see it, by the account's sharing setting.
    public func viewers(of thread: ThreadID) -> [PartyID] {
        guard let access = threading.access(of: thread) else { return [] }
        return directory.stakeholders(of: access.owner).map(\.id).filter { directory.mayView(.person($0), access) }
    }

    static func domain(of address: ContactPoint) -> String {
        address.value.split(separator: "@").last.map { $0.lowercased() } ?? ""
    }
}
