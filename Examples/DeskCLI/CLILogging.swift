import Foundation
import Logging

/// The logger every command hands to its desk and store. `runDesk` bootstraps swift-log once,
/// from `--log-level`, with a handler on standard error (standard output stays the command's
/// answer); only the executable does this, never a library.
public var cliLogger: Logger { Logger(label: toolName) }

/// `--log-level LEVEL`, accepted anywhere on the command line of either desk tool.
public enum LogLevelOption {
    /// The level when the option is absent: failed writes only.
    public static let defaultLevel = Logger.Level.error

    /// The arguments without `--log-level LEVEL` / `--log-level=LEVEL`, and the level given (the
    /// last one wins). An unknown level is a usage error naming the levels.
    public static func extract(_ arguments: [String]) throws -> (arguments: [String], level: Logger.Level) {
        var rest: [String] = []
        var level = defaultLevel
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--" {
                rest.append(contentsOf: arguments[index...])
                break
            }
            var value: String?
            if argument == "--log-level" {
                guard index + 1 < arguments.endIndex else { throw UsageError("--log-level needs a value: \(names)") }
                value = arguments[index + 1]
                index += 2
            } else if argument.hasPrefix("--log-level=") {
                value = String(argument.dropFirst("--log-level=".count))
                index += 1
            } else {
                rest.append(argument)
                index += 1
            }
            if let value {
                guard let parsed = Logger.Level(rawValue: value.lowercased()) else {
                    throw UsageError("--log-level \(value): not a level (\(names))")
                }
                level = parsed
            }
        }
        return (rest, level)
    }

    static var names: String { Logger.Level.allCases.map(\.rawValue).joined(separator: ", ") }

    /// Sends every logger of the process to standard error at `level`.
    public static func bootstrap(_ level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// A bad `--log-level`.
    public struct UsageError: Error, CustomStringConvertible {
        /// What was wrong.
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
