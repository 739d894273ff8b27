import ArgumentParser
import Conversation
import CustomerModel
import Foundation
import SupportDesk

/// `shop-desk thread PATH...`: threads mailboxes and prints one JSON line per message.
struct ThreadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thread",
        abstract: "Thread mbox files, .eml files and Maildirs; print one JSON line per message, in input order.",
        discussion: """
            Each line is {"message_id": "<id without angle brackets>", "thread": "<ticket number>", "party": "<party id>"}.
            A sender nobody knows becomes a customer whose party id is their address. Mail from a --desk-address
            is the desk's own reply and belongs to the customer it was sent to. Progress goes to stderr.
            """)

    @Argument(help: "mbox files, .eml files or Maildir directories.")
    var paths: [String]

    @Option(name: .customLong("desk-address"), help: "An address the desk sends from (repeatable).")
    var deskAddresses: [String] = []

    @Option(name: .customLong("first-ticket"), help: "The ticket number of the first thread.")
    var firstTicket: UInt64 = 1

    @Flag(help: "Add the rule and evidence that placed each message.")
    var explain = false

    func run() throws {
        var desk = ShopMailDesk(
            deskAddresses: Set(try deskAddresses.map { try ContactPoint.email($0) }),
            configuration: ThreadingConfiguration(firstTicketNumber: firstTicket))
        var output = JSONLines()
        var processed = 0
        var rejected = 0
        let started = Date()
        for path in paths {
            let raws: [RawMail]
            do { raws = try MailboxReader.messages(at: path) } catch {
                FileHandle.standardError.write(Data("shop-desk: \(error)\n".utf8))
                throw ExitCode(66)
            }
            for raw in raws {
                let intake: DeskIntake
                do { intake = try desk.take(raw) } catch {
                    rejected += 1
                    FileHandle.standardError.write(Data("shop-desk: skipped \(error)\n".utf8))
                    continue
                }
                var fields: [(String, String)] = [
                    ("message_id", intake.message.id.rawValue),
                    ("thread", String(intake.assignment.thread.rawValue)),
                    ("party", intake.message.party?.rawValue ?? ""),
                ]
                if explain {
                    fields.append(("rule", intake.assignment.rule.rawValue))
                    fields.append(("evidence", intake.assignment.evidence))
                    if !intake.assignment.notes.isEmpty {
                        fields.append(("notes", intake.assignment.notes.joined(separator: "; ")))
                    }
                }
                output.write(fields)
                processed += 1
                if processed % 50_000 == 0 {
                    let rate = Double(processed) / max(Date().timeIntervalSince(started), 0.001)
                    FileHandle.standardError.write(Data("shop-desk: \(processed) messages (\(Int(rate))/s)\n".utf8))
                }
            }
        }
        output.flush()
        if processed >= 50_000 || rejected > 0 {
            FileHandle.standardError.write(Data("shop-desk: \(processed) messages threaded, \(rejected) skipped\n".utf8))
        }
    }
}

/// Buffered JSON Lines on standard output, with string values escaped per RFC 8259.
struct JSONLines {
    private var buffer: [UInt8] = []

    /// A JSON value of a line.
    enum Value {
        case string(String)
        case number(Double)
    }

    mutating func write(_ fields: [(String, String)]) {
        write(fields.map { ($0.0, Value.string($0.1)) })
    }

    mutating func write(_ fields: [(String, Value)]) {
        buffer.append(UInt8(ascii: "{"))
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { buffer.append(contentsOf: ", ".utf8) }
            append(key)
            buffer.append(contentsOf: ": ".utf8)
            switch value {
            case .string(let text): append(text)
            case .number(let number): buffer.append(contentsOf: (number.isFinite ? "\(number)" : "null").utf8)
            }
        }
        buffer.append(contentsOf: "}\n".utf8)
        if buffer.count > 1 << 16 { flush() }
    }

    mutating func flush() {
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func append(_ string: String) {
        buffer.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): buffer.append(contentsOf: "\\\\".utf8)
            case 0x0A: buffer.append(contentsOf: "\\n".utf8)
            case 0x0D: buffer.append(contentsOf: "\\r".utf8)
            case 0x09: buffer.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                buffer.append(contentsOf: "\\u00\(hex.count == 1 ? "0" + hex : hex)".utf8)
            default: buffer.append(byte)
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }
}
