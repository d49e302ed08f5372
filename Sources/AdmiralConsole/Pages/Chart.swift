import Foundation

/// A line chart drawn as inline SVG on the server: time on x, value on y, a line per
/// series and, for an alarm, its threshold as a dashed line.
struct Chart: Sendable {
    struct Series: Sendable {
        var label: String
        var points: [(time: Date, value: Double)]
    }

    struct Threshold: Sendable {
        var label: String
        var value: Double
    }

    var title: String
    var unit: String
    var start: Date
    var end: Date
    var series: [Series]
    var thresholds: [Threshold] = []

    static let width = 640.0
    static let height = 180.0
    static let left = 56.0
    static let bottom = 22.0
    static let top = 8.0

    func render() -> HTML {
        let plotWidth = Self.width - Self.left - 8
        let plotHeight = Self.height - Self.bottom - Self.top
        let values = series.flatMap { $0.points.map(\.value) } + thresholds.map(\.value)
        let maximum = Swift.max((values.max() ?? 0) * 1.05, unit == "%" ? 100 : 1)
        let span = Swift.max(end.timeIntervalSince(start), 1)
        func x(_ time: Date) -> Double { Self.left + plotWidth * time.timeIntervalSince(start) / span }
        func y(_ value: Double) -> Double { Self.top + plotHeight * (1 - Swift.max(0, value) / maximum) }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        let empty = series.allSatisfy(\.points.isEmpty)
        return HTML.el(.div, .class("chart")) {
            HTML.el(.h3) { title }
            HTML.el(
                .svg, HTMLAttribute("viewBox", "0 0 \(Int(Self.width)) \(Int(Self.height))"),
                HTMLAttribute("role", "img"), HTMLAttribute("aria-label", title)
            ) {
                HTML.el(.svgTitle) { title }
                for fraction in [0.0, 0.5, 1.0] {
                    let value = maximum * fraction
                    HTML.el(
                        .line, .class("grid"), HTMLAttribute("x1", number(Self.left)),
                        HTMLAttribute("x2", number(Self.width - 8)), HTMLAttribute("y1", number(y(value))),
                        HTMLAttribute("y2", number(y(value))))
                    HTML.el(
                        .svgText, .class("axis"), HTMLAttribute("x", number(Self.left - 4)),
                        HTMLAttribute("y", number(y(value) + 4)), HTMLAttribute("text-anchor", "end")
                    ) { Self.compact(value) + (unit == "%" ? "%" : "") }
                }
                HTML.el(
                    .svgText, .class("axis"), HTMLAttribute("x", number(Self.left)),
                    HTMLAttribute("y", number(Self.height - 6))
                ) { Format.time(start) }
                HTML.el(
                    .svgText, .class("axis"), HTMLAttribute("x", number(Self.width - 8)),
                    HTMLAttribute("y", number(Self.height - 6)), HTMLAttribute("text-anchor", "end")
                ) { Format.time(end) }
                for threshold in thresholds {
                    HTML.el(
                        .line, .class("threshold"), HTMLAttribute("x1", number(Self.left)),
                        HTMLAttribute("x2", number(Self.width - 8)), HTMLAttribute("y1", number(y(threshold.value))),
                        HTMLAttribute("y2", number(y(threshold.value)))
                    ) { HTML.el(.svgTitle) { threshold.label } }
                    HTML.el(
                        .svgText, .class("threshold-label"), HTMLAttribute("x", number(Self.width - 10)),
                        HTMLAttribute("y", number(y(threshold.value) - 4)), HTMLAttribute("text-anchor", "end")
                    ) { threshold.label }
                }
                for (index, line) in series.enumerated() {
                    let points = line.points.sorted { $0.time < $1.time }
                        .map { "\(number(x($0.time))),\(number(y($0.value)))" }.joined(separator: " ")
                    HTML.el(.polyline, .class("series s\(index % 4)"), HTMLAttribute("points", points)) {
                        HTML.el(.svgTitle) { line.label }
                    }
                    if line.points.count == 1, let only = line.points.first {
                        HTML.el(
                            .circle, .class("series s\(index % 4)"), HTMLAttribute("cx", number(x(only.time))),
                            HTMLAttribute("cy", number(y(only.value))), HTMLAttribute("r", "2.5"))
                    }
                }
            }
            HTML.el(.p, .class("legend")) {
                for (index, line) in series.enumerated() {
                    HTML.el(.span, .class("key s\(index % 4)")) { line.label }
                    " "
                }
                if empty { HTML.el(.span, .class("note")) { "No data points in this range yet." } }
            }
        }
    }

    /// 1234 → 1.2k; small values keep a decimal.
    static func compact(_ value: Double) -> String {
        if value >= 1_000_000 { return String(format: "%.1fM", value / 1_000_000) }
        if value >= 1000 { return String(format: "%.1fk", value / 1000) }
        if value >= 10 || value == 0 { return String(format: "%.0f", value) }
        return String(format: "%.2g", value)
    }
}
