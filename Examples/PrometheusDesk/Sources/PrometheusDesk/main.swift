// prometheus-desk: a live desk whose counters and timers Prometheus scrapes.
//
//   prometheus-desk --store S [--desk-address A] [--port 9464] [--once] [MAIL...]
//
// Bootstraps swift-metrics with swift-prometheus (the library never bootstraps), ingests the
// mail given (live intake: mail that only claims the desk's address is held) through the desk,
// then serves GET /metrics on 127.0.0.1:PORT in the Prometheus text format. With --once it
// prints the exposition instead and exits (what CI runs).
import Conversation
import CoreMetrics
import CustomerModel
import Foundation
import Prometheus
import SQLiteStorage
import SupportDesk

struct Options {
    var store = "prometheus-desk.sqlite"
    var deskAddresses: [String] = []
    var port: UInt16 = 9464
    var once = false
    var mail: [String] = []

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--store": guard let value = rest.popFirst() else { return nil }; options.store = value
            case "--desk-address": guard let value = rest.popFirst() else { return nil }; options.deskAddresses.append(value)
            case "--port": guard let value = rest.popFirst().flatMap(UInt16.init), value > 0 else { return nil }; options.port = value
            case "--once": options.once = true
            case "-h", "--help": return nil
            default:
                guard !argument.hasPrefix("-") else { return nil }
                options.mail.append(argument)
            }
        }
        return options
    }
}

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("prometheus-desk: \(message)\n".utf8))
    exit(code)
}

guard let options = Options.parse(Array(CommandLine.arguments.dropFirst())) else {
    fail("usage: prometheus-desk --store S [--desk-address A] [--port 9464] [--once] [MAIL...]", code: 64)
}

// First responses are minutes to days, not the milliseconds of a web request.
var factory = PrometheusMetricsFactory()
factory.durationHistogramBuckets["supportkit_first_response_seconds"] = [
    .seconds(60), .seconds(300), .seconds(900), .seconds(3_600), .seconds(4 * 3_600), .seconds(8 * 3_600),
    .seconds(24 * 3_600), .seconds(72 * 3_600),
]
MetricsSystem.bootstrap(factory)

let store: SQLiteSupportStore
do { store = try SQLiteSupportStore(path: options.store) } catch { fail("cannot open \(options.store): \(error)", code: 74) }
let addresses: Set<ContactPoint>
do { addresses = Set(try options.deskAddresses.map { try ContactPoint.email($0) }) } catch { fail("--desk-address: \(error)", code: 64) }
let desk = Desk(store: store, directory: SingleBuyerDeskDirectory(), deskAddresses: addresses)
for path in options.mail {
    do {
        let outcomes = try await desk.ingest(try MailboxReader.messages(at: path))
        FileHandle.standardError.write(Data("prometheus-desk: \(path): \(outcomes.count) messages\n".utf8))
    } catch { fail("\(path): \(error)", code: 66) }
}

let registry = factory.registry
if options.once {
    print(registry.emitToString(), terminator: "")
    exit(0)
}
serveMetrics(registry, port: options.port)
