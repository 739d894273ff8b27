import Foundation
import FuzzDriver
import Localization

/// libFuzzer entry: the bytes are an XLIFF document. One reader reads both XLIFF 2.x and 1.2;
/// fuzz-xliff2 and fuzz-xliff12 differ in their seed corpus (and so in where libFuzzer spends
/// its time). Any input must give a result or an XLIFFError.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    _ = try? XLIFFDocument.read(data)
    return 0
}

/// Starts libFuzzer on ``fuzz(_:_:)``.
@main
enum FuzzMain {
    static func main() {
        exit(supportkit_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv))
    }
}
