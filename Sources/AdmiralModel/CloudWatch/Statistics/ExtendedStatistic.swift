/// A CloudWatch percentile statistic, `pNN.NN`: `p50`, `p99`, `p99.9`, `p0.0` up to
/// `p100`, with at most two decimal places, as `ExtendedStatistics`, an alarm's
/// `ExtendedStatistic` and `MetricStat.Stat` write it.
///
/// CloudWatch also has trimmed means (`tm90`, `TM(10%:90%)`), winsorized means, trimmed
/// counts and sums, and percentile ranks; none of them is a percentile, and they are
/// rejected here like any other text.
public struct ExtendedStatistic: Sendable, Hashable, CustomStringConvertible {
    /// The text as the caller wrote it, which is also the key CloudWatch answers under.
    public let text: String
    /// The percentile, in `0...100`.
    public let percentile: Double

    /// The most decimal places CloudWatch accepts after the point.
    public static let maximumDecimalPlaces = 2

    /// Parses `text`; nil when it is not a percentile statistic CloudWatch accepts: a
    /// lowercase `p`, one to three digits, optionally a point and one or two digits, and
    /// a value no greater than 100.
    public init?(_ text: String) {
        let characters = Array(text.utf8)
        guard characters.first == UInt8(ascii: "p") else { return nil }
        let number = characters.dropFirst()
        let parts = number.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, (1...3).contains(whole.count), whole.allSatisfy(Self.isDigit) else {
            return nil
        }
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...Self.maximumDecimalPlaces).contains(fraction.count), fraction.allSatisfy(Self.isDigit) else {
                return nil
            }
        }
        guard let value = Double(String(decoding: number, as: UTF8.self)), value <= 100 else { return nil }
        self.text = text
        self.percentile = value
    }

    /// Parses `text`, or throws the message CloudWatch's `InvalidParameterValue` carries,
    /// naming `parameter` (for example `ExtendedStatistics.member.1`).
    public static func parse(_ text: String, parameter: String) throws(InvalidExtendedStatistic) -> ExtendedStatistic {
        guard let statistic = ExtendedStatistic(text) else {
            throw InvalidExtendedStatistic(text: text, parameter: parameter)
        }
        return statistic
    }

    /// The text as written, for example `p99.9`.
    public var description: String { text }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

/// Text given where a percentile statistic belongs that is not one.
public struct InvalidExtendedStatistic: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text that was given.
    public var text: String
    /// The parameter that carried it, for example `ExtendedStatistics.member.1`.
    public var parameter: String

    /// Creates the error.
    public init(text: String, parameter: String) {
        self.text = text
        self.parameter = parameter
    }

    /// The message for CloudWatch's `InvalidParameterValue`.
    public var message: String {
        "The value \(text) for parameter \(parameter) is not a valid percentile statistic. "
            + "Specify a percentile between p0.0 and p100 with up to two decimal places, for example p99 or p99.95."
    }

    /// The same as ``message``.
    public var description: String { message }
}
