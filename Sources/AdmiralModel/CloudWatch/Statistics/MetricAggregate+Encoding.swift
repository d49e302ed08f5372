/// The stored form of an aggregate.
///
/// ```
/// aggregate := version(0x01) flags:byte sampleCount:number sum:number
///              minimum:number maximum:number [distribution]
/// ```
///
/// Bit 0 of `flags` says whether a distribution (see ``MetricDistribution/encoded()``)
/// follows; no other bit is defined. Numbers use the encoding of ``MetricByteWriter``,
/// so a whole-valued count, sum or bound takes a byte or a few.
extension MetricAggregate {
    /// The version byte that opens the encoding.
    static let encodingVersion: UInt8 = 1
    /// The flag saying a distribution follows.
    static let hasDistribution: UInt8 = 0b1

    /// The aggregate as bytes that ``init(decoding:)`` reads back equal.
    public func encoded() -> [UInt8] {
        var writer = MetricByteWriter()
        writer.byte(Self.encodingVersion)
        writer.byte(distribution == nil ? 0 : Self.hasDistribution)
        writer.number(sampleCount)
        writer.number(sum)
        writer.number(minimum)
        writer.number(maximum)
        distribution?.write(to: &writer)
        return writer.bytes
    }

    /// Reads an aggregate that ``encoded()`` wrote.
    ///
    /// - Throws: ``MetricDecodingError`` when the bytes are truncated, carry trailing
    ///   bytes, an unknown version or flag, a number that is not finite, a negative
    ///   sample count, a minimum above the maximum or a corrupt distribution.
    public init(decoding bytes: some Collection<UInt8>) throws(MetricDecodingError) {
        var reader = MetricByteReader(bytes)
        let version = try reader.byte()
        guard version == Self.encodingVersion else { throw reader.failure("unknown aggregate version \(version)") }
        let flags = try reader.byte()
        guard flags & ~Self.hasDistribution == 0 else { throw reader.failure("unknown aggregate flags \(flags)") }
        let sampleCount = try reader.number()
        guard sampleCount >= 0 else { throw reader.failure("the sample count is negative") }
        let sum = try reader.number()
        let minimum = try reader.number()
        let maximum = try reader.number()
        guard minimum <= maximum else { throw reader.failure("the minimum is above the maximum") }
        let distribution = flags & Self.hasDistribution == 0 ? nil : try MetricDistribution(reading: &reader)
        try reader.expectEnd()
        self.init(sampleCount: sampleCount, sum: sum, minimum: minimum, maximum: maximum, distribution: distribution)
    }
}
