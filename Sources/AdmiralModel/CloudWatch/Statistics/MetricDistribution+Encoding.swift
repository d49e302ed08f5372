/// The stored form of a distribution.
///
/// ```
/// distribution := version(0x01) zeroCount:number store(positive) store(negative)
/// store        := n:varint [ first:zigzag count:number ( gap:varint count:number ){n-1} ]
/// ```
///
/// Bucket indices are written in ascending order, the first as a zigzag integer and
/// each next one as the gap minus one to the index before it, so an index never repeats.
/// Counts use the number encoding of ``MetricByteWriter``: one byte for a whole count
/// below 32. A histogram of 150 distinct values takes a few hundred bytes.
extension MetricDistribution {
    /// The version byte that opens the encoding.
    static let encodingVersion: UInt8 = 1

    /// The distribution as bytes that ``init(decoding:)`` reads back equal.
    public func encoded() -> [UInt8] {
        var writer = MetricByteWriter()
        write(to: &writer)
        return writer.bytes
    }

    /// Reads a distribution that ``encoded()`` wrote.
    ///
    /// - Throws: ``MetricDecodingError`` when the bytes are truncated, carry trailing
    ///   bytes, an unknown version, a bucket index out of range or a count that is not a
    ///   positive finite number.
    public init(decoding bytes: some Collection<UInt8>) throws(MetricDecodingError) {
        var reader = MetricByteReader(bytes)
        try self.init(reading: &reader)
        try reader.expectEnd()
    }

    func write(to writer: inout MetricByteWriter) {
        writer.byte(Self.encodingVersion)
        writer.number(zeroCount)
        Self.write(positive, to: &writer)
        Self.write(negative, to: &writer)
    }

    init(reading reader: inout MetricByteReader) throws(MetricDecodingError) {
        let version = try reader.byte()
        guard version == Self.encodingVersion else {
            throw reader.failure("unknown distribution version \(version)")
        }
        let zeros = try reader.number()
        guard zeros >= 0 else { throw reader.failure("the count of zeros is negative") }
        let positive = try Self.store(from: &reader)
        let negative = try Self.store(from: &reader)
        self.init(positive: positive, negative: negative, zeroCount: zeros)
    }

    private static func write(_ store: MetricBucketStore, to writer: inout MetricByteWriter) {
        writer.varint(UInt64(store.count))
        var previous: Int?
        for (index, count) in zip(store.keys, store.counts) {
            if let previous {
                writer.varint(UInt64(index - previous - 1))
            } else {
                writer.zigzag(Int64(index))
            }
            writer.number(count)
            previous = index
        }
    }

    private static func store(from reader: inout MetricByteReader) throws(MetricDecodingError) -> MetricBucketStore {
        let declared = try reader.varint()
        // Every bucket takes at least two bytes, which bounds what a corrupt count can claim.
        guard declared <= UInt64(reader.remaining / 2) else {
            throw reader.failure("a store claims \(declared) buckets, more than the data can hold")
        }
        var store = MetricBucketStore()
        store.reserveCapacity(Int(declared))
        var index = 0
        for position in 0..<Int(declared) {
            if position == 0 {
                let first = try reader.zigzag()
                guard first.magnitude <= UInt64(maximumIndex) else {
                    throw reader.failure("bucket index \(first) is out of range")
                }
                index = Int(first)
            } else {
                let gap = try reader.varint()
                guard gap < UInt64(2 * maximumIndex) else { throw reader.failure("a bucket gap is out of range") }
                index += Int(gap) + 1
                guard index <= maximumIndex else { throw reader.failure("bucket index \(index) is out of range") }
            }
            let count = try reader.number()
            guard count > 0 else { throw reader.failure("bucket \(index) has a count that is not positive") }
            store.append(count, at: index)
        }
        return store
    }
}
