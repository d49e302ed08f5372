/// Appends the pieces of the stored metric formats: LEB128 varints, zigzag integers and
/// numbers that take one byte when small and integral.
///
/// A number is a varint header `h`: an even `h` is the zigzag-encoded integer `h >> 1`
/// (any integral value below 2^53 in magnitude); `h == 3` is followed by the four
/// little-endian bytes of a `Float` that holds the value exactly; `h == 1` by the eight
/// little-endian bytes of the `Double`.
struct MetricByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func zigzag(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func number(_ value: Double) {
        if value.rounded(.towardZero) == value, abs(value) < MetricByteCoding.exactIntegerLimit {
            let integer = Int64(value)
            let zigzagged = UInt64(bitPattern: (integer << 1) ^ (integer >> 63))
            varint(zigzagged << 1)
        } else if let single = Float(exactly: value) {
            varint(3)
            littleEndian(UInt64(single.bitPattern), count: 4)
        } else {
            varint(1)
            littleEndian(value.bitPattern, count: 8)
        }
    }

    private mutating func littleEndian(_ value: UInt64, count: Int) {
        for shift in 0..<count {
            bytes.append(UInt8(truncatingIfNeeded: value >> (8 * shift)))
        }
    }
}

/// Reads what ``MetricByteWriter`` wrote, throwing ``MetricDecodingError`` on anything
/// short or malformed rather than trapping.
struct MetricByteReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: some Collection<UInt8>) {
        self.bytes = Array(bytes)
    }

    var remaining: Int { bytes.count - offset }

    func failure(_ reason: String) -> MetricDecodingError {
        MetricDecodingError(reason, offset: offset)
    }

    mutating func byte() throws(MetricDecodingError) -> UInt8 {
        guard offset < bytes.count else { throw failure("the data ends early") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func varint() throws(MetricDecodingError) -> UInt64 {
        var value: UInt64 = 0
        for position in 0..<10 {
            let next = try byte()
            let payload = UInt64(next & 0x7F)
            if position == 9, payload > 1 { throw failure("a varint overflows 64 bits") }
            value |= payload << (7 * UInt64(position))
            if next & 0x80 == 0 { return value }
        }
        throw failure("a varint is longer than 10 bytes")
    }

    mutating func zigzag() throws(MetricDecodingError) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    /// A number that must be finite.
    mutating func number() throws(MetricDecodingError) -> Double {
        let header = try varint()
        let value: Double
        if header & 1 == 0 {
            let raw = header >> 1
            let integer = Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
            guard Double(integer.magnitude) < MetricByteCoding.exactIntegerLimit else {
                throw failure("an integral number is out of range")
            }
            value = Double(integer)
        } else if header == 3 {
            value = Double(Float(bitPattern: UInt32(truncatingIfNeeded: try littleEndian(count: 4))))
        } else if header == 1 {
            value = Double(bitPattern: try littleEndian(count: 8))
        } else {
            throw failure("unknown number header \(header)")
        }
        guard value.isFinite else { throw failure("a number is not finite") }
        return value
    }

    func expectEnd() throws(MetricDecodingError) {
        guard remaining == 0 else { throw failure("\(remaining) unexpected trailing bytes") }
    }

    private mutating func littleEndian(count: Int) throws(MetricDecodingError) -> UInt64 {
        guard remaining >= count else { throw failure("the data ends early") }
        var value: UInt64 = 0
        for shift in 0..<count {
            value |= UInt64(bytes[offset + shift]) << (8 * UInt64(shift))
        }
        offset += count
        return value
    }
}

/// Constants shared by the writer and the reader.
enum MetricByteCoding {
    /// Integral doubles below this magnitude are exact and written as varints.
    static let exactIntegerLimit: Double = 9_007_199_254_740_992  // 2^53
}
