extension TargetTracking {
    /// The predefined metric types Admiral tracks: the two ECS service utilizations and an Application Load
    /// Balancer's requests per target.
    public static let supportedPredefinedMetricTypes = [
        "ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization", "ALBRequestCountPerTarget",
    ]

    /// The CloudWatch metric a predefined metric type stands for.
    ///
    /// - `ECSServiceAverageCPUUtilization` and `ECSServiceAverageMemoryUtilization`: `AWS/ECS`
    ///   `CPUUtilization` / `MemoryUtilization` with dimensions `ClusterName` and `ServiceName` from the
    ///   `ResourceId` `service/<cluster>/<service>`, statistic `Average` (as in real AlarmHigh/AlarmLow alarms).
    /// - `ALBRequestCountPerTarget`: `AWS/ApplicationELB` `RequestCountPerTarget`, dimension `TargetGroup`
    ///   (`targetgroup/<name>/<id>`, the second half of the `ResourceLabel`), statistic `Sum`. The API
    ///   reference: "The format of the resource label is:
    ///   app/my-alb/778d41231b141a0f/targetgroup/my-alb-target-group/943f017f100becff."
    ///
    /// "You can't specify a resource label unless the metric type is ALBRequestCountPerTarget", and that type
    /// needs one. Other predefined types measure resources Admiral does not run and are refused.
    public static func metric(for predefined: String, resourceId: String, resourceLabel: String?)
        throws(ScalingRuleError) -> (namespace: String, name: String, dimensions: [(String, String)], statistic: String)
    {
        let ecsMetricNames = [
            "ECSServiceAverageCPUUtilization": "CPUUtilization",
            "ECSServiceAverageMemoryUtilization": "MemoryUtilization",
        ]
        if predefined == "ALBRequestCountPerTarget" {
            guard let resourceLabel else {
                throw ScalingRuleError(
                    "Resource label should be specified for predefined metric type ALBRequestCountPerTarget: set "
                        + "ResourceLabel to app/<load-balancer-name>/<load-balancer-id>/targetgroup/"
                        + "<target-group-name>/<target-group-id>.")
            }
            return (
                "AWS/ApplicationELB", "RequestCountPerTarget", [("TargetGroup", try targetGroup(in: resourceLabel))],
                "Sum"
            )
        }
        guard let name = ecsMetricNames[predefined] else {
            throw ScalingRuleError(
                "Predefined metric type \(predefined) is not supported for an ECS service in Admiral; use "
                    + supportedPredefinedMetricTypes.joined(separator: ", ") + ", or a customized metric.")
        }
        if let resourceLabel {
            throw ScalingRuleError(
                "Resource label '\(resourceLabel)' can only be specified for predefined metric type "
                    + "ALBRequestCountPerTarget; leave ResourceLabel out for \(predefined).")
        }
        let parts = resourceId.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "service", !parts[1].isEmpty, !parts[2].isEmpty else {
            throw ScalingRuleError(
                "Invalid resource ID '\(resourceId)' for \(predefined): an ECS service's resource ID is "
                    + "service/<cluster-name>/<service-name>.")
        }
        return ("AWS/ECS", name, [("ClusterName", String(parts[1])), ("ServiceName", String(parts[2]))], "Average")
    }

    /// The `targetgroup/<name>/<id>` half of a resource label `app/<lb>/<id>/targetgroup/<tg>/<id>`.
    private static func targetGroup(in label: String) throws(ScalingRuleError) -> String {
        let parts = label.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "app", parts[3] == "targetgroup", !parts.contains(where: \.isEmpty) else {
            throw ScalingRuleError(
                "Invalid resource label '\(label)': write app/<load-balancer-name>/<load-balancer-id>/targetgroup/"
                    + "<target-group-name>/<target-group-id>, the final portions of the load balancer's and the "
                    + "target group's ARNs joined by '/'.")
        }
        return parts[3...].joined(separator: "/")
    }
}
