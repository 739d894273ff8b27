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

/// A Maildir entry that was not read as a message, and why (a FIFO, a directory, a symlink
/// loop, a symlink out of the Maildir, an unreadable file).
public struct SkippedMailboxEntry: Hashable, Sendable, CustomStringConvertible {
    /// The entry's path.
    public var path: String
    /// Why it was skipped.
    public var reason: String

    public var description: String { "skipped \(path): \(reason)" }
}

/// What a mailbox path holds: its messages, and the Maildir entries skipped.
public struct MailboxContents: Sendable {
    /// The messages, in file order.
    public var messages: [RawMail]
    /// Maildir entries that are not messages (empty for mbox and .eml files).
    public var skipped: [SkippedMailboxEntry]
}

/// Reads the three mailbox forms a desk imports: mbox files, single .eml files, and Maildir directories.
///
/// - **mbox**: messages start at lines beginning `From ` (the envelope line,
///   which is dropped). Lines of the form `>From `, `>>From `, … are
///   un-escaped by one `>` (mboxrd). mboxo files escape without that rule, so a
///   body line that really began `>From ` loses its `>`; mboxrd is the choice
///   because mboxo's own escaping already made such lines ambiguous.
/// - **.eml**: any other file is one message.
/// - **Maildir**: a directory with `cur/` and/or `new/`; every regular file in them is
///   one message, read in file-name order (`tmp/` holds deliveries in progress
///   and is skipped). An entry that is not a regular file (a FIFO, a socket, a directory,
///   a symlink loop) is skipped and named in ``MailboxContents/skipped``: one bad entry never
///   refuses the folder. A symlink is followed only to a file inside the Maildir, unless
///   `followingSymlinks` allows any target.
public enum MailboxReader {
    /// Every message at `path`, in file order; Maildir entries that are not messages are
    /// skipped (``contents(at:followingSymlinks:)`` names them).
    ///
    /// - Throws: ``MailboxError`` when the path cannot be read.
    public static func messages(at path: String) throws(MailboxError) -> [RawMail] {
        try contents(at: path).messages
    }

    /// The messages at `path` and the Maildir entries skipped.
    ///
    /// - Parameter followingSymlinks: follow a Maildir entry's symlink wherever it points
    ///   (default: only to files inside the Maildir, so a planted link cannot make the desk
    ///   read another file as mail).
    /// - Throws: ``MailboxError`` when the path itself cannot be read (missing, not a regular
    ///   file or directory, a directory that is not a Maildir).
    public static func contents(at path: String, followingSymlinks: Bool = false) throws(MailboxError) -> MailboxContents {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: return try maildir(path, followingSymlinks: followingSymlinks)
        case S_IFREG:
            let bytes = try read(path)
            if bytes.starts(with: "From ".utf8) { return MailboxContents(messages: mbox(bytes, path: path), skipped: []) }
            return MailboxContents(messages: [RawMail(path: path, offset: 0, bytes: bytes[...])], skipped: [])
        default: throw .unreadable(path: path, reason: "not a regular file or a directory")
        }
    }

    /// Checks that `path` can be read as a mailbox without reading its messages (a CLI checks
    /// every path before it prints anything).
    ///
    /// - Throws: ``MailboxError``, as ``contents(at:followingSymlinks:)`` would for the path itself.
    public static func check(_ path: String) throws(MailboxError) {
        var status = stat()
        guard stat(path, &status) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        switch status.st_mode & S_IFMT {
        case S_IFDIR:
            let manager = FileManager.default
            var isDirectory: ObjCBool = false
            let hasFolder = ["cur", "new"].contains { folder in
                manager.fileExists(atPath: (path as NSString).appendingPathComponent(folder), isDirectory: &isDirectory)
                    && isDirectory.boolValue
            }
            guard hasFolder else { throw .notAMaildir(path: path) }
        case S_IFREG:
            guard access(path, R_OK) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        default: throw .unreadable(path: path, reason: "not a regular file or a directory")
        }
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

    private static func maildir(_ path: String, followingSymlinks: Bool) throws(MailboxError) -> MailboxContents {
        let manager = FileManager.default
        var result = MailboxContents(messages: [], skipped: [])
        var foundFolder = false
        let root = realpath(path, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        } ?? path
        for folder in ["cur", "new"] {
            let directory = (path as NSString).appendingPathComponent(folder)
            guard let names = try? manager.contentsOfDirectory(atPath: directory) else { continue }
            foundFolder = true
            for name in names.sorted() where !name.hasPrefix(".") {
                let file = (directory as NSString).appendingPathComponent(name)
                if let reason = Self.reasonToSkip(file, root: root, followingSymlinks: followingSymlinks) {
                    result.skipped.append(SkippedMailboxEntry(path: file, reason: reason))
                    continue
                }
                do throws(MailboxError) {
                    result.messages.append(RawMail(path: file, offset: 0, bytes: try read(file)[...]))
                } catch {
                    if case .unreadable(_, let reason) = error {
                        result.skipped.append(SkippedMailboxEntry(path: file, reason: reason))
                    }
                }
            }
        }
        guard foundFolder else { throw .notAMaildir(path: path) }
        return result
    }

    /// Why a Maildir entry is not read as a message, or nil for a regular file (or a symlink to
    /// one that may be followed). Decided with `lstat`/`stat` before the file is opened, so a
    /// FIFO never blocks the reader.
    private static func reasonToSkip(_ file: String, root: String, followingSymlinks: Bool) -> String? {
        var link = stat()
        guard lstat(file, &link) == 0 else { return String(cString: strerror(errno)) }
        if link.st_mode & S_IFMT == S_IFLNK {
            var target = stat()
            guard stat(file, &target) == 0 else { return "a symlink that cannot be followed (\(String(cString: strerror(errno))))" }
            guard target.st_mode & S_IFMT == S_IFREG else { return "a symlink to something that is not a regular file" }
            if !followingSymlinks {
                guard let resolved = realpath(file, nil) else { return "a symlink that cannot be resolved" }
                defer { free(resolved) }
                let destination = String(cString: resolved)
                guard destination.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
                    return "a symlink out of the Maildir (to \(destination)); not followed"
                }
            }
            return nil
        }
        switch link.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory, not a message file"
        case S_IFIFO: return "a FIFO, not a message file"
        case S_IFSOCK: return "a socket, not a message file"
        default: return "not a regular file"
        }
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
