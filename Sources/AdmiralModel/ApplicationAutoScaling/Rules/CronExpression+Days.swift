extension CronExpression {
    /// What the Day-of-month field selects.
    ///
    /// Beyond plain values the field takes `?` (any: the day is chosen by Day-of-week), `L` (the last day
    /// of the month), `L-n` (n days before the last day), `LW` (the last weekday of the month) and `nW`
    /// (the weekday nearest day n, without leaving the month: `1W` on a Saturday is Monday the 3rd, `31W`
    /// on a Sunday is Friday the 29th), as in the cron reference's `L` and `W` wildcards.
    public enum DayOfMonth: Sendable, Hashable {
        /// `?`: Day-of-week decides.
        case any
        /// These days of the month, sorted; a day a month does not have never matches.
        case days([Int])
        /// `L` (offset 0) or `L-n`: the day `offset` days before the month's last day.
        case last(offset: Int)
        /// `LW`: the last Monday-to-Friday day of the month.
        case lastWeekday
        /// `nW`: the Monday-to-Friday day nearest day `n` of the month.
        case nearestWeekday(Int)
    }

    /// What the Day-of-week field selects, with days numbered 1 (Sunday) to 7 (Saturday).
    ///
    /// Beyond plain values and `SUN`–`SAT` the field takes `?` (any: Day-of-month decides), `L` alone
    /// (the last day of the week, Saturday), `dL` (the last day `d` of the month, `5L` or `THUL` for the
    /// last Thursday) and `d#n` (the n-th day `d` of the month, `3#2` for the second Tuesday).
    public enum DayOfWeek: Sendable, Hashable {
        /// `?`: Day-of-month decides.
        case any
        /// These days of the week, sorted.
        case days([Int])
        /// `dL`: the last such day of the week in the month.
        case last(Int)
        /// `d#n`: the n-th such day of the week in the month (n from 1 to 5).
        case nth(weekday: Int, n: Int)
    }

    static func parseDayOfMonth(_ text: String, in expression: String) throws(ScalingRuleError) -> DayOfMonth {
        let field = Field.dayOfMonth
        let upper = text.uppercased()
        if upper == "?" { return .any }
        if upper == "L" { return .last(offset: 0) }
        if upper == "LW" { return .lastWeekday }
        if upper.hasPrefix("L-") {
            let offset = String(upper.dropFirst(2))
            guard ScheduleExpression.isDigits(offset), let days = Int(offset), (0...30).contains(days) else {
                throw problem(
                    "'\(text)' in Day-of-month needs a number of days from 0 to 30 after 'L-'", in: expression)
            }
            return .last(offset: days)
        }
        if upper.count > 1, upper.hasSuffix("W"), !upper.contains(",") {
            return .nearestWeekday(try field.value(String(upper.dropLast()), in: expression))
        }
        if upper.contains("L") || upper.contains("W") {
            throw problem(
                "'\(text)' in Day-of-month uses L or W with other values; write L, L-n, LW or nW on its own",
                in: expression)
        }
        if upper.contains("#") { throw problem("'#' belongs in Day-of-week, not Day-of-month", in: expression) }
        return .days(try field.values(upper, in: expression))
    }

    static func parseDayOfWeek(_ text: String, in expression: String) throws(ScalingRuleError) -> DayOfWeek {
        let field = Field.dayOfWeek
        let upper = text.uppercased()
        if upper == "?" { return .any }
        if upper == "L" { return .days([7]) }
        if upper.contains(",") && (upper.contains("#") || upper.hasSuffix("L")) {
            throw problem(
                "'\(text)' in Day-of-week lists L or # with other values; use them on their own", in: expression)
        }
        if let hash = upper.firstIndex(of: "#") {
            let weekday = try field.value(String(upper[..<hash]), in: expression)
            let nth = String(upper[upper.index(after: hash)...])
            guard ScheduleExpression.isDigits(nth), let n = Int(nth), (1...5).contains(n) else {
                throw problem("'\(text)' in Day-of-week needs a week from 1 to 5 after '#'", in: expression)
            }
            return .nth(weekday: weekday, n: n)
        }
        if upper.count > 1, upper.hasSuffix("L") {
            return .last(try field.value(String(upper.dropLast()), in: expression))
        }
        if upper.contains("W") && !field.names.keys.contains(where: { upper.contains($0) }) {
            throw problem("'W' belongs in Day-of-month, not Day-of-week", in: expression)
        }
        return .days(try field.values(upper, in: expression))
    }
}

extension CronExpression.DayOfMonth {
    /// Whether `day` of a month with `length` days matches, `weekday` giving each day's day of the week.
    func matches(day: Int, length: Int, weekday: (Int) -> Int) -> Bool {
        switch self {
        case .any: true
        case .days(let days): days.contains(day)
        case .last(let offset): day == length - offset
        case .lastWeekday:
            switch weekday(length) {
            case 7: day == length - 1
            case 1: day == length - 2
            default: day == length
            }
        case .nearestWeekday(let target):
            target <= length && day == Self.nearestWeekday(to: target, length: length, weekday: weekday)
        }
    }

    private static func nearestWeekday(to target: Int, length: Int, weekday: (Int) -> Int) -> Int {
        switch weekday(target) {
        case 7: target == 1 ? target + 2 : target - 1
        case 1: target == length ? target - 2 : target + 1
        default: target
        }
    }
}

extension CronExpression.DayOfWeek {
    /// Whether `day` of a month with `length` days matches, `weekday` giving each day's day of the week.
    func matches(day: Int, length: Int, weekday: (Int) -> Int) -> Bool {
        switch self {
        case .any: true
        case .days(let days): days.contains(weekday(day))
        case .last(let target): weekday(day) == target && day + 7 > length
        case .nth(let target, let n): weekday(day) == target && (day - 1) / 7 + 1 == n
        }
    }
}
