import Foundation

/// The UTC timestamp formats of the AWS wire, formatted and parsed by hand: exact, fast, and
/// free of `DateFormatter` state.
public enum AWSTimestamp {
    /// A broken-down UTC time.
    struct Components: Equatable {
        var year: Int
        var month: Int
        var day: Int
        var hour: Int
        var minute: Int
        var second: Int
        var millisecond: Int
    }

    private static let monthNames = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    // MARK: Formatting

    /// `20150830T123600Z`, the SigV4 `X-Amz-Date` format; sub-second parts are dropped.
    static func basicISO8601(_ date: Date) -> String {
        let c = components(date)
        return pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2) + "T" + pad(c.hour, 2) + pad(c.minute, 2)
            + pad(c.second, 2) + "Z"
    }

    /// `20150830`, the date of a SigV4 credential scope.
    static func scopeDate(_ date: Date) -> String {
        String(basicISO8601(date).prefix(8))
    }

    /// `2026-11-25T17:01:23.123Z`, the Query protocol's response timestamp format.
    static func iso8601WithMilliseconds(_ date: Date) -> String {
        let c = components(date)
        return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2) + "T" + pad(c.hour, 2) + ":"
            + pad(c.minute, 2) + ":" + pad(c.second, 2) + "." + pad(c.millisecond, 3) + "Z"
    }

    /// The UTC components of a date, to the nearest millisecond.
    static func components(_ date: Date) -> Components {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, millisecond) = floorDivide(totalMilliseconds, 1000)
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        let (year, month, day) = civil(fromDays: days)
        return Components(
            year: Int(year), month: Int(month), day: Int(day), hour: Int(secondOfDay / 3600),
            minute: Int(secondOfDay % 3600 / 60), second: Int(secondOfDay % 60),
            millisecond: Int(millisecond))
    }

    // MARK: Parsing

    /// Parses `20150830T123600Z` exactly.
    static func parseBasicISO8601(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z"),
            let year = number(bytes, 0, 4), let month = number(bytes, 4, 2), let day = number(bytes, 6, 2),
            let hour = number(bytes, 9, 2), let minute = number(bytes, 11, 2),
            let second = number(bytes, 13, 2)
        else { return nil }
        return date(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Parses an ISO 8601 date-time in extended format: `2026-11-25T17:01:23Z`, with any
    /// number of fractional digits and a `Z`, `±hh:mm` or `±hhmm` offset (none means UTC),
    /// a bare date `2026-11-25`, or a number of seconds since 1970.
    public static func parseISO8601(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        let isEpochSeconds = bytes.enumerated().allSatisfy { index, byte in
            digitValue(byte) != nil || byte == UInt8(ascii: ".") || (index == 0 && byte == UInt8(ascii: "-"))
        }
        if isEpochSeconds {
            return Double(text).map { Date(timeIntervalSince1970: $0) }
        }
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2)
        else { return nil }
        if bytes.count == 10 {
            return date(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        }
        guard bytes.count >= 19, [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(bytes[10]),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, let digit = digitValue(bytes[index]) {
                fraction += Double(digit) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offsetSeconds = 0
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                guard let offsetHours = number(bytes, index + 1, 2) else { return nil }
                index += 3
                if index < bytes.count, bytes[index] == UInt8(ascii: ":") { index += 1 }
                guard let offsetMinutes = number(bytes, index, 2) else { return nil }
                index += 2
                offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
            default:
                return nil
            }
        }
        guard index == bytes.count,
            let base = date(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        return base.addingTimeInterval(fraction - Double(offsetSeconds))
    }

    /// Parses an HTTP `Date` header: `Sun, 30 Aug 2015 12:36:00 GMT`.
    static func parseRFC1123(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT" || parts[5] == "UTC",
            let day = Int(parts[1]), let monthIndex = monthNames.firstIndex(of: String(parts[2])),
            let year = Int(parts[3])
        else { return nil }
        let time = parts[4].split(separator: ":")
        guard time.count == 3, let hour = Int(time[0]), let minute = Int(time[1]), let second = Int(time[2])
        else { return nil }
        return date(year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second)
    }

    /// The date of a UTC calendar time, or nil when a field is out of range.
    static func date(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour),
            (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let days = days(fromCivil: Int64(year), Int64(month), Int64(day))
        let check = civil(fromDays: days)
        guard check.year == Int64(year), check.month == Int64(month), check.day == Int64(day) else {
            return nil
        }
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    // MARK: Calendar arithmetic (proleptic Gregorian, days since 1970-01-01)

    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = (month + 9) % 12
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (month <= 2 ? yearOfEra + era * 400 + 1 : yearOfEra + era * 400, month, day)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    // MARK: Digits

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start >= 0, start + count <= bytes.count else { return nil }
        var value = 0
        for index in start..<(start + count) {
            guard let digit = digitValue(bytes[index]) else { return nil }
            value = value * 10 + digit
        }
        return value
    }
}
