extension CronExpression {
    /// One of the fields of a cron expression that takes plain values: its name for messages, its range,
    /// and the names it accepts in place of numbers.
    ///
    /// The syntax is the one the CloudWatch Events / EventBridge "Cron expressions" reference gives and
    /// Application Auto Scaling points to: values, `,` lists, `-` ranges, `*` for every value and `/`
    /// increments (`0/15`, `*/15`, `10-40/10`). Names (`JAN`–`DEC`, `SUN`–`SAT`) are case-insensitive.
    struct Field: Sendable {
        /// The field's name as the cron reference spells it.
        let name: String
        /// The values the field can take.
        let range: ClosedRange<Int>
        /// Names that stand for values, upper-cased.
        let names: [String: Int]

        static let seconds = Field(name: "Seconds", range: 0...59, names: [:])
        static let minutes = Field(name: "Minutes", range: 0...59, names: [:])
        static let hours = Field(name: "Hours", range: 0...23, names: [:])
        static let dayOfMonth = Field(name: "Day-of-month", range: 1...31, names: [:])
        static let month = Field(
            name: "Month", range: 1...12,
            names: [
                "JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
                "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12,
            ])
        static let dayOfWeek = Field(
            name: "Day-of-week", range: 1...7,
            names: ["SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7])
        static let year = Field(name: "Year", range: 1970...2199, names: [:])

        /// The sorted, distinct values a comma-separated list of values, ranges, `*` and increments selects.
        func values(_ text: String, in expression: String) throws(ScalingRuleError) -> [Int] {
            var selected = Set<Int>()
            for item in text.split(separator: ",", omittingEmptySubsequences: false) {
                selected.formUnion(try itemValues(String(item), in: expression))
            }
            return selected.sorted()
        }

        /// One value (a number or a name), checked against the range.
        func value(_ text: String, in expression: String) throws(ScalingRuleError) -> Int {
            let upper = text.uppercased()
            if let named = names[upper] { return named }
            guard !upper.isEmpty, ScheduleExpression.isDigits(upper), let number = Int(upper) else {
                throw problem("'\(text)' is not a value of the \(name) field\(namesHint)", in: expression)
            }
            guard range.contains(number) else {
                throw problem(
                    "\(number) is outside the \(name) field's range \(range.lowerBound)-\(range.upperBound)",
                    in: expression)
            }
            return number
        }

        /// An error naming the expression, in Application Auto Scaling's words for a bad cron expression.
        func problem(_ detail: String, in expression: String) -> ScalingRuleError {
            CronExpression.problem(detail, in: expression)
        }

        private var namesHint: String {
            guard let first = names.min(by: { $0.value < $1.value }),
                let last = names.max(by: { $0.value < $1.value })
            else { return "" }
            return " (use \(range.lowerBound)-\(range.upperBound) or \(first.key)-\(last.key))"
        }

        private func itemValues(_ item: String, in expression: String) throws(ScalingRuleError) -> [Int] {
            guard !item.isEmpty else { throw problem("the \(name) field has an empty list item", in: expression) }
            let parts = item.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2 else { throw problem("'\(item)' has more than one '/'", in: expression) }
            let step = try parts.count == 2 ? increment(parts[1], in: expression) : 1
            let base = parts[0]
            let bounds: ClosedRange<Int>
            if base == "*" {
                bounds = range
            } else if let dash = base.firstIndex(of: "-") {
                let low = try value(String(base[..<dash]), in: expression)
                let high = try value(String(base[base.index(after: dash)...]), in: expression)
                guard low <= high else {
                    throw problem("the range '\(base)' in the \(name) field runs backwards", in: expression)
                }
                bounds = low...high
            } else {
                let start = try value(base, in: expression)
                bounds = parts.count == 2 ? start...range.upperBound : start...start
            }
            return Array(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }

        private func increment(_ text: String, in expression: String) throws(ScalingRuleError) -> Int {
            let span = range.count
            guard !text.isEmpty, ScheduleExpression.isDigits(text), let step = Int(text), (1...span).contains(step)
            else {
                throw problem("the increment '/\(text)' in the \(name) field must be from 1 to \(span)", in: expression)
            }
            return step
        }
    }
}
