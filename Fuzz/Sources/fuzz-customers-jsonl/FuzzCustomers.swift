import CustomerModel
import Foundation
import FuzzDriver

/// libFuzzer entry: the bytes are a customers file (a JSON array of customer records, as
/// `shop-desk import-customers` reads). Must give per-entry results or a CustomerFileError.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    _ = try? CustomerFile.read(data, defaultRegion: "SE")
    return 0
}

/// Starts libFuzzer on ``fuzz(_:_:)``.
@main
enum FuzzMain {
    static func main() {
        exit(supportkit_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv))
    }
}
