import Foundation

/// One problem found in a policy file, with where it is.
///
/// ``description`` is `line:column: path: message`; a command-line tool prefixes the file name,
/// giving the `file:line:column:` form editors and CI logs link to.
public struct PolicyDiagnostic: Hashable, Sendable, Codable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Hashable, Sendable, Codable {
        /// The file cannot be loaded (``SupportPolicyDocument/load(from:format:)`` throws).
        case error
        /// The file loads, but something in it is probably not what was meant.
        case warning
    }

    /// 1-based line.
    public var line: Int
    /// 1-based column, counted in Unicode scalars (as libyaml counts them).
    public var column: Int
    /// The field path, such as `calendars[0].weekly.monday[1].from`; `(root)` for the whole
    /// document and `(syntax)` for text that does not parse.
    public var path: String
    /// What is wrong and, where it helps, what was probably meant.
    public var message: String
    /// Error or warning.
    public var severity: Severity

    /// A diagnostic.
    public init(line: Int, column: Int, path: String, message: String, severity: Severity = .error) {
        self.line = line
        self.column = column
        self.path = path
        self.message = message
        self.severity = severity
    }

    /// `line:column: path: message`, with `warning: ` before the message of a warning.
    public var description: String {
        "\(line):\(column): \(path): \(severity == .warning ? "warning: " : "")\(message)"
    }
}

/// Checks a policy file and reports every problem in it at once, each with its line and column.
///
/// It checks the text (YAML or JSON syntax), the shape (types, required keys, unknown keys with
/// the closest known key suggested, repeated keys) and the meaning (the rules of
/// ``SupportPolicyDocument/validate()``: IANA zones, window order and overlap, dates, references
/// to calendars, durations, ...). A section with a shape error is skipped by the meaning checks;
/// the other sections are still checked. Every error that ``SupportPolicyDocument/load(from:format:)``
/// would throw is among the diagnostics, so a file with no errors loads.
///
/// ```swift
/// for diagnostic in try PolicyValidator().check(contentsOf: url) {
///     print("\(url.path):\(diagnostic)")
/// }
/// ```
public struct PolicyValidator: Sendable {
    /// Whether the loader's own error is added when no diagnostic has its path (off only in the
    /// test that holds the shape table to the decoders).
    var includesLoaderError = true

    /// A validator.
    public init() {}

    /// Reads and checks a file (format from its extension, as ``SupportPolicyDocument/Format/init(fileName:)``).
    ///
    /// - Throws: ``PolicyLoadError/unreadable(path:reason:)`` when the file cannot be read.
    public func check(contentsOf url: URL) throws(PolicyLoadError) -> [PolicyDiagnostic] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .unreadable(path: url.path, reason: error.localizedDescription) }
        return check(data, format: SupportPolicyDocument.Format(fileName: url.lastPathComponent))
    }

    /// Every diagnostic for `data`, sorted by position (errors before warnings at the same place,
    /// then in the order found).
    public func check(_ data: Data, format: SupportPolicyDocument.Format) -> [PolicyDiagnostic] {
        let bytes = [UInt8](data)
        var run = ValidationRun(bytes: bytes, format: format, includesLoaderError: includesLoaderError)
        run.perform()
        return run.diagnostics.enumerated().sorted {
            ($0.element.line, $0.element.column, $0.element.severity == .error ? 0 : 1, $0.offset)
                < ($1.element.line, $1.element.column, $1.element.severity == .error ? 0 : 1, $1.offset)
        }.map(\.element)
    }
}

/// The state of one check.
private struct ValidationRun {
    let bytes: [UInt8]
    let format: SupportPolicyDocument.Format
    let includesLoaderError: Bool
    var diagnostics: [PolicyDiagnostic] = []
    var positions: [String: SourcePosition] = [:]

    init(bytes: [UInt8], format: SupportPolicyDocument.Format, includesLoaderError: Bool) {
        self.bytes = bytes
        self.format = format
        self.includesLoaderError = includesLoaderError
    }

    mutating func add(_ position: SourcePosition, _ path: String, _ message: String, _ severity: PolicyDiagnostic.Severity = .error) {
        diagnostics.append(PolicyDiagnostic(line: position.line, column: position.column, path: path, message: message, severity: severity))
    }

    mutating func perform() {
        guard let root = parse() else {
            if includesLoaderError { includeDecoderError() }
            return
        }
        var shape = PolicyShapeChecker()
        shape.check(root, against: PolicySchema.document, path: "")
        diagnostics += shape.diagnostics
        positions = shape.positions

        let errorPaths = shape.replaced
        // A path under a shape error holds a placeholder (or nothing): what the meaning rules say
        // about it would be noise, or would repeat the shape error in other words.
        func covered(_ path: String) -> Bool {
            var path = path
            while true {
                if errorPaths.contains(path) { return true }
                guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return false }
                path = String(path[..<cut])
            }
        }
        let copy = PolicyNormalizer.json(root, PolicySchema.document)
        if let document = try? JSONDecoder().decode(SupportPolicyDocument.self, from: Data(copy.utf8)) {
            var parts = PolicyParts(document)
            for i in parts.calendars.indices where covered("calendars[\(i)].id") { parts.calendars[i].id = nil }
            for i in parts.unions.indices where covered("unions[\(i)].id") { parts.unions[i].id = nil }
            if covered("calendars") || covered("unions") { parts.idsComplete = false }
            if covered("version") { parts.version = nil }
            for issue in parts.issues() where !covered(issue.path) {
                add(position(of: issue.path), issue.path, issue.message)
            }
            for issue in parts.warnings() where !covered(issue.path) {
                add(position(of: issue.path), issue.path, issue.message, .warning)
            }
        }
        if includesLoaderError { includeDecoderError() }
    }

    /// The tree, or `nil` after recording the syntax error.
    mutating func parse() -> SourceNode? {
        do throws(SourceSyntaxError) {
            switch format {
            case .json:
                let (root, recovered, warnings) = try JSONSourceReader.read(bytes)
                for error in recovered { add(error.position, "(syntax)", error.message) }
                for warning in warnings { add(warning.position, "(syntax)", warning.message, .warning) }
                return root
            case .yaml:
                if let bad = SourcePositions.firstInvalidUTF8(bytes) {
                    throw SourceSyntaxError(position: SourcePositions.position(ofByte: bad, in: bytes), message: "the file is not UTF-8 (byte \(bad))")
                }
                guard let root = try YAMLSourceReader.read(String(decoding: bytes, as: UTF8.self)) else {
                    add(.start, "(root)", "the file is empty; a policy needs version, calendars and calendarSelection")
                    return nil
                }
                return root
            }
        } catch {
            add(error.position, "(syntax)", error.message)
            return nil
        }
    }

    /// Where `path` is written, or where its nearest written ancestor is (a default that was
    /// left out has no position of its own).
    func position(of path: String) -> SourcePosition {
        var path = path
        while !path.isEmpty {
            if let found = positions[path] { return found }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            path = String(path[..<cut])
        }
        return positions["(root)"] ?? .start
    }

    /// Runs the loader's decoder on the whole file and adds its error when no diagnostic has
    /// that path yet, so that the loader's first error is always reported (and a decoder the
    /// shape table disagrees with is still heard).
    mutating func includeDecoderError() {
        do {
            _ = try SupportPolicyDocument.load(from: Data(bytes), format: format)
        } catch {
            switch error {
            case .structure(let issue):
                if !diagnostics.contains(where: { $0.severity == .error && $0.path == issue.path }) {
                    add(position(of: issue.path), issue.path, issue.message)
                }
            case .syntax(let message):
                if !diagnostics.contains(where: { $0.severity == .error }) { add(.start, "(syntax)", message) }
            case .invalid(let validation):
                for issue in validation.issues where !diagnostics.contains(where: { $0.severity == .error && $0.path == issue.path }) {
                    add(position(of: issue.path), issue.path, issue.message)
                }
            case .unreadable:
                break
            }
        }
    }
}
