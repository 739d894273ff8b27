import ArgumentParser
import Foundation
import Policy

/// `shop-desk policy ...`: work with policy files.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Work with SupportKit policy files.",
        subcommands: [PolicyCheckCommand.self])
}

/// `shop-desk policy check FILE`: validates a policy file and prints every error with its field path.
struct PolicyCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a policy file (JSON or YAML); print every error with its field path.",
        discussion: "Exits with status 1 when the file has errors. The format follows the extension: .json is JSON, anything else YAML.")

    @Argument(help: "The policy file (.yaml, .yml or .json).")
    var file: String

    func run() throws {
        do {
            let document = try SupportPolicyDocument.load(contentsOf: URL(fileURLWithPath: file))
            _ = try document.compiled()
            print("\(file): OK (\(document.calendars.count) calendars, \(document.sla?.targets.count ?? 0) SLA targets)")
        } catch let error as PolicyLoadError {
            for issue in error.issues { print("\(file): \(issue)") }
            print("\(file): \(error.issues.count) error\(error.issues.count == 1 ? "" : "s")")
            throw ExitCode(1)
        } catch let error as PolicyValidationError {
            for issue in error.issues { print("\(file): \(issue)") }
            throw ExitCode(1)
        }
    }
}
