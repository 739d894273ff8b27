import Conversation
import CustomerModel
import Foundation
import Storage

/// The person a data-subject request or an agent's filter names, resolved to every party
/// record that is them.
public struct ResolvedPerson: Hashable, Sendable {
    /// The record identity merges resolve to (the person's surviving record).
    public var primary: PartyID
    /// Every record that is this person: the primary first, then the records merged into it.
    public var records: [PartyID]
    /// The name the primary record shows.
    public var displayName: String
    /// The contact points of all the records, normalised.
    public var contactPoints: [ContactPoint]
}

extension Desk {
    /// Resolves what a person typed to name a customer — a party id, or any of their e-mail
    /// addresses or phone numbers in any letter case — to the person and all their records
    /// (identity merges included). E-mail is compared as intake normalises it (domain
    /// case-folded), then, for look-up only, with the local part case-folded too: a request
    /// for `Victim@V.example` finds the customer who wrote from `victim@v.example`.
    ///
    /// - Returns: nil when the text names nobody (a request for nobody must change nothing).
    /// - Throws: ``StorageError`` when the store fails.
    public func resolvePerson(_ text: String, defaultRegion: String? = nil) async throws(StorageError) -> ResolvedPerson? {
        let typed = text.trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty else { return nil }
        let point: ContactPoint? =
            typed.contains("@") ? try? ContactPoint.email(typed) : try? ContactPoint.phone(typed, defaultRegion: defaultRegion)
        // The exact look-ups first: the id, the normalised contact point.
        let direct: PartyID? = try await act { transaction in
            if try transaction.party(PartyID(typed)) != nil { return PartyID(typed) }
            if let point, let holder = try transaction.party(holding: point) { return holder }
            return nil
        }
        let parties = try await store.allParties()
        var found = direct
        if found == nil {
            // Case-insensitive: ids and e-mail addresses compared case-folded.
            let folded = typed.lowercased()
            found = parties.first { party in
                party.id.rawValue.lowercased() == folded
                    || party.profile.contactPoints.contains { $0.kind == .email && $0.value.lowercased() == folded }
            }?.id
        }
        guard let found else { return nil }
        let byID = Dictionary(parties.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return try await act { transaction in
            let primary = try transaction.primaryParty(of: found)
            var records = [primary]
            for party in parties where party.id != primary {
                if try transaction.primaryParty(of: party.id) == primary { records.append(party.id) }
            }
            var points: [ContactPoint] = []
            for id in records {
                for point in byID[id]?.profile.contactPoints ?? [] where !points.contains(point) { points.append(point) }
            }
            return ResolvedPerson(
                primary: primary, records: records, displayName: byID[primary]?.profile.displayName ?? primary.rawValue,
                contactPoints: points)
        }
    }
}
