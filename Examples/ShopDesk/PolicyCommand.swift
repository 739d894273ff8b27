import ArgumentParser
import Foundation
import Policy

/// `shop-desk policy ...`: work with policy files.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Work with SupportKit policy files.",
        subcommands: [PolicyCheckCommand.self])
}

/// `shop-desk policy check FILE...`: reports every problem of each file as `file:line:column: path: message`.
struct PolicyCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check policy files (JSON or YAML) and report every problem with its line, column and field path.",
        discussion: """
            Prints one line per problem on standard output, `FILE:LINE:COLUMN: PATH: MESSAGE` (warnings \
            say `warning:` before the message), and `FILE: ok` for a file without errors. .json files are \
            read as JSON, anything else as YAML. Exit status: 0 when no file has errors, 65 (EX_DATAERR) \
            when one has, 66 (EX_NOINPUT) when a file cannot be read.
            """)

    @Argument(help: "The policy files (.yaml, .yml or .json).")
    var files: [String]

    func run() throws {
        var status: Int32 = 0
        for file in files {
            let diagnostics: [PolicyDiagnostic]
            do {
                diagnostics = try PolicyValidator().check(contentsOf: URL(fileURLWithPath: file))
            } catch {
                FileHandle.standardError.write(Data("\(file): cannot read: \(Self.reason(error))\n".utf8))
                status = 66
                continue
            }
            for diagnostic in diagnostics { print("\(file):\(diagnostic)") }
            let errors = diagnostics.filter { $0.severity == .error }.count
            let warnings = diagnostics.count - errors
            if errors > 0 {
                if status == 0 { status = 65 }
                FileHandle.standardError.write(Data("\(file): \(Self.count(errors, "error")), \(Self.count(warnings, "warning"))\n".utf8))
            } else {
                print(warnings == 0 ? "\(file): ok" : "\(file): ok (\(Self.count(warnings, "warning")))")
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    private static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    private static func reason(_ error: PolicyLoadError) -> String {
        if case .unreadable(_, let reason) = error { return reason }
        return error.description
    }
}
