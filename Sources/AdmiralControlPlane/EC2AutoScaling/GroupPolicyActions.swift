import AdmiralModel
import AdmiralStore
import Foundation

/// EC2 Auto Scaling's scaling policies as CloudWatch alarm actions: the registry hands
/// an alarm's invocation here, and the policy changes its group's desired capacity.
struct GroupPolicyActions: AlarmActionHandler {
    let service: EC2AutoScalingService

    /// As CloudWatch does for Auto Scaling actions: again every period while in ALARM.
    var repeatsWhileInAlarm: Bool { true }

    func check(_ arn: String) -> AlarmActionCheck {
        guard arn.hasPrefix("arn:aws:autoscaling:"), arn.contains(":autoScalingGroupName/") else { return .notMine }
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 9, parts[5] == "scalingPolicy", parts[7].hasPrefix("autoScalingGroupName/"),
            parts[8].hasPrefix("policyName/")
        else {
            return .rejected(
                "Invalid scaling policy ARN \(arn): expected arn:aws:autoscaling:REGION:ACCOUNT:scalingPolicy:ID:"
                    + "autoScalingGroupName/GROUP:policyName/NAME.")
        }
        return .accepted
    }

    func invoke(_ invocation: AlarmActionInvocation) async throws {
        try await service.execute(policyARN: invocation.actionARN, invocation: invocation)
    }
}
