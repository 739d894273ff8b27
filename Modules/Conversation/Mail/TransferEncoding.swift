/// Content-Transfer-Encoding decoders (RFC 2045 §6): base64 and quoted-printable,
/// tolerant of the damage real mail has.
enum TransferEncoding {
    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(c)] = UInt8(i)
        }
        // base64url, which some webmail sends.
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Decodes base64, skipping whitespace and reporting other junk.
    ///
    /// - Returns: the bytes, and whether the input was damaged (characters
    ///   outside the alphabet, or a truncated final quantum whose bits were dropped).
    static func decodeBase64(_ input: ArraySlice<UInt8>) -> (bytes: [UInt8], damaged: Bool) {
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var accumulator: UInt32 = 0
        var bits = 0
        var damaged = false
        var sawPadding = false
        for byte in input {
            let value = base64Values[Int(byte)]
            if value == 0xFF {
                if byte == UInt8(ascii: "=") {
                    sawPadding = true
                } else if byte != 0x0A, byte != 0x0D, byte != 0x20, byte != 0x09 {
                    damaged = true
                }
                continue
            }
            if sawPadding {
                // Data after padding: a concatenation of encoded blocks; start a new quantum.
                accumulator = 0
                bits = 0
                sawPadding = false
            }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        // Leftover bits are padding (2 or 4 bits) in a complete quantum; 6 bits means a truncated one.
        if bits == 6 { damaged = true }
        return (output, damaged)
    }

    /// Decodes quoted-printable: `=XX` escapes and `=` soft line breaks.
    /// An `=` not followed by two hex digits is kept literally and reported.
    static func decodeQuotedPrintable(_ input: ArraySlice<UInt8>) -> (bytes: [UInt8], damaged: Bool) {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var damaged = false
        var i = input.startIndex
        let end = input.endIndex
        while i < end {
            let byte = input[i]
            if byte != UInt8(ascii: "=") {
                output.append(byte)
                i += 1
                continue
            }
            // Soft line break: "=" then optional trailing whitespace then CRLF or LF.
            var j = i + 1
            while j < end, input[j] == 0x20 || input[j] == 0x09 { j += 1 }
            if j < end, input[j] == 0x0D || input[j] == 0x0A {
                if input[j] == 0x0D, j + 1 < end, input[j + 1] == 0x0A { j += 1 }
                i = j + 1
                continue
            }
            if j == end {
                i = end
                continue
            }
            if i + 2 < end, let high = hexValue(input[i + 1]), let low = hexValue(input[i + 2]) {
                output.append(high << 4 | low)
                i += 3
            } else {
                damaged = true
                output.append(byte)
                i += 1
            }
        }
        return (output, damaged)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
