import ArgumentParser
import Localization

/// Like a search engine's analyze API: shows the index terms a line of text becomes.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Read lines on stdin; print per line the JSON array of index terms.")

    @Option(name: .long, help: "Language (BCP 47, e.g. sv or sv-SE); unknown languages use the neutral analyzer.")
    var lang: String = "und"

    func run() throws {
        let analyzer = AnalyzerRegistry.standard.analyzer(for: lang)
        var output = ""
        while let line = readLine(strippingNewline: true) {
            output.removeAll(keepingCapacity: true)
            output.append("[")
            for (index, token) in analyzer.tokens(in: line).enumerated() {
                if index > 0 { output.append(",") }
                appendJSONString(token.term, to: &output)
            }
            output.append("]")
            print(output)
        }
    }
}

/// Appends `value` as a JSON string literal.
func appendJSONString(_ value: String, to output: inout String) {
    output.append("\"")
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": output.append("\\\"")
        case "\\": output.append("\\\\")
        case "\n": output.append("\\n")
        case "\r": output.append("\\r")
        case "\t": output.append("\\t")
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
        default: output.unicodeScalars.append(scalar)
        }
    }
    output.append("\"")
}
