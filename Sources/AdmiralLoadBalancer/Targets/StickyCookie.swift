#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// ALB's load-balancer-generated stickiness cookies: `AWSALB` names the target,
/// `AWSALBTG` the target group of a weighted forward.
enum StickyCookie {
    static let targetCookie = "AWSALB"
    static let targetGroupCookie = "AWSALBTG"

    /// A `Set-Cookie` value: `NAME=value; Expires=<HTTP-date>; Path=/`.
    static func setCookie(name: String, value: String, lifetime: Duration, now: Int = Int(time(nil))) -> String {
        let seconds = Int(lifetime.components.seconds)
        return "\(name)=\(value); Expires=\(httpDate(epochSeconds: now + seconds)); Path=/"
    }

    /// An IMF-fixdate such as `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(epochSeconds: Int) -> String {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let secondsOfDay = epochSeconds - days * 86_400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = ((days % 7) + 11) % 7  // 1970-01-01 was a Thursday
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let hour = secondsOfDay / 3600
        let minute = secondsOfDay % 3600 / 60
        let second = secondsOfDay % 60
        return
            "\(weekdays[weekday]), \(two(day)) \(months[month - 1]) \(year) \(two(hour)):\(two(minute)):\(two(second)) GMT"
    }
}
