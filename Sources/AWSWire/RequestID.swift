/// Request ids as AWS writes them in `x-amzn-RequestId` and `<RequestId>`.
public enum RequestID {
    private static let digits = Array("0123456789abcdef".utf8)

    /// A new random id: a lowercase version-4 UUID such as `4f90b35e-c583-4c6e-bccb-9956291dd896`.
    ///
    /// Made from the system generator (one `getrandom` call) rather than Foundation's
    /// `UUID()`, which on Linux opened and read `/dev/urandom` for every request.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() & 0xFFFF_FFFF_FFFF_0FFF | 0x0000_0000_0000_4000  // version 4
        let low = generator.next() & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000  // RFC 4122 variant
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            for digit in 0..<32 {
                if digit == 8 || digit == 12 || digit == 16 || digit == 20 {
                    buffer[position] = UInt8(ascii: "-")
                    position += 1
                }
                let word = digit < 16 ? high : low
                let shift = UInt64(60 - 4 * (digit % 16))
                buffer[position] = digits[Int((word >> shift) & 0xF)]
                position += 1
            }
            return position
        }
    }
}
