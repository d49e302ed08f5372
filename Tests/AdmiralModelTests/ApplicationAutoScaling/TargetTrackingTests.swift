import AdmiralModel
import Testing

@Suite("Target tracking: the capacity it asks for and the alarms AWS creates for it")
struct TargetTrackingTests {
    private func desired(
        _ current: Int, metric: Double, target: Double = 50, scaleIn: Bool = true, min: Int = 1, max: Int = 100
    ) -> Int {
        TargetTracking.desiredCapacity(
            current: current, metric: metric, target: target, scaleIn: scaleIn, min: min, max: max)
    }

    @Test("above the target it scales out in proportion, rounding up")
    func scaleOut() {
        #expect(desired(10, metric: 75) == 15)
        #expect(desired(10, metric: 60) == 12)
        #expect(desired(3, metric: 51) == 4)
        #expect(desired(10, metric: 55) == 11)
        #expect(desired(1, metric: 99) == 2)
    }

    @Test("a proportional capacity that is whole up to rounding noise is not rounded up again")
    func roundingNoise() {
        // 3 × 1.1 / 0.3 is 11.000000000000002 in floating point.
        #expect(desired(3, metric: 1.1, target: 0.3) == 11)
        // A CPU reading of 100.0000012 % on 2 tasks at a target of 50 asks 4, not 5.
        #expect(desired(2, metric: 100.000_001_2) == 4)
        #expect(desired(2, metric: 100.01) == 5)
    }

    @Test("scale-out stops at the maximum capacity, however high the metric")
    func scaleOutLimit() {
        #expect(desired(10, metric: 500, max: 20) == 20)
        #expect(desired(10, metric: 1e300, max: 20) == 20)
        #expect(desired(10, metric: .infinity, max: 20) == 10)
    }

    @Test("between 90 % of the target and the target it keeps the capacity")
    func deadBand() {
        for metric in [45.0, 47.5, 50.0] {
            #expect(desired(10, metric: metric) == 10, "\(metric)")
        }
        #expect(desired(10, metric: 44.999) == 9)
    }

    @Test("below 90 % of the target it removes at most a tenth of the capacity, and at least one unit")
    func gradualScaleIn() {
        #expect(desired(10, metric: 20) == 9)
        #expect(desired(100, metric: 10) == 90)
        #expect(desired(25, metric: 10) == 23)
        // Never below the proportional capacity, rounded up: 2 × 30 / 50 is 1.2, so 2 stays.
        #expect(desired(2, metric: 30) == 2)
        #expect(desired(2, metric: 20) == 1)
        #expect(desired(100, metric: 44) == 90)
        #expect(desired(100, metric: 44.9, target: 50) == 90)
    }

    @Test("scale-in goes no lower than the minimum capacity, which may be zero")
    func scaleInLimit() {
        #expect(desired(1, metric: 0) == 1)
        #expect(desired(1, metric: 0, min: 0) == 0)
        #expect(desired(10, metric: 1, min: 10) == 10)
    }

    @Test("with scale-in disabled it only ever adds capacity")
    func scaleInDisabled() {
        #expect(desired(10, metric: 20, scaleIn: false) == 10)
        #expect(desired(10, metric: 75, scaleIn: false) == 15)
    }

    @Test("repeated scale-ins of an idle service approach the target without overshooting it")
    func repeatedScaleIn() {
        // A load of 500 units spread over the tasks, against a target of 50 per task.
        var capacity = 100
        var history = [capacity]
        while true {
            let next = desired(capacity, metric: 500 / Double(capacity))
            if next == capacity { break }
            #expect(next < capacity)
            #expect(500 / Double(next) <= 50)
            capacity = next
            history.append(next)
        }
        #expect(history.prefix(4) == [100, 90, 81, 73])
        #expect((10...11).contains(capacity))
    }

    @Test("a capacity of zero, a non-positive target or a metric that is not a number changes nothing")
    func degenerate() {
        #expect(desired(0, metric: 80, min: 0) == 0)
        #expect(desired(0, metric: 80, min: 2) == 2)
        #expect(desired(5, metric: 80, target: 0) == 5)
        #expect(desired(5, metric: 80, target: -10) == 5)
        #expect(desired(5, metric: .nan) == 5)
        #expect(desired(50, metric: 50, max: 20) == 20)
    }

    @Test("AlarmHigh is above the target for 3 of 3 minutes, AlarmLow below 90 % of it for 15 of 15")
    func alarms() {
        let alarms = TargetTracking.alarms(target: 70, period: 60)
        #expect(
            alarms == [
                TargetTrackingAlarm(
                    nameSuffix: "AlarmHigh", comparison: .greaterThanThreshold, threshold: 70, evaluationPeriods: 3,
                    datapointsToAlarm: 3, period: 60),
                TargetTrackingAlarm(
                    nameSuffix: "AlarmLow", comparison: .lessThanThreshold, threshold: 63, evaluationPeriods: 15,
                    datapointsToAlarm: 15, period: 60),
            ])
        #expect(TargetTracking.alarms(target: 80, period: 60).map(\.threshold) == [80, 72])
        #expect(TargetTracking.alarms(target: 70, period: 60).map(\.isScaleOut) == [true, false])
        #expect(TargetTracking.alarms(target: 1000, period: 10).allSatisfy { $0.period == 10 })
    }

    @Test("with scale-in disabled only AlarmHigh is created")
    func alarmsWithoutScaleIn() {
        #expect(TargetTracking.alarms(target: 70, period: 60, disableScaleIn: true).map(\.nameSuffix) == ["AlarmHigh"])
    }

    @Test("alarm names and descriptions follow AWS's pattern")
    func alarmNaming() throws {
        let high = try #require(TargetTracking.alarms(target: 70, period: 60).first)
        #expect(
            high.name(resourceId: "service/api_backend/backend_main", id: "15c162ab-fb83-4e7f-bf41-19dc43e4fd64")
                == "TargetTracking-service/api_backend/backend_main-AlarmHigh-15c162ab-fb83-4e7f-bf41-19dc43e4fd64")
        #expect(
            TargetTrackingAlarm.description(policyARN: "arn:aws:autoscaling:x")
                == "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy arn:aws:autoscaling:x.")
        #expect(TargetTrackingAlarm.treatMissingData == "missing")
        #expect(TargetTrackingAlarm.Comparison.lessThanThreshold.rawValue == "LessThanThreshold")
    }
}

@Suite("Target tracking's predefined metrics for ECS services")
struct TargetTrackingMetricTests {
    private func refusal(_ type: String, _ resourceId: String = "service/c/s", _ label: String? = nil) -> String? {
        ScalingFixture.message {
            _ = try TargetTracking.metric(for: type, resourceId: resourceId, resourceLabel: label)
        }
    }

    @Test("ECS service CPU and memory utilization are AWS/ECS averages for the cluster and service")
    func ecsUtilization() throws {
        let cpu = try TargetTracking.metric(
            for: "ECSServiceAverageCPUUtilization", resourceId: "service/my-cluster/my-service", resourceLabel: nil)
        #expect(cpu.namespace == "AWS/ECS")
        #expect(cpu.name == "CPUUtilization")
        #expect(
            cpu.dimensions.map { [$0.0, $0.1] } == [["ClusterName", "my-cluster"], ["ServiceName", "my-service"]])
        #expect(cpu.statistic == "Average")
        let memory = try TargetTracking.metric(
            for: "ECSServiceAverageMemoryUtilization", resourceId: "service/default/web-app", resourceLabel: nil)
        #expect(memory.name == "MemoryUtilization")
        #expect(memory.dimensions.map(\.1) == ["default", "web-app"])
    }

    @Test("ALB requests per target are the Sum of RequestCountPerTarget for the label's target group")
    func albRequestCount() throws {
        let metric = try TargetTracking.metric(
            for: "ALBRequestCountPerTarget", resourceId: "service/my-cluster/my-service",
            resourceLabel: "app/my-alb/778d41231b141a0f/targetgroup/my-alb-target-group/943f017f100becff")
        #expect(metric.namespace == "AWS/ApplicationELB")
        #expect(metric.name == "RequestCountPerTarget")
        #expect(
            metric.dimensions.map { [$0.0, $0.1] } == [
                ["TargetGroup", "targetgroup/my-alb-target-group/943f017f100becff"]
            ])
        #expect(metric.statistic == "Sum")
    }

    @Test("ALBRequestCountPerTarget needs a resource label in the documented form")
    func albLabel() {
        #expect(
            refusal("ALBRequestCountPerTarget")?.hasPrefix(
                "Resource label should be specified for predefined metric type ALBRequestCountPerTarget") == true)
        for label in [
            "app/my-alb/778d/targetgroup/tg", "net/my-nlb/778d/targetgroup/tg/943f", "app/my-alb/778d/tg/tg/943f",
            "app//778d/targetgroup/tg/943f", "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg/943f",
        ] {
            #expect(
                refusal("ALBRequestCountPerTarget", "service/c/s", label)?.hasPrefix(
                    "Invalid resource label '\(label)'")
                    == true, "\(label)")
        }
    }

    @Test("a resource label is refused for the ECS utilization metrics")
    func labelOnlyForALB() {
        let message = refusal("ECSServiceAverageCPUUtilization", "service/c/s", "app/a/1/targetgroup/t/2")
        #expect(message?.contains("can only be specified for predefined metric type ALBRequestCountPerTarget") == true)
    }

    @Test("the ECS metrics need a resource ID of the form service/cluster/service")
    func resourceId() {
        for id in ["service/my-cluster", "cluster/a/b", "service//svc", "service/a/b/c", ""] {
            #expect(
                refusal("ECSServiceAverageCPUUtilization", id)?.hasPrefix("Invalid resource ID '\(id)'") == true,
                "\(id)")
        }
    }

    @Test("predefined metric types for other services are refused, naming the supported ones")
    func otherTypes() {
        for type in [
            "DynamoDBReadCapacityUtilization", "ASGAverageCPUUtilization", "ecsserviceaveragecpuutilization", "",
        ] {
            let message = refusal(type)
            #expect(message?.hasPrefix("Predefined metric type \(type) is not supported") == true, "\(type)")
            #expect(message?.contains("ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization") == true)
        }
    }
}
