import Foundation
import Prometheus

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal HTTP/1.1 server on loopback: `GET /metrics` answers the registry's exposition,
/// anything else 404. One connection at a time, closed after each answer — what a Prometheus
/// scrape needs and nothing more (a real host serves metrics from its own HTTP server).
func serveMetrics(_ registry: PrometheusCollectorRegistry, port: UInt16) -> Never {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard listener >= 0 else { fatalError("socket: \(String(cString: strerror(errno)))") }
    var reuse: Int32 = 1
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(listener, 16) == 0 else {
        FileHandle.standardError.write(Data("prometheus-desk: cannot listen on 127.0.0.1:\(port): \(String(cString: strerror(errno)))\n".utf8))
        exit(75)
    }
    FileHandle.standardError.write(Data("prometheus-desk: serving http://127.0.0.1:\(port)/metrics\n".utf8))
    while true {
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { continue }
        var request = [UInt8](repeating: 0, count: 4_096)
        let count = read(connection, &request, request.count)
        let line = String(decoding: request.prefix(max(0, count)).prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
        let response: [UInt8]
        if line.hasPrefix("GET /metrics ") || line == "GET /metrics" {
            let body = registry.emitToBuffer()
            response = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body
        } else {
            response = Array("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        }
        var sent = 0
        while sent < response.count {
            let written = response[sent...].withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
            guard written > 0 else { break }
            sent += written
        }
        close(connection)
    }
}
