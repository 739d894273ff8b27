// Ingests messages into a SQLite store until it is killed, printing "committed ID" after
// each ingest returns. CrashTests kills it with SIGKILL mid-ingest.
//
// usage: sqlite-crash-writer STORE-PATH COUNT
import Conversation
import CustomerModel
import Foundation
import SQLiteStorage
import Storage

let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: sqlite-crash-writer STORE-PATH COUNT\n".utf8))
    exit(64)
}
do {
    // One message per transaction: each commit writes a segment, every tenth a merge, so kills
    // land before, during and after segment writes and merges.
    let store = try SQLiteSupportStore(path: arguments[1], options: .init())
    for index in 0..<count {
        let id = MessageID("crash-\(index)@shop")
        let party = PartyID("c-\(index % 13)")
        let message = SupportMessage(
            id: id, channel: .email, direction: .inbound, person: party, party: party,
            sentAt: Date(timeIntervalSince1970: 1_750_000_000 + Double(index)), subject: "Crash test \(index)",
            text: "crash test message number \(index) with a parcel and a refund", language: "en")
        let thread = SupportThread(
            id: ThreadID(UInt64(index + 1)), owner: party, participants: [party], subject: message.subject,
            createdAt: message.sentAt, messageIDs: [id])
        _ = try await store.ingest(IngestRecord(
            message: message, thread: thread,
            events: [NewSupportEvent(at: message.sentAt, thread: thread.id, party: party, kind: .received(id))]))
        // Unbuffered, so the parent sees each line the moment the ingest has returned.
        FileHandle.standardOutput.write(Data("committed \(id.rawValue)\n".utf8))
    }
} catch {
    FileHandle.standardError.write(Data("sqlite-crash-writer: \(error)\n".utf8))
    exit(1)
}
