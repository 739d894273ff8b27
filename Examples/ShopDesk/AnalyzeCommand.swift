import ArgumentParser
import Foundation
import Localization

/// `shop-desk analyze --lang CODE`: the index terms of each line on stdin, like a search engine's analyze API.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Print the index terms of each line on standard input as a JSON array.")

    @Option(name: .customLong("lang"), help: "The language (BCP 47), e.g. sv, fi-FI, de.")
    var language: String

    func run() throws {
        let analyzer = StandardAnalyzer(language: language)
        var output = ""
        while let line = readLine(strippingNewline: true) {
            let terms = analyzer.tokens(in: line).map(\.term)
            let data = try JSONEncoder().encode(terms)
            output += String(decoding: data, as: UTF8.self) + "\n"
            if output.utf8.count > 1 << 16 {
                FileHandle.standardOutput.write(Data(output.utf8))
                output = ""
            }
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}
