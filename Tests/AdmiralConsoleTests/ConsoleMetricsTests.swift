import AdmiralConsole
import AdmiralControlPlane
import AdmiralModel
import Foundation
import Testing

@Suite("Console metrics and alarms")
struct ConsoleMetricsTests {
    @Test("a service's utilization is drawn as SVG with an alarm's threshold and its state history")
    func drawsServiceMetrics() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        try await harness.makeService(desiredCount: 1)
        let dimensions = [
            CloudWatch.Dimension(name: "ClusterName", value: "default"),
            CloudWatch.Dimension(name: "ServiceName", value: "web"),
        ]
        let now = Date()
        try await harness.controlPlane.cloudWatch.publish(
            namespace: "AWS/ECS",
            data: (1...5).map { minute in
                CloudWatch.MetricDatum(
                    metricName: "CPUUtilization", dimensions: dimensions,
                    timestamp: now.addingTimeInterval(-Double(minute * 60)), value: Double(10 * minute), unit: .percent)
            }, now: now)
        _ = try await harness.controlPlane.cloudWatch.putMetricAlarm(
            CloudWatch.PutMetricAlarmInput(
                alarmName: "web-cpu-<high>", metricName: "CPUUtilization", namespace: "AWS/ECS",
                statistic: .average, dimensions: dimensions, period: 60, evaluationPeriods: 1, threshold: 75,
                comparisonOperator: .greaterThanThreshold),
            context: harness.context)
        try await harness.run { browser in
            _ = try await browser.signIn()
            let page = try await browser.get("/console/clusters/default/services/web?range=3h")
            #expect(page.status == 200)
            #expect(page.body.contains("<svg viewBox=\"0 0 640 180\""))
            #expect(page.body.contains("<polyline class=\"series s0\" points=\""))
            #expect(page.body.contains("<line class=\"threshold\""))
            #expect(page.body.contains("web-cpu-&lt;high&gt;"))
            #expect(!page.body.contains("web-cpu-<high>"))
            #expect(page.body.contains("<strong>3h</strong>"))
            #expect(page.body.contains("This service has no scalable target"))
        }
    }
}
