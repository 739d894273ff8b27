import Foundation
import FuzzDriver
import Policy

/// libFuzzer entry: the bytes are a policy document, read as JSON and as YAML; a document that
/// loads is compiled too (business hours, SLA targets, routing).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    for format in [SupportPolicyDocument.Format.json, .yaml] {
        guard let document = try? SupportPolicyDocument.load(from: data, format: format) else { continue }
        _ = try? document.compiled()
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
