/// Lowercase hexadecimal, as SigV4 writes hashes and signatures.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// The lowercase hex form of some bytes.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether two strings are byte-for-byte equal, in time that depends only on their
    /// lengths, so that comparing a received signature leaks nothing about the right one.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }
}
