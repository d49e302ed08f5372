import Foundation

/// The textual forms CloudWatch's alarm service (a Java service) writes: numbers as Java's
/// `Double.toString` prints them (`50.0`, `0.2872183414376726`, `1.0E7`) and times in UTC as
/// `07/12/26 07:40:00` in state reasons and `2026-12-07T07:40:00.000+0000` in JSON.
public enum AlarmFormat {
    /// `value` as Java's `Double.toString` prints it: the shortest digits that round-trip, in plain
    /// notation with at least one fraction digit when 10⁻³ ≤ |value| < 10⁷, otherwise as `d.dddE±n`.
    public static func javaDouble(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        let sign = value.sign == .minus ? "-" : ""
        if value == 0 { return sign + "0.0" }
        let magnitude = Swift.abs(value)
        // Whole numbers in plain notation (thresholds, counts, most datapoints): `90.0`.
        if magnitude >= 1 && magnitude < 1e7 && magnitude.rounded(.towardZero) == magnitude {
            return sign + String(Int(magnitude)) + ".0"
        }
        let (digits, point) = decimalDigits(of: magnitude)
        if magnitude >= 1e-3 && magnitude < 1e7 {
            return sign + plain(digits: digits, point: point)
        }
        let fraction = digits.count > 1 ? String(digits.dropFirst()) : "0"
        return sign + "\(digits.prefix(1)).\(fraction)E\(point - 1)"
    }

    /// A datapoint's time as a state reason prints it: `dd/MM/yy HH:mm:ss` in UTC.
    public static func reasonTimestamp(_ date: Date) -> String {
        let c = UTCComponents(date)
        var out: [UInt8] = []
        out.reserveCapacity(17)
        digits(c.day, 2, &out, then: "/")
        digits(c.month, 2, &out, then: "/")
        digits(c.year % 100, 2, &out, then: " ")
        digits(c.hour, 2, &out, then: ":")
        digits(c.minute, 2, &out, then: ":")
        digits(c.second, 2, &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A time as CloudWatch's JSON documents print it: `yyyy-MM-dd'T'HH:mm:ss.SSS+0000` in UTC.
    public static func jsonTimestamp(_ date: Date) -> String {
        let c = UTCComponents(date)
        var out: [UInt8] = []
        out.reserveCapacity(28)
        digits(c.year, 4, &out, then: "-")
        digits(c.month, 2, &out, then: "-")
        digits(c.day, 2, &out, then: "T")
        digits(c.hour, 2, &out, then: ":")
        digits(c.minute, 2, &out, then: ":")
        digits(c.second, 2, &out, then: ".")
        digits(c.millisecond, 3, &out)
        out.append(contentsOf: "+0000".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `value` in decimal, zero-padded to `width` digits, then `separator` if any
    /// (times are formatted thousands of times per alarm pass).
    private static func digits(_ value: Int, _ width: Int, _ out: inout [UInt8], then separator: Unicode.Scalar? = nil) {
        if value < 0 {
            out.append(contentsOf: pad(value, width).utf8)
        } else {
            var count = 1
            var divisor = 1
            while value / divisor >= 10 {
                divisor *= 10
                count += 1
            }
            for _ in count..<max(width, count) { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        if let separator { out.append(UInt8(ascii: separator)) }
    }

    /// Milliseconds since the epoch, as `stateUpdateTimestamp` carries them in action history.
    public static func epochMilliseconds(_ date: Date) -> Int64 {
        UTCComponents.milliseconds(date)
    }

    /// The significant decimal digits of a positive finite `value` (no leading or trailing zeros) and the
    /// position of the decimal point relative to the first digit (`123.4` → `1234`, 3; `0.001` → `1`, -2).
    private static func decimalDigits(of value: Double) -> (digits: String, point: Int) {
        let text = value.description.lowercased()
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(of: "e") {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...].replacingOccurrences(of: "+", with: "")) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integer = parts.first.map(String.init) ?? ""
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = Array(integer + fraction)
        var point = integer.count + exponent
        while digits.count > 1, digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        return (String(digits), point)
    }

    private static func plain(digits: String, point: Int) -> String {
        if point <= 0 { return "0." + String(repeating: "0", count: -point) + digits }
        if point >= digits.count { return digits + String(repeating: "0", count: point - digits.count) + ".0" }
        let split = digits.index(digits.startIndex, offsetBy: point)
        return "\(digits[..<split]).\(digits[split...])"
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

/// The proleptic Gregorian calendar fields of a `Date` in UTC, computed without `Calendar` or locales.
private struct UTCComponents {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    var millisecond: Int

    init(_ date: Date) {
        let total = Self.milliseconds(date)
        let msPerDay: Int64 = 86_400_000
        let days = Int(total >= 0 ? total / msPerDay : (total - msPerDay + 1) / msPerDay)
        let ofDay = Int(total - Int64(days) * msPerDay)
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        hour = ofDay / 3_600_000
        minute = ofDay / 60_000 % 60
        second = ofDay / 1000 % 60
        millisecond = ofDay % 1000
    }

    /// Whole milliseconds since the epoch, rounding the `Double` to the microsecond first so that
    /// `.437` does not print as `.436`.
    static func milliseconds(_ date: Date) -> Int64 {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        return micros >= 0 ? micros / 1000 : (micros - 999) / 1000
    }
}
