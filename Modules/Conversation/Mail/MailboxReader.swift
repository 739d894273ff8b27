import Foundation

/// One message's bytes in a mailbox, with where it came from.
public struct RawMail: Sendable {
    /// The file the message was read from.
    public var path: String
    /// Byte offset of the message in that file (0 for .eml and Maildir files).
    public var offset: Int
    /// The message bytes (the mbox envelope line removed, mboxrd escaping undone).
    /// A slice of the whole file: reading a mailbox does not copy each message.
    public var bytes: ArraySlice<UInt8>
}

extension RawMail {
    /// A message received some other way than a mailbox file: over SMTP, from a webhook, from a
    /// queue. `path` names the source in errors (``DeskIntakeError`` quotes it).
    public init(bytes: some Sequence<UInt8>, source path: String = "<memory>", offset: Int = 0) {
        self.path = path
        self.offset = offset
        self.bytes = ArraySlice(bytes)
    }
}

/// Why a mailbox could not be read.
public enum MailboxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The path does not exist or cannot be read.
    case unreadable(path: String, reason: String)
    /// A directory that is not a Maildir (no `cur/` or `new/`).
    case notAMaildir(path: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .notAMaildir(let path): "\(path) is a directory without cur/ or new/, so not a Maildir"
        }
    }
}

/// Reads the three mailbox forms a desk imports: mbox files, single .eml files, and Maildir directories.
///
/// - **mbox**: messages start at lines beginning `From ` (the envelope line,
///   which is dropped). Lines of the form `>From `, `>>From `, … are
///   un-escaped by one `>` (mboxrd). mboxo files escape without that rule, so a
///   body line that really began `>From ` loses its `>`; mboxrd is the choice
///   because mboxo's own escaping already made such lines ambiguous.
/// - **.eml**: any other file is one message.
/// - **Maildir**: a directory with `cur/` and/or `new/`; every file in them is
///   one message, read in file-name order (`tmp/` holds deliveries in progress
///   and is skipped).
public enum MailboxReader {
    /// Every message at `path`, in file order.
    ///
    /// - Throws: ``MailboxError`` when the path cannot be read.
    public static func messages(at path: String) throws(MailboxError) -> [RawMail] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue { return try maildir(path) }
        let bytes = try read(path)
        if bytes.starts(with: "From ".utf8) { return mbox(bytes, path: path) }
        return [RawMail(path: path, offset: 0, bytes: bytes[...])]
    }

    /// Splits mbox bytes into messages.
    public static func mbox(_ bytes: [UInt8], path: String) -> [RawMail] {
        // Envelope lines, found with memchr from line start to line start.
        var starts: [Int] = []
        bytes.withUnsafeBufferPointer { buffer in
            var lineStart = 0
            let end = buffer.count
            while lineStart < end {
                if isEnvelope(buffer, at: lineStart) { starts.append(lineStart) }
                lineStart = MailParser.newline(in: buffer, from: lineStart) + 1
            }
        }
        let end = bytes.count
        var result: [RawMail] = []
        result.reserveCapacity(starts.count)
        for (position, start) in starts.enumerated() {
            let stop = position + 1 < starts.count ? starts[position + 1] : end
            let envelopeEnd = bytes.withUnsafeBufferPointer { MailParser.newline(in: $0, from: start) }
            let bodyStart = min(min(envelopeEnd, stop) + 1, stop)
            var message = bytes[bodyStart..<stop]
            // The blank line before the next envelope belongs to the separator.
            if message.last == 0x0A { message = message.dropLast() }
            if message.last == 0x0D { message = message.dropLast() }
            result.append(RawMail(path: path, offset: start, bytes: unescapeMboxrd(message)))
        }
        return result
    }

    @inline(__always)
    private static func isEnvelope(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        index + 5 <= buffer.count && buffer[index] == UInt8(ascii: "F") && buffer[index + 1] == UInt8(ascii: "r")
            && buffer[index + 2] == UInt8(ascii: "o") && buffer[index + 3] == UInt8(ascii: "m")
            && buffer[index + 4] == 0x20
    }

    /// Undoes mboxrd quoting: one `>` is removed from lines matching `^>+From `.
    /// Copies only when such a line exists.
    static func unescapeMboxrd(_ message: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let needsCopy = message.withUnsafeBufferPointer { buffer -> Bool in
            var lineStart = 0
            while lineStart < buffer.count {
                if buffer[lineStart] == UInt8(ascii: ">") {
                    var cursor = lineStart
                    while cursor < buffer.count, buffer[cursor] == UInt8(ascii: ">") { cursor += 1 }
                    if isEnvelope(buffer, at: cursor) { return true }
                }
                lineStart = MailParser.newline(in: buffer, from: lineStart) + 1
            }
            return false
        }
        guard needsCopy else { return message }
        let quotedFrom = Array(">From ".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(message.count)
        var lineStart = message.startIndex
        while lineStart < message.endIndex {
            let lineEnd = (message[lineStart...].firstIndex(of: 0x0A) ?? message.endIndex - 1) + 1
            var cursor = lineStart
            while cursor < lineEnd, message[cursor] == UInt8(ascii: ">") { cursor += 1 }
            if cursor > lineStart, message[(cursor - 1)..<lineEnd].starts(with: quotedFrom) {
                output.append(contentsOf: message[(lineStart + 1)..<lineEnd])
            } else {
                output.append(contentsOf: message[lineStart..<lineEnd])
            }
            lineStart = lineEnd
        }
        return output[...]
    }

    private static func maildir(_ path: String) throws(MailboxError) -> [RawMail] {
        let manager = FileManager.default
        var result: [RawMail] = []
        var foundFolder = false
        for folder in ["cur", "new"] {
            let directory = (path as NSString).appendingPathComponent(folder)
            guard let names = try? manager.contentsOfDirectory(atPath: directory) else { continue }
            foundFolder = true
            for name in names.sorted() where !name.hasPrefix(".") {
                let file = (directory as NSString).appendingPathComponent(name)
                result.append(RawMail(path: file, offset: 0, bytes: try read(file)[...]))
            }
        }
        guard foundFolder else { throw .notAMaildir(path: path) }
        return result
    }

    private static func read(_ path: String) throws(MailboxError) -> [UInt8] {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
            return [UInt8](data)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
    }
}
