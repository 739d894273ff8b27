import Foundation
import FuzzDriver
import Localization

/// Arguments under the names the seed patterns use, of each kind a pattern can ask for.
private let arguments: [String: MessageArgument] = [
    "count": .integer(3), "n": .integer(1), "name": .text("Ada"), "gender": .text("female"),
    "total": .decimal("1234.50"), "when": .date(Date(timeIntervalSince1970: 1_700_000_000)),
    "order": .text("A-1001"), "days": .integer(14), "num_guests": .integer(0), "host": .text("Bo"),
    "price": .money(minorUnits: 129_900, currency: "SEK"), "negative": .integer(-2),
    "amount": .money(minorUnits: 89_900, currency: "SEK"), "d": .date(Date(timeIntervalSince1970: 1_763_000_000)),
    "g": .text("formal"), "x": .text("a"),
]

/// libFuzzer entry: the bytes (as UTF-8, repaired) are an ICU MessageFormat pattern. Parses it,
/// and formats what parses in a few locales.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let pattern = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    guard let format = try? MessageFormat(pattern) else { return 0 }
    for locale in ["en", "fi", "ar", "pl"] {
        _ = try? format.format(arguments, locale: locale, timeZone: .gmt)
    }
    return 0
}

/// Starts libFuzzer on ``fuzz(_:_:)``.
@main
enum FuzzMain {
    static func main() {
        exit(supportkit_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv))
    }
}
