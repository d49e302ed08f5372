/// Percent-encoding as SigV4 and `application/x-www-form-urlencoded` use it, working on
/// bytes so that no UTF-8 is lost or re-normalised on the way.
public enum PercentEncoding {
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Whether a byte is one of RFC 3986's unreserved characters `A-Z a-z 0-9 - . _ ~`.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// SigV4's `UriEncode`: every byte but the unreserved ones (and `/` when `keepSlash`)
    /// becomes `%XX` with uppercase hex.
    static func encode(_ bytes: some Sequence<UInt8>, keepSlash: Bool) -> String {
        var output: [UInt8] = []
        for byte in bytes {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes behind a percent-encoded string. A `%` not followed by two hex digits is
    /// kept as it is; `+` becomes a space only when `plusAsSpace` (form encoding).
    static func decode(_ text: some StringProtocol, plusAsSpace: Bool) -> [UInt8] {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return output
    }

    /// Splits `a=1&b=2` into decoded name/value pairs, in order; a piece without `=` has an
    /// empty value and empty pieces are skipped.
    public static func formPairs(_ text: some StringProtocol, plusAsSpace: Bool) -> [(name: [UInt8], value: [UInt8])] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { piece in
            if let equals = piece.firstIndex(of: "=") {
                return (
                    decode(piece[..<equals], plusAsSpace: plusAsSpace),
                    decode(piece[piece.index(after: equals)...], plusAsSpace: plusAsSpace)
                )
            }
            return (decode(piece, plusAsSpace: plusAsSpace), [])
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
