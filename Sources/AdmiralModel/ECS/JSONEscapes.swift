import Foundation

/// The escapes of a JSON string (RFC 8259 §7), undone over bytes: the decoder's fast path
/// and the agent's reader of Docker's json-file logs share it.
public enum JSONEscapes {
    /// Appends the bytes a JSON string's contents (between its quotes, at `range` of
    /// `bytes`) stand for to `out`; false, with `out` partly written, for an unknown escape,
    /// a malformed `\u`, or a surrogate without its pair.
    public static func unescape(_ bytes: [UInt8], _ range: Range<Int>, into out: inout [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var index = range.lowerBound
            let end = range.upperBound
            while index < end {
                // The run up to the next backslash is copied whole.
                let base = buffer.baseAddress! + index
                guard let slash = memchr(base, Int32(UInt8(ascii: "\\")), end - index) else {
                    out.append(contentsOf: UnsafeBufferPointer(start: base, count: end - index))
                    return true
                }
                let length = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(slash))
                out.append(contentsOf: UnsafeBufferPointer(start: base, count: length))
                index += length
                guard index + 1 < end else { return false }
                let escape = buffer[index + 1]
                index += 2
                switch escape {
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4(buffer, index, end) else { return false }
                    index += 4
                    if (0xD800...0xDBFF).contains(scalar) {
                        // A high surrogate must be followed by an escaped low one.
                        guard index + 6 <= end, buffer[index] == UInt8(ascii: "\\"),
                            buffer[index + 1] == UInt8(ascii: "u"), let low = hex4(buffer, index + 2, end),
                            (0xDC00...0xDFFF).contains(low)
                        else { return false }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { return false }  // a lone low surrogate
                    out.append(contentsOf: unicode.utf8)
                default:
                    return false
                }
            }
            return true
        }
    }

    private static func hex4(_ buffer: UnsafeBufferPointer<UInt8>, _ index: Int, _ end: Int) -> UInt32? {
        guard index + 4 <= end else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            guard let digit = WireJSONParser.hexValue(buffer[index + offset]) else { return nil }
            value = value << 4 | digit
        }
        return value
    }
}
