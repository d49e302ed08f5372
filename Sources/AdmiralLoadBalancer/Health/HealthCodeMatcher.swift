/// A target group's `Matcher.HttpCode`: `"200"`, `"200-299"`, `"200,202"` or a mix such as
/// `"200,300-399"`.
struct HealthCodeMatcher: Sendable, Equatable {
    let ranges: [ClosedRange<Int>]

    /// Parses `text`; ALB accepts codes from 200 to 499.
    init(_ text: String) throws {
        func invalid() -> LoadBalancerError {
            LoadBalancerError(
                .invalidConfiguration,
                "Health check matcher '\(text)' is not valid; use codes between 200 and 499 such as 200, 200-299 or 200,202."
            )
        }
        var ranges: [ClosedRange<Int>] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.trimmingSpaces.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 1 || bounds.count == 2,
                let low = Int(bounds[0].trimmingSpaces),
                let high = Int(bounds[bounds.count - 1].trimmingSpaces),
                low <= high, low >= 200, high <= 499
            else { throw invalid() }
            ranges.append(low...high)
        }
        guard !ranges.isEmpty else { throw invalid() }
        self.ranges = ranges
    }

    func accepts(_ status: Int) -> Bool {
        ranges.contains { $0.contains(status) }
    }
}
