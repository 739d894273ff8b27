import Foundation

/// Buffered JSON Lines on standard output, with string values escaped per RFC 8259.
public struct JSONLines {
    private var buffer: [UInt8] = []

    /// An empty buffer.
    public init() {}

    /// A JSON value of a line.
    public enum Value {
        case string(String)
        case number(Double)
    }

    /// A line of string fields.
    public mutating func write(_ fields: [(String, String)]) {
        write(fields.map { ($0.0, Value.string($0.1)) })
    }

    /// A line of fields.
    public mutating func write(_ fields: [(String, Value)]) {
        buffer.append(UInt8(ascii: "{"))
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { buffer.append(contentsOf: ", ".utf8) }
            append(key)
            buffer.append(contentsOf: ": ".utf8)
            switch value {
            case .string(let text): append(text)
            case .number(let number): buffer.append(contentsOf: (number.isFinite ? "\(number)" : "null").utf8)
            }
        }
        buffer.append(contentsOf: "}\n".utf8)
        if buffer.count > 1 << 16 { flush() }
    }

    /// Writes what is buffered.
    public mutating func flush() {
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func append(_ string: String) {
        buffer.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): buffer.append(contentsOf: "\\\\".utf8)
            case 0x0A: buffer.append(contentsOf: "\\n".utf8)
            case 0x0D: buffer.append(contentsOf: "\\r".utf8)
            case 0x09: buffer.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                buffer.append(contentsOf: "\\u00\(hex.count == 1 ? "0" + hex : hex)".utf8)
            default: buffer.append(byte)
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }
}
