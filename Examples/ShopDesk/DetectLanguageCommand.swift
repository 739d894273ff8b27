import ArgumentParser
import Foundation
import Localization

/// `shop-desk detect-language`: the language of each line on stdin.
struct DetectLanguageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect-language",
        abstract: "Print {\"language\": …, \"confidence\": …} for each line on standard input.")

    func run() throws {
        let model = LanguageModel.shared
        var output = ""
        while let line = readLine(strippingNewline: true) {
            let guess = model.identify(line)
            output += "{\"language\": \"\(guess.language)\", \"confidence\": \(String(format: "%.3f", guess.confidence))}\n"
            if output.utf8.count > 1 << 16 {
                FileHandle.standardOutput.write(Data(output.utf8))
                output = ""
            }
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}
