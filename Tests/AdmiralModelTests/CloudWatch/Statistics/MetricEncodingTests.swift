import AdmiralModel
import Foundation
import Testing

@Suite("Stored bytes of distributions and aggregates: round trips, size and corrupt input")
struct MetricEncodingTests {
    /// Distributions with every kind of content.
    private func sampleDistributions() -> [MetricDistribution] {
        var mixed = MetricDistribution()
        for value in StatisticsDataset.wideRangeWithZeros.values() { mixed.add(value) }
        var fractional = MetricDistribution()
        fractional.add(2, count: 0.5)
        fractional.add(-7.25, count: 1.0 / 3)
        fractional.add(0, count: 1e20)
        var extremes = MetricDistribution()
        for value in [
            Double.greatestFiniteMagnitude, -Double.greatestFiniteMagnitude, .leastNonzeroMagnitude,
            -.leastNonzeroMagnitude,
        ] {
            extremes.add(value, count: 3)
        }
        var single = MetricDistribution()
        single.add(42)
        return [MetricDistribution(), single, mixed, fractional, extremes]
    }

    /// Aggregates with and without a distribution.
    private func sampleAggregates() throws -> [MetricAggregate] {
        [
            MetricAggregate(value: 3),
            MetricAggregate(value: -0.1),
            try #require(MetricAggregate(values: StatisticsDataset.mixedSign.values(), counts: nil)),
            try #require(MetricAggregate(values: [1.5, 2.5, 1e300], counts: [0.25, 7, 1])),
            MetricAggregate(sampleCount: 12, sum: 100.125, minimum: -4, maximum: 77.7),
            MetricAggregate(sampleCount: 1, sum: 8, minimum: 8, maximum: 8),
        ]
    }

    @Test("a distribution decodes back equal to the one encoded")
    func distributionRoundTrip() throws {
        for distribution in sampleDistributions() {
            let decoded = try MetricDistribution(decoding: distribution.encoded())
            #expect(decoded == distribution)
            #expect(decoded.quantile(0.9) == distribution.quantile(0.9))
        }
    }

    @Test("an aggregate decodes back equal to the one encoded, from an array or from Data")
    func aggregateRoundTrip() throws {
        for aggregate in try sampleAggregates() {
            let bytes = aggregate.encoded()
            #expect(try MetricAggregate(decoding: bytes) == aggregate)
            #expect(try MetricAggregate(decoding: Data(bytes)) == aggregate)
            // A slice whose indices do not start at zero reads the same.
            let padded = Data([0xEE] + bytes).dropFirst()
            #expect(try MetricAggregate(decoding: padded) == aggregate)
        }
    }

    @Test("a histogram of 150 distinct values with counts stays well under 1 KB")
    func compactHistogram() throws {
        var random = StatisticsSeededRandom(seed: 150)
        let values = (0..<150).map { _ in Double.random(in: 0.001..<100_000, using: &random) }
        let counts = (0..<150).map { _ in Double(Int.random(in: 1...500, using: &random)) }
        let aggregate = try #require(MetricAggregate(values: values, counts: counts))
        let bytes = aggregate.encoded()
        #expect(bytes.count < 700, "\(bytes.count) bytes")

        var latencies = MetricDistribution()
        for value in values { latencies.add((value / 1000).rounded()) }
        #expect(latencies.encoded().count < 400)
        #expect(MetricAggregate(value: 1).encoded().count <= 16)
    }

    /// The prefix lengths to try: all of them for short encodings, and for long ones the
    /// first and last 64 and every 17th in between.
    private func truncations(of count: Int) -> [Int] {
        guard count > 200 else { return Array(0..<count) }
        return Array(0..<64) + Array(stride(from: 64, to: count - 64, by: 17)) + Array((count - 64)..<count)
    }

    @Test("truncated bytes throw instead of crashing")
    func truncationThrows() throws {
        for aggregate in try sampleAggregates() {
            let bytes = aggregate.encoded()
            for length in truncations(of: bytes.count) {
                #expect(throws: MetricDecodingError.self) { try MetricAggregate(decoding: bytes.prefix(length)) }
            }
        }
        for distribution in sampleDistributions() {
            let bytes = distribution.encoded()
            for length in truncations(of: bytes.count) {
                #expect(throws: MetricDecodingError.self) { try MetricDistribution(decoding: bytes.prefix(length)) }
            }
        }
    }

    @Test("trailing bytes, unknown versions and unknown flags are rejected")
    func framingRejected() throws {
        let bytes = MetricAggregate(value: 1).encoded()
        #expect(throws: MetricDecodingError.self) { try MetricAggregate(decoding: bytes + [0]) }
        #expect(throws: MetricDecodingError.self) { try MetricAggregate(decoding: [2] + bytes.dropFirst()) }
        var flags = bytes
        flags[1] = 0b10
        #expect(throws: MetricDecodingError.self) { try MetricAggregate(decoding: flags) }
        #expect(throws: MetricDecodingError.self) { try MetricDistribution(decoding: [0]) }
        #expect(throws: MetricDecodingError.self) { try MetricDistribution(decoding: [1, 0, 0, 0, 0]) }
    }

    @Test("numbers that are not finite, malformed or inconsistent are rejected")
    func badNumbersRejected() {
        let nan = [UInt8(1)] + withUnsafeBytes(of: Double.nan.bitPattern.littleEndian) { Array($0) }
        // version, flags, then sampleCount = NaN.
        #expect(throws: MetricDecodingError.self) { try MetricAggregate(decoding: [1, 0] + nan + [0, 0, 0]) }
        // A number header of 5 is undefined.
        #expect(throws: MetricDecodingError.self) { try MetricAggregate(decoding: [1, 0, 5, 0, 0, 0]) }
        // A varint longer than ten bytes.
        let long = [UInt8](repeating: 0xFF, count: 11) + [0]
        #expect(throws: MetricDecodingError.self) { try MetricAggregate(decoding: [1, 0] + long) }
        // A negative sample count (zigzag −1 is 1, as a number header 2).
        #expect(throws: MetricDecodingError.self) { try MetricAggregate(decoding: [1, 0, 2, 0, 0, 0]) }
        // Minimum 2 (header 8) above maximum 1 (header 4).
        #expect(throws: MetricDecodingError.self) { try MetricAggregate(decoding: [1, 0, 4, 0, 8, 4]) }
        // The same with minimum 1 and maximum 2 reads.
        #expect((try? MetricAggregate(decoding: [1, 0, 4, 0, 4, 8])) != nil)
    }

    @Test("corrupt bucket stores are rejected: absurd bucket counts, indices out of range, counts not positive")
    func badStoresRejected() throws {
        // version, zeros 0, positive store claiming 2^35 buckets.
        #expect(throws: MetricDecodingError.self) {
            try MetricDistribution(decoding: [1, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0, 0])
        }
        // One bucket at index 2^40 (zigzag 2^41), count 1.
        var writer: [UInt8] = [1, 0, 1]
        var index: UInt64 = 1 << 41
        while index >= 0x80 {
            writer.append(UInt8(truncatingIfNeeded: index) | 0x80)
            index >>= 7
        }
        writer += [UInt8(index), 2, 0]
        #expect(throws: MetricDecodingError.self) { try MetricDistribution(decoding: writer) }
        // One bucket at index 0 with count 0, then with count −1.
        #expect(throws: MetricDecodingError.self) { try MetricDistribution(decoding: [1, 0, 1, 0, 0, 0]) }
        #expect(throws: MetricDecodingError.self) { try MetricDistribution(decoding: [1, 0, 1, 0, 2, 0]) }
        // A negative count of zeros.
        #expect(throws: MetricDecodingError.self) { try MetricDistribution(decoding: [1, 2, 0, 0]) }
        // The well-formed version of the same: one bucket at index 0 with count 1.
        var expected = MetricDistribution()
        expected.add(1)
        #expect(try MetricDistribution(decoding: [1, 0, 1, 0, 4, 0]) == expected)
    }

    @Test("thousands of random corruptions of valid bytes either throw or decode, never crash")
    func randomCorruption() throws {
        var random = StatisticsSeededRandom(seed: 7)
        let originals = try sampleAggregates().map { $0.encoded() }
        var thrown = 0
        for round in 0..<4000 {
            var bytes = originals[round % originals.count]
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                bytes[position] = UInt8.random(in: 0...255, using: &random)
            }
            do {
                let decoded = try MetricAggregate(decoding: bytes)
                #expect(decoded.minimum <= decoded.maximum)
                _ = decoded.percentile(50)
            } catch {
                thrown += 1
            }
        }
        #expect(thrown > 0)
    }
}
