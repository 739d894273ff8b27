import ArgumentParser
import Localization

/// Shows which language the built-in identifier assigns to each line.
struct DetectLanguageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect-language",
        abstract: "Read lines on stdin; print per line {\"language\": \"<code or unknown>\", \"confidence\": <0..1>}.")

    @Option(name: .long, help: "Minimum confidence to name a language; below it the answer is \"unknown\".")
    var threshold: Double = 0.3

    func run() throws {
        let identifier = LanguageIdentifier(threshold: threshold)
        while let line = readLine(strippingNewline: true) {
            let result = identifier.identify(line)
            let confidence = (result.confidence * 10_000).rounded() / 10_000
            print("{\"language\": \"\(result.language)\", \"confidence\": \(confidence)}")
        }
    }
}
